"""The committed vectors pin the edges of rules 2.2 and 2.7 (spec/consensus.md): an
implementation that misreads one comparison fails at least one committed vector. Each
misreading is made here as a mutant of the reference and replayed against the tree."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from duskspec import paths
from duskspec.consensus import provisioners, sortition
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.provisioners import Provisioner
from duskspec.vectors.verify import verify

EXTRACTION = [paths.VECTORS_DIR / p / "consensus" / "extraction" for p in ("tiny", "mainnet")]


def land_strictly(weights: list[int], remaining: int) -> int:
    """Rule 2.7 misread: ``>`` for ``>=``."""
    for index, weight in enumerate(weights):
        if weight > remaining:
            return index
        remaining -= weight
    raise AssertionError("walked past every member")


def eligible_strictly_before(p: Provisioner, round: int, params: ConsensusParams) -> bool:
    """Rule 2.2 misread: ``eligible_since < round``."""
    return p.eligible_since < round and p.value >= params.minimum_stake


def eligible_above_minimum(p: Provisioner, round: int, params: ConsensusParams) -> bool:
    """Rule 2.2 misread: ``value > minimum``."""
    return p.eligible_since <= round and p.value > params.minimum_stake


def eligible_one_round_late(p: Provisioner, round: int, params: ConsensusParams) -> bool:
    """Rule 2.2 misread the other way: ``eligible_since <= round + 1``."""
    return p.eligible_since <= round + 1 and p.value >= params.minimum_stake


MUTANTS: list[tuple[object, str, Callable[..., object], str]] = [
    (sortition, "_land", land_strictly, "boundary_score_equals_weight"),
    (provisioners, "is_eligible", eligible_strictly_before, "boundary_eligible_since_equals_round"),
    (provisioners, "is_eligible", eligible_above_minimum, "boundary_stake_equals_minimum"),
    (provisioners, "is_eligible", eligible_one_round_late, "boundary_eligible_since_after_round"),
]


def failures() -> set[str]:
    failed = set()
    for root in EXTRACTION:
        failed |= {o.path for o in verify(root) if o.status != "passed"}
    return failed


def test_the_reference_passes_every_boundary_case() -> None:
    assert failures() == set()


@pytest.mark.parametrize(
    ("module", "name", "mutant", "case"), MUTANTS, ids=[m[2].__name__ for m in MUTANTS]
)
def test_a_misread_comparison_fails_a_committed_vector(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    mutant: Callable[..., object],
    case: str,
) -> None:
    monkeypatch.setattr(module, name, mutant)
    failed = failures()
    assert case in failed, sorted(failed)

"""The equivocation bound, proven with Z3 over the real constants (spec/consensus.md §10).

For each preset, with ``R`` Ratification credits, ``b`` of them held by equivocating
members (who may vote every value) and the rest honest (one vote each, for any value): the
lemma "two attestations of one iteration on different values" is unsatisfiable for every
``b <= bound`` and satisfiable (Z3 gives the vote split) at ``b = bound + 1``. The thresholds
are ``duskspec.consensus.constants.majority``/``supermajority`` evaluated on the preset's
credits, and the bound is ``duskspec.consensus.bound``'s: nothing is re-typed here.
"""

from __future__ import annotations

import pytest
import z3

from duskspec.consensus import bound
from duskspec.consensus.constants import PRESETS, ConsensusParams, majority, supermajority


def conflict(credits: int, first: int, second: int, byzantine: z3.ArithRef | int) -> z3.Solver:
    """Honest credits ``h1`` vote the first value, ``h2`` the second, the Byzantine
    ``byzantine`` credits vote both: can both quorums form?"""
    h1, h2 = z3.Ints("h1 h2")
    s = z3.Solver()
    s.add(h1 >= 0, h2 >= 0, h1 + h2 <= credits - byzantine)
    s.add(h1 + byzantine >= first, h2 + byzantine >= second)
    return s


def largest_safe(credits: int, first: int, second: int) -> z3.CheckSatResult:
    """Z3 over a symbolic ``b``: no conflict for any ``0 <= b <= bound``."""
    b = z3.Int("b")
    s = conflict(credits, first, second, b)
    s.add(b >= 0, b <= bound.conflict_bound(credits, first, second))
    return s.check()


QUORUM_PAIRS = {
    "success_fail": (supermajority, majority, bound.success_fail_bound),
    "success_success": (supermajority, supermajority, bound.success_success_bound),
}


@pytest.mark.parametrize("pair", sorted(QUORUM_PAIRS))
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_no_conflict_up_to_the_bound_and_one_beyond_it_does(preset: str, pair: str) -> None:
    params: ConsensusParams = PRESETS[preset]
    first_of, second_of, bound_of = QUORUM_PAIRS[pair]
    credits = params.ratification_credits
    first, second = first_of(credits), second_of(credits)
    limit = bound_of(params)
    assert largest_safe(credits, first, second) == z3.unsat
    beyond = conflict(credits, first, second, limit + 1)
    assert beyond.check() == z3.sat
    model = beyond.model()
    h1, h2 = (model.eval(z3.Int(name)).as_long() for name in ("h1", "h2"))
    assert h1 + limit + 1 >= first and h2 + limit + 1 >= second
    assert h1 + h2 <= credits - limit - 1


def test_the_bounds_at_mainnet_and_tiny() -> None:
    """The figures spec/consensus.md §10 states."""
    assert (
        bound.success_fail_bound(PRESETS["mainnet"]),
        bound.success_success_bound(PRESETS["mainnet"]),
    ) == (11, 21)
    assert (
        bound.success_fail_bound(PRESETS["tiny"]),
        bound.success_success_bound(PRESETS["tiny"]),
    ) == (2, 3)


def test_validation_quorums_are_the_same_arithmetic() -> None:
    """A Valid and a NoCandidate Validation quorum of one iteration obey the same bound with
    the Validation credits (both presets give both committees the same size)."""
    for params in PRESETS.values():
        credits = params.validation_credits
        first, second = supermajority(credits), majority(credits)
        assert largest_safe(credits, first, second) == z3.unsat
        limit = bound.conflict_bound(credits, first, second)
        assert conflict(credits, first, second, limit + 1).check() == z3.sat

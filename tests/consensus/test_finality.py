"""PNI, rolling finality and fork choice (spec/consensus.md §7)."""

from __future__ import annotations

import pytest

from duskspec.consensus import finality
from duskspec.consensus.constants import MAINNET, TINY
from duskspec.consensus.finality import ForkAction, ForkView, Label, LabeledBlock
from duskspec.consensus.finality import LabelKind as K
from duskspec.errors import ConsensusError


def chain(start: int, *labels: tuple[K, int]) -> tuple[LabeledBlock, ...]:
    return tuple(LabeledBlock(start + i, Label(k, v)) for i, (k, v) in enumerate(labels))


def test_pni() -> None:
    pni = finality.previous_non_attested_iterations
    assert pni(0, 0, MAINNET) == 0
    assert pni(5, 2, MAINNET) == 3
    assert pni(255, 8, MAINNET) == 42  # emergency block counts as 50
    with pytest.raises(ConsensusError, match=r"consensus\.too_many_failed_iterations"):
        pni(20, 9, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.too_many_failed_iterations"):
        pni(5, 3, TINY)
    with pytest.raises(ConsensusError, match=r"consensus\.failed_iterations_beyond_iteration"):
        pni(1, 2, MAINNET)


def test_labels_of_new_blocks() -> None:
    assert finality.accepted_label(0) == Label(K.ATTESTED, 1)
    assert finality.accepted_label(3) == Label(K.ACCEPTED, 6)


def test_happy_path_finalizes_parent() -> None:
    update = finality.rolling_finality(chain(10, (K.ATTESTED, 1)), 11, 0)
    assert update.label == Label(K.ATTESTED, 1)
    assert update.chain == chain(10, (K.FINAL, 1))
    assert update.finalized == (10,)


def test_accepted_block_changes_nothing() -> None:
    before = chain(10, (K.ATTESTED, 1))
    update = finality.rolling_finality(before, 11, 2)
    assert update == finality.FinalityUpdate(Label(K.ACCEPTED, 4), before, ())


def test_accepted_needs_enough_stable_blocks() -> None:
    before = chain(10, (K.ACCEPTED, 4), (K.ATTESTED, 1))
    update = finality.rolling_finality(before, 12, 0)
    assert update.chain == chain(10, (K.ACCEPTED, 4), (K.CONFIRMED, 1))
    assert update.finalized == ()
    # Two more attested blocks: 11 is Confirmed already, then 12 and 13 are stable.
    after = finality.rolling_finality(update.chain + chain(12, (K.ATTESTED, 1)), 13, 0)
    assert after.chain == chain(10, (K.ACCEPTED, 4), (K.CONFIRMED, 1), (K.CONFIRMED, 1))
    last = finality.rolling_finality(after.chain + chain(13, (K.ATTESTED, 1)), 14, 0)
    assert last.finalized == (10, 11, 12, 13)
    assert last.chain[0] == LabeledBlock(10, Label(K.FINAL, 4))


def test_chain_errors() -> None:
    with pytest.raises(ConsensusError, match=r"consensus\.finality_height_gap"):
        finality.rolling_finality(chain(10, (K.ATTESTED, 1)), 12, 0)
    with pytest.raises(ConsensusError, match=r"consensus\.finality_final_in_chain"):
        finality.rolling_finality(chain(10, (K.FINAL, 1)), 11, 0)


def view(remote_height: int, remote_iteration: int, local: int | None, **kw: bool) -> ForkView:
    return ForkView(
        tip_height=10,
        last_final_height=8,
        remote_height=remote_height,
        remote_iteration=remote_iteration,
        remote_known=kw.get("known", False),
        parent_known=kw.get("parent", True),
        local_iteration=local,
    )


def test_fork_choice() -> None:
    choose = finality.choose_fork
    assert choose(view(11, 0, None)) == ForkAction.ACCEPT
    assert choose(view(13, 0, None)) == ForkAction.PRESYNC
    assert choose(view(10, 0, 2)) == ForkAction.FALLBACK
    assert choose(view(9, 3, 2)) == ForkAction.SEND_LOCAL
    assert choose(view(10, 2, 2)) == ForkAction.DOUBLE_CANDIDATE
    assert choose(view(10, 0, 2, known=True)) == ForkAction.IGNORE
    assert choose(view(8, 0, 2)) == ForkAction.IGNORE
    assert choose(view(10, 0, 2, parent=False)) == ForkAction.IGNORE
    with pytest.raises(ConsensusError, match=r"consensus\.fork_missing_local_block"):
        choose(view(10, 0, None))

"""Soft and hard slashing (spec/consensus.md §6)."""

from __future__ import annotations

import pytest

from duskspec.consensus import slashing
from duskspec.consensus.constants import DUSK, MAINNET
from duskspec.consensus.slashing import (
    FailedIteration,
    FaultKind,
    SlashType,
    StakeAmount,
    StakeData,
)
from duskspec.errors import ConsensusError

VALUE = 2000 * DUSK + 99
H = 5000  # epoch 2 (2160..4319); next epoch starts at 6480


def stake(faults: int = 0, hard: int = 0) -> StakeData:
    return StakeData(StakeAmount(VALUE, 0, 100), 7, faults, hard)


def test_first_fault_is_a_warning() -> None:
    out = slashing.soft_slash(stake(), H, MAINNET)
    assert out.slashed == 0 and not out.emitted
    assert out.stake == StakeData(StakeAmount(VALUE, 0, 100), 7, 1, 0)


def test_effective_faults_lock_and_suspend() -> None:
    out = slashing.soft_slash(stake(1), H, MAINNET)
    assert out.slashed == VALUE // 100 * 10
    assert out.stake.amount == StakeAmount(VALUE - out.slashed, out.slashed, 6480 + 2160)
    out3 = slashing.soft_slash(stake(3), H, MAINNET)
    assert out3.slashed == VALUE // 100 * 30
    assert out3.stake.amount is not None
    assert out3.stake.amount.eligibility == 6480 + 3 * 2160


def test_penalty_capped_and_counter_saturates() -> None:
    out = slashing.soft_slash(stake(11), H, MAINNET)
    assert out.slashed == VALUE
    assert out.stake.amount is not None and out.stake.amount.value == 0
    assert slashing.soft_slash(stake(255), H, MAINNET).stake.faults == 255


def test_explicit_amount() -> None:
    assert slashing.soft_slash(stake(), H, MAINNET, to_slash=5).slashed == 5
    assert slashing.soft_slash(stake(), H, MAINNET, to_slash=VALUE + 1).slashed == VALUE


def test_no_amount_is_untouched() -> None:
    empty = StakeData(None, 0, 2, 0)
    assert slashing.soft_slash(empty, H, MAINNET) == slashing.SlashOutcome(empty, 0, False)
    assert slashing.hard_slash(empty, H, MAINNET).stake == empty


def test_hard_slash_burns() -> None:
    out = slashing.hard_slash(stake(hard=1), H, MAINNET, severity=2)
    assert out.stake.hard_faults == 3
    assert out.slashed == VALUE // 100 * 30
    assert out.stake.amount == StakeAmount(VALUE - out.slashed, 0, 6480 + 3 * 2160)


def test_triggers() -> None:
    assert slashing.slash_for_failed_iteration(FailedIteration.NO_CANDIDATE) == SlashType.SOFT
    assert slashing.slash_for_failed_iteration(FailedIteration.INVALID) == SlashType.HARD
    assert slashing.slash_for_failed_iteration(FailedIteration.NO_QUORUM) is None
    for kind in FaultKind:
        assert slashing.slash_for_fault(kind) == SlashType.HARD_WITH_SEVERITY


def test_every_slash_executes_as_soft_in_1_6_0() -> None:
    soft = slashing.soft_slash(stake(1), H, MAINNET)
    for kind in SlashType:
        assert slashing.executed_slash(stake(1), kind, H, MAINNET) == soft


def test_reward_forgives_faults() -> None:
    rewarded = slashing.apply_reward(stake(4, 2), 10)
    assert (rewarded.reward, rewarded.faults, rewarded.hard_faults) == (17, 0, 0)


def test_errors() -> None:
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        slashing.soft_slash(stake(256), H, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        slashing.hard_slash(stake(), H, MAINNET, severity=256)
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        slashing.soft_slash(StakeData(StakeAmount(2**64, 0, 0), 0, 0, 0), H, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        slashing.soft_slash(stake(), -1, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        slashing.apply_reward(stake(), 2**64)

"""Soft and hard slashing, suspension, and what triggers them (spec/consensus.md §6,
spec/sources.md §1.15).

The stake contract's ``slash`` and ``hard_slash`` (``contracts:genesis/stake/src/state.rs``)
as pure functions over :class:`StakeData`, in integers:

- soft slash: one more fault; the first ``stake_warnings`` faults are warnings; each
  effective fault suspends the stake until ``next_epoch(h) + effective * EPOCH`` and moves
  ``value // 100 * effective * 10`` (at most the whole value) from ``value`` to ``locked``;
- hard slash: ``hard_faults`` grows by the severity (default 1), the stake is suspended
  until ``next_epoch(h) + hard_faults * EPOCH`` and ``value // 100 * hard_faults * 10`` (at
  most the value) is burned;
- rusk 1.6.0 executes every slash, whatever its type, as a soft slash.

Fault counters are ``u8`` and saturate at 255, as in the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.provisioners import check_u64, next_epoch
from duskspec.errors import ConsensusError

# One stake type for consensus and the runtime (which may not import each other).
from duskspec.types import StakeAmount as StakeAmount
from duskspec.types import StakeData as StakeData

U8_MAX = 255


class SlashType(Enum):
    SOFT = "soft"
    HARD = "hard"
    HARD_WITH_SEVERITY = "hard_with_severity"


class FailedIteration(Enum):
    """The vote of a Fail attestation included in a block's ``failed_iterations``."""

    NO_CANDIDATE = "no_candidate"
    INVALID = "invalid"
    NO_QUORUM = "no_quorum"


class FaultKind(Enum):
    """A proven double message (``node-data/src/ledger/faults.rs``)."""

    DOUBLE_CANDIDATE = "double_candidate"
    DOUBLE_RATIFICATION_VOTE = "double_ratification_vote"
    DOUBLE_VALIDATION_VOTE = "double_validation_vote"


#: Severity a proven fault carries (``SlashType::HardWithSeverity(2)``).
FAULT_SEVERITY = 2


@dataclass(frozen=True)
class SlashOutcome:
    stake: StakeData
    #: Amount moved to ``locked`` (soft) or burned (hard).
    slashed: int
    #: Whether the contract emits a slash event.
    emitted: bool


def check_stake(stake: StakeData) -> StakeData:
    check_u64(stake.reward, "reward")
    for counter in (stake.faults, stake.hard_faults):
        if not 0 <= counter <= U8_MAX:
            raise ConsensusError("consensus.value_out_of_range", f"fault counter {counter}")
    if stake.amount is not None:
        check_u64(stake.amount.value, "stake value")
        check_u64(stake.amount.locked, "locked stake")
        check_u64(stake.amount.eligibility, "eligibility")
    return stake


def suspension_end(height: int, faults: int, params: ConsensusParams) -> int:
    """The round a suspended stake is eligible again: the rest of this epoch plus ``faults``
    whole epochs."""
    return next_epoch(height, params) + faults * params.epoch


def penalty(value: int, faults: int, params: ConsensusParams, to_slash: int | None) -> int:
    """``to_slash`` if given, else 10% of the value per fault (percent taken first, rounded
    down), never more than the value."""
    if to_slash is None:
        to_slash = value // 100 * faults * params.slash_percent_per_fault
    return min(to_slash, value)


def soft_slash(
    stake: StakeData, height: int, params: ConsensusParams, to_slash: int | None = None
) -> SlashOutcome:
    """``StakeState::slash``: count a fault, suspend past the warnings, lock the penalty."""
    check_stake(stake)
    check_u64(height, "height")
    if stake.amount is None:
        return SlashOutcome(stake, 0, False)
    faults = min(stake.faults + 1, U8_MAX)
    effective = max(0, faults - params.stake_warnings)
    eligibility = stake.amount.eligibility
    if effective > 0:
        eligibility = suspension_end(height, effective, params)
    slashed = penalty(stake.amount.value, effective, params, to_slash)
    amount = StakeAmount(
        value=stake.amount.value - slashed,
        locked=stake.amount.locked + slashed,
        eligibility=eligibility,
    )
    new_stake = replace(stake, amount=amount, faults=faults)
    return SlashOutcome(new_stake, slashed, slashed > 0 or effective > 0)


def hard_slash(
    stake: StakeData,
    height: int,
    params: ConsensusParams,
    severity: int = 1,
    to_slash: int | None = None,
) -> SlashOutcome:
    """``StakeState::hard_slash``: add the severity, suspend, burn the penalty. Not executed
    by rusk 1.6.0 (see :func:`executed_slash`); kept because the contract implements it."""
    check_stake(stake)
    check_u64(height, "height")
    if not 0 <= severity <= U8_MAX:
        raise ConsensusError("consensus.value_out_of_range", f"severity {severity}")
    if stake.amount is None:
        return SlashOutcome(stake, 0, False)
    hard_faults = min(stake.hard_faults + severity, U8_MAX)
    slashed = penalty(stake.amount.value, hard_faults, params, to_slash)
    amount = StakeAmount(
        value=stake.amount.value - slashed,
        locked=stake.amount.locked,
        eligibility=suspension_end(height, hard_faults, params),
    )
    new_stake = replace(stake, amount=amount, hard_faults=hard_faults)
    return SlashOutcome(new_stake, slashed, True)


def slash_for_failed_iteration(result: FailedIteration) -> SlashType | None:
    """The slash a Fail attestation earns the generator of that iteration."""
    by_result = {
        FailedIteration.NO_CANDIDATE: SlashType.SOFT,
        FailedIteration.INVALID: SlashType.HARD,
        FailedIteration.NO_QUORUM: None,
    }
    return by_result[result]


def slash_for_fault(kind: FaultKind) -> SlashType:
    """Every proven fault is a hard slash of severity :data:`FAULT_SEVERITY`."""
    return SlashType.HARD_WITH_SEVERITY


def executed_slash(
    stake: StakeData, kind: SlashType, height: int, params: ConsensusParams
) -> SlashOutcome:
    """What rusk 1.6.0 does for a slash of any ``kind``: "Hard Slashing is currently relaxed
    to Soft Slashing", so every kind runs :func:`soft_slash` with the default penalty."""
    return soft_slash(stake, height, params)


def apply_reward(stake: StakeData, value: int) -> StakeData:
    """``StakeState::reward``: credit ``value`` and forgive every fault."""
    check_stake(stake)
    reward = check_u64(stake.reward + value, "reward")
    return replace(stake, reward=reward, faults=0, hard_faults=0)

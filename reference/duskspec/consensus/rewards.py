"""Block emission and the reward split (spec/consensus.md §5, spec/sources.md §1.14).

rusk ``rusk/src/lib/node.rs::{emission_amount, get_block_rewards}`` and
``rusk/src/lib/node/rusk.rs::{reward, calc_generator_extra_reward}``, in integers (LUX):

- the block reward is the emission at that height plus the fees spent in the block;
- a tenth (rounded down) goes to Dusk's consensus key, a tenth to the voters, a tenth is
  the generator's extra, and the rest is the generator's fixed reward;
- each voter of the previous block's attestation gets ``credits * (voters_share // C)``
  with ``C`` the Validation plus Ratification credits;
- the generator's extra is paid in full only when the attestation holds all ``C`` credits,
  otherwise ``(extra // E) * max(0, credits - Q)`` with ``E`` the credits beyond the two
  quorums and ``Q`` the two quorums;
- whatever the rounding or missing credits leave unassigned is credited to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.messages import Attestation
from duskspec.consensus.provisioners import check_public_key, check_u64
from duskspec.consensus.sortition import StepName, intersect
from duskspec.consensus.verification import CommitteeSource
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey


class RewardReason(Enum):
    """``RewardReason`` of the stake contract's ``reward`` event."""

    GENERATOR_FIXED = "generator_fixed"
    GENERATOR_EXTRA = "generator_extra"
    VOTER = "voter"
    OTHER = "other"


@dataclass(frozen=True)
class BlockReward:
    """The four shares of one block's reward, before the voters' share is split."""

    dusk: int
    generator_fixed: int
    generator_extra: int
    voters: int

    @property
    def total(self) -> int:
        return self.dusk + self.generator_fixed + self.generator_extra + self.voters


@dataclass(frozen=True)
class Voter:
    """A voter of the previous block's attestation with its Validation + Ratification credits."""

    public_key: BlsPublicKey
    credits: int


@dataclass(frozen=True)
class Reward:
    account: BlsPublicKey
    value: int
    reason: RewardReason


@dataclass(frozen=True)
class RewardDistribution:
    """What one block pays: the rewards in Dusk's order, and what stays unassigned."""

    reward_value: int
    rewards: tuple[Reward, ...]

    @property
    def paid(self) -> int:
        return sum(r.value for r in self.rewards)

    @property
    def unassigned(self) -> int:
        return self.reward_value - self.paid


def emission_amount(height: int, params: ConsensusParams) -> int:
    """LUX minted by the block at ``height`` (0 at genesis and after the last period)."""
    check_u64(height, "height")
    for period in params.emission:
        if period.first <= height <= period.last:
            return period.lux_per_block
    return 0


def block_rewards(height: int, fees: int, params: ConsensusParams) -> BlockReward:
    """``get_block_rewards``: split emission plus ``fees`` into tenths and the remainder."""
    check_u64(fees, "fees")
    reward_value = check_u64(emission_amount(height, params) + fees, "block reward")
    tenth = reward_value // 10
    return BlockReward(
        dusk=tenth,
        generator_fixed=reward_value - 3 * tenth,
        generator_extra=tenth,
        voters=tenth,
    )


def generator_extra_reward(
    full_extra: int, attestation_credits: int, params: ConsensusParams
) -> int:
    """``calc_generator_extra_reward``: one quota per credit beyond the two quorums; all of
    it when every credit is in (so rounding never shortchanges a full attestation)."""
    if attestation_credits == params.total_committee_credits:
        return full_extra
    quota = full_extra // (params.validation_extra + params.ratification_extra)
    quorum_credits = params.validation_quorum + params.ratification_quorum
    return quota * max(0, attestation_credits - quorum_credits)


def check_voters(voters: tuple[Voter, ...], height: int, params: ConsensusParams) -> int:
    """Validate the previous attestation's voters and return their total credits."""
    for voter in voters:
        check_public_key(voter.public_key)
        check_u64(voter.credits, "voter credits")
    keys = [v.public_key for v in voters]
    if len(set(keys)) != len(keys):
        raise ConsensusError("consensus.duplicate_voter", "a voter appears twice")
    credits = sum(v.credits for v in voters)
    # Only block 1 follows genesis, whose attestation has no voters.
    if height > 1 and credits == 0:
        raise ConsensusError("consensus.reward_no_voters", f"block {height} has no voter credits")
    if credits > params.total_committee_credits:
        raise ConsensusError(
            "consensus.voter_credits_exceed_committees",
            f"{credits} credits > {params.total_committee_credits}",
        )
    return credits


def distribute_rewards(
    height: int,
    fees: int,
    generator: BlsPublicKey,
    voters: tuple[Voter, ...],
    dusk_key: BlsPublicKey,
    params: ConsensusParams,
) -> RewardDistribution:
    """``rusk::reward``: the rewards of the block at ``height``, in Dusk's order (generator
    fixed, Dusk, generator extra if non-zero, then each voter in the given order)."""
    check_public_key(generator)
    check_public_key(dusk_key)
    credits = check_voters(voters, height, params)
    shares = block_rewards(height, fees, params)
    extra = generator_extra_reward(shares.generator_extra, credits, params)
    per_credit = shares.voters // params.total_committee_credits
    rewards = [
        Reward(generator, shares.generator_fixed, RewardReason.GENERATOR_FIXED),
        Reward(dusk_key, shares.dusk, RewardReason.OTHER),
    ]
    if extra != 0:
        rewards.append(Reward(generator, extra, RewardReason.GENERATOR_EXTRA))
    rewards.extend(Reward(v.public_key, v.credits * per_credit, RewardReason.VOTER) for v in voters)
    return RewardDistribution(shares.total, tuple(rewards))


def attestation_voters(
    source: CommitteeSource, iteration: int, attestation: Attestation
) -> tuple[Voter, ...]:
    """``merge_voters``: the voters an attestation's two bitsets name in the committees of
    ``iteration`` rebuilt from ``source``, each with its Validation plus Ratification credits,
    in public-key order. A function of the attestation's bytes and the chain alone, so every
    node that reads the same block pays the same voters."""
    credits: dict[bytes, int] = {}
    steps = (
        (StepName.VALIDATION, attestation.validation),
        (StepName.RATIFICATION, attestation.ratification),
    )
    for step, votes in steps:
        for member in intersect(source.committee(iteration, step), votes.bitset):
            credits[member.public_key] = credits.get(member.public_key, 0) + member.credits
    return tuple(Voter(BlsPublicKey(key), credits[key]) for key in sorted(credits))

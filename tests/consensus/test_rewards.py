"""Emission and the reward split (spec/consensus.md §5)."""

from __future__ import annotations

import pytest

from duskspec.consensus import rewards
from duskspec.consensus.constants import DUSK, MAINNET, TINY
from duskspec.consensus.rewards import RewardReason, Voter
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey

GEN = BlsPublicKey(b"\x01" * 96)
DUSK_KEY = BlsPublicKey(b"\x02" * 96)


def voter(n: int, credits: int) -> Voter:
    return Voter(BlsPublicKey(bytes([n]) * 96), credits)


def test_emission_boundaries() -> None:
    e = rewards.emission_amount
    assert e(0, MAINNET) == 0
    assert e(1, MAINNET) == e(12_614_400, MAINNET) == 19_857_400_000
    assert e(12_614_401, MAINNET) == 9_928_700_000
    assert e(113_529_596, MAINNET) == 77_570_000
    assert e(113_529_597, MAINNET) == 54_280_000
    assert e(113_529_598, MAINNET) == 0
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        e(-1, MAINNET)


def test_block_rewards_tenths() -> None:
    shares = rewards.block_rewards(1, 9, MAINNET)
    assert shares.dusk == shares.voters == shares.generator_extra == 1_985_740_000
    assert shares.generator_fixed == 19_857_400_009 - 3 * 1_985_740_000
    assert shares.total == 19_857_400_009


def test_generator_extra_rule() -> None:
    extra = 1_985_740_000
    assert rewards.generator_extra_reward(extra, 128, MAINNET) == extra
    assert rewards.generator_extra_reward(extra, 86, MAINNET) == 0
    assert rewards.generator_extra_reward(extra, 50, MAINNET) == 0
    assert rewards.generator_extra_reward(extra, 87, MAINNET) == extra // 42
    assert rewards.generator_extra_reward(extra, 127, MAINNET) == extra // 42 * 41
    # tiny: quorums 6 + 6, extra credits 2 + 2
    assert rewards.generator_extra_reward(1000, 14, TINY) == 1000 // 4 * 2
    assert rewards.generator_extra_reward(1000, 16, TINY) == 1000


def test_distribution_full_attestation() -> None:
    voters = (voter(3, 100), voter(4, 28))
    dist = rewards.distribute_rewards(10, 0, GEN, voters, DUSK_KEY, MAINNET)
    per_credit = 1_985_740_000 // 128
    assert [r.reason for r in dist.rewards] == [
        RewardReason.GENERATOR_FIXED,
        RewardReason.OTHER,
        RewardReason.GENERATOR_EXTRA,
        RewardReason.VOTER,
        RewardReason.VOTER,
    ]
    assert dist.rewards[3].value == 100 * per_credit
    assert dist.unassigned == 1_985_740_000 - 128 * per_credit
    assert dist.paid + dist.unassigned == dist.reward_value


def test_distribution_without_extra() -> None:
    dist = rewards.distribute_rewards(10, 0, GEN, (voter(3, 86),), DUSK_KEY, MAINNET)
    assert RewardReason.GENERATOR_EXTRA not in [r.reason for r in dist.rewards]
    assert dist.unassigned >= 1_985_740_000  # the whole extra stays unassigned


def test_first_block_needs_no_voters() -> None:
    dist = rewards.distribute_rewards(1, 0, GEN, (), DUSK_KEY, MAINNET)
    assert dist.reward_value == 19_857_400_000


def test_reward_errors() -> None:
    dist = rewards.distribute_rewards
    with pytest.raises(ConsensusError, match=r"consensus\.reward_no_voters"):
        dist(2, 0, GEN, (), DUSK_KEY, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.reward_no_voters"):
        dist(2, 0, GEN, (voter(3, 0),), DUSK_KEY, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.voter_credits_exceed_committees"):
        dist(2, 0, GEN, (voter(3, 129),), DUSK_KEY, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.duplicate_voter"):
        dist(2, 0, GEN, (voter(3, 1), voter(3, 1)), DUSK_KEY, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.value_out_of_range"):
        dist(2, 2**64 - 1, GEN, (voter(3, 1),), DUSK_KEY, MAINNET)
    with pytest.raises(ConsensusError, match=r"consensus\.public_key_length"):
        dist(2, 0, BlsPublicKey(b"\x01"), (voter(3, 1),), DUSK_KEY, MAINNET)
    assert DUSK == 10**9

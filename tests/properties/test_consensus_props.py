"""Hypothesis properties of sortition, rewards, slashing and finality (spec/consensus.md)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from duskspec.consensus import finality, rewards, slashing, sortition
from duskspec.consensus.constants import DUSK, MAINNET, PRESETS, TINY, ConsensusParams
from duskspec.consensus.finality import Label, LabeledBlock, LabelKind
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import StepName
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey

presets = st.sampled_from(sorted(PRESETS.values(), key=lambda p: p.name))


@st.composite
def provisioner_sets(draw: st.DrawFn, min_size: int = 1) -> tuple[Provisioner, ...]:
    count = draw(st.integers(min_size, 12))
    keys = draw(
        st.lists(st.binary(min_size=96, max_size=96), min_size=count, max_size=count, unique=True)
    )
    values = draw(st.lists(st.integers(0, 60 * 1000 * DUSK), min_size=count, max_size=count))
    since = draw(st.lists(st.integers(0, 20), min_size=count, max_size=count))
    return tuple(
        Provisioner(BlsPublicKey(k), v, s) for k, v, s in zip(keys, values, since, strict=True)
    )


@given(
    presets,
    provisioner_sets(),
    st.binary(min_size=48, max_size=48),
    st.integers(0, 30),
    st.integers(0, 5),
    st.sampled_from(list(StepName)),
    st.randoms(use_true_random=False),
)
def test_voting_committee_properties(
    params: ConsensusParams,
    members: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    iteration: int,
    step: StepName,
    rng: random.Random,
) -> None:
    provs = provisioner_set(members)
    iteration = min(iteration, params.max_iterations - 1)
    try:
        committee = sortition.voting_committee(provs, seed, round, iteration, step, params)
    except ConsensusError as exc:
        assert exc.code == "consensus.no_eligible_stake"
        return
    credits = sortition.committee_credits(step, params)
    pool = [p for p in provs if p.eligible_since <= round and p.value >= params.minimum_stake]
    if step != StepName.PROPOSAL and len(pool) > 1:
        excluded = set(sortition.exclusion_list(provs, seed, round, iteration, params))
        pool = [p for p in pool if p.public_key not in excluded]
    assert {m.public_key for m in committee.members} <= {p.public_key for p in pool}
    if sum(p.value for p in pool) >= credits * params.sortition_weight_step:
        assert committee.total_credits == credits
    assert list(committee.members) == sorted(committee.members, key=lambda m: m.public_key)
    shuffled = list(members)
    rng.shuffle(shuffled)
    again = sortition.voting_committee(
        provisioner_set(shuffled), seed, round, iteration, step, params
    )
    assert again == committee


@given(
    st.lists(st.integers(0, 30 * DUSK), min_size=1, max_size=6),
    st.integers(1, 80),
    st.binary(min_size=48, max_size=48),
)
def test_extraction_takes_at_most_the_weight(values: list[int], credits: int, seed: bytes) -> None:
    provs = provisioner_set(
        Provisioner(BlsPublicKey(bytes([i]) * 96), v + TINY.minimum_stake, 0)
        for i, v in enumerate(values)
    )
    extracted = sortition.extract_committee(provs, seed, 1, 4, credits, (), TINY)
    total = sum(p.value for p in provs)
    assert len(extracted) <= credits
    if len(extracted) < credits:
        # It stopped short: the weight ran out, which needs fewer than `credits` whole DUSK.
        assert total < credits * DUSK


@given(
    presets,
    st.integers(0, 120_000_000),
    st.integers(0, 2**40),
    st.lists(st.integers(0, 30), max_size=8),
    st.integers(0, 2**32),
)
def test_rewards_never_overpay(
    params: ConsensusParams, height: int, fees: int, credit_list: list[int], key_seed: int
) -> None:
    rng = random.Random(key_seed)
    voters = tuple(rewards.Voter(BlsPublicKey(rng.randbytes(96)), c) for c in credit_list)
    gen, dusk_key = BlsPublicKey(rng.randbytes(96)), BlsPublicKey(rng.randbytes(96))
    try:
        dist = rewards.distribute_rewards(height, fees, gen, voters, dusk_key, params)
    except ConsensusError as exc:
        assert exc.code in {
            "consensus.reward_no_voters",
            "consensus.voter_credits_exceed_committees",
        }
        return
    assert dist.paid <= dist.reward_value
    assert dist.reward_value == rewards.emission_amount(height, params) + fees
    assert all(r.value >= 0 for r in dist.rewards)


stake_amounts = st.builds(
    slashing.StakeAmount, st.integers(0, 2**50), st.integers(0, 2**50), st.integers(0, 10**7)
)
stakes = st.builds(
    slashing.StakeData,
    st.one_of(st.none(), stake_amounts),
    st.integers(0, 2**40),
    st.integers(0, 255),
    st.integers(0, 255),
)


@given(stakes, st.integers(0, 10**7), presets)
def test_soft_slash_conserves_and_suspends(
    stake: slashing.StakeData, height: int, params: ConsensusParams
) -> None:
    out = slashing.soft_slash(stake, height, params)
    if stake.amount is None:
        assert out.stake == stake
        return
    assert out.stake.amount is not None
    assert (
        out.stake.amount.value + out.stake.amount.locked == stake.amount.value + stake.amount.locked
    )
    assert 0 <= out.slashed <= stake.amount.value
    if out.stake.faults > params.stake_warnings:
        assert out.stake.amount.eligibility > height


@given(stakes, st.integers(0, 10**7), st.integers(0, 255), presets)
def test_hard_slash_burns_at_most_the_value(
    stake: slashing.StakeData, height: int, severity: int, params: ConsensusParams
) -> None:
    out = slashing.hard_slash(stake, height, params, severity)
    if stake.amount is None:
        return
    assert out.stake.amount is not None
    assert out.stake.amount.value == stake.amount.value - out.slashed
    assert out.stake.amount.locked == stake.amount.locked
    assert out.stake.amount.eligibility > height


labels = st.one_of(
    st.builds(Label, st.just(LabelKind.ACCEPTED), st.integers(2, 8)),
    st.builds(Label, st.just(LabelKind.ATTESTED), st.just(1)),
    st.builds(Label, st.just(LabelKind.CONFIRMED), st.integers(1, 5)),
)


@given(st.lists(labels, max_size=10), st.integers(0, 3))
def test_rolling_finality_shape(chain_labels: list[Label], pni: int) -> None:
    start = 100
    chain = tuple(LabeledBlock(start + i, lab) for i, lab in enumerate(chain_labels))
    height = start + len(chain)
    update = finality.rolling_finality(chain, height, pni)
    assert [b.height for b in update.chain] == [b.height for b in chain]
    finals = [b.height for b in update.chain if b.label.kind == LabelKind.FINAL]
    assert tuple(finals) == update.finalized
    assert finals == [b.height for b in update.chain[: len(finals)]]  # a prefix
    if pni > 0:
        assert update.chain == chain and update.finalized == ()
    for before, after in zip(chain, update.chain, strict=True):
        if before.label.kind == LabelKind.CONFIRMED:
            assert after.label.kind in (LabelKind.CONFIRMED, LabelKind.FINAL)


def test_mainnet_default_used() -> None:
    assert MAINNET.validation_credits == 64

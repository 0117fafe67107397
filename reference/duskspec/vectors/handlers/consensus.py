"""``consensus`` handlers for the ``tiny`` and ``mainnet`` presets (spec/consensus.md).

Public keys in these vectors are opaque 96-byte strings: seeded random bytes, except in the
cases reproducing Dusk's own sortition tests, which use the G2 public keys of the secret keys
hard-coded in rusk ``consensus/src/user/sortition.rs`` (``generate_provisioners``). Sortition
only orders and compares keys, so no curve arithmetic is needed to replay any case.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from duskspec.consensus import finality, rewards, slashing, sortition
from duskspec.consensus.constants import DUSK, PRESETS, ConsensusParams
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import CommitteeMember, StepName
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey, Hash32
from duskspec.vectors import boundaries
from duskspec.vectors.registry import Case, Handler

#: rusk 1.6.0 ``consensus/src/user/sortition.rs`` tests.
DUSK_SORTITION_SOURCE = "dusk-network/rusk@264c1ec0f consensus/src/user/sortition.rs, test {}"

#: Compressed G2 public keys ``sk * G2`` of the secret keys 2..5 of Dusk's
#: ``generate_provisioners`` (32-byte little-endian scalars; tests/consensus re-derives them).
#: Dusk stakes key ``k`` (k = 1..4) with ``1000 * k`` DUSK, eligible from round 0.
DUSK_TEST_KEYS: tuple[BlsPublicKey, ...] = tuple(
    BlsPublicKey(bytes.fromhex(h))
    for h in (
        "8cae8f7f3f80932052b0fd71174108a1b8a3ede4f7e81d80d01b4a4ee6e61bd5"
        "4aa51a30946b621bd495a6ccceaf328d0d5ca39ed840c6a3ae949baa6fae07a8"
        "e26143c3b8074e31db751cbe529b61942a7a40bd19a1eeba73bfa0b9af363790",
        "a544eda6b6fcf92fe5ef6b96eb6a307643dd3066e9185a506f0ce72b3dcc651a"
        "45e46431521b6958b6ba629770c93c8d08c6fbd75a118b4dbc632053716aac81"
        "9bd1b81730e11b7a8800547c9152bf219980a870c97ad8bb1459517e0af3e4d9",
        "b117a56ede5714c8448c958c1179675bb179f3e9ba2d4f4570923ca6d9a7fb17"
        "8c0c9a126b27bc23c0b38b70c55577a20b76f8a78abe193f9c55e2356fded1b3"
        "0c5da409b8317e673a6d462bfed8f43ad4e2e5702da59a2e0c60ecefe40326fe",
        "933c3093541feb2f221102fea8aec9314b72617646cf8cbdd79090dcc3939dd6"
        "29957fbb8ff50b6c6668b81d75897ae007f847216aec99dc17cac0789bf0816b"
        "734f718234b8f29cbe2c24c58e15f9202ddb981828e3a6d8a55fc80b48a52adc",
    )
)

#: Secret keys (hex, little-endian scalars) whose public keys are :data:`DUSK_TEST_KEYS`.
DUSK_TEST_SECRET_KEYS = (
    "611830d3641a68f94a690dcc25d1f4b0dac948325ac18f6dd32564371735f32c",
    "1fbec814b18b1d4c3eaa7cec41007e04bf0a98453b06ec7582aa29882c52eb3e",
    "ecd9c4a53ea15f18447b08fb96a13c5ab7dc7d24067b102fcbaaf7b39ca52e2d",
    "e463bcb1a6e57288ffd4671503082fa8656e3eacb78fb1925f8a7c76400e8e15",
)


def dusk_test_provisioners() -> tuple[Provisioner, ...]:
    return tuple(Provisioner(key, 1000 * (k + 1) * DUSK, 0) for k, key in enumerate(DUSK_TEST_KEYS))


def random_key(rng: random.Random) -> BlsPublicKey:
    return BlsPublicKey(rng.randbytes(96))


def random_provisioners(
    rng: random.Random, count: int, params: ConsensusParams
) -> tuple[Provisioner, ...]:
    """``count`` eligible provisioners with stakes between 1 and 50 minimum stakes, in LUX."""
    return tuple(
        Provisioner(
            random_key(rng), rng.randint(params.minimum_stake, 50 * params.minimum_stake), 0
        )
        for _ in range(count)
    )


# --- sortition: score hash and score ------------------------------------------------------


@dataclass(frozen=True)
class ScoreInput:
    seed: bytes
    step: int
    index: int
    weight: int


@dataclass(frozen=True)
class ScorePost:
    hash: Hash32
    score: int


def run_sortition(pre: None, inp: ScoreInput) -> ScorePost:
    digest = sortition.score_hash(inp.seed, inp.step, inp.index)
    return ScorePost(digest, sortition.score(digest, inp.weight))


_DUSK_HASH_3 = bytes(
    (74, 64, 238, 174, 226, 52, 11, 105, 93, 251, 204, 6, 137, 176, 14, 96,
     77, 139, 92, 76, 7, 178, 38, 16, 132, 233, 13, 180, 78, 206, 204, 31)
)  # fmt: skip


def _sortition_cases() -> Iterator[Case]:
    both = DUSK_SORTITION_SOURCE.format("test_sortition_hash and test_generate_sortition_score")
    yield Case(
        "dusk_seed3_step3_index1",
        "Dusk's published score hash and score: seed [3]*48, step 3, index 1, weight 123342342",
        ScoreInput(bytes([3] * 48), 3, 1, 123_342_342),
        source=both,
        published_post=ScorePost(Hash32(_DUSK_HASH_3), 80_689_917),
    )
    yield Case(
        "dusk_seed4_step3_index1",
        "seed [4]*48, step 3, index 1, weight 44443333: Dusk publishes the score 20330495",
        ScoreInput(bytes([4] * 48), 3, 1, 44_443_333),
        source=DUSK_SORTITION_SOURCE.format("test_generate_sortition_score"),
    )
    rng = random.Random(501)
    for index in (0, 1, 63, 2**32 - 1):
        yield Case(
            f"random_index_{index}",
            f"seeded seed, step 149 (last mainnet Ratification), index {index}",
            ScoreInput(rng.randbytes(48), 149, index, rng.randint(1, 2**64 - 1)),
            seed=501,
        )
    yield Case("weight_one", "weight 1: every score is 0", ScoreInput(bytes(48), 0, 0, 1))
    yield Case(
        "weight_zero",
        "no eligible weight",
        ScoreInput(bytes(48), 0, 0, 0),
        expected_error="consensus.no_eligible_stake",
    )
    yield Case(
        "short_seed",
        "a 47-byte seed",
        ScoreInput(bytes(47), 0, 0, 10),
        expected_error="consensus.seed_length",
    )
    yield Case(
        "step_256",
        "step 256 does not fit a u8",
        ScoreInput(bytes(48), 256, 0, 10),
        expected_error="consensus.step_out_of_range",
    )


# --- extraction: raw sortition with explicit step, credits and exclusion ------------------


@dataclass(frozen=True)
class ProvisionersPre:
    provisioners: tuple[Provisioner, ...]


@dataclass(frozen=True)
class ExtractionInput:
    seed: bytes
    round: int
    step: int
    credits: int
    exclusion: tuple[BlsPublicKey, ...]


@dataclass(frozen=True)
class CommitteePost:
    members: tuple[CommitteeMember, ...]


def _extraction_run(
    params: ConsensusParams,
) -> Callable[[ProvisionersPre, ExtractionInput], CommitteePost]:
    def run_extraction(pre: ProvisionersPre, inp: ExtractionInput) -> CommitteePost:
        provs = provisioner_set(pre.provisioners)
        committee = sortition.create_committee(
            provs, inp.seed, inp.round, inp.step, inp.credits, inp.exclusion, params
        )
        return CommitteePost(committee.members)

    run_extraction.__qualname__ = f"run_extraction_{params.name}"
    return run_extraction


def _members(
    keys: tuple[BlsPublicKey, ...], credits: tuple[int, ...]
) -> tuple[CommitteeMember, ...]:
    return tuple(CommitteeMember(k, c) for k, c in zip(sorted(keys), credits, strict=True))


def _extraction_cases(params: ConsensusParams) -> Iterator[Case]:
    dusk = ProvisionersPre(dusk_test_provisioners())
    keys = DUSK_TEST_KEYS
    yield Case(
        "dusk_deterministic_1",
        "Dusk's test keys, default seed, round 1, step 1, 64 credits: occurrences [4,29,9,22]",
        ExtractionInput(bytes(48), 1, 1, 64, ()),
        pre=dusk,
        source=DUSK_SORTITION_SOURCE.format("test_deterministic_sortition_1"),
        published_post=CommitteePost(_members(keys, (4, 29, 9, 22))),
    )
    yield Case(
        "dusk_deterministic_2",
        "Dusk's test keys, seed [3]*48, round 7777, step 8, 45 credits: [6,13,11,15]",
        ExtractionInput(bytes([3] * 48), 7777, 8, 45, ()),
        pre=dusk,
        source=DUSK_SORTITION_SOURCE.format("test_deterministic_sortition_2"),
        published_post=CommitteePost(_members(keys, (6, 13, 11, 15))),
    )
    provs = provisioner_set(dusk.provisioners)
    gen = sortition.generator(provs, bytes([3] * 48), 7777, 2, params)
    rest = tuple(k for k in keys if k != gen)
    yield Case(
        "dusk_deterministic_2_exclusion",
        "as dusk_deterministic_2 with iteration 2's generator excluded: [8,13,24] (the "
        "excluded key is the one this reference computes as that generator)",
        ExtractionInput(bytes([3] * 48), 7777, 8, 45, (gen,)),
        pre=dusk,
        source=DUSK_SORTITION_SOURCE.format("test_deterministic_sortition_2_exclusion"),
        published_post=CommitteePost(_members(rest, (8, 13, 24))),
    )
    rng = random.Random(502)
    lone = Provisioner(random_key(rng), params.minimum_stake, 0)
    yield Case(
        "ends_short",
        "one provisioner at the minimum stake and more credits than whole DUSK: the committee "
        "stops when the weight left reaches zero",
        ExtractionInput(rng.randbytes(48), 5, 4, params.minimum_stake // DUSK + 7, ()),
        pre=ProvisionersPre((lone,)),
        seed=502,
    )
    fractional = tuple(
        Provisioner(random_key(rng), params.minimum_stake + DUSK * n // 10, 0) for n in (3, 7)
    )
    total = sum(p.value for p in fractional)
    yield Case(
        "fractional_stakes",
        "stakes that are not whole DUSK: the last extraction of each takes less than 1 DUSK, "
        "and drained members with weight 0 can still be landed on by a score of 0",
        ExtractionInput(rng.randbytes(48), 5, 4, total // DUSK + 3, ()),
        pre=ProvisionersPre(fractional),
        seed=502,
    )
    yield Case(
        "lone_provisioner_never_excluded",
        "the only eligible provisioner is in the exclusion list and is drawn anyway",
        ExtractionInput(rng.randbytes(48), 5, 4, 3, (lone.public_key,)),
        pre=ProvisionersPre((lone,)),
        seed=502,
    )
    yield from boundaries.extraction_cases(params, ExtractionInput, ProvisionersPre)


# --- committee: the protocol's committees for an iteration and step -----------------------


@dataclass(frozen=True)
class CommitteeInput:
    seed: bytes
    round: int
    iteration: int
    step: int


@dataclass(frozen=True)
class StepCommitteePost:
    excluded: tuple[BlsPublicKey, ...]
    members: tuple[CommitteeMember, ...]
    total_credits: int


def _committee_run(
    params: ConsensusParams,
) -> Callable[[ProvisionersPre, CommitteeInput], StepCommitteePost]:
    def run_committee(pre: ProvisionersPre, inp: CommitteeInput) -> StepCommitteePost:
        provs = provisioner_set(pre.provisioners)
        if inp.step not in set(StepName):
            raise ConsensusError("consensus.step_out_of_range", f"step index {inp.step}")
        step = StepName(inp.step)
        committee = sortition.voting_committee(
            provs, inp.seed, inp.round, inp.iteration, step, params
        )
        excluded: tuple[BlsPublicKey, ...] = ()
        if step != StepName.PROPOSAL:
            excluded = sortition.exclusion_list(provs, inp.seed, inp.round, inp.iteration, params)
        return StepCommitteePost(excluded, committee.members, committee.total_credits)

    run_committee.__qualname__ = f"run_committee_{params.name}"
    return run_committee


def _committee_cases(params: ConsensusParams, seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    provs = random_provisioners(rng, 12, params)
    pre = ProvisionersPre(provs)
    last = params.max_iterations - 1
    for iteration in (0, 1, last):
        for step in StepName:
            yield Case(
                f"iteration_{iteration}_{step.name.lower()}",
                f"12 provisioners with seeded random keys, iteration {iteration}, {step.name}",
                CommitteeInput(rng.randbytes(48), 1000, iteration, int(step)),
                pre=pre,
                seed=seed,
            )
    few = ProvisionersPre(provs[:2])
    yield Case(
        "two_provisioners_both_generators",
        "two provisioners that are the generators of iterations 0 and 1: both are excluded "
        "and no eligible stake is left (Dusk panics here); seed [8]*48",
        CommitteeInput(bytes([8] * 48), 1000, 0, int(StepName.VALIDATION)),
        pre=few,
        seed=seed,
        expected_error="consensus.no_eligible_stake",
    )
    lone = ProvisionersPre(provs[:1])
    yield Case(
        "lone_provisioner",
        "one eligible provisioner holds every credit even though it is the generator",
        CommitteeInput(bytes(48), 1000, 0, int(StepName.RATIFICATION)),
        pre=lone,
        seed=seed,
    )
    immature = tuple(Provisioner(p.public_key, p.value, 2000) for p in provs)
    yield Case(
        "no_eligible_stake",
        "every stake matures after the round",
        CommitteeInput(bytes(48), 1000, 0, int(StepName.PROPOSAL)),
        pre=ProvisionersPre(immature),
        seed=seed,
        expected_error="consensus.no_eligible_stake",
    )
    poor = tuple(Provisioner(p.public_key, params.minimum_stake - 1, 0) for p in provs)
    yield Case(
        "below_minimum_stake",
        "every stake is 1 LUX below the minimum",
        CommitteeInput(bytes(48), 1000, 0, int(StepName.VALIDATION)),
        pre=ProvisionersPre(poor),
        seed=seed,
        expected_error="consensus.no_eligible_stake",
    )
    yield Case(
        "duplicate_provisioner",
        "the same key twice",
        CommitteeInput(bytes(48), 1000, 0, int(StepName.VALIDATION)),
        pre=ProvisionersPre((provs[0], provs[0])),
        seed=seed,
        expected_error="consensus.duplicate_provisioner",
    )
    yield Case(
        "step_out_of_range",
        "iteration 85: its Ratification step number exceeds 255",
        CommitteeInput(bytes(48), 1000, 85, int(StepName.RATIFICATION)),
        pre=pre,
        seed=seed,
        expected_error="consensus.step_out_of_range",
    )


# --- finality: PNI and rolling finality ---------------------------------------------------


@dataclass(frozen=True)
class FinalityInput:
    chain: tuple[finality.LabeledBlock, ...]
    height: int
    iteration: int
    failed_attestations: int


@dataclass(frozen=True)
class FinalityPost:
    pni: int
    label: finality.Label
    chain: tuple[finality.LabeledBlock, ...]
    finalized: tuple[int, ...]


def _finality_run(params: ConsensusParams) -> Callable[[None, FinalityInput], FinalityPost]:
    def run_finality(pre: None, inp: FinalityInput) -> FinalityPost:
        pni = finality.previous_non_attested_iterations(
            inp.iteration, inp.failed_attestations, params
        )
        update = finality.rolling_finality(inp.chain, inp.height, pni)
        return FinalityPost(pni, update.label, update.chain, update.finalized)

    run_finality.__qualname__ = f"run_finality_{params.name}"
    return run_finality


def _chain(
    start: int, *labels: tuple[finality.LabelKind, int]
) -> tuple[finality.LabeledBlock, ...]:
    return tuple(
        finality.LabeledBlock(start + i, finality.Label(kind, value))
        for i, (kind, value) in enumerate(labels)
    )


def _finality_cases(params: ConsensusParams) -> Iterator[Case]:
    K = finality.LabelKind
    relax = params.relax_iteration_threshold
    yield Case("first_block", "block 1 on genesis at iteration 0", FinalityInput((), 1, 0, 0))
    yield Case(
        "happy_path",
        "an Attested parent becomes Confirmed then Final when an Attested child arrives",
        FinalityInput(_chain(10, (K.ATTESTED, 1)), 11, 0, 0),
    )
    yield Case(
        "accepted_blocks_nothing",
        "a block with PNI 2 is Accepted(4) and relabels nothing",
        FinalityInput(_chain(10, (K.ATTESTED, 1)), 11, 2, 0),
    )
    yield Case(
        "failed_iterations_lower_pni",
        "iteration 2 with 2 Fail attestations has PNI 0",
        FinalityInput(_chain(10, (K.ATTESTED, 1)), 11, 2, 2),
    )
    yield Case(
        "accepted_waits",
        "Accepted(4) with only 2 stable blocks above it stays; the blocks above it are "
        "confirmed but not final",
        FinalityInput(_chain(10, (K.ACCEPTED, 4), (K.ATTESTED, 1)), 12, 0, 0),
    )
    yield Case(
        "accepted_confirms",
        "Accepted(2) below a Confirmed and the new block: confirmed, and all three below "
        "the new block become final",
        FinalityInput(_chain(10, (K.ACCEPTED, 2), (K.CONFIRMED, 1)), 12, 0, 0),
    )
    yield Case(
        "emergency_block",
        f"an emergency block (iteration 255) counts as {params.max_iterations} iterations",
        FinalityInput((), 20, params.emergency_block_iteration, relax),
    )
    yield Case(
        "too_many_failed",
        f"{relax + 1} Fail attestations",
        FinalityInput((), 20, relax + 1, relax + 1),
        expected_error="consensus.too_many_failed_iterations",
    )
    yield Case(
        "failed_beyond_iteration",
        "iteration 1 with 2 Fail attestations",
        FinalityInput((), 20, 1, 2),
        expected_error="consensus.failed_iterations_beyond_iteration",
    )
    yield Case(
        "height_gap",
        "the chain ends two heights below the new block",
        FinalityInput(_chain(10, (K.ATTESTED, 1)), 12, 0, 0),
        expected_error="consensus.finality_height_gap",
    )
    yield Case(
        "final_in_chain",
        "a Final block among the non-final ones",
        FinalityInput(_chain(10, (K.FINAL, 1)), 11, 0, 0),
        expected_error="consensus.finality_final_in_chain",
    )


# --- fork choice --------------------------------------------------------------------------


@dataclass(frozen=True)
class ForkPost:
    action: finality.ForkAction


def run_fork_choice(pre: None, inp: finality.ForkView) -> ForkPost:
    return ForkPost(finality.choose_fork(inp))


def _fork_cases() -> Iterator[Case]:
    def view(
        remote_height: int, remote_iter: int, local_iter: int | None, **kw: bool
    ) -> finality.ForkView:
        return finality.ForkView(
            tip_height=10,
            last_final_height=8,
            remote_height=remote_height,
            remote_iteration=remote_iter,
            remote_known=kw.get("known", False),
            parent_known=kw.get("parent", True),
            local_iteration=local_iter,
        )

    yield Case("next_block", "a child of the tip is accepted", view(11, 3, None))
    yield Case("ahead", "a block two heights ahead starts presync", view(12, 0, None))
    yield Case("lower_iteration", "same height, lower iteration: fall back", view(10, 0, 1))
    yield Case("higher_iteration", "same height, higher iteration: send ours", view(10, 2, 1))
    yield Case("same_iteration", "same height and iteration: double candidate", view(10, 1, 1))
    yield Case("known", "a block we hold is ignored", view(10, 0, 1, known=True))
    yield Case("below_final", "a block at or below the last final height", view(8, 0, 1))
    yield Case("orphan", "unknown parent: a fork we ignore", view(9, 0, 1, parent=False))
    yield Case(
        "missing_local",
        "a height we should hold but the view has no local block for",
        view(9, 0, None),
        expected_error="consensus.fork_missing_local_block",
    )


# --- rewards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardsInput:
    height: int
    fees: int
    generator: BlsPublicKey
    dusk_key: BlsPublicKey
    voters: tuple[rewards.Voter, ...]


@dataclass(frozen=True)
class RewardsPost:
    reward_value: int
    rewards: tuple[rewards.Reward, ...]
    unassigned: int


def _rewards_run(params: ConsensusParams) -> Callable[[None, RewardsInput], RewardsPost]:
    def run_rewards(pre: None, inp: RewardsInput) -> RewardsPost:
        dist = rewards.distribute_rewards(
            inp.height, inp.fees, inp.generator, inp.voters, inp.dusk_key, params
        )
        return RewardsPost(dist.reward_value, dist.rewards, dist.unassigned)

    run_rewards.__qualname__ = f"run_rewards_{params.name}"
    return run_rewards


def _split_credits(rng: random.Random, total: int, voters: int) -> tuple[int, ...]:
    cuts = sorted(rng.sample(range(1, total), voters - 1))
    return tuple(b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True))


def _rewards_cases(params: ConsensusParams, seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    gen, dusk_key = random_key(rng), random_key(rng)
    full = params.total_committee_credits
    quorums = params.validation_quorum + params.ratification_quorum

    def voters(total: int, count: int) -> tuple[rewards.Voter, ...]:
        credits = _split_credits(rng, total, count)
        return tuple(rewards.Voter(random_key(rng), c) for c in credits)

    def inp(height: int, fees: int, vs: tuple[rewards.Voter, ...]) -> RewardsInput:
        return RewardsInput(height, fees, gen, dusk_key, vs)

    yield Case("genesis_child", "block 1: no voters, emission only", inp(1, 0, ()), seed=seed)
    yield Case(
        "full_attestation",
        f"all {full} credits: full extra",
        inp(100, 0, voters(full, 5)),
        seed=seed,
    )
    yield Case(
        "quorum_only",
        f"exactly the two quorums ({quorums}): no extra",
        inp(100, 0, voters(quorums, 4)),
        seed=seed,
    )
    yield Case(
        "one_short_of_full",
        f"{full - 1} credits: extra by quota, the rounding left unassigned",
        inp(100, 12_345, voters(full - 1, 6)),
        seed=seed,
    )
    yield Case(
        "with_fees",
        "fees spent add to the reward",
        inp(5_000_000, 987_654_321, voters(quorums + 1, 3)),
        seed=seed,
    )
    yield Case(
        "period_2",
        "first block of the second emission period",
        inp(12_614_401, 0, voters(full, 2)),
        seed=seed,
    )
    yield Case("last_mint", "the last mint", inp(113_529_597, 0, voters(full, 2)), seed=seed)
    yield Case("after_emission", "fees only", inp(113_529_598, 55, voters(full, 2)), seed=seed)
    yield Case(
        "no_voters",
        "block 2 with no voter credits",
        inp(2, 0, ()),
        seed=seed,
        expected_error="consensus.reward_no_voters",
    )
    yield Case(
        "too_many_credits",
        f"{full + 1} credits",
        inp(100, 0, voters(full + 1, 3)),
        seed=seed,
        expected_error="consensus.voter_credits_exceed_committees",
    )
    twice = voters(4, 2)
    yield Case(
        "duplicate_voter",
        "a voter listed twice",
        inp(100, 0, (twice[0], twice[0])),
        seed=seed,
        expected_error="consensus.duplicate_voter",
    )
    yield Case(
        "fees_overflow",
        "emission plus fees exceed a u64",
        inp(100, 2**64 - 1, voters(full, 2)),
        seed=seed,
        expected_error="consensus.value_out_of_range",
    )


# --- slashing -----------------------------------------------------------------------------


class SlashOperation(Enum):
    SOFT = "soft"
    HARD = "hard"


@dataclass(frozen=True)
class SlashInput:
    stake: slashing.StakeData
    height: int
    operation: SlashOperation
    severity: int
    to_slash: int | None


def _slashing_run(params: ConsensusParams) -> Callable[[None, SlashInput], slashing.SlashOutcome]:
    def run_slashing(pre: None, inp: SlashInput) -> slashing.SlashOutcome:
        if inp.operation == SlashOperation.SOFT:
            return slashing.soft_slash(inp.stake, inp.height, params, inp.to_slash)
        return slashing.hard_slash(inp.stake, inp.height, params, inp.severity, inp.to_slash)

    run_slashing.__qualname__ = f"run_slashing_{params.name}"
    return run_slashing


def _slashing_cases(params: ConsensusParams) -> Iterator[Case]:
    value = 123_456 * DUSK + 789
    amount = slashing.StakeAmount(value, 0, 0)

    def stake(
        faults: int = 0, hard: int = 0, amt: slashing.StakeAmount | None = amount
    ) -> slashing.StakeData:
        return slashing.StakeData(amt, 0, faults, hard)

    soft, hard = SlashOperation.SOFT, SlashOperation.HARD
    h = 3 * params.epoch + 5
    yield Case(
        "soft_first_fault",
        "the first fault is only a warning",
        SlashInput(stake(), h, soft, 1, None),
    )
    yield Case(
        "soft_second_fault",
        "one effective fault: 10% locked, suspended 1 epoch",
        SlashInput(stake(1), h, soft, 1, None),
    )
    yield Case(
        "soft_fifth_fault",
        "four effective faults: 40% locked",
        SlashInput(stake(4), h, soft, 1, None),
    )
    yield Case(
        "soft_eleven_effective",
        "eleven effective faults: capped at the whole value",
        SlashInput(stake(11), h, soft, 1, None),
    )
    yield Case(
        "soft_on_boundary",
        "a fault at an epoch boundary suspends past the next epoch",
        SlashInput(stake(1), 4 * params.epoch, soft, 1, None),
    )
    yield Case(
        "soft_explicit_amount",
        "an explicit amount replaces the percentage",
        SlashInput(stake(0), h, soft, 1, 5 * DUSK),
    )
    yield Case(
        "soft_saturated", "the fault counter stays at 255", SlashInput(stake(255), h, soft, 1, None)
    )
    yield Case(
        "soft_no_amount",
        "a stake with nothing staked is left as it is",
        SlashInput(stake(3, amt=None), h, soft, 1, None),
    )
    yield Case(
        "hard_default",
        "severity 1: 10% burned, suspended 1 epoch",
        SlashInput(stake(), h, hard, 1, None),
    )
    yield Case(
        "hard_fault_severity",
        "a proven fault has severity 2",
        SlashInput(stake(hard=1), h, hard, slashing.FAULT_SEVERITY, None),
    )
    yield Case(
        "hard_bad_severity",
        "severity 256 is not a u8",
        SlashInput(stake(), h, hard, 256, None),
        expected_error="consensus.value_out_of_range",
    )
    yield Case(
        "bad_fault_counter",
        "a fault counter of 256",
        SlashInput(stake(256), h, soft, 1, None),
        expected_error="consensus.value_out_of_range",
    )
    # Boundaries of the outcome flag `slashed > 0 or effective > 0` and of severity (issue 11).
    yield Case(
        "soft_one_lux_warning",
        "a warning with an explicit 1 LUX: slashed exactly 1, so the outcome counts",
        SlashInput(stake(0), h, soft, 1, 1),
    )
    dust = slashing.StakeAmount(5, 0, 0)
    yield Case(
        "soft_dust_effective",
        "one effective fault on 5 LUX: 10% rounds to 0, the suspension still counts",
        SlashInput(stake(1, amt=dust), h, soft, 1, None),
    )
    yield Case(
        "hard_zero_severity",
        "severity 0, the low end of a u8: no new hard fault",
        SlashInput(stake(hard=1), h, hard, 0, None),
    )
    yield Case(
        "hard_no_amount",
        "a hard slash of a stake with nothing staked leaves it as it is",
        SlashInput(stake(hard=1, amt=None), h, hard, 1, None),
    )


# --- registry -----------------------------------------------------------------------------


def _handlers(params: ConsensusParams, seed: int) -> tuple[Handler, ...]:
    preset = params.name
    return (
        Handler(
            preset=preset,
            component="consensus",
            name="sortition",
            intent="score hash SHA3-256(seed ‖ step_u8 ‖ u32_le(i)) and score modulo the weight",
            input_type=ScoreInput,
            post_type=ScorePost,
            run=run_sortition,
            cases=_sortition_cases,
        ),
        Handler(
            preset=preset,
            component="consensus",
            name="extraction",
            intent="deterministic sortition with explicit step, credits and exclusion list",
            input_type=ExtractionInput,
            post_type=CommitteePost,
            pre_type=ProvisionersPre,
            run=_extraction_run(params),
            cases=lambda: _extraction_cases(params),
        ),
        Handler(
            preset=preset,
            component="consensus",
            name="committee",
            intent="the generator and the voting committees of an iteration, with exclusions",
            input_type=CommitteeInput,
            post_type=StepCommitteePost,
            pre_type=ProvisionersPre,
            run=_committee_run(params),
            cases=lambda: _committee_cases(params, seed),
        ),
        Handler(
            preset=preset,
            component="consensus",
            name="finality",
            intent="PNI and rolling finality labels after accepting a block",
            input_type=FinalityInput,
            post_type=FinalityPost,
            run=_finality_run(params),
            cases=lambda: _finality_cases(params),
        ),
        Handler(
            preset=preset,
            component="consensus",
            name="fork_choice",
            intent="what an in-sync node does with a block at or above its tip",
            input_type=finality.ForkView,
            post_type=ForkPost,
            run=run_fork_choice,
            cases=_fork_cases,
        ),
        Handler(
            preset=preset,
            component="consensus",
            name="rewards",
            intent="the block reward split among Dusk, the generator and the voters",
            input_type=RewardsInput,
            post_type=RewardsPost,
            run=_rewards_run(params),
            cases=lambda: _rewards_cases(params, seed + 1),
        ),
        Handler(
            preset=preset,
            component="consensus",
            name="slashing",
            intent="soft and hard slashing with suspension",
            input_type=SlashInput,
            post_type=slashing.SlashOutcome,
            run=_slashing_run(params),
            cases=lambda: _slashing_cases(params),
        ),
    )


HANDLERS: tuple[Handler, ...] = (
    *_handlers(PRESETS["tiny"], 510),
    *_handlers(PRESETS["mainnet"], 520),
)

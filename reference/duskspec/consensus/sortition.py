"""Deterministic sortition and committees (spec/consensus.md §2, spec/sources.md §1.5).

Dusk's ``consensus/src/user/{sortition,provisioners,committee}.rs``, rule by rule:

- the score of credit ``i`` is ``SHA3-256(seed ‖ step_u8 ‖ u32_le(i))`` read big-endian,
  modulo the eligible weight left (the round is not hashed);
- the score walks the eligible provisioners in public-key order and lands on the first
  whose weight is ``>=`` what is left of it; that provisioner gets the credit and loses
  1 DUSK of weight (never below zero), and the weight left shrinks by what it lost;
- the committee stops at its credits, or early when the weight left would reach zero;
- a committee is its distinct members in public-key order, each with its credit count; a
  vote set is a ``u64`` bitset over that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.provisioners import Provisioner, eligibles
from duskspec.crypto.hashes import sha3_256
from duskspec.encoding import encode_u8, encode_u32
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey, Hash32

#: A seed is the previous block's 48-byte BLS signature.
SEED_LENGTH = 48

#: Step numbers are a ``u8`` on the wire and in the score hash.
MAX_STEP = 255

#: A StepVotes bitset is a ``u64``: at most 64 distinct members.
BITSET_WIDTH = 64


class StepName(IntEnum):
    """The three steps of an iteration, by their index inside it."""

    PROPOSAL = 0
    VALIDATION = 1
    RATIFICATION = 2


def step_number(iteration: int, step: StepName) -> int:
    """``StepName::to_step``: the global step ``iteration * 3 + index``, a ``u8``."""
    number = iteration * 3 + int(step)
    if not 0 <= number <= MAX_STEP:
        raise ConsensusError("consensus.step_out_of_range", f"iteration {iteration} step {step}")
    return number


def committee_credits(step: StepName, params: ConsensusParams) -> int:
    """Credits a step's committee holds (1 for Proposal: its only member is the generator)."""
    by_step = {
        StepName.PROPOSAL: params.proposal_credits,
        StepName.VALIDATION: params.validation_credits,
        StepName.RATIFICATION: params.ratification_credits,
    }
    return by_step[step]


def check_seed(seed: bytes) -> bytes:
    if len(seed) != SEED_LENGTH:
        raise ConsensusError("consensus.seed_length", f"expected 48 bytes, got {len(seed)}")
    return seed


def score_hash(seed: bytes, step: int, index: int) -> Hash32:
    """``create_sortition_hash``: ``SHA3-256(seed ‖ step_u8 ‖ u32_le(index))``."""
    check_seed(seed)
    if not 0 <= step <= MAX_STEP:
        raise ConsensusError("consensus.step_out_of_range", f"step {step}")
    return sha3_256(seed + encode_u8(step) + encode_u32(index))


def score(digest: bytes, weight: int) -> int:
    """``generate_sortition_score``: the digest as a big-endian integer modulo ``weight``."""
    if weight <= 0:
        raise ConsensusError("consensus.no_eligible_stake", "the eligible weight is zero")
    return int.from_bytes(digest, "big") % weight


def _land(weights: list[int], remaining: int) -> int:
    """Index of the member a score lands on: the first whose weight is ``>=`` what is left
    of the score after subtracting the weights before it."""
    for index, weight in enumerate(weights):
        if weight >= remaining:
            return index
        remaining -= weight
    # Scores are taken modulo the sum of the weights, so the walk always lands.
    raise AssertionError("a score below the total weight always lands on a member")


def sortition_pool(
    provisioners: tuple[Provisioner, ...],
    round: int,
    exclusion: Iterable[bytes],
    params: ConsensusParams,
) -> tuple[Provisioner, ...]:
    """``CommitteeGenerator::new``: the eligible provisioners minus the exclusion list, except
    that a lone eligible provisioner is never excluded."""
    pool = eligibles(provisioners, round, params)
    if len(pool) <= 1:
        return pool
    excluded = set(exclusion)
    return tuple(p for p in pool if p.public_key not in excluded)


def extract_committee(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    step: int,
    credits: int,
    exclusion: Iterable[bytes],
    params: ConsensusParams,
) -> tuple[BlsPublicKey, ...]:
    """``Provisioners::create_committee``: one public key per credit, in extraction order,
    with repetitions."""
    check_seed(seed)
    pool = sortition_pool(provisioners, round, exclusion, params)
    weights = [p.value for p in pool]
    eligible_weight = sum(weights)
    if eligible_weight == 0:
        raise ConsensusError("consensus.no_eligible_stake", f"no eligible stake at round {round}")
    extracted: list[BlsPublicKey] = []
    while len(extracted) != credits:
        digest = score_hash(seed, step, len(extracted))
        index = _land(weights, score(digest, eligible_weight))
        taken = min(weights[index], params.sortition_weight_step)
        weights[index] -= taken
        extracted.append(pool[index].public_key)
        if eligible_weight <= taken:
            break  # the weight left would be zero: the committee ends short
        eligible_weight -= taken
    return tuple(extracted)


@dataclass(frozen=True)
class CommitteeMember:
    public_key: BlsPublicKey
    credits: int


@dataclass(frozen=True)
class Committee:
    """Distinct members in public-key order with their credits (``Committee::members``)."""

    members: tuple[CommitteeMember, ...]

    @property
    def total_credits(self) -> int:
        return sum(m.credits for m in self.members)

    def credits_of(self, public_key: bytes) -> int:
        """``votes_for``: a member's credits, 0 for a non-member."""
        return self.credits_by_key.get(public_key, 0)

    @cached_property
    def credits_by_key(self) -> dict[bytes, int]:
        """Credits per member key, built once per committee (never mutated)."""
        return {m.public_key: m.credits for m in self.members}

    def is_member(self, public_key: bytes) -> bool:
        return self.credits_of(public_key) > 0


def committee_from_extraction(extracted: Iterable[BlsPublicKey]) -> Committee:
    counts: dict[BlsPublicKey, int] = {}
    for key in extracted:
        counts[key] = counts.get(key, 0) + 1
    return Committee(tuple(CommitteeMember(k, counts[k]) for k in sorted(counts)))


def create_committee(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    step: int,
    credits: int,
    exclusion: Iterable[bytes],
    params: ConsensusParams,
) -> Committee:
    """``Committee::new``: run sortition and group the credits by member."""
    extracted = extract_committee(provisioners, seed, round, step, credits, exclusion, params)
    return committee_from_extraction(extracted)


def generator(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    iteration: int,
    params: ConsensusParams,
) -> BlsPublicKey:
    """``Provisioners::get_generator``: the one-credit Proposal committee, no exclusion."""
    step = step_number(iteration, StepName.PROPOSAL)
    (key,) = extract_committee(provisioners, seed, round, step, 1, (), params)
    return key


def exclusion_list(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    iteration: int,
    params: ConsensusParams,
) -> tuple[BlsPublicKey, ...]:
    """Generators kept out of iteration ``iteration``'s voting committees: its own and, unless
    it is the last iteration, the next one's (``IterationCtx::generate_committee``)."""
    excluded = [generator(provisioners, seed, round, iteration, params)]
    if params.excludes_next_generator(iteration):
        excluded.append(generator(provisioners, seed, round, iteration + 1, params))
    return tuple(excluded)


def voting_committee(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    iteration: int,
    step: StepName,
    params: ConsensusParams,
) -> Committee:
    """The committee of one step: the generator for Proposal, otherwise a Validation or
    Ratification committee drawn without the excluded generators."""
    number = step_number(iteration, step)
    credits = committee_credits(step, params)
    excluded: tuple[BlsPublicKey, ...] = ()
    if step != StepName.PROPOSAL:
        excluded = exclusion_list(provisioners, seed, round, iteration, params)
    return create_committee(provisioners, seed, round, number, credits, excluded, params)


# --- StepVotes bitsets over a committee ---------------------------------------------------


def check_u64_bitset(bitset: int) -> int:
    if not 0 <= bitset < 1 << BITSET_WIDTH:
        raise ConsensusError("consensus.bitset_out_of_range", f"{bitset} is not a u64")
    return bitset


def check_bitset(committee: Committee, bitset: int) -> int:
    """Strict form: also reject a bit past the last member. Dusk's ``intersect`` ignores such
    bits, and so does :func:`intersect`; this check is for callers that want to refuse them
    (spec/consensus.md rule 2.12)."""
    check_u64_bitset(bitset)
    if bitset >> len(committee.members):
        raise ConsensusError(
            "consensus.bitset_beyond_committee", f"{bitset:#x} for {len(committee.members)} members"
        )
    return bitset


def bits(committee: Committee, voters: Iterable[bytes]) -> int:
    """``Committee::bits``: bit ``k`` is set iff the ``k``-th member voted."""
    if len(committee.members) > BITSET_WIDTH:
        raise ConsensusError("consensus.committee_too_large", f"{len(committee.members)} members")
    voted = set(voters)
    return sum(1 << k for k, m in enumerate(committee.members) if m.public_key in voted)


def intersect(committee: Committee, bitset: int) -> tuple[CommitteeMember, ...]:
    """``Committee::intersect``: the members whose bit is set; bits past the last member are
    ignored, as in Dusk."""
    check_u64_bitset(bitset)
    return tuple(m for k, m in enumerate(committee.members) if bitset >> k & 1)


def bitset_credits(committee: Committee, bitset: int) -> int:
    """Credits of the members a bitset names: what a quorum check compares to its threshold."""
    return sum(m.credits for m in intersect(committee, bitset))

"""``<preset>/consensus/attestation_voters``: the voters a block's ``prev_block_cert`` pays
(spec/node.md rule 11.1, ``duskspec.consensus.rewards.attestation_voters``), for the
``tiny`` and ``mainnet`` presets.

A case gives the provisioner set (``pre``), the seed, round and iteration the committees are
rebuilt from, and the attestation's two StepVotes bitsets; ``post`` is every voter with its
Validation plus Ratification credits, in public-key order. The voters are a function of the
two bitsets alone: the attestation's result, vote and aggregate signatures were verified by
rule 3.8 of spec/consensus.md when the block carrying it was accepted, so the handler builds
the attestation with an empty signature for each step.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from duskspec.consensus import rewards
from duskspec.consensus.constants import PRESETS, ConsensusParams
from duskspec.consensus.messages import EMPTY_SIGNATURE, Attestation, StepVotes, Vote, VoteKind
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import Committee, StepName
from duskspec.consensus.verification import CommitteeSource
from duskspec.types import Hash32
from duskspec.vectors.handlers.consensus import (
    ProvisionersPre,
    dusk_test_provisioners,
    random_provisioners,
)
from duskspec.vectors.registry import Case, Handler, rejected


@dataclass(frozen=True)
class VotersInput:
    seed: bytes
    round: int
    iteration: int
    validation_bitset: int
    ratification_bitset: int


@dataclass(frozen=True)
class VotersPost:
    voters: tuple[rewards.Voter, ...]


def attestation_of(validation_bitset: int, ratification_bitset: int) -> Attestation:
    """A Success attestation whose two steps carry these bitsets (all the voters read)."""
    vote = Vote(VoteKind.VALID, Hash32(bytes(32)))
    return Attestation(
        True,
        vote,
        StepVotes(validation_bitset, EMPTY_SIGNATURE),
        StepVotes(ratification_bitset, EMPTY_SIGNATURE),
    )


def _voters_run(params: ConsensusParams) -> Callable[[ProvisionersPre, VotersInput], VotersPost]:
    def run_attestation_voters(pre: ProvisionersPre, inp: VotersInput) -> VotersPost:
        source = CommitteeSource(provisioner_set(pre.provisioners), inp.seed, inp.round, params)
        attestation = attestation_of(inp.validation_bitset, inp.ratification_bitset)
        return VotersPost(rewards.attestation_voters(source, inp.iteration, attestation))

    run_attestation_voters.__qualname__ = f"run_attestation_voters_{params.name}"
    return run_attestation_voters


def _committees(
    pre: ProvisionersPre, inp: VotersInput, params: ConsensusParams
) -> tuple[Committee, Committee]:
    source = CommitteeSource(provisioner_set(pre.provisioners), inp.seed, inp.round, params)
    return (
        source.committee(inp.iteration, StepName.VALIDATION),
        source.committee(inp.iteration, StepName.RATIFICATION),
    )


def _all(committee: Committee) -> int:
    return (1 << len(committee.members)) - 1


def _voters_cases(params: ConsensusParams, seed: int) -> Iterator[Case]:
    dusk = ProvisionersPre(dusk_test_provisioners())
    at = VotersInput(bytes([3] * 48), 7777, 0, 0, 0)
    validation, ratification = _committees(dusk, at, params)
    both = {m.public_key for m in validation.members} & {m.public_key for m in ratification.members}
    # What the cases below claim of Dusk's test keys at this seed and round (checked here).
    assert len(both) > 1 and min(m.credits for m in validation.members) > 1
    everyone = VotersInput(at.seed, at.round, 0, _all(validation), _all(ratification))
    yield Case(
        "all_members_both_steps",
        "Dusk's four test provisioners (seed [3]*48, round 7777, iteration 0), every member of "
        "both committees votes: each sits in both with several credits and gets its "
        "Validation plus Ratification credits",
        everyone,
        pre=dusk,
    )
    yield Case(
        "absent_from_ratification",
        "every Validation member votes, only the first Ratification member: the others are "
        "paid their Validation credits alone",
        VotersInput(at.seed, at.round, 0, _all(validation), 1),
        pre=dusk,
    )
    yield Case(
        "validation_empty",
        "no Validation bit (a Fail(NoQuorum) carries none), every Ratification member votes",
        VotersInput(at.seed, at.round, 0, 0, _all(ratification)),
        pre=dusk,
    )
    yield Case(
        "lowest_bit_each_step",
        "one voter per step: the first member of each committee (bit 0)",
        VotersInput(at.seed, at.round, 0, 1, 1),
        pre=dusk,
    )
    yield Case(
        "empty_bitsets",
        "no bit in either step: no voter",
        VotersInput(at.seed, at.round, 0, 0, 0),
        pre=dusk,
    )
    past = 1 << len(validation.members) | 1 << 63
    yield Case(
        "bits_past_committee_ignored",
        "bits past the last member (and bit 63) are ignored, as Dusk's intersect does (rule "
        "2.12 of spec/consensus.md): the voters of all_members_both_steps",
        VotersInput(at.seed, at.round, 0, _all(validation) | past, _all(ratification) | past),
        pre=dusk,
    )
    rng = random.Random(seed)
    provs = random_provisioners(rng, 12 if params.name == "tiny" else 90, params)
    pre = ProvisionersPre(provs)
    for iteration in (1, params.max_iterations - 1):
        inp = VotersInput(rng.randbytes(48), 1000 + iteration, iteration, 0, 0)
        validation, ratification = _committees(pre, inp, params)
        yield Case(
            f"random_bits_iteration_{iteration}",
            f"{len(provs)} provisioners with seeded random keys, iteration {iteration} (its "
            "generators excluded from the committees), seeded random bitsets",
            VotersInput(
                inp.seed,
                inp.round,
                iteration,
                rng.getrandbits(64) & _all(validation),
                rng.getrandbits(64) & _all(ratification),
            ),
            pre=pre,
            seed=seed,
        )
    yield rejected(
        "short_seed",
        "a 47-byte seed",
        VotersInput(bytes(47), at.round, 0, 1, 1),
        "consensus.seed_length",
        pre=dusk,
    )
    yield rejected(
        "step_out_of_range",
        "iteration 85: its Validation step 256 does not fit a u8",
        VotersInput(at.seed, at.round, 85, 1, 1),
        "consensus.step_out_of_range",
        pre=dusk,
    )
    late = tuple(Provisioner(p.public_key, p.value, at.round + 1) for p in dusk.provisioners)
    yield rejected(
        "no_eligible_provisioner",
        "every provisioner becomes eligible one round after the attestation's",
        at,
        "consensus.no_eligible_stake",
        pre=ProvisionersPre(late),
    )
    twice = dusk.provisioners[0]
    yield rejected(
        "duplicate_provisioner",
        "the provisioner set names a key twice",
        everyone,
        "consensus.duplicate_provisioner",
        pre=ProvisionersPre((*dusk.provisioners, twice)),
    )


def _handler(params: ConsensusParams, seed: int) -> Handler:
    return Handler(
        preset=params.name,
        component="consensus",
        name="attestation_voters",
        intent="the voters of an attestation's two bitsets with their summed credits, by key",
        input_type=VotersInput,
        post_type=VotersPost,
        pre_type=ProvisionersPre,
        run=_voters_run(params),
        cases=lambda: _voters_cases(params, seed),
    )


HANDLERS: tuple[Handler, ...] = (_handler(PRESETS["tiny"], 530), _handler(PRESETS["mainnet"], 540))

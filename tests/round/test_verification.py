"""Aggregation and attestation verification: quorum thresholds and every rejection."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.consensus import round as rnd
from duskspec.consensus.aggregation import CastVote, StepVotesCollector, add_vote
from duskspec.consensus.constants import majority, supermajority
from duskspec.consensus.messages import ConsensusHeader, StepVotes, Vote, VoteKind
from duskspec.consensus.sortition import StepName
from duskspec.consensus.verification import check_attestation, vote_threshold
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError
from duskspec.types import BlsSignature
from support.lockstep import TINY, Lockstep


@pytest.fixture(scope="module")
def decided(keys6: list[rnd.NodeKeys]) -> tuple[Lockstep, rnd.Decided]:
    net = Lockstep(keys6)
    while not net.inbox:
        net.fire_earliest()
    net.run()
    return net, net.decided[0]


def check(net: Lockstep, header: ConsensusHeader, attestation: object) -> str:
    source = rnd.source(net.states[0], net.contexts[0])
    with pytest.raises(ConsensusError) as info:
        check_attestation(net.verifier, source, header, attestation)  # type: ignore[arg-type]
    return info.value.code


def test_a_decided_attestation_verifies(decided: tuple[Lockstep, rnd.Decided]) -> None:
    net, outcome = decided
    source = rnd.source(net.states[0], net.contexts[0])
    assert outcome.block.attestation is not None
    check_attestation(net.verifier, source, net.states[0].header(0), outcome.block.attestation)


def test_thresholds() -> None:
    assert vote_threshold(Vote(VoteKind.VALID, sha3_256(b"")), 64) == supermajority(64) == 43
    assert vote_threshold(Vote(VoteKind.NO_CANDIDATE), 64) == majority(64) == 33


def test_a_bitset_without_enough_credits(decided: tuple[Lockstep, rnd.Decided]) -> None:
    net, outcome = decided
    att = outcome.block.attestation
    assert att is not None
    lowest_bit = att.validation.bitset & -att.validation.bitset
    thin = dataclasses.replace(
        att, validation=dataclasses.replace(att.validation, bitset=lowest_bit)
    )
    assert check(net, net.states[0].header(0), thin) == "consensus.insufficient_credits"


def test_a_wrong_aggregate_signature(decided: tuple[Lockstep, rnd.Decided]) -> None:
    net, outcome = decided
    att = outcome.block.attestation
    assert att is not None
    swapped = dataclasses.replace(att, validation=att.ratification, ratification=att.validation)
    assert check(net, net.states[0].header(0), swapped) in {
        "consensus.bad_aggregate_signature",
        "consensus.insufficient_credits",
    }
    wrong_sig = dataclasses.replace(
        att, ratification=StepVotes(att.ratification.bitset, att.validation.aggregate_signature)
    )
    assert check(net, net.states[0].header(0), wrong_sig) == "consensus.bad_aggregate_signature"


def test_a_success_must_be_valid_and_of_this_round(decided: tuple[Lockstep, rnd.Decided]) -> None:
    net, outcome = decided
    att = outcome.block.attestation
    assert att is not None
    assert check(
        net, net.states[0].header(0), dataclasses.replace(att, vote=Vote(VoteKind.NO_CANDIDATE))
    ) == ("consensus.success_without_valid")
    other_round = dataclasses.replace(net.states[0].header(0), round=9)
    assert check(net, other_round, att) == "consensus.wrong_round"
    other_iteration = net.states[0].header(1)
    assert check(net, other_iteration, att) in {
        "consensus.insufficient_credits",
        "consensus.bad_aggregate_signature",
    }


def signed(net: Lockstep, public_key: bytes, vote: Vote) -> CastVote:
    keys = next(c.keys for c in net.contexts if c.keys and c.keys.public_key == public_key)
    assert keys is not None
    message = vote.encode()  # the collector only sums signatures; any signed bytes will do
    return CastVote(
        keys.public_key, vote, bls.sign_multisig(keys.secret_key, keys.public_key, message)
    )


def test_collector_quorum_is_reached_exactly_at_the_threshold(
    decided: tuple[Lockstep, rnd.Decided],
) -> None:
    net, _ = decided
    committee = rnd.committee(net.states[0], net.contexts[0], 0, StepName.VALIDATION)
    collector = StepVotesCollector(committee, TINY.validation_credits)
    vote = Vote(VoteKind.NO_CANDIDATE)
    credits = 0
    reached = None
    for member in committee.members:
        collector, quorum = add_vote(
            collector, signed(net, member.public_key, vote), emergency=False
        )
        credits += member.credits
        if quorum is not None:
            reached = credits
            break
    assert reached is not None and reached >= majority(TINY.validation_credits)
    assert reached - member.credits < majority(TINY.validation_credits)


def test_emergency_iterations_accept_several_targets(decided: tuple[Lockstep, rnd.Decided]) -> None:
    net, _ = decided
    committee = rnd.committee(net.states[0], net.contexts[0], 0, StepName.VALIDATION)
    signer = committee.members[0].public_key
    collector = StepVotesCollector(committee, TINY.validation_credits)
    collector, _ = add_vote(
        collector,
        CastVote(signer, Vote(VoteKind.VALID, sha3_256(b"a")), BlsSignature(bytes(48))),
        emergency=True,
    )
    collector, _ = add_vote(
        collector,
        CastVote(signer, Vote(VoteKind.VALID, sha3_256(b"b")), BlsSignature(bytes(48))),
        emergency=True,
    )
    assert len(collector.votes) == 2
    with pytest.raises(ConsensusError, match="conflicting_vote"):
        add_vote(
            collector,
            CastVote(signer, Vote(VoteKind.NO_CANDIDATE), BlsSignature(bytes(48))),
            emergency=False,
        )

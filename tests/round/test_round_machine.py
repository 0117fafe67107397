"""The round machine under lockstep delivery: decisions, timeouts, and every rejection code."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.messages import (
    NO_QUORUM_RESULT,
    QuorumType,
    RatificationVote,
    SignInfo,
    ValidationResult,
    ValidationVote,
    Vote,
    VoteKind,
)
from duskspec.consensus.sortition import StepName
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError
from duskspec.types import BlsSignature
from support.lockstep import TINY, Lockstep


@pytest.fixture
def net(keys6: list[rnd.NodeKeys]) -> Lockstep:
    return Lockstep(keys6)


def propose(net: Lockstep) -> None:
    """Fire timers until the generator's slot comes and it broadcasts its candidate."""
    while not net.inbox:
        net.fire_earliest()


def member(net: Lockstep, step: StepName, iteration: int = 0) -> int:
    """Index of some node in the committee of ``step``."""
    return next(
        i
        for i in range(len(net.states))
        if rnd.is_member(net.states[i], net.contexts[i], iteration, step)
    )


def outsider(net: Lockstep, step: StepName, iteration: int = 0) -> int:
    return next(
        i
        for i in range(len(net.states))
        if not rnd.is_member(net.states[i], net.contexts[i], iteration, step)
    )


def validation(net: Lockstep, signer: int, vote: Vote, iteration: int = 0) -> ValidationVote:
    keys = net.contexts[signer].keys
    assert keys is not None
    unsigned = ValidationVote(
        net.states[0].header(iteration), vote, SignInfo(keys.public_key, BlsSignature(bytes(48)))
    )
    signature = bls.sign_multisig(keys.secret_key, keys.public_key, unsigned.signed_message())
    return dataclasses.replace(unsigned, sign_info=SignInfo(keys.public_key, signature))


def ratification(net: Lockstep, signer: int, result: ValidationResult) -> RatificationVote:
    keys = net.contexts[signer].keys
    assert keys is not None
    unsigned = RatificationVote(
        net.states[0].header(),
        result.vote,
        0,
        result,
        SignInfo(keys.public_key, BlsSignature(bytes(48))),
    )
    signature = bls.sign_multisig(keys.secret_key, keys.public_key, unsigned.signed_message())
    return dataclasses.replace(unsigned, sign_info=SignInfo(keys.public_key, signature))


def rejection(net: Lockstep, node: int, message: rnd.Message) -> str:
    state = net.states[node]
    with pytest.raises(ConsensusError) as info:
        rnd.receive(state, net.contexts[node], message, net.now)
    assert net.states[node] is state
    return info.value.code


# --- whole rounds -------------------------------------------------------------------------


def test_all_nodes_decide_the_same_block_in_iteration_zero(net: Lockstep) -> None:
    propose(net)
    net.run()
    assert sorted(net.decided) == list(range(len(net.states)))
    assert len({d.block.hash for d in net.decided.values()}) == 1
    block = net.decided[0].block
    assert block.header.iteration == 0
    assert block.attestation is not None and block.attestation.success
    assert block.attestation.vote == Vote(VoteKind.VALID, block.hash)
    generator = net.contexts[net.generator_index(0)].keys
    assert generator is not None and block.header.generator == generator.public_key


def test_a_silent_generator_gives_a_fail_attestation_then_iteration_one_decides(
    net: Lockstep,
) -> None:
    silent = net.generator_index(0)
    honest = [i for i in range(len(net.states)) if i != silent]
    propose(net)
    net.inbox = [(d, m) for d, m in net.inbox if not isinstance(m, Block)]
    while not set(honest) <= set(net.decided):
        if net.inbox:
            net.run()
        else:
            net.fire_earliest()
    assert {net.decided[i].block.header.iteration for i in honest} == {1}
    fails = [net.states[i].failed.get(0) for i in honest]
    assert any(
        f is not None and not f.success and f.vote.kind == VoteKind.NO_CANDIDATE for f in fails
    )
    block = net.decided[honest[0]].block
    assert (
        block.header.failed_iterations[0] is not None
    )  # the Fail attestation travels in the block


def test_a_step_timeout_raises_that_step_timeout(net: Lockstep) -> None:
    node = next(i for i in range(len(net.states)) if i != net.generator_index(0))
    state = net.states[node]
    timer = next(t for n, t in net.timers if n == node)
    after, _ = rnd.on_timeout(state, net.contexts[node], timer, timer.at)
    raised = min(state.timeouts[0] + TINY.timeout_increase * 1000, TINY.max_step_timeout * 1000)
    assert after.timeouts[StepName.PROPOSAL] == raised
    assert after.step == StepName.VALIDATION


def test_stale_timers_do_nothing(net: Lockstep) -> None:
    state = net.states[0]
    stale = rnd.SetTimer(0, state.round, state.iteration + 1, StepName.RATIFICATION)
    assert rnd.on_timeout(state, net.contexts[0], stale, 10) == (state, ())


def test_base_timeout_is_the_rounded_up_mean_clamped() -> None:
    assert rnd.base_timeouts((), TINY) == TINY.max_step_timeout * 1000
    assert rnd.base_timeouts((2500, 3100), TINY) == 3000
    assert rnd.base_timeouts((1, 1, 1), TINY) == TINY.min_step_timeout * 1000
    assert rnd.base_timeouts((99_000,) * 9, TINY) == TINY.max_step_timeout * 1000


def test_the_last_iteration_timeout_enters_open_mode(net: Lockstep) -> None:
    state = dataclasses.replace(
        net.states[0], iteration=TINY.max_iterations - 1, step=StepName.RATIFICATION
    )
    timer = rnd.SetTimer(0, state.round, state.iteration, StepName.RATIFICATION)
    after, outputs = rnd.on_timeout(state, net.contexts[0], timer, 1)
    assert after.open_mode and outputs == ()


# --- messages a node rejects, with its state untouched ---------------------------------------


def test_vote_from_a_non_member(net: Lockstep) -> None:
    stranger = outsider(net, StepName.VALIDATION)
    vote = validation(net, stranger, Vote(VoteKind.NO_CANDIDATE))
    receiver = member(net, StepName.VALIDATION)
    net.states[receiver] = dataclasses.replace(net.states[receiver], step=StepName.VALIDATION)
    assert rejection(net, receiver, vote) == "consensus.not_in_committee"


def test_vote_with_a_bad_signature(net: Lockstep) -> None:
    voter = member(net, StepName.VALIDATION)
    vote = validation(net, voter, Vote(VoteKind.NO_CANDIDATE))
    forged = dataclasses.replace(vote, vote=Vote(VoteKind.INVALID, sha3_256(b"x")))
    net.states[0] = dataclasses.replace(net.states[0], step=StepName.VALIDATION)
    assert rejection(net, 0, forged) == "consensus.bad_vote_signature"


def test_duplicate_and_conflicting_votes(net: Lockstep) -> None:
    voter = member(net, StepName.VALIDATION)
    receiver = next(i for i in range(len(net.states)) if i != voter)
    net.states[receiver] = dataclasses.replace(net.states[receiver], step=StepName.VALIDATION)
    first = validation(net, voter, Vote(VoteKind.NO_CANDIDATE))
    net.states[receiver], _ = rnd.receive(net.states[receiver], net.contexts[receiver], first, 0)
    assert rejection(net, receiver, first) == "consensus.duplicate_vote"
    other = validation(net, voter, Vote(VoteKind.INVALID, sha3_256(b"other")))
    assert rejection(net, receiver, other) == "consensus.conflicting_vote"


def test_stale_round_and_wrong_parent(net: Lockstep) -> None:
    vote = validation(net, member(net, StepName.VALIDATION), Vote(VoteKind.NO_CANDIDATE))
    stale = dataclasses.replace(vote, header=dataclasses.replace(vote.header, round=0))
    assert rejection(net, 0, stale) == "consensus.wrong_round"
    orphan = dataclasses.replace(
        vote, header=dataclasses.replace(vote.header, prev_block_hash=sha3_256(b"?"))
    )
    assert rejection(net, 0, orphan) == "consensus.wrong_prev_hash"


def test_no_quorum_is_not_a_validation_vote(net: Lockstep) -> None:
    vote = validation(net, member(net, StepName.VALIDATION), Vote(VoteKind.NO_QUORUM))
    assert rejection(net, 0, vote) == "consensus.no_quorum_vote_in_validation"


def test_future_step_votes_are_queued_and_past_ones_ignored(net: Lockstep) -> None:
    node = next(i for i in range(len(net.states)) if i != net.generator_index(0))
    future = validation(
        net, member(net, StepName.VALIDATION, 1), Vote(VoteKind.NO_CANDIDATE), iteration=1
    )
    queued, outputs = rnd.receive(net.states[node], net.contexts[node], future, 0)
    assert queued.queued == (future,) and outputs == ()
    later = dataclasses.replace(net.states[node], iteration=2)
    assert rnd.receive(later, net.contexts[node], future, 0) == (later, ())


def test_ratification_vote_must_match_its_attached_result(net: Lockstep) -> None:
    voter = member(net, StepName.RATIFICATION)
    vote = ratification(net, voter, NO_QUORUM_RESULT)
    mismatch = dataclasses.replace(vote, vote=Vote(VoteKind.NO_CANDIDATE))
    assert rejection(net, 0, mismatch) == "consensus.vote_result_mismatch"
    wrong_type = ValidationResult(
        QuorumType.VALID, Vote(VoteKind.NO_QUORUM), NO_QUORUM_RESULT.step_votes
    )
    assert (
        rejection(net, 0, ratification(net, voter, wrong_type))
        == "consensus.result_quorum_mismatch"
    )
    with_votes = dataclasses.replace(
        NO_QUORUM_RESULT, step_votes=dataclasses.replace(NO_QUORUM_RESULT.step_votes, bitset=1)
    )
    assert (
        rejection(net, 0, ratification(net, voter, with_votes)) == "consensus.no_quorum_with_votes"
    )


def test_candidate_from_the_wrong_generator(net: Lockstep) -> None:
    propose(net)
    _, candidate = next((d, m) for d, m in net.inbox if isinstance(m, Block))
    assert isinstance(candidate, Block)
    impostor = next(i for i in range(len(net.states)) if i != net.generator_index(0))
    keys = net.contexts[impostor].keys
    assert keys is not None
    header = dataclasses.replace(candidate.header, generator=keys.public_key)
    forged = Block(header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash))
    assert rejection(net, impostor, forged) == "consensus.wrong_generator"
    resigned = dataclasses.replace(candidate, signature=forged.signature)
    assert rejection(net, impostor, resigned) == "consensus.bad_vote_signature"


def test_a_success_quorum_before_its_candidate_waits_for_the_candidate(net: Lockstep) -> None:
    """Under loss a node can see the Success quorum of a candidate it never received: it
    must neither crash nor decide without the block, and decide once the block arrives."""
    # A node outside both committees: the others decide without its vote.
    late = next(
        i
        for i in range(len(net.states))
        if i != net.generator_index(0)
        and not rnd.is_member(net.states[i], net.contexts[i], 0, StepName.VALIDATION)
        and not rnd.is_member(net.states[i], net.contexts[i], 0, StepName.RATIFICATION)
    )
    propose(net)
    held = [(d, m) for d, m in net.inbox if d == late and isinstance(m, Block)]
    net.inbox = [(d, m) for d, m in net.inbox if (d, m) not in held]
    net.run()
    assert late not in net.decided
    assert net.states[late].awaiting is not None and net.states[late].awaiting.success
    net.inbox = held
    net.run()
    assert net.decided[late].block.hash == net.decided[net.generator_index(0)].block.hash
    assert net.states[late].awaiting is None

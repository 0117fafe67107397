"""Consensus round vectors: ``vote``, ``attestation`` and the multi-step ``step`` handler,
for the ``tiny`` and ``mainnet`` presets (spec/consensus.md §11).

Every case is a round 1 on the genesis tip of six provisioners whose keys come from
``duskspec.consensus.lockstep.make_keys(6, seed)`` (``mainnet`` ``aggregation/full_committee``:
300, for a 64-member committee); ``pre`` lists their public keys and
stakes, so an implementation needs no key material. Messages are wire frames (topic byte and
all, spec/consensus.md §4.2) recorded from real rounds run by
:class:`duskspec.consensus.lockstep.Lockstep` with real BLS signatures.

An *observer* (a node without keys: it votes for nothing) receives the frames:

- ``vote``: the observer stands at the vote's iteration and step; post = the credits now
  counted for that vote's value;
- ``attestation``: an encoded attestation for an iteration of round 1; post = its verdict;
- ``step``: the observer replays a sequence of frames from the start of round 1; each step's
  outcome is recorded (``""`` when accepted, else the error code, the state unchanged);
  post = the observer's iteration, step, decided block hash and the outcomes.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from duskspec.consensus import hostile
from duskspec.consensus import round as rnd
from duskspec.consensus.aggregation import step_votes_of
from duskspec.consensus.block import Block
from duskspec.consensus.constants import PRESETS, ConsensusParams
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.lockstep import Lockstep, make_keys
from duskspec.consensus.messages import (
    VALIDATION_SIGN_TAG,
    QuorumMessage,
    RatificationVote,
    SignInfo,
    StepVotes,
    ValidationVote,
    Vote,
    VoteKind,
    decode_attestation,
    signed_vote_message,
)
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import BITSET_WIDTH, StepName
from duskspec.consensus.verification import SignatureVerifier, check_attestation
from duskspec.consensus.wire import AcceptedBlock, WireMessage, decode_message, encode_message
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError, ProtocolError
from duskspec.types import BlsPublicKey, Hash32
from duskspec.vectors.registry import Case, Handler

PROVISIONERS = 6
KEY_SEED = 11


@dataclass(frozen=True)
class StakePart:
    public_key: BlsPublicKey
    value: int
    eligible_since: int


@dataclass(frozen=True)
class RoundPre:
    """Round 1 on the genesis tip of these provisioners."""

    provisioners: tuple[StakePart, ...]


@dataclass(frozen=True)
class FrameInput:
    frame: bytes


@dataclass(frozen=True)
class VotePost:
    step: int
    iteration: int
    credits: int


@dataclass(frozen=True)
class AttestationInput:
    iteration: int
    attestation: bytes


@dataclass(frozen=True)
class AttestationPost:
    success: bool
    vote_kind: int


@dataclass(frozen=True)
class StepInput:
    frame: bytes


@dataclass(frozen=True)
class StepPost:
    iteration: int
    step: int
    decided: bytes
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class AggregationPost:
    """Credits for the first frame's vote value, and its StepVotes over the sorted committee."""

    credits: int
    bitset: int
    aggregate_signature: bytes


# --- the observer -------------------------------------------------------------------------


def observer(pre: RoundPre, params: ConsensusParams) -> tuple[rnd.RoundState, rnd.RoundContext]:
    provisioners = provisioner_set(
        Provisioner(p.public_key, p.value, p.eligible_since) for p in pre.provisioners
    )
    ctx = rnd.RoundContext(params, provisioners, None, SignatureVerifier())
    timeout = params.max_step_timeout * 1000
    state, _ = rnd.start_round(ctx, genesis_tip(provisioners), (timeout, timeout, timeout), 0)
    return state, ctx


def run_vote(params: ConsensusParams, pre: RoundPre, inp: FrameInput) -> VotePost:
    state, ctx = observer(pre, params)
    message = decode_message(inp.frame, params)
    if not isinstance(message, ValidationVote | RatificationVote):
        raise ConsensusError("consensus.not_a_vote", type(message).__name__)
    step = StepName.VALIDATION if isinstance(message, ValidationVote) else StepName.RATIFICATION
    state = dataclasses.replace(state, iteration=message.header.iteration, step=step)
    state, _ = rnd.receive(state, ctx, message, 0)
    collector = state.collectors[(message.header.iteration, step)]
    return VotePost(int(step), message.header.iteration, collector.credits_for(message.vote))


def run_attestation(
    params: ConsensusParams, pre: RoundPre, inp: AttestationInput
) -> AttestationPost:
    state, ctx = observer(pre, params)
    attestation = decode_attestation(inp.attestation)
    check_attestation(
        ctx.verifier, rnd.source(state, ctx), state.header(inp.iteration), attestation
    )
    return AttestationPost(attestation.success, int(attestation.vote.kind))


def run_aggregation(
    params: ConsensusParams, pre: RoundPre, steps: tuple[StepInput, ...]
) -> AggregationPost:
    """Validation votes of iteration 0 collected by an observer standing in that step; a vote
    the collector refuses (duplicate, conflicting, non-member, bad signature) fails the case.
    Once a value reaches quorum the step ends, and later votes of the step are past messages:
    the order of the frames decides which voters the StepVotes name."""
    state, ctx = observer(pre, params)
    state = dataclasses.replace(state, step=StepName.VALIDATION)
    if not steps:
        raise ConsensusError("consensus.not_a_vote", "aggregation needs at least one vote")
    votes = [decode_message(step.frame, params) for step in steps]
    for vote in votes:
        if not isinstance(vote, ValidationVote) or vote.header.iteration != 0:
            raise ConsensusError(
                "consensus.not_a_vote", "aggregation takes iteration-0 Validation votes"
            )
        state, _ = rnd.receive(state, ctx, vote, 0)
    first = votes[0]
    assert isinstance(first, ValidationVote)
    collector = state.collectors[(0, StepName.VALIDATION)]
    step_votes = step_votes_of(collector, first.vote)
    return AggregationPost(
        collector.credits_for(first.vote), step_votes.bitset, step_votes.aggregate_signature
    )


def aggregation_cases(params: ConsensusParams) -> Iterator[Case]:
    net = honest_round(params)
    pre = pre_of(net)
    votes = [m for m in net.log if isinstance(m, ValidationVote)]
    yield Case("all_votes", "every Validation vote of the round", frames(list(votes)), pre=pre)
    yield Case("one_vote", "a single vote: its own bit and signature", frames(votes[:1]), pre=pre)
    yield Case(
        "reversed",
        "reverse order: the step ends at quorum, so another subset is aggregated",
        frames(votes[::-1]),
        pre=pre,
    )
    yield Case(
        "duplicate",
        "a vote twice",
        frames([votes[0], votes[0]]),
        pre=pre,
        expected_error="consensus.duplicate_vote",
    )
    conflicting = resigned(net, votes[0], Vote(VoteKind.INVALID, Hash32(sha3_256(b"other"))))
    yield Case(
        "conflicting",
        "a second, different vote by the same signer",
        frames([votes[0], conflicting]),
        pre=pre,
        expected_error="consensus.conflicting_vote",
    )
    if params.validation_credits == BITSET_WIDTH:
        yield full_committee_case(params)


#: A mainnet pool whose iteration-0 Validation committee has 64 distinct members, one credit
#: each, so ``Committee::bits`` fills all 64 bits (spec/consensus.md rule 2.12): 300 keys of
#: ``make_keys(300, 64)``, stakes drawn from ``random.Random(FULL_COMMITTEE_STAKES)`` in
#: ``[minimum, 2·minimum)``. The seed is the first found by a search; the case asserts it.
FULL_COMMITTEE_KEYS = 300
FULL_COMMITTEE_STAKES = 1897


def full_committee_case(params: ConsensusParams) -> Case:
    keys = make_keys(FULL_COMMITTEE_KEYS, BITSET_WIDTH)
    rng = random.Random(FULL_COMMITTEE_STAKES)
    pre = RoundPre(
        tuple(
            StakePart(k.public_key, params.minimum_stake + rng.randrange(params.minimum_stake), 0)
            for k in keys
        )
    )
    state, ctx = observer(pre, params)
    committee = rnd.committee(state, ctx, 0, StepName.VALIDATION)
    assert len(committee.members) == BITSET_WIDTH
    last = committee.members[-1].public_key
    signer = next(k for k in keys if k.public_key == last)
    vote = Vote(VoteKind.NO_CANDIDATE)
    message = signed_vote_message(state.header(0), VALIDATION_SIGN_TAG, vote)
    signature = bls.sign_multisig(signer.secret_key, signer.public_key, message)
    frame = ValidationVote(state.header(0), vote, SignInfo(signer.public_key, signature))
    return Case(
        "full_committee",
        "64 distinct members (the bitset's width): the last member's vote sets bit 63",
        frames([frame]),
        pre=pre,
    )


def round_message(message: WireMessage) -> rnd.Message:
    """An accepted-block announcement belongs to the node, not to the round machine."""
    if isinstance(message, AcceptedBlock):
        raise ConsensusError("consensus.not_a_round_message", "topic Block")
    return message


def run_step(params: ConsensusParams, pre: RoundPre, steps: tuple[StepInput, ...]) -> StepPost:
    state, ctx = observer(pre, params)
    outcomes = []
    for step in steps:
        try:
            state, _ = rnd.receive(state, ctx, round_message(decode_message(step.frame, params)), 0)
            outcomes.append("")
        except ProtocolError as exc:
            outcomes.append(exc.code)
    decided = state.decided.hash if state.decided is not None else b""
    return StepPost(state.iteration, int(state.step), decided, tuple(outcomes))


# --- recorded rounds ----------------------------------------------------------------------


def pre_of(net: Lockstep) -> RoundPre:
    return RoundPre(
        tuple(StakePart(p.public_key, p.value, p.eligible_since) for p in net.provisioners)
    )


def honest_round(params: ConsensusParams) -> Lockstep:
    net = Lockstep(make_keys(PROVISIONERS, KEY_SEED), params)
    while not net.inbox:
        net.fire_earliest()
    net.run()
    return net


def silent_generator_round(params: ConsensusParams) -> Lockstep:
    """Iteration 0's candidate never arrives; iteration 1 decides."""
    net = Lockstep(make_keys(PROVISIONERS, KEY_SEED), params)
    while not net.inbox:
        net.fire_earliest()
    net.inbox = [(d, m) for d, m in net.inbox if not isinstance(m, Block)]
    net.log = [m for m in net.log if not isinstance(m, Block)]
    while len(net.decided) < PROVISIONERS:
        if net.inbox:
            net.run()
        else:
            net.fire_earliest()
    return net


def frames(messages: Sequence[rnd.Message]) -> tuple[StepInput, ...]:
    return tuple(StepInput(encode_message(m)) for m in messages)


def resigned(net: Lockstep, vote: ValidationVote, other: Vote) -> ValidationVote:
    keys = next(
        c.keys for c in net.contexts if c.keys and c.keys.public_key == vote.sign_info.signer
    )
    assert keys is not None
    forged = dataclasses.replace(vote, vote=other)
    signature = bls.sign_multisig(keys.secret_key, keys.public_key, forged.signed_message())
    return dataclasses.replace(forged, sign_info=SignInfo(keys.public_key, signature))


def vote_cases(params: ConsensusParams) -> Iterator[Case]:
    net = honest_round(params)
    pre = pre_of(net)
    validation = next(m for m in net.log if isinstance(m, ValidationVote))
    ratification = next(m for m in net.log if isinstance(m, RatificationVote))
    yield Case(
        "validation_valid",
        "a Valid vote of iteration 0",
        FrameInput(encode_message(validation)),
        pre=pre,
    )
    yield Case(
        "ratification_valid",
        "a Ratification vote with its Validation quorum attached",
        FrameInput(encode_message(ratification)),
        pre=pre,
    )
    bad_signature = dataclasses.replace(validation, vote=Vote(VoteKind.NO_CANDIDATE))
    yield Case(
        "bad_signature",
        "the vote changed after signing",
        FrameInput(encode_message(bad_signature)),
        pre=pre,
        expected_error="consensus.bad_vote_signature",
    )
    stale = dataclasses.replace(validation, header=dataclasses.replace(validation.header, round=7))
    yield Case(
        "wrong_round",
        "a vote for another round",
        FrameInput(encode_message(stale)),
        pre=pre,
        expected_error="consensus.wrong_round",
    )
    orphan = dataclasses.replace(
        validation, header=dataclasses.replace(validation.header, prev_block_hash=sha3_256(b"fork"))
    )
    yield Case(
        "wrong_prev_hash",
        "a vote on another parent",
        FrameInput(encode_message(orphan)),
        pre=pre,
        expected_error="consensus.wrong_prev_hash",
    )
    committee = rnd.committee(net.states[0], net.contexts[0], 0, StepName.VALIDATION)
    outsider = next(
        c.keys for c in net.contexts if c.keys and not committee.is_member(c.keys.public_key)
    )
    assert outsider is not None
    foreign = dataclasses.replace(
        validation, sign_info=SignInfo(outsider.public_key, validation.sign_info.signature)
    )
    foreign = resigned(net, foreign, validation.vote)
    yield Case(
        "not_in_committee",
        "a correctly signed vote from a non-member",
        FrameInput(encode_message(foreign)),
        pre=pre,
        expected_error="consensus.not_in_committee",
    )
    no_quorum = resigned(net, validation, Vote(VoteKind.NO_QUORUM))
    yield Case(
        "no_quorum_in_validation",
        "NoQuorum is not a Validation vote",
        FrameInput(encode_message(no_quorum)),
        pre=pre,
        expected_error="consensus.no_quorum_vote_in_validation",
    )
    yield Case(
        "truncated",
        "the frame cut short",
        FrameInput(encode_message(validation)[:-1]),
        pre=pre,
        expected_error="encoding.truncated",
    )
    yield Case(
        "unknown_vote_tag",
        "vote tag 9",
        FrameInput(encode_message(validation)[: 6 + 41] + b"\x09"),
        pre=pre,
        expected_error="consensus.unknown_vote_tag",
    )
    yield from hostile_vote_cases(net, pre, validation)


def hostile_vote_cases(net: Lockstep, pre: RoundPre, validation: ValidationVote) -> Iterator[Case]:
    """Drop codes of spec/consensus.md §3.8: keyless and out-of-range messages."""
    poison = hostile.poison_ratification(validation.header)
    yield Case(
        "poison_ratification",
        "issue 8's 258-byte NoQuorum Ratification vote, signer and signature all zeros",
        FrameInput(encode_message(poison)),
        pre=pre,
        expected_error="consensus.not_in_committee",
    )
    for name, signer in (
        ("identity_signer", hostile.IDENTITY_SIGNER),
        ("off_curve_signer", hostile.OFF_CURVE_SIGNER),
    ):
        yield Case(
            name,
            f"a Validation vote signed by no one in the name of the {name.split('_')[0]} key",
            FrameInput(encode_message(hostile.keyless_validation(validation.header, signer, 0))),
            pre=pre,
            expected_error="consensus.not_in_committee",
        )
    far = dataclasses.replace(validation.header, iteration=200)
    yield Case(
        "iteration_out_of_range",
        "a vote for iteration 200, past the round's last iteration",
        FrameInput(encode_message(dataclasses.replace(validation, header=far))),
        pre=pre,
        expected_error="consensus.iteration_out_of_range",
    )
    frame = encode_message(validation)
    yield Case(
        "noncanonical_version",
        "version 1.0.1: only 1.0.0 decodes, so one message has one encoding",
        FrameInput(frame[:3] + b"\x01\x00" + frame[5:]),
        pre=pre,
        expected_error="consensus.noncanonical_version",
    )


def attestation_cases(params: ConsensusParams) -> Iterator[Case]:
    net = honest_round(params)
    pre = pre_of(net)
    block = net.decided[0].block
    assert block.attestation is not None
    att = block.attestation
    yield Case(
        "success",
        "the Success attestation of iteration 0",
        AttestationInput(0, att.encode()),
        pre=pre,
    )
    fail = silent_generator_round(params)
    quorum = next(m for m in fail.log if isinstance(m, QuorumMessage) and not m.attestation.success)
    yield Case(
        "fail_no_candidate",
        "a Fail(NoCandidate) attestation of iteration 0",
        AttestationInput(0, quorum.attestation.encode()),
        pre=pre_of(fail),
    )
    lowest = att.validation.bitset & -att.validation.bitset
    thin = dataclasses.replace(
        att, validation=StepVotes(lowest, att.validation.aggregate_signature)
    )
    yield Case(
        "insufficient_credits",
        "one validator's bit only",
        AttestationInput(0, thin.encode()),
        pre=pre,
        expected_error="consensus.insufficient_credits",
    )
    empty = dataclasses.replace(att, validation=StepVotes(0, att.validation.aggregate_signature))
    yield Case(
        "empty_validation_bitset",
        "bitset 0, the low end of a u64 (rule 2.11): no credits, not a range error",
        AttestationInput(0, empty.encode()),
        pre=pre,
        expected_error="consensus.insufficient_credits",
    )
    crossed = dataclasses.replace(
        att, ratification=StepVotes(att.ratification.bitset, att.validation.aggregate_signature)
    )
    yield Case(
        "bad_aggregate_signature",
        "the Validation signature under the Ratification bitset",
        AttestationInput(0, crossed.encode()),
        pre=pre,
        expected_error="consensus.bad_aggregate_signature",
    )
    not_valid = dataclasses.replace(att, vote=Vote(VoteKind.NO_CANDIDATE))
    yield Case(
        "success_without_valid",
        "Success must carry a Valid vote",
        AttestationInput(0, not_valid.encode()),
        pre=pre,
        expected_error="consensus.success_without_valid",
    )
    top = 1 << 63  # past the last member of any committee of these six provisioners
    padded = dataclasses.replace(
        att,
        ratification=StepVotes(att.ratification.bitset | top, att.ratification.aggregate_signature),
    )
    yield Case(
        "extra_bitset_bit",
        "the Success attestation with bit 63 of the Ratification bitset set, past the "
        "committee: it still verifies, as in Dusk (a second byte string, rule 3.27)",
        AttestationInput(0, padded.encode()),
        pre=pre,
    )
    raw = bytearray(att.encode())
    raw[0] = 5
    yield Case(
        "unknown_result_tag",
        "result tag 5",
        AttestationInput(0, bytes(raw)),
        pre=pre,
        expected_error="consensus.unknown_result_tag",
    )


def step_cases(params: ConsensusParams) -> Iterator[Case]:
    net = honest_round(params)
    pre = pre_of(net)
    yield Case(
        "honest_round",
        "every message of an honest round 1, in sending order: decided in iteration 0",
        frames(net.log),
        pre=pre,
    )
    validation = next(m for m in net.log if isinstance(m, ValidationVote))
    conflicting = resigned(net, validation, Vote(VoteKind.INVALID, Hash32(sha3_256(b"other"))))
    log = [net.log[0], validation, validation, conflicting, *net.log[1:]]
    yield Case(
        "duplicate_and_conflicting",
        "a vote delivered twice, then a conflicting vote by the same signer",
        frames(log),
        pre=pre,
    )
    reordered = [m for m in net.log if not isinstance(m, Block)] + [
        m for m in net.log if isinstance(m, Block)
    ]
    yield Case(
        "candidate_last",
        "candidate last: votes wait as future steps, the Success quorum waits for its candidate",
        frames(reordered),
        pre=pre,
    )
    candidate = next(m for m in net.log if isinstance(m, Block))
    impostor = next(
        c.keys for c in net.contexts if c.keys and c.keys.public_key != candidate.header.generator
    )
    assert impostor is not None
    forged_header = dataclasses.replace(candidate.header, generator=impostor.public_key)
    forged = Block(
        forged_header,
        bls.sign_multisig(impostor.secret_key, impostor.public_key, forged_header.hash),
    )
    yield Case(
        "wrong_generator",
        "a candidate signed by a provisioner that is not the iteration's generator, then the round",
        frames([forged, *net.log]),
        pre=pre,
    )
    yield hostile_step_case(net, pre)
    silent = silent_generator_round(params)
    yield Case(
        "silent_generator",
        "no candidate in iteration 0: a Fail quorum moves to iteration 1, which decides",
        frames(silent.log),
        pre=pre_of(silent),
    )


def hostile_step_case(net: Lockstep, pre: RoundPre) -> Case:
    """The honest round behind a burst of hostile frames: the poison vote, strangers' votes
    for later iterations, an out-of-range iteration, and two distinct signed votes of one
    member for iteration 1 (the second finds its queue slot taken). Same decision."""
    first = next(m for m in net.log if isinstance(m, ValidationVote))
    header = first.header
    later = dataclasses.replace(header, iteration=1)
    member = next(
        c.keys
        for c in net.contexts
        if c.keys
        and rnd.committee(net.states[0], net.contexts[0], 1, StepName.VALIDATION).is_member(
            c.keys.public_key
        )
    )
    assert member is not None
    flood = tuple(hostile.signed_future_flood(later, member.secret_key, member.public_key, 2))
    strangers = tuple(
        hostile.keyless_validation(later, key, i) for i, key in enumerate(hostile.stranger_keys(3))
    )
    far = hostile.keyless_validation(
        dataclasses.replace(header, iteration=200), hostile.ZERO_SIGNER, 0
    )
    burst: list[rnd.Message] = [hostile.poison_ratification(header), *strangers, far, *flood]
    return Case(
        "hostile_burst",
        "hostile frames first (each dropped with its code, one future vote queued), then "
        "the honest round: decided in iteration 0",
        frames([*burst, *net.log]),
        pre=pre,
    )


def _handlers(params: ConsensusParams) -> tuple[Handler, ...]:
    preset = params.name

    def vote(pre: RoundPre, inp: FrameInput) -> VotePost:
        return run_vote(params, pre, inp)

    def attestation(pre: RoundPre, inp: AttestationInput) -> AttestationPost:
        return run_attestation(params, pre, inp)

    def step(pre: RoundPre, steps: tuple[StepInput, ...]) -> StepPost:
        return run_step(params, pre, steps)

    def aggregation(pre: RoundPre, steps: tuple[StepInput, ...]) -> AggregationPost:
        return run_aggregation(params, pre, steps)

    named = (
        (vote, "run_vote"),
        (attestation, "run_attestation"),
        (step, "run_step"),
        (aggregation, "run_aggregation"),
    )
    for fn, name in named:
        fn.__qualname__ = name
    return (
        Handler(
            preset,
            "consensus",
            "aggregation",
            "Validation votes into StepVotes: credits, bitset, aggregate signature",
            StepInput,
            AggregationPost,
            aggregation,
            lambda: aggregation_cases(params),
            pre_type=RoundPre,
            multi_step=True,
        ),
        Handler(
            preset,
            "consensus",
            "vote",
            "one Validation or Ratification vote: checks and credit counting",
            FrameInput,
            VotePost,
            vote,
            lambda: vote_cases(params),
            pre_type=RoundPre,
        ),
        Handler(
            preset,
            "consensus",
            "attestation",
            "attestation verification against rebuilt committees",
            AttestationInput,
            AttestationPost,
            attestation,
            lambda: attestation_cases(params),
            pre_type=RoundPre,
        ),
        Handler(
            preset,
            "consensus",
            "step",
            "an observer replays a round's frames: iteration, step, decision",
            StepInput,
            StepPost,
            step,
            lambda: step_cases(params),
            pre_type=RoundPre,
            multi_step=True,
        ),
    )


HANDLERS: tuple[Handler, ...] = (*_handlers(PRESETS["tiny"]), *_handlers(PRESETS["mainnet"]))

"""One consensus round as a pure state machine (spec/consensus.md §8; spec/sources.md §1.6-1.10).

A round produces the block at height ``tip.height + 1``. It runs iterations of three steps;
each input is one function ``(state, ctx, input, now) -> (state, outputs)`` that never
mutates its arguments, reads no clock (``now`` is an input, in virtual milliseconds) and
draws no randomness. The functions carry the names of the TLA+ actions they implement in
``models/tla/SuccinctAttestation.tla``:

- :func:`propose` (``Propose``): the generator builds, signs and broadcasts a candidate;
- :func:`cast_validation_vote` (``CastValidationVote``): a Validation member votes;
- :func:`reach_validation_quorum` (``ReachValidationQuorum``): Validation reaches a quorum;
- :func:`cast_ratification_vote` (``CastRatificationVote``): a Ratification member votes
  the Validation result;
- :func:`attest` (``Attest``): Ratification reaches a quorum, giving the attestation;
- :func:`next_iteration` (``NextIteration``): a Fail attestation or a timeout moves on.

Message handlers (:func:`on_candidate`, :func:`on_validation_vote`,
:func:`on_ratification_vote`, :func:`on_quorum`, :func:`on_timeout`) check one rule per line
and raise :class:`~duskspec.errors.ConsensusError`; a caller that catches it keeps the state
it passed in, which is unchanged.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from duskspec.consensus.aggregation import CastVote, StepVotesCollector, add_vote
from duskspec.consensus.block import (
    BLOCK_HEADER_VERSION,
    Block,
    FailedIteration,
    Header,
)
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.execution import (
    EMPTY_EXECUTION,
    EMPTY_OUTCOME,
    Execution,
    check_outcome,
)
from duskspec.consensus.header_validation import INVALID_VOTE_CODES, Tip, check_header, payload_root
from duskspec.consensus.messages import (
    EMPTY_STEP_VOTES,
    NO_QUORUM_RESULT,
    QUORUM_OF_VOTE,
    Attestation,
    ConsensusHeader,
    QuorumMessage,
    QuorumType,
    RatificationVote,
    SignInfo,
    StepVotes,
    ValidationResult,
    ValidationVote,
    Vote,
    VoteKind,
)
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.sortition import Committee, StepName, committee_credits
from duskspec.consensus.verification import (
    CommitteeSource,
    SignatureVerifier,
    cached_generator,
    check_attestation,
    check_step_votes,
    check_vote_signature,
    vote_threshold,
)
from duskspec.crypto import bls
from duskspec.crypto.merkle import EMPTY_NODE
from duskspec.errors import ConsensusError, ProtocolError
from duskspec.types import BlsPublicKey, BlsSignature, Hash32

#: Block gas limit written into candidates (rusk ``DEFAULT_BLOCK_GAS_LIMIT``).
BLOCK_GAS_LIMIT = 3_000_000_000

Message = Block | ValidationVote | RatificationVote | QuorumMessage


@dataclass(frozen=True)
class NodeKeys:
    secret_key: int
    public_key: BlsPublicKey


@dataclass(frozen=True)
class RoundContext:
    """What every handler needs besides the state: constants, the provisioner set, this
    node's keys (``None`` for an observer) and the counted signature memo."""

    params: ConsensusParams
    provisioners: tuple[Provisioner, ...]
    keys: NodeKeys | None
    verifier: SignatureVerifier
    #: The state transition bound to the tip (§13); without a runtime the empty one.
    execution: Execution = EMPTY_EXECUTION


# --- outputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broadcast:
    message: Message


@dataclass(frozen=True)
class SetTimer:
    """Call :func:`on_timeout` with this timer at virtual time ``at``."""

    at: int
    round: int
    iteration: int
    step: StepName


@dataclass(frozen=True)
class Decided:
    """The round ended: ``block`` carries its Success attestation."""

    block: Block


Output = Broadcast | SetTimer | Decided


# --- state --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundState:
    """Everything a node knows about the current round. Dict fields are never mutated:
    every change builds a new dict."""

    tip: Tip
    iteration: int
    step: StepName
    step_started: int
    #: Current timeout of each step in ms (Proposal, Validation, Ratification).
    timeouts: tuple[int, int, int]
    #: Valid candidates received this round, by hash.
    candidates: dict[Hash32, Block] = field(default_factory=dict)
    #: Candidate of the current iteration, once received.
    candidate: Block | None = None
    #: Validation result of the current iteration, once known.
    validation_result: ValidationResult | None = None
    #: Votes per (iteration, step).
    collectors: dict[tuple[int, StepName], StepVotesCollector] = field(default_factory=dict)
    #: Validation results attached to verified Ratification votes, by (iteration, vote).
    attached: dict[tuple[int, Vote], ValidationResult] = field(default_factory=dict)
    #: Fail attestations of earlier iterations (only below the relax threshold).
    failed: dict[int, Attestation] = field(default_factory=dict)
    #: Messages for a later step or iteration of this round, replayed on reaching it.
    queued: tuple[Message, ...] = ()
    decided: Block | None = None
    #: A verified Success attestation for a candidate not yet received: the round decides
    #: as soon as that candidate arrives (Dusk fetches it with GetResource).
    awaiting: Attestation | None = None
    #: Open Consensus mode: the last iteration timed out; wait for a Success quorum.
    open_mode: bool = False
    #: (step, ms) of each step that ended on a message rather than a timeout (§1.9 history).
    durations: tuple[tuple[StepName, int], ...] = ()

    @property
    def round(self) -> int:
        return self.tip.height + 1

    def header(self, iteration: int | None = None) -> ConsensusHeader:
        return ConsensusHeader(
            self.tip.hash, self.round, self.iteration if iteration is None else iteration
        )


Result = tuple[RoundState, tuple[Output, ...]]


def source(state: RoundState, ctx: RoundContext) -> CommitteeSource:
    return CommitteeSource(ctx.provisioners, state.tip.seed, state.round, ctx.params)


def committee(state: RoundState, ctx: RoundContext, iteration: int, step: StepName) -> Committee:
    return source(state, ctx).committee(iteration, step)


def is_member(state: RoundState, ctx: RoundContext, iteration: int, step: StepName) -> bool:
    return ctx.keys is not None and committee(state, ctx, iteration, step).is_member(
        ctx.keys.public_key
    )


def base_timeouts(history_ms: tuple[int, ...], params: ConsensusParams) -> int:
    """§1.9: the mean of the last five recorded durations, rounded up to whole seconds and
    clamped to [min, max]; the maximum when there is no history."""
    if not history_ms:
        return params.max_step_timeout * 1000
    recent = history_ms[-5:]
    mean_s = -(-sum(recent) // (1000 * len(recent)))
    return min(max(mean_s, params.min_step_timeout), params.max_step_timeout) * 1000


# --- entering steps -----------------------------------------------------------------------


def start_round(ctx: RoundContext, tip: Tip, timeouts: tuple[int, int, int], now: int) -> Result:
    """A new round on ``tip``: iteration 0, Proposal."""
    state = RoundState(
        tip=tip, iteration=0, step=StepName.PROPOSAL, step_started=now, timeouts=timeouts
    )
    return enter_proposal(state, ctx, now)


def _timer(state: RoundState, now: int) -> SetTimer:
    return SetTimer(now + state.timeouts[state.step], state.round, state.iteration, state.step)


def slot_time(state: RoundState, ctx: RoundContext) -> int:
    """Earliest virtual time (ms) a candidate of this round may carry: the tip's timestamp
    plus the minimum block time."""
    return (state.tip.timestamp + ctx.params.minimum_block_time) * 1000


def step_completed(state: RoundState, now: int) -> RoundState:
    """Record how long the current step took: it ended on a message, not on its timer."""
    return dataclasses.replace(
        state, durations=(*state.durations, (state.step, now - state.step_started))
    )


def enter_proposal(state: RoundState, ctx: RoundContext, now: int) -> Result:
    state = dataclasses.replace(
        state, step=StepName.PROPOSAL, step_started=now, candidate=None, validation_result=None
    )
    wait = max(0, slot_time(state, ctx) - now)
    timer = SetTimer(
        now + wait + state.timeouts[StepName.PROPOSAL], state.round, state.iteration, state.step
    )
    if ctx.keys is not None and ctx.keys.public_key == iteration_generator(
        state, ctx, state.iteration
    ):
        if wait:
            # The generator waits for the slot; its Proposal timer fires first at the slot.
            return state, (SetTimer(now + wait, state.round, state.iteration, StepName.PROPOSAL),)
        return propose(state, ctx, now)
    return replay(state, ctx, (timer,), now)


def iteration_generator(state: RoundState, ctx: RoundContext, iteration: int) -> BlsPublicKey:
    return cached_generator(ctx.provisioners, state.tip.seed, state.round, iteration, ctx.params)


def build_candidate(
    state: RoundState, ctx: RoundContext, now: int, payload: tuple[bytes, ...] | None = None
) -> Block:
    """The block this node proposes for the current iteration (§1.6 Proposal). Rule 15.1:
    the payload and the state root and event bloom it yields come from the context's
    execution; a payload given here (tests of consensus alone) carries the empty outcome."""
    assert ctx.keys is not None
    outcome = EMPTY_OUTCOME
    failed = build_failed_iterations(state, ctx)
    if payload is None:
        payload, outcome = ctx.execution.propose(state.round, now, failed)
    keys = ctx.keys
    header = Header(
        version=BLOCK_HEADER_VERSION,
        height=state.round,
        timestamp=max(state.tip.timestamp + ctx.params.minimum_block_time, now // 1000),
        prev_block_hash=state.tip.hash,
        seed=bls.sign_multisig(keys.secret_key, keys.public_key, state.tip.seed),
        state_hash=outcome.state_root,
        event_bloom=outcome.event_bloom,
        generator=keys.public_key,
        txroot=payload_root(payload),
        faultroot=EMPTY_NODE,
        gas_limit=BLOCK_GAS_LIMIT,
        iteration=state.iteration,
        prev_block_cert=state.tip.attestation or GENESIS_CERT,
        failed_iterations=failed,
    )
    signature = bls.sign_multisig(keys.secret_key, keys.public_key, header.hash)
    return Block(header, signature, payload)


def build_failed_iterations(
    state: RoundState, ctx: RoundContext
) -> tuple[FailedIteration | None, ...]:
    """The ``failed_iterations`` of a block of the current iteration: the recorded Fail
    attestation of each earlier iteration below the relax threshold, with its generator."""
    return tuple(
        FailedIteration(state.failed[i], iteration_generator(state, ctx, i))
        if i in state.failed
        else None
        for i in range(min(state.iteration, ctx.params.relax_iteration_threshold))
    )


#: ``prev_block_cert`` of the block after genesis: Dusk's default (empty) attestation.
GENESIS_CERT = Attestation(False, Vote(VoteKind.NO_CANDIDATE), EMPTY_STEP_VOTES, EMPTY_STEP_VOTES)


def propose(state: RoundState, ctx: RoundContext, now: int) -> Result:
    """TLA+ ``Propose``: broadcast a candidate and go on to Validation with it."""
    candidate = build_candidate(state, ctx, now)
    state = dataclasses.replace(
        state, candidate=candidate, candidates={**state.candidates, candidate.hash: candidate}
    )
    state, outputs = enter_validation(state, ctx, now)
    return state, (Broadcast(candidate), *outputs)


def validation_vote_for(state: RoundState, ctx: RoundContext, now: int) -> Vote | None:
    """What this node votes in Validation, or ``None`` for no vote (§1.6 Validation)."""
    emergency = ctx.params.is_emergency_iteration(state.iteration)
    if state.candidate is None:
        return None if emergency else Vote(VoteKind.NO_CANDIDATE)
    try:
        check_header(
            state.candidate, state.tip, ctx.provisioners, ctx.verifier, ctx.params, now // 1000
        )
    except ConsensusError as exc:
        if exc.code in INVALID_VOTE_CODES and not emergency:
            return Vote(VoteKind.INVALID, state.candidate.hash)
        return None
    try:
        check_outcome(state.candidate, ctx.execution.execute(state.candidate))
    except ProtocolError:
        # Rule 15.2: an invalid transaction or a wrong state root or bloom.
        return None if emergency else Vote(VoteKind.INVALID, state.candidate.hash)
    return Vote(VoteKind.VALID, state.candidate.hash)


def enter_validation(state: RoundState, ctx: RoundContext, now: int) -> Result:
    state = dataclasses.replace(state, step=StepName.VALIDATION, step_started=now)
    outputs: tuple[Output, ...] = (_timer(state, now),)
    vote = validation_vote_for(state, ctx, now)
    iteration = state.iteration
    if vote is not None and is_member(state, ctx, iteration, StepName.VALIDATION):
        state, cast = cast_validation_vote(state, ctx, vote, now)
        outputs += cast
    if (state.iteration, state.step) != (iteration, StepName.VALIDATION):
        return state, outputs  # our own vote completed the step
    return replay(state, ctx, outputs, now)


def _sign_vote(ctx: RoundContext, message: bytes) -> SignInfo:
    assert ctx.keys is not None
    signature = bls.sign_multisig(ctx.keys.secret_key, ctx.keys.public_key, message)
    return SignInfo(ctx.keys.public_key, signature)


def cast_validation_vote(state: RoundState, ctx: RoundContext, vote: Vote, now: int) -> Result:
    """TLA+ ``CastValidationVote``: sign, broadcast and count our own vote."""
    header = state.header()
    unsigned = ValidationVote(
        header, vote, SignInfo(BlsPublicKey(bytes(96)), BlsSignature(bytes(48)))
    )
    message = dataclasses.replace(unsigned, sign_info=_sign_vote(ctx, unsigned.signed_message()))
    state, outputs = count_validation_vote(state, ctx, message, now)
    return state, (Broadcast(message), *outputs)


def enter_ratification(
    state: RoundState, ctx: RoundContext, result: ValidationResult, now: int
) -> Result:
    state = dataclasses.replace(
        state, step=StepName.RATIFICATION, step_started=now, validation_result=result
    )
    outputs: tuple[Output, ...] = (_timer(state, now),)
    emergency = ctx.params.is_emergency_iteration(state.iteration)
    votes = not emergency or result.quorum == QuorumType.VALID
    iteration = state.iteration
    if votes and is_member(state, ctx, iteration, StepName.RATIFICATION):
        state, cast = cast_ratification_vote(state, ctx, result, now)
        outputs += cast
    if (state.iteration, state.step) != (iteration, StepName.RATIFICATION) or state.decided:
        return state, outputs  # our own vote completed the step
    return replay(state, ctx, outputs, now)


def cast_ratification_vote(
    state: RoundState, ctx: RoundContext, result: ValidationResult, now: int
) -> Result:
    """TLA+ ``CastRatificationVote``: vote the Validation result, attaching it."""
    header = state.header()
    unsigned = RatificationVote(
        header,
        result.vote,
        now // 1000,
        result,
        SignInfo(BlsPublicKey(bytes(96)), BlsSignature(bytes(48))),
    )
    message = dataclasses.replace(unsigned, sign_info=_sign_vote(ctx, unsigned.signed_message()))
    if result.quorum != QuorumType.NO_QUORUM:
        state = dataclasses.replace(
            state, attached={**state.attached, (state.iteration, result.vote): result}
        )
    state, outputs = count_ratification_vote(state, ctx, message, now)
    return state, (Broadcast(message), *outputs)


# --- receiving ----------------------------------------------------------------------------


def _position(state: RoundState, iteration: int, step: StepName) -> str:
    """Where a message for (iteration, step) stands relative to where we are."""
    if (iteration, step) > (state.iteration, state.step):
        return "future"
    if (iteration, step) < (state.iteration, state.step):
        return "past"
    return "present"


def _check_round(state: RoundState, header: ConsensusHeader) -> None:
    if header.round != state.round:
        raise ConsensusError("consensus.wrong_round", f"{header.round} in round {state.round}")
    if header.prev_block_hash != state.tip.hash:
        raise ConsensusError("consensus.wrong_prev_hash", header.prev_block_hash.hex()[:16])


def check_iteration(ctx: RoundContext, iteration: int) -> None:
    """Rule 3.21: a message names an iteration of the round, ``< max_iterations``."""
    if iteration >= ctx.params.max_iterations:
        raise ConsensusError("consensus.iteration_out_of_range", str(iteration))


def queue_slot(message: Message) -> tuple[object, ...]:
    """Rule 3.22: the slot a future message takes in the queue; one message per slot."""
    if isinstance(message, Block):
        return ("candidate", message.header.iteration)
    if isinstance(message, ValidationVote):
        return ("validation", message.header.iteration, message.sign_info.signer)
    if isinstance(message, RatificationVote):
        return ("ratification", message.header.iteration, message.sign_info.signer)
    return ("quorum", message.header.iteration)


def _queue(state: RoundState, message: Message) -> Result:
    """Queue a checked future message (rule 3.22): a message whose slot is taken is dropped."""
    slot = queue_slot(message)
    if any(queue_slot(m) == slot for m in state.queued):
        raise ConsensusError("consensus.future_slot_taken", str(slot[:2]))
    return dataclasses.replace(state, queued=(*state.queued, message)), ()


def on_candidate(state: RoundState, ctx: RoundContext, block: Block, now: int) -> Result:
    """A Candidate (§1.6 ``verify_candidate_msg``): from the expected generator, correctly
    signed, with a matching payload root."""
    header = block.header
    if header.height != state.round:
        raise ConsensusError("consensus.wrong_round", f"candidate for {header.height}")
    if header.prev_block_hash != state.tip.hash:
        raise ConsensusError("consensus.wrong_prev_hash", header.prev_block_hash.hex()[:16])
    check_iteration(ctx, header.iteration)
    if header.generator != iteration_generator(state, ctx, header.iteration):
        raise ConsensusError("consensus.wrong_generator", f"iteration {header.iteration}")
    check_vote_signature(ctx.verifier, header.generator, block.hash, block.signature)
    if header.txroot != payload_root(block.payload):
        raise ConsensusError("consensus.txroot_mismatch")
    awaited = state.awaiting
    if awaited is None or awaited.vote.block_hash != block.hash:
        check_candidate_room(state, header.iteration, block.hash)
    state = dataclasses.replace(state, candidates={**state.candidates, block.hash: block})
    if awaited is not None and awaited.vote.block_hash == block.hash and state.decided is None:
        return decide(state, awaited.vote, awaited, ())
    position = _position(state, header.iteration, StepName.PROPOSAL)
    if position == "future":
        return _queue(state, block)
    if position == "past" or state.decided is not None:
        return state, ()
    state = dataclasses.replace(step_completed(state, now), candidate=block)
    return enter_validation(state, ctx, now)


#: Rule 3.22: distinct candidates kept per iteration (an honest generator sends one; two
#: let a node hold both sides of an equivocating generator).
CANDIDATES_PER_ITERATION = 2


def check_candidate_room(state: RoundState, iteration: int, block_hash: Hash32) -> None:
    held = [b for b in state.candidates.values() if b.header.iteration == iteration]
    if block_hash not in state.candidates and len(held) >= CANDIDATES_PER_ITERATION:
        raise ConsensusError("consensus.candidate_slot_taken", f"iteration {iteration}")


VoteMessage = ValidationVote | RatificationVote


def admit_vote(state: RoundState, ctx: RoundContext, message: VoteMessage, step: StepName) -> str:
    """§1.7 for a vote that passed its shape checks (rule 3.21, cheapest check first): its
    iteration is in the round; ``"ignore"`` it if its step is behind (unless its iteration
    is an emergency one); its signer is in the step's committee; its signature verifies
    (the only pairing); then ``"queue"`` it if its step is still ahead, else ``"count"`` it."""
    iteration = message.header.iteration
    check_iteration(ctx, iteration)
    position = _position(state, iteration, step)
    if position == "past" and not ctx.params.is_emergency_iteration(iteration):
        return "ignore"
    sign_info = message.sign_info
    if not committee(state, ctx, iteration, step).is_member(sign_info.signer):
        raise ConsensusError("consensus.not_in_committee", sign_info.signer.hex()[:16])
    check_vote_signature(
        ctx.verifier, sign_info.signer, message.signed_message(), sign_info.signature
    )
    return "queue" if position == "future" else "count"


def collect(
    state: RoundState, ctx: RoundContext, message: VoteMessage, step: StepName
) -> tuple[RoundState, StepVotes | None]:
    """Add a vote to its step's collector (rule 3.5); the StepVotes if it completed a quorum."""
    iteration = message.header.iteration
    key = (iteration, step)
    collector = state.collectors.get(key) or StepVotesCollector(
        committee(state, ctx, iteration, step), committee_credits(step, ctx.params)
    )
    cast = CastVote(message.sign_info.signer, message.vote, message.sign_info.signature)
    emergency = ctx.params.is_emergency_iteration(iteration)
    collector, quorum = add_vote(collector, cast, emergency=emergency)
    return with_collectors(state, {**state.collectors, key: collector}), quorum


def with_collectors(
    state: RoundState, collectors: dict[tuple[int, StepName], StepVotesCollector]
) -> RoundState:
    """``dataclasses.replace(state, collectors=collectors)`` on the hot path (every counted
    vote): a new state with the same field values but ``collectors``, without re-running
    the generated ``__init__`` (RoundState has no ``__post_init__``; results unchanged)."""
    fresh = object.__new__(RoundState)
    fresh.__dict__.update(state.__dict__)
    fresh.__dict__["collectors"] = collectors
    return fresh


def on_validation_vote(
    state: RoundState, ctx: RoundContext, message: ValidationVote, now: int
) -> Result:
    _check_round(state, message.header)
    iteration = message.header.iteration
    if message.vote.kind == VoteKind.NO_QUORUM:
        raise ConsensusError("consensus.no_quorum_vote_in_validation")
    if ctx.params.is_emergency_iteration(iteration) and message.vote.kind != VoteKind.VALID:
        raise ConsensusError("consensus.emergency_vote_not_valid", message.vote.kind.name)
    admission = admit_vote(state, ctx, message, StepName.VALIDATION)
    if admission == "queue":
        return _queue(state, message)
    if admission == "ignore":
        return state, ()
    return count_validation_vote(state, ctx, message, now)


def count_validation_vote(
    state: RoundState, ctx: RoundContext, message: ValidationVote, now: int
) -> Result:
    iteration = message.header.iteration
    state, quorum = collect(state, ctx, message, StepName.VALIDATION)
    current = (iteration, StepName.VALIDATION) == (state.iteration, state.step)
    if quorum is None or not current:
        return state, ()
    return reach_validation_quorum(state, ctx, message.vote, quorum, now)


def reach_validation_quorum(
    state: RoundState, ctx: RoundContext, vote: Vote, votes: StepVotes, now: int
) -> Result:
    """TLA+ ``ReachValidationQuorum``: the Validation result; on to Ratification."""
    result = ValidationResult(QUORUM_OF_VOTE[vote.kind], vote, votes)
    state = step_completed(state, now)
    return enter_ratification(state, ctx, result, now)


def on_ratification_vote(
    state: RoundState, ctx: RoundContext, message: RatificationVote, now: int
) -> Result:
    _check_round(state, message.header)
    iteration = message.header.iteration
    result = message.validation_result
    if message.vote != result.vote:
        raise ConsensusError("consensus.vote_result_mismatch")
    if QUORUM_OF_VOTE[result.vote.kind] != result.quorum:
        raise ConsensusError("consensus.result_quorum_mismatch", result.quorum.name)
    if message.vote.kind == VoteKind.NO_QUORUM and not result.step_votes.is_empty:
        raise ConsensusError("consensus.no_quorum_with_votes")
    admission = admit_vote(state, ctx, message, StepName.RATIFICATION)
    if admission == "queue":
        return _queue(state, message)
    if admission == "ignore":
        return state, ()
    state = remember_attached(state, ctx, iteration, result)
    return count_ratification_vote(state, ctx, message, now)


def remember_attached(
    state: RoundState, ctx: RoundContext, iteration: int, result: ValidationResult
) -> RoundState:
    """Keep a verified Validation quorum attached to a Ratification vote: an attestation for
    that vote needs its Validation StepVotes even if our own Validation step timed out."""
    if (iteration, result.vote) in state.attached or result.quorum == QuorumType.NO_QUORUM:
        return state
    threshold = vote_threshold(result.vote, committee_credits(StepName.VALIDATION, ctx.params))
    check_step_votes(
        ctx.verifier,
        committee(state, ctx, iteration, StepName.VALIDATION),
        result.step_votes,
        _validation_signed(state, iteration, result.vote),
        threshold,
    )
    return dataclasses.replace(state, attached={**state.attached, (iteration, result.vote): result})


def _validation_signed(state: RoundState, iteration: int, vote: Vote) -> bytes:
    return ValidationVote(
        state.header(iteration), vote, SignInfo(BlsPublicKey(bytes(96)), BlsSignature(bytes(48)))
    ).signed_message()


def count_ratification_vote(
    state: RoundState, ctx: RoundContext, message: RatificationVote, now: int
) -> Result:
    iteration = message.header.iteration
    state, quorum = collect(state, ctx, message, StepName.RATIFICATION)
    if quorum is None or state.decided is not None:
        return state, ()
    return attest(state, ctx, iteration, message.vote, quorum, now)


def attest(
    state: RoundState,
    ctx: RoundContext,
    iteration: int,
    vote: Vote,
    ratification: StepVotes,
    now: int,
) -> Result:
    """TLA+ ``Attest``: Ratification reached a quorum for ``vote`` in ``iteration``."""
    validation = EMPTY_STEP_VOTES
    if vote.kind != VoteKind.NO_QUORUM:
        validation = state.attached[(iteration, vote)].step_votes
    success = vote.kind == VoteKind.VALID
    attestation = Attestation(success, vote, validation, ratification)
    quorum = Broadcast(QuorumMessage(state.header(iteration), attestation))
    if success:
        if (iteration, StepName.RATIFICATION) == (state.iteration, state.step):
            state = step_completed(state, now)
        return decide(state, vote, attestation, (quorum,))
    return fail_iteration(state, ctx, iteration, attestation, (quorum,), now)


def decide(
    state: RoundState, vote: Vote, attestation: Attestation, outputs: tuple[Output, ...]
) -> Result:
    """End the round with the candidate ``vote`` names, or wait for it if it is missing."""
    assert vote.block_hash is not None
    candidate = state.candidates.get(vote.block_hash)
    if candidate is None:
        return dataclasses.replace(state, awaiting=attestation), outputs
    block = dataclasses.replace(candidate, attestation=attestation)
    state = dataclasses.replace(state, decided=block, awaiting=None)
    return state, (*outputs, Decided(block))


def fail_iteration(
    state: RoundState,
    ctx: RoundContext,
    iteration: int,
    attestation: Attestation,
    outputs: tuple[Output, ...],
    now: int,
) -> Result:
    """Record a Fail attestation (below the relax threshold) and, if it is the current
    iteration's, move on."""
    if iteration < ctx.params.relax_iteration_threshold:
        state = dataclasses.replace(state, failed={**state.failed, iteration: attestation})
    if iteration != state.iteration:
        return state, outputs
    state, more = next_iteration(state, ctx, now)
    return state, (*outputs, *more)


def on_quorum(state: RoundState, ctx: RoundContext, message: QuorumMessage, now: int) -> Result:
    """A Quorum message: verify the attestation against the rebuilt committees; a Success
    decides the round (or waits for its candidate), a Fail for the current iteration ends it."""
    _check_round(state, message.header)
    check_iteration(ctx, message.header.iteration)
    if state.decided is not None:
        return state, ()
    attestation = message.attestation
    check_attestation(ctx.verifier, source(state, ctx), message.header, attestation)
    if attestation.success:
        return decide(state, attestation.vote, attestation, ())
    return fail_iteration(state, ctx, message.header.iteration, attestation, (), now)


def on_timeout(state: RoundState, ctx: RoundContext, timer: SetTimer, now: int) -> Result:
    """A step timer fired. Stale timers (another round, iteration or step) do nothing. A
    timeout raises that step's timeout by ``timeout_increase`` (capped) for the round."""
    if (timer.round, timer.iteration, timer.step) != (state.round, state.iteration, state.step):
        return state, ()
    if state.decided is not None or state.open_mode:
        return state, ()
    if timer.step == StepName.PROPOSAL and state.candidate is None and _is_generator(state, ctx):
        return propose(state, ctx, now)  # the slot has come
    state = dataclasses.replace(state, timeouts=_increased(state.timeouts, timer.step, ctx.params))
    if timer.step == StepName.PROPOSAL:
        return enter_validation(state, ctx, now)
    if timer.step == StepName.VALIDATION:
        return enter_ratification(state, ctx, NO_QUORUM_RESULT, now)
    return next_iteration(state, ctx, now)


def _is_generator(state: RoundState, ctx: RoundContext) -> bool:
    return ctx.keys is not None and ctx.keys.public_key == iteration_generator(
        state, ctx, state.iteration
    )


def _increased(
    timeouts: tuple[int, int, int], step: StepName, params: ConsensusParams
) -> tuple[int, int, int]:
    raised = min(timeouts[step] + params.timeout_increase * 1000, params.max_step_timeout * 1000)
    values = list(timeouts)
    values[step] = raised
    return (values[0], values[1], values[2])


def next_iteration(state: RoundState, ctx: RoundContext, now: int) -> Result:
    """Move to the next iteration. After the last iteration the node enters Open Consensus mode
    and waits for a Success quorum (§1.9)."""
    if state.iteration + 1 >= ctx.params.max_iterations:
        return dataclasses.replace(state, open_mode=True), ()
    state = dataclasses.replace(
        state, iteration=state.iteration + 1, candidate=None, validation_result=None
    )
    return enter_proposal(state, ctx, now)


def replay(state: RoundState, ctx: RoundContext, outputs: tuple[Output, ...], now: int) -> Result:
    """Re-deliver queued messages that are no longer in the future (§1.7 future messages).
    Rule 3.23: any :class:`ProtocolError` a replayed message raises drops that message only;
    the step change that triggered the replay, and its timer, stand."""
    due = tuple(m for m in state.queued if _message_position(state, m) != "future")
    if not due:
        return state, outputs
    state = dataclasses.replace(state, queued=tuple(m for m in state.queued if m not in due))
    for message in due:
        try:
            state, more = receive(state, ctx, message, now)
        except ProtocolError:
            continue  # a queued message that turns out invalid is dropped, as on arrival
        outputs += more
    return state, outputs


def _message_position(state: RoundState, message: Message) -> str:
    if isinstance(message, Block):
        return _position(state, message.header.iteration, StepName.PROPOSAL)
    step = StepName.VALIDATION if isinstance(message, ValidationVote) else StepName.RATIFICATION
    return _position(state, message.header.iteration, step)


def receive(state: RoundState, ctx: RoundContext, message: Message, now: int) -> Result:
    """Dispatch one consensus message of this round to its handler."""
    if isinstance(message, Block):
        return on_candidate(state, ctx, message, now)
    if isinstance(message, ValidationVote):
        return on_validation_vote(state, ctx, message, now)
    if isinstance(message, RatificationVote):
        return on_ratification_vote(state, ctx, message, now)
    return on_quorum(state, ctx, message, now)

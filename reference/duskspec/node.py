"""A provisioner node: the consensus round machine running over a network overlay
(docs/architecture.md §1 ``node``; spec/consensus.md §10).

:func:`provisioner_machine` returns the app-layer handler the network simulator calls with
``(node, event)``. It decodes consensus messages from the overlay's byte frames, feeds them to
:mod:`duskspec.consensus.round`, turns the round's outputs into broadcasts and timers, and on
a decision moves the tip, updates the rolling-finality labels and starts the next round.

Byzantine behaviours are filters on an honest machine's outputs, so the protocol code has no
``if byzantine`` in it (:func:`misbehave`): ``equivocate`` sends a second, conflicting signed
vote beside every vote; ``withhold`` sends no votes; ``invalid`` proposes candidates whose seed
is signed over the wrong message (honest validators vote ``Invalid``); ``silent`` never sends
its candidates; ``forge`` announces accepted blocks with a forged block signature or
another generator; ``late`` withholds its votes and releases them ``min_step_timeout``
seconds later; ``split`` runs an honest machine and, in :mod:`duskspec.simulation`, a twin
with the same key on the other side of a partition.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from duskspec import chain as ledger
from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.emergency import build_emergency_block, earliest_emergency_time
from duskspec.consensus.execution import EMPTY_OUTCOME
from duskspec.consensus.finality import (
    ForkAction,
    ForkView,
    LabeledBlock,
    LabelKind,
    choose_fork,
    previous_non_attested_iterations,
    rolling_finality,
)
from duskspec.consensus.header_validation import Tip, check_header
from duskspec.consensus.messages import (
    NO_QUORUM_RESULT,
    RatificationVote,
    ValidationVote,
    Vote,
    VoteKind,
)
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.sortition import StepName
from duskspec.consensus.verification import SignatureVerifier
from duskspec.consensus.wire import AcceptedBlock, WireMessage, decode_shared, encode_message
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError, ProtocolError
from duskspec.network import sim
from duskspec.network.kadcast.wire import ray_id
from duskspec.types import BlsPublicKey, Hash32

#: Durations kept per step for the adaptive timeout (``AVG_VALUES_NUM``).
HISTORY_LENGTH = 5

SimOutputs = tuple[Any, ...]


class Behaviour(Enum):
    HONEST = "honest"
    EQUIVOCATE = "equivocate"
    WITHHOLD = "withhold"
    INVALID = "invalid"
    SILENT = "silent"
    FORGE = "forge"
    SPLIT = "split"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class Accepted:
    """A block this node accepted: when its round started here and when it was decided (ms)."""

    height: int
    hash: Hash32
    iteration: int
    round_started: int
    decided_at: int
    #: The block's generator and the block signature this node holds.
    generator: bytes = b""
    signature: bytes = b""


@dataclass(frozen=True)
class ProvisionerNode:
    keys: rnd.NodeKeys | None
    behaviour: Behaviour
    tip: Tip
    round: rnd.RoundState | None = None
    round_started: int = 0
    #: Non-final blocks, oldest first, with their finality labels.
    labels: tuple[LabeledBlock, ...] = ()
    accepted: tuple[Accepted, ...] = ()
    #: (height, virtual ms) at which each block became Final here.
    finalized: tuple[tuple[int, int], ...] = ()
    #: Durations (ms) of steps that ended on a message: Proposal, Validation, Ratification.
    history: tuple[tuple[int, ...], ...] = ((), (), ())
    #: Messages of future rounds (at most ``max_round_distance`` ahead), replayed later.
    pending: tuple[WireMessage, ...] = ()
    #: The tip's parent, kept for fork choice (a competing block at the tip's height).
    parent_tip: Tip | None = None
    #: Blocks this node reverted by falling back to a lower-iteration block (§1.13).
    reverted: tuple[Accepted, ...] = ()
    #: The emergency key pair, on the node that holds it (rule 13.6).
    emergency_keys: rnd.NodeKeys | None = None
    #: The runtime state, mempool and transaction log (spec/node.md); ``None``: consensus
    #: alone, with empty candidates and the empty state root.
    chain: ledger.Chain | None = None


@dataclass(frozen=True)
class NodeContext:
    params: ConsensusParams
    provisioners: tuple[Provisioner, ...]
    verifier: SignatureVerifier


def provisioners_at(node: ProvisionerNode, ctx: NodeContext, tip: Tip) -> tuple[Provisioner, ...]:
    """The provisioner set of the round after ``tip``: with a ledger, derived from the state
    after ``tip`` (spec/node.md rule 10.2); without one, the genesis set."""
    if node.chain is None:
        return ctx.provisioners
    return ledger.provisioners_at(node.chain, tip.hash, ctx.provisioners)


def round_context(node: ProvisionerNode, ctx: NodeContext) -> rnd.RoundContext:
    if node.chain is None:
        return rnd.RoundContext(ctx.params, ctx.provisioners, node.keys, ctx.verifier)
    generator = bytes(node.keys.public_key) if node.keys is not None else b""
    execution = ledger.execution(node.chain, node.tip, ctx.params, generator)
    members = provisioners_at(node, ctx, node.tip)
    return rnd.RoundContext(ctx.params, members, node.keys, ctx.verifier, execution)


# --- the machine --------------------------------------------------------------------------


def provisioner_machine(
    ctx: NodeContext,
) -> Callable[[ProvisionerNode, Any], tuple[ProvisionerNode, SimOutputs]]:
    """The simulator's app-layer handler for provisioner nodes sharing ``ctx``."""

    def handle(node: ProvisionerNode, event: Any) -> tuple[ProvisionerNode, SimOutputs]:
        kind = type(event)
        now = event.now // 1000  # the simulator counts microseconds, consensus milliseconds
        if kind is sim.Delivered:
            return on_frame(node, ctx, event.payload, now)
        if kind is sim.Timer and isinstance(event.tag, Release):
            return node, (broadcast(event.tag.message),)
        if kind is sim.Timer and isinstance(event.tag, EmergencyDue):
            return on_emergency_due(node, ctx, event.tag, now)
        if kind is sim.Timer:
            return on_timer(node, ctx, event.tag, now)
        if kind is sim.Start:
            return begin_round(node, ctx, now) if node.round is None else (node, ())
        raise ConsensusError("consensus.unknown_event", kind.__name__)

    return handle


def begin_round(
    node: ProvisionerNode, ctx: NodeContext, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """Start the round after ``node.tip`` and replay what arrived early for it."""
    timeouts = tuple(rnd.base_timeouts(h, ctx.params) for h in node.history)
    state, outputs = rnd.start_round(
        round_context(node, ctx), node.tip, (timeouts[0], timeouts[1], timeouts[2]), now
    )
    due = tuple(m for m in node.pending if message_round(m) == state.round)
    later = tuple(m for m in node.pending if message_round(m) > state.round)
    node = dataclasses.replace(node, round=state, round_started=now, pending=later)
    node, sim_outputs = emit(node, ctx, outputs, now)
    if node.emergency_keys is not None:
        due_us = earliest_emergency_time(node.tip, ctx.params) * 1_000_000
        sim_outputs += (sim.SetTimer(due_us, EmergencyDue(state.round)),)
    for message in due:
        try:
            node, more = on_message(node, ctx, message, now)
        except ProtocolError:
            continue  # an early message that turns out invalid is dropped, as on arrival
        sim_outputs += more
    return node, sim_outputs


def message_round(message: WireMessage) -> int:
    if isinstance(message, AcceptedBlock):
        return message.block.header.height
    if isinstance(message, Block):
        return message.header.height
    return message.header.round


def on_frame(
    node: ProvisionerNode, ctx: NodeContext, frame: bytes, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    if node.chain is not None and ledger.is_tx_frame(frame):
        chain = ledger.on_transaction(node.chain, node.tip, frame, now)
        return dataclasses.replace(node, chain=chain), ()
    return on_message(node, ctx, decode_shared(frame, ctx.params), now)


def on_message(
    node: ProvisionerNode, ctx: NodeContext, message: WireMessage, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """§1.7: messages of the current round go to the round machine; messages of a later round
    within ``max_round_distance`` wait; older or farther ones are dropped."""
    assert node.round is not None
    current = node.round.round
    target = message_round(message)
    if isinstance(message, AcceptedBlock) and target == node.tip.height:
        return on_competing_block(node, ctx, message.block, now)
    if target > current + ctx.params.max_round_distance or target < current:
        return node, ()
    if target > current:
        return hold_for_later(node, ctx, message), ()
    if isinstance(message, AcceptedBlock):
        return on_accepted_block(node, ctx, message.block, now)
    state, outputs = rnd.receive(node.round, round_context(node, ctx), message, now)
    return emit(with_round(node, state), ctx, outputs, now)


def with_round(node: ProvisionerNode, state: rnd.RoundState) -> ProvisionerNode:
    """``dataclasses.replace(node, round=state)`` without its per-call field scan (the hot
    path of every delivered message): a new node with every field copied but ``round``."""
    updated = object.__new__(ProvisionerNode)
    updated.__dict__.update(node.__dict__)
    updated.__dict__["round"] = state
    return updated


def pending_slot(message: WireMessage) -> tuple[object, ...]:
    """Rule 3.24: the slot a later-round message takes in ``pending``: (round, topic,
    iteration, claimed author); one message per slot."""
    if isinstance(message, AcceptedBlock):
        return (message_round(message), "block")
    if isinstance(message, Block):
        header = message.header
        return (header.height, "candidate", header.iteration, header.generator)
    if isinstance(message, ValidationVote | RatificationVote):
        topic = "validation" if isinstance(message, ValidationVote) else "ratification"
        return (message.header.round, topic, message.header.iteration, message.sign_info.signer)
    return (message.header.round, "quorum", message.header.iteration)


def message_author(message: WireMessage) -> BlsPublicKey | None:
    if isinstance(message, AcceptedBlock):
        return message.block.header.generator
    if isinstance(message, Block):
        return message.header.generator
    if isinstance(message, ValidationVote | RatificationVote):
        return message.sign_info.signer
    return None


def message_iteration(message: WireMessage) -> int:
    if isinstance(message, AcceptedBlock):
        return message.block.header.iteration
    if isinstance(message, Block):
        return message.header.iteration
    return message.header.iteration


def hold_for_later(
    node: ProvisionerNode, ctx: NodeContext, message: WireMessage
) -> ProvisionerNode:
    """Rule 3.24: a message of a later round is kept only if its iteration is in range, its
    author is a provisioner and its slot is free; nothing here costs a pairing."""
    if message_iteration(message) >= ctx.params.max_iterations:
        raise ConsensusError("consensus.iteration_out_of_range", str(message_iteration(message)))
    author = message_author(message)
    members = provisioners_at(node, ctx, node.tip)
    if author is not None and author not in provisioner_keys(members):
        raise ConsensusError("consensus.unknown_signer", author.hex()[:16])
    slot = pending_slot(message)
    if any(pending_slot(m) == slot for m in node.pending):
        raise ConsensusError("consensus.pending_slot_taken", str(slot[:3]))
    return dataclasses.replace(node, pending=(*node.pending, message))


@functools.lru_cache(maxsize=8)
def provisioner_keys(provisioners: tuple[Provisioner, ...]) -> frozenset[BlsPublicKey]:
    return frozenset(p.public_key for p in provisioners)


def on_timer(
    node: ProvisionerNode, ctx: NodeContext, timer: rnd.SetTimer, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    if node.round is None or timer.round != node.round.round:
        return node, ()
    state, outputs = rnd.on_timeout(node.round, round_context(node, ctx), timer, now)
    return emit(with_round(node, state), ctx, outputs, now)


def on_accepted_block(
    node: ProvisionerNode, ctx: NodeContext, block: Block, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """A block another node accepted for our current round: check its header and its Success
    attestation against our tip, then accept it as if we had decided it ourselves."""
    assert node.round is not None
    if node.round.decided is not None:
        return node, ()
    check_announced_block(block, node.tip, ctx, now, provisioners_at(node, ctx, node.tip))
    node = dataclasses.replace(node, round=dataclasses.replace(node.round, decided=block))
    return accept(node, ctx, block, now)


@dataclass(frozen=True)
class EmergencyDue:
    """A timer tag of the emergency key holder: the round's emergency block may be issued."""

    round: int


def on_emergency_due(
    node: ProvisionerNode, ctx: NodeContext, due: EmergencyDue, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """Rule 13.6: if the round is still undecided when an emergency block becomes valid, the
    key holder builds one, with the Fail attestations its round recorded, accepts it and
    announces it."""
    assert node.round is not None and node.emergency_keys is not None
    if node.round.round != due.round or node.round.decided is not None:
        return node, ()
    failed = rnd.build_failed_iterations(node.round, round_context(node, ctx))
    outcome = EMPTY_OUTCOME
    if node.chain is not None:
        outcome = ledger.emergency_outcome(node.chain, node.tip, ctx.params, failed)
    block = build_emergency_block(
        node.tip, node.emergency_keys, now // 1000, ctx.params, failed, outcome=outcome
    )
    node = dataclasses.replace(node, round=dataclasses.replace(node.round, decided=block))
    return accept(node, ctx, block, now)


def on_competing_block(
    node: ProvisionerNode, ctx: NodeContext, block: Block, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """§1.13, fork choice: a block at our tip's height on the same parent, from a lower
    iteration, wins. We check it against the parent, revert our tip and accept it
    (``duskspec.consensus.finality.choose_fork``); any other case changes nothing."""
    if block.hash == node.tip.hash:
        return node, ()  # our own tip announced again: choose_fork ignores a known block
    final_heights = [h for h, _ in node.finalized]
    parent = node.parent_tip
    view = ForkView(
        tip_height=node.tip.height,
        last_final_height=max(final_heights, default=0),
        remote_height=block.header.height,
        remote_iteration=block.header.iteration,
        remote_known=block.hash == node.tip.hash,
        parent_known=parent is not None and block.header.prev_block_hash == parent.hash,
        local_iteration=node.tip.iteration,
    )
    if choose_fork(view) != ForkAction.FALLBACK:
        return node, ()
    assert parent is not None and node.round is not None
    check_announced_block(block, parent, ctx, now, provisioners_at(node, ctx, parent))
    local = node.accepted[-1]
    chain = node.chain and ledger.on_reverted(node.chain, local.hash, parent, now)
    reverted = dataclasses.replace(
        node,
        chain=chain,
        tip=parent,
        parent_tip=None,
        labels=tuple(b for b in node.labels if b.height < block.header.height),
        accepted=node.accepted[:-1],
        reverted=(*node.reverted, local),
        round=dataclasses.replace(node.round, decided=block),
    )
    return accept(reverted, ctx, block, now)


def check_announced_block(
    block: Block,
    tip: Tip,
    ctx: NodeContext,
    now: int,
    members: tuple[Provisioner, ...] | None = None,
) -> None:
    """A block announced by another node: a valid header on ``tip`` with a Success
    attestation of exactly this block, checked in Dusk's order (rule 3.16); an emergency
    block needs no attestation (rule 13.4). ``members``: the round's provisioner set (default
    the genesis set)."""
    members = ctx.provisioners if members is None else members
    check_header(block, tip, members, ctx.verifier, ctx.params, now // 1000, attested=True)


def emit(
    node: ProvisionerNode, ctx: NodeContext, outputs: tuple[rnd.Output, ...], now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """Turn round outputs into simulator outputs; a decision accepts the block."""
    sim_outputs: SimOutputs = ()
    for output in outputs:
        if isinstance(output, rnd.Broadcast) and held_back(node, output.message):
            release = (now + ctx.params.min_step_timeout * 1000) * 1000
            sim_outputs += (sim.SetTimer(release, Release(output.message)),)
        elif isinstance(output, rnd.Broadcast):
            sim_outputs += tuple(broadcast(m) for m in misbehave(node, output.message))
        elif isinstance(output, rnd.SetTimer):
            sim_outputs += (sim.SetTimer(output.at * 1000, output),)
        else:
            node, more = accept(node, ctx, output.block, now)
            sim_outputs += more
    return node, sim_outputs


@dataclass(frozen=True)
class Release:
    """A timer tag of behaviour ``late``: broadcast this withheld vote now."""

    message: WireMessage


def held_back(node: ProvisionerNode, message: WireMessage) -> bool:
    """``late`` withholds its votes for ``min_step_timeout`` seconds, then releases them."""
    return node.behaviour == Behaviour.LATE and isinstance(
        message, ValidationVote | RatificationVote
    )


def broadcast(message: WireMessage) -> sim.Broadcast:
    frame = encode_message(message)
    return sim.Broadcast(frame, len(frame), ray_id(frame))


def accept(
    node: ProvisionerNode, ctx: NodeContext, block: Block, now: int
) -> tuple[ProvisionerNode, SimOutputs]:
    """Move the tip to ``block``, relabel the non-final blocks (§1.12), announce the block and
    start the next round."""
    assert node.round is not None
    header = block.header
    failed = sum(entry is not None for entry in header.failed_iterations)
    pni = previous_non_attested_iterations(header.iteration, failed, ctx.params)
    update = rolling_finality(node.labels, header.height, pni)
    labels = tuple(
        b
        for b in (*update.chain, LabeledBlock(header.height, update.label))
        if b.label.kind != LabelKind.FINAL
    )
    tip = Tip(
        block.hash,
        header.height,
        header.timestamp,
        header.seed,
        header.iteration,
        node.tip.hash,
        node.tip.seed,
        block.attestation,
        provisioners_at(node, ctx, node.tip),
    )
    record = Accepted(
        header.height,
        block.hash,
        header.iteration,
        node.round_started,
        now,
        header.generator,
        block.signature,
    )
    chain = node.chain
    if chain is not None:
        hashes = {r.height: r.hash for r in (*node.accepted, record)}
        finalized = tuple((h, hashes[h]) for h in update.finalized)
        chain = ledger.on_accepted(chain, block, node.tip, finalized, ctx.params, now)
    node = dataclasses.replace(
        node,
        chain=chain,
        tip=tip,
        parent_tip=node.tip,
        labels=labels,
        accepted=(*node.accepted, record),
        finalized=(*node.finalized, *((h, now) for h in update.finalized)),
        history=updated_history(node.history, node.round.durations),
    )
    node, outputs = begin_round(node, ctx, now)
    announce = tuple(broadcast(m) for m in misbehave(node, AcceptedBlock(block)))
    return node, (*announce, *outputs)


def updated_history(
    history: tuple[tuple[int, ...], ...], durations: tuple[tuple[StepName, int], ...]
) -> tuple[tuple[int, ...], ...]:
    per_step = [list(h) for h in history]
    for step, duration in durations:
        per_step[step].append(duration)
    return tuple(tuple(h[-HISTORY_LENGTH:]) for h in per_step)


# --- Byzantine behaviours -----------------------------------------------------------------


def misbehave(node: ProvisionerNode, message: WireMessage) -> tuple[WireMessage, ...]:
    """What a node with ``node.behaviour`` actually sends in place of ``message``."""
    behaviour = node.behaviour
    is_vote = isinstance(message, ValidationVote | RatificationVote)
    if behaviour == Behaviour.WITHHOLD and is_vote:
        return ()
    if behaviour == Behaviour.EQUIVOCATE and isinstance(message, ValidationVote | RatificationVote):
        return (message, *conflicting_vote(node, message))
    if behaviour == Behaviour.SILENT and isinstance(message, Block):
        return ()
    if behaviour == Behaviour.INVALID and isinstance(message, Block):
        return (invalid_candidate(node, message),)
    if behaviour == Behaviour.FORGE and isinstance(message, AcceptedBlock):
        return forged_blocks(node, message.block)
    return (message,)


def forged_blocks(node: ProvisionerNode, block: Block) -> tuple[WireMessage, ...]:
    """``forge`` relays, in place of the block it accepted, the same block with the block
    signature made by its own key (``consensus.invalid_block_signature``) and the block
    re-issued under its own key as generator, re-signed, with the real attestation
    (``consensus.invalid_generator`` unless it is the expected generator)."""
    assert node.keys is not None
    keys = node.keys
    forged_signature = bls.sign_multisig(keys.secret_key, keys.public_key, block.hash)
    resigned = dataclasses.replace(block, signature=forged_signature)
    header = dataclasses.replace(block.header, generator=keys.public_key)
    usurped = dataclasses.replace(
        block,
        header=header,
        signature=bls.sign_multisig(keys.secret_key, keys.public_key, header.hash),
    )
    return (AcceptedBlock(resigned), AcceptedBlock(usurped))


def invalid_candidate(node: ProvisionerNode, block: Block) -> Block:
    """The same candidate with its seed signed over the wrong message, re-signed: it passes
    the Candidate checks but fails header validation (``consensus.invalid_seed``)."""
    assert node.keys is not None
    keys = node.keys
    seed = bls.sign_multisig(keys.secret_key, keys.public_key, b"not the previous seed")
    header = dataclasses.replace(block.header, seed=seed)
    return Block(
        header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash), block.payload
    )


def conflicting_vote(
    node: ProvisionerNode, message: ValidationVote | RatificationVote
) -> tuple[WireMessage, ...]:
    """A second vote for the same step with a different value, validly signed: a NoCandidate
    double vote beside a Valid or Invalid one (it counts toward the NoCandidate quorum, the
    equivocation bound's case), an Invalid vote for no candidate beside a NoCandidate one,
    and a NoQuorum double vote beside any Ratification vote but NoQuorum."""
    assert node.keys is not None
    keys = node.keys
    if isinstance(message, ValidationVote):
        other = Vote(VoteKind.INVALID, sha3_256(b"equivocation" + message.header.encode()))
        if message.vote.kind in (VoteKind.VALID, VoteKind.INVALID):
            other = Vote(VoteKind.NO_CANDIDATE)
        forged = dataclasses.replace(message, vote=other)
        signature = bls.sign_multisig(keys.secret_key, keys.public_key, forged.signed_message())
        return (
            dataclasses.replace(
                forged, sign_info=dataclasses.replace(forged.sign_info, signature=signature)
            ),
        )
    if message.vote.kind == VoteKind.NO_QUORUM:
        return ()
    forged_r = dataclasses.replace(
        message, vote=Vote(VoteKind.NO_QUORUM), validation_result=NO_QUORUM_RESULT
    )
    signature = bls.sign_multisig(keys.secret_key, keys.public_key, forged_r.signed_message())
    return (
        dataclasses.replace(
            forged_r, sign_info=dataclasses.replace(forged_r.sign_info, signature=signature)
        ),
    )

"""The abstraction function from Python round machines to ``SuccinctAttestation``'s variables,
and the network both trace-validation directions drive (spec/consensus.md §14).

:class:`TraceNet` holds the round machines (:mod:`duskspec.consensus.round`) of a set of
provisioners on one tip. Nothing moves by itself: :meth:`TraceNet.deliver` hands one message
to one node, :meth:`TraceNet.fire` fires the timer of a node's current step. Virtual time
stays at the tip's timestamp, before the generator's slot, so a generator proposes only when
its Proposal timer is fired (rule 14.3).

:func:`abstract_state` is the one abstraction function (rules 14.1-14.2): from the machines
and every message they broadcast to the model's ``proposed``, ``vvotes``, ``rvotes``,
``attestations``, ``iter``, ``step`` and ``decided``. :func:`events_of` names the model
actions one handler call took, from the outputs it returned (rule 14.4). Both directions
(``duskspec trace-check`` and the replay of TLC behaviours) use exactly these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.header_validation import Tip
from duskspec.consensus.lockstep import make_provisioners
from duskspec.consensus.messages import (
    QuorumMessage,
    RatificationVote,
    ValidationVote,
    Vote,
    VoteKind,
)
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import StepName
from duskspec.consensus.verification import SignatureVerifier
from duskspec.errors import ProtocolError
from duskspec.types import BlsPublicKey, Hash32

#: The model's names of the steps, votes and the empty decision.
STEP_NAMES = {
    StepName.PROPOSAL: "Proposal",
    StepName.VALIDATION: "Validation",
    StepName.RATIFICATION: "Ratification",
}
NO_VOTE = "none"
NO_CANDIDATE = "NoCandidate"
NO_QUORUM = "NoQuorum"
#: Sender name of a message an observer (a machine with no keys) broadcast.
OBSERVER = "observer"

#: One model action: its name and parameters (``n`` node, ``i`` iteration, ``v`` vote,
#: ``c`` candidate), e.g. ``{"action": "CastValidationVote", "n": "p1", "v": "C0"}``.
Event = dict[str, Any]


def model_iterations(params: ConsensusParams) -> int:
    """``MaxIter``: iterations below the emergency threshold (rule 14.1: emergency
    iterations, where Python votes differently, are outside the abstraction)."""
    return min(params.max_iterations, params.emergency_iteration_threshold)


@dataclass
class TraceNet:
    """Round machines of honest ``keys`` (named ``p0``, ``p1``, ...) on ``tip`` (genesis by
    default), plus ``silent`` provisioners that stake but never act (named ``s0``, ...: the
    model's Byzantine members that withhold their votes)."""

    keys: list[rnd.NodeKeys]
    params: ConsensusParams
    silent: tuple[Provisioner, ...] = ()
    tip: Tip | None = None
    contexts: list[rnd.RoundContext] = field(init=False)
    states: list[rnd.RoundState] = field(init=False)
    #: Every broadcast: (sender name, message), in order.
    sent: list[tuple[str, rnd.Message]] = field(default_factory=list)
    #: Messages on their way: (destination index, message).
    inflight: list[tuple[int, rnd.Message]] = field(default_factory=list)
    #: Messages delivered so far (a duplicate is one of them delivered again).
    delivered: list[tuple[int, rnd.Message]] = field(default_factory=list)
    #: Per node, the timers it asked for, keyed by (iteration, step).
    timers: list[dict[tuple[int, int], rnd.SetTimer]] = field(init=False)
    #: Candidate hash -> model name (``C0``, ``C1``, ... in order of first broadcast, or the
    #: names a replayed TLC behaviour gives).
    names: dict[Hash32, str] = field(default_factory=dict)
    pending_names: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    now: int = field(init=False)

    def __post_init__(self) -> None:
        honest = make_provisioners(self.keys, self.params)
        self.provisioners = provisioner_set((*honest, *self.silent))
        if self.tip is None:
            self.tip = genesis_tip(self.provisioners)
        self.now = self.tip.timestamp * 1000
        verifier = SignatureVerifier()
        self.contexts = [
            rnd.RoundContext(self.params, self.provisioners, k, verifier) for k in self.keys
        ]
        self.observer_ctx = rnd.RoundContext(self.params, self.provisioners, None, verifier)
        self.states = []
        self.timers = [{} for _ in self.keys]
        timeout = self.params.max_step_timeout * 1000
        for index, ctx in enumerate(self.contexts):
            state, outputs = rnd.start_round(ctx, self.tip, (timeout, timeout, timeout), self.now)
            self.states.append(state)
            self._absorb(index, outputs)

    # --- names -----------------------------------------------------------------------------

    def node_name(self, index: int) -> str:
        return f"p{index}"

    def key_name(self, key: BlsPublicKey) -> str:
        for index, keys in enumerate(self.keys):
            if keys.public_key == key:
                return self.node_name(index)
        silent = [p.public_key for p in self.silent]
        return f"s{silent.index(key)}"

    def provisioner_names(self) -> list[str]:
        return [self.key_name(p.public_key) for p in self.provisioners]

    def candidate_name(self, block_hash: Hash32) -> str:
        """A candidate's model name: the next of :attr:`pending_names` (a replay binds the
        names its behaviour uses), else ``C<k>`` in order of first mention."""
        if block_hash not in self.names:
            fresh = self.pending_names.pop(0) if self.pending_names else f"C{len(self.names)}"
            self.names[block_hash] = fresh
        return self.names[block_hash]

    def vote_name(self, vote: Vote) -> str:
        """Rule 14.2: Valid(c) is c's name; Invalid folds into NoCandidate."""
        if vote.kind == VoteKind.VALID:
            assert vote.block_hash is not None
            return self.candidate_name(vote.block_hash)
        if vote.kind == VoteKind.NO_QUORUM:
            return NO_QUORUM
        return NO_CANDIDATE

    # --- what the model's constants are -------------------------------------------------

    def generator_name(self, iteration: int) -> str:
        key = rnd.iteration_generator(self.states[0], self.contexts[0], iteration)
        return self.key_name(key)

    def step_credits(self, step: StepName, iteration: int) -> dict[str, int]:
        committee = rnd.committee(self.states[0], self.contexts[0], iteration, step)
        return {
            self.key_name(p.public_key): committee.credits_of(p.public_key)
            for p in self.provisioners
        }

    # --- driving ----------------------------------------------------------------------------

    def _absorb(self, index: int, outputs: tuple[rnd.Output, ...]) -> None:
        for output in outputs:
            if isinstance(output, rnd.Broadcast):
                self.sent.append((self.node_name(index), output.message))
                self.inflight += [(d, output.message) for d in range(len(self.keys)) if d != index]
            elif isinstance(output, rnd.SetTimer):
                self.timers[index][(output.iteration, int(output.step))] = output

    def apply(
        self, index: int, handler: Callable[[rnd.RoundState, rnd.RoundContext], rnd.Result]
    ) -> list[Event]:
        """Run one handler on node ``index``; the model actions it took (rule 14.4). A
        :class:`ProtocolError` leaves the node as it was and takes no action; a node that
        decided receives nothing more."""
        before = self.states[index]
        if before.decided is not None:
            return []  # rule 14.3: a decided machine is done (node.accept starts the next round)
        known = set(self.attestations())
        try:
            state, outputs = handler(before, self.contexts[index])
        except ProtocolError as exc:
            self.rejected.append(exc.code)
            return []
        self.states[index] = state
        self._absorb(index, outputs)
        return events_of(self, index, before, outputs, known)

    def deliver(self, index: int, message: rnd.Message) -> list[Event]:
        return self.apply(index, lambda s, c: rnd.receive(s, c, message, self.now))

    def current_timer(self, index: int) -> rnd.SetTimer | None:
        state = self.states[index]
        return self.timers[index].get((state.iteration, int(state.step)))

    def fire(self, index: int) -> list[Event]:
        """Fire node ``index``'s timer for its current step (nothing if it has none)."""
        timer = self.current_timer(index)
        if timer is None:
            return []
        return self.apply(index, lambda s, c: rnd.on_timeout(s, c, timer, self.now))

    def observe(self, iteration: int, messages: list[rnd.Message]) -> list[Event]:
        """An observer (a machine without keys, not a model node) placed in ``iteration``'s
        Ratification step receives ``messages``: it forms the attestation the model's
        global ``Attest`` stands for (rule 14.5). Its broadcasts are logged."""
        assert self.tip is not None
        timeout = self.params.max_step_timeout * 1000
        state = rnd.RoundState(
            tip=self.tip,
            iteration=iteration,
            step=StepName.RATIFICATION,
            step_started=self.now,
            timeouts=(timeout, timeout, timeout),
        )
        known = set(self.attestations())
        for message in messages:
            try:
                state, outputs = rnd.receive(state, self.observer_ctx, message, self.now)
            except ProtocolError as exc:
                self.rejected.append(exc.code)
                continue
            for output in outputs:
                if isinstance(output, rnd.Broadcast):
                    self.sent.append((OBSERVER, output.message))
        return [
            {"action": "Attest", "i": i, "v": v}
            for i, v in self.attestations()
            if (i, v) not in known
        ]

    # --- the abstraction function ----------------------------------------------------------

    def votes_of(self, kind: type, iteration: int) -> dict[str, str]:
        out = {}
        for sender, message in self.sent:
            if isinstance(message, kind) and message.header.iteration == iteration:
                assert isinstance(message, ValidationVote | RatificationVote)
                out[sender] = self.vote_name(message.vote)
        return out

    def attestations(self) -> list[tuple[int, str]]:
        seen: list[tuple[int, str]] = []
        for _, message in self.sent:
            if isinstance(message, QuorumMessage):
                entry = (message.header.iteration, self.vote_name(message.attestation.vote))
                if entry not in seen:
                    seen.append(entry)
        return seen


def abstract_state(net: TraceNet) -> dict[str, Any]:
    """Rules 14.1-14.2: the model variables (all but ``finalized``) of the machines in
    ``net``. Sets are frozensets, functions dicts."""
    honest = [net.node_name(i) for i in range(len(net.keys))]
    iterations = range(model_iterations(net.params))
    validation = {i: net.votes_of(ValidationVote, i) for i in iterations}
    ratification = {i: net.votes_of(RatificationVote, i) for i in iterations}
    proposed = {
        (m.header.iteration, net.candidate_name(m.hash))
        for s, m in net.sent
        if isinstance(m, Block) and s != OBSERVER
    }
    return {
        "proposed": frozenset(proposed),
        "vvotes": {i: {n: validation[i].get(n, NO_VOTE) for n in honest} for i in iterations},
        "rvotes": {i: {n: ratification[i].get(n, NO_VOTE) for n in honest} for i in iterations},
        "attestations": frozenset(net.attestations()),
        "iter": {n: s.iteration for n, s in zip(honest, net.states, strict=True)},
        "step": {n: STEP_NAMES[s.step] for n, s in zip(honest, net.states, strict=True)},
        "decided": {n: _decision(net, s) for n, s in zip(honest, net.states, strict=True)},
    }


def _decision(net: TraceNet, state: rnd.RoundState) -> tuple[int, str] | tuple[()]:
    if state.decided is None:
        return ()
    return (state.decided.header.iteration, net.candidate_name(state.decided.hash))


def events_of(
    net: TraceNet,
    index: int,
    before: rnd.RoundState,
    outputs: tuple[rnd.Output, ...],
    known: set[tuple[int, str]],
) -> list[Event]:
    """Rule 14.4: the model actions node ``index`` took in one handler call, read from its
    outputs in order. A step timer for a new (iteration, step) means the node entered that
    step: Validation by a Validation vote (or by proposing), Ratification by a Ratification
    vote, a later iteration's Proposal by NextIteration; the vote, if the node is a member,
    is the broadcast that follows. A Quorum broadcast is an Attest the first time its
    (iteration, vote) is seen (``known`` holds those seen before the call); a Decided
    output is Decide."""
    name = net.node_name(index)
    events: list[Event] = []
    iteration, step = before.iteration, before.step
    pending: Event | None = None
    for output in outputs:
        if isinstance(output, rnd.Broadcast) and isinstance(output.message, Block):
            events.append(
                {"action": "Propose", "n": name, "c": net.candidate_name(output.message.hash)}
            )
            step = StepName.VALIDATION
        elif isinstance(output, rnd.SetTimer):
            if output.iteration > iteration:
                events.append({"action": "NextIteration", "n": name})
                iteration, step = output.iteration, StepName.PROPOSAL
            elif output.step == StepName.VALIDATION and step == StepName.PROPOSAL:
                pending = {"action": "CastValidationVote", "n": name}
                events.append(pending)
                step = StepName.VALIDATION
            elif output.step == StepName.RATIFICATION and step == StepName.VALIDATION:
                pending = {"action": "CastRatificationVote", "n": name}
                events.append(pending)
                step = StepName.RATIFICATION
        elif isinstance(output, rnd.Broadcast) and isinstance(
            output.message, ValidationVote | RatificationVote
        ):
            assert pending is not None
            pending["v"] = net.vote_name(output.message.vote)
        elif isinstance(output, rnd.Broadcast) and isinstance(output.message, QuorumMessage):
            entry = (
                output.message.header.iteration,
                net.vote_name(output.message.attestation.vote),
            )
            if entry not in known:
                known.add(entry)
                events.append({"action": "Attest", "i": entry[0], "v": entry[1]})
        elif isinstance(output, rnd.Decided):
            block = output.block
            events.append(
                {
                    "action": "Decide",
                    "n": name,
                    "i": block.header.iteration,
                    "c": net.candidate_name(block.hash),
                }
            )
    return events

"""Trace validation of the Python round machines against ``SuccinctAttestation``, both ways
(spec/consensus.md §14).

Python -> TLC: :func:`record_rounds` runs rounds on a :class:`TraceNet` under a seeded random
schedule and :func:`write_round` writes each as a TLA+ module ``TraceRound<r>.tla`` (with its
``.cfg`` and a JSON copy of its events) that ``EXTENDS TraceSuccinctAttestation``;
:func:`check_trace_dir` runs TLC on each and says, for a trace that is not a behaviour of the
model, which event failed first and how the states differ.

TLC -> Python: :func:`replay_behaviour` replays one behaviour TLC generated
(:func:`duskspec.tla.behaviours.simulate_behaviours` on the module :func:`write_replay_model`
writes) action by action on a :class:`TraceNet`, and compares the abstraction of the Python
machines with the model's state after every action.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duskspec import paths
from duskspec.consensus import round as rnd
from duskspec.consensus.abstraction import (
    NO_CANDIDATE,
    NO_QUORUM,
    Event,
    TraceNet,
    abstract_state,
    model_iterations,
)
from duskspec.consensus.block import Block
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.header_validation import Tip
from duskspec.consensus.lockstep import make_keys, make_provisioners
from duskspec.consensus.messages import QuorumMessage, RatificationVote, ValidationVote
from duskspec.consensus.sortition import StepName, committee_credits
from duskspec.consensus.verification import vote_threshold
from duskspec.tla.tlc import find_tools, tlc_command

#: Model files a trace check needs beside the round modules.
MODEL_FILES = ("SuccinctAttestation.tla", "TraceSuccinctAttestation.tla")


# --- TLA+ values --------------------------------------------------------------------------


def tla_value(value: Any) -> str:
    """A Python value as TLA+: str, int, bool; tuple -> sequence; frozenset -> set (sorted);
    dict -> function (``k :> v @@ ...``)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        return "<<" + ", ".join(tla_value(v) for v in value) + ">>"
    if isinstance(value, frozenset):
        return "{" + ", ".join(tla_value(v) for v in sorted(value)) + "}"
    if isinstance(value, dict):
        if not value:
            return "<<>>"
        pairs = [f"({tla_value(k)} :> {tla_value(v)})" for k, v in value.items()]
        return "(" + " @@ ".join(pairs) + ")"
    raise TypeError(f"no TLA+ form for {type(value).__name__}")


def tla_record(fields: dict[str, Any]) -> str:
    return "[" + ", ".join(f"{k} |-> {tla_value(v)}" for k, v in fields.items()) + "]"


# --- the abstract state as JSON (TLC's ToJson and the sidecar) ------------------------------


def state_to_json(state: dict[str, Any]) -> dict[str, Any]:
    """An abstract state in TLC's JSON shape: sets and tuples are lists, function keys strings."""

    def convert(value: Any) -> Any:
        if isinstance(value, frozenset):
            return [convert(v) for v in sorted(value)]
        if isinstance(value, tuple):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        return value

    return {k: convert(v) for k, v in state.items()}


def normalize(state: dict[str, Any]) -> dict[str, Any]:
    """A JSON state (TLC's or the sidecar's) with sets sorted, comparable with
    :func:`state_to_json` of an abstract state. ``finalized`` is dropped (rule 14.1)."""
    out = dict(state)
    out.pop("finalized", None)
    for key in ("proposed", "attestations"):
        if key in out:
            out[key] = sorted(out[key])
    return out


def state_diff(expected: dict[str, Any], actual: dict[str, Any], labels: tuple[str, str]) -> str:
    """``var[key]...: a -> b`` for every leaf that differs (at most 6)."""
    lines: list[str] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(f"{path}[{key}]" if path else key, a.get(key), b.get(key))
        elif a != b:
            lines.append(f"{path}: {labels[0]} {json.dumps(a)}, {labels[1]} {json.dumps(b)}")

    walk("", normalize(expected), normalize(actual))
    shown = "; ".join(lines[:6])
    return shown + (f"; and {len(lines) - 6} more" if len(lines) > 6 else "")


# --- Python -> TLC: recording ----------------------------------------------------------------


@dataclass
class RoundTrace:
    """One round as the model sees it: constants, start state and events (the last event of
    each handler call carries ``post``)."""

    round: int
    provisioners: list[str]
    silent: list[str]
    generators: list[str]
    credits: dict[str, dict[int, dict[str, int]]]
    params: ConsensusParams
    start: dict[str, Any]
    events: list[Event]
    decided: Block | None

    @property
    def candidates(self) -> list[str]:
        names = {e["c"] for e in self.events if "c" in e}
        names |= {e["v"] for e in self.events if "v" in e} - {NO_CANDIDATE, NO_QUORUM}
        return sorted(names)


def model_constants(net: TraceNet) -> tuple[list[str], dict[str, dict[int, dict[str, int]]]]:
    """Rule 14.6: the generator of every model iteration and the credits each provisioner
    holds in each step's committee, drawn by Python's sortition."""
    iterations = range(model_iterations(net.params))
    generators = [net.generator_name(i) for i in iterations]
    credits = {
        "Validation": {i: net.step_credits(StepName.VALIDATION, i) for i in iterations},
        "Ratification": {i: net.step_credits(StepName.RATIFICATION, i) for i in iterations},
    }
    return generators, credits


def random_step(net: TraceNet, rng: random.Random) -> list[Event] | None:
    """One seeded scheduling choice: mostly deliver a message in flight, sometimes fire a
    node's step timer (not the one that would leave the model's last iteration), sometimes
    deliver a message a second time (the network duplicates). ``None``: nothing to do."""
    last = model_iterations(net.params) - 1
    timed = [
        i
        for i, s in enumerate(net.states)
        if s.decided is None
        and net.current_timer(i) is not None
        and not (s.iteration >= last and s.step == StepName.RATIFICATION)
    ]
    roll = rng.random()
    if net.inflight and (roll < 0.88 or not timed):
        dest, message = net.inflight.pop(rng.randrange(len(net.inflight)))
        net.delivered.append((dest, message))
        return net.deliver(dest, message)
    if timed and (roll < 0.96 or not net.delivered):
        return net.fire(rng.choice(timed))
    if net.delivered:
        dest, message = net.delivered[rng.randrange(len(net.delivered))]
        return net.deliver(dest, message)
    return None


def seeded_schedule(seed: int) -> Callable[[TraceNet], list[Event] | None]:
    """:func:`random_step` drawing from ``random.Random(seed)``."""
    rng = random.Random(seed)

    def step(net: TraceNet) -> list[Event] | None:
        return random_step(net, rng)

    return step


def outside_the_model(net: TraceNet) -> bool:
    """A machine went past the model's last iteration (into the emergency iterations of
    rule 14.1)."""
    return any(s.iteration >= model_iterations(net.params) for s in net.states)


def record_round(
    net: TraceNet,
    round_number: int,
    schedule: Callable[[TraceNet], list[Event] | None],
    limit: int = 4000,
) -> RoundTrace:
    """Run ``net``'s round, one ``schedule(net)`` choice at a time, until every node decided,
    the schedule returns ``None``, a machine leaves the model's iterations (that choice is
    not recorded) or ``limit`` choices; record the model actions each choice took and the
    abstract state after it."""
    generators, credits = model_constants(net)
    start = abstract_state(net)
    events: list[Event] = []
    for _ in range(limit):
        if all(s.decided is not None for s in net.states):
            break
        taken = schedule(net)
        if taken is None or outside_the_model(net):
            break  # rule 14.7: the recording ends where the abstraction does
        if taken:
            taken[-1]["post"] = abstract_state(net)
            events += taken
    return RoundTrace(
        round=round_number,
        provisioners=net.provisioner_names(),
        silent=[net.key_name(p.public_key) for p in net.silent],
        generators=generators,
        credits=credits,
        params=net.params,
        start=start,
        events=events,
        decided=next((s.decided for s in net.states if s.decided is not None), None),
    )


def next_tip(tip: Tip, block: Block, net: TraceNet) -> Tip:
    """The tip the next round builds on (as ``duskspec.node`` accepts a block)."""
    header = block.header
    return Tip(
        block.hash,
        header.height,
        header.timestamp,
        header.seed,
        header.iteration,
        tip.hash,
        tip.seed,
        block.attestation,
        net.provisioners,
    )


def record_rounds(
    provisioners: int, rounds: int, seed: int, params: ConsensusParams, silent: int = 0
) -> list[RoundTrace]:
    """``rounds`` consecutive rounds of ``provisioners`` honest machines and ``silent``
    provisioners that stake and never act (the model's Byzantine members that withhold
    their votes and proposals); keys and schedule from ``seed``. A round that ends
    undecided ends the run."""
    keys = make_keys(provisioners + silent, seed)
    quiet = make_provisioners(keys[provisioners:], params)
    traces: list[RoundTrace] = []
    tip: Tip | None = None
    for number in range(1, rounds + 1):
        net = TraceNet(keys[:provisioners], params, silent=quiet, tip=tip)
        trace = record_round(net, number, seeded_schedule(seed * 1000 + number))
        traces.append(trace)
        if trace.decided is None:
            break
        assert net.tip is not None
        tip = next_tip(net.tip, trace.decided, net)
    return traces


# --- Python -> TLC: writing and checking ---------------------------------------------------


def module_name(round_number: int) -> str:
    return f"TraceRound{round_number}"


def write_round(trace: RoundTrace, folder: Path) -> Path:
    """``TraceRound<r>.tla`` and ``.cfg`` (what TLC checks) and ``TraceRound<r>.json`` (the
    same events for the report)."""
    name = module_name(trace.round)
    iterations = len(trace.generators)
    credits = {s: dict(by_iter) for s, by_iter in trace.credits.items()}
    log = ",\n    ".join(_event_tla(e) for e in trace.events)
    (folder / f"{name}.tla").write_text(
        f"---- MODULE {name} ----\n"
        f"(* Round {trace.round} as the Python machines ran it (spec/consensus.md §14). *)\n"
        "EXTENDS TraceSuccinctAttestation\n\n"
        f"RoundCredits == {tla_record(credits)}\n"
        f"RoundNoCredits == {tla_value(dict.fromkeys(trace.provisioners, 0))}\n"
        f"RoundGenerator == {tla_value(dict(enumerate(trace.generators)))}\n"
        f"RoundStart == {tla_record(trace.start)}\n"
        f"RoundLog == <<\n    {log}\n>>\n"
        "====\n"
    )
    constants = [
        f"Provisioners = {tla_value(frozenset(trace.provisioners))}",
        f"Byzantine = {tla_value(frozenset(trace.silent))}",
        "Credits <- RoundNoCredits",
        f"Candidates = {tla_value(frozenset(trace.candidates))}",
        f"MaxIter = {iterations}",
        "Generator <- RoundGenerator",
        f"RelaxIter = {trace.params.relax_iteration_threshold}",
        f"GSTIter = {iterations}",
        "ByzantineVote = FALSE",
        "ValidQuorum <- Supermajority",
        "OtherQuorum <- Majority",
        "StepCredits <- TraceStepCredits",
        "TraceLog <- RoundLog",
        "TraceStart <- RoundStart",
        "TraceCredits <- RoundCredits",
    ]
    write_trace_cfg(folder / f"{name}.cfg", "--trace", constants)
    sidecar = {
        "round": trace.round,
        "start": state_to_json(trace.start),
        "events": [
            {**{k: v for k, v in e.items() if k != "post"}, "post": state_to_json(e["post"])}
            if "post" in e
            else e
            for e in trace.events
        ],
    }
    (folder / f"{name}.json").write_text(json.dumps(sidecar, indent=1) + "\n")
    return folder / f"{name}.tla"


def _event_tla(event: Event) -> str:
    fields = {k: v for k, v in event.items() if k != "post"}
    text = tla_record(fields)
    if "post" in event:
        text = text[:-1] + f", post |-> {tla_record(event['post'])}]"
    return text


@dataclass(frozen=True)
class TraceVerdict:
    """One round's check: ``ok``, or the first unmatched event and the state difference."""

    round: int
    ok: bool
    events: int
    distinct_states: int | None
    seconds: float
    detail: str = ""


def describe(event: dict[str, Any]) -> str:
    params = ", ".join(f"{k}={event[k]}" for k in ("n", "i", "v", "c") if k in event)
    return f"{event['action']}({params})"


def check_round(module: Path, java: str, jar: Path) -> TraceVerdict:
    """TLC on one round module (BFS, one worker); see TraceSuccinctAttestation's header."""
    sidecar = json.loads(module.with_suffix(".json").read_text())
    events: list[dict[str, Any]] = sidecar["events"]
    with tempfile.TemporaryDirectory(prefix="duskspec-trace-") as work:
        folder = Path(work)
        for name in MODEL_FILES:
            shutil.copy(paths.MODELS_DIR / name, folder / name)
        shutil.copy(module, folder / module.name)
        shutil.copy(module.with_suffix(".cfg"), folder / module.with_suffix(".cfg").name)
        command = tlc_command(
            java, jar, folder / "meta", module.with_suffix(".cfg").name, module.name
        )
        start = time.monotonic()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=folder, check=False)
        seconds = time.monotonic() - start
    output = proc.stdout + proc.stderr
    from duskspec.tla.tlc import parse_output

    report = parse_output(output, proc.returncode, seconds)
    if report.result == "safety" and report.violated == "TraceAccepted":
        return TraceVerdict(sidecar["round"], True, len(events), report.distinct_states, seconds)
    if report.result not in ("success", "safety"):
        tail = " | ".join(line for line in output.splitlines()[-5:] if line.strip())
        raise TraceCheckFailed(f"TLC failed on {module.name} ({report.result}): {tail}")
    detail = first_unmatched(sidecar, report.depth or 0, output)
    return TraceVerdict(
        sidecar["round"], False, len(events), report.distinct_states, seconds, detail
    )


class TraceCheckFailed(Exception):
    """TLC could not run a trace module (not the same as a trace that does not match)."""

    code = "tla.trace_check_failed"


def first_unmatched(sidecar: dict[str, Any], depth: int, output: str) -> str:
    """The first event no behaviour matched (TLC's depth: events 1..depth-1 matched) and the
    difference between the states."""
    events: list[dict[str, Any]] = sidecar["events"]
    if depth == 0:
        return "the start state is not the model's Init"
    index = depth  # 1-based index of the unmatched event
    event = events[index - 1]
    before = sidecar["start"]
    for earlier in events[: index - 1]:
        before = earlier.get("post", before)
    post = next((e["post"] for e in events[index - 1 :] if "post" in e), before)
    model_posts = []
    for line in output.splitlines():
        if line.startswith('"{'):
            record = json.loads(json.loads(line))
            if record.get("mismatch") == index:
                model_posts.append(record["model"])
    head = f"event {index} of {len(events)}, {describe(event)}"
    if model_posts:
        diff = state_diff(model_posts[0], post, ("model", "python"))
        return f"{head}: the model takes it to another state: {diff}"
    diff = state_diff(before, post, ("before", "python"))
    return (
        f"{head}: not a step of SuccinctAttestation from the state before it; Python changed {diff}"
    )


def check_trace_dir(folder: Path) -> list[TraceVerdict]:
    """TLC on every ``TraceRound<r>.tla`` in ``folder``, in round order."""
    java, jar = find_tools()
    modules = sorted(folder.glob("TraceRound*.tla"), key=lambda p: int(p.stem[10:]))
    if not modules:
        raise TraceCheckFailed(
            f"no TraceRound<r>.tla in {folder} (write them with `duskspec simulate --trace`)"
        )
    return [check_round(m, java, jar) for m in modules]


# --- TLC -> Python: replay ------------------------------------------------------------------


def write_replay_model(
    net: TraceNet,
    folder: Path,
    gst_iter: int | None = None,
    candidates: tuple[str, ...] = ("A", "B"),
) -> Path:
    """``ReplayRound.tla``/``.cfg``: SuccinctAttestation with ``net``'s provisioners and
    Python's credits (rule 14.6), for TLC to draw behaviours from. ``gst_iter``: the first
    iteration whose timers fire only when waiting cannot help (default: none, every timer
    free to fire; 0: the whole round after GST, where honest rounds decide)."""
    generators, credits = model_constants(net)
    names = net.provisioner_names()
    silent = [net.key_name(p.public_key) for p in net.silent]
    for name in MODEL_FILES:
        shutil.copy(paths.MODELS_DIR / name, folder / name)
    (folder / "ReplayRound.tla").write_text(
        "---- MODULE ReplayRound ----\n"
        "EXTENDS SuccinctAttestation, TLC\n\n"
        f"RoundCredits == {tla_record({s: dict(c) for s, c in credits.items()})}\n"
        f"RoundStepCredits(s, i, p) == RoundCredits[s][i][p]\n"
        f"RoundNoCredits == {tla_value(dict.fromkeys(names, 0))}\n"
        f"RoundGenerator == {tla_value(dict(enumerate(generators)))}\n"
        "====\n"
    )
    iterations = len(generators)
    gst = iterations if gst_iter is None else gst_iter
    constants = [
        f"Provisioners = {tla_value(frozenset(names))}",
        f"Byzantine = {tla_value(frozenset(silent))}",
        "Credits <- RoundNoCredits",
        f"Candidates = {tla_value(frozenset(candidates))}",
        f"MaxIter = {iterations}",
        "Generator <- RoundGenerator",
        f"RelaxIter = {net.params.relax_iteration_threshold}",
        f"GSTIter = {gst}",
        "ByzantineVote = FALSE",
        "ValidQuorum <- Supermajority",
        "OtherQuorum <- Majority",
        "StepCredits <- RoundStepCredits",
    ]
    (folder / "ReplayRound.cfg").write_text(
        "CONSTANTS\n" + "".join(f"    {c}\n" for c in constants) + "SPECIFICATION Spec\n"
    )
    return folder / "ReplayRound.tla"


class ReplayMismatch(AssertionError):
    """A replayed action left the Python machines in another state than the model's."""


def _sent_by(net: TraceNet, kind: type, iteration: int, value: str) -> list[rnd.Message]:
    return [
        m
        for _, m in net.sent
        if isinstance(m, kind)
        and m.header.iteration == iteration
        and isinstance(m, ValidationVote | RatificationVote)
        and net.vote_name(m.vote) == value
    ]


def _quorum(net: TraceNet, iteration: int, value: str) -> rnd.Message | None:
    for _, m in net.sent:
        if (
            isinstance(m, QuorumMessage)
            and m.header.iteration == iteration
            and net.vote_name(m.attestation.vote) == value
        ):
            return m
    return None


def _candidate(net: TraceNet, iteration: int, name: str) -> rnd.Message:
    for _, m in net.sent:
        if (
            isinstance(m, Block)
            and m.header.iteration == iteration
            and net.names.get(m.hash) == name
        ):
            return m
    raise ReplayMismatch(f"no candidate {name} of iteration {iteration} was broadcast")


def replay_action(net: TraceNet, action: str, context: dict[str, Any]) -> None:
    """Rule 14.5: drive the Python machines through one model action."""
    index = {net.node_name(i): i for i in range(len(net.keys))}
    node = index.get(context.get("n", ""), -1)
    if action == "Propose":
        net.pending_names.append(context["c"])
        net.fire(node)
    elif action == "CastValidationVote":
        vote = context["v"]
        if vote == NO_CANDIDATE:
            net.fire(node)
        else:
            net.deliver(node, _candidate(net, net.states[node].iteration, vote))
    elif action == "CastRatificationVote":
        vote = context["v"]
        if vote == NO_QUORUM:
            net.fire(node)
        else:
            for message in _sent_by(net, ValidationVote, net.states[node].iteration, vote):
                if net.states[node].step != StepName.VALIDATION:
                    break
                net.deliver(node, message)
    elif action == "Attest":
        votes = _sent_by(net, RatificationVote, context["i"], context["v"])
        net.observe(context["i"], votes)
    elif action == "NextIteration":
        iteration = net.states[node].iteration
        fail = _quorum(net, iteration, NO_CANDIDATE) or _quorum(net, iteration, NO_QUORUM)
        if fail is not None:
            net.deliver(node, fail)
        else:
            net.fire(node)
    elif action == "Decide":
        success = _quorum(net, context["i"], context["c"])
        if success is None:
            raise ReplayMismatch(f"no Success attestation for {context['c']} was broadcast")
        net.deliver(node, success)
        if net.states[node].decided is None:
            net.deliver(node, _candidate(net, context["i"], context["c"]))
    elif action == "ByzantinePropose":
        raise ReplayMismatch("a silent provisioner never proposes")
    # Finalize changes only `finalized`, outside the abstraction (rule 14.1).


def network_noise(net: TraceNet) -> int:
    """Rule 14.5: what the network may do between two model actions without any model action
    happening. Every node in Validation receives each Validation vote of its iteration that
    cannot complete a quorum there, and then the same vote again (a duplicate). The model
    says neither changes anything. Returns how many deliveries were made."""
    made = 0
    for index, state in enumerate(net.states):
        if state.decided is not None or state.step != StepName.VALIDATION:
            continue
        for message in _sent_by_any(net, ValidationVote, state.iteration):
            assert isinstance(message, ValidationVote)
            if (index, message) in net.delivered or not _cannot_complete(net, index, message):
                continue
            net.delivered.append((index, message))
            net.deliver(index, message)
            net.deliver(index, message)
            made += 2
            if net.states[index].step != StepName.VALIDATION:
                break
    return made


def _sent_by_any(net: TraceNet, kind: type, iteration: int) -> list[rnd.Message]:
    own = {net.node_name(i) for i in range(len(net.keys))}
    return [
        m
        for sender, m in net.sent
        if sender in own and isinstance(m, kind) and m.header.iteration == iteration
    ]


def _cannot_complete(net: TraceNet, index: int, message: ValidationVote) -> bool:
    """The vote, counted once at node ``index``, leaves every value below its quorum."""
    state = net.states[index]
    if message.sign_info.signer == net.keys[index].public_key:
        return False
    committee = rnd.committee(state, net.contexts[index], state.iteration, StepName.VALIDATION)
    collector = state.collectors.get((state.iteration, StepName.VALIDATION))
    tally = collector.credits_for(message.vote) if collector else 0
    credits = committee.credits_of(message.sign_info.signer)
    threshold = vote_threshold(message.vote, committee_credits(StepName.VALIDATION, net.params))
    return tally + credits < threshold


@dataclass(frozen=True)
class ReplayResult:
    actions: int
    by_action: dict[str, int]
    #: Deliveries :func:`network_noise` made, and the error codes Python rejected with.
    noise: int
    rejected: tuple[str, ...]


def replay_behaviour(net: TraceNet, behaviour: list[dict[str, Any]]) -> ReplayResult:
    """Replay a TLC behaviour on ``net``, with :func:`network_noise` after every action; raise
    :class:`ReplayMismatch` naming the first action (index and name) after which the
    abstraction of the Python machines differs from the model's state."""
    first = behaviour[0]["state"]
    if normalize(state_to_json(abstract_state(net))) != normalize(first):
        diff = state_diff(first, state_to_json(abstract_state(net)), ("model", "python"))
        raise ReplayMismatch(f"step 0 Init: {diff}")
    counts: dict[str, int] = {}
    noise = 0
    for index, step in enumerate(behaviour[1:], start=1):
        replay_action(net, step["action"], step["context"])
        noise += network_noise(net)
        python = state_to_json(abstract_state(net))
        if normalize(python) != normalize(step["state"]):
            diff = state_diff(step["state"], python, ("model", "python"))
            label = describe({"action": step["action"], **step["context"]})
            raise ReplayMismatch(f"step {index} {label}: {diff}")
        counts[step["action"]] = counts.get(step["action"], 0) + 1
    return ReplayResult(len(behaviour) - 1, counts, noise, tuple(net.rejected))


def write_trace_cfg(path: Path, flag: str, constants: list[str]) -> None:
    """The TLC configuration of a trace module: ``constants``, then ``TraceInit``/``TraceNext``
    checked for ``TraceAccepted`` without deadlock checking (a trace ends where its log ends).
    Shared by the round trace and the ledger trace (``duskspec simulate`` ``flag``)."""
    path.write_text(
        f"\\* Written by `duskspec simulate {flag}`; checked by `duskspec trace-check`.\n"
        "CONSTANTS\n"
        + "".join(f"    {c}\n" for c in constants)
        + "INIT TraceInit\nNEXT TraceNext\nCHECK_DEADLOCK FALSE\nINVARIANT TraceAccepted\n"
    )

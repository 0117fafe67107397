"""Trace validation of the runtime, node -> TLC (spec/runtime.md §14).

A :class:`LedgerRecorder` follows the runtime states a node's chain passes through, one
transaction at a time, and writes each transition as the ``Ledger`` actions it maps to
under the one abstraction function :func:`duskspec.runtime.abstraction.abstract`:
nothing (a stutter: Moonlight transfers, stakes, rewards), a ``Mint`` per note the transfer
contract mints, or a ``Spend`` of the inputs a Phoenix transaction nullifies followed by the
``Mint`` of its refund note. :func:`write_ledger_trace` writes the events as a TLA+ module
``TraceLedgerRun.tla`` that ``EXTENDS TraceLedger``; :func:`check_ledger_trace` runs TLC
on it and, for a trace that is not a behaviour of ``Ledger``, names the first unmatched
action and the state difference. :func:`simulation_trace` records the final chain of a
``duskspec simulate`` node.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duskspec import chain as ledger
from duskspec.consensus.constants import ConsensusParams
from duskspec.crypto.phoenix_keys import SecretKey
from duskspec.runtime import block as rt
from duskspec.runtime.abstraction import (
    MAX_INPUTS,
    LedgerNote,
    LedgerState,
    abstract,
    nullifier_positions,
)
from duskspec.runtime.state import RuntimeState
from duskspec.runtime.transactions import PhoenixTx
from duskspec.tla.tlc import find_tools, parse_output, tlc_command
from duskspec.tla.trace import state_diff, tla_record, tla_value, write_trace_cfg

#: The trace module's name (``TraceLedgerRun.tla``, ``.cfg``, ``.json``).
MODULE = "TraceLedgerRun"
#: Model files a ledger trace check needs beside the trace module.
MODEL_FILES = ("Ledger.tla", "TraceLedger.tla")
#: The owner of a note no listed key owns (rule 14.1).
NOBODY = "nobody"
#: TLC's integers are 32-bit: scaled values must stay below this (rule 14.5).
TLC_INT_MAX = 2**31 - 1


class LedgerTraceError(Exception):
    """The trace cannot be written or checked (not the same as a trace that does not match)."""

    code = "tla.trace_check_failed"


@dataclass
class LedgerRecorder:
    """The Ledger events of a run so far, the abstraction of its last state, and the
    publication order of nullifiers (``Ledger!published`` is a sequence)."""

    keys: tuple[SecretKey, ...]
    names: tuple[str, ...]
    genesis_notes: int
    last: LedgerState
    events: list[dict[str, Any]] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    stutters: int = 0

    def owner(self, note: LedgerNote) -> str:
        return self.names[note.owner] if note.owner >= 0 else NOBODY

    def model(self, state: LedgerState, notes: int | None = None, minted: int = 0) -> Any:
        """Rule 14.4: an abstract state as the Ledger variables (1-based positions)."""
        kept = state.notes if notes is None else state.notes[:notes]
        return {
            "notes": tuple({"owner": self.owner(n), "value": n.value} for n in kept),
            "published": tuple(p + 1 for p in self.published),
            "minted": state.minted - minted,
            "fees": state.fees,
        }


def start(
    state: RuntimeState, keys: tuple[SecretKey, ...], names: tuple[str, ...], genesis_notes: int
) -> LedgerRecorder:
    """Rule 14.3: the genesis notes are the Mints that open the trace (Ledger's Init holds
    no note)."""
    empty = LedgerState((), frozenset(), 0, 0)
    recorder = LedgerRecorder(keys, names, genesis_notes, empty)
    after = abstract(state, keys, genesis_notes)
    _mints(recorder, empty, after)
    recorder.last = after
    return recorder


def _mints(recorder: LedgerRecorder, pre: LedgerState, post: LedgerState, refund: int = 0) -> None:
    """One Mint per note ``post`` appends after ``pre`` (and after the two outputs of a
    spend when ``refund`` is set)."""
    first = len(pre.notes) + (2 if refund else 0)
    pending = sum(n.value for n in post.notes[first:])
    for index in range(first, len(post.notes)):
        note = post.notes[index]
        pending -= note.value
        recorder.events.append(
            {
                "action": "Mint",
                "k": recorder.owner(note),
                "v": note.value,
                "post": recorder.model(post, index + 1, pending),
            }
        )


def record(recorder: LedgerRecorder, pre_state: RuntimeState, tx: Any, post: RuntimeState) -> None:
    """Rules 14.3-14.4: the events of one transaction (``tx`` None: a block's own change)."""
    pre = recorder.last
    after = abstract(post, recorder.keys, recorder.genesis_notes)
    recorder.last = after
    if after == pre:
        recorder.stutters += 1
        return
    if after.notes[: len(pre.notes)] != pre.notes:
        recorder.events.append(
            {
                "action": "Unmodelled",
                "detail": "existing notes changed",
                "post": recorder.model(after),
            }
        )
        return
    if not isinstance(tx, PhoenixTx):
        _mints(recorder, pre, after)
        return
    ins = nullifier_positions(pre_state, recorder.keys, tx.nullifiers)
    recorder.published += sorted(after.published - pre.published)
    added = after.notes[len(pre.notes) :]
    if len(added) < 2:
        recorder.events.append(
            {
                "action": "Unmodelled",
                "detail": "a spend without two outputs",
                "post": recorder.model(after),
            }
        )
        return
    refund = sum(n.value for n in added[2:])
    v1, v2 = added[0].value, added[1].value
    recorder.events.append(
        {
            "action": "Spend",
            "k": recorder.owner(pre.notes[ins[0]]) if ins else NOBODY,
            "ins": frozenset(p + 1 for p in ins),
            "r1": recorder.owner(added[0]),
            "v1": v1,
            "r2": recorder.owner(added[1]),
            "v2": v2,
            "fee": sum(pre.notes[p].value for p in ins) - v1 - v2,
            "post": recorder.model(after, len(pre.notes) + 2, refund),
        }
    )
    _mints(recorder, pre, after, refund=1)


# --- the trace module ---------------------------------------------------------------------

_VALUE_FIELDS = ("v", "v1", "v2", "fee")


def unit_of(events: Sequence[dict[str, Any]]) -> int:
    """Rule 14.5: the gcd of every value the trace carries (1 if it carries none)."""
    unit = 0
    for event in events:
        for name in _VALUE_FIELDS:
            unit = math.gcd(unit, abs(event.get(name, 0)))
        post = event["post"]
        unit = math.gcd(unit, post["minted"], abs(post["fees"]))
        for note in post["notes"]:
            unit = math.gcd(unit, note["value"])
    return unit or 1


def _scaled(event: dict[str, Any], unit: int) -> dict[str, Any]:
    out = {k: (v // unit if k in _VALUE_FIELDS else v) for k, v in event.items()}
    post = event["post"]
    out["post"] = {
        "notes": tuple({"owner": n["owner"], "value": n["value"] // unit} for n in post["notes"]),
        "published": post["published"],
        "minted": post["minted"] // unit,
        "fees": post["fees"] // unit,
    }
    return out


def _largest(events: Sequence[dict[str, Any]]) -> int:
    values = [0]
    for e in events:
        values += [abs(e.get(name, 0)) for name in _VALUE_FIELDS]
        values += [e["post"]["minted"], abs(e["post"]["fees"])]
    return max(values)


def write_ledger_trace(recorder: LedgerRecorder, folder: Path) -> Path:
    """``TraceLedgerRun.tla`` and ``.cfg`` (what TLC checks) and ``.json`` (the same events,
    unscaled, for the report). The constants bound the model to what the trace uses."""
    folder.mkdir(parents=True, exist_ok=True)
    events = recorder.events
    unit = unit_of(events)
    scaled = [_scaled(e, unit) for e in events]
    if _largest(scaled) > TLC_INT_MAX:
        raise LedgerTraceError(f"values above 2^31-1 after dividing by their gcd {unit}")
    owners = {n["owner"] for e in scaled for n in e["post"]["notes"]}
    keys = frozenset({*recorder.names, NOBODY, *owners})
    mints = [e["v"] for e in scaled if e["action"] == "Mint"]
    fees = [e["fee"] for e in scaled if e["action"] == "Spend"]
    notes = [len(e["post"]["notes"]) for e in scaled]
    log = ",\n    ".join(_event_tla(e) for e in scaled)
    (folder / f"{MODULE}.tla").write_text(
        f"---- MODULE {MODULE} ----\n"
        "(* A node's ledger actions (spec/runtime.md §14), values in units of "
        f"{unit}. *)\n"
        "EXTENDS TraceLedger\n\n"
        f"RunKeys == {tla_value(keys)}\n"
        f"RunLog == <<\n    {log}\n>>\n"
        "====\n"
    )
    constants = [
        "Keys <- RunKeys",
        f"MaxValue = {max([1, *mints])}",
        f"MaxNotes = {max([0, *notes])}",
        f"MaxFee = {max([0, *[f for f in fees if f >= 0]])}",
        f"MaxInputs = {MAX_INPUTS}",
        "CheckNullifiers = TRUE",
        "TraceLog <- RunLog",
    ]
    write_trace_cfg(folder / f"{MODULE}.cfg", "--trace-ledger", constants)
    sidecar = {
        "unit": unit,
        "stutters": recorder.stutters,
        "events": [_json_event(e) for e in events],
    }
    (folder / f"{MODULE}.json").write_text(json.dumps(sidecar, indent=1) + "\n")
    return folder / f"{MODULE}.tla"


def _tla(value: Any) -> str:
    """A value as TLA+; a negative integer as ``(0 - n)`` (``Ledger`` extends Naturals,
    which has no unary minus): a runtime fee below 0 must reach TLC, not break its parser."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return f"(0 - {-value})"
    return tla_value(value)


def _event_tla(event: dict[str, Any]) -> str:
    fields = ", ".join(f"{k} |-> {_tla(v)}" for k, v in event.items() if k != "post")
    post = event["post"]
    notes = "<<" + ", ".join(tla_record(n) for n in post["notes"]) + ">>"
    state = (
        f"[notes |-> {notes}, published |-> {tla_value(post['published'])}, "
        f"minted |-> {_tla(post['minted'])}, fees |-> {_tla(post['fees'])}]"
    )
    return f"[{fields}, post |-> {state}]"


def _json_event(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in event.items()}
    post = event["post"]
    out["post"] = {**post, "notes": list(post["notes"]), "published": list(post["published"])}
    return out


# --- the check --------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerVerdict:
    """A ledger trace's check: ``ok``, or the first unmatched action and the difference."""

    ok: bool
    events: int
    stutters: int
    distinct_states: int | None
    seconds: float
    detail: str = ""


def describe(event: dict[str, Any]) -> str:
    names = [k for k in event if k not in ("action", "post")]
    params = ", ".join(f"{k}={json.dumps(event[k])}" for k in names)
    return f"{event['action']}({params})"


def check_ledger_trace(folder: Path) -> LedgerVerdict:
    """TLC (BFS, one worker) on ``folder/TraceLedgerRun.tla``; see TraceLedger's header."""
    module = folder / f"{MODULE}.tla"
    if not module.exists():
        raise LedgerTraceError(f"no {MODULE}.tla in {folder}")
    java, jar = find_tools()
    sidecar = json.loads(module.with_suffix(".json").read_text())
    with tempfile.TemporaryDirectory(prefix="duskspec-ledger-trace-") as work:
        run = Path(work)
        from duskspec import paths

        for name in MODEL_FILES:
            shutil.copy(paths.MODELS_DIR / name, run / name)
        for suffix in (".tla", ".cfg"):
            shutil.copy(module.with_suffix(suffix), run / f"{MODULE}{suffix}")
        command = tlc_command(java, jar, run / "meta", f"{MODULE}.cfg", f"{MODULE}.tla")
        began = time.monotonic()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=run, check=False)
        seconds = time.monotonic() - began
    output = proc.stdout + proc.stderr
    report = parse_output(output, proc.returncode, seconds)
    events: list[dict[str, Any]] = sidecar["events"]
    counts = (len(events), int(sidecar["stutters"]), report.distinct_states, seconds)
    if report.result == "safety" and report.violated == "TraceAccepted":
        return LedgerVerdict(True, *counts)
    if report.result not in ("success", "safety"):
        tail = " | ".join(line for line in output.splitlines()[-5:] if line.strip())
        raise LedgerTraceError(f"TLC failed on {module.name} ({report.result}): {tail}")
    detail = first_unmatched(events, int(sidecar["unit"]), report.depth or 1, output)
    return LedgerVerdict(False, *counts, detail=detail)


def first_unmatched(events: list[dict[str, Any]], unit: int, depth: int, output: str) -> str:
    """Rule 14.6: the first event no Ledger step matched (TLC's depth: events 1..depth-1
    matched), and how its post state differs from the model's (or from the state before)."""
    index = depth
    event = events[index - 1]
    before = events[index - 2]["post"] if index > 1 else _empty()
    model_posts = []
    for line in output.splitlines():
        if line.startswith('"{'):
            found = json.loads(json.loads(line))
            if found.get("mismatch") == index:
                model_posts.append(_unscaled(found["model"], unit))
    head = f"event {index} of {len(events)}, {describe(event)}"
    if model_posts:
        diff = state_diff(model_posts[0], event["post"], ("model", "runtime"))
        return f"{head}: Ledger takes it to another state: {diff}"
    diff = state_diff(before, event["post"], ("before", "runtime"))
    return (
        f"{head}: not a step of Ledger from the state before it{_why(event, before)}; "
        f"the runtime changed {diff}"
    )


def _why(event: dict[str, Any], before: dict[str, Any]) -> str:
    """The first guard of the named action that fails on ``before`` (rule 14.6)."""
    if event["action"] not in ("Mint", "Spend"):
        return f" (Ledger has no action {event['action']}: {event.get('detail', '')})"
    if event["action"] == "Mint":
        return " (Ledger!Mint: the value is below 1)" if event["v"] < 1 else ""
    ins = set(event["ins"])
    notes = before["notes"]
    if not ins:
        return " (Ledger!Spend: no input)"
    if ins & set(before["published"]):
        return f" (Ledger!Spend: input {sorted(ins & set(before['published']))} already published)"
    if any(p > len(notes) or notes[p - 1]["owner"] != event["k"] for p in ins):
        return " (Ledger!Spend: an input is not the spender's)"
    if sum(notes[p - 1]["value"] for p in ins) != event["v1"] + event["v2"] + event["fee"]:
        return " (Ledger!Spend: inputs do not balance outputs and fee)"
    return ""


def _empty() -> dict[str, Any]:
    return {"notes": [], "published": [], "minted": 0, "fees": 0}


def _unscaled(state: dict[str, Any], unit: int) -> dict[str, Any]:
    return {
        "notes": [{"owner": n["owner"], "value": n["value"] * unit} for n in state["notes"]],
        "published": state["published"],
        "minted": state["minted"] * unit,
        "fees": state["fees"] * unit,
    }


# --- a simulate run's final chain -------------------------------------------------------


def record_blocks(
    recorder: LedgerRecorder,
    state: RuntimeState,
    blocks: Sequence[tuple[int, bytes, tuple[bytes, ...], bytes]],
    params: ConsensusParams,
    settlements: Mapping[int, ledger.Settlement] | None = None,
) -> RuntimeState:
    """Rule 14.7: each final block ``(height, generator, payload, state root)`` in order, as
    the node applied it (:func:`duskspec.chain.execute_payload`, whose state root must be
    the final one the node recorded). A block of several transactions is recorded one
    transaction at a time (:func:`duskspec.runtime.block.execute`, as ``apply_block`` runs
    them), then the block's end (rewards, emission, slashes: ``settlements`` by height, the
    voters and slashes each block carried, spec/node.md rule 11.3); a block of one transaction
    is one transition (its end is a stutter of the notes)."""
    for height, generator, payload, root in blocks:
        paid = (settlements or {}).get(height) or ledger.Settlement()
        after, result = ledger.execute_payload(state, height, generator, payload, params, paid)
        if result.state_root != root:
            raise LedgerTraceError(f"block {height} does not re-execute to its final root")
        transactions = [ledger.decode_entry(entry)[0] for entry in payload]
        if len(transactions) == 1:
            record(recorder, state, transactions[0], after)
        else:
            current = state
            for tx in transactions:
                following, _ = rt.execute(current, tx)
                record(recorder, current, tx, following)
                current = following
            record(recorder, current, None, after)
        state = after
    return state


def simulation_trace(
    node: Any,
    genesis: ledger.Chain,
    params: ConsensusParams,
    folder: Path,
    keys: tuple[SecretKey, ...] = (),
    names: tuple[str, ...] = (),
) -> tuple[Path, LedgerRecorder]:
    """Rule 14.7: the ledger trace of one honest ``duskspec simulate`` node's final chain,
    from the genesis state every node starts with, read with the Phoenix ``keys`` of the
    workload's parties (named ``names``). Today's workload has none: a note no key owns is
    :data:`NOBODY`'s, with its clear value (an obfuscated one reads as 0, and its spend
    as a spend of no input, which never matches)."""
    state = ledger.state_at(genesis, genesis.final_hash)
    recorder = start(state, keys, names, len(state.notes))
    generators = {a.hash: a.generator for a in node.accepted}
    blocks = [
        (r.height, bytes(generators[r.hash]), r.payload, r.state_root) for r in node.chain.final
    ]
    settlements = {r.height: r.settlement for r in node.chain.final if r.settlement is not None}
    record_blocks(recorder, state, blocks, params, settlements)
    return write_ledger_trace(recorder, folder), recorder

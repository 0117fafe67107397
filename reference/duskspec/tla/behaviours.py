r"""Behaviours TLC generates, as JSON (spec/consensus.md §14: the TLC -> Python direction).

:func:`simulate_behaviours` runs TLC in simulation mode (``-simulate num=N -depth D -seed S``,
one worker, so the same seed gives the same behaviours) on a model and returns every
behaviour it generated as a list of steps. Nothing is added to the model: a wrapper module
``EXTENDS`` it and declares one invariant, :data:`EMIT`, which prints the state TLC just
checks together with the walk that led to it (``TLCExt!Trace``, whose states carry the
action and its parameters) as one JSON line (``Json!ToJson``); the last line of each walk is
the behaviour.

A step is ``{"action": name, "context": {parameter: value}, "state": {variable: value}}``;
the first step of a behaviour is ``{"action": "Init", "context": {}, "state": ...}``. Values
are TLC's JSON: sets, sequences and tuples are lists, records and functions are objects
(a function's keys become strings: ``[i \in 0..1 |-> ...]`` is ``{"0": ..., "1": ...}``),
model values are their names. TLC names an action after the definition it can split out of
the next-state relation: ``Mint(k, v)`` under ``\E k, v : Mint(k, v)`` is ``"Mint"`` with
context ``{"k": ..., "v": ...}``, but a disjunct whose quantifier bounds depend on each
other (``\E ins, fee : \E v1 \in 0..(Sum(ins) - fee) : Spend(...)``) is reported as the
enclosing ``"Next"`` with an empty context: a replayer then reads the step from the states.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from duskspec import paths
from duskspec.tla.tlc import find_tools, tlc_command

#: A behaviour: its steps, from the initial state on.
Behaviour = list[dict[str, Any]]

#: The wrapper's invariant: one JSON line per state TLC checks, carrying the behaviour that
#: leads to it (``TLCExt!Trace``: each state with its ``_action``).
EMIT = 'DuskspecEmit == PrintT(ToJson([level |-> TLCGet("level"), trace |-> Trace]))'

#: Config sections the wrapper drops: TLC checks nothing but :data:`EMIT`, and terminal
#: states end a behaviour instead of being reported as deadlocks.
_DROPPED = {
    "INVARIANT",
    "INVARIANTS",
    "PROPERTY",
    "PROPERTIES",
    "CHECK_DEADLOCK",
    "ALIAS",
    "POSTCONDITION",
    "VIEW",
}
_KEYWORDS = _DROPPED | {
    "CONSTANT",
    "CONSTANTS",
    "INIT",
    "NEXT",
    "SPECIFICATION",
    "SYMMETRY",
    "CONSTRAINT",
    "CONSTRAINTS",
    "ACTION_CONSTRAINT",
    "ACTION_CONSTRAINTS",
}


class BehaviourError(Exception):
    """TLC did not produce behaviours (the model or config is wrong); the message has TLC's
    last lines."""

    code = "tla.simulate_failed"


def wrapper_config(config_text: str) -> str:
    """``config_text`` without the sections in :data:`_DROPPED`, checking :data:`EMIT`."""
    kept: list[str] = []
    dropping = False
    for line in config_text.splitlines():
        words = line.split()
        if words and words[0] in _KEYWORDS:
            dropping = words[0] in _DROPPED
        if not dropping:
            kept.append(line)
    return "\n".join([*kept, "CHECK_DEADLOCK FALSE", "INVARIANT DuskspecEmit", ""])


def _clean(state: dict[str, Any]) -> dict[str, Any]:
    """A state's variables (``TLCExt!Trace`` adds ``_action``-like bookkeeping fields)."""
    return {k: v for k, v in state.items() if not k.startswith("_")}


def _step(index: int, state: dict[str, Any]) -> dict[str, Any]:
    action = state.get("_action", {})
    return {
        "action": "Init" if index == 0 else action["name"],
        "context": {} if index == 0 else action.get("context", {}),
        "state": _clean(state),
    }


def parse_behaviours(output: str) -> list[Behaviour]:
    """TLC's printed lines as behaviours. The simulator checks every successor the chosen
    action yields, then walks on from one of them, so the lines of one behaviour have
    non-decreasing levels and its last line carries the whole walk; a lower level, or the
    same level on another walk, starts the next behaviour. (The first lines, at level 1,
    are the initial-state check.)"""
    last: list[dict[str, Any]] = []
    behaviours: list[Behaviour] = []
    level = 0
    for line in output.splitlines():
        if not line.startswith('"{'):
            continue
        record = json.loads(json.loads(line))
        walk = record["trace"]
        sibling = record["level"] == level and walk[:-1] == last[:-1]
        if not sibling and record["level"] <= level and len(last) > 1:
            behaviours.append([_step(i, s) for i, s in enumerate(last)])
        level, last = record["level"], walk
    if len(last) > 1:
        behaviours.append([_step(i, s) for i, s in enumerate(last)])
    return behaviours


def _module_path(module: str | Path, models_dir: Path | None) -> Path:
    path = Path(module)
    if path.is_absolute():
        return path
    return (models_dir or paths.MODELS_DIR) / path


def simulate_behaviours(
    module: str | Path,
    config: str | Path,
    depth: int,
    seed: int,
    count: int,
    models_dir: Path | None = None,
) -> list[Behaviour]:
    """Up to ``count`` behaviours of at most ``depth`` actions that TLC draws from ``module``
    under ``config`` with ``seed`` (module and config relative to ``models_dir``, by default
    ``models/tla``, unless absolute). A behaviour that reaches a state with no successor
    ends there. Raises :class:`BehaviourError` when TLC fails, ``TlcUnavailable`` when Java
    or the jar is missing."""
    java, jar = find_tools()
    spec = _module_path(module, models_dir)
    cfg = _module_path(config, models_dir)
    with tempfile.TemporaryDirectory(prefix="duskspec-behaviours-") as work:
        folder = Path(work)
        for source in spec.parent.glob("*.tla"):
            shutil.copy(source, folder / source.name)
        wrapper = "DuskspecBehaviours"
        (folder / f"{wrapper}.tla").write_text(
            f"---- MODULE {wrapper} ----\n"
            f"EXTENDS {spec.stem}, TLC, TLCExt, Json, Sequences\n{EMIT}\n====\n"
        )
        (folder / f"{wrapper}.cfg").write_text(wrapper_config(cfg.read_text()))
        command = tlc_command(
            java,
            jar,
            folder / "meta",
            f"{wrapper}.cfg",
            f"{wrapper}.tla",
            "-simulate",
            f"num={count}",
            "-depth",
            str(depth),
            "-seed",
            str(seed),
        )
        proc = subprocess.run(command, capture_output=True, text=True, cwd=folder, check=False)
    if proc.returncode != 0:
        tail = " | ".join(_errors(proc.stdout + proc.stderr))
        raise BehaviourError(f"TLC exited {proc.returncode} on {spec.name}: {tail}")
    return parse_behaviours(proc.stdout)


_NOISE = re.compile(r'^("\{|Parsing|Semantic|Linting|Starting|Computed|Progress)')


def _errors(output: str) -> list[str]:
    lines = [line for line in output.splitlines() if line.strip() and not _NOISE.match(line)]
    return lines[-6:]

"""Operator mutation run: how many small bugs do the committed vectors alone catch?

``make mutation`` (or ``python tools/mutation.py [MODULE...] [--limit N] [--json FILE]``)
takes each module below ``reference/duskspec`` (default: :data:`DEFAULT_MODULES`, the ones
the vectors exercise), and for every mutation point inside a function makes one mutant:

- comparison: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``;
- arithmetic: ``+`` <-> ``-``, ``*`` -> ``//``, ``//`` -> ``*``, ``%`` -> ``//``;
- boolean: ``and`` <-> ``or``;
- off by one: an integer constant ``n`` (not a bool) -> ``n + 1``.

A mutant replaces the one function (or method) that holds it, everywhere the package refers
to that function, and the whole vector tree is replayed in process against it. It is
*killed* when a case fails, raises, or the replay exceeds :data:`TIMEOUT_S` (a mutant that
loops forever); otherwise it *survives*. The run prints one line per module with its score
and lists the survivors (module, line, change) for triage: a survivor is either a missing
vector or an equivalent mutant.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import json
import signal
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reference" / "duskspec"
DEFAULT_MODULES = (
    "consensus/sortition.py",
    "consensus/provisioners.py",
    "consensus/rewards.py",
    "consensus/slashing.py",
    "crypto/merkle.py",
    "encoding.py",
)
TIMEOUT_S = 60

COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
BINARY = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
}
BOOLEAN = {ast.And: ast.Or, ast.Or: ast.And}


@dataclass(frozen=True)
class Point:
    """One mutation: the node's position in the walk, where it is, what changes."""

    index: int
    line: int
    change: str
    owner: tuple[str, ...]  # (function,) or (class, method)


def _owners(tree: ast.Module) -> Iterator[tuple[tuple[str, ...], ast.AST]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield (node.name,), node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield (node.name, item.name), item


def points(tree: ast.Module) -> list[Point]:
    found: list[Point] = []
    for owner, function in _owners(tree):
        for node in ast.walk(function):
            change = _describe(node)
            if change:
                found.append(Point(len(found), getattr(node, "lineno", 0), change, owner))
    return found


def _describe(node: ast.AST) -> str | None:
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE:
        return f"{type(node.ops[0]).__name__} -> {COMPARE[type(node.ops[0])].__name__}"
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return f"{type(node.op).__name__} -> {BINARY[type(node.op)].__name__}"
    if isinstance(node, ast.BoolOp) and type(node.op) in BOOLEAN:
        return f"{type(node.op).__name__} -> {BOOLEAN[type(node.op)].__name__}"
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return f"{node.value} -> {node.value + 1}"
    return None


def mutate(tree: ast.Module, target: int) -> ast.Module:
    """A copy of ``tree`` with mutation point ``target`` applied."""
    mutated = copy.deepcopy(tree)
    seen = 0
    for _owner, function in _owners(mutated):
        for node in ast.walk(function):
            if not _describe(node):
                continue
            if seen == target:
                _apply(node)
                return ast.fix_missing_locations(mutated)
            seen += 1
    raise IndexError(target)


def _apply(node: ast.AST) -> None:
    if isinstance(node, ast.Compare):
        node.ops = [COMPARE[type(node.ops[0])]()]
    elif isinstance(node, ast.BinOp):
        node.op = BINARY[type(node.op)]()
    elif isinstance(node, ast.BoolOp):
        node.op = BOOLEAN[type(node.op)]()
    elif isinstance(node, ast.Constant):
        node.value = node.value + 1


class Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise Timeout


_CASES: list[tuple[dict[str, Any], bool, Any]] = []


def load_cases() -> None:
    """Read every committed case once (request and expectation), so the run is immune to
    the tree changing underneath it and does no file I/O per mutant."""
    from duskspec import paths
    from duskspec.vectors.verify import _expectation, find_cases, request_for

    _CASES.clear()
    for case_id, case in enumerate(find_cases(paths.VECTORS_DIR)):
        valid, expected = _expectation(case)
        _CASES.append((request_for(case, case_id), valid, expected))


def replay_fails() -> bool:
    """True when any committed case fails (or raises) against the current code."""
    from duskspec.vectors.adapter import answer

    for request, valid, expected in _CASES:
        try:
            reply = answer(request)
        except Timeout:
            raise
        except Exception:
            return True
        if valid and reply.get("post") != expected:
            return True
        if not valid and reply.get("error") != expected:
            return True
    return False


def _install(module: types.ModuleType, owner: tuple[str, ...], scratch: dict[str, Any]) -> Any:
    """Put the mutated function (from ``scratch``, the namespace the mutated module ran in)
    in place of the original everywhere; return a function that undoes it. Every other name
    in ``scratch`` is reset to the original object, so the mutant sees the real classes."""
    fresh = scratch[owner[0]]
    scratch.update(module.__dict__)
    if len(owner) == 1:
        original = module.__dict__[owner[0]]
        replacement = fresh
        swaps = []
        for loaded in list(sys.modules.values()):
            if loaded is None or not getattr(loaded, "__name__", "").startswith("duskspec"):
                continue
            for name, value in list(vars(loaded).items()):
                if value is original:
                    swaps.append((loaded, name))
                    setattr(loaded, name, replacement)

        def undo() -> None:
            for loaded, name in swaps:
                setattr(loaded, name, original)

        return undo
    cls = module.__dict__[owner[0]]
    original = cls.__dict__[owner[1]]
    setattr(cls, owner[1], fresh.__dict__[owner[1]])
    return lambda: setattr(cls, owner[1], original)


def run_module(rel: str, limit: int | None) -> dict[str, Any]:
    name = "duskspec." + rel.removesuffix(".py").replace("/", ".")
    module = importlib.import_module(name)
    source = (PACKAGE / rel).read_text()
    tree = ast.parse(source)
    chosen = points(tree)[:limit] if limit else points(tree)
    killed, survivors = 0, []
    for point in chosen:
        code = compile(mutate(tree, point.index), str(PACKAGE / rel), "exec")
        scratch = dict(module.__dict__)
        exec(code, scratch)
        undo = _install(module, point.owner, scratch)
        signal.alarm(TIMEOUT_S)
        try:
            dead = replay_fails()
        except Timeout:
            dead = True
        finally:
            signal.alarm(0)
            undo()
        if dead:
            killed += 1
        else:
            survivors.append(f"{rel}:{point.line} {'.'.join(point.owner)}: {point.change}")
    total = len(chosen)
    return {
        "module": rel,
        "mutants": total,
        "killed": killed,
        "score": killed / total if total else 1.0,
        "survivors": survivors,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tools/mutation.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules",
        nargs="*",
        default=list(DEFAULT_MODULES),
        help="paths below reference/duskspec (default: %(default)s)",
    )
    parser.add_argument("--limit", type=int, help="at most N mutants per module")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    load_cases()
    if replay_fails():
        print("error: mutation.baseline: the unmutated code fails the vectors", file=sys.stderr)
        return 1
    results = []
    for rel in args.modules:
        start = time.monotonic()
        result = run_module(rel, args.limit)
        results.append(result)
        print(
            f"{rel:<32} {result['killed']:>4} / {result['mutants']:<4} killed  "
            f"{result['score']:6.1%}  ({time.monotonic() - start:.0f} s)",
            flush=True,
        )
    for result in results:
        for survivor in result["survivors"]:
            print(f"survived: {survivor}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

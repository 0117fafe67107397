"""Operator mutation run: how many small bugs do the committed vectors alone catch?

``make mutation`` (or ``python tools/mutation.py [MODULE...] [--limit N | --sample N --seed S]
[--cases PREFIX] [--crypto fast|reference] [--regenerate] [--json FILE]``)
takes each module below ``reference/duskspec`` (default: :data:`DEFAULT_MODULES`, the ones
the vectors exercise), and for every mutation point inside a function makes one mutant:

- comparison: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``;
- arithmetic: ``+`` <-> ``-``, ``*`` -> ``//``, ``//`` -> ``*``, ``%`` -> ``//``;
- boolean: ``and`` <-> ``or``;
- off by one: an integer constant ``n`` (not a bool) -> ``n + 1``.

A mutant replaces the one function (or method) that holds it, everywhere the package refers
to that function, and every committed case that reaches the function (recorded once by a
profiled replay of the unmutated code) is replayed in process against it. It is *killed*
when a case fails, raises, or the replay takes more CPU time than :func:`timeout_s` allows
(a mutant that loops forever); otherwise it *survives*. The run prints one line per module
with its score and lists the survivors (module, line, change, how many cases reach the
function) for triage: a survivor is either a missing
vector or an equivalent mutant.

Some functions run only while the vectors are *generated*: a case carries the bytes they
produce (an SRS file, an example circuit, a prover key, a proof of a contract's circuit) and
the replay only decodes them (or a circuit the replay builds only for some inputs is built
for others at generation). With ``--regenerate``, a mutant the replay leaves alive is also
checked against the committed files: the handlers whose generation reaches its function
(recorded once by a profiled generation, like the replay; below ``--cases``) are regenerated
against the mutant, cheapest first, and it is killed when any committed file differs or
generation fails or runs out of time (``tests/test_vectors.py`` makes the same comparison for
the unmutated code). Generation
runs with an empty proof cache of its own per mutant (``DUSKSPEC_CACHE``): a mutant's
proof must never be stored under the unmutated code's key.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import json
import os
import pkgutil
import random
import signal
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reference" / "duskspec"
#: The modules whose rules the vectors pin. In ``crypto/``: every module a handler reaches
#: except ``bls_backends.py`` (group arithmetic delegated to arkworks, or to py_ecc only under
#: ``--crypto reference``: measure it per backend, e.g. ``crypto/bls_backends.py --crypto
#: reference --cases general/bls``), ``floor.py`` (the benchmark's pairing floor, no protocol
#: rule), ``plonk/`` (995 mutants, many replaying PLONK proving and the transfer circuit:
#: ``--plonk``, :data:`PLONK_MODULES`; see conformance-vectors/README.md).
DEFAULT_MODULES = (
    "consensus/sortition.py",
    "consensus/provisioners.py",
    "consensus/rewards.py",
    "consensus/slashing.py",
    "crypto/hashes.py",
    "crypto/merkle.py",
    "crypto/elgamal.py",
    "crypto/merkle_blake3.py",
    "crypto/merkle_poseidon.py",
    "crypto/sparse_merkle.py",
    "crypto/schnorr.py",
    "crypto/phoenix_keys.py",
    "crypto/bls.py",
    "crypto/poseidon.py",
    "crypto/jubjub.py",
    "encoding.py",
)
#: ``--plonk``: every module of ``crypto/plonk/`` and its gadgets (the prover side replays
#: PLONK proving and the transfer circuit, so this takes far longer than the default run),
#: except ``examples.py``, the example circuits the vector generator proves: a case carries
#: its circuit as bytes, so no replay calls them.
PLONK_MODULES = tuple(
    path.relative_to(PACKAGE).as_posix()
    for path in sorted((PACKAGE / "crypto" / "plonk").rglob("*.py"))
    if path.name not in ("__init__.py", "examples.py")
)
#: A mutant's replay may take this many times the unmutated CPU time of the cases it
#: replays (plus :data:`TIMEOUT_SLACK_S`) before it counts as looping; CPU time, so a loaded
#: machine does not turn slow survivors into kills.
TIMEOUT_FACTOR = 3
TIMEOUT_SLACK_S = 2.0


def timeout_s(baseline_cpu_s: float) -> float:
    return TIMEOUT_FACTOR * baseline_cpu_s + TIMEOUT_SLACK_S


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


#: Every committed case: request, valid?, expected post or error, and the functions of the
#: mutated modules it reaches (module path, owner), recorded once on the unmutated code.
_CASES: list[tuple[dict[str, Any], bool, Any, frozenset[tuple[str, tuple[str, ...]]]]] = []


def load_cases(modules: list[str], prefixes: tuple[str, ...] = ()) -> float:
    """Read every committed case once (request and expectation), so the run is immune to
    the tree changing underneath it and does no file I/O per mutant; replay each once on
    the unmutated code under a profiler to record which functions of ``modules`` it reaches.
    Returns the CPU seconds of that traced replay. With ``prefixes``, only the cases whose
    folder (relative to ``conformance-vectors/``) starts with one of them are read. A mutant
    is replayed only against the cases that reach its function: a case that never calls the
    function cannot see the change. Caches are emptied before each case
    (:func:`clear_caches`), so a call is not hidden behind a result cached by an earlier
    case."""
    from duskspec import paths
    from duskspec.vectors.verify import _expectation, find_cases, request_for

    spans = {
        str(PACKAGE / rel): (rel, _spans(ast.parse((PACKAGE / rel).read_text()))) for rel in modules
    }
    owner_of: dict[Any, tuple[str, tuple[str, ...]] | None] = {}
    _CASES.clear()
    start = time.process_time()
    clear_caches()
    before = _containers()
    chosen = [
        case
        for case in find_cases(paths.VECTORS_DIR)
        if not prefixes or case.relative_to(paths.VECTORS_DIR).as_posix().startswith(prefixes)
    ]
    for case_id, case in enumerate(chosen):
        valid, expected = _expectation(case)
        request = request_for(case, case_id)
        codes: set[Any] = set()

        def profile(frame: Any, event: str, _arg: Any, codes: set[Any] = codes) -> None:
            if event == "call":
                codes.add(frame.f_code)

        clear_caches()
        sys.setprofile(profile)
        try:
            passes = _case_passes(request, valid, expected)
        finally:
            sys.setprofile(None)
        if not passes:
            raise RuntimeError(f"the unmutated code fails case {request.get('handler')}")
        reached = set()
        for code in codes:
            if code not in owner_of:
                owner_of[code] = _owner_at(spans, code)
            if owner_of[code] is not None:
                reached.add(owner_of[code])
        _CASES.append((request, valid, expected, frozenset(reached)))  # type: ignore[arg-type]
    unlisted = unlisted_memos(before, _containers())
    if unlisted:
        raise RuntimeError(f"module-level state not emptied per case: {', '.join(unlisted)}")
    return time.process_time() - start


#: Module-level memos (dicts) the package fills by hand, as (module, name): emptied with
#: the ``functools`` caches. Without this a point decoded by the unmutated code (or an earlier
#: case) would be answered from ``jubjub._DECODED`` and hide every mutant of the decoding.
MEMOS = (
    ("duskspec.crypto.jubjub", "_DECODED"),
    ("duskspec.runtime.vm.host_queries", "_CACHE"),
    ("duskspec.crypto.plonk.polynomial", "_TWIDDLES"),
    ("duskspec.crypto.plonk.polynomial", "_SHIFT_POWERS"),
    ("duskspec.consensus.verification", "_committees"),
    ("duskspec.consensus.wire", "_decode_memo"),
    ("duskspec.chain", "_EXECUTED"),
    ("duskspec.chain", "_CHECKED"),
    ("duskspec.chain", "_DECODED"),
    ("duskspec.chain", "_PROVISIONERS"),
    ("duskspec.network.kadcast.node", "_CONTROL"),
)
#: Module-level containers a replay changes that are not memos of a result: the VM's
#: compiled WebAssembly (engines, modules, linkers, pools, keyed by configuration and
#: bytecode; the host functions they call are looked up when called, so a mutant is seen),
#: its stack of running sessions, and the committee memo's last round (which only decides
#: when old rounds are dropped). :func:`unlisted_memos` fails the run on any other.
NOT_MEMOS = (
    ("duskspec.runtime.vm.machine", "_ENGINES"),
    ("duskspec.runtime.vm.machine", "_IMPORT_NAMES"),
    ("duskspec.runtime.vm.machine", "_MODULES"),
    ("duskspec.runtime.vm.machine", "_PRE"),
    ("duskspec.runtime.vm.machine", "_ENTRIES"),
    ("duskspec.runtime.vm.machine", "_LINKERS"),
    ("duskspec.runtime.vm.machine", "_ACTIVE"),
    ("duskspec.runtime.vm.machine", "_RESETTABLE"),
    ("duskspec.runtime.vm.machine", "_POOLS"),
    ("duskspec.consensus.verification", "_last_round"),
)


def _containers() -> dict[tuple[str, str], tuple[int, int]]:
    """(identity, size) of every module-level dict, list or set of the package, with every
    module of the package imported first (so one imported during a replay is seen too)."""
    import duskspec

    for info in pkgutil.walk_packages(duskspec.__path__, "duskspec."):
        importlib.import_module(info.name)
    found = {}
    for loaded in list(sys.modules.values()):
        name = getattr(loaded, "__name__", "")
        if loaded is None or not name.startswith("duskspec"):
            continue
        for attr, value in list(vars(loaded).items()):
            if isinstance(value, (dict, list, set)):
                found[(name, attr)] = (id(value), len(value))
    return found


def unlisted_memos(
    before: dict[tuple[str, str], tuple[int, int]], after: dict[tuple[str, str], tuple[int, int]]
) -> list[str]:
    """The module-level containers that changed between two snapshots and are in neither
    :data:`MEMOS` nor :data:`NOT_MEMOS`: a memo the run does not empty would carry one
    mutant's results into the next mutant's replay (a false kill) or answer a mutant with
    the unmutated result (a false survivor)."""
    known = set(MEMOS) | set(NOT_MEMOS)
    return sorted(
        f"{module}.{attr}"
        for (module, attr), state in after.items()
        if (module, attr) not in known and before.get((module, attr)) != state
    )


def clear_caches() -> None:
    """Empty every ``functools`` cache of the package and every memo of :data:`MEMOS`, so no
    result computed by other code (the unmutated functions, or an earlier case) stands in
    for a call: a case's reach is then all it computes, and a mutant is seen through every
    cached caller."""
    for loaded in list(sys.modules.values()):
        if loaded is None or not getattr(loaded, "__name__", "").startswith("duskspec"):
            continue
        for value in list(vars(loaded).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
    for module_name, name in MEMOS:
        module = sys.modules.get(module_name)
        if module is not None:
            getattr(module, name).clear()


def _spans(tree: ast.Module) -> list[tuple[int, int, tuple[str, ...]]]:
    """(first line, last line, owner) of every function; a decorated function's code starts
    at its first decorator."""
    spans = []
    for owner, function in _owners(tree):
        assert isinstance(function, ast.FunctionDef)
        first = min([function.lineno] + [d.lineno for d in function.decorator_list])
        spans.append((first, function.end_lineno or function.lineno, owner))
    return spans


def _owner_at(
    spans: dict[str, tuple[str, list[tuple[int, int, tuple[str, ...]]]]], code: Any
) -> tuple[str, tuple[str, ...]] | None:
    """The (module, owner) whose source lines hold ``code`` (the function itself, or a
    comprehension, lambda or closure inside it)."""
    if code.co_filename not in spans:
        return None
    rel, owners = spans[code.co_filename]
    for first, last, owner in owners:
        if first <= code.co_firstlineno <= last:
            return rel, owner
    return None


#: Per handler (``preset/component/name``): its committed files (every part but the
#: manifest, by case folder), the functions of the mutated modules its generation reaches,
#: and the unmutated generation's CPU seconds. Filled by :func:`trace_generation`.
_GENERATION: dict[str, tuple[dict[str, dict[str, Any]], frozenset[Any], float]] = {}


@contextmanager
def _empty_proof_cache() -> Iterator[None]:
    """Run the block with ``DUSKSPEC_CACHE`` naming a fresh, empty folder (removed after),
    then put back what the variable was."""
    before = os.environ.get("DUSKSPEC_CACHE")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["DUSKSPEC_CACHE"] = cache
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("DUSKSPEC_CACHE", None)
            else:
                os.environ["DUSKSPEC_CACHE"] = before


def _generated(handler: Any) -> dict[str, dict[str, Any]]:
    """Every case of ``handler`` rendered now, as JSON values by case folder."""
    from duskspec.vectors.generate import render_case

    out = {}
    for case in handler.cases():
        rendered = render_case(handler, case)
        files = {n: c for n, c in rendered.files.items() if n != "manifest.json"}
        out[rendered.relpath] = json.loads(json.dumps(files))
    return out


def _committed(relpath: str, names: Any) -> dict[str, Any]:
    from duskspec import paths

    folder = paths.VECTORS_DIR / relpath
    return {name: json.loads((folder / name).read_text()) for name in names}


def trace_generation(modules: list[str], prefixes: tuple[str, ...] = ()) -> float:
    """Generate every handler (below ``prefixes``, if given) once on the unmutated code under
    a profiler, with an empty proof cache, recording which functions of ``modules`` it
    reaches; its output must equal the committed files. Returns the CPU seconds."""
    from duskspec.vectors.registry import all_handlers

    spans = {
        str(PACKAGE / rel): (rel, _spans(ast.parse((PACKAGE / rel).read_text()))) for rel in modules
    }
    _GENERATION.clear()
    start = time.process_time()
    for handler in all_handlers():
        key = f"{handler.preset}/{handler.component}/{handler.name}"
        if prefixes and not any(key.startswith(p) or p.startswith(key) for p in prefixes):
            continue
        codes: set[Any] = set()

        def profile(frame: Any, event: str, _arg: Any, codes: set[Any] = codes) -> None:
            if event == "call":
                codes.add(frame.f_code)

        clear_caches()
        began = time.process_time()
        with _empty_proof_cache():
            sys.setprofile(profile)
            try:
                files = _generated(handler)
            finally:
                sys.setprofile(None)
        cost = time.process_time() - began
        for relpath, parts in files.items():
            if _committed(relpath, parts) != parts:
                raise RuntimeError(f"{relpath} does not regenerate as committed")
        reached = frozenset(filter(None, (_owner_at(spans, code) for code in codes)))
        _GENERATION[key] = (files, reached, cost)
    return time.process_time() - start


def regeneration_fails(target: tuple[str, tuple[str, ...]]) -> str | None:
    """The first handler whose generation reaches ``target`` and, against the current code,
    no longer gives the committed files (or raises, or exceeds :func:`timeout_s` of its
    unmutated generation); None when every such handler regenerates as committed."""
    from duskspec.vectors.registry import all_handlers

    by_key = {f"{h.preset}/{h.component}/{h.name}": h for h in all_handlers()}
    for key, (files, reached, cost) in sorted(_GENERATION.items(), key=lambda kv: kv[1][2]):
        if target not in reached:
            continue
        clear_caches()
        signal.setitimer(signal.ITIMER_VIRTUAL, timeout_s(cost))
        try:
            with _empty_proof_cache():
                same = _generated(by_key[key]) == files
        except Exception:
            same = False
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        if not same:
            return key
    return None


def generated_by(target: tuple[str, tuple[str, ...]]) -> list[str]:
    return [key for key, (_f, reached, _c) in _GENERATION.items() if target in reached]


def replay_fails(target: tuple[str, tuple[str, ...]]) -> bool:
    """True when a committed case that reaches ``target`` fails (or raises) against the
    current code.

    The order of the replay does not change the verdict (a mutant survives only when every
    case passes), only how soon a killed mutant is found: the case that killed the last
    mutant moves to the front, since neighbouring mutants of one function tend to fall to
    the same case."""
    for position, (request, valid, expected, reached) in enumerate(_CASES):
        if target in reached and not _case_passes(request, valid, expected):
            _CASES.insert(0, _CASES.pop(position))
            return True
    return False


#: Unmutated CPU seconds of each case, by request id.
_COST: dict[Any, float] = {}


def reaching(target: tuple[str, tuple[str, ...]]) -> int:
    return sum(target in reached for *_rest, reached in _CASES)


def budget_s(target: tuple[str, tuple[str, ...]]) -> float:
    """CPU seconds a mutant of ``target`` may take: :func:`timeout_s` of the unmutated cost
    of the cases that reach it."""
    cost = sum(_COST[r["id"]] for r, _v, _e, reached in _CASES if target in reached)
    return timeout_s(cost)


def _case_passes(request: dict[str, Any], valid: bool, expected: Any) -> bool:
    from duskspec.vectors.adapter import answer

    try:
        reply = answer(request)
    except Timeout:
        raise
    except Exception:
        return False
    if valid:
        return "error" not in reply and reply.get("post") == expected
    return reply.get("error") == expected


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


def sample(found: list[Point], limit: int | None, size: int | None, seed: int) -> list[Point]:
    """The mutants to run: the first ``limit``, or ``size`` drawn by ``random.Random(seed)``
    (kept in source order), or all."""
    if limit:
        return found[:limit]
    if size and size < len(found):
        return sorted(random.Random(seed).sample(found, size), key=lambda p: p.index)
    return found


def run_module(
    rel: str, limit: int | None, size: int | None = None, seed: int = 0
) -> dict[str, Any]:
    name = "duskspec." + rel.removesuffix(".py").replace("/", ".")
    module = importlib.import_module(name)
    source = (PACKAGE / rel).read_text()
    tree = ast.parse(source)
    found = points(tree)
    chosen = sample(found, limit, size, seed)
    killed, survivors, regenerated = 0, [], []
    for point in chosen:
        target = (rel, point.owner)
        code = compile(mutate(tree, point.index), str(PACKAGE / rel), "exec")
        scratch = dict(module.__dict__)
        exec(code, scratch)
        undo = _install(module, point.owner, scratch)
        clear_caches()
        signal.setitimer(signal.ITIMER_VIRTUAL, budget_s(target))
        try:
            dead = replay_fails(target)
        except Timeout:
            dead = True
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        where = None
        try:
            if not dead and _GENERATION:
                where = regeneration_fails(target)
        finally:
            undo()
        name = f"{rel}:{point.line} {'.'.join(point.owner)}: {point.change}"
        if dead or where:
            killed += 1
        if where:
            regenerated.append(f"{name} (regenerating {where} differs)")
        if not dead and not where:
            generated = ", ".join(generated_by(target)) or "none"
            note = f"; regenerated: {generated}" if _GENERATION else ""
            survivors.append(f"{name} ({reaching(target)} cases reach it{note})")
    total = len(chosen)
    return {
        "module": rel,
        "mutants": total,
        "points": len(found),
        "killed": killed,
        "killed_at_regeneration": regenerated,
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
    parser.add_argument(
        "--plonk", action="store_true", help="run the modules of crypto/plonk/ (PLONK_MODULES)"
    )
    parser.add_argument("--limit", type=int, help="at most N mutants per module")
    parser.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="run N mutants per module drawn with --seed (for modules too slow to run whole)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (default: 0)")
    parser.add_argument(
        "--cases",
        action="append",
        default=[],
        metavar="PREFIX",
        help="replay only the cases below conformance-vectors/PREFIX (repeatable; default: all)",
    )
    parser.add_argument(
        "--crypto",
        choices=("fast", "reference"),
        help="the crypto backend of the replay, for BLS and PLONK's Fr (default: "
        "DUSKSPEC_CRYPTO, else fast)",
    )
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="also regenerate, against each mutant the replay leaves alive, the handlers "
        "whose generation reaches it (below --cases), and compare with the committed files",
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.plonk:
        args.modules = list(PLONK_MODULES)
    signal.signal(signal.SIGVTALRM, _alarm)
    if args.crypto:
        os.environ["DUSKSPEC_CRYPTO"] = args.crypto
    try:
        traced = load_cases(args.modules, tuple(args.cases))
    except RuntimeError as exc:
        print(f"error: mutation.baseline: {exc}", file=sys.stderr)
        return 1
    for request, valid, expected, _reached in _CASES:
        clear_caches()
        start = time.process_time()
        _case_passes(request, valid, expected)
        _COST[request["id"]] = time.process_time() - start
    baseline = sum(_COST.values())
    if args.regenerate:
        try:
            generated = trace_generation(args.modules, tuple(args.cases))
        except RuntimeError as exc:
            print(f"error: mutation.baseline: {exc}", file=sys.stderr)
            return 1
        print(f"{len(_GENERATION)} handlers; traced generation {generated:.1f} s CPU", flush=True)
    print(
        f"{len(_CASES)} cases; traced replay {traced:.1f} s CPU, "
        f"unmutated replay {baseline:.1f} s CPU; a mutant is cut off after "
        f"{TIMEOUT_FACTOR}x the CPU time of the cases it replays + {TIMEOUT_SLACK_S:.0f} s",
        flush=True,
    )
    results = []
    for rel in args.modules:
        start_cpu, start_wall = time.process_time(), time.monotonic()
        result = run_module(rel, args.limit, args.sample, args.seed)
        result["cpu_s"] = round(time.process_time() - start_cpu, 1)
        result["wall_s"] = round(time.monotonic() - start_wall, 1)
        results.append(result)
        drawn = (
            f"; {result['mutants']} of {result['points']} drawn, seed {args.seed}"
            if result["mutants"] < result["points"]
            else ""
        )
        print(
            f"{rel:<32} {result['killed']:>4} / {result['mutants']:<4} killed  "
            f"{result['score']:6.1%}  ({result['cpu_s']:.0f} s CPU, {result['wall_s']:.0f} s"
            f"{drawn})",
            flush=True,
        )
        for survivor in result["killed_at_regeneration"]:
            print(f"  killed at regeneration: {survivor}", flush=True)
        for survivor in result["survivors"]:
            print(f"  survived: {survivor}", flush=True)
    for group in ("consensus/", "crypto/"):
        chosen = [r for r in results if r["module"].startswith(group)]
        if chosen:
            killed = sum(r["killed"] for r in chosen)
            total = sum(r["mutants"] for r in chosen)
            print(
                f"{group:<32} {killed:>4} / {total:<4} killed  {killed / total:6.1%}  (modules run)"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

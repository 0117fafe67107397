"""``duskspec bench``: measurements taken side by side in one run (never in tests).

A suite is a function returning a :class:`Suite`: rows of measurements plus the ratios the
suite is about. The runner prints each as a table, writes ``<out>/<suite>.json``, and with
``--json`` prints one JSON object instead (a single suite's object, or ``{"suites": [...]}``).
Time is read here and only here, as CPU time (``time.process_time``): benchmarks observe
the protocol, never feed it. Rows whose ratio a suite reports are timed by
:func:`interleaved_medians`, batch after batch in turn, so load on the machine weighs on all
of them alike.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def suites() -> dict[str, str]:
    """Suite name -> module: every module of this package exposes ``run() -> Suite``."""
    return {
        m.name: f"{__name__}.{m.name}"
        for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    }


@dataclass
class Suite:
    name: str
    title: str
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"suite": self.name, "title": self.title, "rows": self.rows, "notes": self.notes}


def median_seconds(
    fn: Callable[[], object], *, repeat: int = 7, min_batch_s: float = 0.02
) -> float:
    """Median over ``repeat`` batches of the CPU time of one call; each batch loops until it
    has run for at least ``min_batch_s`` so that fast calls are not lost in timer noise."""
    return interleaved_medians({"": fn}, repeat=repeat, min_batch_s=min_batch_s)[""]


def _no_context(_name: str) -> AbstractContextManager[object]:
    return nullcontext()


def interleaved_medians(
    calls: dict[str, Callable[[], object]],
    *,
    repeat: int = 7,
    min_batch_s: float = 0.02,
    around: Callable[[str], AbstractContextManager[object]] = _no_context,
) -> dict[str, float]:
    """Median CPU seconds of one call of each of ``calls``. Each call is warmed up and given
    a batch size (loops doubling until a batch takes ``min_batch_s`` of CPU); then ``repeat``
    rounds each run one batch of every call in turn, so the calls compared share the same
    moments of the machine. ``around(name)`` is entered around each batch, outside the timed
    region (e.g. a BLS backend switch)."""
    loops: dict[str, int] = {}
    for name, fn in calls.items():
        with around(name):
            fn()  # warm-up: imports, caches, allocator
            loops[name] = 1
            while _batch_cpu_s(fn, loops[name]) < min_batch_s:
                loops[name] *= 2
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, fn in calls.items():
            with around(name):
                samples[name].append(_batch_cpu_s(fn, loops[name]) / loops[name])
    return {name: statistics.median(values) for name, values in samples.items()}


def _batch_cpu_s(fn: Callable[[], object], loops: int) -> float:
    start = time.process_time()
    for _ in range(loops):
        fn()
    return time.process_time() - start


def render(suite: Suite, console: Console) -> None:
    table = Table(title=suite.title)
    columns = list(suite.rows[0]) if suite.rows else []
    for column in columns:
        table.add_column(
            column, justify="right" if isinstance(suite.rows[0][column], float | int) else "left"
        )
    for row in suite.rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)
    for note in suite.notes:
        console.print(note)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def run_suites(names: list[str], *, as_json: bool, out_dir: Path) -> int:
    known = suites()
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"error: unknown suite(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    # Piped output is read as a record: never truncate its columns to a terminal's width.
    console = Console() if Console().is_terminal else Console(width=240)
    results = []
    for name in names or list(known):
        suite: Suite = importlib.import_module(known[name]).run()
        results.append(suite)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{name}.json").write_text(
            json.dumps(suite.to_json(), indent=2, sort_keys=True) + "\n"
        )
        if not as_json:
            render(suite, console)
    if as_json:
        doc = (
            results[0].to_json()
            if len(results) == 1
            else {"suites": [s.to_json() for s in results]}
        )
        print(json.dumps(doc, sort_keys=True))
    return 0

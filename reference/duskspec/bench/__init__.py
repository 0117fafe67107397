"""``duskspec bench``: measurements taken side by side in one run (never in tests).

A suite is a function returning a :class:`Suite`: rows of measurements plus the ratios the
suite is about. The runner prints each as a table, writes ``<out>/<suite>.json``, and with
``--json`` prints one JSON object instead (a single suite's object, or ``{"suites": [...]}``).
Wall-clock time is read here and only here: benchmarks observe the protocol, never feed it.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import statistics
import time
from collections.abc import Callable
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
    """Median over ``repeat`` batches of the time of one call; each batch loops until it has
    run for at least ``min_batch_s`` so that fast calls are not lost in timer noise."""
    fn()  # warm-up: imports, caches, JIT-free but allocator-warm
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_batch_s:
            break
        loops *= 2
    samples = [elapsed / loops]
    for _ in range(repeat - 1):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples)


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

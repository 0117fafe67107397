"""The bench times the rows it compares interleaved, by CPU time (issue 11, bench ``--json``
ratios). No timing is asserted: the tests check the order of the batches and the clock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest

from duskspec import bench


def test_batches_of_the_compared_calls_alternate() -> None:
    trace: list[str] = []
    calls = {name: (lambda name=name: trace.append(name)) for name in ("fast", "reference")}
    bench.interleaved_medians(calls, repeat=3, min_batch_s=0.0)
    # warm-up and calibration of each, then three rounds of one batch each, in turn
    rounds = trace[4:]
    assert rounds == ["fast", "reference"] * 3


def test_around_wraps_each_batch_with_its_name() -> None:
    entered: list[str] = []

    @contextlib.contextmanager
    def around(name: str) -> Iterator[None]:
        entered.append(name)
        yield

    bench.interleaved_medians(
        {"a": lambda: None, "b": lambda: None}, repeat=2, min_batch_s=0.0, around=around
    )
    assert entered == ["a", "b", "a", "b", "a", "b"]


def test_the_clock_is_cpu_time(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(1000))
    monkeypatch.setattr(time, "process_time", lambda: float(next(ticks)))
    monkeypatch.setattr(time, "perf_counter", lambda: pytest.fail("wall clock read"))
    medians = bench.interleaved_medians({"x": lambda: None}, repeat=3, min_batch_s=0.5)
    assert medians == {"x": 1.0}

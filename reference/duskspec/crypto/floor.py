"""The crypto floor of a run: CPU time of every distinct BLS operation, timed where it runs
(spec/consensus.md §11, benchmarks/README.md).

A :class:`FloorMeter` made active with :func:`metering` watches the metered façade
functions of :mod:`duskspec.crypto.bls` (:data:`METERED`). The first call with given
arguments is a *distinct* operation: its CPU time (``time.process_time``) is added to the
floor. A later call with the same arguments is a *repeat*: counted, not added, since an
implementation that keeps its results need not pay for it again. The floor is therefore
what any implementation that signs, aggregates and verifies each distinct thing once must
spend, measured on this machine, in this process, interleaved with the run it belongs to.

Nothing here changes a result: the meter only reads the clock around calls it lets through
unchanged. With no meter active a metered call costs one global read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ParamSpec, TypeVar

#: The operations counted (façade functions of :mod:`duskspec.crypto.bls`).
METERED = ("sign", "sign_multisig", "verify", "aggregate_signatures", "aggregate_public_keys")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class OperationCount:
    distinct: int = 0
    repeats: int = 0
    cpu_s: float = 0.0


@dataclass
class FloorMeter:
    """Per operation: distinct calls, repeats and the CPU seconds of the distinct ones."""

    operations: dict[str, OperationCount] = field(default_factory=dict)
    #: Python hashes of the (operation, arguments) already seen: 64-bit, so a long run's
    #: memory does not grow by the arguments themselves.
    _seen: set[int] = field(default_factory=set)
    #: Rule 11.2 (spec/consensus.md): the seen hashes of the previous generation.
    _seen_before: set[int] = field(default_factory=set)
    _depth: int = 0

    def advance(self) -> None:
        """Rule 11.2: start a new generation. An operation last seen two generations ago
        or earlier counts as distinct again if it is repeated (its result is no longer
        assumed kept), so the seen set holds at most two generations of operations."""
        self._seen_before, self._seen = self._seen, set()

    @property
    def seen_entries(self) -> int:
        return len(self._seen) + len(self._seen_before)

    @property
    def cpu_s(self) -> float:
        return sum(op.cpu_s for op in self.operations.values())

    @property
    def distinct(self) -> int:
        return sum(op.distinct for op in self.operations.values())

    def summary(self) -> dict[str, dict[str, float | int]]:
        return {
            name: {"distinct": op.distinct, "repeats": op.repeats, "cpu_s": op.cpu_s}
            for name, op in sorted(self.operations.items())
        }


_active: FloorMeter | None = None


@contextmanager
def metering(meter: FloorMeter) -> Iterator[FloorMeter]:
    """Count into ``meter`` for the duration of the block (not re-entrant across threads)."""
    global _active
    previous, _active = _active, meter
    try:
        yield meter
    finally:
        _active = previous


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if all(isinstance(v, bytes | int | str) for v in value):
            return tuple(value)  # the common case (keys, signatures): no recursion
        return tuple(_hashable(v) for v in value)
    return value


def metered(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a façade function so an active meter times its distinct calls."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            meter = _active
            if meter is None or meter._depth:
                return function(*args, **kwargs)
            named = _hashable(tuple(sorted(kwargs.items()))) if kwargs else ()
            key = hash((name, _hashable(args), named))
            count = meter.operations.setdefault(name, OperationCount())
            if key in meter._seen or key in meter._seen_before:
                meter._seen.add(key)
                count.repeats += 1
                return function(*args, **kwargs)
            meter._depth += 1
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                count.cpu_s += time.process_time() - start
                meter._depth -= 1
                count.distinct += 1
                meter._seen.add(key)

        return call

    return wrap

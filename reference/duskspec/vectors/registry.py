"""Vector handlers: what a case's parts mean and the one function that computes ``post``.

A handler's ``run(pre, input) -> post`` is the reference itself (or a thin call into it):
generation calls it to write ``post.json``, and replay calls it again to check. An invalid
case is one whose ``run`` raises :class:`~duskspec.errors.ProtocolError`; its code is
recorded as ``expected_error`` and no ``post.json`` is written (spec/vectors.md §1).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: Presets a case can belong to. ``general`` cases do not depend on protocol constants.
PRESETS = ("general", "tiny", "mainnet")

#: Package whose modules define handlers; each module exposes ``HANDLERS: tuple[Handler, ...]``.
HANDLER_PACKAGE = "duskspec.vectors.handlers"


def handler_modules() -> list[str]:
    """Every module of :data:`HANDLER_PACKAGE`, sorted by name (so order never depends on
    the file system)."""
    package = importlib.import_module(HANDLER_PACKAGE)
    return sorted(f"{HANDLER_PACKAGE}.{m.name}" for m in pkgutil.iter_modules(package.__path__))


@dataclass(frozen=True)
class Case:
    """One case as a generator yields it, before ``post`` is computed."""

    name: str
    description: str
    input: Any
    pre: Any = None
    seed: int = 0
    #: An error code the case must raise; ``None`` for a valid case.
    expected_error: str | None = None
    #: Where an externally published expected value comes from (e.g. Dusk's own tests).
    source: str | None = None
    #: That published value; generation fails unless ``run`` reproduces it exactly.
    published_post: Any = None
    crypto: str = "real"


@dataclass(frozen=True)
class Handler:
    preset: str
    component: str
    name: str
    intent: str
    input_type: Any
    post_type: Any
    run: Callable[[Any, Any], Any]
    cases: Callable[[], Iterable[Case]]
    pre_type: Any = None
    #: Multi-step cases store their input as ``steps.json`` (a list of step inputs).
    multi_step: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.preset, self.component, self.name)

    @property
    def generator(self) -> str:
        return f"{self.run.__module__}.{self.run.__qualname__}"


def all_handlers() -> tuple[Handler, ...]:
    """Every registered handler, sorted by (preset, component, name)."""
    handlers: list[Handler] = []
    for module_name in handler_modules():
        handlers.extend(importlib.import_module(module_name).HANDLERS)
    keys = [h.key for h in handlers]
    if len(set(keys)) != len(keys):
        raise RuntimeError("two handlers share a (preset, component, name)")
    return tuple(sorted(handlers, key=lambda h: h.key))


def handler_index() -> dict[tuple[str, str, str], Handler]:
    return {h.key: h for h in all_handlers()}


def rejected(name: str, description: str, input: Any, code: str, **fields: Any) -> Case:
    """An invalid case: ``input`` must be refused with error ``code`` (the shape most
    invalid cases share; ``fields`` are any other :class:`Case` fields, e.g. ``pre``)."""
    return Case(name, description, input, expected_error=code, **fields)

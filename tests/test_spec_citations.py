"""Every Python symbol and TLA+ action that spec/ cites exists (docs/architecture.md §6)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from duskspec import paths

SPEC_DIR = paths.REPO_ROOT / "spec"
PY_CITATION = re.compile(r"`(duskspec(?:\.\w+)+)`")
TLA_CITATION = re.compile(r"`([A-Z]\w*)!(\w+)`")


def resolve(dotted: str) -> object:
    """Import the longest importable module prefix, then walk attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def tla_defines(module: str, name: str) -> bool:
    path = paths.MODELS_DIR / f"{module}.tla"
    if not path.is_file():
        return False
    return (
        re.search(rf"^\s*{re.escape(name)}\s*(\(.*?\))?\s*==", path.read_text(), re.M) is not None
    )


def citations() -> list[tuple[Path, str]]:
    found = []
    for chapter in sorted(SPEC_DIR.glob("*.md")):
        text = chapter.read_text()
        found += [(chapter, m) for m in PY_CITATION.findall(text)]
        found += [(chapter, f"{a}!{b}") for a, b in TLA_CITATION.findall(text)]
    return found


def test_spec_cites_something() -> None:
    assert len(citations()) > 20


@pytest.mark.parametrize(
    ("chapter", "symbol"), citations(), ids=lambda x: x if isinstance(x, str) else x.name
)
def test_cited_symbol_exists(chapter: Path, symbol: str) -> None:
    if "!" in symbol:
        module, action = symbol.split("!")
        assert tla_defines(module, action), f"{chapter.name}: {symbol} is not defined in models/tla"
    else:
        resolve(symbol)


def test_a_missing_symbol_is_detected() -> None:
    with pytest.raises(AttributeError):
        resolve("duskspec.encoding.no_such_function")
    assert not tla_defines("Ledger", "NoSuchAction")

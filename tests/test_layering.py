"""docs/architecture.md §1: imports flow one way, and protocol layers never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from duskspec import paths

PACKAGE = paths.REPO_ROOT / "reference" / "duskspec"

#: For each top-level part of the package, the parts it may import.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "types": set(),
    "paths": set(),
    "encoding": {"errors", "types"},
    "crypto": {"errors", "types", "encoding"},
    "network": {"errors", "types", "encoding", "crypto"},
    "consensus": {"errors", "types", "encoding", "crypto"},
    "runtime": {"errors", "types", "encoding", "crypto"},
    "workload": {
        "errors",
        "types",
        "encoding",
        "crypto",
        "consensus",
        "runtime",
        "chain",
        "phoenix_pool",
    },
    # The workload's Phoenix proofs, made ahead of time (spec/node.md rule 9.3).
    "phoenix_pool": {"errors", "types", "encoding", "crypto", "runtime"},
    "chain": {"errors", "types", "encoding", "crypto", "consensus", "runtime"},
    "node": {"errors", "types", "encoding", "crypto", "network", "consensus", "runtime", "chain"},
    "simulation": {
        "errors",
        "types",
        "encoding",
        "crypto",
        "network",
        "consensus",
        "runtime",
        "node",
        "chain",
        "workload",
        "attack",
    },
    "attack": {"errors", "types", "encoding", "crypto", "network", "consensus", "node"},
    "sweep": {
        "errors",
        "types",
        "encoding",
        "crypto",
        "network",
        "consensus",
        "node",
        "simulation",
        "attack",
    },
    "report": {"errors", "types", "encoding", "crypto", "network", "consensus", "simulation"},
    "bench": {
        "errors",
        "types",
        "encoding",
        "crypto",
        "network",
        "consensus",
        "runtime",
        "node",
        "chain",
        "simulation",
    },
    "vectors": {
        "errors",
        "types",
        "paths",
        "encoding",
        "crypto",
        "network",
        "consensus",
        "runtime",
        "node",
    },
    # Trace validation (spec/consensus.md §14) drives the protocol layers from TLC's side.
    "tla": {
        "errors",
        "types",
        "paths",
        "encoding",
        "crypto",
        "network",
        "consensus",
        "runtime",
        "node",
        "chain",
    },
    "cli": {"*"},
    "cli_support": {"*"},
    "cli_sweep": {"*"},
    "__init__": set(),
}


def part_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imported_parts(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("duskspec"):
            names = node.module.split(".")
            found.add(names[1] if len(names) > 1 else node.names[0].name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "duskspec" and len(names) > 1:
                    found.add(names[1])
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_stay_in_their_layer(path: Path) -> None:
    part = part_of(path)
    allowed = ALLOWED[part]
    if "*" in allowed:
        return
    foreign = (
        {p for p in imported_parts(path) if p != part} - allowed - {"__version__", "SPEC_VERSION"}
    )
    assert not foreign, f"{part} may not import {sorted(foreign)}"


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from duskspec.consensus import x\nimport duskspec.runtime.vm\n")
    assert imported_parts(probe) == {"consensus", "runtime"}

"""``conformance-vectors/errors.json``: every protocol error code with the spec rule that
defines it (spec/vectors.md §6).

Codes are collected from the package's source (every string literal of the form
``<component>.<reason>`` for the protocol components) and from the cases' ``expected_error``;
the rule is the numbered rule, ``**V…**`` item or section heading of ``spec/`` under which the
code first appears. A code that appears in no chapter has no rule, and generation refuses it,
so the list and the spec stay complete together (``tests/test_errors_index.py``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from duskspec import paths

COMPONENTS = ("encoding", "crypto", "network", "consensus", "runtime", "node", "vectors")
CODE = re.compile(r'"((?:' + "|".join(COMPONENTS) + r')\.[a-z0-9_]*[a-z0-9])"')
ANCHOR = re.compile(r"Rule \d+\.\d+|\*\*V\d+\.\d+\*\*|^#{2,4} .+$", re.MULTILINE)


def package_codes(package: Path | None = None) -> set[str]:
    """Error codes written in the package's source."""
    root = package or Path(__file__).resolve().parents[1]
    found: set[str] = set()
    for source in sorted(root.rglob("*.py")):
        found |= set(CODE.findall(source.read_text()))
    return found


def rule_of(code: str, spec_dir: Path) -> str | None:
    """``spec/<chapter> <anchor>`` where ``code`` first appears, or ``None``."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(code) + r"(?![\w])")
    own = spec_dir / f"{code.split('.')[0]}.md"  # the component's chapter first
    for chapter in sorted(spec_dir.glob("*.md"), key=lambda c: (c != own, c.name)):
        text = chapter.read_text()
        hit = pattern.search(text)
        if hit is None:
            continue
        anchors = [m.group(0) for m in ANCHOR.finditer(text, 0, hit.start())]
        label = anchors[-1].lstrip("#").strip().strip("*") if anchors else ""
        return f"spec/{chapter.name} {label}".strip()
    return None


def errors_index(vector_codes: dict[str, int], spec_version: str) -> dict[str, Any]:
    """The document: each code, its rule, and how many committed cases expect it."""
    spec_dir = paths.REPO_ROOT / "spec"
    codes = sorted(package_codes() | set(vector_codes))
    entries = []
    unruled = []
    for code in codes:
        rule = rule_of(code, spec_dir)
        if rule is None:
            unruled.append(code)
        entries.append({"code": code, "rule": rule, "vectors": vector_codes.get(code, 0)})
    if unruled:
        raise RuntimeError(f"error codes named in no spec chapter: {', '.join(unruled)}")
    return {
        "description": "Every protocol error code, the spec rule defining it, and the number "
        "of committed cases expecting it. Generated; do not edit.",
        "spec_version": spec_version,
        "codes": entries,
    }

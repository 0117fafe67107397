"""spec_version follows semantic versioning with the vectors' CHANGELOG (issue 11): one
constant, equal to the newest released CHANGELOG heading, in every manifest and in
errors.json. A release renames the "Unreleased" heading to the new version and bumps
``duskspec.SPEC_VERSION``; this test fails if either is done without the other."""

from __future__ import annotations

import json
import re
from pathlib import Path

from duskspec import SPEC_VERSION, paths

SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
PACKAGE = Path(__file__).resolve().parents[1] / "reference" / "duskspec"


def _released() -> list[str]:
    """The CHANGELOG's release headings, newest first (``Unreleased`` skipped)."""
    text = (paths.VECTORS_DIR / "CHANGELOG.md").read_text()
    headings = [h.strip() for h in HEADING.findall(text)]
    assert headings and headings[0].startswith("Unreleased"), "keep an Unreleased heading on top"
    return [h for h in headings if not h.startswith("Unreleased")]


def test_spec_version_is_semver() -> None:
    assert SEMVER.fullmatch(SPEC_VERSION)


def test_spec_version_is_the_newest_released_changelog_heading() -> None:
    released = _released()
    assert all(SEMVER.fullmatch(h) for h in released), released
    assert released[0] == SPEC_VERSION
    as_numbers = [tuple(int(p) for p in h.split(".")) for h in released]
    assert as_numbers == sorted(as_numbers, reverse=True), "releases newest first, increasing"


def test_spec_version_is_one_constant() -> None:
    definitions = []
    literal = re.compile(r"""spec_version["']?\s*[:=]\s*["'][0-9]""", re.IGNORECASE)
    for source in sorted(PACKAGE.rglob("*.py")):
        text = source.read_text()
        definitions += [source.name for _ in re.finditer(r"^SPEC_VERSION\s*=", text, re.M)]
        if source.name != "__init__.py" or source.parent != PACKAGE:
            assert not literal.search(text), f"{source}: a spec_version written as a literal"
    assert definitions == ["__init__.py"]


def test_every_manifest_and_errors_json_carry_the_spec_version() -> None:
    manifests = sorted(paths.VECTORS_DIR.rglob("manifest.json"))
    versions = {
        json.loads(m.read_text())["spec_version"] for m in manifests if m.parent.name != "schema"
    }
    assert len(manifests) > 800
    assert versions == {SPEC_VERSION}
    errors = json.loads((paths.VECTORS_DIR / "errors.json").read_text())
    assert errors["spec_version"] == SPEC_VERSION

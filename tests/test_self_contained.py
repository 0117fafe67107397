"""The repository is self-contained (docs/architecture.md §6): no tracked file cites a document
that lives outside it. Three checks, each with a probe showing it can fail:

- no path that climbs out of the repository (``../shared/...``) or into a machine's folders
  (``/work/...``, ``/tmp/...`` as a cited document);
- every citation ``<name>.md §N`` or ``<name>.md`` names a markdown file that is tracked here
  (paths written ``repo:path`` are Dusk's files, listed as such in spec/sources.md);
- every relative markdown link resolves to a tracked file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from duskspec import paths

ROOT = paths.REPO_ROOT
TEXT_SUFFIXES = {".md", ".py", ".tla", ".cfg", ".toml", ".txt", ""}

#: ``../x`` or ``../../x`` written as a path; ``/work/`` and similar machine folders.
ESCAPE = re.compile(r"(?<![\w.])(?:\.\./)+[\w.-]+|(?<![\w.])/(?:work|home|root|mnt)/[\w.-]+")
#: A markdown file name cited in prose or code: ``spec/sources.md``, ``architecture.md §7``.
MD_CITE = re.compile(r"(?<![\w:/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
#: A markdown link target.
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [
        f
        for f in out.splitlines()
        if not f.startswith(("conformance-vectors/", "tools/tla/third-party/"))
        and Path(f).suffix in TEXT_SUFFIXES
        and (ROOT / f).is_file()
    ]


TRACKED = tracked_files()


def citation_problems(rel: str, text: str) -> list[str]:
    here = Path(rel).parent
    problems = [
        f"path outside the repository: {m.group(0)}"
        for m in ESCAPE.finditer(text)
        if m.group(0).startswith("/")
        or not (ROOT / here / m.group(0)).resolve().is_relative_to(ROOT.resolve())
    ]
    for match in MD_CITE.finditer(text):
        cited = match.group(1)
        if not _md_exists(here, cited):
            problems.append(f"cites {cited}, which is not a file of this repository")
    if rel.endswith(".md"):
        for match in LINK.finditer(text):
            target = match.group(1)
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (ROOT / here / target).resolve()
            if ROOT.resolve() not in resolved.parents or not resolved.exists():
                problems.append(f"link to {target}, which is not in this repository")
    return problems


def _md_exists(here: Path, cited: str) -> bool:
    """A citation resolves next to the citing file, from the repository root, or (for the
    files every vector tree holds) inside ``conformance-vectors/``."""
    bases = (ROOT / here, ROOT, ROOT / "conformance-vectors")
    return any(
        (base / cited).resolve().is_relative_to(ROOT.resolve()) and (base / cited).is_file()
        for base in bases
    )


#: This file quotes outside citations on purpose, as probes.
SCANNED = [f for f in TRACKED if f != "tests/test_self_contained.py"]


@pytest.mark.parametrize("rel", SCANNED)
def test_no_tracked_file_cites_a_document_outside_the_repository(rel: str) -> None:
    text = (ROOT / rel).read_text(encoding="utf-8", errors="replace")
    assert citation_problems(rel, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "see ../shared/design/architecture.md",
        "facts from protocol-facts.md §1.5",
        "as architecture.md §7 says",
        "read /work/shared/tla/README.md",
        "[the design](../../shared/design/anchors.md)",
    ],
)
def test_the_check_catches_outside_citations(text: str) -> None:
    assert citation_problems("spec/consensus.md", text) != []


@pytest.mark.parametrize(
    "text",
    [
        "see docs/architecture.md §7 and spec/sources.md §1.5",
        "[sources](sources.md), `rusk:node/src/chain/acceptor.rs`",
        "Dusk's `docs:src/archived/succinct-attestation.md`",
    ],
)
def test_the_check_accepts_repository_citations(text: str) -> None:
    assert citation_problems("spec/consensus.md", text) == []

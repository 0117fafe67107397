"""`make dist` (spec/vectors.md §6): per-preset tarballs, reproducible byte for byte, with
SHA256SUMS; the version is the spec version, which the CHANGELOG documents."""

from __future__ import annotations

import hashlib
import re
import tarfile
from pathlib import Path

from duskspec import SPEC_VERSION, paths
from duskspec.vectors import release
from duskspec.vectors.verify import find_cases


def test_two_builds_are_identical(tmp_path: Path) -> None:
    first = release.build(paths.VECTORS_DIR, tmp_path / "a")
    second = release.build(paths.VECTORS_DIR, tmp_path / "b")
    assert [p.name for p in first] == [
        f"duskspec-vectors-{preset}-{SPEC_VERSION}.tar.gz"
        for preset in ("general", "mainnet", "tiny")
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a" / "SHA256SUMS").read_bytes() == (
        tmp_path / "b" / "SHA256SUMS"
    ).read_bytes()
    sums = (tmp_path / "a" / "SHA256SUMS").read_text().splitlines()
    assert sums == [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in first]


def test_a_tarball_holds_its_preset_and_the_shared_files(tmp_path: Path) -> None:
    name, data = release.tarball(paths.VECTORS_DIR, "tiny")
    (tmp_path / name).write_bytes(data)
    with tarfile.open(tmp_path / name) as tar:
        members = tar.getmembers()
    top = f"duskspec-vectors-tiny-{SPEC_VERSION}"
    names = {m.name for m in members}
    cases = {
        f"{top}/{c.relative_to(paths.VECTORS_DIR).as_posix()}"
        for c in find_cases(paths.VECTORS_DIR / "tiny")
    }
    assert cases and cases <= names
    assert {
        f"{top}/errors.json",
        f"{top}/INDEX.md",
        f"{top}/CHANGELOG.md",
        f"{top}/schema",
    } <= names
    assert not any("/mainnet/" in n or "/general/" in n for n in names)
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, 0, "", "")}


def test_spec_version_is_semver_and_in_the_changelog() -> None:
    assert re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", SPEC_VERSION)
    changelog = (paths.VECTORS_DIR / "CHANGELOG.md").read_text()
    assert f"## {SPEC_VERSION}" in changelog

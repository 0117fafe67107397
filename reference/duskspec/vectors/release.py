"""Release tarballs of the vector tree (spec/vectors.md §6): ``make dist``.

One ``duskspec-vectors-<preset>-<spec_version>.tar.gz`` per preset holding that preset's cases
plus what every consumer needs (``schema/``, ``errors.json``, ``INDEX.md``, ``CHANGELOG.md``),
under a top folder of the same name, and ``SHA256SUMS`` of the tarballs. The bytes depend only
on the tree: members sorted, owner 0, modes 0644/0755, every time 0, and a gzip header without
name or time, so two builds are identical and anyone can re-derive the published checksums.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import sys
import tarfile
from pathlib import Path

from duskspec import SPEC_VERSION, paths

#: Files and folders every preset's tarball carries besides the preset's cases.
SHARED = ("CHANGELOG.md", "INDEX.md", "README.md", "errors.json", "schema")


def _members(tree: Path, preset: str) -> list[Path]:
    chosen = [tree / preset, *(tree / name for name in SHARED)]
    found: list[Path] = []
    for top in chosen:
        if top.is_dir():
            found.append(top)
            found.extend(top.rglob("*"))
        elif top.is_file():
            found.append(top)
    return sorted(found, key=lambda p: p.relative_to(tree).as_posix())


def _info(name: str, path: Path) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if path.is_dir():
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
    else:
        info.size = path.stat().st_size
        info.mode = 0o644
    return info


def tarball(tree: Path, preset: str, version: str = SPEC_VERSION) -> tuple[str, bytes]:
    """(file name, bytes) of one preset's reproducible tarball."""
    top = f"duskspec-vectors-{preset}-{version}"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(_info(top, tree))
        for path in _members(tree, preset):
            info = _info(f"{top}/{path.relative_to(tree).as_posix()}", path)
            if path.is_dir():
                tar.addfile(info)
            else:
                with path.open("rb") as data:
                    tar.addfile(info, data)
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return f"{top}.tar.gz", packed.getvalue()


def presets(tree: Path) -> list[str]:
    return sorted(p.name for p in tree.iterdir() if p.is_dir() and p.name != "schema")


def build(tree: Path, out: Path) -> list[Path]:
    """Write every preset's tarball and ``SHA256SUMS`` into ``out``; return the tarballs."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for preset in presets(tree):
        name, data = tarball(tree, preset)
        (out / name).write_bytes(data)
        written.append(out / name)
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in written)
    (out / "SHA256SUMS").write_text(sums)
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else paths.REPO_ROOT / "dist"
    for path in build(paths.VECTORS_DIR, out):
        print(f"{path}  {hashlib.sha256(path.read_bytes()).hexdigest()}")
    print(f"{out / 'SHA256SUMS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

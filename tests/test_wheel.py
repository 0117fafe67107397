"""Installed from a wheel, the commands find their data (docs/architecture.md §1,
``duskspec.paths``): build the wheel from this checkout, install it into a fresh virtual
environment, and from an unrelated folder run ``duskspec model-check Ledger`` and
``duskspec vectors verify``.

Offline: the wheel is built without build isolation (setuptools and wheel come from the
project's venv) and installed with ``--no-index --no-deps``. The fresh environment borrows the
third-party dependencies (blake3, py_ecc, ...) from the project's venv through a ``.pth``
line, because no package index is reachable offline; ``duskspec`` itself, and every data file
it reads, comes from the wheel, which the test checks. About 30 s on a quiet 2-core machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from duskspec import paths
from duskspec.vectors.verify import find_cases

pytestmark = pytest.mark.slow


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env
    )
    assert proc.returncode == 0, f"{argv}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    return proc.stdout


def test_the_installed_wheel_checks_a_model_and_replays_the_vectors(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip"]
    wheels = tmp_path / "wheels"
    run(
        [
            *pip,
            "wheel",
            "-q",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "-w",
            str(wheels),
            str(paths.REPO_ROOT),
        ],
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("duskspec-*.whl")
    fresh = tmp_path / "fresh"
    run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], cwd=tmp_path)
    python = fresh / "bin" / "python"
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path,
    ).strip()
    (Path(site) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DUSKSPEC_ROOT", "TLA2TOOLS_JAR")}
    where = run(
        [str(python), "-c", "import duskspec.paths as p; print(p.REPO_ROOT)"],
        cwd=elsewhere,
        env=env,
    ).strip()
    assert where == str(Path(site) / "duskspec" / "_data")
    duskspec = str(fresh / "bin" / "duskspec")
    checked = run([duskspec, "model-check", "Ledger"], cwd=elsewhere, env=env)
    assert checked.startswith("Ledger") and checked.rstrip().endswith("ok")
    replayed = run([duskspec, "vectors", "verify"], cwd=elsewhere, env=env)
    total = sum(1 for _ in find_cases(paths.VECTORS_DIR))
    assert replayed.strip().splitlines()[-1] == f"{total} passed, 0 failed"

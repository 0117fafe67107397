"""Where the data folders are: the TLA+ models, the conformance vectors and their schemas,
the vendored TLA+ tools, the benchmarks (docs/architecture.md §1).

The data root is, in order:

1. ``DUSKSPEC_ROOT`` (or ``duskspec --root DIR``, which sets it): a checkout or any folder
   with the same layout;
2. the checkout this package runs from (an editable install: ``reference/duskspec/../..``),
   recognised by its ``models/tla/manifest.json``;
3. the copy inside an installed wheel, ``duskspec/_data/`` (``setup.py`` puts ``models/tla``,
   ``conformance-vectors`` and ``tools/tla`` there when the wheel is built).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The folder holding ``models/``, ``conformance-vectors/``, ``tools/`` (see above).
REPO_ROOT: Path
MODELS_DIR: Path
VECTORS_DIR: Path
BENCH_DIR: Path
TOOLS_DIR: Path
#: The vendored TLA+ tools (tools/tla/README.md); TLA2TOOLS_JAR overrides it.
TLA_JAR: Path

#: Where a wheel keeps its copy of the data folders.
PACKAGED = Path(__file__).resolve().parent / "_data"


def find_root() -> Path:
    chosen = os.environ.get("DUSKSPEC_ROOT")
    if chosen:
        return Path(chosen).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "models" / "tla" / "manifest.json").is_file():
        return checkout
    return PACKAGED


def set_root(root: Path) -> None:
    """Point every data path at ``root``."""
    global REPO_ROOT, MODELS_DIR, VECTORS_DIR, BENCH_DIR, TOOLS_DIR, TLA_JAR
    REPO_ROOT = root
    MODELS_DIR = root / "models" / "tla"
    VECTORS_DIR = root / "conformance-vectors"
    BENCH_DIR = root / "benchmarks"
    TOOLS_DIR = root / "tools"
    TLA_JAR = TOOLS_DIR / "tla" / "tla2tools.jar"


set_root(find_root())

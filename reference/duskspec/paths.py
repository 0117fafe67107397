"""Where the repository's data folders are, for commands run from a checkout."""

from __future__ import annotations

from pathlib import Path

#: The checkout this package was installed from (editable install: reference/duskspec/..).
REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "models" / "tla"
VECTORS_DIR = REPO_ROOT / "conformance-vectors"
BENCH_DIR = REPO_ROOT / "benchmarks"
TOOLS_DIR = REPO_ROOT / "tools"
#: The vendored TLA+ tools (tools/tla/README.md); TLA2TOOLS_JAR overrides it.
TLA_JAR = TOOLS_DIR / "tla" / "tla2tools.jar"

"""Run TLC on the models listed in ``models/tla/manifest.json`` (docs/architecture.md §5).

Each manifest entry names a model, its module and config, the result TLC must reach and the
distinct-state count it must report. :func:`check_model` runs TLC in a subprocess
(``-workers 1``: measured faster than two on the 2-core CI machine), parses its report and
compares it with the entry; any difference is a mismatch the CLI turns into a non-zero exit.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duskspec import paths

#: TLC process exit codes (tlc2.output.EC.ExitStatus) and the result names we use.
EXIT_RESULTS = {0: "success", 10: "assumption", 11: "deadlock", 12: "safety", 13: "liveness"}

_STATES = re.compile(r"([\d,]+) states generated, ([\d,]+) distinct states found")
_DEPTH = re.compile(r"depth of the complete state graph search is (\d+)")
_VIOLATED = re.compile(
    r"(?:Invariant|Temporal properties?|Action property) (\w+)? ?(?:is|was) violated"
)
_INVARIANT = re.compile(r"Error: Invariant (\w+) is violated")


class TlcUnavailable(Exception):
    """Java or the TLA+ tools jar cannot be found; the message says what to do."""

    code = "tla.tools_unavailable"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    module: str
    config: str
    expect: str
    distinct_states: int
    violated: str | None = None
    mode: str = "exhaustive"

    @staticmethod
    def from_json(raw: dict[str, Any]) -> ModelEntry:
        return ModelEntry(
            name=raw["name"],
            module=raw["module"],
            config=raw["config"],
            expect=raw["expect"],
            distinct_states=raw["distinct_states"],
            violated=raw.get("violated"),
            mode=raw.get("mode", "exhaustive"),
        )


@dataclass(frozen=True)
class TlcReport:
    """What one TLC run reported."""

    result: str
    exit_code: int
    generated_states: int | None
    distinct_states: int | None
    depth: int | None
    violated: str | None
    seconds: float
    output: str


@dataclass(frozen=True)
class ModelResult:
    entry: ModelEntry
    report: TlcReport
    mismatches: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches


#: SHA-256 of the vendored ``tools/tla/tla2tools.jar`` (also in ``tools/tla/SHA256``).
VENDORED_JAR_SHA256 = "6dd978ed9bf8c6a16006160fc1401f452e52c84752b46d28723f57470764adeb"


class JarChecksumMismatch(TlcUnavailable):
    """The vendored jar's bytes are not the ones the repository pinned."""

    code = "tla.jar_checksum"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_jar() -> Path:
    """``TLA2TOOLS_JAR`` when set (used as given), else the vendored jar, checked by hash."""
    jar = os.environ.get("TLA2TOOLS_JAR", "")
    if jar:
        if not Path(jar).is_file():
            raise TlcUnavailable(
                f"TLA2TOOLS_JAR points to a missing file ({jar}): unset it to use the vendored "
                f"jar in tools/tla/, or point it at a tla2tools.jar"
            )
        return Path(jar)
    vendored = paths.TLA_JAR
    if not vendored.is_file():
        raise TlcUnavailable(
            f"no TLA+ tools jar: {vendored} is missing and TLA2TOOLS_JAR is not set "
            "(`export TLA2TOOLS_JAR=/path/to/tla2tools.jar`, 1.8.0 or later)"
        )
    actual = _sha256(vendored)
    if actual != VENDORED_JAR_SHA256:
        raise JarChecksumMismatch(
            f"{vendored} has SHA-256 {actual}, expected {VENDORED_JAR_SHA256} "
            "(tools/tla/SHA256): restore it with `git checkout tools/tla/tla2tools.jar`"
        )
    return vendored


def find_tools() -> tuple[str, Path]:
    """The java executable and the tla2tools.jar path, or :class:`TlcUnavailable`."""
    java = shutil.which("java")
    if java is None:
        raise TlcUnavailable(
            "java not found: install a Java 11+ runtime (Debian: apt-get install "
            "openjdk-17-jre-headless) and put `java` on PATH"
        )
    return java, find_jar()


def load_manifest(models_dir: Path) -> list[ModelEntry]:
    raw = json.loads((models_dir / "manifest.json").read_text())
    return [ModelEntry.from_json(m) for m in raw["models"]]


def parse_output(output: str, exit_code: int, seconds: float) -> TlcReport:
    """Read TLC's report. The last states line is the final count."""
    states = _STATES.findall(output)
    generated, distinct = (
        (int(states[-1][0].replace(",", "")), int(states[-1][1].replace(",", "")))
        if states
        else (None, None)
    )
    depth = _DEPTH.search(output)
    invariant = _INVARIANT.search(output)
    violated = invariant.group(1) if invariant else None
    if violated is None:
        other = _VIOLATED.search(output)
        violated = other.group(1) if other and other.group(1) else None
    return TlcReport(
        result=EXIT_RESULTS.get(exit_code, "error"),
        exit_code=exit_code,
        generated_states=generated,
        distinct_states=distinct,
        depth=int(depth.group(1)) if depth else None,
        violated=violated,
        seconds=seconds,
        output=output,
    )


def tlc_command(
    java: str, jar: Path, metadir: Path, config: str, module: str, *options: str
) -> list[str]:
    """The one way every caller starts TLC: one worker, its states kept in ``metadir`` and
    cleaned, no trace-explorer module written, then the caller's ``options`` (``-simulate``,
    ``-lncheck`` ...), the config and the module."""
    return [
        java,
        "-XX:+UseParallelGC",
        "-cp",
        str(jar),
        "tlc2.TLC",
        *options,
        "-workers",
        "1",
        "-cleanup",
        "-metadir",
        str(metadir),
        "-noGenerateSpecTE",
        "-config",
        config,
        module,
    ]


def run_tlc(entry: ModelEntry, models_dir: Path, java: str, jar: Path) -> TlcReport:
    with tempfile.TemporaryDirectory(prefix="duskspec-tlc-") as meta:
        # Temporal properties on the complete state space only: the distinct-state count of
        # a liveness violation is then deterministic (periodic checks run on a timer).
        command = tlc_command(
            java,
            jar,
            Path(meta),
            str(models_dir / entry.config),
            str(models_dir / entry.module),
            "-lncheck",
            "final",
        )
        start = time.monotonic()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=models_dir, check=False)
        seconds = time.monotonic() - start
    return parse_output(proc.stdout + proc.stderr, proc.returncode, seconds)


def compare(entry: ModelEntry, report: TlcReport) -> tuple[str, ...]:
    """Differences between what the manifest promises and what TLC reported."""
    problems = []
    if report.result != entry.expect:
        problems.append(f"result {report.result}, expected {entry.expect}")
    if report.distinct_states != entry.distinct_states:
        problems.append(
            f"{report.distinct_states} distinct states, manifest says {entry.distinct_states}"
        )
    if entry.violated is not None and report.violated != entry.violated:
        problems.append(f"violated {report.violated}, expected {entry.violated}")
    return tuple(problems)


def check_model(entry: ModelEntry, models_dir: Path) -> ModelResult:
    java, jar = find_tools()
    report = run_tlc(entry, models_dir, java, jar)
    return ModelResult(entry, report, compare(entry, report))

"""The TLC bridge: parsing, comparison, and clear errors when tools are missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duskspec import paths
from duskspec.cli import main
from duskspec.tla import tlc

SUCCESS_OUTPUT = """\
Model checking completed. No error has been found.
13,493 states generated, 12,677 distinct states found, 0 states left on queue.
The depth of the complete state graph search is 6.
"""

VIOLATION_OUTPUT = """\
Error: Invariant NoDoubleSpend is violated.
Error: The behavior up to this point is:
266 states generated, 266 distinct states found, 255 states left on queue.
The depth of the complete state graph search is 4.
"""

ENTRY = tlc.ModelEntry(
    name="X", module="MCX.tla", config="MCX.cfg", expect="success", distinct_states=12677
)


def test_parse_success() -> None:
    report = tlc.parse_output(SUCCESS_OUTPUT, 0, 1.0)
    assert (report.result, report.generated_states, report.distinct_states, report.depth) == (
        "success",
        13493,
        12677,
        6,
    )
    assert tlc.compare(ENTRY, report) == ()


def test_parse_violation_names_the_invariant() -> None:
    report = tlc.parse_output(VIOLATION_OUTPUT, 12, 1.0)
    assert (report.result, report.violated, report.distinct_states) == (
        "safety",
        "NoDoubleSpend",
        266,
    )


@pytest.mark.parametrize(
    ("code", "result"), [(10, "assumption"), (11, "deadlock"), (13, "liveness"), (75, "error")]
)
def test_exit_codes_map_to_results(code: int, result: str) -> None:
    assert tlc.parse_output("", code, 0.0).result == result


def test_compare_reports_result_and_state_count_drift() -> None:
    report = tlc.parse_output(VIOLATION_OUTPUT, 12, 1.0)
    problems = tlc.compare(ENTRY, report)
    assert any("result safety, expected success" in p for p in problems)
    assert any("266 distinct states, manifest says 12677" in p for p in problems)


def test_without_the_variable_the_vendored_jar_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TLA2TOOLS_JAR", raising=False)
    assert tlc.find_jar() == paths.TLA_JAR


def test_the_vendored_checksum_file_agrees_with_the_code() -> None:
    recorded = (paths.TLA_JAR.parent / "SHA256").read_text().split()
    assert recorded == [tlc.VENDORED_JAR_SHA256, "tla2tools.jar"]
    assert tlc._sha256(paths.TLA_JAR) == tlc.VENDORED_JAR_SHA256


def test_a_tampered_vendored_jar_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "tla2tools.jar"
    original = paths.TLA_JAR.read_bytes()
    fake.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    monkeypatch.delenv("TLA2TOOLS_JAR", raising=False)
    monkeypatch.setattr(paths, "TLA_JAR", fake)
    assert main(["model-check", "Ledger"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("error: tla.jar_checksum: ") and tlc.VENDORED_JAR_SHA256 in err


def test_a_missing_vendored_jar_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TLA2TOOLS_JAR", raising=False)
    monkeypatch.setattr(paths, "TLA_JAR", tmp_path / "absent.jar")
    assert main(["model-check", "Ledger"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("error: tla.tools_unavailable: ") and "export TLA2TOOLS_JAR" in err


def test_missing_java_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(tlc.TlcUnavailable, match="java not found"):
        tlc.find_tools()


def test_unknown_model_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model-check", "NoSuchModel"]) == 2
    assert "unknown model" in capsys.readouterr().err


def test_manifest_entries_point_at_files_that_exist() -> None:
    entries = tlc.load_manifest(paths.MODELS_DIR)
    names = [e.name for e in entries]
    assert len(set(names)) == len(names)
    for entry in entries:
        assert (paths.MODELS_DIR / entry.module).is_file()
        assert (paths.MODELS_DIR / entry.config).is_file()
        assert entry.expect in tlc.EXIT_RESULTS.values()
    raw = json.loads((paths.MODELS_DIR / "manifest.json").read_text())
    assert {"Ledger", "LedgerBuggy"} <= {m["name"] for m in raw["models"]}


def test_ledger_buggy_really_runs_and_is_caught() -> None:
    """One real TLC run inside pytest (under a second): the bridge end to end."""
    entry = next(e for e in tlc.load_manifest(paths.MODELS_DIR) if e.name == "LedgerBuggy")
    result = tlc.check_model(entry, paths.MODELS_DIR)
    assert result.report.result == "safety" and result.report.violated == "NoDoubleSpend"
    assert result.ok, result.mismatches

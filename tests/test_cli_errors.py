"""One error path (docs/architecture.md §7): every failure of the ``duskspec`` command is one
line ``error: <code>: <message>`` on stderr, exit 2 for usage and 1 for failures, nothing on
stdout, and no traceback. Each case below is a failure a user met (issue 11)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from duskspec import paths
from duskspec.cli import main
from duskspec.cli_support import guarded

VECTORS = paths.VECTORS_DIR
MISSING = "/nonexistent-duskspec-path/x"


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_error(err: str, code: str, fragment: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {code}: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in err


USAGE_FAILURES = [
    (["simulate", "--provisioners", "0"], "--provisioners", ">= 1"),
    (["simulate", "--loss", "2"], "--loss", "[0, 1)"),
    (["simulate", "--loss", "nan"], "--loss", "[0, 1)"),
    (["simulate", "--blocks", "-1"], "--blocks", ">= 1"),
    (["simulate", "--seed", "x"], "--seed", "integer"),
    (["simulate", "--partition", "9:3"], "--partition", "START < END"),
    (["vectors", "verify", "--dir", str(VECTORS / "schema")], "--dir", "no vector cases"),
    (["vectors", "verify", "--dir", MISSING], "--dir", "not a folder"),
    (["vectors", "verify", "--impl", "./missing"], "--impl", "not an executable"),
    (["vectors", "verify", "--impl", ""], "--impl", "empty"),
    (["vectors", "verify", "--impl", "'unclosed"], "--impl", "cannot split"),
    (["vectors", "verify", "--case-timeout", "0"], "--case-timeout", "> 0"),
    (["model-check", "--models", "/tmp"], "--models", "no manifest.json"),
    (["simulate", "--crypto", "slow"], "--crypto", "invalid choice"),
    (["nonsense"], "invalid choice", "nonsense"),
    ([], "required", "command"),
]


@pytest.mark.parametrize(
    ("argv", "argument", "why"),
    USAGE_FAILURES,
    ids=[" ".join(a[0]) or "none" for a in USAGE_FAILURES],
)
def test_bad_arguments_are_one_usage_line(
    argv: list[str], argument: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(argv, capsys)
    assert code == 2
    assert out == ""
    assert_one_error(err, "usage.bad_argument", why)
    assert argument in err


def test_report_onto_an_existing_file_is_refused_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "report.txt"
    existing.write_text("mine")
    code, out, err = run_cli(["simulate", "--report", str(existing)], capsys)
    assert (code, out) == (2, "")
    assert_one_error(err, "usage.bad_argument", "exists and is not a folder")
    assert existing.read_text() == "mine"


def test_generate_into_a_non_empty_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    code, _, err = run_cli(["vectors", "generate", "--out", str(tmp_path)], capsys)
    assert code == 2
    assert_one_error(err, "usage.bad_argument", "not a vector tree")
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_unknown_model_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["model-check", "Nope"], capsys)
    assert code == 2
    assert_one_error(err, "usage.unknown_model", "known: Kadcast")


def test_crypto_is_accepted_after_the_sub_command(capsys: pytest.CaptureFixture[str]) -> None:
    u8 = VECTORS / "general" / "encoding" / "u8"
    code, out, err = run_cli(
        ["vectors", "verify", "--dir", str(u8), "--crypto", "reference"], capsys
    )
    assert code == 0, err
    assert out.strip().endswith("passed, 0 failed")


def test_a_run_that_loses_liveness_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--preset", "tiny", "--provisioners", "4", "--blocks", "1"]
    code, out, err = run_cli([*argv, "--loss", "0.99", "--json"], capsys)
    assert code == 1
    assert err.count("\n") == 1, "--json: no progress lines, only the error"
    assert_one_error(err, "simulate.liveness_lost", "only 0 of 1 blocks")
    assert "seed 0" in err
    code, out, err = run_cli(argv, capsys)
    assert code == 0
    assert all(line.startswith("simulate: ") for line in err.splitlines())  # progress only
    assert out.strip().splitlines()[-2].startswith("verdict: safe: 1 of 1 blocks final")


def test_an_os_error_while_working_is_one_failure_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = guarded(lambda: len(Path(MISSING).read_text()))
    assert code == 1
    assert_one_error(capsys.readouterr().err, "os.enoent", MISSING)


def test_a_report_under_a_file_is_refused_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    code, _, err = run_cli(["simulate", "--report", str(tmp_path / "file" / "sub")], capsys)
    assert code == 2
    assert_one_error(err, "usage.bad_argument", "is not a folder")


def test_a_broken_models_manifest_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    code, _, err = run_cli(["model-check", "--models", str(tmp_path)], capsys)
    assert code == 2
    assert_one_error(err, "usage.bad_argument", "manifest.json")


def test_vectors_serve_answers_hostile_lines_and_keeps_going() -> None:
    lines = [
        "not json",
        "[1]",
        '{"id": 3, "preset": ["x"], "component": "encoding", "handler": "u8"}',
        '{"id": 4, "preset": "general", "component": "encoding", "handler": "nope"}',
        "",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "duskspec.cli", "vectors", "serve"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    assert answers == [
        {"id": None, "error": "vectors.bad_request"},
        {"id": None, "error": "vectors.bad_request"},
        {"id": 3, "error": "vectors.bad_request"},
        {"id": 4, "unsupported": True},
    ]


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    duskspec = Path(sys.executable).parent / "duskspec"
    proc = subprocess.run(
        [str(duskspec), "simulate", "--loss", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert_one_error(proc.stderr, "usage.bad_argument", "--loss")

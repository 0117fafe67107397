"""Help that teaches (docs/architecture.md §7): every option of every sub-command is listed
with its default, the README names every command, `make help` lists the targets, `simulate`
labels its phases and ends with how to reproduce the run, and `bench` leaves recorded results
alone unless told to write there."""

from __future__ import annotations

import argparse
import subprocess

import pytest

from duskspec import paths
from duskspec.cli import build_parser, main
from duskspec.cli_support import _subparsers


def all_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    parser = build_parser()
    return [(parser.prog, parser)] + [(p.prog, p) for p in _subparsers(parser)]


@pytest.mark.parametrize(("prog", "parser"), all_parsers(), ids=lambda x: str(x))
def test_every_option_has_help_and_shows_its_default(
    prog: str, parser: argparse.ArgumentParser
) -> None:
    text = parser.format_help()
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        assert action.help, f"{prog} {action.option_strings[0]} has no help"
        assert action.option_strings[-1] in text
        default = action.default
        meaningful = default not in (None, argparse.SUPPRESS) and default is not False
        if meaningful:
            assert "(default:" in (action.help or ""), f"{prog} {action.option_strings[0]}"


def test_the_readme_lists_every_command() -> None:
    readme = (paths.REPO_ROOT / "README.md").read_text()
    for prog, _ in all_parsers()[1:]:
        assert prog in readme, f"README.md does not show `{prog}`"


def test_make_help_lists_the_two_newcomer_commands() -> None:
    out = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    targets = {line.split(":")[0] for line in out.splitlines() if ":" in line}
    assert {"run", "test", "help", "lint", "model-check", "vectors"} <= targets


def test_simulate_labels_phases_and_says_how_to_reproduce(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["simulate", "--preset", "tiny", "--provisioners", "4", "--blocks", "1", "--seed", "3"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    phases = [line.split(" (")[0] for line in err.splitlines()]
    assert phases[:3] == [
        "simulate: keys",
        "simulate: network bootstrap",
        "simulate: consensus, 0/1 blocks final",
    ]
    last = out.strip().splitlines()
    assert last[-2].startswith("verdict: safe: ") and "seed 3, event-log digest " in last[-2]
    assert (
        last[-1]
        == "reproduce: duskspec simulate --provisioners 4 --blocks 1 --seed 3 --preset tiny"
    )
    digest = last[-2].rsplit(" ", 1)[1]
    assert main(last[-1].split()[2:]) == 0  # the printed command repeats the run exactly
    assert digest in capsys.readouterr().out


def test_bench_writes_outside_the_recorded_results_by_default() -> None:
    parser = build_parser()
    args = parser.parse_args(["bench", "hashes"])
    out = args.out
    tracked = subprocess.run(
        ["git", "ls-files", out],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert tracked == ""
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", f"{out}/hashes.json"], cwd=paths.REPO_ROOT, check=False
    )
    assert ignored.returncode == 0

"""`duskspec simulate --report DIR` (docs/report-and-scale.md §1): every PNG exists, has a title and
labelled axes, and shows exactly the numbers summary.json holds; the same run gives the same
PNG bytes; a folder that already holds something is refused before the run."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from duskspec import report
from duskspec.cli import main
from duskspec.simulation import SimulationConfig, SimulationReport, run

CONFIG = SimulationConfig(provisioners=8, blocks=3, preset="tiny", byzantine=0.2, seed=1)


@pytest.fixture(scope="module")
def result() -> SimulationReport:
    return run(CONFIG)


def lines(fig: Figure) -> dict[str, tuple[list[Any], list[Any]]]:
    """Every labelled line of every axes: label -> (xdata, ydata) as plain lists."""
    found = {}
    for ax in fig.axes:
        for line in ax.get_lines():
            key = f"{ax.get_title()}/{line.get_label()}"
            found[key] = (list(line.get_xdata()), list(line.get_ydata()))
    return found


def expected_lines(name: str, data: dict[str, Any]) -> dict[str, tuple[list[Any], list[Any]]]:
    """What each figure must show, computed from summary.json alone."""
    if name == "finality":
        final = [
            (h, s)
            for h, s in zip(data["height"], data["final_after_s"], strict=True)
            if s is not None
        ]
        return {
            "Latency per block/attested": (data["height"], data["attested_after_s"]),
            "Latency per block/final": ([h for h, _ in final], [s for _, s in final]),
        }
    if name == "iterations":
        return {"Iterations per round/round": (data["height"], data["iterations"])}
    if name == "traffic":
        return {
            f"{key.capitalize()} per block by kind/{kind}": (data["round"], values)
            for key in ("messages", "bytes")
            for kind, values in data[key].items()
        }
    if name == "bandwidth":
        return {"Bandwidth per node (sent)/node": (data["node"], data["bytes_per_s"])}
    if name == "mempool":
        return {
            f"{report.OPTIONAL_COLUMNS[c].split(' (')[0].capitalize()} per block/{c}": (
                data["height"],
                data[c],
            )
            for c in report.OPTIONAL_COLUMNS
            if c in data
        }
    assert name == "byzantine"
    title = f"Byzantine credits per committee, round 1 (of {data['committee_credits']})"
    found = {
        f"{title}/validation committee": (data["iteration"], data["validation"]),
        f"{title}/ratification committee": (data["iteration"], data["ratification"]),
    }
    for key in ("success_fail_bound", "success_success_bound"):
        found[f"{title}/{key.replace('_', ' ')}"] = ([0, 1], [data[key], data[key]])
    return found


def check_report(out: Path, drawn: dict[str, Figure]) -> dict[str, Any]:
    data = json.loads((out / "summary.json").read_text())
    assert set(drawn) == set(data["series"])
    for name, fig in drawn.items():
        assert (out / f"{name}.png").read_bytes().startswith(b"\x89PNG")
        for ax in fig.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), name
        shown = lines(fig)
        expected = expected_lines(name, data["series"][name])
        assert shown == expected, name
        assert all(xs and ys for xs, ys in shown.values()), f"{name} plots an empty line"
    return data


def test_every_plot_shows_the_numbers_of_summary_json(
    result: SimulationReport, tmp_path: Path
) -> None:
    data, drawn = report.write(result, tmp_path / "a")
    check_report(tmp_path / "a", drawn)
    assert set(drawn) == {"finality", "iterations", "traffic", "bandwidth", "byzantine"}
    series = data["series"]
    # The plotted numbers are the run's, not something else of the same shape.
    assert series["iterations"]["iterations"] == [b["iteration"] + 1 for b in result.per_block]
    assert sum(sum(v) for v in series["traffic"]["messages"].values()) == sum(
        r["packets"] for r in result.traffic if r["round"] is not None
    )
    assert sum(r["packets"] for r in result.traffic) == data["messages_per_block"] * max(
        data["blocks_accepted"], 1
    )
    assert series["byzantine"]["ratification"] == [r[1] for r in result.coalition_credits]
    # A second write of the same run is byte-identical (no timestamps, fixed size and dpi).
    report.write(result, tmp_path / "b")
    for name in drawn:
        png = (tmp_path / "a" / f"{name}.png").read_bytes()
        assert png == (tmp_path / "b" / f"{name}.png").read_bytes(), name
        assert b"Software" not in png and b"matplotlib" not in png


def test_a_changed_number_is_caught(result: SimulationReport, tmp_path: Path) -> None:
    _, drawn = report.write(result, tmp_path)
    data = json.loads((tmp_path / "summary.json").read_text())
    data["series"]["iterations"]["iterations"][0] += 1
    (tmp_path / "summary.json").write_text(json.dumps(data))
    with pytest.raises(AssertionError, match="iterations"):
        check_report(tmp_path, drawn)


def test_workload_columns_are_plotted_when_the_rows_carry_them(
    result: SimulationReport, tmp_path: Path
) -> None:
    rows = [
        b | {"mempool_depth": 3 * i, "transactions": i, "fees": 100 * i}
        for i, b in enumerate(result.per_block)
    ]
    with_workload = dataclasses.replace(result, per_block=rows)
    data, drawn = report.write(with_workload, tmp_path)
    check_report(tmp_path, drawn)
    assert data["series"]["mempool"]["mempool_depth"] == [3 * i for i in range(len(rows))]
    honest_only = dataclasses.replace(result, byzantine_nodes=0)
    assert "byzantine" not in report.series(honest_only)


def test_the_cli_writes_a_report_and_refuses_a_folder_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    argv = ["simulate", "--preset", "tiny", "--provisioners", "4", "--blocks", "1", "--json"]
    assert main([*argv, "--report", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"summary.json", "finality.png", "traffic.png"}
    capsys.readouterr()
    before = sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir())
    assert main([*argv, "--report", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("error: usage.bad_argument:") and "not empty" in captured.err
    assert sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir()) == before

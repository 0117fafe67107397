"""`duskspec sweep` (docs/report-and-scale.md §2): a grid run on a local Dask cluster of two
worker processes gives the same rows, in the same order, and the same table as the same runs
made one by one in this process; every row repeats from its own configuration alone; the
sweep plot shows the numbers of sweep.json. About 15-25 s (the cluster's start included)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duskspec import sweep
from duskspec.cli import main
from duskspec.simulation import SimulationConfig, run

BASE = SimulationConfig(provisioners=6, blocks=2, preset="tiny", max_seconds_per_block=60)
GRID = sweep.Grid(BASE, seeds=(0, 1, 2), fractions=(0.0, 0.3), behaviours=("equivocate",))


def strip_costs(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in row.items() if k != "cost"} for row in rows]


def test_the_cluster_table_equals_the_one_by_one_table() -> None:
    configs = GRID.configs()
    assert len(configs) == 6
    clustered, figures = sweep.run_grid(configs, workers=2)
    serial = sweep.run_serial(configs)
    assert sweep.table(clustered) == sweep.table(serial)
    assert strip_costs(clustered) == strip_costs(serial)
    assert [r["index"] for r in clustered] == list(range(6))
    # The work really went to two worker processes, neither of them this one.
    assert figures["workers"] == 2 and len(figures["worker_cpu_s"]) == 2
    pids = {r["cost"]["pid"] for r in clustered}
    assert serial[0]["cost"]["pid"] not in pids
    assert sum(figures["worker_cpu_s"].values()) > 0
    assert len(figures["worker_busy"]) == 2
    # The grid reaches both fractions and the table tells the runs apart.
    assert {r["byzantine_nodes"] > 0 for r in clustered} == {True, False}
    assert len({r["digest"] for r in clustered}) == 6


def test_a_row_repeats_from_its_configuration_alone() -> None:
    row = sweep.run_serial(GRID.configs()[3:4])[0]
    again = run(sweep.config_of(json.loads(json.dumps(row))))
    assert again.digest == row["digest"]
    assert again.verdict == row["verdict"]


def test_the_cli_writes_table_json_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweep"
    argv = ["sweep", "--serial", "--seeds", "0:2", "--fractions", "0,0.3", "--provisioners", "6"]
    assert main([*argv, "--behaviours", "equivocate", "--blocks", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (out / "sweep.txt").read_text() == printed
    assert printed.splitlines()[-1].startswith("verdicts: ")
    assert (out / "sweep.png").read_bytes().startswith(b"\x89PNG")
    data = json.loads((out / "sweep.json").read_text())
    assert len(data["rows"]) == 4
    assert data["series"]["fraction"] == [0.0, 0.3]
    from duskspec.report import sweep_figure

    fig = sweep_figure(data["series"])
    for ax in fig.axes:
        verdict = ax.get_title().removeprefix("Runs with verdict ")
        for line in ax.get_lines():
            assert list(line.get_xdata()) == data["series"]["fraction"]
            assert list(line.get_ydata()) == data["series"][verdict][line.get_label()]

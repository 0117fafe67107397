"""``duskspec simulate --report DIR``: a run's summary and its plots (docs/report-and-scale.md §1).

:func:`series` extracts from a :class:`~duskspec.simulation.SimulationReport` every number a
plot shows; :func:`figures` draws exactly those numbers; :func:`write` stores them in
``summary.json`` (under ``"series"``) next to one PNG per figure, so a reader (and
``tests/test_report.py``) can check each plot against the JSON. Figures are drawn with
matplotlib's Agg canvas at a fixed size and resolution, without a pyplot state machine, and
saved without the metadata that would vary between runs: the same run gives the same bytes.

Optional per-block columns (a transaction workload's ``mempool_depth``, ``transactions``,
``fees``) are plotted when the run's ``per_block`` rows carry them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import AutoLocator, MaxNLocator

from duskspec.consensus import bound
from duskspec.consensus.constants import PRESETS
from duskspec.simulation import SimulationReport

#: Figure size (inches) and resolution of every PNG.
FIGSIZE = (8.0, 4.5)
DPI = 100
#: PNG metadata: matplotlib writes a ``Software`` entry (its version) unless told not to.
PNG_METADATA: dict[str, Any] = {"Software": None}
#: Optional per-block columns and their axis labels, plotted when the rows carry them.
OPTIONAL_COLUMNS = {
    "mempool_depth": "mempool depth (transactions)",
    "transactions": "transactions in the block",
    "fees": "fees in the block (LUX)",
}


def series(result: SimulationReport) -> dict[str, Any]:
    """Every number the plots show, keyed by figure name."""
    blocks = result.per_block
    out: dict[str, Any] = {
        "finality": {
            "height": [b["height"] for b in blocks],
            "attested_after_s": [b["attested_after_s"] for b in blocks],
            "final_after_s": [b["final_after_s"] for b in blocks],
        },
        "iterations": {
            "height": [b["height"] for b in blocks],
            "iterations": [b["iteration"] + 1 for b in blocks],
        },
        "traffic": traffic_series(result.traffic),
        "bandwidth": {
            "node": list(range(len(result.node_bytes))),
            "bytes_per_s": [
                round(b / result.virtual_seconds, 3) if result.virtual_seconds else 0.0
                for b in result.node_bytes
            ],
        },
    }
    present = [c for c in OPTIONAL_COLUMNS if blocks and all(c in b for b in blocks)]
    if present:
        out["mempool"] = {"height": [b["height"] for b in blocks]} | {
            c: [b[c] for b in blocks] for c in present
        }
    if result.byzantine_nodes:
        out["byzantine"] = byzantine_series(result)
    return out


def traffic_series(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per message kind, packets and bytes sent for each round (0 where a kind sent none);
    rows without a round (overlay maintenance) are left to the totals."""
    rounds = sorted({r["round"] for r in rows if r["round"] is not None})
    kinds = sorted({r["kind"] for r in rows if r["round"] is not None})
    at = {(r["kind"], r["round"]): r for r in rows}
    return {
        "round": rounds,
        "messages": {
            k: [at[(k, h)]["packets"] if (k, h) in at else 0 for h in rounds] for k in kinds
        },
        "bytes": {k: [at[(k, h)]["bytes"] if (k, h) in at else 0 for h in rounds] for k in kinds},
    }


def byzantine_series(result: SimulationReport) -> dict[str, Any]:
    """The coalition's credits in round 1's Validation and Ratification committee of every
    iteration, and the equivocation bounds (spec/consensus.md §10) they are held against."""
    params = PRESETS[result.config.preset]
    credits = result.coalition_credits
    return {
        "iteration": list(range(len(credits))),
        "validation": [row[0] for row in credits],
        "ratification": [row[1] for row in credits],
        "committee_credits": params.ratification_credits,
        "success_fail_bound": bound.success_fail_bound(params),
        "success_success_bound": bound.success_success_bound(params),
    }


def _axes(fig: Figure, title: str, xlabel: str, ylabel: str, position: int = 111) -> Any:
    ax = fig.add_subplot(position)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


def _figure() -> Figure:
    return Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")


def finality_figure(data: dict[str, Any]) -> Figure:
    fig = _figure()
    ax = _axes(fig, "Latency per block", "block height", "virtual seconds after round start")
    final = [
        (h, s) for h, s in zip(data["height"], data["final_after_s"], strict=True) if s is not None
    ]
    ax.plot(data["height"], data["attested_after_s"], marker="o", label="attested")
    ax.plot([h for h, _ in final], [s for _, s in final], marker="s", label="final")
    ax.legend()
    return fig


def iterations_figure(data: dict[str, Any]) -> Figure:
    fig = _figure()
    ax = _axes(fig, "Iterations per round", "round (block height)", "iterations")
    ax.plot(data["height"], data["iterations"], marker="o", drawstyle="steps-mid", label="round")
    return fig


def traffic_figure(data: dict[str, Any]) -> Figure:
    fig = Figure(figsize=(FIGSIZE[0], FIGSIZE[1] * 1.6), dpi=DPI, layout="constrained")
    for position, key, ylabel in ((211, "messages", "packets sent"), (212, "bytes", "bytes sent")):
        title = f"{key.capitalize()} per block by kind"
        ax = _axes(fig, title, "round (block height)", ylabel, position)
        for kind, values in data[key].items():
            ax.plot(data["round"], values, marker=".", label=kind)
        ax.legend(fontsize="small", ncols=3)
    return fig


def bandwidth_figure(data: dict[str, Any]) -> Figure:
    fig = _figure()
    ax = _axes(fig, "Bandwidth per node (sent)", "node", "bytes per virtual second")
    ax.plot(data["node"], data["bytes_per_s"], marker="o", linestyle="none", label="node")
    return fig


def mempool_figure(data: dict[str, Any]) -> Figure:
    columns = [c for c in OPTIONAL_COLUMNS if c in data]
    fig = Figure(figsize=(FIGSIZE[0], FIGSIZE[1] * len(columns) * 0.8), dpi=DPI)
    fig.set_layout_engine("constrained")
    for i, column in enumerate(columns):
        ax = _axes(
            fig,
            f"{OPTIONAL_COLUMNS[column].split(' (')[0].capitalize()} per block",
            "block height",
            OPTIONAL_COLUMNS[column],
            len(columns) * 100 + 10 + i + 1,
        )
        ax.plot(data["height"], data[column], marker="o", label=column)
    return fig


def byzantine_figure(data: dict[str, Any]) -> Figure:
    fig = _figure()
    title = f"Byzantine credits per committee, round 1 (of {data['committee_credits']})"
    ax = _axes(fig, title, "iteration", "coalition credits")
    ax.plot(data["iteration"], data["validation"], marker="o", label="validation committee")
    ax.plot(data["iteration"], data["ratification"], marker="s", label="ratification committee")
    for key, style in (("success_fail_bound", "--"), ("success_success_bound", ":")):
        ax.axhline(data[key], linestyle=style, color="red", label=key.replace("_", " "))
    ax.legend(fontsize="small")
    return fig


DRAW = {
    "finality": finality_figure,
    "iterations": iterations_figure,
    "traffic": traffic_figure,
    "bandwidth": bandwidth_figure,
    "mempool": mempool_figure,
    "byzantine": byzantine_figure,
}


def figures(data: dict[str, Any]) -> dict[str, Figure]:
    """One figure per entry of :func:`series`, in a fixed order."""
    return {name: DRAW[name](data[name]) for name in DRAW if name in data}


def summary(result: SimulationReport) -> dict[str, Any]:
    """``summary.json``: the run's summary, its rows per block, and the plotted series."""
    return result.summary() | {
        "per_block": result.per_block,
        "traffic": result.traffic,
        "series": series(result),
    }


def write(result: SimulationReport, out: Path) -> tuple[dict[str, Any], dict[str, Figure]]:
    """Write ``summary.json`` and ``<figure>.png`` into ``out``; return what was written."""
    out.mkdir(parents=True, exist_ok=True)
    data = json.loads(json.dumps(summary(result), sort_keys=True))
    (out / "summary.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    (out / "blocks.jsonl").write_text(
        "".join(json.dumps(b, sort_keys=True) + "\n" for b in result.per_block)
    )
    drawn = figures(data["series"])
    for name, fig in drawn.items():
        fig.savefig(out / f"{name}.png", dpi=DPI, metadata=PNG_METADATA)
    return data, drawn


# --- sweeps (duskspec sweep, docs/report-and-scale.md §2) ----------------------------------

#: Verdicts of a run (duskspec.attack.verdict), one panel each in the sweep figure.
VERDICTS = ("safe", "agreement_violated", "not_live")


def _condition(row: dict[str, Any]) -> str:
    partition = row["partition"]
    where = f", partition {partition[0]}:{partition[1]}" if partition else ""
    loss = f", loss {row['loss']:g}" if row["loss"] else ""
    return f"{row['behaviour']}{loss}{where}"


def sweep_series(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per verdict and per condition (behaviour, loss, partition), the share of a fraction's
    runs that ended with that verdict."""
    fractions = sorted({r["byzantine"] for r in rows})
    conditions = sorted({_condition(r) for r in rows})
    runs: dict[tuple[str, float], list[str]] = {}
    for row in rows:
        runs.setdefault((_condition(row), row["byzantine"]), []).append(row["verdict"])

    def share(verdict: str, condition: str, fraction: float) -> float:
        verdicts = runs.get((condition, fraction), [])
        return round(verdicts.count(verdict) / len(verdicts), 4) if verdicts else 0.0

    return {"fraction": fractions} | {
        verdict: {c: [share(verdict, c, f) for f in fractions] for c in conditions}
        for verdict in VERDICTS
    }


def sweep_figure(data: dict[str, Any]) -> Figure:
    fig = Figure(figsize=(FIGSIZE[0], FIGSIZE[1] * 2), dpi=DPI, layout="constrained")
    for i, verdict in enumerate(VERDICTS):
        title = f"Runs with verdict {verdict}"
        ax = _axes(fig, title, "Byzantine stake fraction", "share of runs", 311 + i)
        ax.xaxis.set_major_locator(AutoLocator())
        for condition, values in data[verdict].items():
            ax.plot(data["fraction"], values, marker="o", label=condition)
        ax.set_ylim(-0.05, 1.05)
        ax.legend(fontsize="small")
    return fig


def write_sweep(rows: list[dict[str, Any]], sweep: dict[str, Any], text: str, out: Path) -> Figure:
    """Write ``sweep.json`` (with the plotted series), ``sweep.txt`` and ``sweep.png``."""
    out.mkdir(parents=True, exist_ok=True)
    data = sweep | {"series": sweep_series(rows)}
    (out / "sweep.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    (out / "sweep.txt").write_text(text)
    fig = sweep_figure(data["series"])
    fig.savefig(out / "sweep.png", dpi=DPI, metadata=PNG_METADATA)
    return fig

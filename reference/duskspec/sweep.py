"""Safety sweeps of ``duskspec simulate`` over seeds (spec/consensus.md §3.9) and grids
(docs/report-and-scale.md §2).

``python -m duskspec.sweep --byzantine 0.375 --partition 0:150 --seeds 0:200 --planned``
runs one small ``tiny`` simulation per seed and prints one JSON line per run (seed, coalition
stake and credits, verdict, evidence) and a last line with the verdict counts. Runs are
deterministic: the same arguments print the same lines, except ``wall_s``.

``duskspec sweep`` runs a grid (seeds x Byzantine fractions x behaviours x losses x
partitions) on a Dask cluster (:func:`run_grid`): a local one of worker processes by default,
or an existing one. Every run is a pure function of its :class:`SimulationConfig`; rows come
back in grid order whatever worker ran them, so the table (:func:`table`) is the same as the
one of the same runs made one by one in a single process.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from duskspec.attack import planned_split
from duskspec.consensus.constants import PRESETS
from duskspec.consensus.genesis import genesis_tip
from duskspec.simulation import (
    SimulationConfig,
    choose_byzantine,
    config_from,
    make_provisioners,
    run,
)


def one(config: SimulationConfig) -> dict[str, Any]:
    start = time.perf_counter()
    report = run(config)
    step_max = [max(row) for row in report.coalition_credits]
    return {
        "seed": config.seed,
        "byzantine_nodes": report.byzantine_nodes,
        "byzantine_stake": round(report.byzantine_stake, 4),
        "coalition_credits_round1": report.coalition_credits,
        "coalition_credits_max": max(step_max, default=0),
        "verdict": report.verdict,
        "evidence": report.evidence,
        "blocks_finalized": report.blocks_finalized,
        "wall_s": round(time.perf_counter() - start, 2),
        # With --tx-rate (spec/node.md §5): the ledger verdict and the transactions' fates.
        "ledger_verdict": report.ledger_verdict,
        "transactions": {
            k: report.transactions[k] for k in ("submitted", "final", "rejected", "pending")
        }
        if report.transactions
        else None,
    }


def has_plan(config: SimulationConfig) -> bool:
    """Whether the ``split`` adversary finds its planned partition for this configuration
    (:func:`duskspec.attack.planned_split`): a cheap look at round 1's committees."""
    params = PRESETS[config.preset]
    keys, provisioners = make_provisioners(config.provisioners, config.seed, params.minimum_stake)
    stake_of = {p.public_key: p.value for p in provisioners}
    stakes = [stake_of[k.public_key] for k in keys]
    byzantine = choose_byzantine(stakes, config.byzantine, config.seed)
    honest = [i for i in range(config.provisioners) if i not in byzantine]
    public = [k.public_key for k in keys]
    seed = genesis_tip(provisioners).seed
    secrets = {keys[b].public_key: keys[b].secret_key for b in byzantine}
    plan = planned_split(honest, byzantine, public, provisioners, seed, params, secrets)
    return plan is not None


def sweep(base: SimulationConfig, seeds: range, planned_only: bool = False) -> Counter[str]:
    counts: Counter[str] = Counter()
    for seed in seeds:
        config = SimulationConfig(**{**vars(base), "seed": seed})
        if planned_only and not has_plan(config):
            counts["skipped_no_plan"] += 1
            continue
        row = one(config)
        counts[row["verdict"]] += 1
        if config.tx_rate:
            pending = row["transactions"]["pending"]
            counts[f"ledger_{row['ledger_verdict']}"] += 1
            counts["transactions_pending" if pending else "transactions_settled"] += 1
        print(json.dumps(row, sort_keys=True), flush=True)
    return counts


def _range(text: str) -> range:
    start, _, end = text.partition(":")
    return range(int(start), int(end))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m duskspec.sweep")
    parser.add_argument("--seeds", type=_range, default=range(0, 10), help="FIRST:END")
    parser.add_argument("--provisioners", type=int, default=8)
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--byzantine", type=float, default=0.0)
    parser.add_argument("--behaviour", default="split")
    parser.add_argument("--loss", type=float, default=0.0)
    parser.add_argument("--overlay", default="tree", choices=("tree", "packet", "flood"))
    parser.add_argument("--partition", type=_range, help="START:END virtual seconds")
    parser.add_argument("--max-seconds-per-block", type=int, default=60)
    parser.add_argument(
        "--planned", action="store_true", help="run only seeds where split finds its plan"
    )
    parser.add_argument("--tx-rate", type=float, default=0.0, help="transactions per virtual s")
    args = parser.parse_args(argv)
    partition = (args.partition.start, args.partition.stop) if args.partition else None
    base = config_from(args, partition=partition)
    counts = sweep(base, args.seeds, args.planned)
    print(json.dumps({"runs": len(args.seeds), "verdicts": dict(sorted(counts.items()))}))
    return 0


# --- grids on Dask (duskspec sweep) ------------------------------------------------------

#: Columns of the sweep table: every one a pure function of the run's configuration.
TABLE_COLUMNS = (
    "index",
    "seed",
    "byzantine",
    "behaviour",
    "loss",
    "partition",
    "byzantine_stake",
    "verdict",
    "blocks_finalized",
    "coalition_credits_max",
    "digest",
)


@dataclasses.dataclass(frozen=True)
class Grid:
    """The axes of a sweep; every other field of the runs comes from ``base``."""

    base: SimulationConfig
    seeds: Sequence[int]
    fractions: Sequence[float]
    behaviours: Sequence[str]
    losses: Sequence[float] = (0.0,)
    partitions: Sequence[tuple[int, int] | None] = (None,)

    def configs(self) -> list[SimulationConfig]:
        """The runs in grid order: partition, loss, behaviour, fraction, then seed fastest."""
        axes = itertools.product(
            self.partitions, self.losses, self.behaviours, self.fractions, self.seeds
        )
        return [
            dataclasses.replace(
                self.base,
                seed=seed,
                byzantine=fraction,
                behaviour=behaviour,
                loss=loss,
                partition=partition,
            )
            for partition, loss, behaviour, fraction, seed in axes
        ]


def grid_run(index: int, config: SimulationConfig) -> dict[str, Any]:
    """One run of the grid: the row (full configuration included, so that the run can be
    repeated from it alone) and, apart, what it cost where it ran."""
    cpu = time.process_time()
    wall = time.perf_counter()
    report = run(config)
    return {
        "index": index,
        "config": dataclasses.asdict(config),
        "seed": config.seed,
        "byzantine": config.byzantine,
        "behaviour": config.behaviour,
        "loss": config.loss,
        "partition": list(config.partition) if config.partition else None,
        "byzantine_nodes": report.byzantine_nodes,
        "byzantine_stake": round(report.byzantine_stake, 4),
        "coalition_credits_max": max((max(row) for row in report.coalition_credits), default=0),
        "verdict": report.verdict,
        "evidence": report.evidence,
        "blocks_finalized": report.blocks_finalized,
        "digest": report.digest,
        "cost": {
            "cpu_s": round(time.process_time() - cpu, 3),
            "wall_s": round(time.perf_counter() - wall, 3),
            "pid": os.getpid(),
        },
    }


def config_of(row: dict[str, Any]) -> SimulationConfig:
    """The configuration a row was run with, rebuilt from the row alone."""
    values = dict(row["config"])
    values["partition"] = tuple(values["partition"]) if values["partition"] else None
    values["frames"] = tuple(tuple(frame) for frame in values["frames"])
    return SimulationConfig(**values)


def run_serial(configs: Sequence[SimulationConfig]) -> list[dict[str, Any]]:
    """The runs one by one in this process."""
    return [grid_run(i, c) for i, c in enumerate(configs)]


def _process_cpu() -> float:
    return time.process_time()


def run_grid(
    configs: Sequence[SimulationConfig],
    scheduler: str | None = None,
    workers: int = 2,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The runs on Dask: on the cluster at ``scheduler``, else on a local cluster of
    ``workers`` single-threaded worker processes. Returns the rows in grid order and the
    cluster's figures: wall time and each worker process's CPU seconds over the sweep."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        )
    try:
        with Client(cluster if cluster is not None else scheduler) as client:  # type: ignore[no-untyped-call]
            before = client.run(_process_cpu)
            start = time.perf_counter()
            futures = client.map(grid_run, range(len(configs)), configs, pure=False)
            rows = []
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                row = future.result()
                rows.append(row)
                if on_row:
                    on_row(row)
            wall = time.perf_counter() - start
            after = client.run(_process_cpu)
    finally:
        if cluster is not None:
            cluster.close()
    cpu = {address: round(after[address] - before.get(address, 0.0), 2) for address in after}
    figures = {
        "scheduler": scheduler or "local",
        "workers": len(after),
        "wall_s": round(wall, 2),
        "worker_cpu_s": dict(sorted(cpu.items())),
        #: Each worker's CPU seconds per wall second of the sweep: 1.0 is a core kept busy.
        "worker_busy": {a: round(c / wall, 2) if wall else 0.0 for a, c in sorted(cpu.items())},
        "runs": len(rows),
    }
    return sorted(rows, key=lambda r: r["index"]), figures


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ":".join(str(v) for v in value)
    return "-" if value is None else str(value)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The sweep table: one line per run in grid order, columns :data:`TABLE_COLUMNS` (the
    event-log digest shortened), then one line of verdict counts. No timing figure enters."""
    lines = ["\t".join(TABLE_COLUMNS)]
    for row in sorted(rows, key=lambda r: r["index"]):
        cells = [_cell(row[c]) for c in TABLE_COLUMNS]
        cells[-1] = cells[-1][:16]
        lines.append("\t".join(cells))
    counts = Counter(row["verdict"] for row in rows)
    lines.append("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return "\n".join(lines) + "\n"


def results(
    rows: Sequence[dict[str, Any]], grid: Grid, figures: dict[str, Any] | None
) -> dict[str, Any]:
    """``sweep.json``: the grid, every row and (apart) the cluster's figures."""
    return {
        "grid": {
            "base": dataclasses.asdict(grid.base),
            "seeds": list(grid.seeds),
            "fractions": list(grid.fractions),
            "behaviours": list(grid.behaviours),
            "losses": list(grid.losses),
            "partitions": [list(p) if p else None for p in grid.partitions],
        },
        "rows": list(rows),
        "cluster": figures,
    }


if __name__ == "__main__":
    sys.exit(main())

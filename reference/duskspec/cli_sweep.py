"""``duskspec sweep``: a grid of simulations on a Dask cluster (docs/report-and-scale.md §2).

Kept apart from :mod:`duskspec.cli`, which adds it with :func:`add_parser`; the grid itself is
:mod:`duskspec.sweep`, the table's plot :mod:`duskspec.report`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from duskspec import cli_support

BEHAVIOURS = ("equivocate", "withhold", "invalid", "silent", "forge", "split", "late")


def seed_range(text: str) -> range:
    start, _, end = text.partition(":")
    if not (start.isdigit() and end.isdigit() and int(start) < int(end)):
        raise argparse.ArgumentTypeError("expected FIRST:END seeds, FIRST < END")
    return range(int(start), int(end))


def listed(parse: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    """A comma-separated list, each item parsed by ``parse``."""

    def parse_list(text: str) -> list[Any]:
        return [parse(item) for item in text.split(",") if item]

    return parse_list


def behaviour(text: str) -> str:
    if text not in BEHAVIOURS:
        raise argparse.ArgumentTypeError(f"unknown behaviour {text!r}; known: {BEHAVIOURS}")
    return text


def cmd_sweep(args: argparse.Namespace) -> int:
    from duskspec import report, sweep
    from duskspec.simulation import SimulationConfig

    base = SimulationConfig(
        provisioners=args.provisioners,
        blocks=args.blocks,
        preset=args.preset,
        overlay=args.overlay,
        max_seconds_per_block=args.max_seconds_per_block,
    )
    grid = sweep.Grid(
        base, args.seeds, args.fractions, args.behaviours, args.losses, args.partitions
    )
    configs = grid.configs()
    figures = None
    if args.serial:
        rows = sweep.run_serial(configs)
    else:
        rows, figures = sweep.run_grid(configs, args.scheduler, args.workers)
    text = sweep.table(rows)
    results = sweep.results(rows, grid, figures)
    if args.out:
        report.write_sweep(rows, results, text, Path(args.out))
    if args.json:
        print(json.dumps(results, sort_keys=True))
        return 0
    print(text, end="")
    if figures:
        print(f"cluster: {json.dumps(figures, sort_keys=True)}", file=sys.stderr)
    return 0


def add_parser(
    sub: Any,
    fraction: Callable[[str], float],
    partition: Callable[[str], tuple[int, int]],
) -> None:
    """The ``sweep`` sub-command; ``fraction`` and ``partition`` parse like ``simulate``'s."""

    def maybe_partition(text: str) -> tuple[int, int] | None:
        return None if text == "none" else partition(text)

    swp = sub.add_parser("sweep", help="a grid of simulations on a Dask cluster, one table")
    swp.add_argument("--seeds", type=seed_range, default="0:10", help="seeds FIRST:END")
    swp.add_argument(
        "--fractions",
        type=listed(fraction),
        default="0,0.1,0.2,0.3",
        help="Byzantine stake fractions, comma-separated",
    )
    swp.add_argument(
        "--behaviours",
        type=listed(behaviour),
        default="equivocate,withhold,silent,split",
        help=f"Byzantine behaviours, comma-separated, of {', '.join(BEHAVIOURS)}",
    )
    swp.add_argument(
        "--losses",
        type=listed(cli_support.probability),
        default="0",
        help="packet loss probabilities, comma-separated",
    )
    swp.add_argument(
        "--partitions",
        type=listed(maybe_partition),
        default="none",
        help="partitions, comma-separated: START:END virtual seconds or none",
    )
    swp.add_argument("--provisioners", type=cli_support.positive_int, default=8, help="nodes")
    swp.add_argument("--blocks", type=cli_support.positive_int, default=3, help="blocks per run")
    swp.add_argument(
        "--preset", choices=("tiny", "mainnet"), default="tiny", help="consensus parameters"
    )
    swp.add_argument(
        "--overlay", choices=("tree", "packet", "flood"), default="tree", help="network overlay"
    )
    swp.add_argument(
        "--max-seconds-per-block",
        type=cli_support.positive_int,
        default=60,
        help="virtual seconds per block before a run is not live",
    )
    swp.add_argument(
        "--scheduler", help="address of an existing Dask scheduler (default: a local cluster)"
    )
    swp.add_argument(
        "--workers",
        type=cli_support.positive_int,
        default=2,
        help="worker processes of the local cluster",
    )
    swp.add_argument(
        "--serial", action="store_true", help="run one by one in this process, no Dask"
    )
    swp.add_argument(
        "--out",
        type=cli_support.new_report_dir,
        help="new or empty folder for sweep.json, sweep.txt and sweep.png",
    )
    swp.add_argument("--json", action="store_true", help="sweep.json on stdout")
    swp.set_defaults(func=cmd_sweep)

"""Safety sweeps of ``duskspec simulate`` over seeds (spec/consensus.md §3.9).

``python -m duskspec.sweep --byzantine 0.375 --partition 0:150 --seeds 0:200 --planned``
runs one small ``tiny`` simulation per seed and prints one JSON line per run (seed, coalition
stake and credits, verdict, evidence) and a last line with the verdict counts. Runs are
deterministic: the same arguments print the same lines, except ``wall_s``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

from duskspec.attack import planned_split
from duskspec.consensus.constants import PRESETS
from duskspec.consensus.genesis import genesis_tip
from duskspec.simulation import SimulationConfig, choose_byzantine, make_provisioners, run


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
    base = SimulationConfig(
        provisioners=args.provisioners,
        blocks=args.blocks,
        preset=args.preset,
        byzantine=args.byzantine,
        behaviour=args.behaviour,
        loss=args.loss,
        overlay=args.overlay,
        partition=partition,
        max_seconds_per_block=args.max_seconds_per_block,
        tx_rate=args.tx_rate,
    )
    counts = sweep(base, args.seeds, args.planned)
    print(json.dumps({"runs": len(args.seeds), "verdicts": dict(sorted(counts.items()))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

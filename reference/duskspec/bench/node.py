"""``duskspec bench node``: nodes carrying transactions against their crypto and execution
floors (spec/node.md rule 3.3).

Each row is one ``duskspec simulate`` run with a transaction workload (64 provisioners,
mainnet committees, seed 0). ``cpu_s`` is the CPU time (``time.process_time``) of the
consensus run, the Kadcast bootstrap excluded. Its floor, measured in that same run, is
the sum of

- ``crypto_floor_cpu_s``: every distinct BLS operation once, timed where it ran
  (:mod:`duskspec.crypto.floor`, spec/consensus.md §11), the transactions' signature checks
  among them;
- ``execution_floor_cpu_s``: every distinct block's state transition once
  (:func:`duskspec.runtime.block.apply_block`, timed by :class:`duskspec.chain.ExecutionMeter`
  without the distinct BLS operations inside it).

``ratio_to_floor = cpu_s / (crypto_floor_cpu_s + execution_floor_cpu_s)``; the goal is
within 3x. Per final block: ``cpu_s_per_block`` and the floors' share.
"""

from __future__ import annotations

from duskspec import simulation
from duskspec.bench import Suite
from duskspec.crypto import bls

PROVISIONERS = 64
BLOCKS = 5
#: Transactions per virtual second per row.
RATES = (5.0, 20.0)


def row(rate: float) -> dict[str, object]:
    config = simulation.SimulationConfig(provisioners=PROVISIONERS, blocks=BLOCKS, tx_rate=rate)
    report = simulation.run(config)
    final = report.transactions
    blocks = max(report.blocks_finalized, 1)
    crypto = report.floor_cpu_seconds
    execution = report.execution_floor_cpu_seconds
    floor = crypto + execution
    return {
        "tx_rate": rate,
        "provisioners": PROVISIONERS,
        "blocks": report.blocks_finalized,
        "transactions_final": final.get("final", 0),
        "transactions_rejected": final.get("rejected", 0),
        "ledger": report.ledger_verdict,
        "cpu_s": round(report.cpu_seconds, 3),
        "cpu_s_per_block": round(report.cpu_seconds / blocks, 3),
        "crypto_floor_cpu_s": round(crypto, 3),
        "execution_floor_cpu_s": round(execution, 3),
        "floor_cpu_s_per_block": round(floor / blocks, 3),
        "ratio_to_floor": round(report.cpu_seconds / floor, 2) if floor else 0.0,
        "digest": report.digest[:16],
    }


def run() -> Suite:
    rows = [row(rate) for rate in RATES]
    notes = [
        f"{PROVISIONERS} provisioners, mainnet committees, {BLOCKS} final blocks per row (the "
        f"run goes on until every transaction sent is final or refused), seed 0, Moonlight "
        f"workload; BLS backend {bls.backend_name()}",
        "cpu_s, crypto_floor_cpu_s and execution_floor_cpu_s are CPU seconds "
        "(time.process_time) of the same run; ratio_to_floor = cpu_s / (crypto + execution "
        "floor); goal: within 3x",
    ]
    return Suite("node", "Nodes with transactions vs crypto + execution floor (CPU)", rows, notes)

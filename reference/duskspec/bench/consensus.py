"""``duskspec bench consensus``: a simulated network against its own crypto floor.

Each row is one ``duskspec simulate`` run of 64 provisioners with mainnet committees, five
blocks, seed 0, on one overlay and one equivocating Byzantine stake share. ``cpu_s`` is the
CPU time (``time.process_time``) of the consensus run, the Kadcast bootstrap excluded and
reported on its own as ``bootstrap_cpu_s``. ``floor_cpu_s`` is the CPU time of the distinct
BLS operations of that same run (every distinct signature signed, every distinct set
aggregated, every distinct signature and aggregate key computed and verified), each timed
where the run performed it (:mod:`duskspec.crypto.floor`, spec/consensus.md §11).
``ratio_to_floor`` is ``cpu_s / floor_cpu_s``: what the simulation adds on top of the
cryptography any implementation checking each distinct signature once must do.
"""

from __future__ import annotations

from duskspec import simulation
from duskspec.bench import Suite
from duskspec.crypto import bls

PROVISIONERS = 64
BLOCKS = 5
#: (overlay, Byzantine stake share) per row.
ROWS = (("tree", 0.0), ("tree", 0.1), ("tree", 0.2), ("tree", 0.3), ("packet", 0.0))


def row(overlay: str, share: float) -> dict[str, object]:
    config = simulation.SimulationConfig(
        provisioners=PROVISIONERS, blocks=BLOCKS, byzantine=share, overlay=overlay
    )
    report = simulation.run(config)
    blocks = max(report.blocks_finalized, 1)
    floor = report.floor_cpu_seconds
    distinct = {name: op["distinct"] for name, op in report.floor_operations.items()}
    return {
        "overlay": overlay,
        "provisioners": PROVISIONERS,
        "blocks": report.blocks_finalized,
        "byzantine_stake": round(report.byzantine_stake, 3),
        "agreement_ok": report.agreement_ok,
        "cpu_s": round(report.cpu_seconds, 3),
        "cpu_s_per_block": round(report.cpu_seconds / blocks, 3),
        "floor_cpu_s": round(floor, 3),
        "ratio_to_floor": round(report.cpu_seconds / floor, 2) if floor else 0.0,
        "bootstrap_cpu_s": round(report.bootstrap_cpu_seconds, 3),
        "messages_per_block": round(report.messages_per_block, 1),
        "distinct_signs": distinct.get("sign_multisig", 0) + distinct.get("sign", 0),
        "distinct_aggregations": distinct.get("aggregate_signatures", 0),
        "distinct_verifications": distinct.get("verify", 0),
        "digest": report.digest[:16],
    }


def run() -> Suite:
    rows = [row(overlay, share) for overlay, share in ROWS]
    notes = [
        f"{PROVISIONERS} provisioners, mainnet committees (64 + 64 credits), {BLOCKS} blocks "
        f"per row, seed 0, Byzantine nodes equivocate; BLS backend {bls.backend_name()}",
        "cpu_s and floor_cpu_s are CPU seconds (time.process_time) of the same run; the floor "
        "counts each distinct sign / aggregate / verify once, timed where it ran",
    ]
    return Suite("consensus", "Consensus simulation vs its crypto floor (CPU time)", rows, notes)

"""``duskspec bench consensus``: a simulated network against its own crypto floor.

For 64 provisioners with mainnet committees, one run per Byzantine stake share (0, 10, 20,
30 %, equivocating): wall time per finalized block, the crypto floor per block (unique BLS
verifications × the verify cost measured in this same run), their ratio, messages and bytes
per block and iterations per block. The floor is what any implementation that verifies every
distinct signature once must spend; the ratio is what our simulation adds on top.
"""

from __future__ import annotations

from duskspec import simulation
from duskspec.bench import Suite, median_seconds
from duskspec.crypto import bls

PROVISIONERS = 64
BLOCKS = 5
SHARES = (0.0, 0.1, 0.2, 0.3)


def verify_cost() -> float:
    """Median seconds of one multisig verification on the active backend."""
    secret, public = bls.keygen(b"duskspec-bench/verify")
    message = b"consensus header and vote"
    signature = bls.sign_multisig(secret, public, message)
    apk = bls.aggregate_public_keys([public])
    return median_seconds(lambda: bls.verify_multisig(apk, message, signature), repeat=5)


def run() -> Suite:
    per_verify = verify_cost()
    rows: list[dict[str, object]] = []
    for share in SHARES:
        config = simulation.SimulationConfig(
            provisioners=PROVISIONERS, blocks=BLOCKS, byzantine=share
        )
        report = simulation.run(config)
        blocks = max(report.blocks_accepted, 1)
        wall = report.wall_seconds / blocks
        floor = report.signature_verifications * per_verify / blocks
        rows.append(
            {
                "byzantine_stake": round(report.byzantine_stake, 3),
                "blocks_finalized": report.blocks_finalized,
                "agreement_ok": report.agreement_ok,
                "iterations_per_block": report.iterations_per_block,
                "wall_s_per_block": wall,
                "crypto_floor_s_per_block": floor,
                "wall_vs_floor": wall / floor if floor else 0.0,
                "messages_per_block": report.messages_per_block,
                "bytes_per_block": report.bytes_per_block,
                "unique_verifications_per_block": report.signature_verifications / blocks,
            }
        )
    notes = [
        f"verify cost measured in this run: {per_verify * 1e3:.2f} ms "
        f"({bls.backend_name()} backend)",
        f"{PROVISIONERS} provisioners, mainnet committees (64 + 64 credits), "
        f"{BLOCKS} blocks per row, Byzantine nodes equivocate (double votes)",
    ]
    return Suite(
        "consensus", "Consensus simulation vs its crypto floor (per finalized block)", rows, notes
    )

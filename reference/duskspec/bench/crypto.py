"""Cryptography timings: the BLS backends side by side, and the pure-Python primitives.

BLS rows: per operation the two backends run interleaved, by CPU time; ``vs_fast`` is a
row's median divided by the fast backend's median for the same operation (so the reference
rows show how many times slower py_ecc is).
Python-only primitives have one row each and ``vs_fast`` 1.0.
"""

from __future__ import annotations

from collections.abc import Callable

from duskspec.bench import Suite, interleaved_medians, median_seconds
from duskspec.crypto import bls, jubjub, merkle_poseidon, poseidon, schnorr
from duskspec.crypto.jubjub import GENERATOR, SUBGROUP_ORDER

MESSAGE = b"consensus header || vote" * 4
COMMITTEE = 64


def _bls_operations() -> dict[str, tuple[Callable[[], object], int]]:
    """Operation -> (call, repeats). The 64-key aggregate verify is slow on py_ecc, so it
    runs fewer batches."""
    sk, pk = bls.keygen(b"bench")
    sig = bls.sign(sk, MESSAGE)
    members = [bls.keygen(f"bench-{i}".encode()) for i in range(COMMITTEE)]
    votes = [bls.sign_multisig(s, p, MESSAGE) for s, p in members]
    keys = [p for _, p in members]

    def aggregate_verify() -> bool:
        apk = bls.aggregate_public_keys(keys)
        return bls.verify_multisig(apk, MESSAGE, bls.aggregate_signatures(votes))

    def aggregate_verify_cold() -> bool:
        bls.forget_weighted_keys()  # every key's H1(pk)·pk computed again
        return aggregate_verify()

    return {
        "BLS sign": (lambda: bls.sign(sk, MESSAGE), 5),
        "BLS verify": (lambda: bls.verify(pk, MESSAGE, sig), 5),
        f"BLS aggregate+verify {COMMITTEE} keys, cold": (aggregate_verify_cold, 1),
        f"BLS aggregate+verify {COMMITTEE} keys, known keys": (aggregate_verify, 1),
        "BLS hash-to-G1": (lambda: bls.hash_to_g1(MESSAGE), 5),
    }


def _bls_rows() -> tuple[list[dict[str, object]], dict[str, float]]:
    """Per operation, the two backends timed interleaved (one batch each in turn), by CPU
    time, so the ratio does not depend on the load of the moment."""
    rows: list[dict[str, object]] = []
    fast: dict[str, float] = {}
    for operation, (call, repeat) in _bls_operations().items():
        seconds = interleaved_medians(
            {"fast": call, "reference": call}, repeat=repeat, around=bls.use_backend
        )
        fast[operation] = seconds["fast"]
        rows.extend(
            {
                "operation": operation,
                "backend": backend,
                "median_s": seconds[backend],
                "ops_per_s": 1 / seconds[backend],
                "vs_fast": seconds[backend] / seconds["fast"],
            }
            for backend in ("fast", "reference")
        )
    return rows, fast


def _python_rows() -> list[dict[str, object]]:
    k = SUBGROUP_ORDER - 987654321
    point = jubjub.fixed_base_mul(GENERATOR, 12345)
    sk = 987654321
    pk = schnorr.public_key(sk)
    sig = schnorr.sign(sk, 42)
    tree = merkle_poseidon.empty_tree(merkle_poseidon.MAINNET_DEPTH)
    for leaf in range(8):
        tree = tree.append(leaf)

    def merkle_append_and_open() -> bool:
        grown = tree.append(99)
        return merkle_poseidon.verify_opening(grown.opening(8), 99)

    operations: dict[str, Callable[[], object]] = {
        "Poseidon permutation": lambda: poseidon.permutation([1, 2, 3, 4, 5]),
        "Poseidon hash (Other, 5 inputs)": lambda: poseidon.hash(
            poseidon.Domain.OTHER, [1, 2, 3, 4, 5]
        ),
        "Jubjub fixed-base mul": lambda: jubjub.fixed_base_mul(GENERATOR, k),
        "Jubjub variable-base mul": lambda: jubjub.scalar_mul(point, k),
        "Schnorr verify": lambda: schnorr.verify(pk, 42, sig),
        "Merkle append+opening+verify, depth 17": merkle_append_and_open,
    }
    rows: list[dict[str, object]] = []
    for operation, call in operations.items():
        seconds = median_seconds(call, repeat=5)
        rows.append(
            {
                "operation": operation,
                "backend": "python",
                "median_s": seconds,
                "ops_per_s": 1 / seconds,
                "vs_fast": 1.0,
            }
        )
    return rows


def run() -> Suite:
    bls_rows, _ = _bls_rows()
    by_key = {(r["operation"], r["backend"]): r for r in bls_rows}
    verify_ratio = by_key[("BLS verify", "reference")]["vs_fast"]
    notes = [
        f"BLS verify: the fast backend is {verify_ratio:.0f}x faster than the reference (py_ecc)."
    ]
    notes.append("fast = py_arkworks_bls12381 (arkworks, Rust); reference = py_ecc (pure Python).")
    notes.append("Verification is one 2-pairing product check: e(sig, g2) · e(-H0(m), pk) == 1.")
    return Suite(
        "crypto",
        "Cryptography (median CPU seconds; vs_fast = median / fast median, timed interleaved)",
        [*bls_rows, *_python_rows()],
        notes,
    )

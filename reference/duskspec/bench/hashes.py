"""Hash throughput on 1 KiB messages, relative to SHA3-256 (the block and txroot hash)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from duskspec.bench import Suite, interleaved_medians, median_seconds
from duskspec.crypto import hashes
from duskspec.crypto.merkle import merkle_root
from duskspec.types import Hash32

MESSAGE = bytes(range(256)) * 4


def run() -> Suite:
    functions: dict[str, Callable[[bytes], object]] = {
        "sha3_256": hashes.sha3_256,
        "blake2b_256": hashes.blake2b_256,
        "blake2s_256": hashes.blake2s_256,
        "blake3_256": hashes.blake3_256,
        "hash_to_scalar": hashes.hash_to_scalar,
    }
    times = interleaved_medians({name: partial(fn, MESSAGE) for name, fn in functions.items()})
    rows: list[dict[str, object]] = [
        {
            "operation": f"{name} 1 KiB",
            "backend": "hashlib" if name != "blake3_256" else "blake3",
            "median_s": t,
            "MB_per_s": len(MESSAGE) / t / 1e6,
            "vs_sha3": times["sha3_256"] / t,
        }
        for name, t in times.items()
    ]
    leaves = [Hash32(hashes.sha3_256(i.to_bytes(4, "little"))) for i in range(1000)]
    root_t = median_seconds(lambda: merkle_root(leaves), repeat=5)
    rows.append(
        {
            "operation": "txroot 1000 leaves",
            "backend": "hashlib",
            "median_s": root_t,
            "MB_per_s": 32 * 1000 / root_t / 1e6,
            "vs_sha3": 0.0,
        }
    )
    return Suite(
        "hashes",
        "Hashes (median CPU time of 7 interleaved batches; vs_sha3 > 1 means faster than SHA3-256)",
        rows,
    )

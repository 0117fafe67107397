"""Gate counts of the transfer circuit (spec/transactions.md §5).

``python -m duskspec.runtime.circuits.sizes`` prints one row per (inputs, depth): the rows
the circuit uses, the power of two the prover pads them to, and Dusk's CRS size 2^17 for
comparison (the largest circuit Dusk's setup supports; spec/sources.md gives no per-circuit
sizes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duskspec.crypto.merkle_poseidon import MAINNET_DEPTH
from duskspec.runtime.circuits.witness import build, example_transfer

#: Dusk's trusted setup (``CRS_17_HASH``) supports circuits of up to 2^17 rows.
DUSK_CRS_ROWS = 1 << 17

#: The tiny preset's notes-tree depth.
TINY_DEPTH = 3


@dataclass(frozen=True)
class CircuitSize:
    inputs: int
    depth: int
    gates: int
    public_inputs: int

    @property
    def padded(self) -> int:
        """The power-of-two domain the prover needs (at least the row count)."""
        return 1 << max(self.gates - 1, 1).bit_length()


def gate_counts(shapes: Sequence[tuple[int, int]]) -> list[CircuitSize]:
    """Build each (inputs, depth) transfer from a fixed example witness and count its rows."""
    rows = []
    for inputs, depth in shapes:
        builder = build(example_transfer(inputs, inputs, depth))
        rows.append(CircuitSize(inputs, depth, builder.gate_count, len(builder.public_inputs())))
    return rows


DEFAULT_SHAPES = [(i, TINY_DEPTH) for i in (1, 2, 3, 4)] + [
    (i, MAINNET_DEPTH) for i in (1, 2, 3, 4)
]


def main() -> None:
    print("inputs depth gates padded public_inputs dusk_crs_rows")
    for row in gate_counts(DEFAULT_SHAPES):
        print(
            f"{row.inputs} {row.depth} {row.gates} 2^{row.padded.bit_length() - 1} "
            f"{row.public_inputs} 2^17"
        )


if __name__ == "__main__":
    main()

"""Checking circuits without a prover: satisfaction, and that tampering is detected.

``detects_tamper`` changes one variable of an honest witness and evaluates only the rows
that use that variable (the others cannot change; a curve-addition row also reads the row
after it), which is exactly what
``unsatisfied_rows`` would report for the tampered witness, only faster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property

from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.constraint_system import (
    ConstraintSystem,
    Gate,
    R,
    gate_value,
    is_satisfied,
    public_input_by_row,
    row_holds,
)


def mul_circuit() -> ConstraintSystem:
    """``x·y = z`` with ``z`` public: variables 0 (zero), 1 x, 2 y, 3 z; two gates
    (``x·y - z = 0``, then the public row ``PI - z = 0``)."""
    return ConstraintSystem(
        gates=(
            Gate(a=1, b=2, c=3, d=0, q_m=1, q_o=R - 1),
            Gate(a=3, b=0, c=0, d=0, q_l=R - 1),
        ),
        public_rows=(1,),
        variable_count=4,
    )


class Compiled:
    """A compiled builder plus an index from each variable to the rows that use it."""

    def __init__(self, builder: Builder) -> None:
        self.cs, self.witness, self.public = builder.compile()
        self.pi = public_input_by_row(self.cs, self.public)

    @cached_property
    def rows(self) -> dict[int, list[int]]:
        rows: dict[int, list[int]] = defaultdict(list)
        gates = self.cs.gates
        for i, g in enumerate(gates):
            readers = [i - 1, i] if i > 0 and gates[i - 1].q_add else [i]
            for index in {g.a, g.b, g.c, g.d}:
                rows[index].extend(readers)
        return rows

    def satisfied(self, public: Sequence[int] | None = None) -> bool:
        return is_satisfied(self.cs, self.witness, self.public if public is None else public)

    def detects_tamper(self, variable: int, delta: int = 1) -> bool:
        """Does adding ``delta`` to ``variable`` break some row?"""
        witness = list(self.witness)
        witness[variable] = (witness[variable] + delta) % R
        gates = self.cs.gates
        return any(
            not row_holds(
                gates[i], gates[i + 1] if i + 1 < len(gates) else None, witness, self.pi.get(i, 0)
            )
            for i in self.rows[variable]
        )

    def detects_public_change(self, index: int, delta: int = 1) -> bool:
        """Does adding ``delta`` to public input ``index`` break its row? (No other row reads
        a public input, so this is ``is_satisfied`` on the changed list.)"""
        row = self.cs.public_rows[index]
        changed = (self.public[index] + delta) % R
        return gate_value(self.cs.gates[row], self.witness, changed) != 0

    def undetected(self, first: int = 1) -> list[int]:
        """Variables from ``first`` on whose tampering no row notices."""
        return [v for v in range(first, self.cs.variable_count) if not self.detects_tamper(v)]


def with_public_changed(public: Sequence[int], index: int, delta: int = 1) -> list[int]:
    changed = list(public)
    changed[index] = (changed[index] + delta) % R
    return changed

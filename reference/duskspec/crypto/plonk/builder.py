"""The circuit builder: how circuits are written (spec/crypto.md §13.1).

A :class:`Builder` records variables (their values, the witness) and gates of the width-4
constraint system of :mod:`duskspec.crypto.plonk.constraint_system`. Each ``append_*`` or
arithmetic call adds the gates that *constrain* its result, computes the result's value, and
returns a :class:`Witness` handle; :meth:`Builder.compile` hands the prover the gate table,
the witness and the public inputs in the order :meth:`Builder.append_public` was called.

Linear combinations are first-class (:class:`Linear`): gadgets keep sums such as Poseidon's
MDS outputs symbolic and :meth:`Builder.materialize` packs them into as few width-4 gates as
possible (three terms in the first gate, two in each further one).

The builder never checks that the values it computes satisfy the gates it writes: that is
:func:`~duskspec.crypto.plonk.constraint_system.is_satisfied`'s job, and tests run it on
honest witnesses (must hold) and tampered ones (must fail).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from duskspec.crypto.plonk.constraint_system import (
    CURVE_D,
    ZERO_VARIABLE,
    ConstraintSystem,
    Gate,
    R,
)
from duskspec.errors import CryptoError


@dataclass(frozen=True)
class Witness:
    """A variable of the circuit (an index into the witness)."""

    index: int


#: The zero variable every circuit has.
ZERO = Witness(ZERO_VARIABLE)


@dataclass(frozen=True)
class Linear:
    """``Σ coefficient·variable + constant`` (mod r), not yet a variable of its own."""

    terms: tuple[tuple[Witness, int], ...] = ()
    constant: int = 0

    @staticmethod
    def of(w: Witness, coefficient: int = 1) -> Linear:
        return Linear(((w, coefficient % R),))

    @staticmethod
    def const(value: int) -> Linear:
        return Linear((), value % R)

    def plus(self, other: Linear) -> Linear:
        return combine([(self, 1), (other, 1)])

    def scale(self, k: int) -> Linear:
        return combine([(self, k)])

    def add_constant(self, c: int) -> Linear:
        return Linear(self.terms, (self.constant + c) % R)


def combine(parts: Iterable[tuple[Linear, int]], constant: int = 0) -> Linear:
    """``Σ k·part + constant``, merging repeated variables (first-occurrence order)."""
    coefficients: dict[Witness, int] = {}
    total = constant
    for part, k in parts:
        total += k * part.constant
        for w, c in part.terms:
            coefficients[w] = (coefficients.get(w, 0) + k * c) % R
    terms = tuple((w, c) for w, c in coefficients.items() if c and w != ZERO)
    return Linear(terms, total % R)


class Builder:
    """Records a circuit's variables, gates and public inputs."""

    def __init__(self) -> None:
        self._values: list[int] = [0]
        self._gates: list[Gate] = []
        self._public_rows: list[int] = []
        self._public_values: list[int] = []
        self._constants: dict[int, Witness] = {0: ZERO}

    # --- reading -------------------------------------------------------------------------

    def value(self, w: Witness) -> int:
        return self._values[w.index]

    def evaluate(self, lc: Linear) -> int:
        return (lc.constant + sum(c * self._values[w.index] for w, c in lc.terms)) % R

    @property
    def gate_count(self) -> int:
        return len(self._gates)

    # --- variables -----------------------------------------------------------------------

    def append_witness(self, x: int) -> Witness:
        """A new private variable holding ``x`` (no constraint: gadgets add them)."""
        self._values.append(x % R)
        return Witness(len(self._values) - 1)

    def append_constant(self, c: int) -> Witness:
        """A variable fixed to ``c`` by the row ``a - c = 0`` (one per distinct constant)."""
        c %= R
        if c not in self._constants:
            w = self.append_witness(c)
            self.append_gate(a=w, q_l=1, q_c=-c)
            self._constants[c] = w
        return self._constants[c]

    def append_public(self, x: int) -> Witness:
        """A variable equal to the next public input, by the row ``PI - a = 0``."""
        w = self.append_witness(x)
        self._public_rows.append(len(self._gates))
        self._public_values.append(x % R)
        self.append_gate(a=w, q_l=-1)
        return w

    def assert_public(self, w: Witness) -> None:
        """The next public input equals the existing variable ``w`` (its row ``PI - w = 0``)."""
        self._public_rows.append(len(self._gates))
        self._public_values.append(self.value(w))
        self.append_gate(a=w, q_l=-1)

    # --- gates ---------------------------------------------------------------------------

    def append_gate(
        self,
        a: Witness = ZERO,
        b: Witness = ZERO,
        c: Witness = ZERO,
        d: Witness = ZERO,
        *,
        q_m: int = 0,
        q_l: int = 0,
        q_r: int = 0,
        q_o: int = 0,
        q_4: int = 0,
        q_c: int = 0,
    ) -> None:
        """The row ``q_m·a·b + q_l·a + q_r·b + q_o·c + q_4·d + q_c = 0``."""
        self._check_variables(a, b, c, d)
        selectors = (q_m % R, q_l % R, q_r % R, q_o % R, q_4 % R, q_c % R)
        self._gates.append(Gate(a.index, b.index, c.index, d.index, *selectors))

    def _check_variables(self, *ws: Witness) -> None:
        for w in ws:
            if not 0 <= w.index < len(self._values):
                raise CryptoError("crypto.plonk_unknown_variable", f"no variable {w.index}")

    def assert_equal(self, a: Witness, b: Witness) -> None:
        """``a - b = 0``."""
        self.append_gate(a=a, b=b, q_l=1, q_r=-1)

    def assert_zero(self, lc: Linear) -> None:
        """``lc = 0``: chains of width-4 rows (three terms in the first, two in the rest)."""
        terms = list(lc.terms)
        if len(terms) <= 4:
            padded = terms + [(ZERO, 0)] * (4 - len(terms))
            (a, qa), (b, qb), (c, qc), (d, qd) = padded
            self.append_gate(a, b, c, d, q_l=qa, q_r=qb, q_o=qc, q_4=qd, q_c=lc.constant)
            return
        head = self.materialize(Linear(tuple(terms[:-3]), lc.constant))
        self.assert_zero(Linear(((head, 1), *terms[-3:])))

    def mul(self, a: Witness, b: Witness) -> Witness:
        """``c = a·b``."""
        c = self.append_witness(self.value(a) * self.value(b))
        self.append_gate(a, b, c, q_m=1, q_o=-1)
        return c

    def product(self, a: Witness, b: Witness, k: int = 1, lc: Linear = Linear()) -> Witness:
        """``c = k·a·b + lc`` with ``lc`` of at most one term (one row)."""
        if len(lc.terms) > 1:
            raise CryptoError("crypto.plonk_gate_shape", "a product row takes one extra term")
        (d, qd) = lc.terms[0] if lc.terms else (ZERO, 0)
        value = k * self.value(a) * self.value(b) + self.evaluate(lc)
        c = self.append_witness(value)
        self.append_gate(a, b, c, d, q_m=k, q_o=-1, q_4=qd, q_c=lc.constant)
        return c

    def curve_add(
        self, x1: Witness, y1: Witness, x2: Witness, y2: Witness
    ) -> tuple[Witness, Witness]:
        """``(x3, y3) = (x1, y1) + (x2, y2)`` on Jubjub by the curve-addition gate: the row
        ``(x1, y1, x2, y2)`` with ``q_add = 1`` and the row ``(x3, y3, 0, h = x1·y2)`` after it
        (two rows; constraint_system.curve_addition_values)."""
        self._check_variables(x1, y1, x2, y2)
        u1, v1, u2, v2 = (self.value(w) for w in (x1, y1, x2, y2))
        cross = CURVE_D * u1 * v2 * v1 * u2 % R
        u3 = (u1 * v2 + v1 * u2) * pow((1 + cross) % R, R - 2, R)
        v3 = (v1 * v2 + u1 * u2) * pow((1 - cross) % R, R - 2, R)
        x3, y3 = self.append_witness(u3), self.append_witness(v3)
        h = self.append_witness(u1 * v2)
        self._gates.append(Gate(x1.index, y1.index, x2.index, y2.index, q_arith=0, q_add=1))
        self._gates.append(Gate(x3.index, y3.index, ZERO_VARIABLE, h.index, q_arith=0))
        return x3, y3

    def materialize(self, lc: Linear) -> Witness:
        """A variable equal to ``lc``: no row for a bare variable, otherwise a chain of rows
        ``out = x·a + y·b + z·d + k`` (three terms first, then the running sum and two more)."""
        if not lc.terms:
            return self.append_constant(lc.constant)
        if len(lc.terms) == 1 and lc.terms[0][1] == 1 and lc.constant == 0:
            return lc.terms[0][0]
        terms = list(lc.terms)
        first, terms = terms[:3], terms[3:]
        out = self._linear_row(first, lc.constant)
        while terms:
            step, terms = terms[:2], terms[2:]
            out = self._linear_row([(out, 1), *step], 0)
        return out

    def _linear_row(self, terms: Sequence[tuple[Witness, int]], constant: int) -> Witness:
        padded = list(terms) + [(ZERO, 0)] * (3 - len(terms))
        (a, qa), (b, qb), (d, qd) = padded
        out = self.append_witness(self.evaluate(Linear(tuple(terms), constant)))
        self.append_gate(a, b, out, d, q_l=qa, q_r=qb, q_4=qd, q_o=-1, q_c=constant)
        return out

    # --- output --------------------------------------------------------------------------

    def public_inputs(self) -> tuple[int, ...]:
        return tuple(self._public_values)

    def compile(self) -> tuple[ConstraintSystem, tuple[int, ...], tuple[int, ...]]:
        """``(constraint system, witness, public inputs)``."""
        cs = ConstraintSystem(tuple(self._gates), tuple(self._public_rows), len(self._values))
        return cs, tuple(self._values), tuple(self._public_values)

"""The constraint system PLONK proves: width-4 gates over the BLS12-381 scalar field.

A circuit is a list of gates over *variables*. A variable is an index into the witness (a
tuple of field elements); variable 0 is the constant zero in every circuit. Each gate has four
wires ``a, b, c, d`` (variable indices) and selectors; row ``i`` of the gate table is satisfied
when

    q_arith · (q_m·a·b + q_l·a + q_r·b + q_o·c + q_4·d + q_c) + PI_i = 0

where ``PI_i`` is the public input placed on row ``i`` (zero on other rows). A public input
``v`` sits on its own row with ``q_arith = 1``, ``q_l = -1`` (mod r) and ``a`` the variable
that must equal ``v``: the row reads ``v - a = 0``. Rows with ``q_arith = 0`` carry no
arithmetic constraint (padding, or rows reserved for custom gates).

A row may also carry the *curve-addition gate* (selector ``q_add``, spec/crypto.md §12.9): with
``(x1, y1) = (a, b)`` and ``(x2, y2) = (c, d)`` of this row and ``(x3, y3, h) = (a', b', d')``
the wires of the *next* row, it asserts ``h = x1·y2`` and the Jubjub (twisted Edwards,
``-x² + y² = 1 + D·x²·y²``) addition law

    x3·(1 + D·h·y1·x2) = h + y1·x2,     y3·(1 - D·h·y1·x2) = y1·y2 + x1·x2,

each multiplied by ``q_add``: two rows per addition instead of seven arithmetic ones. A row
with ``q_add ≠ 0`` is never the last gate (``keys.check_circuit``).

*Copy constraints* are implicit: every occurrence of one variable index in any wire of any
gate must hold the same value. PLONK's permutation argument enforces exactly that, so a
builder expresses ``x == y`` either by reusing a variable or by an arithmetic gate.

Selectors are stored reduced mod r (so ``-1`` is ``r - 1``). Nothing here depends on the
prover: :func:`is_satisfied` is the plain-arithmetic meaning of a constraint system, which the
prover's soundness is measured against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.jubjub import EDWARDS_D
from duskspec.errors import CryptoError

#: The BLS12-381 scalar field order r: every selector, witness value and public input is mod r.
R = BLS_SCALAR_ORDER

#: Jubjub's ``d``: the constant of the curve-addition gate.
CURVE_D = EDWARDS_D

#: Variable 0 is the constant zero of every circuit.
ZERO_VARIABLE = 0


@dataclass(frozen=True)
class Gate:
    """One row: four wires (variable indices) and the arithmetic selectors, each mod r."""

    a: int
    b: int
    c: int
    d: int
    q_m: int = 0
    q_l: int = 0
    q_r: int = 0
    q_o: int = 0
    q_4: int = 0
    q_c: int = 0
    q_arith: int = 1
    q_add: int = 0


@dataclass(frozen=True)
class ConstraintSystem:
    """What the prover commits to: the gate table and where the public inputs sit.

    ``public_rows[j]`` is the row of the ``j``-th public input; public inputs are given to the
    verifier in this order. ``variable_count`` includes the zero variable.
    """

    gates: tuple[Gate, ...]
    public_rows: tuple[int, ...]
    variable_count: int


def gate_value(gate: Gate, w: Sequence[int], public_input: int) -> int:
    """The left-hand side of the row's arithmetic equation, mod r (zero when it holds)."""
    a, b, c, d = w[gate.a], w[gate.b], w[gate.c], w[gate.d]
    arithmetic = gate.q_m * a * b + gate.q_l * a + gate.q_r * b + gate.q_o * c + gate.q_4 * d
    return (gate.q_arith * (arithmetic + gate.q_c) + public_input) % R


def curve_addition_values(gate: Gate, after: Gate, w: Sequence[int]) -> tuple[int, int, int]:
    """The three curve-addition constraints of a row (``after`` is the next row), each
    times ``q_add``, mod r: all zero when the gate holds."""
    x1, y1, x2, y2 = w[gate.a], w[gate.b], w[gate.c], w[gate.d]
    x3, y3, h = w[after.a], w[after.b], w[after.d]
    cross = CURVE_D * h * y1 * x2
    helper = x1 * y2 - h
    u = x3 + x3 * cross - h - y1 * x2
    v = y3 - y3 * cross - y1 * y2 - x1 * x2
    return (gate.q_add * helper % R, gate.q_add * u % R, gate.q_add * v % R)


def row_holds(gate: Gate, after: Gate | None, w: Sequence[int], public_input: int) -> bool:
    """The arithmetic equation and, when ``q_add ≠ 0``, the curve-addition constraints."""
    if gate_value(gate, w, public_input) != 0:
        return False
    if gate.q_add % R == 0:
        return True
    return after is not None and curve_addition_values(gate, after, w) == (0, 0, 0)


def public_input_by_row(cs: ConstraintSystem, public_inputs: Sequence[int]) -> dict[int, int]:
    """Map each public-input row to its value; the count must match the circuit's."""
    if len(public_inputs) != len(cs.public_rows):
        raise CryptoError(
            "crypto.plonk_public_input_count",
            f"circuit has {len(cs.public_rows)} public inputs, got {len(public_inputs)}",
        )
    return {row: value % R for row, value in zip(cs.public_rows, public_inputs, strict=True)}


def unsatisfied_rows(
    cs: ConstraintSystem, witness: Sequence[int], public_inputs: Sequence[int]
) -> list[int]:
    """Rows whose equation fails for this witness and these public inputs, in order."""
    if len(witness) != cs.variable_count:
        raise CryptoError(
            "crypto.plonk_witness_size",
            f"circuit has {cs.variable_count} variables, witness has {len(witness)}",
        )
    if witness[ZERO_VARIABLE] % R != 0:
        return [-1]
    pi = public_input_by_row(cs, public_inputs)
    gates = cs.gates
    return [
        i
        for i, g in enumerate(gates)
        if not row_holds(g, gates[i + 1] if i + 1 < len(gates) else None, witness, pi.get(i, 0))
    ]


def is_satisfied(
    cs: ConstraintSystem, witness: Sequence[int], public_inputs: Sequence[int]
) -> bool:
    """True when every row holds (copy constraints hold by construction: one value per
    variable). The prover must refuse exactly the witnesses for which this is False."""
    return not unsatisfied_rows(cs, witness, public_inputs)

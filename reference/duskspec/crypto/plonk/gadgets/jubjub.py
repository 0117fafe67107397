"""Jubjub in the circuit (spec/crypto.md §13.2, rules C13.13-C13.17), matching
:mod:`duskspec.crypto.jubjub`.

Points are affine ``(u, v)`` pairs of variables on ``-u² + v² = 1 + d·u²·v²``. The affine
twisted Edwards addition law (a = -1) is complete on Jubjub (``d`` is not a square), so
identity and doubling need no special case:

    u3·(1 + d·u1·v2·v1·u2) = u1·v2 + v1·u2,   v3·(1 - d·u1·v2·v1·u2) = v1·v2 + u1·u2

is one curve-addition gate (spec/crypto.md §12.9): two rows per addition; doubling is
``p + p`` (two rows).

Scalars enter as odd signed base-4 digits (:func:`signed_windows`): ``k = Σ e_i·4^i + δ``
with ``e_i = (2s_i − 1)(1 + 2m_i) ∈ {−3, −1, 1, 3}``, so a window's point is ``±P`` or
``±3P``: a boolean ``m`` picks ``P`` or ``3P`` and a boolean ``s`` flips ``u`` (negation on
Edwards); ``δ·P`` fixes the parity at the end.

- fixed base (:func:`fixed_base_mul`): constant ``P = 4^i·base`` per window: one row for
  ``u``, one for ``v``, one addition: 4 rows per window;
- variable base (:func:`variable_base_mul`): ``3P`` once; windows most significant first,
  ``acc ← 4·acc + e·P``: three selection rows, two doublings, one addition (9 rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from duskspec.crypto import jubjub
from duskspec.crypto.jubjub import EDWARDS_D, SUBGROUP_ORDER, Point
from duskspec.crypto.plonk.builder import ZERO, Builder, Linear, Witness
from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.gadgets.boolean import append_boolean
from duskspec.crypto.plonk.gadgets.range_check import (
    check_width,
)
from duskspec.errors import CryptoError


@dataclass(frozen=True)
class WitnessPoint:
    """A point of the circuit: two variables."""

    u: Witness
    v: Witness


# --- points -------------------------------------------------------------------------------


def point_value(builder: Builder, p: WitnessPoint) -> Point:
    return Point(builder.value(p.u), builder.value(p.v))


def assert_on_curve(builder: Builder, p: WitnessPoint) -> None:
    """``v² - u² - 1 - d·u²·v² = 0`` (three rows)."""
    uu = builder.mul(p.u, p.u)
    vv = builder.mul(p.v, p.v)
    builder.append_gate(a=uu, b=vv, q_m=-EDWARDS_D, q_l=-1, q_r=1, q_c=-1)


def append_point(builder: Builder, point: Point) -> WitnessPoint:
    """A private point, constrained to lie on the curve."""
    p = WitnessPoint(builder.append_witness(point.u), builder.append_witness(point.v))
    assert_on_curve(builder, p)
    return p


def constant_point(builder: Builder, point: Point) -> WitnessPoint:
    return WitnessPoint(builder.append_constant(point.u), builder.append_constant(point.v))


def append_public_point(builder: Builder, point: Point) -> WitnessPoint:
    """Two public inputs ``u, v`` (in that order)."""
    return WitnessPoint(builder.append_public(point.u), builder.append_public(point.v))


def assert_point_equal(builder: Builder, p: WitnessPoint, q: WitnessPoint) -> None:
    builder.assert_equal(p.u, q.u)
    builder.assert_equal(p.v, q.v)


def _new_point(builder: Builder, value: Point) -> WitnessPoint:
    return WitnessPoint(builder.append_witness(value.u), builder.append_witness(value.v))


def add_linear(builder: Builder, p: WitnessPoint, qu: Linear, qv: Linear) -> WitnessPoint:
    """``p + q`` where ``q``'s coordinates are combinations (a table point chosen by a
    boolean): each is materialized (a row unless it is a bare variable), then :func:`add`."""
    return add(builder, p, WitnessPoint(builder.materialize(qu), builder.materialize(qv)))


def add(builder: Builder, p: WitnessPoint, q: WitnessPoint) -> WitnessPoint:
    """``p + q``: the curve-addition gate, two rows (``Builder.curve_add``)."""
    u, v = builder.curve_add(p.u, p.v, q.u, q.v)
    return WitnessPoint(u, v)


def double(builder: Builder, p: WitnessPoint) -> WitnessPoint:
    """``2·p = p + p`` (the addition law is complete: two rows)."""
    return add(builder, p, p)


#: ``8⁻¹ mod t``: ``8·(8⁻¹·P) = P`` exactly for ``P`` in the prime-order subgroup.
_INVERSE_OF_EIGHT = pow(8, -1, SUBGROUP_ORDER)


def assert_in_subgroup(builder: Builder, p: WitnessPoint) -> None:
    """``p`` is in the prime-order subgroup: a witness ``Q`` on the curve with ``8·Q = p``
    (every multiple of 8 of a curve point is in the subgroup, and conversely). 11 rows."""
    q = append_point(builder, jubjub.scalar_mul(point_value(builder, p), _INVERSE_OF_EIGHT))
    for _ in range(3):
        q = double(builder, q)
    assert_point_equal(builder, q, p)


# --- scalars ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedWindows:
    """A scalar ``k = Σ e_i·4^i + δ`` with odd signed digits ``e_i = (2s_i − 1)(1 + 2m_i)``
    in ``{−3, −1, 1, 3}`` (``s_i``, ``m_i`` and ``δ`` booleans; least significant first)."""

    signs: tuple[Witness, ...]
    magnitudes: tuple[Witness, ...]
    parity: Witness


def signed_windows(builder: Builder, k: Witness, windows: int) -> SignedWindows:
    """Signed windows of ``k``. Rows per window: two booleans and one row
    ``acc' = 4·acc + 4·s·m + 2s − 2m − 1``; then ``k = acc + δ``.

    The windows spell an integer ``K = Σ e_i·4^i + δ`` in ``(−4^n, 4^n]`` with ``k ≡ K
    (mod r)``, and the multiplications compute ``K·P``. When ``k`` must be one particular
    integer (a Schnorr challenge, a committed value), the caller range-checks ``k`` to
    ``[0, 4^n)`` with ``n <= 126`` (a digit decomposition): then ``k − K`` has magnitude below
    ``2^253 < r`` and ``K = k``. When only ``K mod t`` matters (a response ``u``, a blinder,
    ElGamal randomness: any integer is as good), no range check is needed."""
    check_width(2 * windows)
    value = builder.value(k)
    if value >> (2 * windows):
        raise CryptoError("crypto.plonk_range", f"the scalar does not fit in {windows} windows")
    parity = 1 - (value & 1)
    shifted = (value - parity + 4**windows - 1) // 2  # digits d_i with e_i = 2·d_i − 3
    signs: list[Witness] = []
    magnitudes: list[Witness] = []
    acc = ZERO
    for i in reversed(range(windows)):
        e = 2 * ((shifted >> (2 * i)) & 3) - 3
        s = append_boolean(builder, int(e > 0))
        m = append_boolean(builder, int(abs(e) == 3))
        out = builder.append_witness(4 * builder.value(acc) + e)
        builder.append_gate(s, m, out, acc, q_m=4, q_l=2, q_r=-2, q_o=-1, q_4=4, q_c=-1)
        acc = out
        signs.insert(0, s)
        magnitudes.insert(0, m)
    delta = append_boolean(builder, parity)
    builder.assert_zero(Linear(((k, 1), (acc, -1), (delta, -1))))
    return SignedWindows(tuple(signs), tuple(magnitudes), delta)


@lru_cache(maxsize=8)
def _window_table(base: Point, windows: int) -> tuple[tuple[Point, Point], ...]:
    """Per window ``i``: ``4^i·base`` and ``3·4^i·base``."""
    rows = []
    window_base = base
    for _ in range(windows):
        triple = window_base + window_base + window_base
        rows.append((window_base, triple))
        window_base = triple + window_base
    return tuple(rows)


def fixed_base_mul(builder: Builder, base: Point, scalar: SignedWindows) -> WitnessPoint:
    """``k·base`` (``jubjub.fixed_base_mul``) for the scalar the signed windows spell.

    Window ``i`` adds ``e_i·4^i·base`` where ``P = 4^i·base`` and ``3P`` are constants:
    ``u = (2s − 1)·(P.u + m·(3P.u − P.u))`` is one row (``2Δ·s·m + 2P.u·s − Δ·m − P.u``),
    ``v = P.v + m·(3P.v − P.v)`` is a combination of one term, and the addition
    (:func:`add_linear`) materializes it: 4 rows per window. ``+ δ·base`` at the end."""
    table = _window_table(base, len(scalar.signs))
    acc: WitnessPoint | None = None
    for (single, triple), s, m in zip(table, scalar.signs, scalar.magnitudes, strict=True):
        du, dv = (triple.u - single.u) % R, (triple.v - single.v) % R
        u_value = (2 * builder.value(s) - 1) * (single.u + builder.value(m) * du)
        u = builder.append_witness(u_value)
        builder.append_gate(s, m, u, q_m=2 * du, q_l=2 * single.u, q_r=-du, q_c=-single.u, q_o=-1)
        v = Linear(((m, dv),), single.v)
        acc = (
            WitnessPoint(u, builder.materialize(v))
            if acc is None
            else add_linear(builder, acc, Linear.of(u), v)
        )
    if acc is None:
        raise CryptoError("crypto.plonk_range_width", "a scalar has at least one window")
    delta = scalar.parity
    return add_linear(builder, acc, Linear(((delta, base.u),)), Linear(((delta, base.v - 1),), 1))


def _product_minus_a(builder: Builder, a: Witness, b: Witness, lc: Linear) -> Witness:
    """``out = a·b - a + lc`` (``lc`` at most one term; one row)."""
    (d, qd) = lc.terms[0] if lc.terms else (ZERO, 0)
    value = builder.value(a) * builder.value(b) - builder.value(a) + builder.evaluate(lc)
    out = builder.append_witness(value)
    builder.append_gate(a=a, b=b, c=out, d=d, q_m=1, q_l=-1, q_o=-1, q_4=qd, q_c=lc.constant)
    return out


def variable_base_mul(builder: Builder, p: WitnessPoint, scalar: SignedWindows) -> WitnessPoint:
    """``k·p`` (``jubjub.scalar_mul``) for the scalar the signed windows spell.

    ``3P`` and the differences ``3P − P`` once (6 rows); per window, most significant
    first: ``M = P + m·(3P − P)`` (two rows), ``e·P = ((2s − 1)·M.u, M.v)`` (one row; negation
    on Edwards flips ``u``), two doublings and one addition (9 rows); at the end ``+ δ·P``
    (two rows and one addition)."""
    p3 = add(builder, double(builder, p), p)
    du = builder.materialize(Linear(((p3.u, 1), (p.u, -1))))
    dv = builder.materialize(Linear(((p3.v, 1), (p.v, -1))))
    acc: WitnessPoint | None = None
    for s, m in zip(reversed(scalar.signs), reversed(scalar.magnitudes), strict=True):
        mu = builder.product(m, du, 1, Linear.of(p.u))
        mv = builder.product(m, dv, 1, Linear.of(p.v))
        chosen = WitnessPoint(builder.product(s, mu, 2, Linear.of(mu, -1)), mv)
        acc = chosen if acc is None else add(builder, double(builder, double(builder, acc)), chosen)
    if acc is None:
        raise CryptoError("crypto.plonk_range_width", "a scalar has at least one window")
    delta = scalar.parity
    parity_point = WitnessPoint(
        builder.mul(delta, p.u), _product_minus_a(builder, delta, p.v, Linear((), 1))
    )
    return add(builder, acc, parity_point)

"""Jubjub in the circuit (spec/crypto.md §13.2, rules 13.7-13.10), matching
:mod:`duskspec.crypto.jubjub`.

Points are affine ``(u, v)`` pairs of variables on ``-u² + v² = 1 + d·u²·v²``. The affine
twisted Edwards addition law (a = -1) is complete on Jubjub (``d`` is not a square), so
identity and doubling need no special case:

    u3·(1 + d·E) = A + B,   v3·(1 - d·E) = C + D,
    A = u1·v2, B = v1·u2, C = u1·u2, D = v1·v2, E = A·B          (7 rows)

Doubling uses ``u3·(v² - u²) = 2uv`` and ``v3·(2 - (v² - u²)) = v² + u²`` (5 rows).

Scalars enter as base-4 digits (:class:`ScalarDigits`: each digit ``d`` with ``q = d² - 3d``
and the cube ``d³ = d·q + 3q + 9d``, one row). A table point chosen by a digit is the cubic
through the table's four entries, evaluated as a linear combination of ``1, d, q, d³``:

- fixed base (:func:`fixed_base_mul`): window ``i`` adds ``d_i·4^i·P`` with constant table
  entries: one row per coordinate, then one addition (9 rows per window, plus the cube);
- variable base (:func:`variable_base_mul`): the scalar is rewritten in odd signed digits
  ``e ∈ {−3, −1, 1, 3}`` (:func:`signed_windows`), so a window point is ``±P`` or ``±3P``:
  one row per coordinate to pick ``P`` or ``3P``, one to apply the sign; windows are taken
  most significant first, ``acc ← 4·acc + e·P``: two doublings and one addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from duskspec.crypto import jubjub
from duskspec.crypto.jubjub import EDWARDS_D, SUBGROUP_ORDER, Point
from duskspec.crypto.plonk.builder import ZERO, Builder, Linear, Witness
from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.gadgets.boolean import append_boolean
from duskspec.crypto.plonk.gadgets.range_check import (
    Digit,
    append_digit,
    assert_digits_sum,
    check_width,
)
from duskspec.errors import CryptoError


@dataclass(frozen=True)
class WitnessPoint:
    """A point of the circuit: two variables."""

    u: Witness
    v: Witness


@dataclass(frozen=True)
class ScalarDigits:
    """A scalar's base-4 digits (least significant first) and their cubes."""

    digits: tuple[Digit, ...]
    cubes: tuple[Witness, ...]


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


def add(builder: Builder, p: WitnessPoint, q: WitnessPoint) -> WitnessPoint:
    """``p + q`` (seven rows)."""
    a = builder.mul(p.u, q.v)
    b = builder.mul(p.v, q.u)
    c = builder.mul(p.u, q.u)
    d = builder.mul(p.v, q.v)
    e = builder.mul(a, b)
    out = _new_point(builder, jubjub.add(point_value(builder, p), point_value(builder, q)))
    builder.append_gate(a=out.u, b=e, c=a, d=b, q_m=EDWARDS_D, q_l=1, q_o=-1, q_4=-1)
    builder.append_gate(a=out.v, b=e, c=d, d=c, q_m=-EDWARDS_D, q_l=1, q_o=-1, q_4=-1)
    return out


def double(builder: Builder, p: WitnessPoint) -> WitnessPoint:
    """``2·p`` (five rows; ``p`` on the curve)."""
    uu = builder.mul(p.u, p.u)
    t = builder.product(p.v, p.v, 1, Linear.of(uu, -1))
    uv = builder.mul(p.u, p.v)
    value = point_value(builder, p)
    out = _new_point(builder, jubjub.add(value, value))
    builder.append_gate(a=out.u, b=t, c=uv, q_m=1, q_o=-2)
    builder.append_gate(a=out.v, b=t, d=uu, q_m=-1, q_l=2, q_r=-1, q_4=-2)
    return out


#: ``8⁻¹ mod t``: ``8·(8⁻¹·P) = P`` exactly for ``P`` in the prime-order subgroup.
_INVERSE_OF_EIGHT = pow(8, -1, SUBGROUP_ORDER)


def assert_in_subgroup(builder: Builder, p: WitnessPoint) -> None:
    """``p`` is in the prime-order subgroup: a witness ``Q`` on the curve with ``8·Q = p``
    (every multiple of 8 of a curve point is in the subgroup, and conversely). 20 rows."""
    q = append_point(builder, jubjub.scalar_mul(point_value(builder, p), _INVERSE_OF_EIGHT))
    for _ in range(3):
        q = double(builder, q)
    assert_point_equal(builder, q, p)


# --- scalars ------------------------------------------------------------------------------


def append_cube(builder: Builder, digit: Digit) -> Witness:
    """``d³ = d·q + 3q + 9d`` (one row)."""
    value = builder.value(digit.d) ** 3
    cube = builder.append_witness(value)
    builder.append_gate(a=digit.d, b=digit.q, c=cube, q_m=1, q_l=9, q_r=3, q_o=-1)
    return cube


def with_cubes(builder: Builder, digits: Sequence[Digit]) -> ScalarDigits:
    return ScalarDigits(tuple(digits), tuple(append_cube(builder, d) for d in digits))


def scalar_digits(builder: Builder, x: Witness, bits: int) -> ScalarDigits:
    """Decompose ``x`` (``0 <= x < 2^bits``, ``bits`` even) into digits with cubes."""
    check_width(bits)
    value = builder.value(x)
    if value >> bits:
        raise CryptoError("crypto.plonk_range", f"the scalar does not fit in {bits} bits")
    digits = [append_digit(builder, (value >> (2 * i)) & 3) for i in range(bits // 2)]
    assert_digits_sum(builder, x, tuple(digits))
    return with_cubes(builder, digits)


def _lagrange_coefficients(values: Sequence[int]) -> tuple[int, int, int, int]:
    """Monomial coefficients of the cubic through ``(0..3, values)`` (mod r)."""
    result = [0, 0, 0, 0]
    for j, y in enumerate(values):
        poly = [1]  # Π (x - m) over m ≠ j, lowest degree first
        denominator = 1
        for m in range(4):
            if m != j:
                poly = [(-m * poly[0]) % R] + [
                    (poly[k - 1] - m * (poly[k] if k < len(poly) else 0)) % R
                    for k in range(1, len(poly) + 1)
                ]
                denominator *= j - m
        scale = y * pow(denominator % R, -1, R) % R
        for k in range(4):
            result[k] = (result[k] + scale * poly[k]) % R
    return (result[0], result[1], result[2], result[3])


def _cubic(coefficients: Sequence[int], digit: Digit, cube: Witness) -> Linear:
    """``c0 + c1·d + c2·d² + c3·d³`` with ``d² = q + 3d``."""
    c0, c1, c2, c3 = coefficients
    return Linear(((digit.d, (c1 + 3 * c2) % R), (digit.q, c2), (cube, c3)), c0)


@lru_cache(maxsize=8)
def _window_table(base: Point, windows: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Per window ``i``: the cubics' coefficients of ``u`` and ``v`` of ``j·4^i·base``."""
    rows = []
    window_base = base
    for _ in range(windows):
        points = [jubjub.IDENTITY]
        for _ in range(3):
            points.append(points[-1] + window_base)
        rows.append(
            (
                _lagrange_coefficients([p.u for p in points]),
                _lagrange_coefficients([p.v for p in points]),
            )
        )
        window_base = points[-1] + window_base
    return tuple(rows)


def fixed_base_mul(builder: Builder, base: Point, scalar: ScalarDigits) -> WitnessPoint:
    """``k·base`` for the scalar ``k`` the digits spell (``jubjub.fixed_base_mul``)."""
    table = _window_table(base, len(scalar.digits))
    acc: WitnessPoint | None = None
    for (u_coefficients, v_coefficients), digit, cube in zip(
        table, scalar.digits, scalar.cubes, strict=True
    ):
        chosen = WitnessPoint(
            builder.materialize(_cubic(u_coefficients, digit, cube)),
            builder.materialize(_cubic(v_coefficients, digit, cube)),
        )
        acc = chosen if acc is None else add(builder, acc, chosen)
    if acc is None:
        raise CryptoError("crypto.plonk_range_width", "a scalar has at least one digit")
    return acc


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

    The caller must already have shown ``0 <= k < 4^windows <= 2^252`` (a digit
    decomposition of the same variable): then ``k − δ − Σ e_i·4^i`` is an integer of
    magnitude below ``2^253 < r``, so the row ``k = acc + δ`` holds over the integers and
    ``k·P = Σ e_i·4^i·P + δ·P`` for every point ``P``."""
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


def _product_minus_a(builder: Builder, a: Witness, b: Witness, lc: Linear) -> Witness:
    """``out = a·b - a + lc`` (``lc`` at most one term; one row)."""
    (d, qd) = lc.terms[0] if lc.terms else (ZERO, 0)
    value = builder.value(a) * builder.value(b) - builder.value(a) + builder.evaluate(lc)
    out = builder.append_witness(value)
    builder.append_gate(a=a, b=b, c=out, d=d, q_m=1, q_l=-1, q_o=-1, q_4=qd, q_c=lc.constant)
    return out


def variable_base_mul(builder: Builder, p: WitnessPoint, scalar: SignedWindows) -> WitnessPoint:
    """``k·p`` (``jubjub.scalar_mul``) for the scalar the signed windows spell.

    ``3P`` and the differences ``3P − P`` once (14 rows); per window, most significant
    first: ``M = P + m·(3P − P)`` (two rows), ``e·P = ((2s − 1)·M.u, M.v)`` (one row; negation
    on Edwards flips ``u``), two doublings and one addition (17 rows); at the end ``+ δ·P``
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

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
- variable base (:func:`variable_base_mul`): ``P, 2P, 3P`` are computed once; windows are
  taken most significant first, ``acc ← 4·acc + d·P``: two doublings, the three Lagrange
  weights ``L_1..L_3(d)`` (one row each), three rows per coordinate, one addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from duskspec.crypto import jubjub
from duskspec.crypto.jubjub import EDWARDS_D, SUBGROUP_ORDER, Point
from duskspec.crypto.plonk.builder import Builder, Linear, Witness
from duskspec.crypto.plonk.constraint_system import R
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


#: The Lagrange basis ``L_j`` (monomial coefficients) of the nodes ``0..3``.
_LAGRANGE_BASIS = tuple(_lagrange_coefficients([int(i == j) for i in range(4)]) for j in range(4))


Weights = tuple[tuple[Witness, Witness, Witness], ...]


def lagrange_weights(builder: Builder, scalar: ScalarDigits) -> Weights:
    """Per digit, ``L_1(d), L_2(d), L_3(d)`` as variables (three rows per digit); computed
    once when one scalar multiplies several points (``c·pk`` and ``c·pk'``)."""
    return tuple(
        (
            builder.materialize(_cubic(_LAGRANGE_BASIS[1], digit, cube)),
            builder.materialize(_cubic(_LAGRANGE_BASIS[2], digit, cube)),
            builder.materialize(_cubic(_LAGRANGE_BASIS[3], digit, cube)),
        )
        for digit, cube in zip(scalar.digits, scalar.cubes, strict=True)
    )


def _select_variable(
    builder: Builder, table: Sequence[WitnessPoint], weights: Sequence[Witness]
) -> WitnessPoint:
    """``table[d]`` for ``table = (P, 2P, 3P)`` and entry 0 the identity ``(0, 1)``:
    ``u = Σ L_j·u_j``, ``v = 1 + Σ L_j·(v_j - 1)`` (six rows)."""
    u_acc: Witness | None = None
    v_acc: Witness | None = None
    for weight, point in zip(weights, table, strict=True):
        u_lc = Linear() if u_acc is None else Linear.of(u_acc)
        u_acc = builder.product(weight, point.u, 1, u_lc)
        v_lc = Linear((), 1) if v_acc is None else Linear.of(v_acc)
        v_acc = _product_minus_a(builder, weight, point.v, v_lc)
    assert u_acc is not None and v_acc is not None
    return WitnessPoint(u_acc, v_acc)


def _product_minus_a(builder: Builder, a: Witness, b: Witness, lc: Linear) -> Witness:
    """``out = a·b - a + lc`` (``lc`` at most one term; one row)."""
    (d, qd) = lc.terms[0] if lc.terms else (Witness(0), 0)
    value = builder.value(a) * builder.value(b) - builder.value(a) + builder.evaluate(lc)
    out = builder.append_witness(value)
    builder.append_gate(a=a, b=b, c=out, d=d, q_m=1, q_l=-1, q_o=-1, q_4=qd, q_c=lc.constant)
    return out


def variable_base_mul(
    builder: Builder, p: WitnessPoint, scalar: ScalarDigits, weights: Weights | None = None
) -> WitnessPoint:
    """``k·p`` (``jubjub.scalar_mul``), windows most significant first; ``weights`` are
    :func:`lagrange_weights` of ``scalar`` when the caller shares them."""
    if weights is None:
        weights = lagrange_weights(builder, scalar)
    p2 = double(builder, p)
    table = (p, p2, add(builder, p2, p))
    acc: WitnessPoint | None = None
    for window in reversed(weights):
        chosen = _select_variable(builder, table, window)
        if acc is None:
            acc = chosen
            continue
        acc = add(builder, double(builder, double(builder, acc)), chosen)
    if acc is None:
        raise CryptoError("crypto.plonk_range_width", "a scalar has at least one digit")
    return acc

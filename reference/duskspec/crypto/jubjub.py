"""The Jubjub curve as Dusk uses it (spec/crypto.md §5; spec/sources.md §5.2; Dusk's
``jubjub`` crate, ``src/dusk.rs``).

Jubjub is the twisted Edwards curve ``-u² + v² = 1 + d·u²·v²`` over the BLS12-381 scalar
field (modulus r), with ``d = -10240/10241``. Its order is ``8·t`` for the 252-bit prime
:data:`SUBGROUP_ORDER` t; Dusk works in the order-t subgroup.

Points are affine :class:`Point` values; arithmetic runs internally in extended twisted
Edwards coordinates with the complete addition law (Hisil–Wong–Carter–Dawson 2008, a = -1),
so no case distinctions are needed. :func:`scalar_mul` multiplies by an arbitrary
non-negative integer; :func:`fixed_base_mul` uses a precomputed 4-bit window table for the
two generators.

Encoding (:func:`encode_point`, 32 bytes): ``v`` little-endian with the lowest bit of ``u``
in the top bit. Decoding (:func:`decode_point`) is strict as Dusk's ``from_bytes``: ``v``
must be canonical, a ``u`` must exist, ``u = 0`` must come with a clear sign bit (ZIP 216),
and the point must be in the prime-order subgroup. The identity ``(0, 1)`` is in that
subgroup and decodes; protocols that forbid it (Schnorr keys and nonces) check it themselves.
"""

from __future__ import annotations

import contextlib
import importlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from duskspec.crypto.hashes import BLS_SCALAR_ORDER, blake2b_512
from duskspec.errors import CryptoError

#: The base field of Jubjub is the BLS12-381 scalar field.
FIELD_MODULUS = BLS_SCALAR_ORDER
_Q = FIELD_MODULUS

#: ``d = -10240/10241``.
EDWARDS_D = -10240 * pow(10241, -1, _Q) % _Q

#: Order t of the prime-order subgroup (``JubJubScalar`` modulus, 252 bits).
SUBGROUP_ORDER = 0x0E7DB4EA6533AFA906673B0101343B00A6682093CCC81082D0970E5ED6F72CB7

#: The full curve order is ``COFACTOR · SUBGROUP_ORDER``.
COFACTOR = 8

POINT_SIZE = 32
SCALAR_SIZE = 32

#: A quadratic non-residue mod r (7 generates the multiplicative group), for square roots.
_NON_RESIDUE = 7

_WINDOW_BITS = 4


@dataclass(frozen=True)
class Point:
    """An affine Jubjub point ``(u, v)`` (both in [0, r))."""

    u: int
    v: int

    def __add__(self, other: Point) -> Point:
        return add(self, other)

    def __neg__(self) -> Point:
        return Point((-self.u) % _Q, self.v)

    def __sub__(self, other: Point) -> Point:
        return add(self, -other)

    def encode(self) -> bytes:
        return encode_point(self)

    def hash_inputs(self) -> tuple[int, int]:
        """``to_hash_inputs``: the affine coordinates ``(u, v)`` fed to Poseidon."""
        return (self.u, self.v)


IDENTITY = Point(0, 1)

#: Dusk's ``GENERATOR`` (``jubjub:src/dusk.rs``).
GENERATOR = Point(
    0x3FD2814C43AC65A6F1FBF02D0FD6CCE62E3EBB21FD6C54ED4DF7B7FFEC7BEACA,
    0x0000000000000000000000000000000000000000000000000000000000000012,
)

#: Dusk's ``GENERATOR_NUMS``: the first prime-order point found by
#: :func:`derive_nums_point` from ``GENERATOR``'s encoding (counter 18).
GENERATOR_NUMS = Point(
    0x5E67B8F316F414F7BD9514C773FD4456931E316A39FE4541921710179DF76377,
    0x43D80EB3B2F3EB1B7B162DBEEB3B34FD9949BA0F82A5507A6705B707162E3EF8,
)


# --- extended coordinates (X, Y, Z, T) with u = X/Z, v = Y/Z, T = X·Y/Z ------------------

_Extended = tuple[int, int, int, int]
_EXTENDED_IDENTITY: _Extended = (0, 1, 1, 0)
_D2 = 2 * EDWARDS_D % _Q


def _to_extended(p: Point) -> _Extended:
    return (p.u, p.v, 1, p.u * p.v % _Q)


def _to_affine(e: _Extended) -> Point:
    x, y, z, _ = e
    z_inv = pow(z, -1, _Q)
    return Point(x * z_inv % _Q, y * z_inv % _Q)


def _add_extended(p: _Extended, q: _Extended) -> _Extended:
    """Complete addition for a = -1 (``add-2008-hwcd-3``); also used for doubling."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _Q
    b = (y1 + x1) * (y2 + x2) % _Q
    c = t1 * _D2 * t2 % _Q
    d = 2 * z1 * z2 % _Q
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _Q, g * h % _Q, f * g % _Q, e * h % _Q)


def _mul_extended(p: _Extended, k: int) -> _Extended:
    """Double-and-add over the bits of ``k``, most significant first."""
    acc = _EXTENDED_IDENTITY
    for bit in bin(k)[2:] if k else "":
        acc = _add_extended(acc, acc)
        if bit == "1":
            acc = _add_extended(acc, p)
    return acc


def add(p: Point, q: Point) -> Point:
    return _to_affine(_add_extended(_to_extended(p), _to_extended(q)))


def scalar_mul(p: Point, k: int) -> Point:
    """``k·p`` for any integer ``k >= 0`` (not reduced, so ``t·p`` tests the subgroup)."""
    if k < 0:
        raise CryptoError("crypto.jubjub_scalar_range", "a scalar multiplier is non-negative")
    return _to_affine(_mul_extended(_to_extended(p), k))


@lru_cache(maxsize=4)
def _window_table(base: Point) -> tuple[tuple[_Extended, ...], ...]:
    """``table[i][j] = j · 16^i · base`` for the 64 windows of a 256-bit scalar."""
    rows = []
    row_base = _to_extended(base)
    for _ in range(256 // _WINDOW_BITS):
        row = [_EXTENDED_IDENTITY]
        for _ in range((1 << _WINDOW_BITS) - 1):
            row.append(_add_extended(row[-1], row_base))
        rows.append(tuple(row))
        row_base = _add_extended(row[-1], row_base)
    return tuple(rows)


def fixed_base_mul(base: Point, k: int) -> Point:
    """``k·base`` for ``0 <= k < 2^256`` with a cached window table (one per base; used for
    :data:`GENERATOR` and :data:`GENERATOR_NUMS`)."""
    if not 0 <= k < 1 << 256:
        raise CryptoError("crypto.jubjub_scalar_range", "a fixed-base multiplier is in [0, 2^256)")
    table = _window_table(base)
    acc = _EXTENDED_IDENTITY
    for i, row in enumerate(table):
        digit = (k >> (_WINDOW_BITS * i)) & ((1 << _WINDOW_BITS) - 1)
        if digit:
            acc = _add_extended(acc, row[digit])
    return _to_affine(acc)


def is_on_curve(p: Point) -> bool:
    u2, v2 = p.u * p.u % _Q, p.v * p.v % _Q
    return (v2 - u2 - 1 - EDWARDS_D * u2 * v2) % _Q == 0


def is_torsion_free(p: Point) -> bool:
    """``t·p`` is the identity: ``p`` lies in the prime-order subgroup."""
    return scalar_mul(p, SUBGROUP_ORDER) == IDENTITY


def is_prime_order(p: Point) -> bool:
    """In the subgroup and not the identity (Dusk's ``is_prime_order``)."""
    return p != IDENTITY and is_torsion_free(p)


# --- field square roots -------------------------------------------------------------------


def _sqrt(a: int) -> int | None:
    """A square root of ``a`` mod r (Tonelli–Shanks; r - 1 = 2^32 · s), or ``None``."""
    if a == 0:
        return 0
    if pow(a, (_Q - 1) // 2, _Q) != 1:
        return None
    s, e = _Q - 1, 0
    while s % 2 == 0:
        s, e = s // 2, e + 1
    z = pow(_NON_RESIDUE, s, _Q)
    x, b = pow(a, (s + 1) // 2, _Q), pow(a, s, _Q)
    while b != 1:
        # Find the least m with b^(2^m) = 1, then fold a 2^(e-m-1)-th root of unity in.
        m, b2 = 0, b
        while b2 != 1:
            b2, m = b2 * b2 % _Q, m + 1
        g = pow(z, 1 << (e - m - 1), _Q)
        x, z, b, e = x * g % _Q, g * g % _Q, b * g * g % _Q, m
    return x


# --- encoding -----------------------------------------------------------------------------


def encode_point(p: Point) -> bytes:
    raw = bytearray(p.v.to_bytes(POINT_SIZE, "little"))
    raw[31] |= (p.u & 1) << 7
    return bytes(raw)


def decode_point(data: bytes) -> Point:
    """Strict decoding; raises a ``crypto.jubjub_point_*`` error for anything Dusk rejects.

    J2: the fast path (:func:`sqrt_fast`, :func:`in_subgroup`); a point decoded before is
    answered from a bounded memo (:data:`DECODE_MEMO_SIZE` encodings), failures never are."""
    data = bytes(data)
    point = _DECODED.get(data)
    if point is not None:
        _DECODED.move_to_end(data)
        return point
    point = _decode_fast(data)
    _DECODED[data] = point
    if len(_DECODED) > DECODE_MEMO_SIZE:
        _DECODED.popitem(last=False)
    return point


def decode_point_simple(data: bytes) -> Point:
    """Strict decoding by the textbook route (Tonelli–Shanks as written, the subgroup by
    ``t·P = O``); :func:`decode_point` must agree with it on every input."""
    return _decode_with(data, _sqrt, is_torsion_free)


def _decode_with(
    data: bytes, sqrt: Callable[[int], int | None], torsion_free: Callable[[Point], bool]
) -> Point:
    """The decoding checks in order, with the square root and the subgroup test given."""
    if len(data) != POINT_SIZE:
        raise CryptoError("crypto.jubjub_point_length", f"{len(data)} bytes, expected {POINT_SIZE}")
    sign = data[31] >> 7
    v = int.from_bytes(data[:31] + bytes([data[31] & 0x7F]), "little")
    if v >= _Q:
        raise CryptoError("crypto.jubjub_point_noncanonical", "v is not below r")
    v2 = v * v % _Q
    # u² = (v² - 1) / (1 + d·v²); the denominator never vanishes since -1/d is a non-square.
    u = sqrt((v2 - 1) * pow(1 + EDWARDS_D * v2, -1, _Q) % _Q)
    if u is None:
        raise CryptoError("crypto.jubjub_point_not_on_curve", "no u for this v")
    if u == 0 and sign:
        raise CryptoError("crypto.jubjub_point_noncanonical", "u = 0 with the sign bit set")
    if u & 1 != sign:
        u = _Q - u
    point = Point(u, v)
    if not torsion_free(point):
        raise CryptoError("crypto.jubjub_point_subgroup", "not in the prime-order subgroup")
    return point


def encode_scalar(k: int) -> bytes:
    """A Jubjub scalar (mod t) as 32 bytes little-endian."""
    if not 0 <= k < SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_range", "a Jubjub scalar is in [0, t)")
    return k.to_bytes(SCALAR_SIZE, "little")


def decode_scalar(data: bytes) -> int:
    """Strict: 32 bytes, little-endian, below t (``JubJubScalar::from_bytes``)."""
    if len(data) != SCALAR_SIZE:
        raise CryptoError(
            "crypto.jubjub_scalar_length", f"{len(data)} bytes, expected {SCALAR_SIZE}"
        )
    k = int.from_bytes(data, "little")
    if k >= SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_noncanonical", "the scalar is not below t")
    return k


def hash_to_scalar(data: bytes) -> int:
    """``JubJubScalar::hash_to_scalar`` (no domain, as pinned by rusk 1.6.0): BLAKE2b-512 of
    ``data`` read little-endian, reduced mod t."""
    return int.from_bytes(blake2b_512(data), "little") % SUBGROUP_ORDER


def derive_nums_point(seed: bytes) -> tuple[Point, int]:
    """The first prime-order point whose encoding is the first 32 bytes of
    ``BLAKE2b-512(seed ‖ counter_u64_le)``, for counter = 0, 1, ...; returns it and the
    counter. Dusk's test ``second_gen_nums`` derives ``GENERATOR_NUMS`` this way from
    ``encode_point(GENERATOR)`` and finds counter 18."""
    counter = 0
    while True:
        candidate = blake2b_512(seed + counter.to_bytes(8, "little"))[:POINT_SIZE]
        try:
            point = decode_point(candidate)
        except CryptoError:
            point = IDENTITY
        if point != IDENTITY:
            return point, counter
        counter += 1


def value_commitment(value: int, blinder: int) -> Point:
    """Pedersen commitment ``value·G + blinder·G'`` (phoenix ``value_commitment``)."""
    if not 0 <= value < 1 << 64:
        raise CryptoError("crypto.commitment_value_range", "a committed value is a u64")
    if not 0 <= blinder < SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_range", "a blinder is a Jubjub scalar in [0, t)")
    return fixed_base_mul(GENERATOR, value) + fixed_base_mul(GENERATOR_NUMS, blinder)


# --- the fast path: square roots, the subgroup by a pairing, memoised decoding (J1-J3) -----

#: Modular exponentiation for the fast path: gmpy2's ``powmod`` (GMP) when it is installed,
#: about 7x faster than ``pow`` on 255-bit numbers; the same integers either way.
_powmod: Callable[[int, int, int], int] = pow
with contextlib.suppress(ImportError):
    _powmod = importlib.import_module("gmpy2").powmod


def _pow(base: int, exponent: int) -> int:
    return int(_powmod(base, exponent, _Q))


#: ``r - 1 = 2^32 · s`` with ``s`` odd.
_TWO_ADICITY = 32
_ODD_PART = (_Q - 1) >> _TWO_ADICITY
#: ``z^(2^k)`` for ``z = 7^s``, a primitive ``2^32``-th root of unity; ``_ROOTS[k]``.
_ROOTS: tuple[int, ...] = tuple(
    pow(pow(_NON_RESIDUE, _ODD_PART, _Q), 1 << k, _Q) for k in range(_TWO_ADICITY)
)


#: Discrete logarithms in 8-bit windows: ``_WINDOW_LOG[z^(2^24·j)] = j`` and
#: ``_INVERSE_WINDOWS[i][j] = z^(-j·2^(8i))`` for ``j < 256``.
_WINDOW_LOG = {pow(_ROOTS[24], j, _Q): j for j in range(256)}
_INVERSE_WINDOWS = tuple(
    tuple(pow(pow(_ROOTS[8 * i], j, _Q), -1, _Q) for j in range(256)) for i in range(4)
)


def _root_of_unity_log(b: int) -> int | None:
    """``e`` with ``z^e = b`` for ``b`` in the ``2^32``-th roots of unity, read 8 bits at a
    time from the lowest (``b^(2^(24-8i))`` after removing the lower windows lies in the
    256-element subgroup); ``None`` if ``b`` is not such a root."""
    e = 0
    for i in range(4):
        c = b
        for _ in range(24 - 8 * i):
            c = c * c % _Q
        digit = _WINDOW_LOG.get(c)
        if digit is None:
            return None
        e += digit << (8 * i)
        b = b * _INVERSE_WINDOWS[i][digit] % _Q
    return e if b == 1 else None


def sqrt_fast(a: int) -> int | None:
    """A square root of ``a`` mod r, or ``None`` (J1): one exponentiation
    ``x = a^((s+1)/2)``, then ``b = x²/a = a^s`` is a ``2^32``-th root of unity ``z^e``;
    ``a`` is a square exactly when ``e`` is even, and then ``x·z^(-e/2)`` is a root
    (``e`` from :func:`_root_of_unity_log`, no Legendre symbol, no Tonelli–Shanks loop).
    The root may differ from :func:`_sqrt`'s by sign."""
    a %= _Q
    if a == 0:
        return 0
    w = _pow(a, (_ODD_PART - 1) // 2)
    x = a * w % _Q  # a^((s+1)/2)
    e = _root_of_unity_log(x * w % _Q)  # the log of a^s
    if e is None or e & 1:
        return None
    half = e >> 1
    for i in range(4):
        x = x * _INVERSE_WINDOWS[i][(half >> (8 * i)) & 0xFF] % _Q
    return x


#: Montgomery form ``B·y² = x³ + A·x² + x`` of the curve (a = -1), and the birational map
#: ``x = (1 + v)/(1 - v)``, ``y = x/u`` from Edwards ``(u, v)``.
_MONT_A = 2 * (-1 + EDWARDS_D) * pow(-1 - EDWARDS_D, -1, _Q) % _Q
_MONT_B = 4 * pow(-1 - EDWARDS_D, -1, _Q) % _Q


def _to_montgomery(p: Point) -> tuple[int, int]:
    x = (1 + p.v) * pow(1 - p.v, -1, _Q) % _Q
    return x, x * pow(p.u, -1, _Q) % _Q


def _tangent(x: int, y: int) -> int:
    return (3 * x * x + 2 * _MONT_A * x + 1) * pow(2 * _MONT_B * y, -1, _Q) % _Q


def _order(p: Point) -> int:
    """The order of a point of small order (1, 2, 4 or 8), or 0 for any other."""
    q = p
    for order in (1, 2, 4, 8):
        if q == IDENTITY:
            return order
        q = q + q
    return 0


@dataclass(frozen=True)
class _PairingConstants:
    """What :func:`in_subgroup` evaluates: ``T8`` of order 8 in Montgomery form, the tangent
    slopes at ``T8`` and ``T4 = 2·T8``, ``x(T4)``, the eight points of order dividing 8, and
    the pairing value of the prime-order subgroup."""

    x8: int
    y8: int
    slope8: int
    x4: int
    y4: int
    slope4: int
    small: frozenset[Point]
    subgroup_value: int


@lru_cache(maxsize=1)
def _pairing_constants() -> _PairingConstants:
    """Derived once: the first point decoded (without the subgroup check) from
    ``v = 2, 3, …`` whose ``t``-multiple has order 8 gives ``T8 = t·P``."""
    v = 2
    while True:
        t8 = _small_order_part(v)
        if t8 is not None:
            break
        v += 1
    small = frozenset(scalar_mul(t8, k) for k in range(8))
    x8, y8 = _to_montgomery(t8)
    slope8 = _tangent(x8, y8)
    x4 = (_MONT_B * slope8 * slope8 - _MONT_A - 2 * x8) % _Q
    y4 = (slope8 * (x8 - x4) - y8) % _Q
    slope4 = _tangent(x4, y4)
    # T2 = 2·T4 is the Montgomery point (0, 0).
    assert (_MONT_B * slope4 * slope4 - _MONT_A - 2 * x4) % _Q == 0
    partial = _PairingConstants(x8, y8, slope8, x4, y4, slope4, small, 0)
    return _PairingConstants(
        x8, y8, slope8, x4, y4, slope4, small, _pairing_value(partial, GENERATOR)
    )


def _small_order_part(v: int) -> Point | None:
    v2 = v * v % _Q
    u = _sqrt((v2 - 1) * pow(1 + EDWARDS_D * v2, -1, _Q) % _Q)
    if u is None:
        return None
    t8 = scalar_mul(Point(u, v), SUBGROUP_ORDER)
    return t8 if _order(t8) == 8 else None


def _pairing_value(c: _PairingConstants, p: Point) -> int:
    """``f(P)^((r-1)/8)`` for the Miller function ``f`` of divisor ``8(T8) - 8(O)``, for
    ``P`` not of small order. With ``n = 1 + v``, ``m = 1 - v`` and the tangent lines
    ``l8 = n - y8·m·u - λ8·u·(n - x8·m)`` at ``T8`` and ``l4`` likewise at ``T4``,
    ``f ≡ l8^4 · l4^2 · u^2 · (n - x4·m)^4 · n^7 · m^7`` modulo 8th powers (8th powers
    vanish under the exponent; no factor is zero unless ``P`` has small order)."""
    u, v = p.u, p.v
    n, m = (1 + v) % _Q, (1 - v) % _Q
    n4 = (n - c.x4 * m) % _Q
    l8 = (n - c.y8 * m % _Q * u - c.slope8 * u % _Q * ((n - c.x8 * m) % _Q)) % _Q
    l4 = (n - c.y4 * m % _Q * u - c.slope4 * u % _Q * n4) % _Q
    l8_2 = l8 * l8 % _Q
    n4_2 = n4 * n4 % _Q
    nm = n * m % _Q
    nm_7 = pow(nm, 7, _Q)
    f = l8_2 * l8_2 % _Q * (l4 * l4 % _Q) % _Q * (u * u % _Q) % _Q
    f = f * (n4_2 * n4_2 % _Q) % _Q * nm_7 % _Q
    return _pow(f, (_Q - 1) // 8)


def in_subgroup(p: Point) -> bool:
    """J3: ``p`` (on the curve) is in the prime-order subgroup, as :func:`is_torsion_free`
    answers, at the cost of one exponentiation instead of a 252-bit multiplication.

    The curve group is cyclic of order ``8·t``, so the subgroup is ``8·E``. The reduced Tate
    pairing with a point ``T8`` of order 8 maps ``E/8E`` injectively into the 8th roots of
    unity (8 divides r - 1); ``p`` is in ``8·E`` exactly when its value equals the value of
    :data:`GENERATOR`. The eight points of order dividing 8 are answered from a table (only
    the identity is in the subgroup)."""
    c = _pairing_constants()
    if p in c.small:
        return p == IDENTITY
    return _pairing_value(c, p) == c.subgroup_value


#: Encodings :func:`decode_point` remembers (least recently used go first).
DECODE_MEMO_SIZE = 4096
_DECODED: OrderedDict[bytes, Point] = OrderedDict()


def clear_decode_memo() -> None:
    """Forget every decoded point (benchmarks measure cold decoding)."""
    _DECODED.clear()


def _decode_fast(data: bytes) -> Point:
    """:func:`decode_point_simple`'s checks in the same order, each by the fast routine."""
    return _decode_with(data, sqrt_fast, in_subgroup)

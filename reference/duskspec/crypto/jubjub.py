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
    """Strict decoding; raises a ``crypto.jubjub_point_*`` error for anything Dusk rejects."""
    if len(data) != POINT_SIZE:
        raise CryptoError("crypto.jubjub_point_length", f"{len(data)} bytes, expected {POINT_SIZE}")
    sign = data[31] >> 7
    v = int.from_bytes(data[:31] + bytes([data[31] & 0x7F]), "little")
    if v >= _Q:
        raise CryptoError("crypto.jubjub_point_noncanonical", "v is not below r")
    v2 = v * v % _Q
    # u² = (v² - 1) / (1 + d·v²); the denominator never vanishes since -1/d is a non-square.
    u = _sqrt((v2 - 1) * pow(1 + EDWARDS_D * v2, -1, _Q) % _Q)
    if u is None:
        raise CryptoError("crypto.jubjub_point_not_on_curve", "no u for this v")
    if u == 0 and sign:
        raise CryptoError("crypto.jubjub_point_noncanonical", "u = 0 with the sign bit set")
    if u & 1 != sign:
        u = _Q - u
    point = Point(u, v)
    if not is_torsion_free(point):
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

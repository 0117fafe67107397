"""Poseidon over the BLS12-381 scalar field as Dusk uses it (spec/crypto.md §4;
spec/sources.md §5.3; Dusk's ``Poseidon252`` and ``safe`` crates).

**Hades permutation** (:func:`permutation`): width 5, 8 full rounds (4 before and 4 after)
and 60 partial rounds, S-box ``x^5`` (a partial round applies it to the last element only).
Each round adds its 5 round constants, applies the S-box layer, then multiplies by the MDS
matrix. Constants are generated here, as Dusk's ``Poseidon252:assets/HOWTO.md`` generates them:

- round constants: ``h_0 = "poseidon-for-plonk"``, ``h_{i+1} = SHA-512(h_i)``;
  ``c_i = (h_{i+1} as a 512-bit little-endian integer mod r) + c_{i-1}``, ``c_{-1} = 1``;
- MDS: the Cauchy matrix ``M[i][j] = 1 / (x_i + y_j)`` with ``x_i = i``, ``y_j = j + 5``;
- then every constant and matrix entry is multiplied by the Montgomery radix
  ``2^256 mod r`` (:data:`MONTGOMERY_RADIX`). Dusk's generator wrote each value's internal
  Montgomery limbs to ``arc.bin``/``mds.bin`` and the library reads them back with
  ``from_raw``, which takes limbs as the canonical value; the permutation Dusk runs (and its
  published test vectors) therefore uses ``value · 2^256``. We reproduce that, not the HOWTO.

**SAFE sponge** (:func:`sponge`): rate 4, capacity 1. The state starts as
``[tag, 0, 0, 0, 0]``; absorbing adds each input into ``state[1..4]`` in turn, permuting
first whenever those four are used up; squeezing permutes once, then reads ``state[1..]``.
The tag is ``hash_to_scalar(io_pattern ‖ domain)``: the IO pattern is one big-endian u32 per
run of calls (``0x80000000 + n`` for absorbing ``n`` elements, ``n`` for squeezing), the
domain a big-endian u64 (:class:`Domain`).
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from duskspec.crypto.hashes import BLS_SCALAR_ORDER, hash_to_scalar
from duskspec.errors import CryptoError

WIDTH = 5
RATE = WIDTH - 1
FULL_ROUNDS = 8
PARTIAL_ROUNDS = 60
ROUNDS = FULL_ROUNDS + PARTIAL_ROUNDS

#: Seed of the round-constant chain.
ROUND_CONSTANT_SEED = b"poseidon-for-plonk"

#: SAFE marks a run of absorb calls with the top bit of its u32 entry.
ABSORB_MASK = 0x8000_0000

#: ``finalize_truncated`` keeps the low 250 bits, so the result is a Jubjub scalar.
TRUNCATION_BITS = 250

_R = BLS_SCALAR_ORDER

#: ``R = 2^256 mod r``, the factor Dusk's stored constants carry (see the module docstring).
MONTGOMERY_RADIX = pow(2, 256, _R)


class Domain(enum.IntEnum):
    """Domain separators of ``dusk-poseidon`` (``hash.rs``)."""

    MERKLE4 = 0xF
    MERKLE2 = 0x3
    ENCRYPTION = 1 << 32
    OTHER = 0


#: Domains that fix the number of inputs (a Merkle level hashes exactly its arity).
FIXED_ARITY = {Domain.MERKLE4: 4, Domain.MERKLE2: 2}


@lru_cache(maxsize=1)
def round_constants() -> tuple[tuple[int, ...], ...]:
    """The 68 × 5 round constants Dusk's permutation adds, one row per round."""
    flat: list[int] = []
    digest = ROUND_CONSTANT_SEED
    previous = 1
    for _ in range(ROUNDS * WIDTH):
        digest = hashlib.sha512(digest).digest()
        previous = (int.from_bytes(digest, "little") + previous) % _R
        flat.append(previous * MONTGOMERY_RADIX % _R)
    return tuple(tuple(flat[i : i + WIDTH]) for i in range(0, len(flat), WIDTH))


@lru_cache(maxsize=1)
def mds_matrix() -> tuple[tuple[int, ...], ...]:
    """The 5 × 5 Cauchy matrix ``1 / (i + (j + 5))``, times the Montgomery radix."""
    return tuple(
        tuple(pow(i + j + WIDTH, -1, _R) * MONTGOMERY_RADIX % _R for j in range(WIDTH))
        for i in range(WIDTH)
    )


def _check_field_elements(values: Sequence[int]) -> None:
    for value in values:
        if not 0 <= value < _R:
            raise CryptoError(
                "crypto.poseidon_input_range", "an input is not a field element in [0, r)"
            )


def _mix(state: list[int], mds: tuple[tuple[int, ...], ...]) -> list[int]:
    """``M · state``; written out for width 5 because this is the inner loop."""
    s0, s1, s2, s3, s4 = state
    return [(m0 * s0 + m1 * s1 + m2 * s2 + m3 * s3 + m4 * s4) % _R for m0, m1, m2, m3, m4 in mds]


#: The integer type the permutation computes with: gmpy2's ``mpz`` (GMP) when installed,
#: about 2.8x faster here than Python's ``int``; the same values either way (P1).
_field: Callable[[int], int] = int
with contextlib.suppress(ImportError):
    _field = importlib.import_module("gmpy2").mpz


Vector = tuple[int, ...]
Matrix = tuple[Vector, ...]


def _mat_vec(m: Sequence[Sequence[int]], v: Sequence[int]) -> list[int]:
    return [sum(row[k] * v[k] for k in range(len(v))) % _R for row in m]


def _mat_mul(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> list[list[int]]:
    return [
        [sum(row[k] * b[k][j] for k in range(len(b))) % _R for j in range(len(b[0]))] for row in a
    ]


def _inverse(m: Sequence[Sequence[int]]) -> list[list[int]]:
    """The inverse of a square matrix mod r (Gauss–Jordan)."""
    n = len(m)
    rows = [[*row, *(int(i == j) for j in range(n))] for i, row in enumerate(m)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if rows[r][col] % _R)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        scale = pow(rows[col][col], -1, _R)
        rows[col] = [x * scale % _R for x in rows[col]]
        for r in range(n):
            if r != col and rows[r][col]:
                factor = rows[r][col]
                rows[r] = [(x - factor * y) % _R for x, y in zip(rows[r], rows[col], strict=True)]
    return [row[n:] for row in rows]


@dataclass(frozen=True)
class _PartialPlan:
    """The partial rounds in the equivalent form of the Poseidon paper (appendix B):
    ``first``: the constants added before the first partial round (the partial rounds'
    constants moved through the inverse MDS matrix, except the S-box element's); ``after``:
    per partial round, the constant added to the S-box element after its S-box; ``sparse``:
    per partial round but the last, ``(u, w, n)`` of the matrix ``[[I, u], [w, n]]``;
    ``last``: the dense matrix closing the last partial round."""

    first: Vector
    after: Vector
    sparse: tuple[tuple[Vector, Vector, int], ...]
    last: Matrix


@lru_cache(maxsize=1)
def _partial_plan() -> _PartialPlan:
    """P2: derived from the round constants and the MDS matrix ``M``. Constants: going
    backwards, a partial round's constant vector ``c`` becomes ``d = M^-1·c`` added one round
    earlier, its S-box element after that round's S-box, the others before it (the S-box does
    not touch them). Matrices: going forwards, each round's matrix ``N = M·M'`` (``M'`` left
    over from the round before) factors as ``M'·M''`` with ``M' = diag(N[0..3][0..3], 1)``,
    which commutes with the next S-box and is pushed into the next round, and the sparse
    ``M''``; the last partial round applies its ``N`` whole."""
    m = mds_matrix()
    m_inv = _inverse(m)
    half = FULL_ROUNDS // 2
    constants = [list(round_constants()[half + p]) for p in range(PARTIAL_ROUNDS)]
    after = [0] * PARTIAL_ROUNDS
    for p in range(PARTIAL_ROUNDS - 2, -1, -1):
        d = _mat_vec(m_inv, constants[p + 1])
        constants[p] = [(x + y) % _R for x, y in zip(constants[p], [*d[:-1], 0], strict=True)]
        after[p] = d[-1]
        constants[p + 1] = [0] * WIDTH
    sparse = []
    n: list[list[int]] = [list(row) for row in m]
    for _ in range(PARTIAL_ROUNDS - 1):
        block = [row[:-1] for row in n[:-1]]
        u = _mat_vec(_inverse(block), [row[-1] for row in n[:-1]])
        sparse.append((tuple(u), tuple(n[-1][:-1]), n[-1][-1]))
        n = _mat_mul(m, [*([*row, 0] for row in block), [0] * (WIDTH - 1) + [1]])
    return _PartialPlan(
        tuple(constants[0]), tuple(after), tuple(sparse), tuple(tuple(row) for row in n)
    )


@lru_cache(maxsize=1)
def _constants_as_field() -> tuple[Matrix, Matrix, int, Vector, tuple[Vector, ...], Matrix]:
    """As :data:`_field` values: the round constants, the MDS matrix, r, and the plan's first
    constants, its partial rounds flattened to ``(u0..u3, w0..w3, n, after)`` and its last
    matrix."""
    plan = _partial_plan()
    rounds = tuple(
        tuple(_field(x) for x in (*u, *w, n, b))
        for (u, w, n), b in zip(plan.sparse, plan.after, strict=False)
    )
    return (
        tuple(tuple(_field(c) for c in row) for row in round_constants()),
        tuple(tuple(_field(m) for m in row) for row in mds_matrix()),
        _field(_R),
        tuple(_field(c) for c in plan.first),
        rounds,
        tuple(tuple(_field(x) for x in row) for row in plan.last),
    )


def _dense(m: Matrix, s: Vector, r: int) -> Vector:
    """``m · s`` mod r, written out for width 5."""
    (m00, m01, m02, m03, m04), (m10, m11, m12, m13, m14) = m[0], m[1]
    (m20, m21, m22, m23, m24), (m30, m31, m32, m33, m34) = m[2], m[3]
    (m40, m41, m42, m43, m44) = m[4]
    s0, s1, s2, s3, s4 = s
    return (
        (m00 * s0 + m01 * s1 + m02 * s2 + m03 * s3 + m04 * s4) % r,
        (m10 * s0 + m11 * s1 + m12 * s2 + m13 * s3 + m14 * s4) % r,
        (m20 * s0 + m21 * s1 + m22 * s2 + m23 * s3 + m24 * s4) % r,
        (m30 * s0 + m31 * s1 + m32 * s2 + m33 * s3 + m34 * s4) % r,
        (m40 * s0 + m41 * s1 + m42 * s2 + m43 * s3 + m44 * s4) % r,
    )


def _full_round(c: Vector, mds: Matrix, s: Vector, r: int) -> Vector:
    s0, s1, s2, s3, s4 = s
    c0, c1, c2, c3, c4 = c
    return _dense(
        mds,
        (
            _quintic(s0 + c0, r),
            _quintic(s1 + c1, r),
            _quintic(s2 + c2, r),
            _quintic(s3 + c3, r),
            _quintic(s4 + c4, r),
        ),
        r,
    )


def _hades(state: list[int]) -> list[int]:
    """P1: the permutation as :func:`_hades_reference` computes it, with the partial rounds
    in the equivalent sparse form of :func:`_partial_plan` (9 products a partial round
    instead of 25)."""
    constants, mds, r, first, rounds, last = _constants_as_field()
    half = FULL_ROUNDS // 2
    s: Vector = tuple(_field(x) for x in state)
    for c in constants[:half]:
        s = _full_round(c, mds, s, r)
    s0, s1, s2, s3, s4 = (x + k for x, k in zip(s, first, strict=True))
    for u0, u1, u2, u3, w0, w1, w2, w3, n, b in rounds:
        x = s4 % r
        x2 = x * x % r
        s4 = x2 * x2 % r * x % r + b
        # s0..s3 are left unreduced (a sum of at most 60 products): one reduction a round.
        s0, s1, s2, s3, s4 = (
            s0 + u0 * s4,
            s1 + u1 * s4,
            s2 + u2 * s4,
            s3 + u3 * s4,
            (w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3 + n * s4) % r,
        )
    s = _dense(last, (s0, s1, s2, s3, _quintic(s4, r)), r)  # the last partial round
    for c in constants[half + PARTIAL_ROUNDS :]:
        s = _full_round(c, mds, s, r)
    return [int(x) for x in s]


def _quintic(x: int, r: int) -> int:
    x = x % r
    x2 = x * x % r
    return x2 * x2 % r * x % r


def _hades_reference(state: list[int]) -> list[int]:
    """The permutation as the rounds are defined, on Python integers (the cross-check of
    :func:`_hades`)."""
    constants = round_constants()
    mds = mds_matrix()
    half = FULL_ROUNDS // 2
    for round_index in range(ROUNDS):
        # No reduction here: the S-box and the mix reduce mod r.
        state = [s + c for s, c in zip(state, constants[round_index], strict=True)]
        is_full = round_index < half or round_index >= half + PARTIAL_ROUNDS
        if is_full:
            state = [pow(s, 5, _R) for s in state]
        else:
            state[-1] = pow(state[-1], 5, _R)
        state = _mix(state, mds)
    return state


def permutation(state: Sequence[int]) -> tuple[int, ...]:
    """The Hades permutation of a 5-element state."""
    if len(state) != WIDTH:
        raise CryptoError(
            "crypto.poseidon_state_width", f"the state has {len(state)} elements, not {WIDTH}"
        )
    _check_field_elements(state)
    return tuple(_hades(list(state)))


@lru_cache(maxsize=256)
def tag(input_len: int, output_len: int, domain: Domain) -> int:
    """The SAFE tag of the IO pattern ``[absorb(input_len), squeeze(output_len)]``."""
    pattern = (ABSORB_MASK + input_len).to_bytes(4, "big") + output_len.to_bytes(4, "big")
    return hash_to_scalar(pattern + int(domain).to_bytes(8, "big"))


def sponge(tag_value: int, inputs: Sequence[int], output_len: int = 1) -> tuple[int, ...]:
    """Absorb ``inputs`` into ``[tag, 0, 0, 0, 0]`` and squeeze ``output_len`` elements."""
    _check_field_elements([tag_value, *inputs])
    state = [tag_value] + [0] * RATE
    position = 0
    for value in inputs:
        if position == RATE:
            state = _hades(state)
            position = 0
        state[1 + position] = (state[1 + position] + value) % _R
        position += 1
    output: list[int] = []
    while len(output) < output_len:
        state = _hades(state)
        output.extend(state[1 : 1 + min(RATE, output_len - len(output))])
    return tuple(output)


def hash_many(domain: Domain, inputs: Sequence[int], output_len: int) -> tuple[int, ...]:
    """``Hash::finalize`` with ``output_len`` outputs (only ``Other`` allows more than one)."""
    if not inputs:
        raise CryptoError("crypto.poseidon_empty_input", "SAFE forbids an empty absorb")
    if domain in FIXED_ARITY and (len(inputs) != FIXED_ARITY[domain] or output_len != 1):
        raise CryptoError(
            "crypto.poseidon_arity", f"{domain.name} hashes exactly {FIXED_ARITY[domain]} inputs"
        )
    if output_len < 1:
        raise CryptoError("crypto.poseidon_output_len", "at least one output is squeezed")
    return sponge(tag(len(inputs), output_len, domain), inputs, output_len)


def hash(domain: Domain, inputs: Sequence[int]) -> int:
    """``Hash::digest(domain, inputs)[0]``: one field element."""
    return hash_many(domain, inputs, 1)[0]


def hash_truncated(domain: Domain, inputs: Sequence[int]) -> int:
    """``Hash::digest_truncated``: the hash with its top 5 bits cleared (a value below
    2^250, hence a valid Jubjub scalar). Used by the Schnorr challenge."""
    return hash(domain, inputs) & ((1 << TRUNCATION_BITS) - 1)

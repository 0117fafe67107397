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

import enum
import hashlib
from collections.abc import Sequence
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


def _hades(state: list[int]) -> list[int]:
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

"""BLS signatures on BLS12-381 as Dusk uses them (spec/crypto.md §3; spec/sources.md §5.1).

Minimal-signature variant: public keys are G2 points (96 bytes compressed), signatures are
G1 points (48 bytes). Dusk's ``bls12_381-bls`` V2 rules (Aegis onwards):

- ``H0(m)`` = RFC 9380 ``hash_to_curve`` to G1, expand_message_xmd with SHA-256 and
  :data:`H0_DST`;
- ``H1(pk)`` = ``hash_to_scalar(H1_DST ‖ pk_bytes)`` (BLAKE2b-512, little-endian, mod r);
- ``sign(sk, m) = sk·H0(m)``; ``sign_multisig(sk, pk, m) = H1(pk)·sk·H0(m)``;
- ``aggregate_public_keys(pks) = Σ H1(pk_i)·pk_i`` (rogue-key safe);
  ``aggregate_signatures(sigs) = Σ sig_i``;
- ``verify(pk, m, sig)``: ``e(sig, g2) == e(H0(m), pk)``.

Decoding rejects wrong lengths, bad flag bits, non-canonical coordinates, points off the
curve, points outside the prime-order subgroup, and the identity, each with its own code.
``verify*`` returns ``False`` for well-formed bytes that do not verify and raises
:class:`~duskspec.errors.CryptoError` for malformed ones.

The group arithmetic comes from a backend (:mod:`duskspec.crypto.bls_backends`) chosen at
call time: :func:`use_backend` if active, else ``DUSKSPEC_CRYPTO`` (``fast`` by default).
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from duskspec.crypto.bls_backends import BACKENDS, FIELD_MODULUS, Backend
from duskspec.crypto.floor import metered
from duskspec.crypto.hashes import BLS_SCALAR_ORDER, blake2b_512, hash_to_scalar
from duskspec.errors import CryptoError
from duskspec.types import BlsPublicKey, BlsSignature

#: Domain separation tag of ``H0`` (hash to G1), V2.
H0_DST = b"BLS_SIG_BLS12381G1_XMD:SHA-256_DUSK_V2"

#: Prefix of ``H1`` (public key to scalar), V2.
H1_DST = b"BLS_SIG_BLS12381_SCALAR_SHA256_DUSK_H1_V2"

#: Domain of :func:`keygen` (duskspec's own; Dusk draws keys from an RNG).
KEYGEN_DST = b"DUSKSPEC_BLS_KEYGEN_V1"

PUBLIC_KEY_SIZE = 96
SIGNATURE_SIZE = 48

#: Environment variable selecting the backend, and its default.
BACKEND_ENV = "DUSKSPEC_CRYPTO"
DEFAULT_BACKEND = "fast"

_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("bls_backend", default=None)

_COMPRESSED = 0x80
_INFINITY = 0x40
_SIGN = 0x20


# --- backend selection --------------------------------------------------------------------


def backend_name() -> str:
    """The backend the next call will use."""
    return _override.get() or os.environ.get(BACKEND_ENV) or DEFAULT_BACKEND


def backend() -> Backend:
    name = backend_name()
    if name not in BACKENDS:
        raise CryptoError(
            "crypto.unknown_backend", f"{name!r}; known: {', '.join(sorted(BACKENDS))}"
        )
    return BACKENDS[name]


@contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Run the block with backend ``name`` (``fast`` or ``reference``)."""
    if name not in BACKENDS:
        raise CryptoError(
            "crypto.unknown_backend", f"{name!r}; known: {', '.join(sorted(BACKENDS))}"
        )
    token = _override.set(name)
    try:
        yield
    finally:
        _override.reset(token)


# --- decoding -----------------------------------------------------------------------------


def _check_encoding(data: bytes, kind: str) -> None:
    """Flag bits and canonical coordinates of a compressed point (ZCash format).

    ``kind`` is ``public_key`` or ``signature``; the identity gets its own code."""
    flags = data[0]
    if not flags & _COMPRESSED:
        raise CryptoError(f"crypto.bls_{kind}_invalid", "the compression flag is not set")
    body = bytes([flags & 0x1F]) + data[1:]
    if flags & _INFINITY:
        if flags & _SIGN or any(body):
            raise CryptoError(f"crypto.bls_{kind}_invalid", "a non-canonical point at infinity")
        raise CryptoError(f"crypto.bls_{kind}_identity", "the identity is not a valid point here")
    # Every base-field coordinate must be below q (G2 has two, 48 bytes each).
    for offset in range(0, len(body), 48):
        if int.from_bytes(body[offset : offset + 48], "big") >= FIELD_MODULUS:
            raise CryptoError(f"crypto.bls_{kind}_invalid", "a coordinate is not below q")


def decode_public_key(pk: bytes) -> Any:
    """The G2 point of a public key, with every check Dusk's ``PublicKey::is_valid`` makes."""
    if len(pk) != PUBLIC_KEY_SIZE:
        raise CryptoError(
            "crypto.bls_public_key_length", f"{len(pk)} bytes, expected {PUBLIC_KEY_SIZE}"
        )
    _check_encoding(pk, "public_key")
    be = backend()
    point = be.g2_decompress(pk)
    if point is None:
        raise CryptoError("crypto.bls_public_key_invalid", "x is not on the curve")
    if not be.g2_in_subgroup(point):
        raise CryptoError("crypto.bls_public_key_subgroup", "not in the prime-order subgroup")
    return point


def decode_signature(sig: bytes) -> Any:
    """The G1 point of a signature, with every check Dusk's ``Signature::is_valid`` makes."""
    if len(sig) != SIGNATURE_SIZE:
        raise CryptoError(
            "crypto.bls_signature_length", f"{len(sig)} bytes, expected {SIGNATURE_SIZE}"
        )
    _check_encoding(sig, "signature")
    be = backend()
    point = be.g1_decompress(sig)
    if point is None:
        raise CryptoError("crypto.bls_signature_invalid", "x is not on the curve")
    if not be.g1_in_subgroup(point):
        raise CryptoError("crypto.bls_signature_subgroup", "not in the prime-order subgroup")
    return point


def _check_secret_key(sk: int) -> None:
    if not 0 < sk < BLS_SCALAR_ORDER:
        raise CryptoError("crypto.bls_secret_key_range", "a secret key is an integer in [1, r)")


# --- keys ---------------------------------------------------------------------------------


def keygen(seed: bytes) -> tuple[int, BlsPublicKey]:
    """A deterministic key pair: ``sk = 1 + (BLAKE2b-512(KEYGEN_DST ‖ seed) mod (r - 1))``,
    read little-endian, so ``sk`` is never zero; ``pk = sk·g2``."""
    wide = int.from_bytes(blake2b_512(KEYGEN_DST + seed), "little")
    sk = 1 + wide % (BLS_SCALAR_ORDER - 1)
    return sk, public_key(sk)


def public_key(sk: int) -> BlsPublicKey:
    _check_secret_key(sk)
    be = backend()
    return BlsPublicKey(be.g2_compress(be.g2_generator_mul(sk)))


def h1(pk: BlsPublicKey) -> int:
    """``H1(pk) = hash_to_scalar(H1_DST ‖ pk_bytes)``: the multisignature weight of ``pk``."""
    return hash_to_scalar(H1_DST + pk)


def hash_to_g1(msg: bytes, dst: bytes = H0_DST) -> bytes:
    """RFC 9380 ``hash_to_curve`` for the suite ``BLS12381G1_XMD:SHA-256_SSWU_RO_`` under the
    domain-separation tag ``dst``, compressed; with Dusk's tag (the default) this is ``H0``.
    A tag must be 1 to 255 bytes (RFC 9380 §3.1)."""
    if not 1 <= len(dst) <= MAX_DST_LEN:
        raise CryptoError("crypto.hash_to_curve_dst_length", f"{len(dst)} bytes")
    be = backend()
    return be.g1_compress(be.hash_to_g1(msg, dst))


#: Longest domain-separation tag RFC 9380 allows without hashing it first.
MAX_DST_LEN = 255


# --- signatures ---------------------------------------------------------------------------


@metered("sign")
def sign(sk: int, msg: bytes) -> BlsSignature:
    """``sk·H0(msg)``."""
    _check_secret_key(sk)
    be = backend()
    return BlsSignature(be.g1_compress(be.g1_mul(be.hash_to_g1(msg, H0_DST), sk)))


@metered("verify")
def verify(pk: BlsPublicKey, msg: bytes, sig: BlsSignature) -> bool:
    """``e(sig, g2) == e(H0(msg), pk)``; raises on malformed ``pk`` or ``sig``."""
    pk_point = decode_public_key(pk)
    sig_point = decode_signature(sig)
    be = backend()
    return be.pairing_check(sig_point, be.hash_to_g1(msg, H0_DST), pk_point)


@metered("sign_multisig")
def sign_multisig(sk: int, pk: BlsPublicKey, msg: bytes) -> BlsSignature:
    """``H1(pk)·sk·H0(msg)``: a vote, verified against ``aggregate_public_keys([pk])``."""
    _check_secret_key(sk)
    name = backend_name()
    _key_point(name, pk)
    be = backend()
    weight = h1(pk) * sk % BLS_SCALAR_ORDER
    return BlsSignature(be.g1_compress(be.g1_mul(_h0_point(name, msg), weight)))


@metered("aggregate_public_keys")
def aggregate_public_keys(pks: Sequence[BlsPublicKey]) -> BlsPublicKey:
    """``Σ H1(pk_i)·pk_i`` over ``pks`` (repetitions count again, as in Dusk)."""
    if not pks:
        raise CryptoError("crypto.bls_no_keys", "cannot aggregate an empty list of public keys")
    be = backend()
    weighted = [_weighted_key(backend_name(), pk) for pk in pks]
    return BlsPublicKey(be.g2_compress(be.g2_sum(weighted)))


def forget_weighted_keys() -> None:
    """Empty the memos of points (``H1(pk)·pk``, decoded keys and signatures, ``H0(m)``),
    for benchmarks that measure the cold cost."""
    _weighted_key.cache_clear()
    _key_point.cache_clear()
    _h0_point.cache_clear()
    _signature_point.cache_clear()


#: Rule C17.1 (spec/crypto.md §17): entries kept by each memo of points below. Each is a pure
#: function of its arguments, so a bound changes only what a repeat costs, never a result.
POINT_MEMO_CAPACITY = 256


@lru_cache(maxsize=POINT_MEMO_CAPACITY)
def _key_point(backend: str, pk: BlsPublicKey) -> Any:
    """The checked G2 point of ``pk`` (:func:`decode_public_key`; a malformed key raises
    every time, since a raised error is not memoized)."""
    return decode_public_key(pk)


@lru_cache(maxsize=POINT_MEMO_CAPACITY)
def _h0_point(backend: str, msg: bytes) -> Any:
    """``H0(msg)`` as a backend point: every voter of a step signs, and every verifier
    checks, the same message, which is hashed to the curve once."""
    return BACKENDS[backend].hash_to_g1(msg, H0_DST)


@lru_cache(maxsize=65536)
def _weighted_key(backend: str, pk: BlsPublicKey) -> Any:
    """``H1(pk)·pk`` as a backend point: a pure function of the key, memoized because a
    committee's members are aggregated again for every attestation that names them."""
    be = BACKENDS[backend]
    return be.g2_mul(decode_public_key(pk), h1(pk))


@metered("aggregate_signatures")
def aggregate_signatures(sigs: Sequence[BlsSignature]) -> BlsSignature:
    """``Σ sig_i`` in G1. The sum is returned even if it is the identity; verifying it
    then raises ``crypto.bls_signature_identity``."""
    if not sigs:
        raise CryptoError(
            "crypto.bls_no_signatures", "cannot aggregate an empty list of signatures"
        )
    be = backend()
    name = backend_name()
    return BlsSignature(be.g1_compress(be.g1_sum([_signature_point(name, s) for s in sigs])))


@lru_cache(maxsize=POINT_MEMO_CAPACITY)
def _signature_point(backend: str, sig: BlsSignature) -> Any:
    """The checked G1 point of ``sig``: a pure function of its bytes, memoized because a
    vote's signature is summed again into every aggregate that includes it."""
    return decode_signature(sig)


@metered("verify")
def verify_multisig(apk: BlsPublicKey, msg: bytes, sig: BlsSignature) -> bool:
    """Verify an aggregate (or single multisig) signature against an aggregate key. The
    check is the plain one (:func:`verify`, the same checks in the same order); the H1
    weights are already inside ``apk`` and ``sig``. The key's and signature's points and
    ``H0(msg)`` come from the memos of points (rule C17.1 of spec/crypto.md)."""
    name = backend_name()
    pk_point = _key_point(name, apk)
    sig_point = _signature_point(name, sig)
    return backend().pairing_check(sig_point, _h0_point(name, msg), pk_point)


# --- batch verification -------------------------------------------------------------------

#: Domain of the batch-verification scalars.
BATCH_DST = b"DUSKSPEC_BLS_BATCH_V1"


def batch_scalar(seed: bytes, index: int, apk: bytes, msg: bytes, sig: bytes) -> int:
    """The 128-bit weight of item ``index``: the first 16 bytes, little-endian, of
    ``BLAKE2b-512(BATCH_DST ‖ len32(seed) ‖ seed ‖ u32(index) ‖ apk ‖ len32(msg) ‖ msg ‖ sig)``,
    with the lowest bit set so it is never zero. A forger who does not know ``seed`` (or
    cannot choose it after fixing the items) makes a batch with an invalid item pass with
    probability at most about 2^-127."""
    data = (
        BATCH_DST
        + len(seed).to_bytes(4, "little")
        + seed
        + index.to_bytes(4, "little")
        + apk
        + len(msg).to_bytes(4, "little")
        + msg
        + sig
    )
    return int.from_bytes(blake2b_512(data)[:16], "little") | 1


def verify_batch(
    items: Sequence[tuple[BlsPublicKey, bytes, BlsSignature]], seed: bytes
) -> list[bool]:
    """Verify ``(apk, msg, sig)`` items together (spec/crypto.md §14): with seeded 128-bit
    weights ``r_i`` (:func:`batch_scalar`), check ``e(Σ r_i·sig_i, g2) · Π e(-r_i·H0(m_i),
    apk_i) == 1``: one Miller loop per item plus one, one final exponentiation. If it
    holds, every item is valid; if not, each item is verified on its own to name the bad
    ones. The result is the verdict of :func:`verify_multisig` per item; a malformed key or
    signature is ``False`` here rather than an error."""
    if not items:
        return []
    be = backend()
    try:
        points = [(decode_public_key(a), decode_signature(s)) for a, _, s in items]
    except CryptoError:
        return [_verify_or_false(a, m, s) for a, m, s in items]
    weights = [batch_scalar(seed, i, a, m, s) for i, (a, m, s) in enumerate(items)]
    combined = be.g1_sum([be.g1_mul(sig, r) for (_, sig), r in zip(points, weights, strict=True)])
    g1s = [combined]
    g2s = [be.g2_generator()]
    for (pk, _), (_, msg, _), r in zip(points, items, weights, strict=True):
        g1s.append(be.g1_neg(be.g1_mul(be.hash_to_g1(msg, H0_DST), r)))
        g2s.append(pk)
    if be.pairing_product_is_one(g1s, g2s):
        return [True] * len(items)
    return [_verify_or_false(a, m, s) for a, m, s in items]


def _verify_or_false(apk: BlsPublicKey, msg: bytes, sig: BlsSignature) -> bool:
    try:
        return verify_multisig(apk, msg, sig)
    except CryptoError:
        return False

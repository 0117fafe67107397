"""Schnorr signatures over Jubjub as Dusk uses them (spec/crypto.md §6; spec/sources.md
§5.2; ``jubjub-schnorr`` v0.7.0-rc.0, the version rusk 1.6.0 pins).

Messages are BLS12-381 scalars (field elements, e.g. a Phoenix ``payload_hash``). With
``G`` = :data:`~duskspec.crypto.jubjub.GENERATOR` and ``G'`` =
:data:`~duskspec.crypto.jubjub.GENERATOR_NUMS`:

- single key: ``pk = sk·G``; ``R = r·G``; ``c = Poseidon_truncated(Other; R.u, R.v, pk.u,
  pk.v, m)``; ``u = r - c·sk (mod t)``; the signature is ``(u, R)``; verify
  ``u·G + c·pk == R``;
- double key: ``(pk, pk') = (sk·G, sk·G')``; ``R = r·G``, ``R' = r·G'``; ``c =
  Poseidon_truncated(Other; R, R', pk, m)``; verify ``u·G + c·pk == R`` and
  ``u·G' + c·pk' == R'``. Only ``pk`` enters the challenge in this version.

Departure: Dusk draws the nonce ``r`` from an RNG; here it is derived from the secret key,
the message and an explicit ``nonce_seed`` (:func:`nonce`), so signing is a pure function.
Verification is unaffected.

``verify*`` returns ``False`` for a signature that does not verify and raises for invalid
points (the identity, a point off the curve or outside the subgroup), as Dusk's
``Error::InvalidPoint`` versus ``Error::InvalidSignature``.
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.crypto import jubjub, poseidon
from duskspec.crypto.hashes import BLS_SCALAR_ORDER, scalar_to_bytes
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, SUBGROUP_ORDER, Point
from duskspec.errors import CryptoError
from duskspec.types import Scalar

#: Domain of duskspec's deterministic nonce (not part of Dusk's protocol).
NONCE_DST = b"DUSKSPEC_SCHNORR_NONCE_V1"

SIGNATURE_SIZE = 64
SIGNATURE_DOUBLE_SIZE = 96


@dataclass(frozen=True)
class Signature:
    u: int
    R: Point


@dataclass(frozen=True)
class SignatureDouble:
    u: int
    R: Point
    R_prime: Point


def _check_secret_key(sk: int) -> None:
    if not 0 < sk < SUBGROUP_ORDER:
        raise CryptoError("crypto.schnorr_secret_key_range", "a secret key is in [1, t)")


def _check_message(msg: int) -> None:
    if not 0 <= msg < BLS_SCALAR_ORDER:
        raise CryptoError("crypto.schnorr_message_range", "a message is a BLS scalar in [0, r)")


def _check_point(point: Point) -> None:
    """Dusk's ``is_valid``: on the curve, in the prime-order subgroup, not the identity."""
    if point == jubjub.IDENTITY:
        raise CryptoError("crypto.schnorr_identity", "a key or nonce point is the identity")
    if not jubjub.is_on_curve(point):
        raise CryptoError(
            "crypto.jubjub_point_not_on_curve", "a key or nonce point is off the curve"
        )
    if not jubjub.is_torsion_free(point):
        raise CryptoError(
            "crypto.jubjub_point_subgroup", "a key or nonce point is outside the subgroup"
        )


def public_key(sk: int) -> Point:
    _check_secret_key(sk)
    return jubjub.fixed_base_mul(GENERATOR, sk)


def public_key_double(sk: int) -> tuple[Point, Point]:
    _check_secret_key(sk)
    return jubjub.fixed_base_mul(GENERATOR, sk), jubjub.fixed_base_mul(GENERATOR_NUMS, sk)


def challenge(R: Point, pk: Point, msg: int) -> int:
    return poseidon.hash_truncated(
        poseidon.Domain.OTHER, [*R.hash_inputs(), *pk.hash_inputs(), msg]
    )


def challenge_double(R: Point, R_prime: Point, pk: Point, msg: int) -> int:
    inputs = [*R.hash_inputs(), *R_prime.hash_inputs(), *pk.hash_inputs(), msg]
    return poseidon.hash_truncated(poseidon.Domain.OTHER, inputs)


def nonce(sk: int, msg: int, nonce_seed: bytes) -> int:
    """``r = 1 + (BLAKE2b-512(NONCE_DST ‖ sk ‖ m ‖ seed) mod (t - 1))``: never zero."""
    data = NONCE_DST + jubjub.encode_scalar(sk) + scalar_to_bytes(Scalar(msg)) + nonce_seed
    return 1 + jubjub.hash_to_scalar(data) % (SUBGROUP_ORDER - 1)


def sign(sk: int, msg: int, nonce_seed: bytes = b"") -> Signature:
    _check_message(msg)
    pk = public_key(sk)
    r = nonce(sk, msg, nonce_seed)
    R = jubjub.fixed_base_mul(GENERATOR, r)
    c = challenge(R, pk, msg)
    return Signature((r - c * sk) % SUBGROUP_ORDER, R)


def verify(pk: Point, msg: int, sig: Signature) -> bool:
    """``u·G + c·pk == R``."""
    _check_message(msg)
    _check_point(pk)
    _check_point(sig.R)
    if not 0 <= sig.u < SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_noncanonical", "u is not below t")
    c = challenge(sig.R, pk, msg)
    return jubjub.fixed_base_mul(GENERATOR, sig.u) + jubjub.scalar_mul(pk, c) == sig.R


def sign_double(sk: int, msg: int, nonce_seed: bytes = b"") -> SignatureDouble:
    _check_message(msg)
    pk, _ = public_key_double(sk)
    r = nonce(sk, msg, nonce_seed)
    R = jubjub.fixed_base_mul(GENERATOR, r)
    R_prime = jubjub.fixed_base_mul(GENERATOR_NUMS, r)
    c = challenge_double(R, R_prime, pk, msg)
    return SignatureDouble((r - c * sk) % SUBGROUP_ORDER, R, R_prime)


def verify_double(pk: Point, pk_prime: Point, msg: int, sig: SignatureDouble) -> bool:
    """``u·G + c·pk == R`` and ``u·G' + c·pk' == R'``."""
    _check_message(msg)
    for point in (pk, pk_prime, sig.R, sig.R_prime):
        _check_point(point)
    if not 0 <= sig.u < SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_noncanonical", "u is not below t")
    c = challenge_double(sig.R, sig.R_prime, pk, msg)
    first = jubjub.fixed_base_mul(GENERATOR, sig.u) + jubjub.scalar_mul(pk, c) == sig.R
    second = (
        jubjub.fixed_base_mul(GENERATOR_NUMS, sig.u) + jubjub.scalar_mul(pk_prime, c) == sig.R_prime
    )
    return first and second


def encode_signature(sig: Signature) -> bytes:
    """``u`` (32 bytes LE) ‖ ``R`` (compressed)."""
    return jubjub.encode_scalar(sig.u) + sig.R.encode()


def decode_signature(data: bytes) -> Signature:
    if len(data) != SIGNATURE_SIZE:
        raise CryptoError(
            "crypto.schnorr_signature_length", f"{len(data)} bytes, expected {SIGNATURE_SIZE}"
        )
    return Signature(jubjub.decode_scalar(data[:32]), jubjub.decode_point(data[32:]))


def encode_signature_double(sig: SignatureDouble) -> bytes:
    """``u`` ‖ ``R`` ‖ ``R'``."""
    return jubjub.encode_scalar(sig.u) + sig.R.encode() + sig.R_prime.encode()


def decode_signature_double(data: bytes) -> SignatureDouble:
    if len(data) != SIGNATURE_DOUBLE_SIZE:
        raise CryptoError(
            "crypto.schnorr_signature_length",
            f"{len(data)} bytes, expected {SIGNATURE_DOUBLE_SIZE}",
        )
    u = jubjub.decode_scalar(data[:32])
    return SignatureDouble(u, jubjub.decode_point(data[32:64]), jubjub.decode_point(data[64:]))

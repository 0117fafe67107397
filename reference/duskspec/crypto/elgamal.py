"""ElGamal encryption of Jubjub points (spec/crypto.md §7; Dusk's ``jubjub-elgamal``).

``encrypt(pk, M, r) = (c1, c2) = (r·G, M + r·pk)``; ``decrypt(sk, (c1, c2)) = c2 - sk·c1``.
Phoenix uses it to encrypt the sender's public key ``(A, B)`` under the note public key.
The randomness ``r`` is an explicit input (Dusk's callers pass blinders drawn from an RNG).
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.crypto import jubjub
from duskspec.crypto.jubjub import GENERATOR, SUBGROUP_ORDER, Point
from duskspec.errors import CryptoError

CIPHERTEXT_SIZE = 64


@dataclass(frozen=True)
class Ciphertext:
    c1: Point
    c2: Point


def _check_scalar(k: int) -> None:
    if not 0 <= k < SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_range", "an ElGamal key or randomness is in [0, t)")


def encrypt(public_key: Point, message: Point, r: int) -> Ciphertext:
    _check_scalar(r)
    return Ciphertext(
        jubjub.fixed_base_mul(GENERATOR, r), message + jubjub.scalar_mul(public_key, r)
    )


def decrypt(secret_key: int, ciphertext: Ciphertext) -> Point:
    _check_scalar(secret_key)
    return ciphertext.c2 - jubjub.scalar_mul(ciphertext.c1, secret_key)


def encode_ciphertext(ciphertext: Ciphertext) -> bytes:
    return ciphertext.c1.encode() + ciphertext.c2.encode()


def decode_ciphertext(data: bytes) -> Ciphertext:
    if len(data) != CIPHERTEXT_SIZE:
        raise CryptoError(
            "crypto.elgamal_ciphertext_length", f"{len(data)} bytes, expected {CIPHERTEXT_SIZE}"
        )
    return Ciphertext(jubjub.decode_point(data[:32]), jubjub.decode_point(data[32:]))

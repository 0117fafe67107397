"""Jubjub: Dusk's generators, published multiples, strict decoding, commitments, ElGamal."""

from __future__ import annotations

import pytest

from duskspec.crypto import elgamal, jubjub
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, IDENTITY, SUBGROUP_ORDER
from duskspec.errors import CryptoError
from duskspec.vectors.handlers import crypto as vectors


def test_curve_constants() -> None:
    assert jubjub.EDWARDS_D == 0x2A9318E74BFA2B48F5FD9207E6BD7FD4292D7F6D37579D2601065FD6D6343EB1
    assert pow(7, (BLS_SCALAR_ORDER - 1) // 2, BLS_SCALAR_ORDER) == BLS_SCALAR_ORDER - 1


def test_generators_are_prime_order_points() -> None:
    for point in (GENERATOR, GENERATOR_NUMS):
        assert jubjub.is_on_curve(point)
        assert jubjub.is_prime_order(point)
    assert not jubjub.is_prime_order(IDENTITY)


def test_generator_nums_derivation() -> None:
    assert jubjub.derive_nums_point(GENERATOR.encode()) == (GENERATOR_NUMS, 18)


def test_dusk_multiples_of_the_generator() -> None:
    for k, expected in vectors.KAT_POINTS.items():
        point = jubjub.fixed_base_mul(GENERATOR, k)
        assert point.encode().hex() == expected
        assert jubjub.scalar_mul(GENERATOR, k) == point
        assert jubjub.decode_point(bytes.fromhex(expected)) == point


def test_group_laws() -> None:
    p, q = jubjub.fixed_base_mul(GENERATOR, 5), GENERATOR_NUMS
    assert p + q == q + p
    assert p + IDENTITY == p
    assert p - p == IDENTITY
    assert jubjub.scalar_mul(p, SUBGROUP_ORDER) == IDENTITY
    assert jubjub.fixed_base_mul(GENERATOR, SUBGROUP_ORDER - 1) == -GENERATOR


def test_encoding_round_trip_and_identity() -> None:
    for point in (GENERATOR, GENERATOR_NUMS, IDENTITY, -GENERATOR):
        assert jubjub.decode_point(point.encode()) == point


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (bytes(31), "crypto.jubjub_point_length"),
        (bytes(33), "crypto.jubjub_point_length"),
        (BLS_SCALAR_ORDER.to_bytes(32, "little"), "crypto.jubjub_point_noncanonical"),
        (bytes([1]) + bytes(30) + b"\x80", "crypto.jubjub_point_noncanonical"),
        (bytes([2]) + bytes(31), "crypto.jubjub_point_not_on_curve"),
        (vectors.TORSION_POINT, "crypto.jubjub_point_subgroup"),
    ],
)
def test_decode_errors(data: bytes, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        jubjub.decode_point(data)
    assert err.value.code == code


def test_scalar_codec() -> None:
    assert jubjub.decode_scalar(jubjub.encode_scalar(SUBGROUP_ORDER - 1)) == SUBGROUP_ORDER - 1
    for call, code in (
        (lambda: jubjub.decode_scalar(bytes(31)), "crypto.jubjub_scalar_length"),
        (
            lambda: jubjub.decode_scalar(SUBGROUP_ORDER.to_bytes(32, "little")),
            "crypto.jubjub_scalar_noncanonical",
        ),
        (lambda: jubjub.encode_scalar(SUBGROUP_ORDER), "crypto.jubjub_scalar_range"),
        (lambda: jubjub.scalar_mul(GENERATOR, -1), "crypto.jubjub_scalar_range"),
        (lambda: jubjub.fixed_base_mul(GENERATOR, 1 << 256), "crypto.jubjub_scalar_range"),
    ):
        with pytest.raises(CryptoError) as err:
            call()
        assert err.value.code == code


def test_hash_to_scalar_is_blake2b_mod_t() -> None:
    import hashlib

    expected = (
        int.from_bytes(hashlib.blake2b(b"x", digest_size=64).digest(), "little") % SUBGROUP_ORDER
    )
    assert jubjub.hash_to_scalar(b"x") == expected


def test_value_commitment() -> None:
    assert jubjub.value_commitment(7, 0) == jubjub.fixed_base_mul(GENERATOR, 7)
    assert jubjub.value_commitment(0, 3) == jubjub.fixed_base_mul(GENERATOR_NUMS, 3)
    with pytest.raises(CryptoError) as err:
        jubjub.value_commitment(1 << 64, 0)
    assert err.value.code == "crypto.commitment_value_range"
    with pytest.raises(CryptoError) as err:
        jubjub.value_commitment(1, SUBGROUP_ORDER)
    assert err.value.code == "crypto.jubjub_scalar_range"


def test_elgamal_round_trip_and_errors() -> None:
    pk = jubjub.fixed_base_mul(GENERATOR, 1234)
    message = jubjub.fixed_base_mul(GENERATOR, 99)
    ciphertext = elgamal.encrypt(pk, message, 777)
    assert elgamal.decrypt(1234, ciphertext) == message
    assert elgamal.decrypt(1235, ciphertext) != message
    encoded = elgamal.encode_ciphertext(ciphertext)
    assert elgamal.decode_ciphertext(encoded) == ciphertext
    with pytest.raises(CryptoError) as err:
        elgamal.decode_ciphertext(encoded[:63])
    assert err.value.code == "crypto.elgamal_ciphertext_length"
    with pytest.raises(CryptoError) as err:
        elgamal.encrypt(pk, message, SUBGROUP_ORDER)
    assert err.value.code == "crypto.jubjub_scalar_range"

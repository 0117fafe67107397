"""Jubjub-side properties: commitment homomorphism, Schnorr and ElGamal round trips and
tamper rejection, value encryption round trip, point encoding round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duskspec.crypto import elgamal, jubjub, phoenix_keys, schnorr
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.jubjub import GENERATOR, SUBGROUP_ORDER
from duskspec.errors import CryptoError

scalars = st.integers(1, SUBGROUP_ORDER - 1)
values = st.integers(0, 2**63 - 1)
messages = st.integers(0, BLS_SCALAR_ORDER - 1)


@given(v1=values, v2=values, s1=scalars, s2=scalars)
def test_commitment_is_homomorphic(v1: int, v2: int, s1: int, s2: int) -> None:
    total = jubjub.value_commitment(v1, s1) + jubjub.value_commitment(v2, s2)
    assert total == jubjub.value_commitment(v1 + v2, (s1 + s2) % SUBGROUP_ORDER)


@given(k=scalars)
def test_encoding_round_trip(k: int) -> None:
    point = jubjub.fixed_base_mul(GENERATOR, k)
    assert jubjub.decode_point(point.encode()) == point
    assert jubjub.scalar_mul(GENERATOR, k) == point


@given(sk=scalars, msg=messages, seed=st.binary(max_size=8), delta=st.integers(1, 2**32))
def test_schnorr_round_trip_and_tamper(sk: int, msg: int, seed: bytes, delta: int) -> None:
    pk = schnorr.public_key(sk)
    sig = schnorr.sign(sk, msg, seed)
    assert schnorr.verify(pk, msg, schnorr.decode_signature(schnorr.encode_signature(sig)))
    assert not schnorr.verify(pk, (msg + delta) % BLS_SCALAR_ORDER, sig)
    assert not schnorr.verify(pk, msg, schnorr.Signature((sig.u + delta) % SUBGROUP_ORDER, sig.R))


@given(sk=scalars, msg=messages, delta=st.integers(1, 2**32))
def test_schnorr_double_round_trip_and_tamper(sk: int, msg: int, delta: int) -> None:
    pk, pk_prime = schnorr.public_key_double(sk)
    sig = schnorr.sign_double(sk, msg)
    assert schnorr.verify_double(pk, pk_prime, msg, sig)
    assert not schnorr.verify_double(pk, pk_prime, (msg + delta) % BLS_SCALAR_ORDER, sig)


@given(sk=scalars, m=scalars, r=scalars)
def test_elgamal_round_trip(sk: int, m: int, r: int) -> None:
    message = jubjub.fixed_base_mul(GENERATOR, m)
    ciphertext = elgamal.encrypt(jubjub.fixed_base_mul(GENERATOR, sk), message, r)
    assert elgamal.decrypt(sk, ciphertext) == message


@given(
    seed=st.binary(max_size=8),
    r=scalars,
    value=st.integers(0, 2**64 - 1),
    blinder=st.integers(0, SUBGROUP_ORDER - 1),
    nonce=st.binary(min_size=12, max_size=12),
    flip=st.integers(0, 8 * 68 - 1),
)
def test_value_encryption_round_trip_and_tamper(
    seed: bytes, r: int, value: int, blinder: int, nonce: bytes, flip: int
) -> None:
    sk = phoenix_keys.keygen(seed)
    pk, vk = phoenix_keys.public_key(sk), phoenix_keys.view_key(sk)
    address = phoenix_keys.stealth_address(pk, r)
    assert phoenix_keys.owns(vk, address)
    value_enc = phoenix_keys.encrypt_value(pk, r, address, value, blinder, nonce)
    assert phoenix_keys.decrypt_value(vk, address, value_enc) == (value, blinder)
    tampered = bytearray(value_enc)
    tampered[flip // 8] ^= 1 << (flip % 8)
    with pytest.raises(CryptoError) as err:
        phoenix_keys.decrypt_value(vk, address, bytes(tampered))
    assert err.value.code == "crypto.note_decryption_failed"

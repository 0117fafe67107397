"""Phoenix keys, stealth addresses, nullifiers, note hashes and value encryption."""

from __future__ import annotations

import pytest

from duskspec.crypto import jubjub, phoenix_keys, poseidon
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, SUBGROUP_ORDER
from duskspec.errors import CryptoError

ALICE = phoenix_keys.keygen(b"alice")
ALICE_PK = phoenix_keys.public_key(ALICE)
ALICE_VK = phoenix_keys.view_key(ALICE)
BOB_VK = phoenix_keys.view_key(phoenix_keys.keygen(b"bob"))
ADDRESS = phoenix_keys.stealth_address(ALICE_PK, 777)
NONCE = bytes(range(12))


def test_keys() -> None:
    assert jubjub.fixed_base_mul(GENERATOR, ALICE.a) == ALICE_PK.A
    assert phoenix_keys.ViewKey(ALICE.a, ALICE_PK.B) == ALICE_VK
    assert phoenix_keys.keygen(b"alice") == ALICE
    assert phoenix_keys.decode_public_key(phoenix_keys.encode_public_key(ALICE_PK)) == ALICE_PK


def test_stealth_address_ownership_and_note_key() -> None:
    assert phoenix_keys.owns(ALICE_VK, ADDRESS)
    assert not phoenix_keys.owns(BOB_VK, ADDRESS)
    note_sk = phoenix_keys.note_secret_key(ALICE, ADDRESS)
    assert jubjub.fixed_base_mul(GENERATOR, note_sk) == ADDRESS.note_pk
    assert (
        phoenix_keys.decode_stealth_address(phoenix_keys.encode_stealth_address(ADDRESS)) == ADDRESS
    )


def test_nullifier_and_note_hash_definitions() -> None:
    note_sk = phoenix_keys.note_secret_key(ALICE, ADDRESS)
    prime = jubjub.fixed_base_mul(GENERATOR_NUMS, note_sk)
    assert phoenix_keys.nullifier(note_sk, 3) == poseidon.hash(
        poseidon.Domain.OTHER, [prime.u, prime.v, 3]
    )
    assert phoenix_keys.nullifier(note_sk, 3) != phoenix_keys.nullifier(note_sk, 4)
    vc = jubjub.value_commitment(10, 0)
    expected = poseidon.hash(
        poseidon.Domain.OTHER, [0, vc.u, vc.v, ADDRESS.note_pk.u, ADDRESS.note_pk.v, 3]
    )
    assert phoenix_keys.note_hash(0, vc, ADDRESS.note_pk, 3) == expected


def test_value_encryption_round_trip() -> None:
    value_enc = phoenix_keys.encrypt_value(ALICE_PK, 777, ADDRESS, 1000, 4242, NONCE)
    assert len(value_enc) == phoenix_keys.VALUE_ENC_SIZE == 68
    assert value_enc[:12] == NONCE
    assert phoenix_keys.decrypt_value(ALICE_VK, ADDRESS, value_enc) == (1000, 4242)
    assert phoenix_keys.open_value(
        ALICE_VK, ADDRESS, value_enc, jubjub.value_commitment(1000, 4242)
    ) == (1000, 4242)
    assert phoenix_keys.transparent_value_enc(5) == (5).to_bytes(8, "little") + bytes(60)


def test_sender_encryption_round_trip() -> None:
    note_sk = phoenix_keys.note_secret_key(ALICE, ADDRESS)
    bob = phoenix_keys.public_key(phoenix_keys.keygen(b"bob"))
    encryption = phoenix_keys.encrypt_sender(ADDRESS.note_pk, bob, (5, 6))
    assert phoenix_keys.decrypt_sender(note_sk, encryption) == bob


def _big_blinder_enc() -> bytes:
    """A ciphertext whose plaintext blinder is t: only a forged sender writes that."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = phoenix_keys.value_encryption_key(jubjub.scalar_mul(ALICE_PK.A, 777), ADDRESS)
    plaintext = (1).to_bytes(8, "little") + SUBGROUP_ORDER.to_bytes(32, "little")
    return NONCE + AESGCM(key).encrypt(NONCE, plaintext, None)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: phoenix_keys.note_hash(2, GENERATOR, GENERATOR, 0), "crypto.note_type"),
        (
            lambda: phoenix_keys.note_hash(0, GENERATOR, GENERATOR, 1 << 64),
            "crypto.note_position_range",
        ),
        (lambda: phoenix_keys.nullifier(1, -1), "crypto.note_position_range"),
        (lambda: phoenix_keys.nullifier(SUBGROUP_ORDER, 0), "crypto.jubjub_scalar_range"),
        (
            lambda: phoenix_keys.stealth_address(ALICE_PK, SUBGROUP_ORDER),
            "crypto.jubjub_scalar_range",
        ),
        (
            lambda: phoenix_keys.public_key(phoenix_keys.SecretKey(SUBGROUP_ORDER, 1)),
            "crypto.jubjub_scalar_range",
        ),
        (lambda: phoenix_keys.decode_stealth_address(bytes(63)), "crypto.stealth_address_length"),
        (
            lambda: phoenix_keys.decode_stealth_address(
                jubjub.IDENTITY.encode() + GENERATOR.encode()
            ),
            "crypto.stealth_address_identity",
        ),
        (lambda: phoenix_keys.decode_public_key(bytes(65)), "crypto.phoenix_public_key_length"),
        (
            lambda: phoenix_keys.encrypt_value(ALICE_PK, 777, ADDRESS, 1, 1, bytes(11)),
            "crypto.note_nonce_length",
        ),
        (
            lambda: phoenix_keys.encrypt_value(ALICE_PK, 777, ADDRESS, 1 << 64, 1, NONCE),
            "crypto.commitment_value_range",
        ),
        (lambda: phoenix_keys.transparent_value_enc(-1), "crypto.commitment_value_range"),
        (
            lambda: phoenix_keys.decrypt_value(ALICE_VK, ADDRESS, bytes(67)),
            "crypto.note_value_enc_length",
        ),
        (
            lambda: phoenix_keys.decrypt_value(ALICE_VK, ADDRESS, bytes(68)),
            "crypto.note_decryption_failed",
        ),
        (
            lambda: phoenix_keys.decrypt_value(ALICE_VK, ADDRESS, _big_blinder_enc()),
            "crypto.note_blinder_noncanonical",
        ),
        (
            lambda: phoenix_keys.open_value(
                ALICE_VK,
                ADDRESS,
                phoenix_keys.encrypt_value(ALICE_PK, 777, ADDRESS, 5, 6, NONCE),
                jubjub.value_commitment(5, 7),
            ),
            "crypto.note_commitment_mismatch",
        ),
    ],
)
def test_errors(call: object, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        call()  # type: ignore[operator]
    assert err.value.code == code

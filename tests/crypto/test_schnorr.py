"""Schnorr over Jubjub: Dusk's published multisignature transcript, errors, tampering."""

from __future__ import annotations

import pytest

from duskspec.crypto import jubjub, poseidon, schnorr
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.jubjub import IDENTITY, SUBGROUP_ORDER
from duskspec.errors import CryptoError
from duskspec.vectors.handlers import crypto as vectors

APK = jubjub.decode_point(bytes.fromhex(vectors.KAT_AGGREGATE_KEY))
KAT_SIG = schnorr.decode_signature(bytes.fromhex(vectors.KAT_SIGNATURE))
M = vectors.KAT_MESSAGE


def test_dusk_transcript_reproduces() -> None:
    pks = [jubjub.fixed_base_mul(jubjub.GENERATOR, k) for k in (3, 5, 7)]
    coordinates = [c for pk in pks for c in pk.hash_inputs()]
    weights = [
        poseidon.hash_truncated(poseidon.Domain.OTHER, [*pk.hash_inputs(), *coordinates])
        for pk in pks
    ]
    assert [w.to_bytes(32, "little").hex() for w in weights] == list(vectors.KAT_DELINEARIZATION)
    aggregate = jubjub.IDENTITY
    for weight, pk in zip(weights, pks, strict=True):
        aggregate = aggregate + jubjub.scalar_mul(pk, weight)
    assert aggregate == APK
    assert (
        schnorr.challenge(KAT_SIG.R, APK, M).to_bytes(32, "little").hex() == vectors.KAT_CHALLENGE
    )
    assert schnorr.verify(APK, M, KAT_SIG)


def test_sign_verify_and_tamper() -> None:
    sk = 987654321
    pk = schnorr.public_key(sk)
    sig = schnorr.sign(sk, 42, b"n")
    assert sig == schnorr.sign(sk, 42, b"n")
    assert schnorr.verify(pk, 42, sig)
    assert not schnorr.verify(pk, 43, sig)
    assert not schnorr.verify(pk, 42, schnorr.Signature((sig.u + 1) % SUBGROUP_ORDER, sig.R))
    assert schnorr.decode_signature(schnorr.encode_signature(sig)) == sig


def test_double_sign_verify_and_tamper() -> None:
    sk = 1111
    pk, pk_prime = schnorr.public_key_double(sk)
    sig = schnorr.sign_double(sk, 7, b"")
    assert schnorr.verify_double(pk, pk_prime, 7, sig)
    assert not schnorr.verify_double(pk, pk_prime, 8, sig)
    assert not schnorr.verify_double(pk, schnorr.public_key(sk), 7, sig)
    assert schnorr.decode_signature_double(schnorr.encode_signature_double(sig)) == sig


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: schnorr.sign(0, 1), "crypto.schnorr_secret_key_range"),
        (lambda: schnorr.public_key(SUBGROUP_ORDER), "crypto.schnorr_secret_key_range"),
        (lambda: schnorr.sign(1, BLS_SCALAR_ORDER), "crypto.schnorr_message_range"),
        (lambda: schnorr.verify(APK, -1, KAT_SIG), "crypto.schnorr_message_range"),
        (lambda: schnorr.verify(IDENTITY, M, KAT_SIG), "crypto.schnorr_identity"),
        (
            lambda: schnorr.verify(APK, M, schnorr.Signature(KAT_SIG.u, IDENTITY)),
            "crypto.schnorr_identity",
        ),
        (
            lambda: schnorr.verify(jubjub.Point(1, 1), M, KAT_SIG),
            "crypto.jubjub_point_not_on_curve",
        ),
        (
            lambda: schnorr.verify(jubjub.Point(0, BLS_SCALAR_ORDER - 1), M, KAT_SIG),
            "crypto.jubjub_point_subgroup",
        ),
        (
            lambda: schnorr.verify(APK, M, schnorr.Signature(SUBGROUP_ORDER, KAT_SIG.R)),
            "crypto.jubjub_scalar_noncanonical",
        ),
        (lambda: schnorr.decode_signature(bytes(63)), "crypto.schnorr_signature_length"),
        (lambda: schnorr.decode_signature_double(bytes(64)), "crypto.schnorr_signature_length"),
        (
            lambda: schnorr.verify_double(APK, IDENTITY, M, schnorr.sign_double(5, M)),
            "crypto.schnorr_identity",
        ),
        (
            lambda: schnorr.verify_double(
                APK, APK, M, schnorr.SignatureDouble(SUBGROUP_ORDER, KAT_SIG.R, KAT_SIG.R)
            ),
            "crypto.jubjub_scalar_noncanonical",
        ),
    ],
)
def test_errors(call: object, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        call()  # type: ignore[operator]
    assert err.value.code == code

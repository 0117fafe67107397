"""BLS façade: Dusk's published values, every decoding error, backend selection."""

from __future__ import annotations

import hashlib

import pytest

from duskspec.crypto import bls
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.errors import CryptoError
from duskspec.types import BlsPublicKey, BlsSignature
from duskspec.vectors.handlers import crypto as vectors

MSG = vectors.DUSK_MESSAGE


def test_dusk_serde_values_reproduce() -> None:
    assert bls.public_key(vectors.DUSK_SK) == vectors.DUSK_PK
    assert bls.sign(vectors.DUSK_SK, MSG) == vectors.DUSK_SIG
    assert bls.sign_multisig(vectors.DUSK_SK, vectors.DUSK_PK, MSG) == vectors.DUSK_MULTISIG
    assert bls.aggregate_public_keys([vectors.DUSK_PK]) == vectors.DUSK_APK
    assert bls.verify(vectors.DUSK_PK, MSG, vectors.DUSK_SIG)
    assert bls.verify_multisig(vectors.DUSK_APK, MSG, vectors.DUSK_MULTISIG)


def test_h1_is_hash_to_scalar_of_dst_and_key() -> None:
    assert (
        bls.h1(vectors.DUSK_PK)
        == int.from_bytes(
            hashlib.blake2b(bls.H1_DST + vectors.DUSK_PK, digest_size=64).digest(),
            "little",
        )
        % BLS_SCALAR_ORDER
    )


def test_keygen_is_deterministic_and_nonzero() -> None:
    sk, pk = bls.keygen(b"seed")
    assert (sk, pk) == bls.keygen(b"seed")
    assert 0 < sk < BLS_SCALAR_ORDER
    assert bls.public_key(sk) == pk
    assert bls.keygen(b"other")[0] != sk


def test_verify_rejects_wrong_message_key_and_multisig_form() -> None:
    assert not bls.verify(vectors.DUSK_PK, b"other", vectors.DUSK_SIG)
    assert not bls.verify(bls.keygen(b"x")[1], MSG, vectors.DUSK_SIG)
    assert not bls.verify(vectors.DUSK_PK, MSG, vectors.DUSK_MULTISIG)


def test_committee_aggregate_verifies_and_missing_vote_does_not() -> None:
    members = [bls.keygen(bytes([i])) for i in range(5)]
    sigs = [bls.sign_multisig(sk, pk, b"vote") for sk, pk in members]
    apk = bls.aggregate_public_keys([pk for _, pk in members])
    assert bls.verify_multisig(apk, b"vote", bls.aggregate_signatures(sigs))
    assert not bls.verify_multisig(apk, b"vote", bls.aggregate_signatures(sigs[:4]))


@pytest.mark.parametrize(
    ("name", "data", "code"), [(n, d, c) for n, _, d, c in vectors.malformed_public_keys()]
)
def test_malformed_public_keys(name: str, data: bytes, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        bls.verify(BlsPublicKey(data), MSG, vectors.DUSK_SIG)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("name", "data", "code"), [(n, d, c) for n, _, d, c in vectors.malformed_signatures()]
)
def test_malformed_signatures(name: str, data: bytes, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        bls.verify(vectors.DUSK_PK, MSG, BlsSignature(data))
    assert err.value.code == code


def test_signature_long_is_rejected() -> None:
    with pytest.raises(CryptoError) as err:
        bls.decode_signature(vectors.DUSK_SIG + b"\x00")
    assert err.value.code == "crypto.bls_signature_length"


@pytest.mark.parametrize("sk", [0, BLS_SCALAR_ORDER, -1])
def test_secret_key_range(sk: int) -> None:
    for call in (
        lambda: bls.public_key(sk),
        lambda: bls.sign(sk, MSG),
        lambda: bls.sign_multisig(sk, vectors.DUSK_PK, MSG),
    ):
        with pytest.raises(CryptoError) as err:
            call()
        assert err.value.code == "crypto.bls_secret_key_range"


def test_empty_aggregates_are_rejected() -> None:
    with pytest.raises(CryptoError) as err:
        bls.aggregate_public_keys([])
    assert err.value.code == "crypto.bls_no_keys"
    with pytest.raises(CryptoError) as err:
        bls.aggregate_signatures([])
    assert err.value.code == "crypto.bls_no_signatures"


def test_identity_sum_is_returned_then_rejected_by_verify() -> None:
    sig = bls.sign(5, b"m")
    negated = bls.sign(BLS_SCALAR_ORDER - 5, b"m")
    total = bls.aggregate_signatures([sig, negated])
    assert total == bytes([0xC0]) + bytes(47)
    with pytest.raises(CryptoError) as err:
        bls.verify(bls.public_key(5), b"m", total)
    assert err.value.code == "crypto.bls_signature_identity"


def test_unknown_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bls.BACKEND_ENV, "nope")
    with pytest.raises(CryptoError) as err:
        bls.public_key(1)
    assert err.value.code == "crypto.unknown_backend"
    with pytest.raises(CryptoError) as err, bls.use_backend("nope"):
        pass
    assert err.value.code == "crypto.unknown_backend"


def test_backend_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(bls.BACKEND_ENV, raising=False)
    assert bls.backend_name() == "fast"
    monkeypatch.setenv(bls.BACKEND_ENV, "reference")
    assert bls.backend_name() == "reference"
    with bls.use_backend("fast"):
        assert bls.backend_name() == "fast"
    assert bls.backend_name() == "reference"


def test_reference_backend_reproduces_dusk_signature() -> None:
    """One full run of the py_ecc oracle on Dusk's published values (about 1 s)."""
    with bls.use_backend("reference"):
        assert bls.sign(vectors.DUSK_SK, MSG) == vectors.DUSK_SIG
        assert bls.verify_multisig(vectors.DUSK_APK, MSG, vectors.DUSK_MULTISIG)

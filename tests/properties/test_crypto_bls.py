"""BLS properties: the two backends agree byte for byte (including on malformed bytes),
signatures verify and tampering is caught, aggregation equals the sum (spec/crypto.md §3)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from duskspec.crypto import bls
from duskspec.errors import CryptoError
from duskspec.types import BlsPublicKey, BlsSignature

BACKENDS = ("fast", "reference")


def _outcome(call: Callable[[], object]) -> object:
    """The value, or the error code: what must match across backends."""
    try:
        return call()
    except CryptoError as exc:
        return exc.code


def _on_both(call: Callable[[], object]) -> list[object]:
    results = []
    for name in BACKENDS:
        with bls.use_backend(name):
            results.append(_outcome(call))
    return results


@given(
    seed=st.binary(max_size=16),
    msg=st.binary(max_size=64),
    other=st.binary(min_size=1, max_size=8),
    check=st.sampled_from(["verify", "verify_tampered", "aggregate", "one_vote_for_two"]),
)
def test_backends_agree_on_keys_signatures_and_verdicts(
    seed: bytes, msg: bytes, other: bytes, check: str
) -> None:
    """Keys, signatures and aggregates every example; one of the four verdicts per example
    (a pairing costs about 0.25 s on the reference backend), drawn by Hypothesis."""
    expected = {"verify": True, "verify_tampered": False, "aggregate": True}

    def run() -> object:
        sk, pk = bls.keygen(seed)
        sk2, pk2 = bls.keygen(seed + other)
        sig = bls.sign(sk, msg)
        votes = [bls.sign_multisig(sk, pk, msg), bls.sign_multisig(sk2, pk2, msg)]
        apk = bls.aggregate_public_keys([pk, pk2])
        agg = bls.aggregate_signatures(votes)
        verdicts = {
            "verify": lambda: bls.verify(pk, msg, sig),
            "verify_tampered": lambda: bls.verify(pk, msg + other, sig),
            "aggregate": lambda: bls.verify_multisig(apk, msg, agg),
            "one_vote_for_two": lambda: bls.verify_multisig(apk, msg, votes[0]),
        }
        return (pk, sig, apk, agg, verdicts[check]())

    fast, reference = _on_both(run)
    assert fast == reference
    assert isinstance(fast, tuple) and fast[4] == expected.get(check, False)


def _point_bytes(size: int) -> st.SearchStrategy[bytes]:
    """Bytes with the interesting flag patterns and x near the edges as well as random x."""
    flags = st.sampled_from([0x80, 0xA0, 0xC0, 0xE0, 0x00, 0x20, 0x9F, 0xBF])
    body = st.one_of(
        st.binary(min_size=size - 1, max_size=size - 1),
        st.just(bytes(size - 1)),
        st.integers(0, 16).map(lambda k: bytes(size - 2) + bytes([k])),
    )
    return st.builds(lambda f, b: bytes([f]) + b, flags, body) | st.binary(
        min_size=size - 1, max_size=size + 1
    )


def _random_x(size: int) -> st.SearchStrategy[bytes]:
    """A compressed, non-infinity encoding whose coordinates are random values below q
    (top byte at most 0x19): about half are on the curve, and almost none of those are in
    the subgroup."""
    coordinate = st.tuples(st.integers(0, 0x19), st.binary(min_size=47, max_size=47))
    coordinates = st.lists(
        coordinate.map(lambda t: bytes([t[0]]) + t[1]), min_size=size // 48, max_size=size // 48
    )
    flag = st.sampled_from([0x80, 0xA0])
    return st.builds(lambda f, xs: bytes([f | xs[0][0]]) + b"".join(xs)[1:], flag, coordinates)


@given(data=_random_x(48))
def test_backends_agree_on_random_signature_x(data: bytes) -> None:
    fast, reference = _on_both(lambda: bls.aggregate_signatures([BlsSignature(data)]))
    assert fast == reference


@given(data=_random_x(96))
def test_backends_agree_on_random_public_key_x(data: bytes) -> None:
    fast, reference = _on_both(lambda: bls.aggregate_public_keys([BlsPublicKey(data)]))
    assert fast == reference


@given(data=_point_bytes(48))
def test_backends_agree_on_arbitrary_signature_bytes(data: bytes) -> None:
    fast, reference = _on_both(lambda: bls.aggregate_signatures([BlsSignature(data)]))
    assert fast == reference


@given(data=_point_bytes(96))
def test_backends_agree_on_arbitrary_public_key_bytes(data: bytes) -> None:
    fast, reference = _on_both(lambda: bls.aggregate_public_keys([BlsPublicKey(data)]))
    assert fast == reference


@given(seed=st.binary(max_size=16), msg=st.binary(max_size=64), flip=st.integers(0, 8 * 64 - 1))
def test_signature_verifies_and_tampered_message_does_not(
    seed: bytes, msg: bytes, flip: int
) -> None:
    sk, pk = bls.keygen(seed)
    sig = bls.sign(sk, msg)
    assert bls.verify(pk, msg, sig)
    padded = msg.ljust(64, b"\x00")
    tampered = bytearray(padded)
    tampered[flip // 8] ^= 1 << (flip % 8)
    assert not bls.verify(pk, bytes(tampered), sig) or bytes(tampered) == msg


@given(size=st.integers(1, 8), seed=st.integers(0, 2**32), missing=st.integers(0, 7))
def test_aggregate_verifies_iff_keys_and_votes_match(size: int, seed: int, missing: int) -> None:
    members = [bls.keygen(f"{seed}-{i}".encode()) for i in range(size)]
    votes = [bls.sign_multisig(sk, pk, b"m") for sk, pk in members]
    apk = bls.aggregate_public_keys([pk for _, pk in members])
    assert bls.verify_multisig(apk, b"m", bls.aggregate_signatures(votes))
    if size > 1:
        partial = votes[: missing % size] + votes[missing % size + 1 :]
        assert not bls.verify_multisig(apk, b"m", bls.aggregate_signatures(partial))
    one_pk = members[0][1]
    assert bls.verify_multisig(bls.aggregate_public_keys([one_pk]), b"m", votes[0])
    assert not bls.verify(one_pk, b"m", votes[0]) or bls.h1(one_pk) == 1

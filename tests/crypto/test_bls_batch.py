"""Batch verification against one-by-one verification (spec/crypto.md §14), invalid
signatures included, on both backends."""

from __future__ import annotations

from functools import cache

from hypothesis import event, given
from hypothesis import strategies as st

from duskspec.crypto import bls


@cache
def keys(i: int) -> tuple[int, bls.BlsPublicKey]:
    return bls.keygen(f"batch/{i}".encode())


@cache
def apk(i: int) -> bls.BlsPublicKey:
    return bls.aggregate_public_keys([keys(i)[1]])


def vote(signer: int, msg: bytes, corrupt: int) -> tuple[bls.BlsPublicKey, bytes, bls.BlsSignature]:
    """corrupt 0: valid; 1: signed by another key; 2: over another message; 3: malformed."""
    sk, pk = keys(signer)
    if corrupt == 1:
        sk, pk2 = keys(signer + 1)
        return apk(signer), msg, bls.sign_multisig(sk, pk2, msg)
    if corrupt == 2:
        return apk(signer), msg, bls.sign_multisig(sk, pk, msg + b"!")
    if corrupt == 3:
        return apk(signer), msg, bls.BlsSignature(bytes(48))
    return apk(signer), msg, bls.sign_multisig(sk, pk, msg)


items = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from([b"header-a", b"header-b", b"header-c"]),
        st.sampled_from([0, 0, 0, 1, 2, 3]),
    ),
    min_size=1,
    max_size=6,
)


@given(items, st.binary(min_size=0, max_size=8))
def test_batch_agrees_with_one_by_one(spec: list[tuple[int, bytes, int]], seed: bytes) -> None:
    batch = [vote(s, m, c) for s, m, c in spec]
    expected = [bls._verify_or_false(a, m, s) for a, m, s in batch]
    event("all valid" if all(expected) else "some invalid")
    assert bls.verify_batch(batch, seed) == expected
    assert expected == [c == 0 for _, _, c in spec]


def test_reference_backend_agrees_and_names_the_bad_vote() -> None:
    with bls.use_backend("reference"):
        good = [vote(0, b"m1", 0), vote(1, b"m2", 0)]
        assert bls.verify_batch(good, b"seed") == [True, True]
        assert bls.verify_batch([*good, vote(2, b"m1", 1)], b"seed") == [True, True, False]


def test_scalars_are_128_bit_seeded_and_nonzero() -> None:
    a = bls.batch_scalar(b"s", 0, b"k", b"m", b"x")
    assert a == bls.batch_scalar(b"s", 0, b"k", b"m", b"x") and a & 1 and 0 < a < 2**128
    assert a != bls.batch_scalar(b"t", 0, b"k", b"m", b"x")
    assert a != bls.batch_scalar(b"s", 1, b"k", b"m", b"x")
    assert bls.verify_batch([], b"s") == []

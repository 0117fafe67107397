"""The txroot Merkle root against spec/sources.md §6.2's worked examples, written out."""

from __future__ import annotations

import pytest

from duskspec.crypto.hashes import sha3_256
from duskspec.crypto.merkle import EMPTY_NODE, TXROOT_CAPACITY, merkle_root
from duskspec.errors import CryptoError
from duskspec.types import Hash32


def H(a: bytes, b: bytes) -> bytes:
    return sha3_256(a + b)


LEAVES = [Hash32(sha3_256(bytes([i]))) for i in range(6)]


def test_empty_is_32_zero_bytes() -> None:
    assert merkle_root([]) == EMPTY_NODE == bytes(32)


def test_one_leaf_hashes_once_with_itself() -> None:
    d0 = LEAVES[0]
    assert merkle_root([d0]) == H(d0, d0)


def test_three_leaves() -> None:
    d0, d1, d2 = LEAVES[:3]
    assert merkle_root([d0, d1, d2]) == H(H(d0, d1), H(d2, d2))


def test_five_leaves_right_half_duplicates_up() -> None:
    d = LEAVES
    x = H(d[4], d[4])
    left = H(H(d[0], d[1]), H(d[2], d[3]))
    assert merkle_root(d[:5]) == H(left, H(x, x))


def test_six_leaves_pair_the_last_pair_with_itself() -> None:
    d = LEAVES
    right = H(d[4], d[5])
    assert merkle_root(d) == H(H(H(d[0], d[1]), H(d[2], d[3])), H(right, right))


def test_leaf_of_wrong_length() -> None:
    with pytest.raises(CryptoError) as info:
        merkle_root([Hash32(bytes(33))])
    assert info.value.code == "crypto.merkle_leaf_length"


def test_capacity_is_enforced() -> None:
    with pytest.raises(CryptoError) as info:
        merkle_root([LEAVES[0]] * (TXROOT_CAPACITY + 1))
    assert info.value.code == "crypto.merkle_capacity"

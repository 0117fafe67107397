"""The Poseidon notes tree and piecrust's BLAKE3 page and state trees."""

from __future__ import annotations

import pytest

from duskspec.crypto import merkle_blake3, merkle_poseidon, poseidon, sparse_merkle
from duskspec.crypto.hashes import BLS_SCALAR_ORDER, blake3_256
from duskspec.errors import CryptoError
from duskspec.types import Hash32

M4 = poseidon.Domain.MERKLE4


def test_empty_tree_root_is_zero() -> None:
    assert merkle_poseidon.empty_tree(17).root() == 0


def test_small_tree_by_hand() -> None:
    tree = merkle_poseidon.empty_tree(2)
    for leaf in (1, 2, 3, 4, 5):
        tree = tree.append(leaf)
    left = poseidon.hash(M4, [1, 2, 3, 4])
    right = poseidon.hash(M4, [5, 0, 0, 0])
    assert tree.root() == poseidon.hash(M4, [left, right, 0, 0])
    assert tree.size == 5


def test_old_trees_are_untouched() -> None:
    one = merkle_poseidon.empty_tree(3).append(9)
    two = one.append(10)
    assert one.root() != two.root()
    assert one.size == 1 and one.opening(0).root == one.root()


def test_depth_17_opening() -> None:
    tree = merkle_poseidon.empty_tree(merkle_poseidon.MAINNET_DEPTH).append(7).append(8)
    proof = tree.opening(1)
    assert len(proof.branch) == 17
    assert merkle_poseidon.verify_opening(proof, 8)
    assert not merkle_poseidon.verify_opening(proof, 7)
    assert sparse_merkle.position_of(merkle_poseidon.shape(17), proof) == 1


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: merkle_poseidon.empty_tree(0), "crypto.merkle_depth"),
        (
            lambda: merkle_poseidon.empty_tree(2).append(BLS_SCALAR_ORDER),
            "crypto.merkle_leaf_range",
        ),
        (lambda: merkle_poseidon.empty_tree(2).append(1).opening(1), "crypto.merkle_no_leaf"),
        (lambda: merkle_poseidon.empty_tree(2).opening(16), "crypto.merkle_position"),
        (lambda: merkle_blake3.PageTree(8).insert_page(4**8, b""), "crypto.merkle_position"),
        (lambda: merkle_blake3.PageTree(7).root(), "crypto.merkle_depth"),
        (
            lambda: merkle_blake3.StateTree().insert(bytes(32), Hash32(bytes(31))),
            "crypto.merkle_leaf_length",
        ),
        (lambda: merkle_blake3.StateTree().opening(bytes(32)), "crypto.merkle_no_leaf"),
        (lambda: merkle_blake3.position_from_contract(bytes(33)), "crypto.contract_id_length"),
    ],
)
def test_errors(call: object, code: str) -> None:
    with pytest.raises(CryptoError) as err:
        call()  # type: ignore[operator]
    assert err.value.code == code


def test_full_tree() -> None:
    tree = merkle_poseidon.empty_tree(1)
    for leaf in range(4):
        tree = tree.append(leaf)
    with pytest.raises(CryptoError) as err:
        tree.append(4)
    assert err.value.code == "crypto.merkle_full"


def test_malformed_openings() -> None:
    proof = merkle_poseidon.empty_tree(2).append(1).opening(0)
    for bad in (
        sparse_merkle.Opening(proof.root, proof.branch, proof.positions[:1]),
        sparse_merkle.Opening(proof.root, (proof.branch[0][:3], proof.branch[1]), proof.positions),
        sparse_merkle.Opening(proof.root, proof.branch, (0, 4)),
    ):
        with pytest.raises(CryptoError) as err:
            merkle_poseidon.verify_opening(bad, 1)
        assert err.value.code == "crypto.merkle_opening_shape"
    blake = merkle_blake3.PageTree().insert_page(0, b"p").opening(0)
    odd = sparse_merkle.Opening(
        blake.root, tuple(level[:3] for level in blake.branch), blake.positions
    )
    with pytest.raises(CryptoError) as err:
        merkle_blake3.verify_opening(odd, merkle_blake3.page_leaf(b"p"))
    assert err.value.code == "crypto.merkle_opening_shape"


def test_page_tree_by_hand() -> None:
    tree = merkle_blake3.PageTree(8).insert_page(1, b"page")
    level = blake3_256(merkle_blake3.EMPTY + blake3_256(b"page") + merkle_blake3.EMPTY * 2)
    for _ in range(7):
        level = blake3_256(level + merkle_blake3.EMPTY * 3)
    assert tree.root() == level
    assert merkle_blake3.verify_opening(tree.opening(1), blake3_256(b"page"))


def test_state_tree_positions() -> None:
    a, b = bytes([1]) * 32, bytes([2]) * 32
    tree = (
        merkle_blake3.StateTree()
        .insert(a, merkle_blake3.page_leaf(b"a"))
        .insert(b, merkle_blake3.page_leaf(b"b"))
    )
    assert tree.leaf_index(a) == 1 and tree.leaf_index(b) == 2
    assert sparse_merkle.position_of(merkle_blake3.STATE_SHAPE, tree.opening(b)) == 2
    assert (
        merkle_blake3.position_from_contract(b"\xff\xff\xff\xff" + bytes(24) + b"\x02\x00\x00\x00")
        == 1
    )
    assert merkle_blake3.verify_opening(tree.opening(a), merkle_blake3.page_leaf(b"a"))

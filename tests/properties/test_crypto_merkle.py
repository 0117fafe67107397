"""Merkle openings verify iff the leaf and path are the ones appended (spec/crypto.md §9-§10)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from duskspec.crypto import merkle_blake3, merkle_poseidon
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.types import Hash32

leaves = st.lists(st.integers(0, BLS_SCALAR_ORDER - 1), min_size=1, max_size=12)


@given(
    values=leaves,
    depth=st.integers(2, 3),
    pick=st.integers(0, 11),
    candidate=st.integers(0, BLS_SCALAR_ORDER - 1),
)
def test_poseidon_opening_verifies_iff_leaf_matches(
    values: list[int], depth: int, pick: int, candidate: int
) -> None:
    tree = merkle_poseidon.empty_tree(depth)
    for value in values:
        tree = tree.append(value)
    position = pick % len(values)
    proof = tree.opening(position)
    assert proof.root == tree.root()
    assert merkle_poseidon.verify_opening(proof, values[position])
    assert merkle_poseidon.verify_opening(proof, candidate) == (candidate == values[position])
    if len(values) > 1:
        other = tree.opening((position + 1) % len(values))
        assert merkle_poseidon.verify_opening(other, values[position]) == (
            values[position] == values[(position + 1) % len(values)]
        )


@given(
    pages=st.dictionaries(st.integers(0, 4**8 - 1), st.binary(max_size=32), min_size=1, max_size=6),
    pick=st.integers(0, 5),
    candidate=st.binary(max_size=32),
)
def test_page_opening_verifies_iff_page_matches(
    pages: dict[int, bytes], pick: int, candidate: bytes
) -> None:
    tree = merkle_blake3.PageTree()
    for index in sorted(pages):
        tree = tree.insert_page(index, pages[index])
    index = sorted(pages)[pick % len(pages)]
    proof = tree.opening(index)
    assert merkle_blake3.verify_opening(proof, merkle_blake3.page_leaf(pages[index]))
    verdict = merkle_blake3.verify_opening(proof, merkle_blake3.page_leaf(candidate))
    assert verdict == (candidate == pages[index])


@given(ids=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=5, unique=True))
def test_state_tree_openings(ids: list[bytes]) -> None:
    tree = merkle_blake3.StateTree()
    for contract_id in ids:
        tree = tree.insert(contract_id, merkle_blake3.page_leaf(contract_id))
    for contract_id in ids:
        latest = next(
            c
            for c in reversed(ids)
            if merkle_blake3.position_from_contract(c)
            == merkle_blake3.position_from_contract(contract_id)
        )
        proof = tree.opening(contract_id)
        assert merkle_blake3.verify_opening(proof, merkle_blake3.page_leaf(latest))
        assert not merkle_blake3.verify_opening(proof, Hash32(bytes(32)))

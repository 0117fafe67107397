"""Piecrust's BLAKE3 trees: the per-contract page tree and the state tree whose root is a
block's ``state_hash`` (spec/crypto.md §10; spec/sources.md §3.4; ``piecrust``
``store/tree.rs`` and ``store/hasher.rs``).

Both are ``dusk-merkle`` sparse trees with 32-byte BLAKE3 nodes,
``node = BLAKE3(c_0 ‖ … ‖ c_{A-1})`` and 32 zero bytes for an empty subtree:

- **page tree**: arity 4, height 8 for wasm32 memories (4^8 pages of 64 KiB = 4 GiB) or 13
  for wasm64; the leaf at page index ``i`` is ``BLAKE3(page bytes)``;
- **state tree**: arity 2, height 32; its leaves are the contracts' page-tree roots. A
  contract's leaf index is given on first insertion: 1, 2, 3, … in insertion order, keyed
  by :func:`position_from_contract` (the wrapping u32 sum of the id's eight little-endian
  words). Index 0 is never used, and two ids with the same word sum share a leaf, as in
  piecrust.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duskspec.crypto import sparse_merkle
from duskspec.crypto.hashes import blake3_256
from duskspec.crypto.sparse_merkle import Node, Opening, Shape
from duskspec.errors import CryptoError
from duskspec.types import Hash32

PAGE_SIZE = 0x10000
PAGE_TREE_ARITY = 4
PAGE_TREE_HEIGHT_WASM32 = 8
PAGE_TREE_HEIGHT_WASM64 = 13
STATE_TREE_ARITY = 2
STATE_TREE_HEIGHT = 32
CONTRACT_ID_SIZE = 32

EMPTY = Hash32(bytes(32))


def aggregate(children: Sequence[Hash32]) -> Hash32:
    return blake3_256(b"".join(children))


def _shape(arity: int, height: int) -> Shape[Hash32]:
    return Shape(arity, height, EMPTY, aggregate)


def _check_leaf(leaf: bytes) -> None:
    if len(leaf) != 32:
        raise CryptoError("crypto.merkle_leaf_length", f"a leaf is {len(leaf)} bytes, not 32")


def page_leaf(page: bytes) -> Hash32:
    """The leaf of a memory page: ``BLAKE3(page)``."""
    return blake3_256(page)


@dataclass(frozen=True)
class PageTree:
    """A contract's memory pages; ``height`` is 8 (wasm32) or 13 (wasm64)."""

    height: int = PAGE_TREE_HEIGHT_WASM32
    top: Node[Hash32] | None = None

    @property
    def shape(self) -> Shape[Hash32]:
        if self.height not in (PAGE_TREE_HEIGHT_WASM32, PAGE_TREE_HEIGHT_WASM64):
            raise CryptoError("crypto.merkle_depth", "a page tree has height 8 or 13")
        return _shape(PAGE_TREE_ARITY, self.height)

    def insert_page(self, index: int, page: bytes) -> PageTree:
        """The tree with page ``index`` set to ``page``'s hash."""
        return PageTree(
            self.height, sparse_merkle.insert(self.shape, self.top, index, page_leaf(page))
        )

    def root(self) -> Hash32:
        return sparse_merkle.root(self.shape, self.top)

    def opening(self, index: int) -> Opening[Hash32]:
        return sparse_merkle.opening(self.shape, self.top, index)


def position_from_contract(contract_id: bytes) -> int:
    """Wrapping u32 sum of the contract id's eight little-endian u32 words."""
    if len(contract_id) != CONTRACT_ID_SIZE:
        raise CryptoError("crypto.contract_id_length", f"{len(contract_id)} bytes, expected 32")
    words = (
        int.from_bytes(contract_id[i : i + 4], "little") for i in range(0, CONTRACT_ID_SIZE, 4)
    )
    return sum(words) % (1 << 32)


STATE_SHAPE = _shape(STATE_TREE_ARITY, STATE_TREE_HEIGHT)


@dataclass(frozen=True)
class StateTree:
    """Contracts' page-tree roots; ``slots`` maps ``position_from_contract`` to leaf index,
    in insertion order."""

    top: Node[Hash32] | None = None
    slots: tuple[tuple[int, int], ...] = ()

    def leaf_index(self, contract_id: bytes) -> int | None:
        key = position_from_contract(contract_id)
        return next((index for k, index in self.slots if k == key), None)

    def insert(self, contract_id: bytes, page_root: Hash32) -> StateTree:
        """The tree with ``contract_id``'s leaf set to ``page_root`` (first insertion takes
        the next index: 1, 2, …)."""
        _check_leaf(page_root)
        index = self.leaf_index(contract_id)
        slots = self.slots
        if index is None:
            index = len(self.slots) + 1
            slots = (*self.slots, (position_from_contract(contract_id), index))
        return StateTree(sparse_merkle.insert(STATE_SHAPE, self.top, index, page_root), slots)

    def root(self) -> Hash32:
        return sparse_merkle.root(STATE_SHAPE, self.top)

    def opening(self, contract_id: bytes) -> Opening[Hash32]:
        index = self.leaf_index(contract_id)
        if index is None:
            raise CryptoError("crypto.merkle_no_leaf", "the contract has no leaf in the state tree")
        return sparse_merkle.opening(STATE_SHAPE, self.top, index)


def verify_opening(proof: Opening[Hash32], leaf: Hash32) -> bool:
    """``True`` iff ``leaf`` and the path recompute ``proof.root``; the arity and height
    are read off the opening (BLAKE3 aggregation is the same for both trees)."""
    _check_leaf(leaf)
    arity = len(proof.branch[0]) if proof.branch else 0
    if arity not in (PAGE_TREE_ARITY, STATE_TREE_ARITY):
        raise CryptoError("crypto.merkle_opening_shape", "a BLAKE3 opening has arity 4 or 2")
    return sparse_merkle.verify_opening(_shape(arity, len(proof.branch)), proof, leaf)

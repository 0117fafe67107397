"""The Phoenix notes tree: a Poseidon Merkle tree of arity 4 (spec/crypto.md §9;
spec/sources.md §4.2; Dusk's ``poseidon-merkle``, ``NOTES_TREE_DEPTH = 17``).

A leaf is a note hash (a BLS scalar); an inner node is ``Poseidon(Merkle4; c0, c1, c2, c3)``;
an empty subtree is 0 at every level. Notes are appended at consecutive positions. The tree
is immutable: :meth:`PoseidonTree.append` returns a new tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from duskspec.crypto import poseidon, sparse_merkle
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.sparse_merkle import Node, Opening, Shape
from duskspec.errors import CryptoError

ARITY = 4

#: Depth of the mainnet notes tree (rusk ``NOTES_TREE_DEPTH``).
MAINNET_DEPTH = 17

#: The value of an empty subtree.
EMPTY = 0


def aggregate(children: Sequence[int]) -> int:
    return poseidon.hash(poseidon.Domain.MERKLE4, children)


@cache
def shape(depth: int) -> Shape[int]:
    if depth < 1:
        raise CryptoError("crypto.merkle_depth", "a tree has depth at least 1")
    return Shape(ARITY, depth, EMPTY, aggregate)


@dataclass(frozen=True)
class PoseidonTree:
    depth: int
    top: Node[int] | None = None
    size: int = 0

    def append(self, leaf: int) -> PoseidonTree:
        """The tree with ``leaf`` at position :attr:`size`."""
        if not 0 <= leaf < BLS_SCALAR_ORDER:
            raise CryptoError("crypto.merkle_leaf_range", "a leaf is a field element in [0, r)")
        if self.size == shape(self.depth).capacity:
            raise CryptoError("crypto.merkle_full", f"the tree holds {self.size} leaves already")
        top = sparse_merkle.insert(shape(self.depth), self.top, self.size, leaf)
        return PoseidonTree(self.depth, top, self.size + 1)

    def root(self) -> int:
        return sparse_merkle.root(shape(self.depth), self.top)

    def opening(self, position: int) -> Opening[int]:
        return sparse_merkle.opening(shape(self.depth), self.top, position)


def empty_tree(depth: int) -> PoseidonTree:
    shape(depth)
    return PoseidonTree(depth)


def verify_opening(proof: Opening[int], leaf: int) -> bool:
    """``True`` iff ``leaf`` with ``proof``'s path recomputes ``proof.root``. The depth is
    the number of levels in the opening."""
    return sparse_merkle.verify_opening(shape(max(len(proof.branch), 1)), proof, leaf)

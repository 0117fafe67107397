"""Sparse fixed-height Merkle trees as Dusk's ``dusk-merkle`` builds them (spec/crypto.md §9).

A tree has an arity ``A`` and a height ``H`` (capacity ``A^H`` leaves), an ``empty`` value
and an ``aggregate`` function of ``A`` children. Only the paths to inserted leaves exist:

- a missing subtree, at any level, counts as ``empty`` (it is *not* the hash of empties);
- an existing inner node is ``aggregate(children)``, each missing child read as ``empty``;
- the root of a tree without leaves is ``empty``.

Trees here are immutable: :func:`insert` returns a new top node and shares every untouched
subtree with the old one (path copying), so a caller keeps old roots for free.

An :class:`Opening` is Dusk's: the root, then for every level from the top the ``A`` items
of that level's node, and the index taken at each level. :func:`verify_opening` walks it
from the leaf up: at each level the running value must sit at the recorded index, and the
level aggregates to the next running value; at the top it must equal the root.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from duskspec.errors import CryptoError

T = TypeVar("T")


@dataclass(frozen=True)
class Shape(Generic[T]):
    arity: int
    height: int
    empty: T
    aggregate: Callable[[Sequence[T]], T]

    @property
    def capacity(self) -> int:
        return int(self.arity**self.height)


@dataclass(frozen=True)
class Node(Generic[T]):
    """A leaf (no children) or an inner node with ``arity`` optional children."""

    item: T
    children: tuple[Node[T] | None, ...] = ()


@dataclass(frozen=True)
class Opening(Generic[T]):
    root: T
    #: ``branch[h]``: the ``arity`` items of the node at depth ``h`` (0 = just below the root).
    branch: tuple[tuple[T, ...], ...]
    #: ``positions[h]``: which of those items is on the path.
    positions: tuple[int, ...]


def _child_index(shape: Shape[T], depth: int, position: int) -> tuple[int, int]:
    """Which child of a node at ``depth`` holds ``position``, and the position inside it."""
    child_capacity = shape.arity ** (shape.height - depth - 1)
    return position // child_capacity, position % child_capacity


def _check_position(shape: Shape[T], position: int) -> None:
    if not 0 <= position < shape.capacity:
        raise CryptoError(
            "crypto.merkle_position", f"position {position} outside [0, {shape.capacity})"
        )


def root(shape: Shape[T], top: Node[T] | None) -> T:
    return shape.empty if top is None else top.item


def insert(shape: Shape[T], top: Node[T] | None, position: int, leaf: T) -> Node[T]:
    """The new top node after putting ``leaf`` at ``position`` (replacing what was there)."""
    _check_position(shape, position)
    return _insert(shape, top, 0, position, leaf)


def _insert(shape: Shape[T], node: Node[T] | None, depth: int, position: int, leaf: T) -> Node[T]:
    if depth == shape.height:
        return Node(leaf)
    children: list[Node[T] | None] = list(node.children) if node else [None] * shape.arity
    index, inner = _child_index(shape, depth, position)
    children[index] = _insert(shape, children[index], depth + 1, inner, leaf)
    items = [shape.empty if child is None else child.item for child in children]
    return Node(shape.aggregate(items), tuple(children))


def contains(shape: Shape[T], top: Node[T] | None, position: int) -> bool:
    _check_position(shape, position)
    node = top
    for depth in range(shape.height):
        if node is None:
            return False
        index, position = _child_index(shape, depth, position)
        node = node.children[index]
    return node is not None


def opening(shape: Shape[T], top: Node[T] | None, position: int) -> Opening[T]:
    """The opening of the leaf at ``position``; ``crypto.merkle_no_leaf`` if there is none."""
    if not contains(shape, top, position):
        raise CryptoError("crypto.merkle_no_leaf", f"no leaf at position {position}")
    branch: list[tuple[T, ...]] = []
    indices: list[int] = []
    node = top
    for depth in range(shape.height):
        assert node is not None  # contains() walked this path
        index, position = _child_index(shape, depth, position)
        branch.append(tuple(shape.empty if c is None else c.item for c in node.children))
        indices.append(index)
        node = node.children[index]
    return Opening(root(shape, top), tuple(branch), tuple(indices))


def check_opening_shape(shape: Shape[T], proof: Opening[T]) -> None:
    """An opening must have ``height`` levels of ``arity`` items and in-range indices."""
    if len(proof.branch) != shape.height or len(proof.positions) != shape.height:
        raise CryptoError("crypto.merkle_opening_shape", f"an opening has {shape.height} levels")
    for level, index in zip(proof.branch, proof.positions, strict=True):
        if len(level) != shape.arity or not 0 <= index < shape.arity:
            raise CryptoError("crypto.merkle_opening_shape", f"a level has {shape.arity} items")


def verify_opening(shape: Shape[T], proof: Opening[T], leaf: T) -> bool:
    """``True`` iff ``leaf`` and the path recompute ``proof.root`` (Dusk's ``verify``)."""
    check_opening_shape(shape, proof)
    item = leaf
    for level, index in zip(reversed(proof.branch), reversed(proof.positions), strict=True):
        if level[index] != item:
            return False
        item = shape.aggregate(level)
    return item == proof.root


def position_of(shape: Shape[T], proof: Opening[T]) -> int:
    """The leaf position an opening's indices spell (most significant level first)."""
    check_opening_shape(shape, proof)
    position = 0
    for index in proof.positions:
        position = position * shape.arity + index
    return position

"""The SHA3-256 binary Merkle root of block ``txroot`` and ``faultroot``
(spec/sources.md §6.2; rusk ``consensus/src/merkle.rs``; spec/crypto.md §2).

Dusk keeps the old Go node's rule: a missing right child is replaced by its left sibling,
and the reported root is that of the smallest complete subtree holding every leaf, so one
leaf still hashes once (``SHA3(d0 ‖ d0)``). The tree's capacity is 2^15 leaves.
"""

from __future__ import annotations

from collections.abc import Sequence

from duskspec.crypto.hashes import sha3_256
from duskspec.errors import CryptoError
from duskspec.types import Hash32

#: Root of a tree with no leaves, and the value Dusk treats as "no child here".
EMPTY_NODE = Hash32(bytes(32))

#: Leaves the tree can hold (height 15, arity 2).
TXROOT_CAPACITY = 1 << 15


def aggregate(left: Hash32, right: Hash32) -> Hash32:
    """Parent of two children. An empty (all-zero) child hashes as the left sibling: this is
    Dusk's ``Aggregate`` for ``Hash``, which also applies to a leaf that is literally zero."""
    return sha3_256(left + (right if right != EMPTY_NODE else left))


def merkle_root(leaves: Sequence[Hash32]) -> Hash32:
    """Root of the smallest subtree containing ``leaves`` (each a 32-byte digest)."""
    if len(leaves) > TXROOT_CAPACITY:
        raise CryptoError(
            "crypto.merkle_capacity", f"{len(leaves)} leaves exceed {TXROOT_CAPACITY}"
        )
    for leaf in leaves:
        if len(leaf) != 32:
            raise CryptoError("crypto.merkle_leaf_length", f"a leaf is {len(leaf)} bytes, not 32")
    if not leaves:
        return EMPTY_NODE
    level = list(leaves)
    # At least one level is always built, so a lone leaf d0 gives SHA3(d0 ‖ d0).
    while True:
        level = [
            aggregate(level[i], level[i + 1] if i + 1 < len(level) else EMPTY_NODE)
            for i in range(0, len(level), 2)
        ]
        if len(level) == 1:
            return level[0]

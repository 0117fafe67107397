"""The txroot root against an independent recursive definition, and its sensitivity."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from duskspec.crypto.hashes import sha3_256
from duskspec.crypto.merkle import merkle_root
from duskspec.types import Hash32

digests = st.binary(min_size=32, max_size=32).filter(lambda b: b != bytes(32)).map(Hash32)


def recursive_root(leaves: list[bytes]) -> bytes:
    """Smallest power of two >= max(2, n); the right half, if empty, copies the left."""
    size = 2
    while size < len(leaves):
        size *= 2

    def node(lo: int, width: int) -> bytes | None:
        if lo >= len(leaves):
            return None
        if width == 1:
            return leaves[lo]
        left = node(lo, width // 2)
        right = node(lo + width // 2, width // 2)
        assert left is not None
        return sha3_256(left + (right if right is not None else left))

    root = node(0, size)
    assert root is not None
    return root


@given(st.lists(digests, min_size=1, max_size=70))
def test_matches_the_recursive_definition(leaves: list[Hash32]) -> None:
    assert merkle_root(leaves) == recursive_root(list(leaves))


@given(st.lists(digests, min_size=1, max_size=40), st.data())
def test_changing_any_leaf_changes_the_root(leaves: list[Hash32], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(leaves) - 1))
    other = data.draw(digests.filter(lambda d: d != leaves[i]))
    changed = [*leaves[:i], other, *leaves[i + 1 :]]
    assert merkle_root(changed) != merkle_root(leaves)

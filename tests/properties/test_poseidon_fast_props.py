"""The written-out permutation (on gmpy2 integers when installed) equals the permutation as
its rounds are defined, on Python integers (spec/crypto.md §16, P1)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from duskspec.crypto import poseidon

ELEMENT = st.integers(0, poseidon.BLS_SCALAR_ORDER - 1)


@given(state=st.lists(ELEMENT, min_size=5, max_size=5))
@example(state=[0, 0, 0, 0, 0])
@example(state=[poseidon.BLS_SCALAR_ORDER - 1] * 5)
def test_the_fast_permutation_equals_the_reference(state: list[int]) -> None:
    fast = poseidon._hades(list(state))
    assert fast == poseidon._hades_reference(list(state))
    assert all(type(x) is int for x in fast)  # plain integers leave the permutation

"""The written-out permutation (on gmpy2 integers when installed) equals the permutation as
its rounds are defined, on Python integers (spec/crypto.md §16, P1)."""

from __future__ import annotations

import random

import pytest
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


def test_the_fast_permutation_on_plain_integers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without gmpy2 the same code runs on Python integers, with the same results."""
    monkeypatch.setattr(poseidon, "_field", int)
    poseidon._constants_as_field.cache_clear()
    try:
        rng = random.Random(20261130)
        for _ in range(10):
            state = [rng.randrange(poseidon.BLS_SCALAR_ORDER) for _ in range(5)]
            assert poseidon._hades(list(state)) == poseidon._hades_reference(list(state))
    finally:
        poseidon._constants_as_field.cache_clear()


def test_the_partial_round_plan_has_its_shape() -> None:
    """P2: a sparse matrix for every partial round but the last, whose post-S-box constant
    is zero (nothing comes after it to move back)."""
    plan = poseidon._partial_plan()
    assert len(plan.sparse) == poseidon.PARTIAL_ROUNDS - 1
    assert len(plan.after) == poseidon.PARTIAL_ROUNDS and plan.after[-1] == 0

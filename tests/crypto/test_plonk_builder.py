"""The circuit builder (spec/crypto.md §13.1): what each call constrains, checked with
``is_satisfied`` on honest witnesses and on tampered ones."""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from duskspec.crypto.plonk.builder import ZERO, Builder, Linear, Witness
from duskspec.crypto.plonk.constraint_system import R, is_satisfied, unsatisfied_rows
from duskspec.errors import CryptoError
from support.circuits import Compiled, with_public_changed

field = st.integers(0, R - 1)


@given(field, field, field)
def test_sum_product_and_public_inputs(x: int, y: int, z: int) -> None:
    b = Builder()
    wx, wy = b.append_witness(x), b.append_witness(y)
    s = b.materialize(Linear(((wx, 1), (wy, 1))))
    p = b.mul(s, wy)
    public = b.append_public(z)
    b.assert_equal(b.append_witness(z), public)
    b.assert_public(p)
    compiled = Compiled(b)
    assert b.value(p) == (x + y) * y % R
    assert compiled.public == (z, (x + y) * y % R)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    assert not compiled.satisfied(with_public_changed(compiled.public, 1))
    assert compiled.undetected() == []


def test_public_inputs_keep_call_order() -> None:
    b = Builder()
    for value in (5, 3, 9):
        b.append_public(value)
    cs, witness, public = b.compile()
    assert public == (5, 3, 9)
    assert cs.public_rows == (0, 1, 2)
    assert is_satisfied(cs, witness, public)
    assert unsatisfied_rows(cs, witness, (5, 9, 3)) == [1, 2]


def test_constants_are_shared_and_constrained() -> None:
    b = Builder()
    seven = b.append_constant(7)
    assert b.append_constant(7 + R) == seven
    assert b.append_constant(0) == ZERO
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert compiled.detects_tamper(seven.index)


@given(st.lists(st.tuples(field, field), min_size=1, max_size=12), field)
def test_materialize_packs_linear_combinations(pairs: list[tuple[int, int]], k: int) -> None:
    b = Builder()
    terms = tuple((b.append_witness(x), c) for x, c in pairs)
    before = b.gate_count
    out = b.materialize(Linear(terms, k))
    n = len(terms)
    expected_rows = 1 + max(0, -(-(n - 3) // 2))
    event(f"terms={n}")
    assert b.gate_count - before == expected_rows
    assert b.value(out) == (k + sum(x * c for x, c in pairs)) % R
    assert Compiled(b).satisfied()


@given(st.lists(field, min_size=1, max_size=10))
def test_assert_zero_holds_exactly_for_zero_sums(values: list[int]) -> None:
    b = Builder()
    ws = [b.append_witness(v) for v in values]
    total = sum(values) % R
    b.assert_zero(Linear(tuple((w, 1) for w in ws), -total))
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert compiled.undetected() == []


def test_append_gate_checks_variables() -> None:
    b = Builder()
    with pytest.raises(CryptoError) as error:
        b.append_gate(a=Witness(5), q_l=1)
    assert error.value.code == "crypto.plonk_unknown_variable"


def test_wrong_equality_is_unsatisfied() -> None:
    b = Builder()
    b.assert_equal(b.append_witness(1), b.append_witness(2))
    cs, witness, public = b.compile()
    assert unsatisfied_rows(cs, witness, public) == [0]

"""The constraint-system contract between circuits and the PLONK prover."""

from __future__ import annotations

import pytest

from duskspec.crypto.plonk.constraint_system import (
    is_satisfied,
    unsatisfied_rows,
)
from duskspec.errors import CryptoError
from support.circuits import mul_circuit


def test_satisfied_witness_and_public_input() -> None:
    assert is_satisfied(mul_circuit(), [0, 3, 5, 15], [15])


def test_wrong_public_input_names_its_row() -> None:
    assert unsatisfied_rows(mul_circuit(), [0, 3, 5, 15], [16]) == [1]


def test_wrong_product_names_its_row() -> None:
    assert unsatisfied_rows(mul_circuit(), [0, 3, 5, 16], [16]) == [0]


def test_nonzero_zero_variable_is_unsatisfied() -> None:
    assert not is_satisfied(mul_circuit(), [1, 3, 5, 15], [15])


def test_witness_size_and_public_count_are_checked() -> None:
    with pytest.raises(CryptoError) as size:
        is_satisfied(mul_circuit(), [0, 3, 5], [15])
    assert size.value.code == "crypto.plonk_witness_size"
    with pytest.raises(CryptoError) as count:
        is_satisfied(mul_circuit(), [0, 3, 5, 15], [])
    assert count.value.code == "crypto.plonk_public_input_count"

"""Fr backends and polynomial arithmetic (spec/crypto.md §12.1): the NTT against the naive
DFT, the quotient's cosets, KZG's division, and the two backends against each other."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duskspec.crypto.plonk import polynomial as poly
from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.field import BACKENDS, TWO_ADICITY, field, root_of_unity
from duskspec.errors import CryptoError

BACKEND_NAMES = sorted(BACKENDS)


def _naive_dft(coeffs: list[int], size: int) -> list[int]:
    w = root_of_unity(size)
    return [sum(c * pow(w, i * j, R) for i, c in enumerate(coeffs)) % R for j in range(size)]


def test_root_of_unity_has_exact_order() -> None:
    for log in (1, 3, 10, TWO_ADICITY):
        w = root_of_unity(1 << log)
        assert pow(w, 1 << log, R) == 1
        assert pow(w, 1 << (log - 1), R) == R - 1
    with pytest.raises(ValueError):
        root_of_unity(12)
    with pytest.raises(ValueError):
        root_of_unity(1 << 33)


@pytest.mark.parametrize("name", BACKEND_NAMES)
@pytest.mark.parametrize("size", [1, 2, 4, 8, 32, 64])
def test_ntt_is_the_dft_and_intt_inverts_it(name: str, size: int) -> None:
    f = field(name)
    rng = random.Random(size)
    coeffs = [rng.randrange(R) for _ in range(size)]
    evaluations = poly.subcoset_ntt(f, f.from_ints(coeffs), size, [1])  # the coset 1·H = H
    assert f.to_ints(evaluations) == _naive_dft(coeffs, size)
    assert f.to_ints(poly.intt(f, evaluations)) == coeffs


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_division_by_linear(name: str) -> None:
    f = field(name)
    rng = random.Random(9)
    p = f.from_ints([rng.randrange(R) for _ in range(5)])
    z = f.from_int(12345)
    q = poly.divide_by_linear(f, p, z)
    x = f.from_int(777)
    lhs = f.mul(poly.evaluate(f, q, x), f.sub(x, z))
    rhs = f.sub(poly.evaluate(f, p, x), poly.evaluate(f, p, z))
    assert f.to_int(lhs) == f.to_int(rhs)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_batch_inverse_and_zero(name: str) -> None:
    f = field(name)
    values = [3, 5, R - 1, 2**200]
    inverses = f.to_ints(f.batch_inverse(f.from_ints(values)))
    assert all(v * i % R == 1 for v, i in zip(values, inverses, strict=True))
    with pytest.raises(ZeroDivisionError):
        f.inv(f.zero())


def test_unknown_backend_is_a_crypto_error() -> None:
    with pytest.raises(CryptoError) as error:
        field("gpu")
    assert error.value.code == "crypto.unknown_backend"


@given(
    st.lists(st.integers(min_value=0, max_value=R - 1), min_size=1, max_size=16),
    st.integers(min_value=0, max_value=R - 1),
)
def test_backends_agree(coeffs: list[int], point: int) -> None:
    """Every polynomial operation gives the same integers on both backends."""
    size = 16
    results = []
    for name in BACKEND_NAMES:
        f = field(name)
        p = f.from_ints(coeffs)
        x = f.from_int(point)
        results.append(
            (
                f.to_ints(poly.subcoset_ntt(f, p, size, [1])),
                f.to_ints(poly.subcoset_ntt(f, p, size, poly.subcoset_shifts(size, 5, 7))),
                f.to_int(poly.evaluate(f, p, x)),
                f.to_ints(poly.divide_by_linear(f, p, x)),
            )
        )
    assert results[0] == results[1]


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_subcosets_are_five_eighths_of_the_big_coset(name: str) -> None:
    """The quotient's five cosets s_k·H are cosets k = 0..4 of 7·H_8n: their evaluations
    are the polynomial's values (Horner) at 7·ν^(k + 8i), ν of order 8n, and the inverse
    recovers any polynomial of degree < 5n (here 5n - 3 coefficients)."""
    f = field(name)
    n = 16
    rng = random.Random(5)
    coeffs = [rng.randrange(R) for _ in range(5 * n - 3)]
    shifts = poly.subcoset_shifts(n, 5, 7)
    evaluations = f.to_ints(poly.subcoset_ntt(f, f.from_ints(coeffs), n, shifts))
    nu = root_of_unity(8 * n)
    p = f.from_ints(coeffs)
    for k, i in ((0, 0), (1, 3), (4, n - 1), (2, 7)):
        x = f.from_int(7 * pow(nu, k + 8 * i, R))
        assert evaluations[k * n + i] == f.to_int(poly.evaluate(f, p, x))
    back = f.to_ints(poly.subcoset_intt(f, f.from_ints(evaluations), n, shifts))
    assert back == [*coeffs, 0, 0, 0]
    with pytest.raises(ValueError):
        poly.subcoset_shifts(n, 9, 7)

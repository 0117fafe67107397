"""Polynomials over Fr: NTT on power-of-two domains, cosets, vanishing-polynomial division.

A polynomial is a list of coefficients, lowest degree first, of backend elements
(:mod:`duskspec.crypto.plonk.field`). The evaluation domain of size ``n`` is
``H = {ω^0, ..., ω^(n-1)}`` with ``ω = root_of_unity(n)``; the NTT maps coefficients to
evaluations in that order (spec/crypto.md §12.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.field import Fe, Field, root_of_unity


@lru_cache(maxsize=32)
def _root_powers(size: int, inverse: bool) -> tuple[int, ...]:
    """``ω^0 .. ω^(size/2 - 1)`` (or powers of ω^-1) as ints."""
    root = root_of_unity(size)
    if inverse:
        root = pow(root, R - 2, R)
    powers = [1]
    for _ in range(size // 2 - 1):
        powers.append(powers[-1] * root % R)
    return tuple(powers)


_TWIDDLES: dict[tuple[str, int, bool], list[list[Fe]]] = {}


def _twiddles(f: Field, size: int, inverse: bool) -> list[list[Fe]]:
    """Per stage with half-length ``L``: ``[w^0..w^(L-1)]`` for ``w`` of order ``2L``."""
    key = (f.name, size, inverse)
    if key not in _TWIDDLES:
        powers = f.from_ints(_root_powers(size, inverse)) if size > 1 else []
        stages = []
        half = 1
        while half < size:
            stages.append(powers[:: size // (2 * half)][:half])
            half *= 2
        if len(_TWIDDLES) > 16:
            _TWIDDLES.clear()
        _TWIDDLES[key] = stages
    return _TWIDDLES[key]


def _ntt(f: Field, values: Sequence[Fe], inverse: bool) -> list[Fe]:
    """Radix-2 Stockham NTT, natural order in and out.

    Before the stage with half-length ``L`` the array holds ``n/L`` groups of ``L`` values;
    group ``g`` is the transform of the subsequence ``x[g], x[g + n/L], ...``. Group ``g``
    (first half) and group ``g + n/2L`` (second half) merge into a group of ``2L``."""
    size = len(values)
    data = list(values)
    for stage, twiddles in enumerate(_twiddles(f, size, inverse)):
        half = 1 << stage
        groups = size // (2 * half)
        plus, minus = f.butterflies(data[: size // 2], data[size // 2 :], twiddles * groups)
        merged: list[Fe] = [None] * size
        if half <= groups:
            for k in range(half):
                merged[k :: 2 * half] = plus[k::half]
                merged[half + k :: 2 * half] = minus[k::half]
        else:
            for g in range(groups):
                merged[2 * g * half : (2 * g + 1) * half] = plus[g * half : (g + 1) * half]
                merged[(2 * g + 1) * half : (2 * g + 2) * half] = minus[g * half : (g + 1) * half]
        data = merged
    return data


def _check_size(size: int) -> None:
    if size < 1 or size & (size - 1):
        raise ValueError(f"domain size {size} is not a power of two")


def ntt(f: Field, coeffs: Sequence[Fe], size: int) -> list[Fe]:
    """Evaluations of the polynomial on the domain of ``size`` points (zero-padded)."""
    _check_size(size)
    if len(coeffs) > size:
        raise ValueError(f"{len(coeffs)} coefficients do not fit a domain of {size}")
    return _ntt(f, [*coeffs, *([f.zero()] * (size - len(coeffs)))], inverse=False)


def intt(f: Field, evaluations: Sequence[Fe]) -> list[Fe]:
    """Coefficients of the polynomial of degree < n taking these values on the domain."""
    size = len(evaluations)
    _check_size(size)
    return f.vscale(_ntt(f, evaluations, inverse=True), f.from_int(pow(size, R - 2, R)))


def coset_ntt(f: Field, coeffs: Sequence[Fe], size: int, shift: int) -> list[Fe]:
    """Evaluations on the coset ``shift·H`` of the domain of ``size`` points."""
    scaled = f.vmul(coeffs, f.powers(f.from_int(shift), len(coeffs)))
    return ntt(f, scaled, size)


def coset_intt(f: Field, evaluations: Sequence[Fe], shift: int) -> list[Fe]:
    """Inverse of :func:`coset_ntt`: coefficients from evaluations on ``shift·H``."""
    coeffs = intt(f, evaluations)
    return f.vmul(coeffs, f.powers(f.from_int(pow(shift, R - 2, R)), len(coeffs)))


def evaluate(f: Field, coeffs: Sequence[Fe], x: Fe) -> Fe:
    """Horner's rule."""
    acc = f.zero()
    for c in reversed(coeffs):
        acc = f.add(f.mul(acc, x), c)
    return acc


def divide_by_linear(f: Field, coeffs: Sequence[Fe], z: Fe) -> list[Fe]:
    """``(p(X) - p(z)) / (X - z)`` by synthetic division (the KZG opening quotient)."""
    quotient: list[Fe] = [f.zero()] * max(len(coeffs) - 1, 0)
    acc = f.zero()
    for i in range(len(coeffs) - 1, 0, -1):
        acc = f.add(f.mul(acc, z), coeffs[i])
        quotient[i - 1] = acc
    return quotient


def divide_by_vanishing(f: Field, coeffs: Sequence[Fe], n: int) -> list[Fe]:
    """``p(X) / (X^n - 1)`` when the division is exact; raises ``ValueError`` otherwise
    (``p`` does not vanish on the domain of ``n`` points)."""
    remainder = list(coeffs)
    quotient: list[Fe] = [f.zero()] * max(len(coeffs) - n, 0)
    for i in range(len(coeffs) - 1, n - 1, -1):
        quotient[i - n] = remainder[i]
        remainder[i - n] = f.add(remainder[i - n], remainder[i])
        remainder[i] = f.zero()
    if any(f.to_int(c) for c in remainder[:n]):
        raise ValueError("polynomial does not vanish on the domain")
    return quotient


def vanishing_on_coset_inverses(f: Field, n: int, size: int, shift: int) -> list[Fe]:
    """``1 / Z_H(x)`` for ``x`` on ``shift·H_size`` where ``Z_H = X^n - 1`` and ``n | size``:
    ``x^n`` cycles through ``size/n`` values, so only those are inverted."""
    ratio = size // n
    base = pow(shift, n, R)
    step = pow(root_of_unity(size), n, R)
    values = [(base * pow(step, j, R) - 1) % R for j in range(ratio)]
    inverses = f.batch_inverse(f.from_ints(values))
    return [inverses[j % ratio] for j in range(size)]


def lagrange_first_on_coset(f: Field, n: int, size: int, shift: int) -> list[Fe]:
    """``L_0(x) = (x^n - 1) / (n·(x - 1))`` on ``shift·H_size`` (``L_0`` is 1 at ω^0)."""
    coeffs = [f.from_int(pow(n, R - 2, R))] * n
    return coset_ntt(f, coeffs, size, shift)

"""Polynomials over Fr: NTT on power-of-two domains, the quotient's cosets, KZG's division.

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
        root = pow(root, -1, R)
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


def intt(f: Field, evaluations: Sequence[Fe]) -> list[Fe]:
    """Coefficients of the polynomial of degree < n taking these values on the domain."""
    size = len(evaluations)
    _check_size(size)
    return f.vscale(_ntt(f, evaluations, inverse=True), f.from_int(pow(size, -1, R)))


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


# --- the quotient's evaluation domain: a few cosets of H ------------------------------------


def subcoset_shifts(n: int, count: int, shift: int) -> list[int]:
    """``s_k = shift·ν^k`` for ``k < count``, ``ν`` the primitive ``8n``-th root of unity:
    ``count`` of the eight cosets ``s_k·H`` that make up ``shift·H_8n``. Their ``s_k^n`` are
    distinct and never 1, so ``Z_H`` has no zero on them."""
    if count > 8:
        raise ValueError("at most 8 cosets of H fit in shift·H_8n")
    nu = root_of_unity(8 * n)
    return [shift * pow(nu, k, R) % R for k in range(count)]


_SHIFT_POWERS: dict[tuple[str, int, int], list[Fe]] = {}


def _shift_powers(f: Field, s: int, count: int) -> list[Fe]:
    """``[1, s, ..., s^(count-1)]`` cached per backend (reused by every proof)."""
    key = (f.name, s, count)
    if key not in _SHIFT_POWERS:
        if len(_SHIFT_POWERS) > 64:
            _SHIFT_POWERS.clear()
        _SHIFT_POWERS[key] = f.powers(f.from_int(s), count)
    return _SHIFT_POWERS[key]


def subcoset_ntt(f: Field, coeffs: Sequence[Fe], n: int, shifts: Sequence[int]) -> list[Fe]:
    """Evaluations of ``p`` on ``s_0·H, s_1·H, ...`` (each in ``ω^i`` order), concatenated.

    On ``s·H``, ``p(s·ω^i) = Σ_j (p_j·s^j)·ω^(ij)`` and ``ω^n = 1``, so the scaled
    coefficients are folded modulo ``n`` and transformed with one size-``n`` NTT."""
    out: list[Fe] = []
    for s in shifts:
        scaled = f.vmul(coeffs, _shift_powers(f, s, len(coeffs)))
        folded = scaled[:n] + [f.zero()] * (n - min(n, len(scaled)))
        for start in range(n, len(scaled), n):
            block = scaled[start : start + n]
            folded[: len(block)] = f.vadd(folded[: len(block)], block)
        out += _ntt(f, folded, inverse=False)
    return out


def subcoset_intt(f: Field, evaluations: Sequence[Fe], n: int, shifts: Sequence[int]) -> list[Fe]:
    """Coefficients (``len(shifts)·n`` of them) of the polynomial of degree
    ``< len(shifts)·n`` taking these values on the cosets of :func:`subcoset_ntt`.

    Write ``t = Σ_m X^(mn)·T_m`` with ``deg T_m < n``. On ``s_k·H``, ``X^(mn) = y_k = s_k^n``,
    so the size-``n`` inverse transform of coset ``k``, unscaled by ``s_k^-j``, gives
    ``P_k = Σ_m y_k^m·T_m``; the ``T_m`` follow from the inverse Vandermonde matrix of
    ``(y_k)``."""
    count = len(shifts)
    combos = []
    for k, s in enumerate(shifts):
        coeffs = intt(f, evaluations[k * n : (k + 1) * n])
        combos.append(f.vmul(coeffs, _shift_powers(f, pow(s, -1, R), n)))
    inverse = _inverse_vandermonde([pow(s, n, R) for s in shifts])
    out: list[Fe] = []
    for m in range(count):
        part = [f.zero()] * n
        for k in range(count):
            part = f.vadd(part, f.vscale(combos[k], f.from_int(inverse[m][k])))
        out += part
    return out


def _inverse_vandermonde(ys: Sequence[int]) -> list[list[int]]:
    """``V^-1`` for ``V[k][m] = ys[k]^m``, by Gauss-Jordan elimination mod r."""
    size = len(ys)
    rows = [
        [pow(y, m, R) for m in range(size)] + [int(k == i) for i in range(size)]
        for k, y in enumerate(ys)
    ]
    for col in range(size):
        pivot = next(i for i in range(col, size) if rows[i][col])
        rows[col], rows[pivot] = rows[pivot], rows[col]
        inv = pow(rows[col][col], -1, R)
        rows[col] = [x * inv % R for x in rows[col]]
        for i in range(size):
            if i != col and rows[i][col]:
                factor = rows[i][col]
                rows[i] = [(x - factor * y) % R for x, y in zip(rows[i], rows[col], strict=True)]
    return [row[size:] for row in rows]

"""Range checks by base-4 decomposition (spec/crypto.md §13.2, rule C13.9).

``x < 4^n`` is shown by ``n`` digits ``d_i`` with ``x = Σ d_i·4^i``. A digit is in
``{0, 1, 2, 3}`` iff ``d(d-1)(d-2)(d-3) = 0``; with ``q = d² - 3d`` that product is
``q·(q + 2)``, so each digit costs two rows (``q = d·d - 3d`` and ``q·q + 2q = 0``). The sum
is accumulated most significant digit first, two digits per width-4 row
(``acc' = 16·acc + 4·d_hi + d_lo``). A 64-bit check is 32 digits: 64 + 16 rows.

The digits (least significant first) and their ``q`` values are returned for callers that
use them (the truncated hash of :mod:`.poseidon`).
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.crypto.plonk.builder import Builder, Linear, Witness
from duskspec.errors import CryptoError

#: The widest decomposition that cannot wrap around r (``2^254 < r``).
MAX_BITS = 254


def check_width(bits: int) -> None:
    """An even bit count in ``[2, 254]``: the digits' sum is then below r as an integer."""
    if bits <= 0 or bits % 2 or bits > MAX_BITS:
        raise CryptoError("crypto.plonk_range_width", "a decomposition covers 2 to 254 bits, even")


@dataclass(frozen=True)
class Digit:
    """A constrained base-4 digit ``d`` and ``q = d² - 3d`` (so ``d² = q + 3d``)."""

    d: Witness
    q: Witness


def append_digit(builder: Builder, value: int) -> Digit:
    """A variable ``d`` with ``d ∈ {0, 1, 2, 3}``: rows ``q = d·d - 3d``, ``q·q + 2q = 0``."""
    d = builder.append_witness(value)
    q = builder.product(d, d, 1, Linear.of(d, -3))
    builder.append_gate(a=q, b=q, q_m=1, q_l=2)
    return Digit(d, q)


def decompose(builder: Builder, x: Witness, bits: int) -> tuple[Digit, ...]:
    """Base-4 digits of ``x`` (least significant first), proving ``0 <= x < 2^bits``.

    ``bits`` is even. The prover's value must fit: a value of ``2^bits`` or more cannot be
    decomposed and raises ``crypto.plonk_range`` (no witness exists, so no proof)."""
    check_width(bits)
    value = builder.value(x)
    if value >> bits:
        raise CryptoError("crypto.plonk_range", f"the value does not fit in {bits} bits")
    digits = tuple(append_digit(builder, (value >> (2 * i)) & 3) for i in range(bits // 2))
    assert_digits_sum(builder, x, digits)
    return digits


def assert_digits_sum(builder: Builder, x: Witness, digits: tuple[Digit, ...]) -> None:
    """``x = Σ d_i·4^i``, accumulated from the top two digits per row; the last row's
    output wire is ``x`` itself."""
    high_first = [digit.d for digit in reversed(digits)]
    if len(high_first) == 1:
        builder.assert_equal(high_first[0], x)
        return
    acc = high_first[0]
    rest = high_first[1:]
    while rest:
        if len(rest) == 1:
            step, rest = rest, []
            lc = Linear(((acc, 4), (step[0], 1)))
        else:
            step, rest = rest[:2], rest[2:]
            lc = Linear(((acc, 16), (step[0], 4), (step[1], 1)))
        if rest:
            acc = builder.materialize(lc)
        else:
            builder.assert_zero(Linear((*lc.terms, (x, -1))))

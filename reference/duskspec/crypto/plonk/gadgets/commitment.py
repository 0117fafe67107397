"""Pedersen value commitments in the circuit (spec/crypto.md §13.2, rule C13.20), matching
:func:`duskspec.crypto.jubjub.value_commitment`: ``v·G + s·G'``; ``v`` is range-checked to
64 bits (32 base-4 digits), which makes its 32 signed windows spell ``v`` itself; ``s`` has
126 signed windows (any integer with the same class mod t commits the same way).
"""

from __future__ import annotations

from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS
from duskspec.crypto.plonk.builder import Builder, Witness
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets import range_check
from duskspec.crypto.plonk.gadgets.jubjub import WitnessPoint

VALUE_BITS = 64
BLINDER_BITS = 252


def value_commitment(builder: Builder, value: Witness, blinder: Witness) -> WitnessPoint:
    """``value·G + blinder·G'``; proves ``value < 2^64``."""
    range_check.decompose(builder, value, VALUE_BITS)
    v = jubjub_gadget.signed_windows(builder, value, VALUE_BITS // 2)
    s = jubjub_gadget.signed_windows(builder, blinder, BLINDER_BITS // 2)
    return jubjub_gadget.add(
        builder,
        jubjub_gadget.fixed_base_mul(builder, GENERATOR, v),
        jubjub_gadget.fixed_base_mul(builder, GENERATOR_NUMS, s),
    )

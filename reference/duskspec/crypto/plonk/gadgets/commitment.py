"""Pedersen value commitments in the circuit (spec/crypto.md §13.2, rule 13.13), matching
:func:`duskspec.crypto.jubjub.value_commitment`: ``v·G + s·G'`` with ``v`` decomposed into
32 base-4 digits (which is also its 64-bit range check) and ``s`` into 126 (``s < 2^252``).
"""

from __future__ import annotations

from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS
from duskspec.crypto.plonk.builder import Builder, Witness
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets.jubjub import WitnessPoint

VALUE_BITS = 64
BLINDER_BITS = 252


def value_commitment(builder: Builder, value: Witness, blinder: Witness) -> WitnessPoint:
    """``value·G + blinder·G'``; proves ``value < 2^64``."""
    v = jubjub_gadget.scalar_digits(builder, value, VALUE_BITS)
    s = jubjub_gadget.scalar_digits(builder, blinder, BLINDER_BITS)
    return jubjub_gadget.add(
        builder,
        jubjub_gadget.fixed_base_mul(builder, GENERATOR, v),
        jubjub_gadget.fixed_base_mul(builder, GENERATOR_NUMS, s),
    )

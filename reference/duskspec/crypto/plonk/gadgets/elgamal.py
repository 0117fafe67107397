"""ElGamal encryption in the circuit (spec/crypto.md §13.2, rule 13.14), matching
:func:`duskspec.crypto.elgamal.encrypt`: ``(r·G, M + r·pk)``, one digit decomposition of
``r`` (126 digits, ``r < 2^252``) for ``r·G``, which also range-checks ``r`` for the signed
windows of ``r·pk``.
"""

from __future__ import annotations

from duskspec.crypto.jubjub import GENERATOR
from duskspec.crypto.plonk.builder import Builder, Witness
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets.jubjub import WitnessPoint

RANDOMNESS_BITS = 252


def encrypt(
    builder: Builder, public_key: WitnessPoint, message: WitnessPoint, r: Witness
) -> tuple[WitnessPoint, WitnessPoint]:
    """``(c1, c2) = (r·G, M + r·pk)``."""
    digits = jubjub_gadget.scalar_digits(builder, r, RANDOMNESS_BITS)
    c1 = jubjub_gadget.fixed_base_mul(builder, GENERATOR, digits)
    windows = jubjub_gadget.signed_windows(builder, r, RANDOMNESS_BITS // 2)
    shared = jubjub_gadget.variable_base_mul(builder, public_key, windows)
    return c1, jubjub_gadget.add(builder, message, shared)

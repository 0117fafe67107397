"""Booleans (spec/crypto.md §13.2, rule 13.4): one row ``b·b - b = 0``."""

from __future__ import annotations

from duskspec.crypto.plonk.builder import Builder, Witness


def assert_boolean(builder: Builder, b: Witness) -> None:
    """``b ∈ {0, 1}``: the row ``b·b - b = 0``."""
    builder.append_gate(a=b, b=b, q_m=1, q_l=-1)


def append_boolean(builder: Builder, bit: int) -> Witness:
    """A new variable holding ``bit``, constrained to be 0 or 1."""
    b = builder.append_witness(bit)
    assert_boolean(builder, b)
    return b

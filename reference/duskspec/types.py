"""Names that say what bytes and integers mean (docs/architecture.md §2).

These are ``NewType`` aliases: free at run time, checked by mypy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

Hash32 = NewType("Hash32", bytes)
"""A 32-byte digest (SHA3-256, BLAKE2b-256, BLAKE3, BLAKE2s-256)."""

Scalar = NewType("Scalar", int)
"""An element of the BLS12-381 scalar field, 0 <= x < BLS_SCALAR_ORDER."""

BlsPublicKey = NewType("BlsPublicKey", bytes)
"""A compressed G2 point, 96 bytes."""

BlsSignature = NewType("BlsSignature", bytes)
"""A compressed G1 point, 48 bytes."""


@dataclass(frozen=True)
class StakeAmount:
    """A stake's amount (Dusk's ``StakeAmount``): the eligible ``value``, the ``locked`` part
    (top-ups of an eligible stake, soft-slashed value) and the height it is eligible from."""

    value: int
    locked: int
    eligibility: int


@dataclass(frozen=True)
class StakeData:
    """A stake-contract entry (Dusk's ``StakeData``). ``amount`` is ``None`` before the first
    stake and once everything was unstaked. One type for the runtime's stake contract
    (``duskspec.runtime.state``) and consensus's slashing arithmetic
    (``duskspec.consensus.slashing``), which may not import each other."""

    amount: StakeAmount | None = None
    reward: int = 0
    faults: int = 0
    hard_faults: int = 0

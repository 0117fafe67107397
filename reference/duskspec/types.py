"""Names that say what bytes and integers mean (docs/architecture.md §2).

These are ``NewType`` aliases: free at run time, checked by mypy.
"""

from __future__ import annotations

from typing import NewType

Hash32 = NewType("Hash32", bytes)
"""A 32-byte digest (SHA3-256, BLAKE2b-256, BLAKE3, BLAKE2s-256)."""

Scalar = NewType("Scalar", int)
"""An element of the BLS12-381 scalar field, 0 <= x < BLS_SCALAR_ORDER."""

BlsPublicKey = NewType("BlsPublicKey", bytes)
"""A compressed G2 point, 96 bytes."""

BlsSignature = NewType("BlsSignature", bytes)
"""A compressed G1 point, 48 bytes."""

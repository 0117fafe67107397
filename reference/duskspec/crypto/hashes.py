"""Hash functions as Dusk uses them (spec/sources.md §5.5, spec/crypto.md §1).

| function | Dusk's use |
|---|---|
| :func:`sha3_256` | block hash, sortition score, txroot/faultroot, fault id |
| :func:`blake2b_256` | contract id |
| :func:`hash_to_scalar` | tx id, payload hash, the ``hash`` host query, BLS ``H1`` |
| :func:`blake2s_256` | Kadcast node id and ray id |
| :func:`blake3_256` | state root, page hashes, bytecode hash, event bloom |
"""

from __future__ import annotations

import hashlib

import blake3 as _blake3

from duskspec.types import Hash32, Scalar

#: Order r of the BLS12-381 scalar field (the prime subgroup order of G1 and G2).
BLS_SCALAR_ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


def sha3_256(data: bytes) -> Hash32:
    return Hash32(hashlib.sha3_256(data).digest())


def blake2b_256(data: bytes) -> Hash32:
    return Hash32(hashlib.blake2b(data, digest_size=32).digest())


def blake2b_512(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=64).digest()


def hash_to_scalar(data: bytes) -> Scalar:
    """``BlsScalar::hash_to_scalar``: BLAKE2b-512 of ``data`` read as a 512-bit little-endian
    integer, reduced mod r. The wide reduction keeps the bias below 2^-256."""
    return Scalar(int.from_bytes(blake2b_512(data), "little") % BLS_SCALAR_ORDER)


def scalar_to_bytes(value: Scalar) -> bytes:
    """The canonical 32-byte little-endian encoding of a scalar field element."""
    return int(value).to_bytes(32, "little")


def blake2s_256(data: bytes) -> Hash32:
    return Hash32(hashlib.blake2s(data, digest_size=32).digest())


def blake3_256(data: bytes) -> Hash32:
    return Hash32(_blake3.blake3(data).digest())

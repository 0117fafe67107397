"""Block headers as consensus sees them (spec/consensus.md §5; spec/sources.md §6.1).

The block hash is SHA3-256 of the *hashable* header: every field in order up to and
including ``failed_iterations``. The block's own attestation (``att``) and the generator's
signature are carried beside the header and are not hashed; the next block carries ``att``
as ``prev_block_cert``, which is hashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from duskspec.consensus.messages import (
    HASH_LENGTH,
    PUBLIC_KEY_LENGTH,
    SIGNATURE_LENGTH,
    Attestation,
    read_attestation,
)
from duskspec.crypto.hashes import sha3_256
from duskspec.encoding import Reader, encode_fixed, encode_u8, encode_u32, encode_u64
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey, BlsSignature, Hash32

BLOCK_HEADER_VERSION = 1
EVENT_BLOOM_LENGTH = 256


@dataclass(frozen=True)
class FailedIteration:
    """One ``failed_iterations`` entry: the Fail attestation of an earlier iteration of this
    round and the generator of that iteration."""

    attestation: Attestation
    generator: BlsPublicKey


@dataclass(frozen=True)
class Header:
    version: int
    height: int
    timestamp: int
    prev_block_hash: Hash32
    seed: BlsSignature
    state_hash: Hash32
    event_bloom: bytes
    generator: BlsPublicKey
    txroot: Hash32
    faultroot: Hash32
    gas_limit: int
    iteration: int
    prev_block_cert: Attestation
    failed_iterations: tuple[FailedIteration | None, ...]

    def hashable_bytes(self) -> bytes:
        return (
            encode_u8(self.version)
            + encode_u64(self.height)
            + encode_u64(self.timestamp)
            + encode_fixed(self.prev_block_hash, HASH_LENGTH)
            + encode_fixed(self.seed, SIGNATURE_LENGTH)
            + encode_fixed(self.state_hash, HASH_LENGTH)
            + encode_fixed(self.event_bloom, EVENT_BLOOM_LENGTH)
            + encode_fixed(self.generator, PUBLIC_KEY_LENGTH)
            + encode_fixed(self.txroot, HASH_LENGTH)
            + encode_fixed(self.faultroot, HASH_LENGTH)
            + encode_u64(self.gas_limit)
            + encode_u8(self.iteration)
            + self.prev_block_cert.encode()
            + encode_failed_iterations(self.failed_iterations)
        )

    @cached_property
    def hash(self) -> Hash32:
        """``Block::calculate_hash``: SHA3-256 of the hashable header (computed once per
        header value: the header is immutable)."""
        return sha3_256(self.hashable_bytes())


def encode_failed_iterations(entries: tuple[FailedIteration | None, ...]) -> bytes:
    out = encode_u8(len(entries))
    for entry in entries:
        if entry is None:
            out += encode_u8(0)
        else:
            out += (
                encode_u8(1)
                + entry.attestation.encode()
                + encode_fixed(entry.generator, PUBLIC_KEY_LENGTH)
            )
    return out


def read_failed_iterations(reader: Reader, max_entries: int) -> tuple[FailedIteration | None, ...]:
    count = reader.u8()
    if count > max_entries:
        raise ConsensusError("consensus.too_many_failed_iterations", f"{count} > {max_entries}")
    entries: list[FailedIteration | None] = []
    for _ in range(count):
        tag = reader.u8()
        if tag == 0:
            entries.append(None)
        elif tag == 1:
            entries.append(
                FailedIteration(
                    read_attestation(reader), BlsPublicKey(reader.fixed(PUBLIC_KEY_LENGTH))
                )
            )
        else:
            raise ConsensusError("consensus.unknown_failed_iteration_tag", f"tag {tag}")
    return tuple(entries)


def read_header(reader: Reader, max_failed_iterations: int) -> Header:
    """Read the hashable header's fields in order."""
    return Header(
        version=reader.u8(),
        height=reader.u64(),
        timestamp=reader.u64(),
        prev_block_hash=Hash32(reader.fixed(HASH_LENGTH)),
        seed=BlsSignature(reader.fixed(SIGNATURE_LENGTH)),
        state_hash=Hash32(reader.fixed(HASH_LENGTH)),
        event_bloom=reader.fixed(EVENT_BLOOM_LENGTH),
        generator=BlsPublicKey(reader.fixed(PUBLIC_KEY_LENGTH)),
        txroot=Hash32(reader.fixed(HASH_LENGTH)),
        faultroot=Hash32(reader.fixed(HASH_LENGTH)),
        gas_limit=reader.u64(),
        iteration=reader.u8(),
        prev_block_cert=read_attestation(reader),
        failed_iterations=read_failed_iterations(reader, max_failed_iterations),
    )


def decode_header(data: bytes, max_failed_iterations: int) -> Header:
    """Strict decoding of exactly one hashable header."""
    reader = Reader(data)
    header = read_header(reader, max_failed_iterations)
    reader.finish()
    return header


@dataclass(frozen=True)
class Block:
    """A block as consensus handles it. ``payload`` stands for the transactions (empty until
    the runtime fills it); ``attestation`` is set once the block is attested."""

    header: Header
    signature: BlsSignature
    payload: tuple[bytes, ...] = ()
    attestation: Attestation | None = None

    @property
    def hash(self) -> Hash32:
        return self.header.hash

    def encoded_size(self) -> int:
        """Bytes on the wire: header, hash, signature and the length-prefixed payload."""
        return (
            len(self.header.hashable_bytes())
            + HASH_LENGTH
            + SIGNATURE_LENGTH
            + len(encode_u32(len(self.payload)))
            + sum(4 + len(tx) for tx in self.payload)
        )

"""Consensus messages on the wire (spec/consensus.md §4.2; spec/sources.md §1.7, §6.1).

A wire message is ``Version(major u8, minor u16, patch u16) ‖ topic u8 ‖ payload``. Topics:
Block 11, Candidate 16, Validation 17, Ratification 18, Quorum 19. A block is its hashable
header, its attestation (Dusk's default empty one while unattested), its hash and signature,
then ``u32`` counts of transactions (each length-prefixed) and faults (always 0 here).
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.consensus.block import Block, read_header
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.messages import (
    EMPTY_STEP_VOTES,
    HASH_LENGTH,
    SIGNATURE_LENGTH,
    Attestation,
    QuorumMessage,
    RatificationVote,
    ValidationVote,
    Vote,
    VoteKind,
    decode_quorum_message,
    decode_ratification_vote,
    decode_validation_vote,
    read_attestation,
)
from duskspec.encoding import Reader, encode_u8, encode_u16, encode_u32, encode_var_bytes
from duskspec.errors import ConsensusError
from duskspec.types import BlsSignature

PROTOCOL_VERSION = (1, 0, 0)
TOPIC_BLOCK = 11
TOPIC_CANDIDATE = 16
TOPIC_VALIDATION = 17
TOPIC_RATIFICATION = 18
TOPIC_QUORUM = 19

#: Largest transaction accepted in a block (``encoding.rs``: 2 MiB).
MAX_TX_BYTES = 2 * 1024 * 1024

#: The attestation an unattested block carries on the wire (``Attestation::default``).
NO_ATTESTATION = Attestation(False, Vote(VoteKind.NO_CANDIDATE), EMPTY_STEP_VOTES, EMPTY_STEP_VOTES)


@dataclass(frozen=True)
class AcceptedBlock:
    """Topic Block: a block a node accepted, with its Success attestation."""

    block: Block


WireMessage = Block | ValidationVote | RatificationVote | QuorumMessage | AcceptedBlock


def encode_block(block: Block) -> bytes:
    out = block.header.hashable_bytes()
    out += (block.attestation or NO_ATTESTATION).encode()
    out += block.hash + block.signature
    out += encode_u32(len(block.payload)) + b"".join(
        encode_var_bytes(tx, MAX_TX_BYTES) for tx in block.payload
    )
    return out + encode_u32(0)


def read_block(reader: Reader, max_failed_iterations: int, max_transactions: int) -> Block:
    header = read_header(reader, max_failed_iterations)
    attestation = read_attestation(reader)
    claimed_hash = reader.fixed(HASH_LENGTH)
    signature = BlsSignature(reader.fixed(SIGNATURE_LENGTH))
    count = reader.u32()
    if count > max_transactions:
        raise ConsensusError("consensus.too_many_transactions", f"{count} > {max_transactions}")
    payload = tuple(reader.var_bytes(MAX_TX_BYTES) for _ in range(count))
    if reader.u32() != 0:
        raise ConsensusError(
            "consensus.unexpected_faults", "faults are never included (rusk 1.6.0)"
        )
    if claimed_hash != header.hash:
        raise ConsensusError("consensus.block_hash_mismatch", claimed_hash.hex()[:16])
    return Block(header, signature, payload, None if attestation == NO_ATTESTATION else attestation)


def encode_message(message: WireMessage) -> bytes:
    """Version, topic and payload of one consensus message."""
    major, minor, patch = PROTOCOL_VERSION
    version = encode_u8(major) + encode_u16(minor) + encode_u16(patch)
    if isinstance(message, AcceptedBlock):
        return version + encode_u8(TOPIC_BLOCK) + encode_block(message.block)
    if isinstance(message, Block):
        return version + encode_u8(TOPIC_CANDIDATE) + encode_block(message)
    if isinstance(message, ValidationVote):
        return version + encode_u8(TOPIC_VALIDATION) + message.encode()
    if isinstance(message, RatificationVote):
        return version + encode_u8(TOPIC_RATIFICATION) + message.encode()
    return version + encode_u8(TOPIC_QUORUM) + message.encode()


def decode_shared(data: bytes, params: ConsensusParams) -> WireMessage:
    """:func:`decode_message` memoized by frame bytes: decoding is a pure function and the
    decoded messages are immutable, so the nodes of one simulation that receive the same
    frame share one decoding. A frame that fails to decode is not remembered. The memo holds
    at most :data:`DECODE_MEMO_SIZE` frames and is emptied when full."""
    known = _decode_memo.get(data)
    if known is not None and known[0] is params:
        return known[1]
    message = decode_message(data, params)
    if len(_decode_memo) >= DECODE_MEMO_SIZE:
        _decode_memo.clear()
    _decode_memo[data] = (params, message)
    return message


def decode_message(data: bytes, params: ConsensusParams) -> WireMessage:
    """Strict decoding of one wire message; unknown topics and versions are rejected."""
    reader = Reader(data)
    version = (reader.u8(), reader.u16(), reader.u16())
    if version[0] != PROTOCOL_VERSION[0]:
        raise ConsensusError("consensus.unsupported_protocol_version", str(version))
    if version != PROTOCOL_VERSION:
        raise ConsensusError("consensus.noncanonical_version", str(version))
    topic = reader.u8()
    body = reader.rest()
    if topic in (TOPIC_BLOCK, TOPIC_CANDIDATE):
        block_reader = Reader(body)
        block = read_block(block_reader, params.relax_iteration_threshold, params.max_transactions)
        block_reader.finish()
        return AcceptedBlock(block) if topic == TOPIC_BLOCK else block
    if topic == TOPIC_VALIDATION:
        return decode_validation_vote(body)
    if topic == TOPIC_RATIFICATION:
        return decode_ratification_vote(body)
    if topic == TOPIC_QUORUM:
        return decode_quorum_message(body)
    raise ConsensusError("consensus.unknown_topic", str(topic))


#: Frames :func:`decode_shared` remembers at most.
DECODE_MEMO_SIZE = 1024
_decode_memo: dict[bytes, tuple[ConsensusParams, WireMessage]] = {}

"""Consensus wire formats: round trips of every message, and every decoding error."""

from __future__ import annotations

import contextlib
import random

import pytest

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block, decode_header
from duskspec.consensus.messages import (
    Attestation,
    QuorumMessage,
    Vote,
    VoteKind,
    decode_attestation,
    decode_quorum_message,
    decode_validation_vote,
)
from duskspec.consensus.wire import AcceptedBlock, decode_message, encode_message
from duskspec.crypto.hashes import sha3_256
from duskspec.errors import ConsensusError, EncodingError, ProtocolError
from support.lockstep import TINY, Lockstep


@pytest.fixture(scope="module")
def decided(keys6: list[rnd.NodeKeys]) -> tuple[Lockstep, Block]:
    net = Lockstep(keys6)
    while not net.inbox:
        net.fire_earliest()
    net.run()
    return net, net.decided[0].block


def every_message(net: Lockstep, block: Block) -> list[object]:
    assert block.attestation is not None
    quorum = QuorumMessage(net.states[0].header(0), block.attestation)
    unattested = Block(block.header, block.signature, block.payload)
    return [unattested, AcceptedBlock(block), quorum]


def test_every_message_round_trips(decided: tuple[Lockstep, Block]) -> None:
    net, block = decided
    for message in every_message(net, block):
        frame = encode_message(message)  # type: ignore[arg-type]
        assert decode_message(frame, TINY) == message


def test_block_hash_is_sha3_of_the_hashable_header(decided: tuple[Lockstep, Block]) -> None:
    _, block = decided
    assert block.hash == sha3_256(block.header.hashable_bytes())
    assert (
        decode_header(block.header.hashable_bytes(), TINY.relax_iteration_threshold) == block.header
    )


def test_success_attestation_is_146_bytes(decided: tuple[Lockstep, Block]) -> None:
    _, block = decided
    assert block.attestation is not None
    assert len(block.attestation.encode()) == 146  # spec/sources.md §6.1
    assert decode_attestation(block.attestation.encode()) == block.attestation


def code_of(fn: object, *args: object) -> str:
    with pytest.raises(ProtocolError) as info:
        fn(*args)  # type: ignore[operator]
    return info.value.code


def test_vote_shapes_are_enforced() -> None:
    with pytest.raises(ConsensusError, match="vote_shape"):
        Vote(VoteKind.VALID)
    with pytest.raises(ConsensusError, match="vote_shape"):
        Vote(VoteKind.NO_CANDIDATE, sha3_256(b""))


def test_unknown_tags(decided: tuple[Lockstep, Block]) -> None:
    _, block = decided
    assert block.attestation is not None
    raw = bytearray(block.attestation.encode())
    raw[0] = 7
    assert code_of(decode_attestation, bytes(raw)) == "consensus.unknown_result_tag"
    raw = bytearray(block.attestation.encode())
    raw[1] = 9
    assert code_of(decode_attestation, bytes(raw)) == "consensus.unknown_vote_tag"


def test_truncated_and_trailing_messages(decided: tuple[Lockstep, Block]) -> None:
    net, block = decided
    assert block.attestation is not None
    quorum = QuorumMessage(net.states[0].header(0), block.attestation).encode()
    assert code_of(decode_quorum_message, quorum[:-1]) == "encoding.truncated"
    assert code_of(decode_quorum_message, quorum + b"\x00") == "encoding.trailing"
    assert code_of(decode_validation_vote, b"") == "encoding.truncated"


def test_unknown_topic_and_version(decided: tuple[Lockstep, Block]) -> None:
    _, block = decided
    frame = bytearray(encode_message(AcceptedBlock(block)))
    frame[5] = 42
    assert code_of(decode_message, bytes(frame), TINY) == "consensus.unknown_topic"
    frame = bytearray(encode_message(AcceptedBlock(block)))
    frame[0] = 2
    assert code_of(decode_message, bytes(frame), TINY) == "consensus.unsupported_protocol_version"


def test_block_with_a_wrong_hash_is_rejected(decided: tuple[Lockstep, Block]) -> None:
    _, block = decided
    frame = bytearray(encode_message(block))
    header_len = len(block.header.hashable_bytes())
    frame[6 + header_len + 146] ^= 1  # first byte of the claimed hash (after the attestation)
    assert code_of(decode_message, bytes(frame), TINY) == "consensus.block_hash_mismatch"


def test_faults_are_refused_and_failed_iterations_bounded(decided: tuple[Lockstep, Block]) -> None:
    _, block = decided
    frame = encode_message(block)
    assert (
        code_of(decode_message, frame[:-4] + b"\x01\x00\x00\x00", TINY)
        == "consensus.unexpected_faults"
    )
    header = block.header.hashable_bytes()
    too_many = header[:-1] + bytes([TINY.relax_iteration_threshold + 1])
    assert (
        code_of(decode_header, too_many, TINY.relax_iteration_threshold)
        == "consensus.too_many_failed_iterations"
    )
    bad_tag = header[:-1] + b"\x01\x05"
    assert (
        code_of(decode_header, bad_tag, TINY.relax_iteration_threshold)
        == "consensus.unknown_failed_iteration_tag"
    )


def test_decoding_arbitrary_bytes_raises_only_protocol_errors() -> None:
    rng = random.Random(5)
    for _ in range(300):
        frame = bytes([1, 0, 0, 0, 0, rng.choice([11, 16, 17, 18, 19])]) + rng.randbytes(
            rng.randrange(300)
        )
        # Anything but a ProtocolError (IndexError, ValueError, ...) fails the test.
        with contextlib.suppress(ConsensusError, EncodingError):
            decode_message(frame, TINY)


def test_attestation_equality_survives_encoding() -> None:
    empty = rnd.GENESIS_CERT
    assert decode_attestation(empty.encode()) == empty
    assert isinstance(empty, Attestation)

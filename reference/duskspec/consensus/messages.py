"""Consensus messages and their wire encoding (spec/consensus.md §4; spec/sources.md §1.7-1.8).

Every type here is a frozen dataclass with ``encode()`` and a strict ``decode_*`` function
built on :class:`duskspec.encoding.Reader`. Decoders reject unknown tags
(``consensus.unknown_vote_tag`` …) and everything the reader rejects (truncated, trailing).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from duskspec.encoding import Reader, encode_fixed, encode_u8, encode_u64
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey, BlsSignature, Hash32

HASH_LENGTH = 32
PUBLIC_KEY_LENGTH = 96
SIGNATURE_LENGTH = 48

#: An empty aggregate signature (no voter): 48 zero bytes, as in Dusk's ``StepVotes::default``.
EMPTY_SIGNATURE = BlsSignature(bytes(SIGNATURE_LENGTH))

#: Domain byte between header and vote in a signed vote (``sign_seed`` in Dusk).
VALIDATION_SIGN_TAG = 1
RATIFICATION_SIGN_TAG = 2


class VoteKind(IntEnum):
    """``Vote`` tags on the wire."""

    NO_CANDIDATE = 0
    VALID = 1
    INVALID = 2
    NO_QUORUM = 3


@dataclass(frozen=True, order=True)
class Vote:
    """``Valid(hash)`` and ``Invalid(hash)`` carry the candidate hash; the others carry none."""

    kind: VoteKind
    block_hash: Hash32 | None = None

    def __post_init__(self) -> None:
        needs_hash = self.kind in (VoteKind.VALID, VoteKind.INVALID)
        if needs_hash != (self.block_hash is not None):
            raise ConsensusError(
                "consensus.vote_shape", f"{self.kind.name} with hash {self.block_hash!r}"
            )

    def encode(self) -> bytes:
        body = encode_fixed(self.block_hash, HASH_LENGTH) if self.block_hash is not None else b""
        return encode_u8(self.kind) + body


def read_vote(reader: Reader) -> Vote:
    tag = reader.u8()
    if tag not in VoteKind._value2member_map_:
        raise ConsensusError("consensus.unknown_vote_tag", f"vote tag {tag}")
    kind = VoteKind(tag)
    if kind in (VoteKind.VALID, VoteKind.INVALID):
        return Vote(kind, Hash32(reader.fixed(HASH_LENGTH)))
    return Vote(kind)


class QuorumType(IntEnum):
    """``QuorumType`` of a ValidationResult (its own tag values, unlike ``VoteKind``)."""

    VALID = 0
    INVALID = 1
    NO_CANDIDATE = 2
    NO_QUORUM = 255


#: The quorum type a quorum of a given vote produces.
QUORUM_OF_VOTE = {
    VoteKind.VALID: QuorumType.VALID,
    VoteKind.INVALID: QuorumType.INVALID,
    VoteKind.NO_CANDIDATE: QuorumType.NO_CANDIDATE,
    VoteKind.NO_QUORUM: QuorumType.NO_QUORUM,
}


@dataclass(frozen=True)
class ConsensusHeader:
    """``prev_block_hash ‖ round u64 ‖ iteration u8`` (41 bytes)."""

    prev_block_hash: Hash32
    round: int
    iteration: int

    def encode(self) -> bytes:
        return (
            encode_fixed(self.prev_block_hash, HASH_LENGTH)
            + encode_u64(self.round)
            + encode_u8(self.iteration)
        )


def read_consensus_header(reader: Reader) -> ConsensusHeader:
    return ConsensusHeader(Hash32(reader.fixed(HASH_LENGTH)), reader.u64(), reader.u8())


@dataclass(frozen=True)
class StepVotes:
    """The votes of one step for one value: a ``u64`` bitset over the sorted committee and the
    G1 sum of the voters' signatures (each voter once, whatever its credits)."""

    bitset: int
    aggregate_signature: BlsSignature

    def encode(self) -> bytes:
        return encode_u64(self.bitset) + encode_fixed(self.aggregate_signature, SIGNATURE_LENGTH)

    @property
    def is_empty(self) -> bool:
        return self.bitset == 0


EMPTY_STEP_VOTES = StepVotes(0, EMPTY_SIGNATURE)


def read_step_votes(reader: Reader) -> StepVotes:
    return StepVotes(reader.u64(), BlsSignature(reader.fixed(SIGNATURE_LENGTH)))


@dataclass(frozen=True)
class ValidationResult:
    """Output of Validation, attached to Ratification votes: ``StepVotes ‖ Vote ‖ QuorumType``."""

    quorum: QuorumType
    vote: Vote
    step_votes: StepVotes

    def encode(self) -> bytes:
        return self.step_votes.encode() + self.vote.encode() + encode_u8(self.quorum)


#: What Validation yields when its step times out without a quorum.
NO_QUORUM_RESULT = ValidationResult(
    QuorumType.NO_QUORUM, Vote(VoteKind.NO_QUORUM), EMPTY_STEP_VOTES
)


def read_validation_result(reader: Reader) -> ValidationResult:
    step_votes = read_step_votes(reader)
    vote = read_vote(reader)
    tag = reader.u8()
    if tag not in QuorumType._value2member_map_:
        raise ConsensusError("consensus.unknown_quorum_type", f"quorum type {tag}")
    return ValidationResult(QuorumType(tag), vote, step_votes)


@dataclass(frozen=True)
class Attestation:
    """``RatificationResult ‖ validation StepVotes ‖ ratification StepVotes``.
    ``success`` is the ``Success``/``Fail`` tag of the result; ``vote`` is what was ratified."""

    success: bool
    vote: Vote
    validation: StepVotes
    ratification: StepVotes

    def encode(self) -> bytes:
        return (
            encode_u8(1 if self.success else 0)
            + self.vote.encode()
            + self.validation.encode()
            + self.ratification.encode()
        )


def read_attestation(reader: Reader) -> Attestation:
    tag = reader.u8()
    if tag not in (0, 1):
        raise ConsensusError("consensus.unknown_result_tag", f"ratification result tag {tag}")
    return Attestation(
        tag == 1, read_vote(reader), read_step_votes(reader), read_step_votes(reader)
    )


def decode_attestation(data: bytes) -> Attestation:
    reader = Reader(data)
    attestation = read_attestation(reader)
    reader.finish()
    return attestation


@dataclass(frozen=True)
class SignInfo:
    signer: BlsPublicKey
    signature: BlsSignature

    def encode(self) -> bytes:
        return encode_fixed(self.signer, PUBLIC_KEY_LENGTH) + encode_fixed(
            self.signature, SIGNATURE_LENGTH
        )


def read_sign_info(reader: Reader) -> SignInfo:
    return SignInfo(
        BlsPublicKey(reader.fixed(PUBLIC_KEY_LENGTH)), BlsSignature(reader.fixed(SIGNATURE_LENGTH))
    )


def signed_vote_message(header: ConsensusHeader, sign_tag: int, vote: Vote) -> bytes:
    """What a voter signs: ``ConsensusHeader ‖ sign_tag ‖ Vote``. The Ratification timestamp
    and attached ValidationResult are not signed (spec/sources.md §1.7)."""
    return header.encode() + encode_u8(sign_tag) + vote.encode()


def _signed_once(message: Any, sign_tag: int) -> bytes:
    """:func:`signed_vote_message` of a vote message, kept on the (immutable) message: one
    decoded message is checked by every node it reaches. The kept bytes are not a field, so
    equality, hashing and encoding are unchanged."""
    signed = message.__dict__.get("_signed")
    if signed is None:
        signed = signed_vote_message(message.header, sign_tag, message.vote)
        message.__dict__["_signed"] = signed
    return signed  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ValidationVote:
    """A Validation message: ``ConsensusHeader ‖ Vote ‖ SignInfo``."""

    header: ConsensusHeader
    vote: Vote
    sign_info: SignInfo

    def encode(self) -> bytes:
        return self.header.encode() + self.vote.encode() + self.sign_info.encode()

    def signed_message(self) -> bytes:
        return _signed_once(self, VALIDATION_SIGN_TAG)


def decode_validation_vote(data: bytes) -> ValidationVote:
    reader = Reader(data)
    message = ValidationVote(
        read_consensus_header(reader), read_vote(reader), read_sign_info(reader)
    )
    reader.finish()
    return message


@dataclass(frozen=True)
class RatificationVote:
    """A Ratification message: ``ConsensusHeader ‖ Vote ‖ timestamp u64 ‖ ValidationResult ‖
    SignInfo``."""

    header: ConsensusHeader
    vote: Vote
    timestamp: int
    validation_result: ValidationResult
    sign_info: SignInfo

    def encode(self) -> bytes:
        return (
            self.header.encode()
            + self.vote.encode()
            + encode_u64(self.timestamp)
            + self.validation_result.encode()
            + self.sign_info.encode()
        )

    def signed_message(self) -> bytes:
        return _signed_once(self, RATIFICATION_SIGN_TAG)


def decode_ratification_vote(data: bytes) -> RatificationVote:
    reader = Reader(data)
    message = RatificationVote(
        read_consensus_header(reader),
        read_vote(reader),
        reader.u64(),
        read_validation_result(reader),
        read_sign_info(reader),
    )
    reader.finish()
    return message


@dataclass(frozen=True)
class QuorumMessage:
    """``ConsensusHeader ‖ Attestation``: an iteration's outcome, Success or Fail."""

    header: ConsensusHeader
    attestation: Attestation

    def encode(self) -> bytes:
        return self.header.encode() + self.attestation.encode()


def decode_quorum_message(data: bytes) -> QuorumMessage:
    reader = Reader(data)
    message = QuorumMessage(read_consensus_header(reader), read_attestation(reader))
    reader.finish()
    return message

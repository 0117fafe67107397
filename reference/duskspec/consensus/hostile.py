"""Hostile consensus messages (spec/consensus.md §3.8): what an attacker without keys or
stake can send, and what a key holder can flood. Tests, vectors and the ``hostile`` bench
build their attacks here, so all three exercise the same bytes.

None of these messages needs a secret key except :func:`signed_future_flood`, which signs
distinct votes with one member's key (an equivocating member filling its own slots).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from duskspec.consensus.messages import (
    NO_QUORUM_RESULT,
    ConsensusHeader,
    RatificationVote,
    SignInfo,
    ValidationVote,
    Vote,
    VoteKind,
)
from duskspec.crypto import bls
from duskspec.crypto.hashes import sha3_256
from duskspec.types import BlsPublicKey, BlsSignature, Hash32

#: 96 zero bytes: not a valid compressed G2 point (no compression flag).
ZERO_SIGNER = BlsPublicKey(bytes(96))
#: The compressed encoding of the G2 identity (flags 0b11 then zeros): decodes, but is
#: rejected as a public key.
IDENTITY_SIGNER = BlsPublicKey(bytes([0xC0]) + bytes(95))
#: A compressed encoding whose x coordinate (1) is on no point of the curve.
OFF_CURVE_SIGNER = BlsPublicKey(bytes([0x80]) + bytes(94) + b"\x01")
#: A point on the curve (x = 2) outside the prime-order subgroup.
NON_SUBGROUP_SIGNER = BlsPublicKey(bytes([0x80]) + bytes(94) + b"\x02")
ZERO_SIGNATURE = BlsSignature(bytes(48))


def poison_ratification(header: ConsensusHeader) -> RatificationVote:
    """The 258-byte frame of issue 8: a NoQuorum Ratification vote signed by no one."""
    return RatificationVote(
        header, Vote(VoteKind.NO_QUORUM), 0, NO_QUORUM_RESULT, SignInfo(ZERO_SIGNER, ZERO_SIGNATURE)
    )


def keyless_validation(header: ConsensusHeader, signer: BlsPublicKey, salt: int) -> ValidationVote:
    """A Validation vote for a distinct (unused) hash, with no valid signature."""
    vote = Vote(VoteKind.VALID, Hash32(sha3_256(b"hostile" + salt.to_bytes(8, "little"))))
    return ValidationVote(header, vote, SignInfo(signer, ZERO_SIGNATURE))


def stranger_keys(count: int) -> Iterator[BlsPublicKey]:
    """Public keys of well-formed keys that stake nothing (random non-members)."""
    for i in range(count):
        _, public = bls.keygen(f"duskspec-hostile/stranger/{i}".encode())
        yield public


def signed_future_flood(
    header: ConsensusHeader, secret_key: int, public_key: BlsPublicKey, count: int
) -> Iterator[ValidationVote]:
    """``count`` distinct, correctly signed Validation votes of one key for one step."""
    for i in range(count):
        unsigned = keyless_validation(header, public_key, i)
        signature = bls.sign_multisig(secret_key, public_key, unsigned.signed_message())
        yield dataclasses.replace(unsigned, sign_info=SignInfo(public_key, signature))

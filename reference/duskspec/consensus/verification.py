"""Signature and attestation verification (spec/consensus.md §6; spec/sources.md §1.8).

:class:`SignatureVerifier` memoizes BLS verification of identical (key, message, signature)
triples and the rogue-key-safe aggregate keys of committees. Both are pure functions of
their arguments, so memoization changes no result; it is counted, and `duskspec simulate`
reports calls and unique verifications separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from duskspec.consensus.constants import ConsensusParams, majority, supermajority
from duskspec.consensus.messages import (
    RATIFICATION_SIGN_TAG,
    VALIDATION_SIGN_TAG,
    Attestation,
    ConsensusHeader,
    StepVotes,
    Vote,
    VoteKind,
    signed_vote_message,
)
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.sortition import (
    Committee,
    StepName,
    bitset_credits,
    committee_credits,
    intersect,
    voting_committee,
)
from duskspec.crypto import bls
from duskspec.errors import ConsensusError, CryptoError
from duskspec.types import BlsPublicKey, BlsSignature

#: Rule 3.9: entries each memo keeps; past it the oldest entry is evicted (a memo, so
#: eviction changes no result, only what a repeated check costs).
MEMO_CAPACITY = 1 << 16


def _remember(memo: dict[Any, Any], key: Any, value: Any, capacity: int) -> None:
    if len(memo) >= capacity:
        del memo[next(iter(memo))]
    memo[key] = value


class SignatureVerifier:
    """Counted memo of :func:`duskspec.crypto.bls.verify_multisig` and of aggregate keys,
    each bounded by :data:`MEMO_CAPACITY` (oldest first out)."""

    def __init__(self, capacity: int = MEMO_CAPACITY) -> None:
        self.capacity = capacity
        self._verdicts: dict[tuple[bytes, bytes, bytes], bool] = {}
        self._keys: dict[tuple[BlsPublicKey, ...], BlsPublicKey] = {}
        self.calls = 0
        self.verifications = 0

    def aggregate_key(self, public_keys: tuple[BlsPublicKey, ...]) -> BlsPublicKey:
        """``Σ H1(pk)·pk`` over ``public_keys`` (a single voter's key is the 1-element case)."""
        key = self._keys.get(public_keys)
        if key is None:
            key = bls.aggregate_public_keys(public_keys)
            _remember(self._keys, public_keys, key, self.capacity)
        return key

    @property
    def memo_entries(self) -> int:
        return len(self._verdicts) + len(self._keys)

    def verify(self, apk: BlsPublicKey, message: bytes, signature: BlsSignature) -> bool:
        """False for a wrong or malformed signature (a malformed one cannot be valid)."""
        self.calls += 1
        key = (apk, message, signature)
        verdict = self._verdicts.get(key)
        if verdict is None:
            self.verifications += 1
            try:
                verdict = bls.verify_multisig(apk, message, signature)
            except CryptoError:
                verdict = False
            _remember(self._verdicts, key, verdict, self.capacity)
        return verdict


def vote_threshold(vote: Vote, committee_size: int) -> int:
    """Valid needs a supermajority of the committee's credits; every other vote a majority."""
    if vote.kind == VoteKind.VALID:
        return supermajority(committee_size)
    return majority(committee_size)


def check_vote_signature(
    verifier: SignatureVerifier, signer: BlsPublicKey, message: bytes, signature: BlsSignature
) -> None:
    """A single vote verifies against the signer's rogue-key-safe key ``H1(pk)·pk``."""
    if not verifier.verify(verifier.aggregate_key((signer,)), message, signature):
        raise ConsensusError("consensus.bad_vote_signature", signer.hex()[:16])


def check_step_votes(
    verifier: SignatureVerifier,
    committee: Committee,
    step_votes: StepVotes,
    message: bytes,
    threshold: int,
) -> int:
    """``verify_quorum_votes``: the members named by the bitset hold at least ``threshold``
    credits and their aggregate key verifies the aggregate signature. Returns the credits."""
    credits = bitset_credits(committee, step_votes.bitset)
    if credits < threshold:
        raise ConsensusError("consensus.insufficient_credits", f"{credits} < {threshold}")
    members = tuple(m.public_key for m in intersect(committee, step_votes.bitset))
    if not verifier.verify(
        verifier.aggregate_key(members), message, step_votes.aggregate_signature
    ):
        raise ConsensusError("consensus.bad_aggregate_signature", f"bitset {step_votes.bitset:#x}")
    return credits


@dataclass(frozen=True)
class CommitteeSource:
    """What rebuilding a round's committees needs: the provisioner set and the seed of the
    block the round builds on."""

    provisioners: tuple[Provisioner, ...]
    seed: bytes
    round: int
    params: ConsensusParams

    def committee(self, iteration: int, step: StepName) -> Committee:
        return cached_committee(
            self.provisioners, self.seed, self.round, iteration, step, self.params
        )


#: Sortition is a pure function of its arguments; every node of a round asks for the same few
#: committees thousands of times, so they are memoized (results unchanged).
cached_committee = lru_cache(maxsize=4096)(voting_committee)


def check_attestation(
    verifier: SignatureVerifier,
    source: CommitteeSource,
    header: ConsensusHeader,
    attestation: Attestation,
) -> None:
    """An attestation verifies when each step it needs carries a quorum for its vote signed by
    the rebuilt committee. Success needs a Valid vote; a ``Fail(NoQuorum)`` carries no
    Validation votes, so only its Ratification votes are checked."""
    if attestation.success and attestation.vote.kind != VoteKind.VALID:
        raise ConsensusError("consensus.success_without_valid", attestation.vote.kind.name)
    if header.round != source.round:
        raise ConsensusError("consensus.wrong_round", f"{header.round} != {source.round}")
    steps = [(StepName.RATIFICATION, RATIFICATION_SIGN_TAG, attestation.ratification)]
    if attestation.vote.kind != VoteKind.NO_QUORUM:
        steps.insert(0, (StepName.VALIDATION, VALIDATION_SIGN_TAG, attestation.validation))
    for step, tag, step_votes in steps:
        committee = source.committee(header.iteration, step)
        threshold = vote_threshold(attestation.vote, committee_credits(step, source.params))
        message = signed_vote_message(header, tag, attestation.vote)
        check_step_votes(verifier, committee, step_votes, message, threshold)

"""Signature and attestation verification (spec/consensus.md §6; spec/sources.md §1.8).

:class:`SignatureVerifier` memoizes BLS verification of identical (key, message, signature)
triples and the rogue-key-safe aggregate keys of committees. Both are pure functions of
their arguments, so memoization changes no result; it is counted, and `duskspec simulate`
reports calls and unique verifications separately.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    generator,
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
        #: Rule 3.32: the entries of the previous generation (read, and moved forward when
        #: used, but never added to).
        self._old_verdicts: dict[tuple[bytes, bytes, bytes], bool] = {}
        self._old_keys: dict[tuple[BlsPublicKey, ...], BlsPublicKey] = {}
        self.calls = 0
        self.verifications = 0

    def aggregate_key(self, public_keys: tuple[BlsPublicKey, ...]) -> BlsPublicKey:
        """``Σ H1(pk)·pk`` over ``public_keys`` (a single voter's key is the 1-element case)."""
        key = self._keys.get(public_keys)
        if key is None:
            key = self._old_keys.get(public_keys) or bls.aggregate_public_keys(public_keys)
            _remember(self._keys, public_keys, key, self.capacity)
        return key

    def advance(self) -> None:
        """Rule 3.32: start a new generation. Entries not used since the previous call are
        dropped; the ones used since are kept for one more generation."""
        self._old_verdicts, self._verdicts = self._verdicts, {}
        self._old_keys, self._keys = self._keys, {}

    @property
    def memo_entries(self) -> int:
        return len(self._verdicts) + len(self._keys) + len(self._old_verdicts) + len(self._old_keys)

    def verify(self, apk: BlsPublicKey, message: bytes, signature: BlsSignature) -> bool:
        """False for a wrong or malformed signature (a malformed one cannot be valid)."""
        self.calls += 1
        key = (apk, message, signature)
        verdict = self._verdicts.get(key)
        if verdict is None and key in self._old_verdicts:
            verdict = self._old_verdicts[key]
            _remember(self._verdicts, key, verdict, self.capacity)
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


#: Committees :func:`cached_committee` keeps (oldest first out).
COMMITTEE_MEMO_CAPACITY = 4096

_committees: dict[tuple[bytes, int, int, StepName | None], tuple[Any, ConsensusParams, Any]] = {}


def cached_committee(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    iteration: int,
    step: StepName,
    params: ConsensusParams,
) -> Committee:
    """:func:`voting_committee`, memoized. Sortition is a pure function of its arguments;
    every node of a round asks for the same few committees thousands of times. The memo is
    keyed by (seed, round, iteration, step) and holds the provisioner set and parameters it
    was computed for, compared by identity first (hashing a 64-member set on every lookup
    cost more than the lookup), then by value: results are unchanged."""
    key = (seed, round, iteration, step)
    committee = _held(key, provisioners, params)
    if committee is None:
        committee = voting_committee(provisioners, seed, round, iteration, step, params)
        _remember_committee(key, (provisioners, params, committee))
    return committee  # type: ignore[no-any-return]


def cached_generator(
    provisioners: tuple[Provisioner, ...],
    seed: bytes,
    round: int,
    iteration: int,
    params: ConsensusParams,
) -> BlsPublicKey:
    """:func:`duskspec.consensus.sortition.generator`, memoized like :func:`cached_committee`
    (in the same memo, under step ``None``)."""
    key = (seed, round, iteration, None)
    chosen = _held(key, provisioners, params)
    if chosen is None:
        chosen = generator(provisioners, seed, round, iteration, params)
        _remember_committee(key, (provisioners, params, chosen))
    return chosen  # type: ignore[no-any-return]


#: Rule 3.32: adding a committee (or generator) of round r drops those of rounds below
#: r - COMMITTEE_ROUNDS_KEPT (a round's committees are asked for while it runs and by the
#: next round's check of its attestation; fork choice looks one round back).
COMMITTEE_ROUNDS_KEPT = 2

_last_round = [0]


def _remember_committee(key: Any, value: Any) -> None:
    """Add to the committee memo; a round other than the last one added drops the rounds
    more than :data:`COMMITTEE_ROUNDS_KEPT` below it."""
    round = key[1]
    if round != _last_round[0]:
        _last_round[0] = round
        for old in [k for k in _committees if k[1] < round - COMMITTEE_ROUNDS_KEPT]:
            del _committees[old]
    _remember(_committees, key, value, COMMITTEE_MEMO_CAPACITY)


def _held(key: Any, provisioners: tuple[Provisioner, ...], params: ConsensusParams) -> Any:
    """The memo's value for ``key`` if it was computed for these provisioners and parameters
    (compared by identity first, then by value), else ``None``."""
    held = _committees.get(key)
    if held is None:
        return None
    members, held_params, value = held
    same_members = members is provisioners or members == provisioners
    if same_members and (held_params is params or held_params == params):
        return value
    return None


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

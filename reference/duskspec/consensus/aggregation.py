"""Collecting the votes of one step into StepVotes (spec/consensus.md §7; facts §1.6, §1.8).

A :class:`StepVotesCollector` holds the votes accepted so far for one step of one iteration.
:func:`add_vote` admits one already signature-checked vote and says whether some value has
now reached its quorum. Rules, one per check:

- only committee members vote (``consensus.not_in_committee``);
- the same vote twice is a duplicate (``consensus.duplicate_vote``), ignored by callers;
- a different vote from the same signer conflicts (``consensus.conflicting_vote``), except in
  emergency iterations, where several targets are allowed;
- a value's credits are the sum of its voters' credits; the aggregate signature adds each
  voter's signature once, whatever its credits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from duskspec.consensus.messages import StepVotes, Vote
from duskspec.consensus.sortition import Committee, bits
from duskspec.consensus.verification import vote_threshold
from duskspec.crypto import bls
from duskspec.errors import ConsensusError
from duskspec.types import BlsPublicKey, BlsSignature


@dataclass(frozen=True)
class CastVote:
    signer: BlsPublicKey
    vote: Vote
    signature: BlsSignature


@dataclass(frozen=True)
class StepVotesCollector:
    """Votes of one step, in arrival order. Immutable: :func:`add_vote` returns a new one."""

    committee: Committee
    committee_size: int
    votes: tuple[CastVote, ...] = ()
    #: Running tally: credits per vote value (the sum over ``votes`` of that value).
    tally: dict[Vote, int] = field(default_factory=dict)
    #: The values each signer voted, in arrival order.
    voted: dict[BlsPublicKey, tuple[Vote, ...]] = field(default_factory=dict)

    def credits_for(self, vote: Vote) -> int:
        return self.tally.get(vote, 0)


def add_vote(
    collector: StepVotesCollector, cast: CastVote, *, emergency: bool
) -> tuple[StepVotesCollector, StepVotes | None]:
    """Admit ``cast``; return the new collector and the StepVotes of ``cast.vote`` if that
    value has just reached its quorum (``None`` otherwise)."""
    credits = collector.committee.credits_of(cast.signer)
    if credits == 0:
        raise ConsensusError("consensus.not_in_committee", cast.signer.hex()[:16])
    earlier = collector.voted.get(cast.signer, ())
    if cast.vote in earlier:
        raise ConsensusError("consensus.duplicate_vote", cast.signer.hex()[:16])
    if earlier and not emergency:
        raise ConsensusError("consensus.conflicting_vote", cast.signer.hex()[:16])
    threshold = vote_threshold(cast.vote, collector.committee_size)
    before = collector.credits_for(cast.vote)
    after = before + credits
    updated = StepVotesCollector(
        collector.committee,
        collector.committee_size,
        (*collector.votes, cast),
        {**collector.tally, cast.vote: after},
        {**collector.voted, cast.signer: (*earlier, cast.vote)},
    )
    if before < threshold <= after:
        return updated, step_votes_of(updated, cast.vote)
    return updated, None


def step_votes_of(collector: StepVotesCollector, vote: Vote) -> StepVotes:
    """The bitset of ``vote``'s voters over the sorted committee and their summed signature."""
    voters = [v for v in collector.votes if v.vote == vote]
    signature = bls.aggregate_signatures([v.signature for v in voters])
    return StepVotes(bits(collector.committee, [v.signer for v in voters]), signature)

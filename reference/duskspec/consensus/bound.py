"""The equivocation bound and the chance a coalition reaches it (spec/consensus.md §10).

**The bound.** In one iteration, honest Ratification members vote once and Byzantine members
may vote every value. A Success attestation needs ``supermajority(R)`` Ratification credits
for ``Valid(h)``; a Fail attestation needs ``majority(R)`` credits for a non-Valid value; a
second Success needs another ``supermajority(R)`` for ``Valid(h')``. Two quorums of
``q1`` and ``q2`` credits among ``R`` credits, ``b`` of them equivocating, need
``(q1 - b) + (q2 - b) <= R - b`` honest credits, that is ``b >= q1 + q2 - R``. The largest
number of equivocating credits for which the conflict is impossible is therefore
``q1 + q2 - R - 1`` (:func:`conflict_bound`); ``tests/properties/test_consensus_bound_z3.py``
proves it with Z3 for every preset and shows a model one credit beyond.

**The chance.** Sortition (:mod:`duskspec.consensus.sortition`) lands a score on a provisioner
with probability proportional to its weight left and takes one ``sortition_weight_step``
(1 DUSK) off it. For ``n`` provisioners of equal stake ``S`` of which ``k`` form the coalition,
after ``j`` draws of which ``c`` went to the coalition the next draw goes to it with
probability ``(k S - c D) / (n S - j D)`` (``D`` = 1 DUSK, as long as no member falls below
``D``: ``S >= credits D`` guarantees it). :func:`credit_distribution` computes the law of
``c`` after ``credits`` draws exactly, in rationals, by dynamic programming over the draws.
The Validation and Ratification committees of iteration ``i`` exclude the generators of ``i``
and ``i + 1``, each drawn alone with the full weights (probability ``1/n`` per provisioner,
independently), so :func:`coalition_distribution` mixes the five exclusion cases.

Two approximations separate this from the code to within 1e-9 relative: the ``>=`` in
``_land`` gives the first provisioner one extra LUX of score and the last one fewer, and the
256-bit score modulo the weight has a bias below 2^-180.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from duskspec.consensus.constants import ConsensusParams, majority, supermajority
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.sortition import StepName, voting_committee
from duskspec.crypto.hashes import sha3_256
from duskspec.types import BlsPublicKey

#: Coalition stake fractions of the published table (percent).
TABLE_PERCENTS = (5, 10, 15, 20, 25, 30, 33)
#: Provisioner counts of the published table.
TABLE_PROVISIONERS = (64, 1000)

Distribution = tuple[Fraction, ...]


def conflict_bound(credits: int, first_quorum: int, second_quorum: int) -> int:
    """Largest number of equivocating credits for which two quorums of ``first_quorum`` and
    ``second_quorum`` credits on different values cannot both form among ``credits``."""
    return max(first_quorum + second_quorum - credits - 1, -1)


def success_fail_bound(params: ConsensusParams) -> int:
    """Largest equivocating Ratification credits with no Success and Fail in one iteration."""
    credits = params.ratification_credits
    return conflict_bound(credits, supermajority(credits), majority(credits))


def success_success_bound(params: ConsensusParams) -> int:
    """Largest equivocating Ratification credits with no two Success attestations in one
    iteration."""
    credits = params.ratification_credits
    return conflict_bound(credits, supermajority(credits), supermajority(credits))


def credit_distribution(
    coalition: int, honest: int, stake: int, credits: int, step: int
) -> Distribution:
    """Exact law of the coalition's credits when ``credits`` are drawn from ``coalition`` and
    ``honest`` provisioners of ``stake`` LUX each, every draw taking ``step`` LUX off the
    provisioner it lands on. Entry ``c`` is the probability of exactly ``c`` credits."""
    if stake < credits * step:
        raise ValueError("a member could fall below one weight step; the law is not closed")
    law = [Fraction(1)] + [Fraction(0)] * credits
    for drawn in range(credits):
        total = (coalition + honest) * stake - drawn * step
        following = [Fraction(0)] * (credits + 1)
        for held in range(drawn + 1):
            if law[held] == 0:
                continue
            to_coalition = Fraction(coalition * stake - held * step, total)
            following[held + 1] += law[held] * to_coalition
            following[held] += law[held] * (1 - to_coalition)
        law = following
    return tuple(law)


def _mix(parts: list[tuple[Fraction, Distribution]]) -> Distribution:
    size = len(parts[0][1])
    return tuple(sum((w * d[c] for w, d in parts), Fraction(0)) for c in range(size))


def coalition_distribution(
    provisioners: int, coalition: int, params: ConsensusParams, stake: int | None = None
) -> Distribution:
    """Law of the coalition's credits in one Validation or Ratification committee of an
    iteration that excludes two generators, ``coalition`` of ``provisioners`` equal stakes."""
    stake = params.minimum_stake if stake is None else stake
    n, k, h = provisioners, coalition, provisioners - coalition
    credits, step = params.ratification_credits, params.sortition_weight_step
    square = Fraction(1, n * n)
    # (probability, coalition members excluded, honest members excluded)
    cases = [
        (k * square, 1, 0),  # both generators the same coalition member
        (h * square, 0, 1),  # both the same honest member
        (k * (k - 1) * square, 2, 0),
        (2 * k * h * square, 1, 1),
        (h * (h - 1) * square, 0, 2),
    ]
    parts = [
        (weight, credit_distribution(k - kx, h - hx, stake, credits, step))
        for weight, kx, hx in cases
        if weight > 0
    ]
    return _mix(parts)


def at_least(law: Distribution, threshold: int) -> Fraction:
    return sum(law[max(threshold, 0) :], Fraction(0))


def coalition_size(provisioners: int, percent: int) -> int:
    """Members a coalition with ``percent`` % of the stake holds: it cannot hold a fraction of
    an equal stake, so the count is rounded down."""
    return provisioners * percent // 100


@dataclass(frozen=True)
class BoundRow:
    provisioners: int
    percent: int
    coalition: int
    #: P(coalition credits >= success_fail_bound + 1) in one committee.
    success_fail: Fraction
    #: P(coalition credits >= success_success_bound + 1) in one committee.
    success_success: Fraction


def probability_table(
    params: ConsensusParams,
    percents: tuple[int, ...] = TABLE_PERCENTS,
    provisioner_counts: tuple[int, ...] = TABLE_PROVISIONERS,
) -> list[BoundRow]:
    rows = []
    for n in provisioner_counts:
        for percent in percents:
            k = coalition_size(n, percent)
            law = coalition_distribution(n, k, params)
            rows.append(
                BoundRow(
                    n,
                    percent,
                    k,
                    at_least(law, success_fail_bound(params) + 1),
                    at_least(law, success_success_bound(params) + 1),
                )
            )
    return rows


# --- Monte Carlo with the real sortition --------------------------------------------------


def equal_provisioners(count: int, params: ConsensusParams) -> tuple[Provisioner, ...]:
    """``count`` provisioners staking the minimum, keyed by ``SHA3-256`` of their index
    (sortition orders keys as bytes and never needs curve points)."""
    keys = [BlsPublicKey((sha3_256(b"bound/%d" % i) * 3)[:96]) for i in range(count)]
    return provisioner_set(Provisioner(key, params.minimum_stake, 0) for key in keys)


def sampled_credits(
    provisioners: int, coalition: int, params: ConsensusParams, samples: int, seed: int
) -> list[int]:
    """Coalition credits in the Ratification committee of iteration 0 of ``samples`` rounds,
    each with seed ``SHA3-256(seed ‖ i)`` (48 bytes), drawn by
    :func:`duskspec.consensus.sortition.voting_committee`. The coalition is a seeded random
    choice of members, so its place in key order does not matter."""
    pool = equal_provisioners(provisioners, params)
    members = {p.public_key for p in random.Random(seed).sample(pool, coalition)}
    counts = []
    for i in range(samples):
        digest = sha3_256(b"bound-seed/%d/%d" % (seed, i))
        round_seed = (digest + sha3_256(digest))[:48]
        committee = voting_committee(pool, round_seed, 1, 0, StepName.RATIFICATION, params)
        counts.append(sum(m.credits for m in committee.members if m.public_key in members))
    return counts


def report(preset: str, samples: int = 0, seed: int = 0) -> str:
    """The text ``duskspec bound`` prints: both bounds, then one row per (n, s) with the exact
    probabilities and, with ``samples``, the Monte Carlo frequency of the real sortition."""
    from duskspec.consensus.constants import PRESETS

    params = PRESETS[preset]
    sf, ss = success_fail_bound(params), success_success_bound(params)
    credits = params.ratification_credits
    lines = [
        f"{preset}: {credits} Ratification credits; Success/Fail impossible with <= {sf} "
        f"equivocating credits, Success/Success with <= {ss}",
        f"{'n':>5} {'s%':>3} {'k':>4} {'P(>=' + str(sf + 1) + ')':>12} "
        f"{'P(>=' + str(ss + 1) + ')':>12}"
        + (f" {'MC(>=' + str(sf + 1) + ')':>12}" if samples else ""),
    ]
    for row in probability_table(params):
        line = (
            f"{row.provisioners:>5} {row.percent:>3} {row.coalition:>4} "
            f"{float(row.success_fail):>12.4g} {float(row.success_success):>12.4g}"
        )
        if samples:
            counts = sampled_credits(row.provisioners, row.coalition, params, samples, seed)
            line += f" {sum(c > sf for c in counts) / samples:>12.4g}"
        lines.append(line)
    return "\n".join(lines)

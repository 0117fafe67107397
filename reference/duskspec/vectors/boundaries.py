"""Boundary cases for the comparisons of spec/consensus.md rules 2.2 and 2.7.

Each comparison gets a case on both sides, so an implementation that reads ``>=`` as ``>``
(or ``<=`` as ``<``) fails at least one committed vector:

- rule 2.7, extraction lands on the first member whose remaining weight is ``>=`` the score:
  a case where the score *equals* the first member's weight (it is chosen) and one where the
  score is one more (it is passed over);
- rule 2.2, a provisioner is eligible at round ``r`` when ``eligible_since <= r`` and its stake
  is ``>=`` the minimum: cases at ``eligible_since = r`` and ``r + 1``, and at stakes of the
  minimum and the minimum less one LUX.

Scores are SHA3-256 outputs modulo the total weight, so a score cannot be chosen; the stakes
are. For two provisioners A < B (key order) with stakes ``a`` and ``b``, the first score is
``H mod (a + b)``; it equals ``a`` exactly when ``a + b`` divides ``H + b``. :func:`_divisor_in`
finds such a divisor among the small factors of ``H + b`` for a seeded seed; the search is
deterministic and takes milliseconds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from duskspec.consensus import sortition
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.provisioners import Provisioner
from duskspec.types import BlsPublicKey
from duskspec.vectors.registry import Case

#: Seed of every boundary case.
SEED = 207

#: Largest stake the search accepts (a stake is a u64).
MAX_STAKE = 2**62


def _small_primes(limit: int) -> list[int]:
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(limit**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytearray(len(sieve[p * p :: p]))
    return [p for p in range(limit + 1) if sieve[p]]


PRIMES = _small_primes(50_000)


def _divisor_in(n: int, low: int, high: int) -> int | None:
    """A divisor of ``n`` in ``[low, high]`` built from its prime factors below 50,000."""
    divisors = {1}
    for p in PRIMES:
        while n % p == 0:
            n //= p
            divisors |= {d * p for d in divisors if d * p <= high}
    fitting = sorted(d for d in divisors if low <= d <= high)
    return fitting[0] if fitting else None


def _two_keys(rng: random.Random) -> tuple[BlsPublicKey, BlsPublicKey]:
    first, second = sorted(BlsPublicKey(rng.randbytes(96)) for _ in range(2))
    return first, second


def landing_case(
    params: ConsensusParams, offset: int
) -> tuple[bytes, Provisioner, Provisioner, int]:
    """(seed, A, B, step) such that the first score of step ``step`` is A's stake plus
    ``offset``: ``offset = 0`` lands exactly on A's weight, ``offset = 1`` just beyond it."""
    rng = random.Random(SEED + offset)
    b = params.minimum_stake
    low = b + params.minimum_stake
    step = 1
    for _attempt in range(10_000):
        seed = rng.randbytes(48)
        digest = int.from_bytes(sortition.score_hash(seed, step, 0), "big")
        # score = H mod (a + b) = a + offset  <=>  (a + b) divides H + b - offset.
        total = _divisor_in(digest + b - offset, low + offset, MAX_STAKE)
        if total is not None:
            key_a, key_b = _two_keys(rng)
            return seed, Provisioner(key_a, total - b, 0), Provisioner(key_b, b, 0), step
    raise RuntimeError("no boundary seed found")


def extraction_cases(params: ConsensusParams, make_input: type, make_pre: type) -> Iterator[Case]:
    """Boundary cases for the ``extraction`` handler (its input, pre and post types given)."""
    for offset, name, outcome in (
        (0, "score_equals_weight", "A is chosen: its weight is >= the score (rule 2.7)"),
        (1, "score_one_above_weight", "A is passed over and B chosen"),
    ):
        seed, a, b, step = landing_case(params, offset)
        provisioners = (a, b)
        committee = sortition.create_committee(provisioners, seed, 1, step, 1, (), params)
        chosen = a if offset == 0 else b
        assert committee.members[0].public_key == chosen.public_key
        yield Case(
            f"boundary_{name}",
            f"two provisioners, the first score is A's whole weight {'+ 1 ' if offset else ''}"
            f"(stakes {a.value} and {b.value} LUX): {outcome}",
            make_input(seed, 1, step, 1, ()),
            pre=make_pre(provisioners),
            seed=SEED + offset,
        )
    yield from _eligibility_cases(params, make_input, make_pre)


def _eligibility_cases(params: ConsensusParams, make_input: type, make_pre: type) -> Iterator[Case]:
    rng = random.Random(SEED + 2)
    round_ = 1000
    seed = rng.randbytes(48)
    key_a, key_b = _two_keys(rng)
    stake = 3 * params.minimum_stake
    edges = (
        ("eligible_since_equals_round", Provisioner(key_a, stake, round_), True),
        ("eligible_since_after_round", Provisioner(key_a, stake, round_ + 1), False),
        ("stake_equals_minimum", Provisioner(key_a, params.minimum_stake, 0), True),
        ("stake_below_minimum", Provisioner(key_a, params.minimum_stake - 1, 0), False),
    )
    other = Provisioner(key_b, params.minimum_stake, 0)
    for name, edge, eligible in edges:
        committee = sortition.create_committee((edge, other), seed, round_, 2, 8, (), params)
        drawn = edge.public_key in {m.public_key for m in committee.members}
        assert drawn == eligible, name  # a misread comparison changes the committee
        yield Case(
            f"boundary_{name}",
            f"rule 2.2 at its edge, round {round_}: provisioner A with eligible_since "
            f"{edge.eligible_since} and stake {edge.value} LUX is "
            f"{'eligible and drawn' if eligible else 'not eligible'}",
            make_input(seed, round_, 2, 8, ()),
            pre=make_pre((edge, other)),
            seed=SEED + 2,
        )

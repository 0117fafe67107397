"""The coalition-credit law of spec/consensus.md §10 (duskspec.consensus.bound): exact, equal
to the hypergeometric closed form, and matched by the real sortition in Monte Carlo."""

from __future__ import annotations

import math
from fractions import Fraction

from duskspec.consensus import bound
from duskspec.consensus.constants import PRESETS

MAINNET = PRESETS["mainnet"]


def hypergeometric(coalition: int, honest: int, balls: int, draws: int) -> list[Fraction]:
    """Drawing without replacement from ``balls`` balls per provisioner."""
    red, blue = coalition * balls, honest * balls
    total = math.comb(red + blue, draws)
    return [
        Fraction(math.comb(red, c) * math.comb(blue, draws - c), total) for c in range(draws + 1)
    ]


def test_the_dynamic_programme_is_the_hypergeometric_law() -> None:
    law = bound.credit_distribution(5, 11, 100, 64, 1)
    assert list(law) == hypergeometric(5, 11, 100, 64)
    assert sum(law) == 1


def test_the_mixture_over_excluded_generators_keeps_the_mean() -> None:
    law = bound.coalition_distribution(64, 16, MAINNET)
    assert sum(law) == 1
    assert sum(c * p for c, p in enumerate(law)) == Fraction(64 * 16, 64)


def test_without_exclusion_the_law_would_differ() -> None:
    """The exclusion of the two generators matters: the mixture is not the plain law."""
    plain = bound.credit_distribution(
        16, 48, MAINNET.minimum_stake, 64, MAINNET.sortition_weight_step
    )
    assert bound.coalition_distribution(64, 16, MAINNET) != plain


def _mean_and_tail(samples: list[int], threshold: int) -> tuple[float, float]:
    return sum(samples) / len(samples), sum(s >= threshold for s in samples) / len(samples)


def _agrees(samples: list[int], law: bound.Distribution, threshold: int) -> bool:
    """Mean and tail within four standard errors of the exact law."""
    mean = float(sum(c * p for c, p in enumerate(law)))
    var = float(sum((c - mean) ** 2 * p for c, p in enumerate(law)))
    tail = float(bound.at_least(law, threshold))
    got_mean, got_tail = _mean_and_tail(samples, threshold)
    n = len(samples)
    return abs(got_mean - mean) <= 4 * math.sqrt(var / n) and abs(got_tail - tail) <= 4 * math.sqrt(
        max(tail * (1 - tail), 1e-4) / n
    )


def test_monte_carlo_with_the_real_sortition_matches_the_exact_law() -> None:
    threshold = bound.success_fail_bound(MAINNET) + 1
    for n, k, count in ((64, 12, 800), (1000, 150, 200)):
        samples = bound.sampled_credits(n, k, MAINNET, count, seed=3)
        assert _agrees(samples, bound.coalition_distribution(n, k, MAINNET), threshold), (n, k)
        # The comparison can fail: the law of a coalition 3-4 % of the stake larger is rejected.
        assert not _agrees(
            samples, bound.coalition_distribution(n, k + max(2, n // 25), MAINNET), threshold
        )


def test_the_table_is_monotone_in_the_stake() -> None:
    rows = bound.probability_table(MAINNET)
    for n in bound.TABLE_PROVISIONERS:
        column = [r.success_fail for r in rows if r.provisioners == n]
        assert column == sorted(column)
        assert all(0 < p < 1 for p in column)

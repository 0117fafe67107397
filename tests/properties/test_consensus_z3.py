"""Z3 proofs about the consensus arithmetic (spec/consensus.md §9).

Every lemma is stated as "the negation is unsatisfiable", and every test also shows that the
same encoding with a wrong threshold or range is satisfiable: the checks can fail.
Thresholds come from ``duskspec.consensus.constants``; Z3's ``/`` on integers is floor
division for the non-negative values used here, as Python's ``//``.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from duskspec.consensus.constants import DUSK, PRESETS, ConsensusParams, majority, supermajority

#: Upper bound of the symbolic committee size.
N_MAX = 10_000

#: Every committee size the presets use.
COMMITTEE_SIZES = sorted(
    {p.validation_credits for p in PRESETS.values()}
    | {p.ratification_credits for p in PRESETS.values()}
)

Threshold = Callable[[z3.ArithRef], z3.ArithRef]


def z3_majority(n: z3.ArithRef) -> z3.ArithRef:
    return n / 2 + 1


def z3_supermajority(n: z3.ArithRef) -> z3.ArithRef:
    return n - n / 3


def test_z3_thresholds_are_the_code_thresholds() -> None:
    for n in [*range(1, 200), *COMMITTEE_SIZES, N_MAX]:
        s = z3.Solver()
        x = z3.Int("x")
        s.add(x == n)
        assert s.check() == z3.sat
        m = s.model()
        assert m.eval(z3_majority(x)).as_long() == majority(n)
        assert m.eval(z3_supermajority(x)).as_long() == supermajority(n)


def two_quorums_form(
    first: Threshold, second: Threshold, n_bound: tuple[int, int], double_votes: bool
) -> z3.CheckSatResult:
    """Can honest votes for two different values both reach their quorums among ``n``
    credits while Byzantine credits ``b`` stay below a third? Byzantine provisioners vote
    for both values when ``double_votes``, otherwise for one of them at most."""
    n, b, h1, h2 = z3.Ints("n b h1 h2")
    s = z3.Solver()
    s.add(n >= n_bound[0], n <= n_bound[1])
    s.add(b >= 0, 3 * b < n, h1 >= 0, h2 >= 0)
    s.add(h1 + h2 <= n - b)  # each honest credit votes once
    if double_votes:
        s.add(h1 + b >= first(n), h2 + b >= second(n))
    else:
        b1, b2 = z3.Ints("b1 b2")
        s.add(b1 >= 0, b2 >= 0, b1 + b2 <= b)
        s.add(h1 + b1 >= first(n), h2 + b2 >= second(n))
    return s.check()


def test_two_valid_quorums_cannot_form_symbolic() -> None:
    assert two_quorums_form(z3_supermajority, z3_supermajority, (1, N_MAX), True) == z3.unsat


def test_two_valid_quorums_cannot_form_per_preset_size() -> None:
    for n in COMMITTEE_SIZES:
        assert two_quorums_form(z3_supermajority, z3_supermajority, (n, n), True) == z3.unsat


def test_a_majority_valid_quorum_is_refuted() -> None:
    assert two_quorums_form(z3_majority, z3_majority, (1, N_MAX), True) == z3.sat
    for n in COMMITTEE_SIZES:
        assert two_quorums_form(z3_majority, z3_majority, (n, n), True) == z3.sat


def test_valid_quorums_share_at_least_a_third() -> None:
    n, x, y, both = z3.Ints("n x y both")
    s = z3.Solver()
    s.add(n >= 1, n <= N_MAX, x <= n, y <= n, both >= 0)
    s.add(x >= z3_supermajority(n), y >= z3_supermajority(n))
    s.add(both == x + y - n)  # the least two quorums can share
    s.push()
    s.add(3 * both < n)
    assert s.check() == z3.unsat
    s.pop()
    # "More than a third" is false exactly when 3 divides n: two quorums of n - n/3 share
    # exactly n/3 credits (documented in spec/consensus.md §9).
    s.add(3 * both <= n)
    assert s.check() == z3.sat
    assert s.model()[n].as_long() % 3 == 0


def test_valid_and_nocandidate_quorums_among_single_votes() -> None:
    """Without double votes a Valid and a NoCandidate quorum never both form."""
    assert two_quorums_form(z3_supermajority, z3_majority, (1, N_MAX), False) == z3.unsat
    for n in COMMITTEE_SIZES:
        assert two_quorums_form(z3_supermajority, z3_majority, (n, n), False) == z3.unsat
    # A Valid quorum of a third is refuted.
    assert two_quorums_form(lambda n: n / 3, z3_majority, (4, N_MAX), False) == z3.sat


def smallest_equivocating_byzantine(n: int) -> int | None:
    b = z3.Int("b")
    opt = z3.Optimize()
    h1, h2 = z3.Ints("h1 h2")
    opt.add(b >= 0, 3 * b < n, h1 >= 0, h2 >= 0, h1 + h2 <= n - b)
    opt.add(h1 + b >= supermajority(n), h2 + b >= majority(n))
    opt.minimize(b)
    if opt.check() != z3.sat:
        return None
    return int(opt.model()[b].as_long())


def test_valid_and_nocandidate_with_double_votes_counterexample() -> None:
    """With Byzantine double votes both can form below a third: the documented
    counterexample (64 credits: 12 equivocating credits suffice)."""
    assert two_quorums_form(z3_supermajority, z3_majority, (1, N_MAX), True) == z3.sat
    assert smallest_equivocating_byzantine(64) == 12
    assert smallest_equivocating_byzantine(8) is None  # tiny: 2 Byzantine credits are not enough
    assert smallest_equivocating_byzantine(5) is None  # the TLA+ model's 5 credits


def fill_step_holds(params: ConsensusParams, max_take: int) -> z3.CheckSatResult:
    """Induction step of "the committee fills whenever the eligible weight is at least
    credits DUSK": after k < credits-1 extractions the weight left ``w`` is at least
    ``(credits-k) * DUSK``; an extraction takes ``take <= max_take``; then the loop does not
    stop early and the invariant holds for k+1. Returns the result for the negation."""
    credits = params.validation_credits
    k, w, take = z3.Ints("k w take")
    s = z3.Solver()
    s.add(k >= 0, k < credits - 1, w >= (credits - k) * DUSK, take >= 0, take <= max_take)
    s.add(take <= w)
    stops_early = w <= take
    breaks_invariant = w - take < (credits - k - 1) * DUSK
    s.add(z3.Or(stops_early, breaks_invariant))
    return s.check()


def test_committee_fills_when_stake_suffices() -> None:
    for params in PRESETS.values():
        assert fill_step_holds(params, params.sortition_weight_step) == z3.unsat
        assert fill_step_holds(params, 2 * params.sortition_weight_step) == z3.sat


def test_weights_stay_non_negative() -> None:
    w, step = z3.Ints("w step")
    take = z3.If(w < step, w, step)  # min(w, step)
    s = z3.Solver()
    s.add(w >= 0, step > 0, w - take < 0)
    assert s.check() == z3.unsat
    wrong = z3.Solver()
    wrong.add(w >= 0, step > 0, w - step < 0)  # subtracting a whole DUSK regardless
    assert wrong.check() == z3.sat


def overpays(params: ConsensusParams, credits: int) -> z3.CheckSatResult:
    """Is there a u64 reward for which the split with ``credits`` voter credits pays more
    than the reward? Mirrors duskspec.consensus.rewards.distribute_rewards."""
    reward = z3.Int("reward")
    tenth = reward / 10
    full = params.total_committee_credits
    quota = tenth / (params.validation_extra + params.ratification_extra)
    over_quorum = credits - params.validation_quorum - params.ratification_quorum
    extra = tenth if credits == full else quota * max(0, over_quorum)
    voters = credits * (tenth / full)
    paid = (reward - 3 * tenth) + tenth + extra + voters
    s = z3.Solver()
    s.add(reward >= 0, reward < 2**64, paid > reward)
    return s.check()


def test_reward_split_never_overpays() -> None:
    for params in PRESETS.values():
        for credits in range(params.total_committee_credits + 1):
            assert overpays(params, credits) == z3.unsat, (params.name, credits)


def test_reward_split_overpays_beyond_the_committees() -> None:
    for params in PRESETS.values():
        assert overpays(params, params.total_committee_credits + 1) == z3.sat

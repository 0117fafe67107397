"""Preset tables (spec/consensus.md §1) against Dusk's published values."""

from __future__ import annotations

import itertools

from duskspec.consensus.constants import (
    DUSK,
    MAINNET,
    MAINNET_EMISSION,
    PRESETS,
    TINY,
    majority,
    supermajority,
)


def test_majorities_match_dusk_config_tests() -> None:
    # rusk consensus/src/config.rs test_majorities
    assert [majority(n) for n in (4, 11, 99)] == [3, 6, 50]
    assert [supermajority(n) for n in (3, 9, 51)] == [2, 6, 34]
    assert supermajority(12_582_914) == 8_388_610
    assert supermajority(16_777_217) == 11_184_812


def test_mainnet_quorums() -> None:
    assert majority(MAINNET.validation_credits) == 33
    assert (MAINNET.validation_quorum, MAINNET.ratification_quorum) == (43, 43)
    assert (MAINNET.validation_extra, MAINNET.ratification_extra) == (21, 21)
    assert MAINNET.total_committee_credits == 128
    assert MAINNET.min_emergency_block_time == 6120


def test_mainnet_table() -> None:
    assert MAINNET.max_iterations == 50
    assert MAINNET.epoch == 2160
    assert MAINNET.minimum_stake == 1000 * DUSK
    assert MAINNET.is_emergency_iteration(16) and not MAINNET.is_emergency_iteration(15)
    assert MAINNET.is_relaxed_iteration(8) and not MAINNET.is_relaxed_iteration(7)
    assert MAINNET.excludes_next_generator(48) and not MAINNET.excludes_next_generator(49)
    # The last step number of a round fits the u8 the score hash uses.
    assert (MAINNET.max_iterations - 1) * 3 + 2 == 149


def test_tiny_is_small_and_consistent() -> None:
    assert PRESETS == {"mainnet": MAINNET, "tiny": TINY}
    assert TINY.validation_credits == TINY.ratification_credits == 8
    assert TINY.validation_quorum == 6 and majority(8) == 5
    assert TINY.relax_iteration_threshold < TINY.emergency_iteration_threshold < TINY.max_iterations
    assert TINY.minimum_stake >= TINY.validation_credits * TINY.sortition_weight_step


def test_emission_amounts_are_dusks_float_conversion() -> None:
    # Dusk writes the amounts as dusk(f64) = (value * 1e9) as u64.
    published = [19.8574, 9.9287, 4.96435, 2.48218, 1.24109, 0.62054, 0.31027, 0.15514]
    published += [0.07757, 0.05428]
    assert [p.lux_per_block for p in MAINNET_EMISSION] == [int(v * 1e9) for v in published]


def test_emission_periods_and_total() -> None:
    # rusk rusk/src/lib/node.rs test_period_emissions and test_total_emission.
    per_period = [p.lux_per_block * (p.last - p.first + 1) for p in MAINNET_EMISSION]
    expected_dusk = [250_489_186.56, 125_244_593.28, 62_622_296.64, 31_311_211.392]
    expected_dusk += [15_655_605.696, 7_827_739.776, 3_913_869.888, 1_956_998.016]
    assert per_period[:8] == [round(v * DUSK) for v in expected_dusk]
    assert sum(per_period) == 500_000_000 * DUSK
    for before, after in itertools.pairwise(MAINNET_EMISSION):
        assert after.first == before.last + 1

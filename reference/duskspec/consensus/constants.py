"""Consensus constants, one table per preset (spec/consensus.md §1, spec/sources.md §1.2).

Presets are data: every function in ``duskspec.consensus`` takes a :class:`ConsensusParams`
and never asks which preset it is. ``mainnet`` holds Dusk's values (rusk 1.6.0
``consensus/src/config.rs``, ``core/src/stake.rs``); ``tiny`` shrinks committees, iterations
and epochs so tests, vectors and models stay small (reasons in spec/consensus.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.types import BlsPublicKey

#: LUX per DUSK (amounts are always integers in LUX).
DUSK = 1_000_000_000


def majority(credits: int) -> int:
    """Quorum for Invalid, NoCandidate and NoQuorum votes: ``floor(n/2) + 1``."""
    return credits // 2 + 1


def supermajority(credits: int) -> int:
    """Quorum for Valid votes: ``n - floor(n/3)``, which equals ``ceil(2n/3)``."""
    return credits - credits // 3


@dataclass(frozen=True)
class EmissionPeriod:
    """Blocks ``first..last`` (inclusive) each mint ``lux_per_block``."""

    first: int
    last: int
    lux_per_block: int


#: rusk ``rusk/src/lib/node.rs::emission_amount``: nine 4-year periods of 12,614,400 blocks,
#: halving each period, then one last mint; 500,000,000 DUSK in total. Amounts are what
#: Dusk's ``dusk(f64)`` conversion yields (truncated ``value * 1e9``), written as integers.
MAINNET_EMISSION: tuple[EmissionPeriod, ...] = (
    EmissionPeriod(1, 12_614_400, 19_857_400_000),
    EmissionPeriod(12_614_401, 25_228_800, 9_928_700_000),
    EmissionPeriod(25_228_801, 37_843_200, 4_964_350_000),
    EmissionPeriod(37_843_201, 50_457_600, 2_482_180_000),
    EmissionPeriod(50_457_601, 63_072_000, 1_241_090_000),
    EmissionPeriod(63_072_001, 75_686_400, 620_540_000),
    EmissionPeriod(75_686_401, 88_300_800, 310_270_000),
    EmissionPeriod(88_300_801, 100_915_200, 155_140_000),
    EmissionPeriod(100_915_201, 113_529_596, 77_570_000),
    EmissionPeriod(113_529_597, 113_529_597, 54_280_000),
)


#: Seed of the emergency test key: ``bls.keygen(TEST_EMERGENCY_SEED)`` gives its secret, so
#: anyone can build emergency blocks under the presets (spec/consensus.md rule 13.1).
TEST_EMERGENCY_SEED = b"duskspec-emergency-test-key"
#: Its public key (checked against ``keygen`` by ``tests/consensus/test_emergency.py``).
TEST_EMERGENCY_KEY = BlsPublicKey(
    bytes.fromhex(
        "aa15237415229eddd9b2a7a478c2c56ef7cff4efd10654b47d270eb7dabfd09b"
        "4b0a64191229696bfc02e5c131ed41b8070790f82fec03cec2a4086a59714f55"
        "f2e545f4cbebeeb1c431d28f3e2bfe0f6cf510bc7dda947feceb2503e5e525f2"
    )
)


@dataclass(frozen=True)
class ConsensusParams:
    """Every consensus constant of one preset. Times are whole seconds, amounts LUX."""

    name: str
    #: ``CONSENSUS_MAX_ITER``: iterations 0..max_iterations-1 per round.
    max_iterations: int
    proposal_credits: int
    validation_credits: int
    ratification_credits: int
    #: ``RELAX_ITERATION_THRESHOLD`` = ``MESSAGE_MAX_FAILED_ITERATIONS``.
    relax_iteration_threshold: int
    #: ``EMERGENCY_MODE_ITERATION_THRESHOLD``.
    emergency_iteration_threshold: int
    #: ``EMERGENCY_BLOCK_ITERATION`` (``u8::MAX``).
    emergency_block_iteration: int
    min_step_timeout: int
    max_step_timeout: int
    timeout_increase: int
    minimum_block_time: int
    max_round_distance: int
    max_block_size: int
    max_transactions: int
    max_faults: int
    #: Blocks per epoch (``core/src/stake.rs::EPOCH``).
    epoch: int
    #: ``DEFAULT_MINIMUM_STAKE``: the sortition eligibility threshold, in LUX.
    minimum_stake: int
    #: Weight taken from a provisioner each time sortition extracts it (1 DUSK).
    sortition_weight_step: int
    #: Soft-slash faults forgiven before any penalty (``DEFAULT_STAKE_WARNINGS``).
    stake_warnings: int
    #: Percent of the stake slashed per effective fault.
    slash_percent_per_fault: int
    emission: tuple[EmissionPeriod, ...]
    #: The key that signs emergency blocks (Dusk's ``DUSK_CONSENSUS_KEY``; spec/consensus.md
    #: rule 13.1). Both presets hold the published test key :data:`TEST_EMERGENCY_KEY`; a
    #: deployment sets its own with ``dataclasses.replace``.
    emergency_key: BlsPublicKey

    @property
    def total_committee_credits(self) -> int:
        """``TOTAL_COMMITTEES_CREDITS``: Validation plus Ratification credits."""
        return self.validation_credits + self.ratification_credits

    @property
    def validation_quorum(self) -> int:
        return supermajority(self.validation_credits)

    @property
    def ratification_quorum(self) -> int:
        return supermajority(self.ratification_credits)

    @property
    def validation_extra(self) -> int:
        """Validation credits beyond the Valid quorum."""
        return self.validation_credits - self.validation_quorum

    @property
    def ratification_extra(self) -> int:
        return self.ratification_credits - self.ratification_quorum

    @property
    def min_emergency_block_time(self) -> int:
        """``MIN_EMERGENCY_BLOCK_TIME``: every step of every iteration at its maximum
        timeout, plus the previous block's iteration."""
        return self.max_step_timeout * 3 * (self.max_iterations + 1)

    def is_emergency_iteration(self, iteration: int) -> bool:
        return iteration >= self.emergency_iteration_threshold

    def is_emergency_block(self, iteration: int) -> bool:
        """``is_emergency_block``: the iteration of an emergency block (255)."""
        return iteration == self.emergency_block_iteration

    def is_relaxed_iteration(self, iteration: int) -> bool:
        return iteration >= self.relax_iteration_threshold

    def excludes_next_generator(self, iteration: int) -> bool:
        """``exclude_next_generator``: the last iteration has no next generator to exclude."""
        return iteration < self.max_iterations - 1


MAINNET = ConsensusParams(
    name="mainnet",
    max_iterations=50,
    proposal_credits=1,
    validation_credits=64,
    ratification_credits=64,
    relax_iteration_threshold=8,
    emergency_iteration_threshold=16,
    emergency_block_iteration=255,
    min_step_timeout=7,
    max_step_timeout=40,
    timeout_increase=2,
    minimum_block_time=10,
    max_round_distance=10,
    max_block_size=1_048_576,
    max_transactions=1000,
    max_faults=100,
    epoch=2160,
    minimum_stake=1000 * DUSK,
    sortition_weight_step=DUSK,
    stake_warnings=1,
    slash_percent_per_fault=10,
    emission=MAINNET_EMISSION,
    emergency_key=TEST_EMERGENCY_KEY,
)

TINY = ConsensusParams(
    name="tiny",
    max_iterations=6,
    proposal_credits=1,
    validation_credits=8,
    ratification_credits=8,
    relax_iteration_threshold=2,
    emergency_iteration_threshold=4,
    emergency_block_iteration=255,
    min_step_timeout=2,
    max_step_timeout=8,
    timeout_increase=2,
    minimum_block_time=2,
    max_round_distance=10,
    max_block_size=1_048_576,
    max_transactions=1000,
    max_faults=100,
    epoch=10,
    minimum_stake=10 * DUSK,
    sortition_weight_step=DUSK,
    stake_warnings=1,
    slash_percent_per_fault=10,
    emission=MAINNET_EMISSION,
    emergency_key=TEST_EMERGENCY_KEY,
)

#: Preset name -> parameters.
PRESETS: dict[str, ConsensusParams] = {"mainnet": MAINNET, "tiny": TINY}

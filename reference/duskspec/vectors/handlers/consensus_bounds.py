"""``consensus`` handlers that pin the bounds of rules no other handler reaches
(issue 11, mutation run): eligibility of a new stake (spec/consensus.md rule 2.3) and the
reward that resets the fault counters (rule 6.5), for the ``tiny`` and ``mainnet`` presets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from duskspec.consensus import provisioners, slashing
from duskspec.consensus.constants import DUSK, PRESETS, ConsensusParams
from duskspec.vectors.registry import Case, Handler, rejected

U64_MAX = 2**64 - 1


@dataclass(frozen=True)
class HeightInput:
    height: int


@dataclass(frozen=True)
class EligibilityPost:
    next_epoch: int
    eligible_from: int


def _eligibility_run(params: ConsensusParams) -> Callable[[None, HeightInput], EligibilityPost]:
    def run_eligibility(pre: None, inp: HeightInput) -> EligibilityPost:
        return EligibilityPost(
            provisioners.next_epoch(inp.height, params),
            provisioners.eligibility_from_height(inp.height, params),
        )

    run_eligibility.__qualname__ = f"run_eligibility_{params.name}"
    return run_eligibility


def _eligibility_cases(params: ConsensusParams) -> Iterator[Case]:
    epoch = params.epoch
    for name, height, why in (
        ("genesis", 0, "height 0 is on a boundary: a whole epoch ahead"),
        ("first", 1, "just after the boundary"),
        ("before_boundary", epoch - 1, "the last height of the first epoch"),
        ("on_boundary", epoch, "an epoch boundary moves a whole epoch ahead"),
        ("after_boundary", epoch + 1, "the first height after a boundary"),
        ("far", 7 * epoch + 3, "inside the eighth epoch"),
    ):
        yield Case(name, f"height {height}: {why}", HeightInput(height))


@dataclass(frozen=True)
class RewardInput:
    stake: slashing.StakeData
    value: int


def run_reward_reset(pre: None, inp: RewardInput) -> slashing.StakeData:
    return slashing.apply_reward(inp.stake, inp.value)


def _reward_reset_cases() -> Iterator[Case]:
    amount = slashing.StakeAmount(1_000 * DUSK, 7, 11)

    def stake(reward: int, faults: int = 3, hard: int = 2) -> slashing.StakeData:
        return slashing.StakeData(amount, reward, faults, hard)

    yield Case("resets_faults", "a reward forgives soft and hard faults", RewardInput(stake(5), 9))
    yield Case("zero_reward", "a zero reward still resets", RewardInput(stake(0), 0))
    yield Case(
        "reward_at_u64_max",
        "the reward reaches exactly 2^64 - 1",
        RewardInput(stake(U64_MAX - 9), 9),
    )
    yield rejected(
        "reward_past_u64",
        "the reward would pass 2^64 - 1",
        RewardInput(stake(U64_MAX - 9), 10),
        "consensus.value_out_of_range",
    )
    yield rejected(
        "faults_not_u8",
        "a fault counter of 256 is refused before the reward",
        RewardInput(stake(0, faults=256), 1),
        "consensus.value_out_of_range",
    )


def _handlers(params: ConsensusParams) -> tuple[Handler, ...]:
    return (
        Handler(
            preset=params.name,
            component="consensus",
            name="eligibility",
            intent="next_epoch and the first eligible round of a stake created at a height",
            input_type=HeightInput,
            post_type=EligibilityPost,
            run=_eligibility_run(params),
            cases=lambda: _eligibility_cases(params),
        ),
        Handler(
            preset=params.name,
            component="consensus",
            name="reward_reset",
            intent="a reward credits the stake and resets both fault counters",
            input_type=RewardInput,
            post_type=slashing.StakeData,
            run=run_reward_reset,
            cases=_reward_reset_cases,
        ),
    )


HANDLERS: tuple[Handler, ...] = (*_handlers(PRESETS["tiny"]), *_handlers(PRESETS["mainnet"]))

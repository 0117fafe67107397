"""`duskspec simulate` end to end on the tiny preset: determinism, safety, the CLI contract."""

from __future__ import annotations

import dataclasses
import json

import pytest

from duskspec.cli import main
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.sortition import StepName
from duskspec.node import Accepted, Behaviour, ProvisionerNode, updated_history
from duskspec.simulation import SimulationConfig, agreement, choose_byzantine, run
from duskspec.types import Hash32

SMALL = SimulationConfig(provisioners=8, blocks=3, preset="tiny", seed=3)


def test_same_seed_same_run() -> None:
    first, second = run(SMALL), run(SMALL)
    assert first.digest == second.digest
    assert first.per_block == second.per_block
    assert first.blocks_finalized == SMALL.blocks and first.agreement_ok


def test_another_seed_another_run() -> None:
    assert run(SMALL).digest != run(dataclasses.replace(SMALL, seed=4)).digest


@pytest.mark.parametrize(
    ("behaviour", "share"),
    # tiny's Valid quorum is 6 of 8 credits: a coalition that withholds must stay under 25 %
    [("equivocate", 0.3), ("withhold", 0.2), ("invalid", 0.3), ("silent", 0.3)],
)
def test_byzantine_minority_keeps_agreement_and_progress(behaviour: str, share: float) -> None:
    report = run(dataclasses.replace(SMALL, byzantine=share, behaviour=behaviour))
    assert report.byzantine_nodes > 0 and report.byzantine_stake <= share
    assert report.agreement_ok
    assert report.blocks_finalized == SMALL.blocks


def test_heavy_loss_with_equivocation_still_finalizes() -> None:
    report = run(dataclasses.replace(SMALL, loss=0.2, byzantine=0.3, provisioners=12))
    assert report.agreement_ok and report.blocks_finalized == SMALL.blocks


def test_agreement_detects_a_fork() -> None:
    tip = genesis_tip(())
    a = ProvisionerNode(
        None, Behaviour.HONEST, tip, accepted=(Accepted(1, Hash32(b"a" * 32), 0, 0, 1),)
    )
    b = dataclasses.replace(a, accepted=(Accepted(1, Hash32(b"b" * 32), 0, 0, 1),))
    ok, detail = agreement([a, b])
    assert not ok and "[1]" in detail
    assert agreement([a, a])[0]


def test_byzantine_choice_respects_the_stake_budget() -> None:
    stakes = [10, 20, 30, 40]
    chosen = choose_byzantine(stakes, 0.3, seed=1)
    assert sum(stakes[i] for i in chosen) <= 0.3 * sum(stakes)
    assert choose_byzantine(stakes, 0.0, seed=1) == set()


def test_history_keeps_the_last_five_durations_per_step() -> None:
    history = updated_history(((), (), ()), tuple((StepName.VALIDATION, d) for d in range(7)))
    assert history == ((), (2, 3, 4, 5, 6), ())


def test_cli_json_has_the_promised_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "--provisioners", "6", "--blocks", "2", "--preset", "tiny", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in (
        "blocks_finalized",
        "agreement_ok",
        "max_iteration",
        "signature_verifications",
        "wall_seconds",
    ):
        assert key in summary
    assert summary["blocks_finalized"] == 2 and summary["agreement_ok"] is True

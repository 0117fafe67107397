"""``duskspec simulate --tx-rate`` (spec/node.md §5): every transaction final or refused with
a code, supply conserved and one state root per final height, honest and below the
equivocation bound, on the ``tiny`` preset (a few seconds of CPU per run)."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec import cli_support
from duskspec.errors import ProtocolError
from duskspec.simulation import SimulationConfig, SimulationReport, run

BASE = SimulationConfig(provisioners=8, blocks=5, preset="tiny", tx_rate=3.0)


def check_settled(report: SimulationReport) -> None:
    tx = report.transactions
    assert report.blocks_finalized == report.config.blocks
    assert report.verdict == "safe" and report.agreement_ok
    assert report.ledger_verdict == "ok", report.ledger_evidence
    assert tx["pending"] == 0
    assert tx["final"] + tx["rejected"] == tx["submitted"] > 0
    assert tx["final"] > 0 and tx["final_blocks_with_transactions"] > 0
    assert sum(tx["rejected_by_code"].values()) == tx["rejected"]
    assert (
        "runtime.unknown_account" in tx["rejected_by_code"] or tx["by_kind"].get("unfunded") is None
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_honest_runs_settle_every_transaction(seed: int) -> None:
    report = run(dataclasses.replace(BASE, seed=seed))
    check_settled(report)
    with_tx = [b for b in report.per_block if b.get("transactions")]
    assert with_tx and all("mempool_depth" in b and "fees" in b for b in report.per_block)
    assert report.execution_floor_cpu_seconds > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_below_the_bound_equivocators_change_nothing(seed: int) -> None:
    # tiny's bound is 3 of 8 credits (spec/consensus.md rule 3.31); 0.25 of the stake is below.
    config = dataclasses.replace(BASE, seed=seed, byzantine=0.25, behaviour="equivocate")
    report = run(config)
    assert report.byzantine_nodes > 0
    check_settled(report)


def test_without_transactions_the_run_is_the_consensus_run() -> None:
    empty = run(dataclasses.replace(BASE, tx_rate=0.0, blocks=2))
    assert empty.transactions == {} and empty.ledger_verdict == "ok"
    assert all("mempool_depth" not in b for b in empty.per_block)


def test_a_ledger_violation_is_a_one_line_verdict() -> None:
    report = run(dataclasses.replace(BASE, blocks=2))
    broken = dataclasses.replace(
        report, ledger_verdict="state_diverged", ledger_evidence={"height": 1}
    )
    with pytest.raises(ProtocolError) as info:
        cli_support.simulate_verdict(broken, quiet=True)
    assert info.value.code == "simulate.ledger_violation"
    assert "\n" not in str(info.value)


def test_at_the_bound_the_ledger_diverges_with_the_chain() -> None:
    # spec/consensus.md rule 3.31: seed 124 of tiny at 0.375 ends agreement_violated; the two
    # Final blocks at height 1 have different state roots, and the ledger check says so.
    config = dataclasses.replace(
        BASE,
        blocks=2,
        seed=124,
        byzantine=0.375,
        behaviour="split",
        partition=(0, 150),
        overlay="flood",
    )
    report = run(config)
    assert report.verdict == "agreement_violated"
    assert report.ledger_verdict == "state_diverged"
    assert report.ledger_evidence is not None and report.ledger_evidence["height"] == 1
    assert len(report.ledger_evidence["roots"]) == 2


@pytest.mark.parametrize("rate", ["-1", "nan", "1001", "x"])
def test_a_bad_rate_is_one_usage_line(rate: str, capsys: pytest.CaptureFixture[str]) -> None:
    from duskspec.cli import main

    assert main(["simulate", "--tx-rate", rate]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and err[0].startswith("error: usage.bad_argument: ") and "--tx-rate" in err[0]
    )


def test_the_cli_reports_the_transactions(capsys: pytest.CaptureFixture[str]) -> None:
    from duskspec.cli import main

    argv = ["simulate", "--preset", "tiny", "--provisioners", "6", "--blocks", "5"]
    assert main([*argv, "--tx-rate", "2"]) == 0
    out = capsys.readouterr().out
    assert "transactions: sent / final / rejected" in out
    assert "ledger (state roots, supply)" in out
    assert out.rstrip().splitlines()[-1].endswith("--tx-rate 2")

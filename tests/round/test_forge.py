"""Forged blocks (spec/consensus.md rule 3.16, issue 8 item 2): a Byzantine ``forge`` node
announces every block it accepts with a forged block signature and under another
generator; no honest node accepts either, and the chain goes on."""

from __future__ import annotations

import pytest

from duskspec.simulation import SimulationConfig, run


@pytest.mark.parametrize("seed", [3, 6])
def test_no_honest_node_accepts_a_forged_block(seed: int) -> None:
    """With 30 % loss some honest nodes miss the votes and hear the forged announcements
    before they decide. Without the generator and block-signature rule, these seeds make
    honest nodes accept 3 forged blocks each (measured when the rule was added)."""
    config = SimulationConfig(
        provisioners=8,
        blocks=3,
        preset="tiny",
        seed=seed,
        byzantine=0.3,
        behaviour="forge",
        loss=0.3,
    )
    report = run(config)
    assert report.byzantine_nodes >= 1
    assert report.blocks_finalized == 3 and report.agreement_ok
    assert report.forged_blocks_accepted == 0
    # every honest node that had not decided yet dropped the forged announcements
    assert report.rejected_messages > 0

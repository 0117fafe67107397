"""A ``duskspec simulate`` run with a Phoenix spend writes a ledger trace TLC accepts, and
the same run with a spend that never publishes its nullifier writes one TLC refuses at
that spend (spec/runtime.md rule 14.7).

The workload sends Moonlight transfers only (spec/node.md §5). Here its genesis also holds
the example Phoenix notes (:func:`duskspec.runtime.wallet.example_notes`) with the 1-input
verifier key, and the stream also carries the example Phoenix transfer (its proof is the
cached one of ``support.runtime_world.phoenix_tx``), sent in the first virtual second and
again in every later one (the overlay delivers a frame once, so the copies are dropped as
already seen). The
supply of rule 5.2 of spec/node.md counts clear value only; the obfuscated notes are added
here with the parties' view keys (the abstraction's reading), as that rule's function says
the simulator must.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from duskspec import chain as ledger
from duskspec import simulation, workload
from duskspec.consensus.constants import PRESETS
from duskspec.runtime import block as rt
from duskspec.runtime import genesis as executor
from duskspec.runtime import wallet
from duskspec.runtime.abstraction import abstract
from duskspec.runtime.note import encode_note
from duskspec.runtime.state import RuntimeState, commit
from duskspec.tla import ledger_trace
from support.runtime_world import phoenix_tx, phoenix_world

pytestmark = pytest.mark.slow

KEYS = (wallet.EXAMPLE_OTHER_SK, wallet.EXAMPLE_SENDER_SK, wallet.EXAMPLE_RECEIVER_SK)
NAMES = ("other", "sender", "receiver")
CONFIG = simulation.SimulationConfig(
    provisioners=4, blocks=8, seed=0, preset="tiny", overlay="flood", tx_rate=2
)


_WORKLOAD_GENESIS = workload.genesis_state


def _genesis_with_notes(provisioners: Any, seed: int, *rest: Any) -> RuntimeState:
    """The workload's genesis (the example notes among it) with the verifier key of the
    example Phoenix transfer this test adds to the stream."""
    state = _WORKLOAD_GENESIS(provisioners, seed, *rest)
    keys = (phoenix_world().config.verifier_keys[0], *state.config.verifier_keys[1:])
    return replace(state, config=replace(state.config, verifier_keys=keys))


def _obfuscated_supply(state: RuntimeState) -> int:
    """The value of the unspent obfuscated notes, read with the parties' view keys."""
    view = abstract(state, KEYS, len(wallet.EXAMPLE_NOTE_VALUES))
    return sum(
        n.value
        for p, (n, note) in enumerate(zip(view.notes, state.notes, strict=True))
        if p not in view.published and encode_note(note)[0] != 0
    )


@pytest.fixture
def phoenix_stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    frame = ledger.encode_tx_frame(phoenix_tx()[0])
    honest_batch = workload.Workload.batch

    def batch(self: workload.Workload, start_us: int) -> list[tuple[int, int, bytes]]:
        return [(start_us, 0, frame), *honest_batch(self, start_us)]

    monkeypatch.setattr(workload, "genesis_state", _genesis_with_notes)
    monkeypatch.setattr(workload.Workload, "batch", batch)
    monkeypatch.setattr(workload, "hidden", lambda phoenix: _obfuscated_supply)
    yield


def _run(folder: Path) -> tuple[simulation.SimulationReport, ledger_trace.LedgerVerdict]:
    def write(nodes: list[Any], chain: Any) -> None:
        params = PRESETS[CONFIG.preset]
        ledger_trace.simulation_trace(nodes[0], chain, params, folder, KEYS, NAMES)

    report = simulation.run(CONFIG, on_finish=write)
    return report, ledger_trace.check_ledger_trace(folder)


def test_a_simulate_run_with_a_phoenix_spend_is_a_behaviour_of_ledger(
    phoenix_stream: None, tmp_path: Path
) -> None:
    report, verdict = _run(tmp_path)
    assert report.blocks_finalized == CONFIG.blocks
    assert report.ledger_verdict == "ok"
    assert verdict.ok, verdict.detail
    sidecar = (tmp_path / "TraceLedgerRun.json").read_text()
    assert sidecar.count('"action": "Spend"') == 1
    assert verdict.stutters >= report.transactions["final"]


def test_a_spend_that_keeps_its_nullifiers_unpublished_fails_at_the_spend(
    phoenix_stream: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The broken runtime: a Phoenix spend is executed but its nullifiers never reach the
    set (admission, packing and block application all run ``block.execute``)."""

    def broken(state: RuntimeState, tx: Any) -> Any:
        after, receipt = executor.execute(state, tx)
        return commit(replace(after, nullifiers=state.nullifiers)), receipt

    monkeypatch.setattr(rt, "execute", broken)
    _, verdict = _run(tmp_path)
    assert not verdict.ok
    assert re.match(r"event 6 of 7, Spend\(k=\"sender\", ins=\[4\]", verdict.detail), verdict.detail
    assert "Ledger takes it to another state" in verdict.detail
    assert "published: model [4], runtime []" in verdict.detail

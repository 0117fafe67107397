"""Trace validation of the runtime through a node's chain, both ways (spec/runtime.md §14).

The source is a small lockstep ledger run on the node's transaction path: each transaction
is admitted to the mempool (:func:`duskspec.chain.admit`, rule 2.1 of spec/node.md),
packed into a candidate (:func:`duskspec.chain.pack`) and applied as a block
(:func:`duskspec.chain.execute_payload`), one block per transaction. The transactions are
the ones the TLC -> runtime replay (``test_runtime_tlc_replay``, spec/runtime.md §12)
builds from the two ``Ledger`` behaviours TLC draws: the same Phoenix transfers with the
same seeds, so their proofs come from the proof cache (proved once on a fresh machine, as
that test does), and Moonlight converts for the later Mints.

- TLC -> node (rule 14.8): after every block the abstraction
  (:func:`duskspec.runtime.abstraction.abstract`) of the node's state equals TLC's state,
  and every spend sent again is refused at admission (``runtime.nullifier_spent``).
- node -> TLC (rules 14.1-14.6): the blocks' ledger actions, written by
  :func:`duskspec.tla.ledger_trace.write_ledger_trace`, are a behaviour of ``Ledger`` by
  ``TraceLedger.tla`` (:func:`duskspec.tla.ledger_trace.check_ledger_trace`).

Each direction catches a rule broken on purpose by monkeypatch and names the action: with
the nullifier check removed the node admits and includes the re-sent spend, and both the
replay and TLC name the ``Spend``; a convert that mints twice its deposit makes the replay
name the ``Mint`` (the trace accepts it: ``Ledger`` has no accounts, rule 14.2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from duskspec import chain as ledger
from duskspec.cli import main
from duskspec.consensus.constants import PRESETS
from duskspec.errors import NodeError
from duskspec.runtime import block as rt
from duskspec.runtime import genesis as executor
from duskspec.runtime import transactions
from duskspec.runtime.abstraction import abstract, is_ledger_step
from duskspec.runtime.state import RuntimeState, StakeData, commit, genesis
from duskspec.tla import ledger_trace
from duskspec.tla.behaviours import Behaviour
from duskspec.tla.ledger_trace import LedgerRecorder
from runtime import test_runtime_tlc_replay as tlc_replay
from support.runtime_world import ALICE, CAROL, STAKES, phoenix_world

pytestmark = pytest.mark.slow

PARAMS = PRESETS["tiny"]
#: The generator every block rewards (it must hold a stake, runtime.reward_without_stake).
GENERATOR = bytes(CAROL)
NAMES = tuple(tlc_replay.KEYS)


@dataclass
class NodeRun:
    """The node's state after its last block, what the wallet knows, the recorder, and the
    steps where the node's state left TLC's (rule 14.8)."""

    run: tlc_replay.Replay
    recorder: LedgerRecorder
    height: int = 0
    reached: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def _genesis(behaviour: Behaviour) -> tuple[NodeRun, int]:
    """Rule L1 of §12 with the generator's stake added (stakes do not touch the notes, so
    the spends' roots and proofs are the replay's)."""
    replay, first_spend = tlc_replay._genesis(behaviour)
    notes = replay.state.notes
    state = genesis(phoenix_world().config, {bytes(ALICE): 10**12}, notes, STAKES)
    # the Dusk key's stake entry, which its reward share is credited to (spec/node.md 11.1)
    dusk = {bytes(PARAMS.emergency_key): StakeData()}
    state = commit(replace(state, stakes={**state.stakes, **dusk}))
    replay = replace(replay, state=state)
    recorder = ledger_trace.start(state, tlc_replay.SECRET_KEYS, NAMES, len(notes))
    return NodeRun(replay, recorder), first_spend


def node_block(node: NodeRun, tx: Any) -> None:
    """One transaction through the node's path: the transaction topic's frame, admission,
    the generator's packing, and the block applied (and recorded)."""
    frame = ledger.encode_tx_frame(tx)
    decoded, entry = ledger.decode_tx_frame(frame)
    state = node.run.state
    pool, _ = ledger.admit(ledger.Mempool(), state, decoded, entry, node.height)
    limits = (state.config.block_gas_limit, PARAMS.max_transactions)
    payload = tuple(e.entry for e in ledger.pack(pool, state, *limits, execute=False))
    assert payload == (entry,)
    node.height += 1
    _, result = ledger.execute_payload(state, node.height, GENERATOR, payload, PARAMS)
    block = (node.height, GENERATOR, payload, result.state_root)
    node.run.state = ledger_trace.record_blocks(node.recorder, state, [block], PARAMS)


def _resend(node: NodeRun, tx: Any, index: int) -> None:
    """Rule 14.8: the model has no step spending a published note; the node must refuse the
    same spend at admission. A node that takes it includes it in a block."""
    entry = rt.encode_transaction(tx)
    try:
        ledger.admit(ledger.Mempool(), node.run.state, tx, entry, node.height)
    except NodeError as refusal:
        assert (refusal.code, refusal.detail) == ("node.tx_invalid", "runtime.nullifier_spent")
        node.reached.append("replayed spend refused")
        return
    before = node.run.ledger()
    node_block(node, tx)
    step = is_ledger_step(before, node.run.ledger())
    node.mismatches.append(
        f"step {index} (Spend sent again): the node accepted a spend Ledger forbids "
        f"(the abstraction calls it {step})"
    )


def drive(behaviour: Behaviour, label: str) -> NodeRun:
    """The behaviour through the node; after every step the abstraction must equal TLC's
    state (rule 14.8); where it does not, the step and its action are noted."""
    node, first_spend = _genesis(behaviour)
    for index in range(first_spend, len(behaviour)):
        pre, post = behaviour[index - 1]["state"], behaviour[index]["state"]
        action = "Mint" if behaviour[index]["action"] == "Mint" else "Spend"
        if action == "Mint":
            tx: Any = tlc_replay._convert(node.run, behaviour[index], index)
        else:
            seed = f"tlc replay {label} {index}".encode()
            tx = tlc_replay._spend_tx(node.run, pre, post, seed)
        node_block(node, tx)
        node.reached.append(action)
        found, wanted = node.run.ledger(), tlc_replay.ledger_of(post)
        if found != wanted:
            node.mismatches.append(f"step {index} ({action}) of {label}: {found} != {wanted}")
        if action == "Spend":
            _resend(node, tx, index)
    return node


def _trace_check(node: NodeRun, folder: Path) -> ledger_trace.LedgerVerdict:
    ledger_trace.write_ledger_trace(node.recorder, folder)
    return ledger_trace.check_ledger_trace(folder)


def test_tlc_behaviours_replay_through_a_node_and_its_trace_is_a_ledger_behaviour(
    tmp_path: Path,
) -> None:
    two_spends, mint_after = tlc_replay.replayed_behaviours()
    reached: list[str] = []
    traced: list[str] = []
    for behaviour, label in ((two_spends, "two spends"), (mint_after, "mint after")):
        node = drive(behaviour, label)
        assert node.mismatches == []
        reached += node.reached
        actions = [e["action"] for e in node.recorder.events]
        traced += actions
        verdict = _trace_check(node, tmp_path / label.replace(" ", "-"))
        assert verdict.ok, verdict.detail
        assert verdict.events == len(actions)
        assert verdict.stutters == 0  # a block of one transaction is one transition
    assert reached.count("Spend") == 3
    assert reached.count("replayed spend refused") == 3
    assert reached.count("Mint") >= 1
    # 3 genesis Mints, 3 Spends, 1 convert Mint (spec/runtime.md rule 14.8)
    assert (traced.count("Mint"), traced.count("Spend")) == (4, 3)


def _clear_memos() -> None:
    """The node's memos remember results by state root; a broken runtime must not share
    them with an honest one."""
    ledger._CHECKED.clear()
    ledger._EXECUTED.clear()


@pytest.fixture
def no_nullifier_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The broken runtime: spends as if no nullifier had been published. Admission, packing
    and block application all run ``duskspec.runtime.block.execute``."""

    def broken(state: RuntimeState, tx: Any) -> Any:
        after, receipt = executor.execute(replace(state, nullifiers=frozenset()), tx)
        return commit(replace(after, nullifiers=after.nullifiers | state.nullifiers)), receipt

    monkeypatch.setattr(rt, "execute", broken)
    _clear_memos()
    yield
    _clear_memos()


@pytest.fixture
def doubled_convert(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The broken runtime: a convert mints a note of twice its deposit."""
    honest = transactions.transparent_note

    def doubled(address: Any, value: int, contract: bytes, function: str) -> Any:
        return honest(address, value * (2 if function == "convert" else 1), contract, function)

    monkeypatch.setattr(transactions, "transparent_note", doubled)
    _clear_memos()
    yield
    _clear_memos()


def test_without_the_nullifier_check_both_directions_name_the_spend(
    no_nullifier_check: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, mint_after = tlc_replay.replayed_behaviours()
    node = drive(mint_after, "mint after")
    assert "replayed spend refused" not in node.reached
    assert re.match(r"step \d+ \(Spend sent again\): the node accepted", node.mismatches[0])
    verdict = _trace_check(node, tmp_path)
    assert not verdict.ok
    assert re.match(r"event \d+ of \d+, Spend\(", verdict.detail), verdict.detail
    assert "not a step of Ledger" in verdict.detail
    assert "already published" in verdict.detail
    # `duskspec trace-check` says the same in one line and exits 1
    assert main(["trace-check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.match(r"error: tla\.trace_mismatch: ledger: event \d+ of \d+, Spend\(", err)


def test_a_convert_minting_twice_its_deposit_fails_the_replay_at_the_mint(
    doubled_convert: None,
) -> None:
    _, mint_after = tlc_replay.replayed_behaviours()
    node = drive(mint_after, "mint after")
    assert node.reached.count("replayed spend refused") == 1
    assert re.match(r"step \d+ \(Mint\) of mint after", node.mismatches[0])


def test_the_abstraction_is_one_function() -> None:
    """The tests' refinement helper is the package's abstraction (rule 14.1)."""
    import support.ledger_refinement as helper

    assert helper.abstract is abstract

"""Behaviours TLC generates from ``Ledger`` replayed against the runtime (spec/runtime.md §12).

TLC simulates ``MCLedger`` under ``MCLedgerReplay.cfg`` (one input per spend) with a fixed
seed (:func:`duskspec.tla.behaviours.simulate_behaviours`). Each behaviour is driven through
the runtime: the ``Mint`` steps before the first spend become genesis notes, a ``Spend`` is a
Phoenix transaction with a real proof (:func:`duskspec.runtime.wallet.phoenix_transfer`),
a later ``Mint`` a Moonlight convert; after every step the abstraction function of the
refinement (``support.ledger_refinement.abstract``) of the runtime state must equal TLC's
state, values in units of one spend's gas. After every spend the same transaction is sent
again: the model has no such step, so the runtime must refuse it. A runtime with the
nullifier check removed on purpose accepts it and fails the replay.

Realizable steps: a Phoenix transaction always pays its gas, so a spend with fee 0 has no
runtime counterpart, and the wallet spends obfuscated notes only (a convert mints a
transparent one). The replay takes TLC's behaviours in order and keeps those whose every
step is realizable: the first with two spends and the first with a mint after its spend
(three 1-input proofs, about 40 s of CPU each on a fresh machine, then read from the proof
cache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import pytest

from duskspec.crypto import phoenix_keys
from duskspec.crypto.phoenix_keys import SecretKey
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime import genesis as executor
from duskspec.runtime import wallet
from duskspec.runtime.block import update_root
from duskspec.runtime.state import TRANSFER_CONTRACT, RuntimeState, commit, genesis
from duskspec.runtime.transactions import (
    MoonlightTx,
    PhoenixTx,
    Receipt,
    phoenix_gas,
    sign_moonlight,
)
from duskspec.runtime.wallet import OwnedNote, output_knowledge
from duskspec.tla.behaviours import Behaviour, simulate_behaviours
from support.ledger_refinement import LedgerNote, LedgerState, abstract, is_ledger_step
from support.runtime_world import ALICE, ALICE_SK, RECEIVER_SK, SENDER_SK, phoenix_world

pytestmark = pytest.mark.slow

#: TLC's keys and the Phoenix keys that play them (owner index = position here).
KEYS: dict[str, SecretKey] = {"k1": SENDER_SK, "k2": RECEIVER_SK}
ORDER = tuple(KEYS)
SECRET_KEYS = tuple(KEYS.values())
#: One Ledger unit of value: the fee of a 1-input spend with no refund (its gas, price 1).
UNIT = phoenix_gas(1)
TLC_SEED = 14
SAMPLE = 60
DEPTH = 6

Spend = Callable[[RuntimeState, Any], tuple[RuntimeState, Receipt]]


def _kind(behaviour: Behaviour, index: int) -> str:
    step, before = behaviour[index], behaviour[index - 1]
    if step["action"] == "Mint":
        return "mint"
    return f"spend fee {step['state']['fees'] - before['state']['fees']}"


def _kinds(behaviour: Behaviour) -> list[str]:
    return [_kind(behaviour, i) for i in range(1, len(behaviour))]


def _realizable(behaviour: Behaviour) -> bool:
    kinds = _kinds(behaviour)
    spends = [i for i, k in enumerate(kinds) if k.startswith("spend")]
    if not spends or any(kinds[i] != "spend fee 1" for i in spends):
        return False
    first = spends[0]
    # a spend's inputs must be genesis notes or outputs of earlier spends (obfuscated)
    minted_later = {
        len(behaviour[i]["state"]["notes"]) - 1
        for i in range(first + 1, len(behaviour))
        if behaviour[i]["action"] == "Mint"
    }
    spent = {p - 1 for p in behaviour[-1]["state"]["published"]}
    return not spent & minted_later


@cache
def replayed_behaviours() -> tuple[Behaviour, ...]:
    behaviours = simulate_behaviours(
        "MCLedger.tla", "MCLedgerReplay.cfg", depth=DEPTH, seed=TLC_SEED, count=SAMPLE
    )
    realizable = [b for b in behaviours if _realizable(b)]
    two_spends = next(b for b in realizable if _kinds(b).count("spend fee 1") == 2)
    mint_after = next(b for b in realizable if _kinds(b)[-1] == "mint" and b is not two_spends)
    return two_spends, mint_after


def ledger_of(tlc_state: dict[str, Any]) -> LedgerState:
    """TLC's state as the abstraction's value, values scaled by :data:`UNIT` and TLC's
    1-based positions made 0-based."""
    notes = tuple(
        LedgerNote(ORDER.index(n["owner"]), n["value"] * UNIT) for n in tlc_state["notes"]
    )
    return LedgerState(
        notes,
        frozenset(p - 1 for p in tlc_state["published"]),
        tlc_state["minted"] * UNIT,
        tlc_state["fees"] * UNIT,
    )


@dataclass
class Replay:
    state: RuntimeState
    genesis_notes: int
    owned: dict[int, OwnedNote] = field(default_factory=dict)
    reached: list[str] = field(default_factory=list)

    def ledger(self) -> LedgerState:
        return abstract(self.state, SECRET_KEYS, self.genesis_notes)


def _genesis(behaviour: Behaviour) -> tuple[Replay, int]:
    """The Mint steps before the first spend, as obfuscated genesis notes."""
    first_spend = next(i for i, s in enumerate(behaviour) if s["action"] not in ("Init", "Mint"))
    prefix = behaviour[first_spend - 1]["state"]
    notes, owned = [], {}
    for pos, note in enumerate(prefix["notes"]):
        owner = phoenix_keys.public_key(KEYS[note["owner"]])
        made, knowledge = wallet.own_note(owner, note["value"] * UNIT, f"tlc {pos}".encode())
        notes.append(made.at(pos))
        owned[pos] = replace(knowledge, pos=pos)
    config = phoenix_world().config
    state = genesis(config, {bytes(ALICE): 10**12}, tuple(notes))
    replay = Replay(state, len(notes), owned)
    assert replay.ledger() == ledger_of(prefix)
    return replay, first_spend


def _spend_tx(replay: Replay, pre: dict[str, Any], post: dict[str, Any], seed: bytes) -> PhoenixTx:
    (pos,) = {p - 1 for p in post["published"]} - {p - 1 for p in pre["published"]}
    (first, second) = post["notes"][len(pre["notes"]) :]
    owner = pre["notes"][pos]["owner"]
    tx, _ = wallet.phoenix_transfer(
        replay.state,
        KEYS[owner],
        [replay.owned[pos]],
        phoenix_keys.public_key(KEYS[first["owner"]]),
        first["value"] * UNIT,
        gas_limit=UNIT,
        gas_price=1,
        seed=seed,
        change_receiver=phoenix_keys.public_key(KEYS[second["owner"]]),
    )
    at = len(replay.state.notes)
    replay.owned[at] = output_knowledge(seed, at, first["value"] * UNIT, change=False)
    replay.owned[at + 1] = output_knowledge(seed, at + 1, second["value"] * UNIT, change=True)
    return tx


def _convert(replay: Replay, step: dict[str, Any], r: int) -> MoonlightTx:
    owner = phoenix_keys.public_key(KEYS[step["context"]["k"]])
    address = phoenix_keys.encode_stealth_address(phoenix_keys.stealth_address(owner, r))
    nonce = replay.state.account(bytes(ALICE)).nonce + 1
    value = step["context"]["v"] * UNIT
    tx = MoonlightTx(
        1, bytes(ALICE), bytes(ALICE), 0, value, 5_000_000, 1, nonce, TRANSFER_CONTRACT, address
    )
    return sign_moonlight(tx, ALICE_SK)


def _refuses_the_replay(replay: Replay, tx: PhoenixTx, spend: Spend) -> None:
    """The model has no step spending a published note: the runtime must refuse it."""
    try:
        after, _ = spend(replay.state, tx)
    except RuntimeProtocolError as refusal:
        assert refusal.code == "runtime.nullifier_spent"
        replay.reached.append("replayed spend refused")
        return
    step = is_ledger_step(replay.ledger(), abstract(after, SECRET_KEYS, replay.genesis_notes))
    raise AssertionError(f"the runtime accepted a spend the model forbids (Ledger: {step})")


def replay(behaviour: Behaviour, label: str, spend: Spend = executor.execute) -> list[str]:
    """Drive ``behaviour`` through the runtime, asserting every post state."""
    run, first_spend = _genesis(behaviour)
    for index in range(first_spend, len(behaviour)):
        pre, post = behaviour[index - 1]["state"], behaviour[index]["state"]
        if behaviour[index]["action"] == "Mint":
            run.state, _ = executor.execute(run.state, _convert(run, behaviour[index], index))
            run.reached.append("mint")
        else:
            tx = _spend_tx(run, pre, post, f"tlc replay {label} {index}".encode())
            run.state, receipt = spend(run.state, tx)
            assert receipt.gas_spent == UNIT
            run.reached.append("spend")
        run.state = update_root(run.state)
        assert run.ledger() == ledger_of(post), f"step {index} of {label}"
        if behaviour[index]["action"] != "Mint":
            _refuses_the_replay(run, tx, spend)
    return run.reached


def test_tlc_behaviours_replay_against_the_runtime() -> None:
    two_spends, mint_after = replayed_behaviours()
    reached = replay(two_spends, "two spends") + replay(mint_after, "mint after")
    assert reached.count("spend") == 3
    assert reached.count("replayed spend refused") == 3
    assert reached.count("mint") >= 1


def _without_nullifier_check(state: RuntimeState, tx: Any) -> tuple[RuntimeState, Receipt]:
    """The buggy runtime: spends as if no nullifier had been published."""
    after, receipt = executor.execute(replace(state, nullifiers=frozenset()), tx)
    return commit(replace(after, nullifiers=after.nullifiers | state.nullifiers)), receipt


def test_a_runtime_without_the_nullifier_check_fails_the_replay() -> None:
    two_spends, _ = replayed_behaviours()
    with pytest.raises(AssertionError, match="accepted a spend the model forbids"):
        replay(two_spends, "two spends", spend=_without_nullifier_check)

"""Runtime properties under fuzzed transaction streams (spec/runtime.md §7):

- refinement: every accepted transition, abstracted by
  ``support.ledger_refinement.abstract``, is a ``Ledger`` step (stutter, Mint, or Spend with
  its refund Mint); a runtime with the nullifier check removed on purpose fails it;
- ``Ledger!ValueConserved`` on the abstraction, and supply conservation on the whole state:
  genesis + emission = Moonlight balances + unspent notes + stakes + contract balances +
  burnt + the block's pending fees;
- a rejected transaction or block leaves the state's encoding and root byte-identical;
- no nullifier is published by two accepted transactions.

Streams mix valid, invalid and adversarial transactions (a real Phoenix proof, replayed,
tampered, against a wrong root; Moonlight with wrong nonces, overdrafts, too little gas;
stake operations; blocks with rewards over budget and slashes). ``test_streams_reach_*``
asserts the streams reached each outcome they are about.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from duskspec.crypto import phoenix_keys
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime import stake as stake_contract
from duskspec.runtime.block import Block, SlashKind, apply_block, execute
from duskspec.runtime.state import RuntimeState, encode_stake_state, encode_transfer_state
from duskspec.runtime.transactions import (
    MOONLIGHT_GAS,
    MoonlightTx,
    PhoenixTx,
    execute_phoenix,
    sign_moonlight,
)
from support.ledger_refinement import abstract, is_ledger_step, value_conserved
from support.runtime_world import (
    ALICE,
    ALICE_SK,
    BOB,
    BOB_SK,
    CAROL,
    CAROL_SK,
    CONFIG,
    RECEIVER,
    RECEIVER_SK,
    SENDER_SK,
    phoenix_tx,
    phoenix_world,
    world,
)

PARTIES = ((ALICE_SK, bytes(ALICE)), (BOB_SK, bytes(BOB)), (CAROL_SK, bytes(CAROL)))
KEYS = (SENDER_SK, RECEIVER_SK, phoenix_keys.keygen(b"someone else"))
GENESIS_NOTES = len(world().state.notes)
REACHED: Counter[str] = Counter()


def _supply(state: RuntimeState) -> int:
    ledger = abstract(state, KEYS, GENESIS_NOTES)
    unspent = sum(n.value for p, n in enumerate(ledger.notes) if p not in ledger.published)
    stakes = sum(
        d.reward + (d.amount.value + d.amount.locked if d.amount else 0)
        for d in state.stakes.values()
    )
    moonlight = sum(a.balance for a in state.accounts.values())
    return (
        moonlight
        + unspent
        + stakes
        + sum(state.contract_balances.values())
        + state.burnt
        + state.block_fees
    )


def _phoenix(variant: str) -> PhoenixTx:
    tx, _ = phoenix_tx()
    if variant == "tampered":
        last = (int.from_bytes(tx.proof[-32:], "little") + 1).to_bytes(32, "little")
        return replace(tx, proof=tx.proof[:-32] + last)
    if variant == "root":
        return replace(tx, root=tx.root + 1)
    if variant == "duplicate":
        return replace(tx, nullifiers=tx.nullifiers * 2)
    return tx


moon = st.tuples(
    st.just("moon"),
    st.integers(0, 2),
    st.integers(0, 2),
    st.sampled_from([0, 1, 5_000, 60_000_000, 2_000_000_000]),
    st.sampled_from([-1, 0, 0, 0, 1]),
    st.sampled_from([MOONLIGHT_GAS - 1, MOONLIGHT_GAS, 6_000_000, 6_000_000]),
)
convert = st.tuples(
    st.just("convert"), st.integers(0, 2), st.sampled_from([0, 7, 1_000]), st.integers(1, 3)
)
staking = st.tuples(
    st.just("stake"),
    st.integers(0, 2),
    st.sampled_from(list(stake_contract.StakeOp)),
    st.sampled_from([0, 999, 1_000, 4_000, 4_000, 10**12]),
    st.sampled_from([0, 0, 0, 1]),
)
phoenix = st.tuples(
    st.just("phoenix"), st.sampled_from(["valid", "valid", "tampered", "root", "duplicate"])
)
block = st.tuples(
    st.just("block"),
    st.sampled_from([0, 1_000]),
    st.sampled_from([0, 500, 10**12]),
    st.sampled_from([None, SlashKind.SOFT, SlashKind.HARD]),
)
ACTIONS = st.lists(
    st.one_of(moon, convert, staking, phoenix, phoenix, block), min_size=1, max_size=10
)


def _moonlight(
    state: RuntimeState, sender: int, receiver: int, value: int, delta: int, gas: int
) -> MoonlightTx:
    sk, pk = PARTIES[sender]
    nonce = state.account(pk).nonce + 1 + delta
    tx = MoonlightTx(CONFIG.chain_id, pk, PARTIES[receiver][1], value, 0, gas, 1, nonce)
    return sign_moonlight(tx, sk)


def _convert(state: RuntimeState, sender: int, value: int, r: int) -> MoonlightTx:
    from duskspec.runtime.state import TRANSFER_CONTRACT

    sk, pk = PARTIES[sender]
    address = phoenix_keys.encode_stealth_address(phoenix_keys.stealth_address(RECEIVER, r))
    nonce = state.account(pk).nonce + 1
    tx = MoonlightTx(
        CONFIG.chain_id, pk, pk, 0, value, 6_000_000, 1, nonce, TRANSFER_CONTRACT, address
    )
    return sign_moonlight(tx, sk)


def _stake(
    state: RuntimeState, who: int, op: stake_contract.StakeOp, value: int, delta: int
) -> stake_contract.StakeTx:
    sk, pk = PARTIES[who]
    nonce = state.account(pk).nonce + 1 + delta
    tx = stake_contract.StakeTx(CONFIG.chain_id, op, pk, value, 5_000_000, 1, nonce)
    return stake_contract.sign_stake(tx, sk)


def _transition(
    state: RuntimeState, action: tuple, spend=execute_phoenix
) -> tuple[RuntimeState, int]:  # type: ignore[type-arg, no-untyped-def]
    """The state after ``action`` and the emission it adds (raises when rejected)."""
    kind = action[0]
    if kind == "block":
        _, emission, reward, slash = action
        slashes = () if slash is None else ((bytes(CAROL), slash),)
        rewards = ((bytes(CAROL), reward),) if reward else ()
        return apply_block(state, Block(state.height + 1, (), emission, rewards, slashes))[
            0
        ], emission
    if kind == "moon":
        return execute(state, _moonlight(state, *action[1:]))[0], 0
    if kind == "convert":
        return execute(state, _convert(state, *action[1:]))[0], 0
    if kind == "stake":
        return execute(state, _stake(state, *action[1:]))[0], 0
    return spend(state, _phoenix(action[1]))[0], 0


def _run(actions: list[tuple], spend=execute_phoenix, record: bool = False) -> None:  # type: ignore[type-arg, no-untyped-def]
    state = phoenix_world()
    supply = _supply(state)
    ledger = abstract(state, KEYS, GENESIS_NOTES)
    published_by: Counter[int] = Counter()
    for action in actions:
        before = (state.root(), encode_transfer_state(state), encode_stake_state(state))
        try:
            after, emission = _transition(state, action, spend)
        except RuntimeProtocolError as error:
            outcome = f"{action[0]} rejected {error.code}"
            assert (state.root(), encode_transfer_state(state), encode_stake_state(state)) == before
        else:
            outcome = f"{action[0]} accepted"
            post = abstract(after, KEYS, GENESIS_NOTES)
            step = is_ledger_step(ledger, post)
            assert step is not None, f"{action} is no Ledger step"
            assert value_conserved(post)
            supply += emission
            assert _supply(after) == supply
            if action[0] == "phoenix":
                published_by.update(_phoenix(action[1]).nullifiers)
            assert all(count == 1 for count in published_by.values())
            state, ledger = after, post
        if record:
            event(outcome)
            REACHED[outcome] += 1


@given(ACTIONS)
@example(  # every outcome test_streams_reach_each_outcome asks for, whatever the profile draws
    [
        ("phoenix", "tampered"),  # before any spend, so the proof is what fails
        ("phoenix", "root"),
        ("phoenix", "valid"),
        ("phoenix", "duplicate"),
        ("moon", 0, 1, 5, 1, MOONLIGHT_GAS),
        ("moon", 0, 1, 10**15, 0, MOONLIGHT_GAS),
        ("convert", 0, 7, 1),
        ("block", 0, 10**12, None),
        ("block", 1_000, 0, None),
    ]
)
@example([("phoenix", "valid"), ("moon", 0, 1, 5, 0, MOONLIGHT_GAS), ("phoenix", "valid")])
@example(
    [("stake", 0, stake_contract.StakeOp.STAKE, 4_000, 0), ("moon", 1, 0, 60_000_000, 0, 6_000_000)]
)
def test_fuzzed_streams_refine_the_ledger_and_conserve_supply(actions: list[tuple]) -> None:  # type: ignore[type-arg]
    _run(actions, record=True)


@pytest.mark.parametrize(
    "outcome",
    [
        "phoenix accepted",
        "phoenix rejected runtime.nullifier_spent",
        "phoenix rejected runtime.bad_proof",
        "phoenix rejected runtime.unknown_root",
        "moon accepted",
        "moon rejected runtime.wrong_nonce",
        "moon rejected runtime.insufficient_balance",
        "convert accepted",
        "stake accepted",
        "block accepted",
        "block rejected runtime.reward_exceeds_budget",
    ],
)
def test_streams_reach_each_outcome(outcome: str) -> None:
    """Runs after the property (file order): the streams reached this outcome."""
    assert REACHED[outcome] > 0, sorted(REACHED)


def _without_nullifier_check(state: RuntimeState, tx: PhoenixTx):  # type: ignore[no-untyped-def]
    """The buggy runtime: the spend runs as if no nullifier had ever been published."""
    after, receipt = execute_phoenix(replace(state, nullifiers=frozenset()), tx)
    return replace(after, nullifiers=after.nullifiers | state.nullifiers), receipt


def test_a_runtime_without_the_nullifier_check_fails_the_refinement() -> None:
    with pytest.raises(AssertionError, match="is no Ledger step"):
        _run([("phoenix", "valid"), ("phoenix", "valid")], spend=_without_nullifier_check)
    _run([("phoenix", "valid"), ("phoenix", "valid")])  # the real runtime refuses the replay

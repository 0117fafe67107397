"""Contract calls into the genesis contracts under fuzzed streams (spec/runtime.md §10-§11).

Streams of Moonlight transactions calling the vault (``vault.wat``), which calls
``transfer.withdraw`` through ``c``, with random values, signers, replay tokens, receivers,
gas limits and vault functions (``withdraw``, ``try_withdraw``, ``withdraw_then_trap``):

- supply is conserved: Moonlight balances + contract balances + the values of the notes
  minted since genesis + the block's fees stay what they were;
- a call that fails leaves the vault's balance, its memory and every note as they were,
  and costs the whole gas limit (the spend and the refund stand);
- a call that succeeds moves exactly the withdrawn value from the vault to its receiver.

``test_streams_reach_each_call_outcome`` asserts the streams reached each outcome.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from duskspec.crypto import phoenix_keys
from duskspec.runtime import genesis
from duskspec.runtime.genesis import Withdraw, WithdrawKind
from duskspec.runtime.state import RuntimeState
from duskspec.runtime.transactions import MoonlightTx, sign_moonlight
from support.runtime_world import ALICE, ALICE_SK, BOB, BOB_SK, RECEIVER, RECEIVER_SK
from support.vault_world import VAULT_FUNDS, vault_world

A, B = bytes(ALICE), bytes(BOB)
REACHED: Counter[str] = Counter()

withdrawals = st.tuples(
    st.sampled_from(["withdraw", "withdraw", "try_withdraw", "withdraw_then_trap"]),
    st.sampled_from(["account", "note"]),
    st.sampled_from([0, 1, 2_000, VAULT_FUNDS, VAULT_FUNDS + 1]),
    st.sampled_from(["receiver", "receiver", "receiver", "other"]),
    st.sampled_from([0, 0, 0, 1]),
    st.sampled_from([4_500_000, 12_000_000, 40_000_000, 40_000_000]),
)
STREAMS = st.lists(withdrawals, min_size=1, max_size=6)
#: A valid signer, the right token, enough gas.
OK = ("receiver", 0, 40_000_000)


def _supply(state: RuntimeState, genesis_notes: int) -> int:
    minted = sum(n.transparent_value() for n in state.notes[genesis_notes:])
    return (
        sum(a.balance for a in state.accounts.values())
        + sum(state.contract_balances.values())
        + minted
        + state.block_fees
    )


def _withdrawal(state: RuntimeState, vault: bytes, action: tuple) -> MoonlightTx:  # type: ignore[type-arg]
    function, receiver, value, signer, token_delta, gas = action
    nonce = state.account(A).nonce + 1
    if receiver == "account":
        w = Withdraw(
            vault, value, WithdrawKind.MOONLIGHT, B, WithdrawKind.MOONLIGHT, nonce + token_delta, ()
        )
        w = genesis.sign_withdraw_moonlight(w, BOB_SK if signer == "receiver" else ALICE_SK)
    else:
        address = phoenix_keys.stealth_address(RECEIVER, 1_000 + nonce)
        w = Withdraw(
            vault,
            value,
            WithdrawKind.PHOENIX,
            phoenix_keys.encode_stealth_address(address),
            WithdrawKind.MOONLIGHT,
            nonce + token_delta,
            (),
        )
        note_sk = phoenix_keys.note_secret_key(RECEIVER_SK, address)
        w = genesis.sign_withdraw_phoenix(w, note_sk if signer == "receiver" else 12345, b"p")
    tx = MoonlightTx(
        1,
        A,
        A,
        0,
        0,
        gas,
        1,
        nonce,
        call_contract=vault,
        call_function=function,
        call_argument=genesis.encode_withdraw(w),
    )
    return sign_moonlight(tx, ALICE_SK)


def _memory(state: RuntimeState, vault: bytes) -> bytes:
    contract = state.vm.get(vault)
    assert contract is not None
    return contract.memory


@given(STREAMS)
@example([("withdraw_then_trap", "account", 2_000, "receiver", 0, 40_000_000)])
@example([("withdraw", "note", 1, "other", 0, 40_000_000), ("withdraw", "note", 1, *OK)])
def test_fuzzed_contract_calls_conserve_supply_and_fail_atomically(actions: list[tuple]) -> None:  # type: ignore[type-arg]
    state, vault, _ = vault_world()
    genesis_notes = len(state.notes)
    supply = _supply(state, genesis_notes)
    for action in actions:
        tx = _withdrawal(state, vault, action)
        after, receipt = genesis.execute(state, tx)
        assert _supply(after, genesis_notes) == supply
        moved = state.contract_balances[vault] - after.contract_balances[vault]
        if receipt.error is None and moved:
            outcome = f"{action[0]} paid"
            if action[1] == "account":
                assert after.account(B).balance - state.account(B).balance == moved
            else:
                (note,) = after.notes[len(state.notes) :]
                assert note.transparent_value() == moved
        elif receipt.error is None:
            outcome = f"{action[0]} caught"
            assert after.notes == state.notes
        else:
            outcome = f"{action[0]} failed {receipt.error}"
            assert moved == 0 and after.notes == state.notes
            assert receipt.gas_spent == tx.gas_limit
            assert _memory(after, vault) == _memory(state, vault)
        assert after.account(A).nonce == state.account(A).nonce + 1
        event(outcome)
        REACHED[outcome] += 1
        state = after


@pytest.mark.parametrize(
    "outcome",
    [
        "withdraw paid",
        "try_withdraw paid",
        "try_withdraw caught",
        "withdraw failed runtime.withdraw_bad_signature",
        "withdraw failed runtime.withdraw_bad_token",
        "withdraw failed runtime.withdraw_exceeds_balance",
        "withdraw failed runtime.vm_out_of_gas",
        "withdraw_then_trap failed runtime.vm_trap_unreachable",
    ],
)
def test_streams_reach_each_call_outcome(outcome: str) -> None:
    """Runs after the property (file order): the streams reached this outcome."""
    assert REACHED[outcome] > 0, sorted(REACHED)

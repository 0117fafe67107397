"""The genesis contracts run in the VM's call frame (spec/runtime.md §10-§11).

A wasm contract (``vault.wat``) calls the transfer contract's ``withdraw`` through ``c``: the
value leaves the vault's balance for a Moonlight account or a Phoenix note; a refusal in the
transfer contract fails the frame as a panic and undoes the vault's own writes; a caller that
fails after a successful withdrawal undoes the withdrawal; the callee's gas is passed on by
rule G3 (too little gas fails the withdrawal with ``runtime.vm_out_of_gas``); a failed
callee costs its whole limit. Node-only functions refuse a contract caller.
"""

from __future__ import annotations

import struct
from dataclasses import replace

import pytest

from duskspec.crypto import phoenix_keys
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime import genesis
from duskspec.runtime.genesis import Withdraw, WithdrawKind
from duskspec.runtime.state import TRANSFER_CONTRACT, RuntimeState, encode_transfer_state
from duskspec.runtime.transactions import MOONLIGHT_GAS, MoonlightTx, sign_moonlight
from duskspec.runtime.vm import host_queries
from duskspec.types import Hash32
from support.runtime_world import ALICE, ALICE_SK, BOB, BOB_SK, RECEIVER, RECEIVER_SK
from support.vault_world import VAULT_FUNDS, vault_world
from support.vm_world import inner_call

A, B = bytes(ALICE), bytes(BOB)
GAS = 40_000_000


def _to_account(vault: bytes, value: int, nonce: int, signer: int = BOB_SK) -> bytes:
    w = Withdraw(vault, value, WithdrawKind.MOONLIGHT, B, WithdrawKind.MOONLIGHT, nonce, ())
    return genesis.encode_withdraw(genesis.sign_withdraw_moonlight(w, signer))


def _tx(state: RuntimeState, function: str, argument: bytes, gas: int = GAS) -> MoonlightTx:
    _, vault, _ = vault_world()
    nonce = state.account(A).nonce + 1
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
        call_argument=argument,
    )
    return sign_moonlight(tx, ALICE_SK)


def _count(state: RuntimeState, vault: Hash32) -> int:
    _, result = genesis.call(state, vault, "count", b"", 1_000_000)
    return int(struct.unpack("<Q", result.output)[0])


def test_a_wasm_contract_withdraws_to_a_moonlight_account() -> None:
    state, vault, _ = vault_world()
    tx = _tx(state, "withdraw", _to_account(vault, 3_000, 2))
    after, receipt = genesis.execute(state, tx)
    assert receipt.error is None
    assert after.account(B).balance == state.account(B).balance + 3_000
    assert after.contract_balances[vault] == VAULT_FUNDS - 3_000
    assert _count(after, vault) == 1
    # the spend's price, then the vault's instructions and the transfer contract's price
    call_gas = receipt.gas_spent - MOONLIGHT_GAS
    assert call_gas > genesis.WITHDRAW_GAS + host_queries.VERIFY_BLS
    assert after.account(A).balance == state.account(A).balance - receipt.gas_spent
    assert [e.topic for e in receipt.events] == ["moonlight", "withdraw"]
    assert receipt.events[1].source == TRANSFER_CONTRACT
    # the vault asks the transfer contract for its balance through `c`
    _, result = genesis.call(after, vault, "balance", b"", 1_000_000)
    assert struct.unpack("<Q", result.output)[0] == VAULT_FUNDS - 3_000


def test_a_wasm_contract_withdraws_to_a_phoenix_note() -> None:
    state, vault, _ = vault_world()
    address = phoenix_keys.stealth_address(RECEIVER, 4242)
    note_sk = phoenix_keys.note_secret_key(RECEIVER_SK, address)
    w = Withdraw(
        vault,
        2_500,
        WithdrawKind.PHOENIX,
        phoenix_keys.encode_stealth_address(address),
        WithdrawKind.MOONLIGHT,
        2,
        (),
    )
    signed = genesis.sign_withdraw_phoenix(w, note_sk, b"test")
    after, receipt = genesis.execute(state, _tx(state, "withdraw", genesis.encode_withdraw(signed)))
    assert receipt.error is None
    (note,) = after.notes[len(state.notes) :]
    assert note.address == address and note.transparent_value() == 2_500
    assert after.contract_balances[vault] == VAULT_FUNDS - 2_500


@pytest.mark.parametrize(
    ("code", "argument"),
    [
        ("runtime.withdraw_bad_signature", lambda v: _to_account(v, 3_000, 2, ALICE_SK)),
        ("runtime.withdraw_bad_token", lambda v: _to_account(v, 3_000, 1)),
        ("runtime.withdraw_exceeds_balance", lambda v: _to_account(v, VAULT_FUNDS + 1, 2)),
        ("runtime.withdraw_wrong_caller", lambda v: _to_account(bytes(32), 3_000, 2)),
        ("runtime.malformed_withdraw", lambda v: _to_account(v, 3_000, 2)[:-1]),
    ],
)
def test_a_refused_withdrawal_undoes_the_call_and_costs_its_gas(code: str, argument) -> None:  # type: ignore[no-untyped-def]
    state, vault, _ = vault_world()
    after, receipt = genesis.execute(state, _tx(state, "withdraw", argument(vault)))
    assert receipt.error == code
    assert receipt.gas_spent == GAS  # G5: the failed call costs all the gas left
    assert after.contract_balances[vault] == VAULT_FUNDS
    assert _count(after, vault) == 0  # the vault's own write before the call is undone
    assert after.account(A).nonce == state.account(A).nonce + 1  # the spend stands
    assert after.account(A).balance == state.account(A).balance - GAS


def test_a_caller_that_fails_after_the_withdrawal_undoes_it() -> None:
    state, vault, _ = vault_world()
    tx = _tx(state, "withdraw_then_trap", _to_account(vault, 3_000, 2))
    after, receipt = genesis.execute(state, tx)
    assert receipt.error == "runtime.vm_trap_unreachable"
    assert after.contract_balances[vault] == VAULT_FUNDS
    assert after.account(B).balance == state.account(B).balance
    assert [e.topic for e in receipt.events] == ["moonlight"]  # the withdraw event is gone


def test_a_caller_that_catches_the_refusal_goes_on_and_pays_the_callee_limit() -> None:
    state, vault, _ = vault_world()
    tx = _tx(state, "try_withdraw", _to_account(vault, 3_000, 2, ALICE_SK))
    after, receipt = genesis.execute(state, tx)
    assert receipt.error is None
    assert after.contract_balances[vault] == VAULT_FUNDS
    # c returned -1 (a panic) and charged the callee's whole limit: 93 % of what was left
    assert receipt.gas_spent - MOONLIGHT_GAS >= (GAS - MOONLIGHT_GAS) * 93 // 100


def test_the_callee_gets_93_percent_of_what_is_left_and_runs_out() -> None:
    state, vault, _ = vault_world()
    enough = MOONLIGHT_GAS + genesis.WITHDRAW_GAS + host_queries.VERIFY_BLS
    ok = genesis.execute(state, _tx(state, "withdraw", _to_account(vault, 1, 2), 2 * enough))
    assert ok[1].error is None
    # with a limit the callee's 93 % share cannot cover, the transfer contract runs out
    short = _tx(state, "withdraw", _to_account(vault, 1, 2), enough + 1_000)
    after, receipt = genesis.execute(state, short)
    assert receipt.error == "runtime.vm_out_of_gas"
    assert after.contract_balances[vault] == VAULT_FUNDS


def test_node_only_functions_refuse_a_contract_caller() -> None:
    state, _, ledger = vault_world()
    arg = inner_call(TRANSFER_CONTRACT, "update_root", 1_000_000)
    after, result = genesis.call(state, ledger, "call_counter", arg, 5_000_000)
    assert struct.unpack("<i", result.output[:4])[0] == -1  # the transfer contract panicked
    assert encode_transfer_state(after) == encode_transfer_state(state)
    # a query is open to contracts
    arg = inner_call(TRANSFER_CONTRACT, "contract_balance", 1_000_000, vault_world()[1])
    _, result = genesis.call(state, ledger, "call_counter", arg, 5_000_000)
    assert struct.unpack("<i", result.output[:4])[0] == 8
    assert struct.unpack("<Q", result.output[4:12])[0] == VAULT_FUNDS


def test_a_transaction_calls_no_genesis_contract_directly() -> None:
    state, _, _ = vault_world()
    tx = replace(_tx(state, "update_root", b""), call_contract=TRANSFER_CONTRACT)
    with pytest.raises(RuntimeProtocolError) as info:
        genesis.execute(state, sign_moonlight(tx, ALICE_SK))
    assert info.value.code == "runtime.bad_call"


def test_a_top_level_genesis_refusal_keeps_its_code_and_changes_nothing() -> None:
    state, vault, _ = vault_world()
    with pytest.raises(RuntimeProtocolError) as info:
        genesis.call(state, TRANSFER_CONTRACT, "withdraw", _to_account(vault, 1, 2), GAS)
    assert info.value.code == "runtime.withdraw_wrong_caller"
    assert state.root() == vault_world()[0].root()


def _deposit_tx(state: RuntimeState, deposit: int, function: str, argument: bytes) -> MoonlightTx:
    _, vault, _ = vault_world()
    tx = MoonlightTx(
        1,
        A,
        A,
        0,
        deposit,
        GAS,
        1,
        state.account(A).nonce + 1,
        vault,
        call_contract=vault,
        call_function=function,
        call_argument=argument,
    )
    return sign_moonlight(tx, ALICE_SK)


def test_the_called_contract_claims_the_deposit() -> None:
    state, vault, _ = vault_world()
    tx = _deposit_tx(state, 700, "deposit", struct.pack("<Q", 700))
    after, receipt = genesis.execute(state, tx)
    assert receipt.error is None
    assert after.contract_balances[vault] == VAULT_FUNDS + 700
    assert after.account(A).balance == state.account(A).balance - 700 - receipt.gas_spent
    assert after.pending_deposit is None
    assert [e.topic for e in receipt.events] == ["moonlight", "deposit"]


@pytest.mark.parametrize(
    ("function", "argument", "error"),
    [
        ("deposit", struct.pack("<Q", 699), "runtime.bad_deposit"),  # not the deposit
        ("count", b"", None),  # a call that does not claim it
    ],
)
def test_an_unclaimed_deposit_is_refunded(
    function: str, argument: bytes, error: str | None
) -> None:
    state, vault, _ = vault_world()
    after, receipt = genesis.execute(state, _deposit_tx(state, 700, function, argument))
    assert receipt.error == error
    assert after.contract_balances[vault] == VAULT_FUNDS
    assert after.account(A).balance == state.account(A).balance - receipt.gas_spent
    assert after.pending_deposit is None


def test_a_contract_claims_no_deposit_meant_for_another() -> None:
    state, _, ledger = vault_world()
    arg = inner_call(TRANSFER_CONTRACT, "deposit", 1_000_000, struct.pack("<Q", 0))
    after, result = genesis.call(state, ledger, "call_counter", arg, 5_000_000)
    assert struct.unpack("<i", result.output[:4])[0] == -1
    assert after.contract_balances == state.contract_balances

"""Moonlight transactions, deposits, converts and stake operations (spec/transactions.md §7,
spec/runtime.md §5): each rule accepts the valid case and refuses its violation with its
stable code, leaving the state root byte-identical."""

from __future__ import annotations

from dataclasses import replace

import pytest

from duskspec.crypto import phoenix_keys
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime import stake as stake_contract
from duskspec.runtime.block import Block, SlashKind, apply_block, bloom
from duskspec.runtime.note import decode_note, encode_note
from duskspec.runtime.stake import StakeOp, StakeTx, sign_stake
from duskspec.runtime.state import STAKE_CONTRACT, TRANSFER_CONTRACT, commit, encode_transfer_state
from duskspec.runtime.transactions import MOONLIGHT_GAS, execute_moonlight
from support.runtime_world import (
    ALICE,
    ALICE_SK,
    BOB,
    BOB_SK,
    CAROL,
    CAROL_SK,
    CONFIG,
    RECEIVER,
    moonlight,
    world,
)

A, B, C = bytes(ALICE), bytes(BOB), bytes(CAROL)


def test_a_transfer_moves_value_charges_gas_and_refunds_the_rest() -> None:
    state = world().state
    tx = moonlight(ALICE_SK, A, B, 1_000, 1, gas_limit=9_000_000, gas_price=2)
    after, receipt = execute_moonlight(state, tx)
    assert after.account(A).balance == state.account(A).balance - 1_000 - MOONLIGHT_GAS * 2
    assert after.account(A).nonce == 1
    assert after.account(B).balance == state.account(B).balance + 1_000
    assert after.block_fees == MOONLIGHT_GAS * 2
    assert receipt.gas_spent == MOONLIGHT_GAS
    assert after.root() != state.root()


def _invalid() -> list[tuple[str, object]]:
    good = moonlight(ALICE_SK, A, B, 1_000, 1)
    return [
        ("runtime.wrong_chain", moonlight(ALICE_SK, A, B, 1_000, 1, chain_id=9)),
        ("runtime.zero_gas_price", moonlight(ALICE_SK, A, B, 1_000, 1, gas_price=0)),
        (
            "runtime.gas_above_block_limit",
            moonlight(ALICE_SK, A, B, 1, 1, gas_limit=CONFIG.block_gas_limit + 1, gas_price=0 + 1),
        ),
        (
            "runtime.gas_limit_too_low",
            moonlight(ALICE_SK, A, B, 1_000, 1, gas_limit=MOONLIGHT_GAS - 1),
        ),
        ("runtime.fee_overflow", moonlight(ALICE_SK, A, B, 1, 1, gas_price=1 << 43)),
        ("runtime.bad_signature", replace(good, value=1_001)),
        ("runtime.bad_signature", moonlight(BOB_SK, A, B, 1_000, 1)),
        ("runtime.bad_signature", replace(good, signature=bytes(48))),
        ("runtime.unknown_account", moonlight(*_stranger(), B, 1, 1)),
        ("runtime.wrong_nonce", moonlight(ALICE_SK, A, B, 1_000, 2)),
        ("runtime.wrong_nonce", moonlight(ALICE_SK, A, B, 1_000, 0)),
        ("runtime.insufficient_balance", moonlight(BOB_SK, B, A, 50_000_000, 1)),
        ("runtime.bad_deposit", _deposit_to(b"", b"x")),
        ("runtime.unknown_contract", _deposit_to(bytes(32), b"")),
    ]


def _stranger() -> tuple[int, bytes]:
    from duskspec.crypto import bls

    sk, pk = bls.keygen(b"stranger")
    return sk, bytes(pk)


def _deposit_to(contract: bytes, address: bytes):  # type: ignore[no-untyped-def]
    from duskspec.runtime.transactions import MoonlightTx, sign_moonlight

    tx = MoonlightTx(CONFIG.chain_id, A, A, 0, 5, 5_000_000, 1, 1, contract, address)
    return sign_moonlight(tx, ALICE_SK)


@pytest.mark.parametrize(("code", "tx"), _invalid(), ids=[c for c, _ in _invalid()])
def test_each_moonlight_rule_refuses_with_its_code_and_changes_nothing(
    code: str, tx: object
) -> None:
    state = world().state
    root = state.root()
    with pytest.raises(RuntimeProtocolError) as info:
        execute_moonlight(state, tx)  # type: ignore[arg-type]
    assert info.value.code == code
    assert state.root() == root == commit(state).root()


def test_convert_moonlight_to_a_transparent_note() -> None:
    state = world().state
    address = phoenix_keys.stealth_address(RECEIVER, 12345)
    tx = _deposit_to(TRANSFER_CONTRACT, phoenix_keys.encode_stealth_address(address))
    after, _ = execute_moonlight(state, tx)
    note = after.notes[-1]
    assert note.transparent_value() == 5 and note.pos == len(state.notes)
    assert note.address == address
    assert decode_note(encode_note(note)) == note
    assert after.tree.root() != state.tree.root()


def test_a_deposit_to_a_contract_is_claimed_into_its_balance() -> None:
    state = replace(world().state, contract_balances={bytes(32): 0})
    after, _ = execute_moonlight(state, _deposit_to(bytes(32), b""))
    assert after.contract_balances[bytes(32)] == 5


# --- stake ------------------------------------------------------------------------------------


def _stake(op: StakeOp, value: int, nonce: int = 1, sk: int = ALICE_SK, key: bytes = A) -> StakeTx:
    return sign_stake(StakeTx(CONFIG.chain_id, op, key, value, 5_000_000, 1, nonce), sk)


def test_stake_then_eligible_after_maturity_unstake_and_rewards() -> None:
    state = world().state
    after, _ = stake_contract.execute_stake(state, _stake(StakeOp.STAKE, 2_000))
    data = after.stake(A)
    assert data.amount is not None and data.amount.value == 2_000
    assert data.amount.eligibility == 2 * CONFIG.epoch
    assert A not in dict(stake_contract.provisioners(after))
    assert C in dict(stake_contract.provisioners(after))
    later = replace(after, height=2 * CONFIG.epoch)
    assert A in dict(stake_contract.provisioners(later))
    rewarded = stake_contract.reward(later, A, 77)
    out, _ = stake_contract.execute_stake(rewarded, _stake(StakeOp.WITHDRAW, 77, 2))
    assert out.stake(A).reward == 0
    gone, _ = stake_contract.execute_stake(out, _stake(StakeOp.UNSTAKE, 2_000, 3))
    assert gone.stake(A).amount is None


@pytest.mark.parametrize(
    ("code", "tx"),
    [
        ("runtime.bad_stake_signature", _stake(StakeOp.STAKE, 2_000, sk=BOB_SK)),
        ("runtime.stake_below_minimum", _stake(StakeOp.STAKE, 999)),
        ("runtime.stake_zero", _stake(StakeOp.STAKE, 0)),
        ("runtime.wrong_nonce", _stake(StakeOp.STAKE, 2_000, nonce=5)),
        ("runtime.insufficient_balance", _stake(StakeOp.STAKE, 50_000_000, sk=BOB_SK, key=B)),
        ("runtime.unstake_exceeds_stake", _stake(StakeOp.UNSTAKE, 1)),
        ("runtime.stake_below_minimum", _stake(StakeOp.UNSTAKE, 4_500, sk=CAROL_SK, key=C)),
        ("runtime.withdraw_exceeds_reward", _stake(StakeOp.WITHDRAW, 1, sk=CAROL_SK, key=C)),
    ],
)
def test_each_stake_rule_refuses_with_its_code(code: str, tx: StakeTx) -> None:
    state = world().state
    root = state.root()
    with pytest.raises(RuntimeProtocolError) as info:
        stake_contract.execute_stake(state, tx)
    assert info.value.code == code
    assert state.root() == root


def test_soft_slash_warns_first_then_locks_and_suspends() -> None:
    state = replace(world().state, height=25)
    once = stake_contract.soft_slash(state, C)
    assert once.stake(C).amount == state.stake(C).amount and once.stake(C).faults == 1
    twice = stake_contract.soft_slash(once, C)
    amount = twice.stake(C).amount
    assert amount is not None
    assert (amount.value, amount.locked, amount.eligibility) == (4_500, 500, 30 + CONFIG.epoch)
    assert stake_contract.reward(twice, C, 1).stake(C).faults == 0


def test_hard_slash_burns() -> None:
    state = world().state
    after = stake_contract.hard_slash(state, C)
    amount = after.stake(C).amount
    assert amount is not None and amount.value == 4_500 and after.burnt == 500


# --- blocks -----------------------------------------------------------------------------------


def test_a_block_applies_transactions_rewards_slashes_and_pushes_the_root() -> None:
    state = world().state
    txs = (
        moonlight(ALICE_SK, A, B, 10, 1),
        moonlight(ALICE_SK, A, B, 20, 2),
        _stake(StakeOp.STAKE, 1_000, 1, BOB_SK, B),
    )
    block = Block(1, txs, emission=1_000, rewards=((C, 500),), slashes=((C, SlashKind.SOFT),))
    after, result = apply_block(state, block)
    fees = 2 * MOONLIGHT_GAS + stake_contract.STAKE_GAS
    assert after.stake(C).reward == 500 and after.stake(C).faults == 1
    assert after.burnt == 1_000 + fees - 500
    assert after.block_fees == 0 and after.height == 1
    assert after.roots[-1] == after.tree.root() and len(after.roots) == 2
    assert result.state_root == after.root() and len(result.receipts) == 3
    assert result.gas_spent == fees and len(result.event_bloom) == 256
    assert result.event_bloom == bloom([e for r in result.receipts for e in r.events])
    assert any(result.event_bloom)


@pytest.mark.parametrize(
    ("code", "block"),
    [
        ("runtime.wrong_height", Block(2)),
        ("runtime.wrong_nonce", Block(1, (moonlight(ALICE_SK, A, B, 10, 1),) * 2)),
        ("runtime.reward_exceeds_budget", Block(1, (), emission=10, rewards=((C, 11),))),
        ("runtime.reward_without_stake", Block(1, (), emission=10, rewards=((A, 1),))),
    ],
)
def test_an_invalid_block_is_rejected_with_the_state_unchanged(code: str, block: Block) -> None:
    state = world().state
    before = (state.root(), encode_transfer_state(state))
    with pytest.raises(RuntimeProtocolError) as info:
        apply_block(state, block)
    assert info.value.code == code
    assert (state.root(), encode_transfer_state(state)) == before


def test_the_block_gas_limit_is_enforced() -> None:
    small = replace(world().state, config=replace(CONFIG, block_gas_limit=2 * MOONLIGHT_GAS + 1))
    txs = tuple(moonlight(ALICE_SK, A, B, 1, n, gas_limit=MOONLIGHT_GAS) for n in (1, 2, 3))
    with pytest.raises(RuntimeProtocolError) as info:
        apply_block(small, Block(1, txs))
    assert info.value.code == "runtime.block_gas_limit"


def test_genesis_contracts_are_in_the_state_root() -> None:
    vm = world().state.vm
    assert [c.contract_id for c in vm.contracts] == [TRANSFER_CONTRACT, STAKE_CONTRACT]

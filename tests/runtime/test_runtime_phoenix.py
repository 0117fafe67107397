"""Phoenix transactions in the runtime with a real proof (spec/transactions.md §8): the
valid spend, each rule's refusal with its stable code and the state root unchanged, the ring
of recent roots, and a block carrying the transaction.

The proof is produced once by the real prover and then read from the proof cache
(tests/support/runtime_world.py); it is verified on every run through the ``verify_plonk``
host query."""

from __future__ import annotations

from dataclasses import replace

import pytest

from duskspec.crypto import phoenix_keys
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime.block import Block, apply_block
from duskspec.runtime.note import decode_note
from duskspec.runtime.transactions import PhoenixTx, execute_phoenix, phoenix_gas
from support.runtime_world import (
    GAS_PRICE,
    PHOENIX_GAS_LIMIT,
    RECEIVER_SK,
    SENDER_SK,
    phoenix_tx,
    phoenix_world,
    world,
)


def test_a_valid_spend_publishes_the_nullifier_and_appends_the_notes() -> None:
    tx, _ = phoenix_tx()
    state = phoenix_world()
    after, receipt = execute_phoenix(state, tx)
    assert after.nullifiers == state.nullifiers | set(tx.nullifiers)
    pay, change, refund = after.notes[len(state.notes) :]
    assert [n.pos for n in (pay, change, refund)] == [5, 6, 7]
    receiver_vk = phoenix_keys.view_key(RECEIVER_SK)
    assert (
        phoenix_keys.open_value(receiver_vk, pay.address, pay.value_enc, pay.value_commitment)[0]
        == 100_000_000
    )
    sender_vk = phoenix_keys.view_key(SENDER_SK)
    change_value = phoenix_keys.open_value(
        sender_vk, change.address, change.value_enc, change.value_commitment
    )[0]
    assert change_value == 500_000_000 - 100_000_000 - tx.max_fee
    assert refund.transparent_value() == (PHOENIX_GAS_LIMIT - phoenix_gas(1)) * GAS_PRICE
    assert refund.address == change.address
    assert receipt.gas_spent == phoenix_gas(1)
    assert after.block_fees == phoenix_gas(1) * GAS_PRICE
    assert after.root() != state.root()


def _variants() -> list[tuple[str, str]]:
    return [
        ("runtime.nullifier_spent", "spent"),
        ("runtime.unknown_root", "root"),
        ("runtime.bad_proof", "tampered_proof"),
        ("runtime.bad_proof", "truncated_proof"),
        ("runtime.bad_proof", "other_deposit"),
        ("runtime.bad_proof", "swapped_payment_note"),
        ("runtime.fee_mismatch", "gas_limit"),
        ("runtime.refund_address", "refund_address"),
        ("runtime.duplicate_nullifier", "duplicate"),
        ("runtime.input_count", "no_input"),
        ("runtime.malformed_note", "malformed_note"),
        ("runtime.wrong_chain", "chain"),
        ("runtime.zero_gas_price", "zero_price"),
        ("runtime.unknown_account", "convert_to_stranger"),
    ]


def _variant(kind: str) -> tuple[PhoenixTx, object]:
    tx, _ = phoenix_tx()
    state = phoenix_world()
    last = (int.from_bytes(tx.proof[-32:], "little") + 1).to_bytes(32, "little")
    other_note = world().state.notes[0]
    from duskspec.runtime.note import encode_note

    changes: dict[str, object] = {
        "spent": {},
        "root": {"root": (tx.root + 1)},
        "tampered_proof": {"proof": tx.proof[:-32] + last},
        "truncated_proof": {"proof": tx.proof[:-1]},
        "other_deposit": {"deposit": 1, "gas_limit": tx.gas_limit, "max_fee": tx.max_fee},
        "swapped_payment_note": {"outputs": (encode_note(other_note), tx.outputs[1])},
        "gas_limit": {"gas_limit": tx.gas_limit + 1},
        "refund_address": {
            "refund_address": phoenix_keys.encode_stealth_address(
                decode_note(tx.outputs[0]).address
            )
        },
        "duplicate": {"nullifiers": tx.nullifiers * 2},
        "no_input": {"nullifiers": ()},
        "malformed_note": {"outputs": (tx.outputs[0][:-1], tx.outputs[1])},
        "chain": {"chain_id": 7},
        "zero_price": {"gas_price": 0, "max_fee": 0},
        "convert_to_stranger": {"convert_to": bytes(96)},
    }
    if kind == "spent":
        state = execute_phoenix(state, tx)[0]
    return replace(tx, **changes[kind]), state  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "kind"), _variants(), ids=[k for _, k in _variants()])
def test_each_phoenix_rule_refuses_with_its_code_and_changes_nothing(code: str, kind: str) -> None:
    tx, state = _variant(kind)
    root = state.root()  # type: ignore[attr-defined]
    with pytest.raises(RuntimeProtocolError) as info:
        execute_phoenix(state, tx)  # type: ignore[arg-type]
    assert info.value.code == code
    assert state.root() == root  # type: ignore[attr-defined]


def test_a_root_older_than_the_ring_is_refused() -> None:
    tx, _ = phoenix_tx()
    state = phoenix_world()
    ring = state.config.max_roots
    newer = tuple(range(1, ring + 1))
    assert tx.root in state.roots
    expired = replace(state, roots=newer)
    with pytest.raises(RuntimeProtocolError) as info:
        execute_phoenix(expired, tx)
    assert info.value.code == "runtime.unknown_root"
    still = replace(state, roots=(*newer[1:], tx.root))
    assert execute_phoenix(still, tx)[0].nullifiers


def test_a_block_with_the_spend_then_a_block_repeating_it() -> None:
    tx, _ = phoenix_tx()
    state = phoenix_world()
    after, result = apply_block(state, Block(1, (tx,)))
    assert result.state_root == after.root()
    assert after.roots[-1] == after.tree.root()
    before = after.root()
    with pytest.raises(RuntimeProtocolError) as info:
        apply_block(after, Block(2, (tx,)))
    assert info.value.code == "runtime.nullifier_spent"
    assert after.root() == before

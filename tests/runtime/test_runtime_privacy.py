"""What Phoenix leaks, mechanically (spec/transactions.md §10).

(a) No secret of a Phoenix transfer (the input and output values, the blinders, the
    sender's and the receiver's keys, note secret keys, positions of the spent notes)
    appears in any public byte: the transaction's encoding, its block entry, its events, the
    post-state's encoding, the block's result, and the Kadcast datagrams that broadcast the
    transaction and the block (encoded with ``duskspec.network.kadcast.wire``).
(b) The leakage function :func:`leakage` extracted from the public bytes is exactly what
    spec/transactions.md §10 lists: a second transaction in a world that differs only in
    the secret values and the receiver has the same leakage.
(c) Two notes to the same receiver share no public bytes (no common 8-byte window).
"""

from __future__ import annotations

from duskspec.crypto import jubjub, phoenix_keys
from duskspec.network.kadcast import wire
from duskspec.network.kadcast.ids import compute_id, generate_nonce
from duskspec.runtime import wallet
from duskspec.runtime.block import Block, apply_block, encode_transaction
from duskspec.runtime.note import NOTE_SIZE, decode_note, encode_note, obfuscated_note
from duskspec.runtime.state import encode_stake_state, encode_transfer_state
from duskspec.runtime.transactions import PhoenixTx, encode_phoenix
from support.runtime_world import (
    GAS_PRICE,
    PHOENIX_GAS_LIMIT,
    RECEIVER,
    RECEIVER_SK,
    SENDER,
    SENDER_SK,
    phoenix_tx,
    phoenix_world,
    world,
)


def _windows(data: bytes, size: int = 8) -> set[bytes]:
    return {data[i : i + size] for i in range(len(data) - size + 1)}


NETWORK_ID = 1


def kadcast_datagram(payload: bytes, height: int = 7) -> bytes:
    """``payload`` broadcast by a Kadcast node as one datagram (type ‖ header ‖ height ‖
    frame), checked to decode back to the same frame."""
    ip, port = bytes([10, 0, 0, 1]), 9000
    node_id = compute_id(ip, port)
    header = wire.Header(node_id, generate_nonce(node_id, 8), port, NETWORK_ID)
    datagram = wire.encode_message(wire.Broadcast(header, height, payload))
    decoded = wire.decode_message(datagram, NETWORK_ID)
    assert isinstance(decoded, wire.Broadcast) and decoded.frame == payload
    return datagram


def _public_bytes(tx: PhoenixTx, with_state: bool = True) -> bytes:
    """What the transaction publishes; with ``with_state``, also the post-state's encoding
    (which holds every note ever created, the spent one included: public since its creation,
    so the spent note's identity is searched for without it)."""
    state = phoenix_world()
    after, result = apply_block(state, Block(1, (tx,)))
    events = b"".join(e.data + e.topic.encode() for r in result.receipts for e in r.events)
    block_body = result.state_root + result.event_bloom + encode_transaction(tx)
    parts = [
        encode_phoenix(tx),
        encode_transaction(tx),
        events,
        result.state_root,
        result.event_bloom,
        kadcast_datagram(encode_transaction(tx)),
        kadcast_datagram(block_body),
    ]
    if with_state:
        parts += [encode_transfer_state(after), encode_stake_state(after)]
    return b"".join(parts)


def _secrets() -> dict[str, bytes]:
    w = world()
    spent = w.owned[0]
    tx, _ = phoenix_tx()
    sender_vk = phoenix_keys.view_key(SENDER_SK)
    change = decode_note(tx.outputs[1])
    change_value, change_blinder = phoenix_keys.decrypt_value(
        sender_vk, change.address, change.value_enc
    )
    receiver_vk = phoenix_keys.view_key(RECEIVER_SK)
    pay = decode_note(tx.outputs[0])
    pay_value, pay_blinder = phoenix_keys.decrypt_value(receiver_vk, pay.address, pay.value_enc)
    address = phoenix_keys.stealth_address(SENDER, spent.stealth_r)
    note_sk = phoenix_keys.note_secret_key(SENDER_SK, address)
    return {
        "input value": spent.value.to_bytes(8, "little"),
        "input blinder": jubjub.encode_scalar(spent.blinder),
        "payment value": pay_value.to_bytes(8, "little"),
        "payment blinder": jubjub.encode_scalar(pay_blinder),
        "change value": change_value.to_bytes(8, "little"),
        "change blinder": jubjub.encode_scalar(change_blinder),
        "sender a": jubjub.encode_scalar(SENDER_SK.a),
        "sender b": jubjub.encode_scalar(SENDER_SK.b),
        "sender A": jubjub.encode_point(SENDER.A),
        "sender B": jubjub.encode_point(SENDER.B),
        "receiver A": jubjub.encode_point(RECEIVER.A),
        "receiver B": jubjub.encode_point(RECEIVER.B),
        "note secret key": jubjub.encode_scalar(note_sk),
        "input note commitment": jubjub.encode_point(
            jubjub.value_commitment(spent.value, spent.blinder)
        ),
        "input note public key": jubjub.encode_point(address.note_pk),
    }


def test_no_secret_appears_in_any_public_byte() -> None:
    tx, _ = phoenix_tx()
    public = _public_bytes(tx)
    published = _public_bytes(tx, with_state=False)
    secrets = _secrets()
    assert len(secrets) == 15
    for name, secret in secrets.items():
        assert secret not in (published if name.startswith("input note") else public), name
    # The check can fail: a public value (the max fee) is found the same way, also in the
    # Kadcast datagrams alone.
    assert tx.max_fee.to_bytes(8, "little") in public
    assert tx.max_fee.to_bytes(8, "little") in kadcast_datagram(encode_transaction(tx))


def leakage(tx: PhoenixTx) -> dict[str, object]:
    """spec/transactions.md §10: what a Phoenix transaction reveals."""
    return {
        "inputs": len(tx.nullifiers),
        "outputs": len(tx.outputs),
        "size": len(encode_phoenix(tx)),
        "max_fee": tx.max_fee,
        "deposit": tx.deposit,
        "gas_limit": tx.gas_limit,
        "gas_price": tx.gas_price,
        "root": tx.root,
        "note_sizes": tuple(len(o) for o in tx.outputs),
        "note_types": tuple(o[0] for o in tx.outputs),
        "proof_size": len(tx.proof),
    }


def test_two_notes_to_one_receiver_share_no_public_bytes() -> None:
    first = obfuscated_note(
        RECEIVER, SENDER, 100, 11, 12, (13, 14), bytes.fromhex("5a0c3e81d2f4a6b7c8d9e0f1")
    )
    second = obfuscated_note(
        RECEIVER, SENDER, 100, 21, 22, (23, 24), bytes.fromhex("97e1c2d3b4a5968778695a4b")
    )
    a, b = encode_note(first.at(9)), encode_note(second.at(10))
    assert len(a) == len(b) == NOTE_SIZE
    # Only the type byte, the sender tag and zero bytes of the position may coincide:
    # compare the fields that identify a note.
    fields_a = [a[1:33], a[33:97], a[105:173], a[174:]]
    fields_b = [b[1:33], b[33:97], b[105:173], b[174:]]
    for x in fields_a:
        for y in fields_b:
            assert not _windows(x) & _windows(y)


def _second_world() -> PhoenixTx:
    """The same world, the same spent note, another receiver and another amount: only
    secrets differ. A real proof of the same circuit as the first world's: its keys come
    from the key cache, the proof is made once (about 40 s of CPU on a fresh machine) and
    then read from the proof cache."""
    another = phoenix_keys.public_key(phoenix_keys.keygen(b"another receiver"))
    tx, _ = wallet.phoenix_transfer(
        world().state,
        SENDER_SK,
        [world().owned[0]],
        another,
        123_456_789,
        gas_limit=PHOENIX_GAS_LIMIT,
        gas_price=GAS_PRICE,
        seed=b"runtime tests phoenix 2",
    )
    return tx


def _view(tx: PhoenixTx) -> dict[str, object]:
    """The leakage plus what executing the transaction shows."""
    state = phoenix_world()
    after, result = apply_block(state, Block(1, (tx,)))
    receipt = result.receipts[0]
    new = after.notes[len(state.notes) :]
    return {
        **leakage(tx),
        "gas_spent": receipt.gas_spent,
        "event_sizes": tuple(len(e.data) for e in receipt.events),
        "new_positions": tuple(n.pos for n in new),
        "new_types": tuple(n.note_type for n in new),
        "refund": new[-1].transparent_value(),
        "state_size": len(encode_transfer_state(after)),
    }


def test_two_worlds_differing_only_in_secrets_leak_the_same() -> None:
    first, _ = phoenix_tx()
    second = _second_world()
    assert first.outputs[0] != second.outputs[0]  # the worlds do differ
    assert _view(first) == _view(second)

"""The allow-list token (spec/vm.md §10): a member transfers with a real PLONK proof of the
allow-list circuit (duskspec.runtime.circuits.allowlist) checked by verify_plonk; an outsider
cannot prove; a proof for another root, a replayed or tampered proof, or another transfer's
proof is refused with the state root unchanged byte for byte; the public inputs are the
only thing the proof carries about the sender."""

from __future__ import annotations

import struct

import pytest

from duskspec.crypto.plonk import verifier
from duskspec.crypto.plonk.constraint_system import is_satisfied
from duskspec.errors import CryptoError
from duskspec.runtime.circuits import allowlist
from duskspec.runtime.circuits.allowlist import (
    EXAMPLE_AMOUNT,
    EXAMPLE_KEYS,
    EXAMPLE_RECIPIENT_KEY,
    EXAMPLE_SENDER,
    OUTSIDER_KEY,
    allowlist_circuit,
    example_proof,
    example_tree,
    message,
    tag,
)
from duskspec.runtime.vm import machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import VmState, recompute_root
from duskspec.types import Hash32
from support.vm_world import CONFIG, OWNER, u64

SUPPLY = 1000
SENDER_TAG = tag(EXAMPLE_KEYS[EXAMPLE_SENDER])
RECIPIENT_TAG = tag(EXAMPLE_KEYS[EXAMPLE_RECIPIENT_KEY])


def scalar(value: int) -> bytes:
    return value.to_bytes(32, "little")


def deployed(root: int | None = None) -> tuple[VmState, Hash32]:
    root = example_tree().root() if root is None else root
    argument = scalar(root) + u64(SUPPLY) + scalar(SENDER_TAG)
    state, result = machine.deploy(
        VmState(), machine.DeployInput(bytecode("token"), OWNER, 0, argument, 10_000_000), CONFIG
    )
    return state, result.contract


def at(
    state: VmState, contract: Hash32, function: str, argument: bytes
) -> tuple[VmState, machine.CallResult]:
    return machine.call(state, machine.CallInput(contract, function, argument, 50_000_000), CONFIG)


def balance(state: VmState, contract: Hash32, account: int) -> int:
    _, result = at(state, contract, "balance", bytes([account]))
    return int(struct.unpack("<Q", result.output)[0])


def u32_prefixed(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def transfer_argument(
    proof: bytes,
    *,
    sender: int = 0,
    recipient: int = 1,
    amount: int = EXAMPLE_AMOUNT,
    to_tag: int = RECIPIENT_TAG,
) -> bytes:
    head = bytes([sender, recipient]) + u64(amount) + scalar(to_tag)
    return head + u32_prefixed(example_proof().verifier_key) + u32_prefixed(proof)


def test_the_contract_rebuilds_the_circuits_public_inputs() -> None:
    real = example_proof()
    root = example_tree().root()
    assert real.public_inputs == (root, SENDER_TAG, RECIPIENT_TAG, message(0, 1, 250, 0))
    assert verifier.verify(real.verifier_key, real.proof, list(real.public_inputs))


def test_a_member_transfers_with_a_proof() -> None:
    state, contract = deployed()
    after, result = at(state, contract, "transfer", transfer_argument(example_proof().proof))
    assert (balance(after, contract, 0), balance(after, contract, 1)) == (750, 250)
    _, account = at(after, contract, "account", b"\x01")
    assert account.output == u64(250) + scalar(RECIPIENT_TAG)
    _, nonce = at(after, contract, "nonce", b"")
    assert nonce.output == u64(1)
    event_data = bytes([0, 1]) + u64(EXAMPLE_AMOUNT)
    assert [(e.topic, e.data) for e in result.events] == [("transfer", event_data)]
    assert after.root() == recompute_root(after)


def test_an_outsider_cannot_prove_membership() -> None:
    """An outsider's key has no leaf: with any member's opening the circuit is unsatisfied
    and the prover refuses before proving."""
    tree = example_tree()
    for position in range(len(EXAMPLE_KEYS)):
        builder = allowlist_circuit(
            OUTSIDER_KEY, tree.opening(position), tree.root(), RECIPIENT_TAG, message(0, 1, 1, 0)
        )
        cs, witness, public = builder.compile()
        assert not is_satisfied(cs, witness, public)
    with pytest.raises(CryptoError) as info:
        allowlist.prove_transfer(
            OUTSIDER_KEY, tree.opening(0), tree.root(), RECIPIENT_TAG, message(0, 1, 1, 0)
        )
    assert info.value.code == "crypto.plonk_unsatisfied"


def test_a_member_cannot_claim_another_position_or_tag() -> None:
    tree = example_tree()
    key = EXAMPLE_KEYS[EXAMPLE_SENDER]
    builder = allowlist_circuit(key, tree.opening(0), tree.root(), RECIPIENT_TAG, 0)
    assert not is_satisfied(*builder.compile())
    honest = allowlist_circuit(key, tree.opening(EXAMPLE_SENDER), tree.root(), RECIPIENT_TAG, 0)
    cs, witness, public = honest.compile()
    assert is_satisfied(cs, witness, public)
    forged = (public[0], tag(EXAMPLE_KEYS[0]), *public[2:])
    assert not is_satisfied(cs, witness, forged)


def _tampered(proof: bytes) -> bytes:
    """The last evaluation plus one: still canonical, no longer valid."""
    last = int.from_bytes(proof[-32:], "little") + 1
    return proof[:-32] + last.to_bytes(32, "little")


@pytest.mark.parametrize(
    ("kind", "argument"),
    [
        ("tampered", lambda p: transfer_argument(_tampered(p))),
        ("other_amount", lambda p: transfer_argument(p, amount=EXAMPLE_AMOUNT - 1)),
        ("other_recipient", lambda p: transfer_argument(p, recipient=2)),
        ("other_recipient_tag", lambda p: transfer_argument(p, to_tag=SENDER_TAG)),
    ],
)
def test_a_proof_for_anything_else_is_refused(kind: str, argument: object) -> None:
    state, contract = deployed()
    root = state.root()
    assert callable(argument)
    with pytest.raises(VmError) as info:
        at(state, contract, "transfer", argument(example_proof().proof))
    assert (info.value.code, info.value.detail) == ("runtime.vm_panic", "invalid proof"), kind
    assert state.root() == root
    assert balance(state, contract, 0) == SUPPLY


def test_a_proof_for_another_root_is_refused() -> None:
    other = allowlist.allowlist_tree(EXAMPLE_KEYS[:4], allowlist.EXAMPLE_DEPTH).root()
    state, contract = deployed(root=other)
    root = state.root()
    with pytest.raises(VmError) as info:
        at(state, contract, "transfer", transfer_argument(example_proof().proof))
    assert info.value.detail == "invalid proof"
    assert state.root() == root


def test_a_replayed_proof_is_refused() -> None:
    state, contract = deployed()
    argument = transfer_argument(example_proof().proof)
    after, _ = at(state, contract, "transfer", argument)
    root = after.root()
    with pytest.raises(VmError) as info:
        at(after, contract, "transfer", argument)
    assert info.value.detail == "invalid proof"
    assert after.root() == root
    assert balance(after, contract, 0) == SUPPLY - EXAMPLE_AMOUNT


@pytest.mark.parametrize(
    ("argument", "message_"),
    [
        (bytes([0, 1]) + u64(SUPPLY + 1) + scalar(RECIPIENT_TAG), "insufficient balance"),
        (bytes([64, 1]) + u64(1) + scalar(RECIPIENT_TAG), "no such account"),
        (bytes([1, 0]) + u64(0) + scalar(0), "recipient tag mismatch"),
    ],
)
def test_transfers_refused_before_any_query(argument: bytes, message_: str) -> None:
    state, contract = deployed()
    root = state.root()
    with pytest.raises(VmError) as info:
        at(state, contract, "transfer", argument + u32_prefixed(b"") * 2)
    assert info.value.detail == message_
    assert state.root() == root


def test_the_proof_reveals_the_public_inputs_only() -> None:
    """Every member's proof for the same transfer carries the same public inputs except the
    sender tag; the tag is Poseidon(sk, 1), not a function of the leaf or its position, and
    the proof bytes contain none of the leaf, its position's items, or the key."""
    real = example_proof()
    tree = example_tree()
    key = EXAMPLE_KEYS[EXAMPLE_SENDER]
    assert allowlist.leaf(key) not in real.public_inputs
    secrets = [scalar(key), scalar(allowlist.leaf(key))]
    secrets += [scalar(item) for level in tree.opening(EXAMPLE_SENDER).branch for item in level]
    secrets = [s for s in secrets if s != scalar(0)]
    assert not any(s in real.proof for s in secrets)

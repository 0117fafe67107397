"""The settlement escrow (spec/vm.md §7): opening, refunds and balances; release through the
verify_plonk host query with a real PLONK proof of the settlement circuit
(duskspec.runtime.circuits.settlement); a tampered or malformed proof changes nothing."""

from __future__ import annotations

import struct

import pytest

from duskspec.runtime.circuits.settlement import (
    EXAMPLE_AMOUNT,
    EXAMPLE_BLINDERS,
    commitment,
)
from duskspec.runtime.circuits.settlement import example_proof as settlement_proof
from duskspec.runtime.vm import machine
from duskspec.runtime.vm.abi import Metadata
from duskspec.runtime.vm.contracts import bytecode
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import VmState, recompute_root
from duskspec.types import Hash32
from support.vm_world import CONFIG, OWNER, u64

COMMITMENT_B = bytes(range(32, 64))

#: The payer's commitment of the example settlement (what ``open`` records).
COMMITMENT_A = commitment(EXAMPLE_AMOUNT, EXAMPLE_BLINDERS[0]).to_bytes(32, "little")


def deployed() -> tuple[VmState, Hash32]:
    state, result = machine.deploy(
        VmState(),
        machine.DeployInput(bytecode("settlement"), OWNER, 0, u64(1000), 10_000_000),
        CONFIG,
    )
    return state, result.contract


def at(
    state: VmState, contract: Hash32, function: str, argument: bytes, height: int = 0
) -> tuple[VmState, machine.CallResult]:
    meta = Metadata(chain_id=1, block_height=height)
    inp = machine.CallInput(contract, function, argument, 50_000_000, meta)
    return machine.call(state, inp, CONFIG)


def balance(state: VmState, contract: Hash32, account: int) -> int:
    _, result = at(state, contract, "balance", bytes([account]))
    return int(struct.unpack("<Q", result.output)[0])


def opened() -> tuple[VmState, Hash32, machine.CallResult]:
    state, contract = deployed()
    argument = bytes([0, 0, 1]) + u64(300) + u64(100) + COMMITMENT_A
    state, result = at(state, contract, "open", argument)
    return state, contract, result


def test_open_locks_the_amount_and_records_the_commitment() -> None:
    state, contract, result = opened()
    assert balance(state, contract, 0) == 700
    _, record = at(state, contract, "escrow", b"\x00")
    assert record.output[:3] == bytes([1, 0, 1])
    assert record.output[8:24] == u64(300) + u64(100)
    assert record.output[24:56] == COMMITMENT_A
    assert [(e.topic, e.data) for e in result.events] == [("opened", b"\x00")]
    assert state.root() == recompute_root(state)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (bytes([0, 0, 1]) + u64(1) + u64(100) + COMMITMENT_A, "escrow in use"),
        (bytes([1, 0, 1]) + u64(701) + u64(100) + COMMITMENT_A, "insufficient balance"),
    ],
)
def test_open_refuses_a_used_escrow_and_an_overdraft(argument: bytes, message: str) -> None:
    state, contract, _ = opened()
    with pytest.raises(VmError) as info:
        at(state, contract, "open", argument)
    assert (info.value.code, info.value.detail) == ("runtime.vm_panic", message)


def test_refund_only_after_the_deadline() -> None:
    state, contract, _ = opened()
    with pytest.raises(VmError) as info:
        at(state, contract, "refund", b"\x00", height=100)
    assert info.value.detail == "too early"
    after, result = at(state, contract, "refund", b"\x00", height=101)
    assert balance(after, contract, 0) == 1000
    assert [(e.topic, e.data) for e in result.events] == [("refunded", b"\x00")]
    with pytest.raises(VmError) as again:
        at(after, contract, "refund", b"\x00", height=102)
    assert again.value.detail == "escrow not open"


def release_argument(proof: bytes, payee_commitment: bytes = b"") -> bytes:
    real = settlement_proof()
    return (
        b"\x00"
        + (payee_commitment or real.payee_commitment)
        + u32_prefixed(real.verifier_key)
        + u32_prefixed(proof)
    )


def test_release_with_a_real_proof_pays_the_payee() -> None:
    state, contract, _ = opened()
    after, result = at(state, contract, "release", release_argument(settlement_proof().proof))
    assert balance(after, contract, 1) == 300
    assert balance(after, contract, 0) == 700
    assert [(e.topic, e.data) for e in result.events] == [("released", b"\x00")]
    assert after.root() == recompute_root(after)
    with pytest.raises(VmError) as again:
        at(after, contract, "release", release_argument(settlement_proof().proof))
    assert again.value.detail == "escrow not open"


def _tampered(proof: bytes) -> bytes:
    """The last evaluation (z̄ω, a scalar) plus one: still canonical, no longer valid."""
    last = int.from_bytes(proof[-32:], "little") + 1
    return proof[:-32] + last.to_bytes(32, "little")


def _bad_release(kind: str) -> bytes:
    real = settlement_proof()
    if kind == "tampered_proof":
        return release_argument(_tampered(real.proof))
    if kind == "other_commitment":
        return release_argument(real.proof, bytes(range(32, 64)))
    return release_argument(real.proof[:-1])


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("tampered_proof", "runtime.vm_panic"),
        ("other_commitment", "runtime.vm_panic"),
        ("truncated_proof", "runtime.vm_host_query_argument"),
    ],
)
def test_release_without_a_valid_proof_changes_nothing(kind: str, code: str) -> None:
    state, contract, _ = opened()
    root = state.root()
    with pytest.raises(VmError) as info:
        at(state, contract, "release", _bad_release(kind))
    assert info.value.code == code
    if code == "runtime.vm_panic":
        assert info.value.detail == "invalid proof"
    assert state.root() == root
    assert balance(state, contract, 1) == 0


def test_release_of_an_escrow_that_is_not_open_panics_before_any_query() -> None:
    state, contract = deployed()
    with pytest.raises(VmError) as info:
        at(state, contract, "release", b"\x05" + COMMITMENT_B + u32_prefixed(b"") * 2)
    assert info.value.detail == "escrow not open"


def u32_prefixed(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data

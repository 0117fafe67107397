"""Shared set-up for the VM tests: a state with the counter and the ledger deployed."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from duskspec.runtime.vm import gas, machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.runtime.vm.state import VmState
from duskspec.types import Hash32

CONFIG = gas.TINY
OWNER = bytes(range(32))
DEPLOY_GAS = 10_000_000
CALL_GAS = 1_000_000


@dataclass(frozen=True)
class World:
    state: VmState
    counter: Hash32
    ledger: Hash32


def u64(value: int) -> bytes:
    return struct.pack("<Q", value)


def u32(value: int) -> bytes:
    return struct.pack("<I", value)


def world(counter_start: int = 5, supply: int = 1000) -> World:
    state = VmState()
    state, counter = machine.deploy(
        state,
        machine.DeployInput(bytecode("counter"), OWNER, 0, u64(counter_start), DEPLOY_GAS),
        CONFIG,
    )
    state, ledger = machine.deploy(
        state,
        machine.DeployInput(bytecode("ledger"), OWNER, 0, u64(supply), DEPLOY_GAS),
        CONFIG,
    )
    return World(state, counter.contract, ledger.contract)


def call(
    state: VmState, contract: Hash32, function: str, argument: bytes = b"", limit: int = CALL_GAS
) -> tuple[VmState, machine.CallResult]:
    return machine.call(state, machine.CallInput(contract, function, argument, limit), CONFIG)


def counter_value(w: World, state: VmState) -> int:
    _, result = call(state, w.counter, "read_value")
    return int(struct.unpack("<Q", result.output)[0])


def inner_call(callee: Hash32, function: str, limit: int, argument: bytes = b"") -> bytes:
    """The ledger's call_counter argument."""
    return callee + u64(limit) + bytes([len(function)]) + function.encode() + argument

"""More ways to fail (spec/vm.md A4, A5): every wasm trap kind, host functions given bad
pointers, re-entrancy and the call-depth bound. Each is a typed VmError and leaves the state
as it was."""

from __future__ import annotations

import struct

import pytest
import wasmtime

from duskspec.runtime.vm import machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import VmState, recompute_root
from duskspec.types import Hash32
from support.vm_world import CONFIG, OWNER, call, inner_call, u64, world

PROBE = """
(module
  (import "env" "emit" (func $emit (param i32 i32 i32)))
  (import "env" "hq" (func $hq (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (data (i32.const 16) "hash")
  (func $deep (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
    call $deep)
  (func (export "recurse") (param i32) (result i32)
    i32.const 0
    i32.const 1
    i32.store
    i32.const 0
    call $deep)
  (func (export "divide") (param i32) (result i32)
    i32.const 0
    i32.const 1
    i32.store
    i32.const 1
    local.get 0
    i32.div_u)
  (func (export "convert") (param i32) (result i32)
    f64.const nan
    i32.trunc_f64_s)
  (func (export "emit_wild") (param i32) (result i32)
    i32.const -16
    i32.const 8
    i32.const 0
    call $emit
    i32.const 0)
  (func (export "emit_long_topic") (param i32) (result i32)
    i32.const 0
    i32.const 300
    i32.const 0
    call $emit
    i32.const 0)
  (func (export "hq_wild") (param i32) (result i32)
    i32.const 16
    i32.const 4
    i32.const 70000
    call $hq)
  (func (export "too_long") (param i32) (result i32)
    i32.const 65537)
)
"""


def probe_world() -> tuple[VmState, Hash32]:
    code = bytes(wasmtime.wat2wasm(PROBE))
    state, deployed = machine.deploy(
        VmState(), machine.DeployInput(code, OWNER, 0, None, 10_000_000), CONFIG
    )
    return state, deployed.contract


@pytest.mark.parametrize(
    ("function", "code"),
    [
        ("recurse", "runtime.vm_trap_stack_overflow"),
        ("divide", "runtime.vm_trap_integer_division_by_zero"),
        ("convert", "runtime.vm_trap_bad_conversion_to_integer"),
        ("emit_wild", "runtime.vm_memory_access"),
        ("emit_long_topic", "runtime.vm_bad_topic"),
        ("hq_wild", "runtime.vm_argument_too_long"),
        ("too_long", "runtime.vm_result_too_long"),
    ],
)
def test_each_trap_kind_is_a_typed_error_with_the_state_unchanged(function: str, code: str) -> None:
    state, probe = probe_world()
    root = state.root()
    with pytest.raises(VmError) as info:
        call(state, probe, function, limit=50_000_000)
    assert info.value.code == code
    assert info.value.gas_spent == 50_000_000
    assert state.root() == root == recompute_root(state)


def test_a_contract_cannot_be_reentered() -> None:
    w = world()
    _, result = call(w.state, w.ledger, "call_counter", inner_call(w.ledger, "balance", 0))
    assert struct.unpack("<i", result.output[:4])[0] == -6


def test_the_call_stack_is_bounded() -> None:
    """A chain of ledgers, each calling the next: 32 frames run, a 33rd fails with -7 and
    every frame that saw the failure still returns normally."""
    w = world()
    state = w.state
    chain = []
    for nonce in range(1, 34):
        state, deployed = machine.deploy(
            state,
            machine.DeployInput(bytecode("ledger"), OWNER, nonce, u64(0), 10_000_000),
            CONFIG,
        )
        chain.append(deployed.contract)

    def nested(depth: int) -> bytes:
        # chain[0] calls chain[1] ... chain[depth-1] calls the counter's read_value.
        argument = inner_call(w.counter, "read_value", 0)
        for contract in reversed(chain[1:depth]):
            argument = inner_call(contract, "call_counter", 0, argument)
        return argument

    # 31 ledgers + the counter = 32 frames: fine.
    _, ok = call(state, chain[0], "call_counter", nested(31), limit=100_000_000)
    assert struct.pack("<i", -7) not in ok.output
    assert ok.output.endswith(u64(5))  # the counter's value, passed back up 31 frames
    # 32 ledgers + the counter = 33 frames: the innermost call fails with -7.
    after, deep = call(state, chain[0], "call_counter", nested(32), limit=100_000_000)
    assert after.root() == recompute_root(after)
    assert struct.pack("<i", -7) in deep.output

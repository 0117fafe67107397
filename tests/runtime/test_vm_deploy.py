"""Deployment (spec/vm.md §2) and the ABI checks a module passes before it runs."""

from __future__ import annotations

import pytest
import wasmtime

from duskspec.crypto.hashes import blake2b_256
from duskspec.runtime.vm import gas, machine
from duskspec.runtime.vm.contracts import NAMES, bytecode, source
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import VmState, recompute_root
from support.vm_world import CONFIG, OWNER, counter_value, u64, world


def deploy(code: bytes, init: bytes | None = None, nonce: int = 0, limit: int = 10_000_000):  # type: ignore[no-untyped-def]
    return machine.deploy(VmState(), machine.DeployInput(code, OWNER, nonce, init, limit), CONFIG)


def test_the_contract_id_is_blake2b_of_bytecode_nonce_and_owner() -> None:
    code = bytecode("counter")
    _, result = deploy(code, u64(1), nonce=7)
    assert result.contract == blake2b_256(code + (7).to_bytes(8, "little") + OWNER)


def test_init_runs_on_deploy_and_the_deploy_charge_is_taken() -> None:
    w = world(counter_start=41)
    assert counter_value(w, w.state) == 41
    _, result = deploy(bytecode("counter"), u64(1))
    charge = gas.deploy_charge(len(bytecode("counter")))
    assert charge == gas.MIN_DEPLOY_POINTS  # a 634-byte module pays the minimum
    assert charge < result.gas_spent < charge + 1_000  # plus what init spent
    assert gas.deploy_charge(60_000) == 6_000_000


def test_a_deploy_below_the_charge_fails_and_costs_its_limit() -> None:
    with pytest.raises(VmError) as info:
        deploy(bytecode("counter"), u64(1), limit=gas.MIN_DEPLOY_POINTS - 1)
    assert info.value.code == "runtime.vm_out_of_gas"
    assert info.value.gas_spent == gas.MIN_DEPLOY_POINTS - 1


def test_the_same_id_cannot_be_deployed_twice() -> None:
    w = world()
    with pytest.raises(VmError) as info:
        machine.deploy(
            w.state, machine.DeployInput(bytecode("counter"), OWNER, 0, u64(5), 10_000_000), CONFIG
        )
    assert info.value.code == "runtime.vm_contract_exists"


def test_a_failing_init_deploys_nothing() -> None:
    wat = """(module (memory (export "memory") 2) (global (export "A") i32 (i32.const 65536))
      (func (export "init") (param i32) (result i32) unreachable))"""
    with pytest.raises(VmError) as info:
        deploy(bytes(wasmtime.wat2wasm(wat)), b"")
    assert info.value.code == "runtime.vm_trap_unreachable"


def test_the_state_root_after_deploys_matches_the_recomputation() -> None:
    w = world()
    assert w.state.root() == recompute_root(w.state)
    assert [c.contract_id for c in w.state.contracts] == [w.counter, w.ledger]
    # The counter's initial value and data segments are on page 0, the argument on page 1.
    assert w.state.get(w.counter).touched == (0, 1)  # type: ignore[union-attr]


BAD_MODULES = [
    (b"\x00asm\x01\x00\x00\x00\xff", "runtime.vm_invalid_module"),
    (
        wasmtime.wat2wasm(
            '(module (import "env" "exit" (func)) (memory (export "memory") 1)'
            ' (global (export "A") i32 (i32.const 0)))'
        ),
        "runtime.vm_unknown_import",
    ),
    (
        wasmtime.wat2wasm(
            '(module (import "env" "limit" (func (result i32)))'
            ' (memory (export "memory") 1) (global (export "A") i32 (i32.const 0)))'
        ),
        "runtime.vm_bad_abi",
    ),
    (wasmtime.wat2wasm('(module (global (export "A") i32 (i32.const 0)))'), "runtime.vm_bad_abi"),
    (wasmtime.wat2wasm('(module (memory (export "memory") 1))'), "runtime.vm_bad_abi"),
    (
        wasmtime.wat2wasm(
            '(module (memory (export "memory") 1) (global (export "A") i32'
            " (i32.const 0)) (func $s) (start $s))"
        ),
        "runtime.vm_bad_abi",
    ),
    (
        wasmtime.wat2wasm(
            '(module (memory (export "memory") 1) (global (export "A") i32 (i32.const 1)))'
        ),
        "runtime.vm_bad_abi",
    ),
    (
        wasmtime.wat2wasm(
            '(module (memory (export "memory") i64 1) (global (export "A") i32 (i32.const 0)))'
        ),
        "runtime.vm_invalid_module",
    ),
]


@pytest.mark.parametrize(("code", "error"), BAD_MODULES)
def test_modules_outside_the_abi_are_refused(code: bytes, error: str) -> None:
    with pytest.raises(VmError) as info:
        deploy(bytes(code))
    assert info.value.code == error


def test_modules_are_compiled_once_per_bytecode() -> None:
    first = machine.compile_module(bytecode("ledger"), CONFIG)
    assert machine.compile_module(bytes(bytecode("ledger")), CONFIG) is first


def test_every_example_contract_has_a_readable_source() -> None:
    for name in NAMES:
        assert source(name).startswith(f";; {name}:")

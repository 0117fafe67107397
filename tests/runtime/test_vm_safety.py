"""VM safety (spec/vm.md §4): fuel stops loops, memory is capped and private, failures are
typed and revert exactly what they should."""

from __future__ import annotations

import struct

import pytest
import wasmtime

from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.errors import ProtocolError
from duskspec.runtime.vm import abi, gas, machine
from duskspec.runtime.vm.contracts import ledger_query
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import recompute_root
from support.vm_world import CALL_GAS, CONFIG, call, counter_value, inner_call, u32, u64, world


def test_an_infinite_loop_stops_on_fuel_with_the_state_unchanged() -> None:
    w = world()
    root = w.state.root()
    with pytest.raises(VmError) as info:
        call(w.state, w.counter, "spin", limit=200_000)
    assert info.value.code == "runtime.vm_out_of_gas"
    assert info.value.gas_spent == 200_000
    assert w.state.root() == root == recompute_root(w.state)
    assert counter_value(w, w.state) == 5


def test_memory_grows_up_to_the_limit_and_no_further() -> None:
    w = world()
    # 2 pages committed, TINY caps at 4: two more pages are fine ...
    state, result = call(w.state, w.counter, "grow", u32(2))
    assert result.output == u32(2)
    assert state.get(w.counter).page_count == 4  # type: ignore[union-attr]
    # ... one more is refused: memory.grow answers -1 (wasm semantics) ...
    _, result = call(state, w.counter, "try_grow", u32(1))
    assert result.output == struct.pack("<i", -1)
    # ... and a contract that needs it traps, with nothing changed.
    with pytest.raises(VmError) as info:
        call(state, w.counter, "grow", u32(1))
    assert info.value.code == "runtime.vm_trap_unreachable"


def test_growing_memory_then_failing_reverts_the_growth() -> None:
    w = world()
    with pytest.raises(VmError):
        call(w.state, w.ledger, "call_counter_then_panic", inner_call(w.counter, "grow", 0, u32(2)))
    assert w.state.get(w.counter).page_count == 2  # type: ignore[union-attr]
    # The same growth in a call that succeeds is kept.
    state, _ = call(w.state, w.ledger, "call_counter", inner_call(w.counter, "grow", 0, u32(2)))
    assert state.get(w.counter).page_count == 4  # type: ignore[union-attr]
    assert state.root() == recompute_root(state)


def test_a_module_whose_initial_memory_exceeds_the_limit_cannot_deploy() -> None:
    wat = '(module (memory (export "memory") 5) (global (export "A") i32 (i32.const 0)))'
    with pytest.raises(VmError) as info:
        machine.deploy(
            world().state,
            machine.DeployInput(bytes(wasmtime.wat2wasm(wat)), b"o", 0, None, 10_000_000),
            CONFIG,
        )
    assert info.value.code == "runtime.vm_memory_limit"


def test_a_contract_cannot_read_or_write_another_contracts_memory() -> None:
    w = world()
    # The counter writes 0xab at address 1024; the ledger keeps its own 1024 (its call count).
    state, _ = call(w.state, w.counter, "poke", u32(1024) + b"\xab")
    ledger_root = state.get(w.ledger).page_root()  # type: ignore[union-attr]
    _, seen = call(state, w.ledger, "peek", u32(1024))
    assert seen.output == b"\x00"
    _, own = call(state, w.counter, "peek", u32(1024))
    assert own.output == b"\xab"
    # An address past the end of its own memory traps: there is no other memory to reach.
    with pytest.raises(VmError) as info:
        call(state, w.ledger, "peek", u32(2 * PAGE_SIZE))
    assert info.value.code == "runtime.vm_trap_memory_out_of_bounds"
    # A ledger call that runs and calls the counter leaves the counter's memory alone
    # except through the counter's own code.
    after, _ = call(state, w.ledger, "call_counter", inner_call(w.counter, "read_value", 0))
    assert after.get(w.ledger).page_root() != ledger_root  # type: ignore[union-attr]
    counter_before = state.get(w.counter)
    counter_after = after.get(w.counter)
    assert counter_before is not None and counter_after is not None
    assert counter_after.memory[:PAGE_SIZE] == counter_before.memory[:PAGE_SIZE]


@pytest.mark.parametrize(
    ("function", "returned"),
    [("fail", -3), ("spin", -2), ("panic_now", -1), ("missing", -5), ("init", -5)],
)
def test_a_failing_callee_keeps_the_callers_earlier_writes_and_loses_its_own(
    function: str, returned: int
) -> None:
    w = world()
    state, result = call(w.state, w.ledger, "call_counter", inner_call(w.counter, function, 60_000))
    assert struct.unpack("<i", result.output[:4])[0] == returned
    assert counter_value(w, state) == 5  # the callee's +1 / +1000 is gone
    _, calls = call(state, w.ledger, "peek", u32(1024))
    assert calls.output == b"\x01"  # the caller's write before the call stays
    assert result.events == ()
    assert state.root() == recompute_root(state)


def test_a_failing_callee_charges_the_caller_its_whole_limit() -> None:
    w = world()
    _, ok = call(w.state, w.ledger, "call_counter", inner_call(w.counter, "read_value", 60_000))
    _, failed = call(w.state, w.ledger, "call_counter", inner_call(w.counter, "fail", 60_000))
    assert failed.gas_spent >= 60_000 > ok.gas_spent


def test_a_callee_without_a_usable_limit_gets_93_percent_of_what_is_left() -> None:
    w = world()
    _, result = call(w.state, w.ledger, "call_counter", inner_call(w.counter, "spin", 0))
    # The callee burnt its whole share; the caller's own instructions are a few hundred.
    assert CALL_GAS * 93 // 100 < result.gas_spent < CALL_GAS * 93 // 100 + 1_000
    assert gas.callee_limit(0, 1000) == 930
    assert gas.callee_limit(1000, 1000) == 930
    assert gas.callee_limit(999, 1000) == 999


def test_a_failure_after_a_successful_callee_reverts_the_whole_stack() -> None:
    w = world()
    root = w.state.root()
    with pytest.raises(VmError) as info:
        call(w.state, w.ledger, "call_counter_then_panic", inner_call(w.counter, "increment", 0))
    assert info.value.code == "runtime.vm_panic"
    assert info.value.detail == "after the call"
    assert info.value.gas_spent == CALL_GAS
    assert w.state.root() == root


FAILURES = [
    ("counter", "spin", b"", "runtime.vm_out_of_gas"),
    ("counter", "fail", b"", "runtime.vm_trap_unreachable"),
    ("counter", "panic_now", b"", "runtime.vm_panic"),
    ("counter", "grow", u32(3), "runtime.vm_trap_unreachable"),
    ("counter", "peek", u32(1 << 31), "runtime.vm_trap_memory_out_of_bounds"),
    ("counter", "nothing", b"", "runtime.vm_unknown_function"),
    ("counter", "init", b"", "runtime.vm_init_not_callable"),
    ("ledger", "transfer", bytes([3, 0]) + u64(1), "runtime.vm_panic"),
    ("ledger", "query", ledger_query("verify_plonk", b""), "runtime.vm_host_query_argument"),
    ("ledger", "query", ledger_query("poseidon_hash", b"\x01"), "runtime.vm_host_query_argument"),
    ("ledger", "meta", b"gas_price", "runtime.vm_unknown_metadata"),
    ("ledger", "call_counter_then_panic", b"", "runtime.vm_panic"),
]


@pytest.mark.parametrize(("target", "function", "argument", "code"), FAILURES)
def test_every_failure_is_a_protocol_error_and_the_state_is_byte_for_byte_unchanged(
    target: str, function: str, argument: bytes, code: str
) -> None:
    w = world()
    contract = w.counter if target == "counter" else w.ledger
    if function == "call_counter_then_panic":
        argument = inner_call(w.counter, "increment", 0)
    # Touch both contracts first so the failing call starts from a non-trivial state.
    state, _ = call(w.state, w.counter, "increment")
    state, _ = call(state, w.ledger, "transfer", bytes([0, 3]) + u64(0))
    memories = [c.memory for c in state.contracts]
    root = state.root()
    with pytest.raises(ProtocolError) as info:
        call(state, contract, function, argument, limit=30_000_000)
    assert isinstance(info.value, VmError)
    assert info.value.code == code
    assert [c.memory for c in state.contracts] == memories
    assert state.root() == root == recompute_root(state)


def test_call_failure_codes_are_stable() -> None:
    assert abi.call_failure_return("runtime.vm_trap_integer_division_by_zero") == -3
    assert abi.call_failure_return("runtime.vm_host_query_argument") == -8

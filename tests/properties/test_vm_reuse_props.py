"""Reusing instances across calls (spec/vm.md §12, V1-V2) is invisible: every call gives the
same output, gas, events and state root with the instance pool as with a fresh store and a
fresh instance per call, and only modules whose sole instance state is their memory are
reused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import wasmtime
from hypothesis import event, given, settings
from hypothesis import strategies as st

from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.runtime.vm import machine
from duskspec.runtime.vm.abi import Metadata
from duskspec.runtime.vm.contracts import bytecode
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import VmState, dirty_pages, recompute_root
from properties.test_vm_props import SETTLEMENT, STATE, WORLD, Step, steps
from support.vm_world import CONFIG, OWNER, u32

CONTRACTS = {"counter": WORLD.counter, "ledger": WORLD.ledger, "settlement": SETTLEMENT}

Outcome = tuple[object, ...]


def _run(sequence: list[Step], pooling: bool) -> Iterator[tuple[Outcome, bytes]]:
    """Each step's outcome and the state root after it, with or without the pools."""
    machine.POOLING = pooling
    try:
        state = STATE
        for target, function, argument, limit, height in sequence:
            meta = Metadata(chain_id=1, block_height=height)
            inp = machine.CallInput(CONTRACTS[target], function, argument, limit, meta)
            try:
                state, result = machine.call(state, inp, CONFIG)
                outcome: Outcome = ("ok", result.output, result.gas_spent, result.events)
            except VmError as error:
                outcome = ("error", error.code, error.gas_spent)
            yield outcome, state.root()
    finally:
        machine.POOLING = True


def test_pooled_calls_equal_fresh_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: Counter[str] = Counter()
    take = machine._Pool.take

    def counted(self: machine._Pool, *args: Any) -> machine._Loaded | None:
        loaded = take(self, *args)
        loads["reused" if loaded is not None else "fresh"] += 1
        return loaded

    monkeypatch.setattr(machine._Pool, "take", counted)

    @settings(derandomize=True)
    @given(st.lists(steps(), min_size=1, max_size=8))
    def run(sequence: list[Step]) -> None:
        pooled = list(_run(sequence, pooling=True))
        fresh = list(_run(sequence, pooling=False))
        assert pooled == fresh
        for outcome, _ in pooled:
            event(str(outcome[0]))

    run()
    # Both paths of the pooled runs are reached: instances reused and created afresh.
    assert loads["reused"] > 0 and loads["fresh"] > 0, dict(loads)


def test_a_grown_instance_is_not_reused_for_a_smaller_memory() -> None:
    """A pooled instance whose memory grew cannot shrink: the next call on the old state
    (smaller memory) gets a fresh instance, with the fresh outcome."""
    grow = machine.CallInput(WORLD.counter, "grow", u32(1), 2_000_000)
    grown, _ = machine.call(WORLD.state, grow, CONFIG)
    pooled_size = len(grown.get(WORLD.counter).memory)  # type: ignore[union-attr]
    assert pooled_size > len(WORLD.state.get(WORLD.counter).memory)  # type: ignore[union-attr]
    increment = machine.CallInput(WORLD.counter, "increment", b"", 2_000_000)
    pooled = machine.call(WORLD.state, increment, CONFIG)
    machine.POOLING = False
    try:
        fresh = machine.call(WORLD.state, increment, CONFIG)
    finally:
        machine.POOLING = True
    assert pooled[1] == fresh[1]
    assert pooled[0].root() == fresh[0].root() == recompute_root(pooled[0])


GLOBAL_COUNTER = """
(module
  (import "env" "hd" (func $hd (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $A (export "A") i32 (i32.const 65536))
  (global $n (mut i32) (i32.const 0))
  (func (export "bump") (param i32) (result i32)
    global.get $n
    i32.const 1
    i32.add
    global.set $n
    global.get $A
    global.get $n
    i32.store
    i32.const 4))
"""


def test_a_module_with_a_mutable_global_is_never_reused() -> None:
    """The global would survive between calls on a reused instance; every call sees 1."""
    code = bytes(wasmtime.wat2wasm(GLOBAL_COUNTER))
    assert not machine.resettable(code)
    state, deployed = machine.deploy(
        VmState(), machine.DeployInput(code, OWNER, 0, None, 10_000_000), CONFIG
    )
    outputs = set()
    for _ in range(3):
        call = machine.CallInput(deployed.contract, "bump", b"", 100_000)
        _, result = machine.call(state, call, CONFIG)
        outputs.add(result.output)
    assert outputs == {(1).to_bytes(4, "little")}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", True),
        ("(global $g (mut i64) (i64.const -1))", False),
        ("(global $g i64 (i64.const 11))", True),
        ("(global $g f64 (f64.const 1.5)) (global $h i32 (global.get $A))", True),
        ("(table 1 funcref)", False),
        ("(memory $second 1)", False),  # a second memory is not committed, nor reset
        # Without a data count section no instruction can reach a passive segment.
        ('(data "passive")', True),
        (
            '(data "passive") (func (param i32) (result i32) '
            "i32.const 0 i32.const 0 i32.const 1 memory.init 1 i32.const 0)",
            False,
        ),
        ('(func (export "d") (param i32) (result i32) data.drop 0 i32.const 0)', False),
    ],
)
def test_resettable_reads_the_instance_state_a_module_declares(extra: str, expected: bool) -> None:
    wat = f"""(module (memory (export "memory") 2)
      (global $A (export "A") i32 (i32.const 65536)) (data (i32.const 0) "x") {extra})"""
    assert machine.resettable(bytes(wasmtime.wat2wasm(wat))) is expected


@pytest.mark.parametrize("name", ["counter", "ledger", "token", "settlement"])
def test_the_example_contracts_are_resettable(name: str) -> None:
    assert machine.resettable(bytecode(name))


@given(
    old_pages=st.integers(0, 3),
    grown=st.integers(0, 2),
    writes=st.lists(st.tuples(st.integers(0, 5 * PAGE_SIZE - 1), st.integers(0, 255)), max_size=4),
)
def test_dirty_pages_equals_a_copying_page_comparison(
    old_pages: int, grown: int, writes: list[tuple[int, int]]
) -> None:
    """M2 as ``dirty_pages`` computes it in place equals comparing copied pages (a page past
    the old memory compares with zeros)."""
    old = bytes(old_pages * PAGE_SIZE)
    new = bytearray(old + bytes(grown * PAGE_SIZE))
    for at, value in writes:
        if at < len(new):
            new[at] = value
    expected = tuple(
        index
        for index in range(len(new) // PAGE_SIZE)
        if bytes(new[index * PAGE_SIZE : (index + 1) * PAGE_SIZE])
        != (old[index * PAGE_SIZE : (index + 1) * PAGE_SIZE] or bytes(PAGE_SIZE))
    )
    assert dirty_pages(old, bytes(new)) == expected
    event(f"{len(expected)} dirty")

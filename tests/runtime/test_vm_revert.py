"""The snapshot/revert machinery itself (spec/vm.md A2, A3), including the branches the
example contracts cannot reach on their own."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from duskspec.crypto import hashes
from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.runtime.vm import host_queries, machine
from duskspec.runtime.vm.abi import Metadata
from duskspec.runtime.vm.contracts import bytecode, ledger_query
from duskspec.runtime.vm.state import recompute_root
from support.vm_world import CONFIG, OWNER, call, u64, world


def test_a_memory_that_grew_is_reloaded_from_the_snapshot() -> None:
    w = world()
    session = machine._open_session(w.state, CONFIG, Metadata(0, 0), 1_000_000)
    store = session.store
    loaded = session.load(store, w.counter)
    loaded.memory.write(store, b"\x11", 0)
    snap = session.snapshot(store)
    loaded.memory.write(store, b"\x22", 0)
    assert loaded.memory.grow(store, 1)
    session.revert(store, snap)
    assert w.counter not in session.instances  # dropped: wasm memories cannot shrink
    again = session.load(store, w.counter)
    assert again.memory.data_len(store) == 2 * PAGE_SIZE
    assert again.memory.read(store, 0, 1) == bytearray(b"\x11")


def test_a_contract_first_loaded_inside_a_failed_frame_is_dropped() -> None:
    w = world()
    session = machine._open_session(w.state, CONFIG, Metadata(0, 0), 1_000_000)
    store = session.store
    snap = session.snapshot(store)
    session.load(store, w.ledger).memory.write(store, b"\x99", 0)
    session.revert(store, snap)
    assert session.instances == {}
    assert session.load(store, w.ledger).memory.read(store, 0, 1) != bytearray(b"\x99")


def test_a_failing_host_query_in_a_callee_is_a_typed_failure_for_its_caller() -> None:
    w = world()
    state, second = machine.deploy(
        w.state, machine.DeployInput(bytecode("ledger"), OWNER, 1, u64(5), 10_000_000), CONFIG
    )
    bad_query = ledger_query("poseidon_hash", b"\x01")
    argument = second.contract + u64(0) + bytes([5]) + b"query" + bad_query
    after, result = call(state, w.ledger, "call_counter", argument, limit=10_000_000)
    assert struct.unpack("<i", result.output[:4])[0] == -8
    assert after.get(second.contract) == state.get(second.contract)
    assert after.root() == recompute_root(after)


@settings(derandomize=True)
@given(st.binary(max_size=200), st.lists(st.integers(0, hashes.BLS_SCALAR_ORDER - 1), max_size=6))
def test_cached_and_fresh_answers_and_their_gas_agree(data: bytes, scalars: list[int]) -> None:
    w = world()
    queries = [("hash", data)]
    if scalars:
        queries.append(("poseidon_hash", b"".join(x.to_bytes(32, "little") for x in scalars)))
    for name, args in queries:
        argument = ledger_query(name, args)
        host_queries.clear_cache()
        _, cold = call(w.state, w.ledger, "query", argument, limit=10_000_000)
        _, warm = call(w.state, w.ledger, "query", argument, limit=10_000_000)
        assert cold == warm
        assert cold.output == host_queries.HOST_QUERIES[name].run(args)

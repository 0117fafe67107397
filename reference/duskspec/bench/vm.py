"""The VM (spec/vm.md): Python-to-wasm calls per second, how fast wasm burns fuel, host
queries per second by kind with the gas price each would get from its measured time, and the
state-root update cost per dirty page.

CPU time is ``time.process_time``; things compared run interleaved in one process, and each
ratio's floor is measured in the same run. The host-query price check is the point of the
suite: ``derived_gas`` is the query's measured CPU time converted at the measured fuel rate
of wasm code, and ``table/derived`` shows how the fixed price table compares on this machine.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import wasmtime

from duskspec import encoding
from duskspec.bench import Suite
from duskspec.crypto import bls, schnorr
from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.runtime.vm import gas, host_queries, machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import ContractState, VmState, put_contract, with_memory
from duskspec.types import Hash32

CONFIG = gas.TINY
OWNER = bytes(32)


def cpu_seconds(fn: Callable[[], object], *, repeat: int = 5, min_batch_s: float = 0.05) -> float:
    """Median CPU seconds of one call over ``repeat`` batches of at least ``min_batch_s``."""
    fn()
    loops = 1
    while True:
        start = time.process_time()
        for _ in range(loops):
            fn()
        elapsed = time.process_time() - start
        if elapsed >= min_batch_s:
            break
        loops *= 2
    samples = [elapsed / loops]
    for _ in range(repeat - 1):
        start = time.process_time()
        for _ in range(loops):
            fn()
        samples.append((time.process_time() - start) / loops)
    return statistics.median(samples)


def _world() -> tuple[VmState, Hash32, Hash32]:
    state = VmState()
    state, counter = machine.deploy(
        state,
        machine.DeployInput(bytecode("counter"), OWNER, 0, bytes(8), 10_000_000),
        CONFIG,
    )
    state, ledger = machine.deploy(
        state,
        machine.DeployInput(bytecode("ledger"), OWNER, 0, bytes(8), 10_000_000),
        CONFIG,
    )
    return state, counter.contract, ledger.contract


def fuel_per_cpu_second(state: VmState, counter: Hash32, fuel: int = 100_000_000) -> float:
    """Fuel a tight wasm loop burns per CPU second (counter.spin until out of gas)."""

    def spin() -> None:
        with contextlib.suppress(VmError):
            machine.call(state, machine.CallInput(counter, "spin", b"", fuel), CONFIG)

    return fuel / cpu_seconds(spin, repeat=3, min_batch_s=0.0)


def _call_rows(state: VmState, counter: Hash32) -> list[dict[str, object]]:
    full = cpu_seconds(
        lambda: machine.call(state, machine.CallInput(counter, "read_value", b"", 10_000), CONFIG)
    )
    engine = machine.engine(CONFIG)
    store = wasmtime.Store(engine)
    store.set_fuel(1 << 60)
    raw_module = wasmtime.Module(
        engine,
        bytes(
            wasmtime.wat2wasm('(module (func (export "f") (param i32) (result i32) i32.const 0))')
        ),
    )
    raw = wasmtime.Instance(store, raw_module, []).exports(store)["f"]
    assert isinstance(raw, wasmtime.Func)
    floor = cpu_seconds(lambda: raw(store, 0))
    return [
        {
            "measure": "VM call counter.read_value (session, load, commit)",
            "per_s": 1 / full,
            "cpu_us": full * 1e6,
            "gas": 0,
            "derived_gas": 0,
            "table/derived": 0.0,
            "vs_floor": full / floor,
        },
        {
            "measure": "floor: bare wasmtime call of an instantiated function",
            "per_s": 1 / floor,
            "cpu_us": floor * 1e6,
            "gas": 0,
            "derived_gas": 0,
            "table/derived": 0.0,
            "vs_floor": 1.0,
        },
    ]


def query_arguments() -> dict[str, bytes]:
    """Representative arguments for each query."""
    sk, pk = bls.keygen(b"bench vm")
    msg = b"bench message"
    keys = [bls.keygen(bytes([i]) * 4) for i in range(8)]
    multisig = bls.aggregate_signatures([bls.sign_multisig(s, p, msg) for s, p in keys])
    schnorr_sk = 0xC0FFEE
    schnorr_sig = schnorr.sign(schnorr_sk, 77)
    return {
        "hash (64 B)": bytes(range(64)),
        "poseidon_hash (4 inputs)": b"".join(i.to_bytes(32, "little") for i in range(1, 5)),
        "verify_bls": encoding.encode_var_bytes(msg) + pk + bls.sign(sk, msg),
        "verify_bls_multisig (8 keys)": encoding.encode_var_bytes(msg)
        + encoding.encode_u32(8)
        + b"".join(p for _, p in keys)
        + multisig,
        "verify_schnorr": (77).to_bytes(32, "little")
        + schnorr.public_key(schnorr_sk).encode()
        + schnorr.encode_signature(schnorr_sig),
    }


def _query_rows(state: VmState, ledger: Hash32, fuel_rate: float) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for label, args in query_arguments().items():
        name = label.split(" ")[0]
        query = host_queries.lookup(name)

        def cold(query: host_queries.HostQuery = query, args: bytes = args) -> None:
            host_queries.clear_cache()
            bls.forget_weighted_keys()
            host_queries.answer(query, args)

        direct = cpu_seconds(cold, repeat=3)
        argument = bytes([len(name)]) + name.encode() + args

        def in_contract(argument: bytes = argument) -> None:
            host_queries.clear_cache()
            bls.forget_weighted_keys()
            machine.call(state, machine.CallInput(ledger, "query", argument, 10**9), CONFIG)

        via_vm = cpu_seconds(in_contract, repeat=3)
        derived = direct * fuel_rate
        price = query.price(args)
        rows.append(
            {
                "measure": f"hq {label}",
                "per_s": 1 / direct,
                "cpu_us": direct * 1e6,
                "gas": price,
                "derived_gas": round(derived),
                "table/derived": price / derived,
                "vs_floor": via_vm / direct,
            }
        )
    return rows


def _state_root_rows() -> list[dict[str, object]]:
    pages = 16
    contract = ContractState(Hash32(bytes(32)), OWNER, b"", bytes(pages * PAGE_SIZE))
    state = put_contract(VmState(), contract)
    rows: list[dict[str, object]] = []
    for dirty in (1, 4, 16):
        memory = bytearray(contract.memory)
        for index in range(dirty):
            memory[index * PAGE_SIZE] = 1
        image = bytes(memory)

        def update(image: bytes = image) -> None:
            put_contract(state, with_memory(replace(contract), image))

        seconds = cpu_seconds(update)
        rows.append(
            {
                "measure": f"state root update, {dirty} dirty of {pages} pages",
                "per_s": 1 / seconds,
                "cpu_us": seconds * 1e6,
                "gas": 0,
                "derived_gas": 0,
                "table/derived": 0.0,
                "vs_floor": seconds / dirty * 1e6,
            }
        )
    return rows


def run() -> Suite:
    state, counter, ledger = _world()
    fuel_rate = fuel_per_cpu_second(state, counter)
    rows: list[dict[str, object]] = [
        {
            "measure": "wasm fuel per CPU second (tight loop)",
            "per_s": fuel_rate,
            "cpu_us": 0.0,
            "gas": 0,
            "derived_gas": 0,
            "table/derived": 0.0,
            "vs_floor": 0.0,
        }
    ]
    rows += _call_rows(state, counter)
    rows += _query_rows(state, ledger, fuel_rate)
    rows += _state_root_rows()
    notes = [
        "hq rows: per_s = cold answers per CPU second (cache cleared each time); gas = the "
        "price table; derived_gas = cpu time x wasm fuel rate; vs_floor = a ledger call that "
        "asks the query, over the query called directly.",
        "state-root rows: vs_floor = CPU microseconds per dirty page.",
        "verify_plonk: not measured: the query is not registered until the PLONK verifier is "
        "wired in (spec/vm.md §6.3).",
    ]
    return Suite("vm", "WebAssembly VM (CPU time, process_time)", rows, notes)

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
import importlib
import importlib.util
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import wasmtime

from duskspec import encoding
from duskspec.bench import Suite
from duskspec.crypto import bls, schnorr
from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.runtime.vm import gas, host_queries, machine
from duskspec.runtime.vm.contracts import bytecode, ledger_query, source
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import ContractState, VmState, put_contract, with_memory
from duskspec.types import Hash32

CONFIG = gas.TINY
OWNER = bytes(32)
SUPPLY = (1000).to_bytes(8, "little")


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


def interleaved(
    first: Callable[[], object], second: Callable[[], object], *, pairs: int = 41
) -> tuple[float, float]:
    """Median CPU seconds of one call of each, the two run alternately in one loop so that
    load on the machine weighs on both alike."""
    first()
    second()
    a: list[float] = []
    b: list[float] = []
    for _ in range(pairs):
        start = time.process_time()
        first()
        a.append(time.process_time() - start)
        start = time.process_time()
        second()
        b.append(time.process_time() - start)
    return statistics.median(a), statistics.median(b)


def _world() -> tuple[VmState, Hash32, Hash32]:
    state = VmState()
    state, counter = machine.deploy(
        state,
        machine.DeployInput(bytecode("counter"), OWNER, 0, SUPPLY, 10_000_000),
        CONFIG,
    )
    state, ledger = machine.deploy(
        state,
        machine.DeployInput(bytecode("ledger"), OWNER, 0, SUPPLY, 10_000_000),
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
    dirty = cpu_seconds(
        lambda: machine.call(state, machine.CallInput(counter, "increment", b"", 10_000), CONFIG)
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
            "measure": "VM call counter.increment (2 dirty pages, an event)",
            "per_s": 1 / dirty,
            "cpu_us": dirty * 1e6,
            "gas": 0,
            "derived_gas": 0,
            "table/derived": 0.0,
            "vs_floor": dirty / floor,
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
        argument = ledger_query(name, args)

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


def _plonk_rows(state: VmState, ledger: Hash32, fuel_rate: float) -> list[dict[str, object]]:
    """``verify_plonk`` from a contract against the verifier called directly (goal: within
    1.2x). Runs only where the PLONK verifier exists; it must then be registered."""
    if importlib.util.find_spec("duskspec.crypto.plonk.verifier") is None:
        return []
    plonk: Any = importlib.import_module("duskspec.crypto.plonk")
    for part in ("examples", "keys", "kzg", "prover", "verifier"):
        importlib.import_module(f"duskspec.crypto.plonk.{part}")
    cs, witness, public_inputs = plonk.examples.four_wire_circuit()
    srs = plonk.kzg.insecure_test_srs(b"duskspec bench vm", 64)
    pk, vk = plonk.keys.derive_keys(cs, srs)
    proof = plonk.prover.prove(pk, witness, public_inputs, seed=b"bench vm")
    key = vk.encode()
    args = (
        encoding.encode_var_bytes(key)
        + encoding.encode_var_bytes(proof)
        + encoding.encode_u32(len(public_inputs))
        + b"".join(x.to_bytes(32, "little") for x in public_inputs)
    )
    argument = ledger_query("verify_plonk", args)
    query = host_queries.lookup("verify_plonk")

    def direct() -> None:
        assert plonk.verifier.verify(key, proof, public_inputs)

    def in_contract() -> None:
        host_queries.clear_cache()
        _, result = machine.call(state, machine.CallInput(ledger, "query", argument, 10**9), CONFIG)
        assert result.output == b"\x01"

    direct_s, via_vm = interleaved(direct, in_contract)
    price = query.price(args)
    return [
        {
            "measure": "hq verify_plonk (2 public inputs), contract vs direct",
            "per_s": 1 / direct_s,
            "cpu_us": direct_s * 1e6,
            "gas": price,
            "derived_gas": round(direct_s * fuel_rate),
            "table/derived": price / (direct_s * fuel_rate),
            "vs_floor": via_vm / direct_s,
        }
    ]


def _token_rows(fuel_rate: float) -> list[dict[str, object]]:
    """The allow-list token's ``transfer`` (a real proof, four public inputs, spec/vm.md §10)
    against the same verify called directly, interleaved."""
    from duskspec.crypto.plonk import verifier
    from duskspec.runtime.circuits import allowlist

    real = allowlist.example_proof()
    keys = allowlist.EXAMPLE_KEYS
    init = (
        allowlist.example_tree().root().to_bytes(32, "little")
        + encoding.encode_u64(1000)
        + allowlist.tag(keys[allowlist.EXAMPLE_SENDER]).to_bytes(32, "little")
    )
    state, deployed = machine.deploy(
        VmState(), machine.DeployInput(bytecode("token"), OWNER, 0, init, 10_000_000), CONFIG
    )
    argument = (
        bytes([0, 1])
        + encoding.encode_u64(allowlist.EXAMPLE_AMOUNT)
        + allowlist.tag(keys[allowlist.EXAMPLE_RECIPIENT_KEY]).to_bytes(32, "little")
        + encoding.encode_var_bytes(real.verifier_key)
        + encoding.encode_var_bytes(real.proof)
    )
    inputs = list(real.public_inputs)

    def direct() -> None:
        assert verifier.verify(real.verifier_key, real.proof, inputs)

    def in_contract() -> None:
        host_queries.clear_cache()
        inp = machine.CallInput(deployed.contract, "transfer", argument, 60_000_000)
        machine.call(state, inp, CONFIG)

    direct_s, via_vm = interleaved(direct, in_contract)
    price = host_queries.VERIFY_PLONK_BASE + 4 * host_queries.VERIFY_PLONK_PER_INPUT
    return [
        {
            "measure": "token.transfer (allow-list proof, 4 public inputs) vs direct verify",
            "per_s": 1 / direct_s,
            "cpu_us": direct_s * 1e6,
            "gas": price,
            "derived_gas": round(direct_s * fuel_rate),
            "table/derived": price / (direct_s * fuel_rate),
            "vs_floor": via_vm / direct_s,
        }
    ]


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
            # The root is read: page and state trees are folded lazily (spec/vm.md M5-M6).
            put_contract(state, with_memory(replace(contract), image)).root()

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


#: Bytes each wasm store instruction writes.
STORE_WIDTHS = {
    "i32.store": 4,
    "i64.store": 8,
    "f32.store": 4,
    "f64.store": 8,
    "i32.store8": 1,
    "i32.store16": 2,
    "i64.store8": 1,
    "i64.store16": 2,
    "i64.store32": 4,
}
#: Where the instrumented contracts count store bytes and store instructions (page 0's last
#: 16 bytes, unused by the example contracts).
STORE_BYTES_AT = 65520
STORE_COUNT_AT = 65528


def _bump(address: int, amount: int) -> str:
    return (
        f"    i32.const {address}\n    i32.const {address}\n    i64.load\n"
        f"    i64.const {amount}\n    i64.add\n    i64.store\n"
    )


def instrument_stores(wat: str) -> str:
    """The WAT with, before every store instruction (written flat, one per line), two
    stack-neutral counter updates: store bytes at STORE_BYTES_AT, stores at STORE_COUNT_AT."""
    lines = []
    for line in wat.splitlines(keepends=True):
        op = line.strip().split(" ")[0]
        if op in STORE_WIDTHS:
            lines.append(_bump(STORE_BYTES_AT, STORE_WIDTHS[op]) + _bump(STORE_COUNT_AT, 1))
        lines.append(line)
    return "".join(lines)


def _store_rows() -> list[dict[str, object]]:
    """Dusk charges 4 gas per byte a store writes (i64.store: 32) where wasmtime's default
    charges 1 per instruction; the Python API cannot set per-operator costs (spec/vm.md D3).
    Measured here: the gas each example call would cost with Dusk's rule, over ours."""
    codes = {
        name: bytes(wasmtime.wat2wasm(instrument_stores(source(name))))
        for name in ("counter", "ledger")
    }
    state = VmState()
    ids: dict[str, Hash32] = {}
    for name, code in codes.items():
        state, deployed = machine.deploy(
            state, machine.DeployInput(code, OWNER, 0, (1000).to_bytes(8, "little"), 10**7), CONFIG
        )
        ids[name] = deployed.contract
    plain, counter, ledger = _world()
    plain_ids = {"counter": counter, "ledger": ledger}
    calls = [
        ("counter", "increment", b""),
        ("counter", "add", (3).to_bytes(8, "little")),
        ("ledger", "transfer", bytes([0, 1]) + (5).to_bytes(8, "little")),
        ("ledger", "balance", b"\x01"),
        ("ledger", "gas", b""),
    ]
    rows: list[dict[str, object]] = []
    for name, function, argument in calls:
        after, _ = machine.call(
            state, machine.CallInput(ids[name], function, argument, 10**7), CONFIG
        )
        before_c, after_c = state.get(ids[name]), after.get(ids[name])
        assert before_c is not None and after_c is not None

        def counter_delta(at: int, b: ContractState = before_c, a: ContractState = after_c) -> int:
            old = int.from_bytes(b.memory[at : at + 8], "little")
            return int.from_bytes(a.memory[at : at + 8], "little") - old

        store_bytes, stores = counter_delta(STORE_BYTES_AT), counter_delta(STORE_COUNT_AT)
        _, ours = machine.call(
            plain, machine.CallInput(plain_ids[name], function, argument, 10**7), CONFIG
        )
        dusk = ours.gas_spent + gas.BYTE_STORE_COST * store_bytes - stores
        rows.append(
            {
                "measure": f"store surcharge {name}.{function}: {stores} stores, {store_bytes} B",
                "per_s": 0.0,
                "cpu_us": 0.0,
                "gas": ours.gas_spent,
                "derived_gas": dusk,
                "table/derived": ours.gas_spent / dusk,
                "vs_floor": 0.0,
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
    rows += _plonk_rows(state, ledger, fuel_rate)
    rows += _token_rows(fuel_rate)
    rows += _state_root_rows()
    rows += _store_rows()
    notes = [
        "hq rows: per_s = cold answers per CPU second (cache cleared each time); gas = the "
        "price table; derived_gas = cpu time x wasm fuel rate; vs_floor = a ledger call that "
        "asks the query, over the query called directly.",
        "state-root rows: vs_floor = CPU microseconds per dirty page.",
        "store rows: gas = ours (1 fuel per store), derived_gas = with Dusk's 4 gas per "
        "stored byte (counted by an instrumented copy of the contract), table/derived = ours "
        "over Dusk's.",
        "verify_plonk: measured only where the PLONK verifier exists (spec/vm.md §6.3); "
        "its vs_floor is the contract call over the direct verify (goal: 1.2).",
    ]
    return Suite("vm", "WebAssembly VM (CPU time, process_time)", rows, notes)

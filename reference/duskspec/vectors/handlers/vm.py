"""``tiny/vm`` handlers: the WebAssembly VM (spec/vm.md). Preset ``tiny`` caps a contract's
memory at 4 pages, so the memory limit is reachable.

Each case is a VM state before (every contract's id, owner, bytecode, memory pages and
touched pages; its state root), one action (a call or a deploy) and the outcome: the output,
the gas spent, the events, and the state root after. A call that fails (trap, panic, out of
gas, bad host-query argument) is a *valid* case whose outcome names the error code: the
transaction still pays ``gas_spent`` (the whole limit) and the root is unchanged. A ``pre``
that does not hash to its stated root is invalid (``runtime.vm_bad_pre_state``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from duskspec import encoding
from duskspec.crypto import bls, hashes, schnorr
from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.runtime.circuits import allowlist, settlement
from duskspec.runtime.vm import gas, machine
from duskspec.runtime.vm.abi import Metadata
from duskspec.runtime.vm.contracts import bytecode, ledger_query
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.state import (
    ContractState,
    VmState,
    page_tree_from_scratch,
    put_contract,
    recompute_root,
)
from duskspec.types import Hash32
from duskspec.vectors.registry import Case, Handler

CONFIG = gas.TINY
OWNER = bytes(range(32))


# --- parts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageJson:
    index: int
    #: The page's bytes with trailing zero bytes dropped (the rest of the 64 KiB are zero).
    data: bytes


@dataclass(frozen=True)
class ContractJson:
    contract_id: Hash32
    owner: bytes
    bytecode: bytes
    #: Memory size in 64 KiB pages.
    pages: int
    #: The non-zero pages.
    memory: tuple[PageJson, ...]
    #: Every page ever written (its leaf is BLAKE3(page); the others are empty).
    touched: tuple[int, ...]


@dataclass(frozen=True)
class VmStateJson:
    contracts: tuple[ContractJson, ...]
    root: Hash32


@dataclass(frozen=True)
class VmInput:
    #: ``call`` or ``deploy``.
    action: str
    gas_limit: int
    chain_id: int = 0
    block_height: int = 0
    public_sender: bytes | None = None
    #: call: the contract, the function and its argument.
    contract: bytes = b""
    function: str = ""
    argument: bytes = b""
    #: deploy: the module, owner, nonce and init argument (``None``: no init call).
    bytecode: bytes = b""
    owner: bytes = b""
    nonce: int = 0
    init_argument: bytes | None = None


@dataclass(frozen=True)
class EventJson:
    source: Hash32
    topic: str
    data: bytes


@dataclass(frozen=True)
class VmPost:
    #: ``None`` on success, else the error code of the failed call or deploy.
    error: str | None
    output: bytes
    gas_spent: int
    events: tuple[EventJson, ...]
    #: The deployed contract's id (deploy only).
    deployed: bytes
    state_root: Hash32
    #: Every contract's page-tree root after, in deployment order.
    page_roots: tuple[Hash32, ...]


# --- state <-> JSON -------------------------------------------------------------------------


def _pages(memory: bytes) -> tuple[PageJson, ...]:
    pages = []
    for index in range(len(memory) // PAGE_SIZE):
        data = memory[index * PAGE_SIZE : (index + 1) * PAGE_SIZE].rstrip(b"\x00")
        if data:
            pages.append(PageJson(index, data))
    return tuple(pages)


def state_json(state: VmState) -> VmStateJson:
    contracts = tuple(
        ContractJson(c.contract_id, c.owner, c.bytecode, c.page_count, _pages(c.memory), c.touched)
        for c in state.contracts
    )
    return VmStateJson(contracts, state.root())


def _bad_pre(why: str) -> VmError:
    return VmError("runtime.vm_bad_pre_state", why)


def state_from_json(pre: VmStateJson) -> VmState:
    """The state a ``pre`` describes; its root must match."""
    state = VmState()
    for c in pre.contracts:
        memory = bytearray(c.pages * PAGE_SIZE)
        for page in c.memory:
            if not 0 <= page.index < c.pages or len(page.data) > PAGE_SIZE:
                raise _bad_pre("a page lies outside the memory")
            memory[page.index * PAGE_SIZE : page.index * PAGE_SIZE + len(page.data)] = page.data
        contract = ContractState(
            Hash32(c.contract_id), c.owner, c.bytecode, bytes(memory), tuple(sorted(c.touched))
        )
        contract = ContractState(
            contract.contract_id,
            contract.owner,
            contract.bytecode,
            contract.memory,
            contract.touched,
            page_tree_from_scratch(contract),
        )
        state = put_contract(state, contract)
    if recompute_root(state) != pre.root:
        raise _bad_pre("the memories do not hash to the stated root")
    return state


# --- run ------------------------------------------------------------------------------------


def _post(
    state: VmState,
    error: str | None,
    output: bytes,
    gas_spent: int,
    events: tuple[EventJson, ...] = (),
    deployed: bytes = b"",
) -> VmPost:
    roots = tuple(c.page_root() for c in state.contracts)
    return VmPost(error, output, gas_spent, events, deployed, state.root(), roots)


def run_vm(pre: VmStateJson, inp: VmInput) -> VmPost:
    """Apply one call or deploy to the state ``pre`` describes."""
    state = state_from_json(pre)
    meta = Metadata(inp.chain_id, inp.block_height, inp.public_sender)
    try:
        if inp.action == "call":
            call = machine.CallInput(
                Hash32(inp.contract), inp.function, inp.argument, inp.gas_limit, meta
            )
            after, result = machine.call(state, call, CONFIG)
            events = tuple(EventJson(e.source, e.topic, e.data) for e in result.events)
            return _post(after, None, result.output, result.gas_spent, events)
        if inp.action == "deploy":
            dep = machine.DeployInput(
                inp.bytecode, inp.owner, inp.nonce, inp.init_argument, inp.gas_limit, meta
            )
            after, deployed = machine.deploy(state, dep, CONFIG)
            events = tuple(EventJson(e.source, e.topic, e.data) for e in deployed.events)
            return _post(after, None, b"", deployed.gas_spent, events, deployed.contract)
    except VmError as error:
        return _post(state, error.code, b"", error.gas_spent or 0)
    raise VmError("runtime.vm_bad_action", f"no action {inp.action!r}")


# --- the world the cases start from ---------------------------------------------------------


@dataclass(frozen=True)
class _World:
    state: VmState
    counter: Hash32
    ledger: Hash32


def _u64(value: int) -> bytes:
    return value.to_bytes(8, "little")


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def _world() -> _World:
    state = VmState()
    state, counter = machine.deploy(
        state, machine.DeployInput(bytecode("counter"), OWNER, 0, _u64(5), 10_000_000), CONFIG
    )
    state, ledger = machine.deploy(
        state, machine.DeployInput(bytecode("ledger"), OWNER, 0, _u64(1000), 10_000_000), CONFIG
    )
    return _World(state, counter.contract, ledger.contract)


def _call(contract: bytes, function: str, argument: bytes = b"", limit: int = 1_000_000) -> VmInput:
    return VmInput("call", limit, contract=contract, function=function, argument=argument)


def _inner(callee: bytes, function: str, limit: int, argument: bytes = b"") -> bytes:
    return callee + _u64(limit) + bytes([len(function)]) + function.encode() + argument


def _case(
    w: _World, name: str, description: str, inp: VmInput, state: VmState | None = None
) -> Case:
    return Case(name, description, inp, pre=state_json(state or w.state))


# --- vm/abi ---------------------------------------------------------------------------------


def _abi_cases() -> Iterator[Case]:
    w = _world()
    c, led = w.counter, w.ledger
    yield _case(w, "read_value", "a u64 result in the argument buffer", _call(c, "read_value"))
    yield _case(w, "increment_event", "a result and one event", _call(c, "increment"))
    yield _case(w, "add_argument", "a u64 argument", _call(c, "add", _u64(37)))
    yield _case(w, "whoami_top_level", "caller() is 0 at the top; self_id()", _call(led, "whoami"))
    yield _case(
        w,
        "c_success",
        "c copies the argument to the callee and its output back; the ledger returns ret ‖ output",
        _call(led, "call_counter", _inner(c, "read_value", 0)),
    )
    meta = VmInput(
        "call",
        1_000_000,
        chain_id=1,
        block_height=123_456,
        public_sender=bytes(range(96)),
        contract=led,
        function="meta",
        argument=b"public_sender",
    )
    yield _case(w, "hd_public_sender", "hd answers 0x01 ‖ the 96-byte sender", meta)
    for name in ("chain_id", "block_height"):
        inp = VmInput(
            "call",
            1_000_000,
            chain_id=1,
            block_height=123_456,
            contract=led,
            function="meta",
            argument=name.encode(),
        )
        yield _case(w, f"hd_{name}", f"hd answers {name} in the canonical encoding", inp)
    yield _case(
        w, "hd_unknown", "an unknown metadata name fails the call", _call(led, "meta", b"gas_price")
    )
    yield _case(w, "limit_and_spent", "limit() and spent() from inside", _call(led, "gas"))
    yield _case(w, "unknown_function", "no such export", _call(c, "decrement"))
    yield _case(w, "init_not_callable", "init runs on deploy only", _call(c, "init", _u64(0)))
    yield _case(w, "unknown_contract", "no such contract", _call(bytes(32), "read_value"))
    yield _case(
        w,
        "c_to_init",
        "c refuses init: the callee fails with -5, the caller goes on",
        _call(led, "call_counter", _inner(c, "init", 0, _u64(9))),
    )
    yield _case(
        w,
        "deploy_counter",
        "deploy: id = BLAKE2b-256(bytecode ‖ nonce ‖ owner), init runs",
        VmInput(
            "deploy",
            10_000_000,
            bytecode=bytecode("counter"),
            owner=b"\x07" * 32,
            nonce=3,
            init_argument=_u64(77),
        ),
    )
    yield _case(
        w,
        "deploy_twice",
        "the same bytecode, nonce and owner again",
        VmInput(
            "deploy",
            10_000_000,
            bytecode=bytecode("counter"),
            owner=OWNER,
            nonce=0,
            init_argument=_u64(1),
        ),
    )


# --- vm/gas ---------------------------------------------------------------------------------


def _gas_cases() -> Iterator[Case]:
    w = _world()
    c, led = w.counter, w.ledger
    for limit in (1, 1_000, 250_000):
        yield _case(
            w,
            f"spin_{limit}",
            "an infinite loop stops on fuel; the whole limit is spent",
            _call(c, "spin", limit=limit),
        )
    yield _case(w, "read_value_exact", "the fuel of a short call", _call(c, "read_value"))
    yield _case(
        w,
        "emit_charge",
        "increment emits 11 + 8 bytes: 76 gas on top of its instructions",
        _call(c, "increment"),
    )
    yield _case(
        w,
        "pass_93_percent",
        "a callee with limit 0 gets 93 % of what is left, and burns it",
        _call(led, "call_counter", _inner(c, "spin", 0)),
    )
    yield _case(
        w,
        "explicit_callee_limit",
        "a callee given 5,000 gas burns exactly that",
        _call(led, "call_counter", _inner(c, "spin", 5_000)),
    )
    yield _case(
        w,
        "failed_callee_charged_limit",
        "a trapping callee costs the caller its whole limit",
        _call(led, "call_counter", _inner(c, "fail", 20_000)),
    )
    yield _case(
        w,
        "successful_callee_charged_spent",
        "a callee that returns costs what it spent",
        _call(led, "call_counter", _inner(c, "increment", 20_000)),
    )
    for size in (0, 100, 1000):
        data = (bytes(range(256)) * 4)[:size]
        yield _case(
            w,
            f"hash_price_{size}",
            f"hash of {size} bytes: 4,000 + 2 per byte",
            _call(led, "query", ledger_query("hash", data)),
        )
    yield _case(
        w,
        "host_query_out_of_gas",
        "a query priced above what is left fails the call",
        _call(led, "query", ledger_query("poseidon_hash", bytes(32)), limit=900_000),
    )
    yield _case(
        w,
        "deploy_minimum_charge",
        "a small module pays the 5,000,000 minimum plus init",
        VmInput(
            "deploy",
            6_000_000,
            bytecode=bytecode("ledger"),
            owner=b"\x01",
            nonce=1,
            init_argument=_u64(1),
        ),
    )
    yield _case(
        w,
        "deploy_below_charge",
        "a deploy limit below the charge fails and pays its limit",
        VmInput(
            "deploy",
            4_999_999,
            bytecode=bytecode("ledger"),
            owner=b"\x01",
            nonce=1,
            init_argument=_u64(1),
        ),
    )
    yield _case(
        w,
        "deploy_without_init",
        "no init argument: only the deploy charge",
        VmInput("deploy", 6_000_000, bytecode=bytecode("counter"), owner=b"\x02", nonce=0),
    )


# --- vm/host_queries ------------------------------------------------------------------------


def _scalar(value: int) -> bytes:
    return value.to_bytes(32, "little")


def _query(led: bytes, name: str, args: bytes) -> VmInput:
    return _call(led, "query", ledger_query(name, args), limit=60_000_000)


def _host_query_cases() -> Iterator[Case]:
    w = _world()
    led = w.ledger
    yield _case(w, "hash_abc", "hash_to_scalar(b'abc')", _query(led, "hash", b"abc"))
    yield _case(w, "hash_empty", "hash of no bytes", _query(led, "hash", b""))
    yield _case(w, "poseidon_one", "Poseidon(Other, [1])", _query(led, "poseidon_hash", _scalar(1)))
    five = b"".join(_scalar(i) for i in range(1, 6))
    yield _case(
        w,
        "poseidon_five",
        "five inputs: two permutations' price",
        _query(led, "poseidon_hash", five),
    )
    yield _case(
        w,
        "poseidon_noncanonical",
        "an input not below r",
        _query(led, "poseidon_hash", _scalar(hashes.BLS_SCALAR_ORDER)),
    )
    yield _case(
        w,
        "poseidon_ragged",
        "not a multiple of 32 bytes",
        _query(led, "poseidon_hash", b"\x01" * 33),
    )
    sk, pk = bls.keygen(b"vm vectors")
    msg = b"settle 42"
    sig = bls.sign(sk, msg)
    yield _case(
        w,
        "verify_bls_valid",
        "a valid BLS signature",
        _query(led, "verify_bls", encoding.encode_var_bytes(msg) + pk + sig),
    )
    yield _case(
        w,
        "verify_bls_other_message",
        "the signature of another message: 0",
        _query(led, "verify_bls", encoding.encode_var_bytes(b"settle 43") + pk + sig),
    )
    yield _case(
        w,
        "verify_bls_bad_point",
        "a public key that is not a point",
        _query(led, "verify_bls", encoding.encode_var_bytes(msg) + b"\xff" * 96 + sig),
    )
    keys = [bls.keygen(bytes([i]) * 8) for i in range(3)]
    multisig = bls.aggregate_signatures([bls.sign_multisig(s, p, msg) for s, p in keys])
    pks = b"".join(p for _, p in keys)
    yield _case(
        w,
        "verify_bls_multisig_valid",
        "three keys, aggregated rogue-key safely",
        _query(
            led,
            "verify_bls_multisig",
            encoding.encode_var_bytes(msg) + encoding.encode_u32(3) + pks + multisig,
        ),
    )
    yield _case(
        w,
        "verify_bls_multisig_missing_key",
        "two of the three keys: 0",
        _query(
            led,
            "verify_bls_multisig",
            encoding.encode_var_bytes(msg) + encoding.encode_u32(2) + pks[:192] + multisig,
        ),
    )
    yield _case(
        w,
        "verify_bls_multisig_no_keys",
        "a count of 0",
        _query(led, "verify_bls_multisig", encoding.encode_var_bytes(msg) + encoding.encode_u32(0)),
    )
    schnorr_sk = 0x5EC12E7
    schnorr_pk = schnorr.public_key(schnorr_sk).encode()
    schnorr_sig = schnorr.encode_signature(schnorr.sign(schnorr_sk, 99))
    yield _case(
        w,
        "verify_schnorr_valid",
        "a valid JubJub Schnorr signature",
        _query(led, "verify_schnorr", _scalar(99) + schnorr_pk + schnorr_sig),
    )
    yield _case(
        w,
        "verify_schnorr_other_message",
        "another message: 0",
        _query(led, "verify_schnorr", _scalar(100) + schnorr_pk + schnorr_sig),
    )
    yield _case(
        w,
        "verify_schnorr_short",
        "a truncated argument",
        _query(led, "verify_schnorr", _scalar(99) + schnorr_pk),
    )
    yield _case(
        w,
        "verify_plonk_empty_argument",
        "verify_plonk with an empty argument: a host-query argument error",
        _query(led, "verify_plonk", b""),
    )
    yield _case(
        w,
        "unknown_query",
        "keccak256 is disabled, as on Dusk mainnet",
        _query(led, "keccak256", b"x"),
    )


# --- vm/contracts ---------------------------------------------------------------------------


def _after(state: VmState, contract: bytes, function: str, argument: bytes = b"") -> VmState:
    after, _ = machine.call(
        state, machine.CallInput(Hash32(contract), function, argument, 1_000_000), CONFIG
    )
    return after


def _contract_cases() -> Iterator[Case]:
    w = _world()
    c, led = w.counter, w.ledger
    busy = _after(_after(w.state, c, "increment"), led, "transfer", bytes([0, 1]) + _u64(300))
    yield _case(w, "counter_increment", "the counter from 5 to 6", _call(c, "increment"))
    yield _case(
        w, "counter_after_calls", "a state that has seen calls", _call(c, "add", _u64(10)), busy
    )
    yield _case(
        w,
        "ledger_transfer",
        "300 from account 1 to 2, one event",
        _call(led, "transfer", bytes([1, 2]) + _u64(300)),
        busy,
    )
    yield _case(
        w,
        "ledger_overdraft",
        "301 from account 1 that holds 300: panic, nothing moves",
        _call(led, "transfer", bytes([1, 2]) + _u64(301)),
        busy,
    )
    yield _case(w, "ledger_balance", "account 1's balance", _call(led, "balance", bytes([1])), busy)
    yield _case(
        w, "fail_reverts", "a trap after a write: the write is gone", _call(c, "fail"), busy
    )
    yield _case(w, "panic_reverts", "a panic after a write", _call(c, "panic_now"), busy)
    yield _case(
        w, "grow_within_limit", "2 more pages: 4 of the 4 allowed", _call(c, "grow", _u32(2))
    )
    grown = _after(w.state, c, "grow", _u32(2))
    yield _case(
        w,
        "grow_past_limit_traps",
        "a fifth page: memory.grow says -1 and the contract traps",
        _call(c, "grow", _u32(1)),
        grown,
    )
    yield _case(
        w,
        "try_grow_past_limit",
        "memory.grow answers -1 past the limit",
        _call(c, "try_grow", _u32(1)),
        grown,
    )
    poked = _after(w.state, c, "poke", _u32(1024) + b"\xab")
    yield _case(
        w,
        "isolation_peek_own",
        "the counter reads its own byte",
        _call(c, "peek", _u32(1024)),
        poked,
    )
    yield _case(
        w,
        "isolation_peek_other",
        "the ledger at the same address reads its own memory",
        _call(led, "peek", _u32(1024)),
        poked,
    )
    yield _case(
        w,
        "isolation_out_of_bounds",
        "past its own memory a contract traps",
        _call(led, "peek", _u32(2 * PAGE_SIZE)),
        poked,
    )
    for fn in ("fail", "spin", "panic_now"):
        yield _case(
            w,
            f"nested_{fn}_keeps_caller_writes",
            f"the callee's {fn} is reverted; the caller's earlier write stays",
            _call(led, "call_counter", _inner(c, fn, 50_000)),
            busy,
        )
    yield _case(
        w,
        "nested_success_then_panic",
        "the caller panics after a successful callee: both revert",
        _call(led, "call_counter_then_panic", _inner(c, "increment", 0)),
        busy,
    )
    yield _case(
        w,
        "nested_grow_then_panic",
        "a callee's memory growth is reverted with the caller",
        _call(led, "call_counter_then_panic", _inner(c, "grow", 0, _u32(2))),
    )
    yield from _settlement_cases()
    yield from _token_cases()


def _settlement_cases() -> Iterator[Case]:
    """The escrow: open, refund by deadline, and release through verify_plonk with a real
    proof of the settlement circuit (and a tampered one)."""
    state, deployed = machine.deploy(
        VmState(),
        machine.DeployInput(bytecode("settlement"), OWNER, 0, _u64(1000), 10_000_000),
        CONFIG,
    )
    sid = deployed.contract
    w = _World(state, sid, sid)
    commitment = settlement.commitment(
        settlement.EXAMPLE_AMOUNT, settlement.EXAMPLE_BLINDERS[0]
    ).to_bytes(32, "little")
    open_arg = bytes([0, 0, 1]) + _u64(300) + _u64(100) + commitment
    yield _case(
        w, "settlement_open", "300 from account 0 locked in escrow 0", _call(sid, "open", open_arg)
    )
    opened = _after(state, sid, "open", open_arg)
    for height in (100, 101):
        inp = VmInput(
            "call",
            1_000_000,
            block_height=height,
            contract=sid,
            function="refund",
            argument=b"\x00",
        )
        yield _case(
            w, f"settlement_refund_at_{height}", "refund after the deadline 100 only", inp, opened
        )
    real = settlement.example_proof()
    tampered_last = (int.from_bytes(real.proof[-32:], "little") + 1).to_bytes(32, "little")
    for name, intent, proof in (
        ("settlement_release_with_proof", "a real PLONK proof: 300 to account 1", real.proof),
        (
            "settlement_release_tampered_proof",
            "the proof's last evaluation plus one: invalid proof, nothing moves",
            real.proof[:-32] + tampered_last,
        ),
    ):
        release = (
            b"\x00"
            + real.payee_commitment
            + encoding.encode_var_bytes(real.verifier_key)
            + encoding.encode_var_bytes(proof)
        )
        yield _case(w, name, intent, _call(sid, "release", release, limit=60_000_000), opened)


def _token_cases() -> Iterator[Case]:
    """The allow-list token: a transfer with a real proof of the allow-list circuit, the
    same proof tampered, replayed after it was accepted, and against another root."""
    real = allowlist.example_proof()
    sender_tag = allowlist.tag(allowlist.EXAMPLE_KEYS[allowlist.EXAMPLE_SENDER])
    recipient_tag = allowlist.tag(allowlist.EXAMPLE_KEYS[allowlist.EXAMPLE_RECIPIENT_KEY])
    other_root = allowlist.allowlist_tree(allowlist.EXAMPLE_KEYS[:4], allowlist.EXAMPLE_DEPTH)

    def deployed(root: int) -> tuple[VmState, Hash32]:
        init = _scalar(root) + _u64(1000) + _scalar(sender_tag)
        state, result = machine.deploy(
            VmState(), machine.DeployInput(bytecode("token"), OWNER, 0, init, 10_000_000), CONFIG
        )
        return state, result.contract

    def transfer(proof: bytes) -> bytes:
        head = bytes([0, 1]) + _u64(allowlist.EXAMPLE_AMOUNT) + _scalar(recipient_tag)
        key = encoding.encode_var_bytes(real.verifier_key)
        return head + key + encoding.encode_var_bytes(proof)

    state, tid = deployed(allowlist.example_tree().root())
    w = _World(state, tid, tid)
    tampered_last = (int.from_bytes(real.proof[-32:], "little") + 1).to_bytes(32, "little")
    for name, intent, proof in (
        ("token_transfer_with_proof", "a member's proof: 250 from account 0 to 1", real.proof),
        (
            "token_transfer_tampered_proof",
            "the proof's last evaluation plus one: invalid proof, nothing moves",
            real.proof[:-32] + tampered_last,
        ),
    ):
        yield _case(w, name, intent, _call(tid, "transfer", transfer(proof), 60_000_000))
    replayed, _ = machine.call(
        state, machine.CallInput(tid, "transfer", transfer(real.proof), 60_000_000), CONFIG
    )
    yield _case(
        w,
        "token_transfer_replayed_proof",
        "the accepted proof again: the nonce moved on, invalid proof",
        _call(tid, "transfer", transfer(real.proof), 60_000_000),
        replayed,
    )
    other_state, other_id = deployed(other_root.root())
    yield _case(
        _World(other_state, other_id, other_id),
        "token_transfer_other_root",
        "the proof against a token whose allow-list has another root: invalid proof",
        _call(other_id, "transfer", transfer(real.proof), 60_000_000),
    )


def _bad_pre_cases() -> Iterator[Case]:
    w = _world()
    pre = state_json(w.state)
    wrong = VmStateJson(pre.contracts, Hash32(bytes(32)))
    yield Case(
        "wrong_root",
        "the stated root does not match the memories",
        _call(w.counter, "read_value"),
        pre=wrong,
        expected_error="runtime.vm_bad_pre_state",
    )


def _handler(name: str, intent: str, cases: Callable[[], Iterator[Case]]) -> Handler:
    return Handler(
        preset="tiny",
        component="vm",
        name=name,
        intent=intent,
        input_type=VmInput,
        post_type=VmPost,
        pre_type=VmStateJson,
        run=run_vm,
        cases=cases,
    )


def _abi_all() -> Iterator[Case]:
    yield from _abi_cases()
    yield from _bad_pre_cases()


HANDLERS = (
    _handler("abi", "argument buffer, c/hq/hd/caller/self_id/limit/spent, deploy ids", _abi_all),
    _handler(
        "gas",
        "fuel as gas, emit, 93 % pass-on, failed callees, host-query prices, deploy charge",
        _gas_cases,
    ),
    _handler(
        "host_queries",
        "hash, poseidon_hash, verify_bls(_multisig), verify_schnorr through a contract",
        _host_query_cases,
    ),
    _handler(
        "contracts",
        "counter and ledger: writes, reverts, memory limit, isolation, nested calls; "
        "settlement and allow-list token with real PLONK proofs",
        _contract_cases,
    ),
)

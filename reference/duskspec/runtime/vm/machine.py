"""The VM: deploy and call contracts on wasmtime, atomically (spec/vm.md §2-§4).

``deploy(state, DeployInput) -> (state, DeployResult)`` and ``call(state, CallInput) ->
(state, CallResult)`` are pure at the interface: the given state is never changed, and a
failure raises :class:`VmError` (with the gas the failure costs) and leaves it as it was.

Inside, a call runs in a *session*: one wasmtime store whose fuel is the gas, and one
instance per contract touched, loaded from the contract's committed memory. Every frame of
the call stack takes a snapshot (the memories of the loaded contracts and the event count)
before it runs and restores it if it fails, so a trap, a panic or running out of gas undoes
the failed frame and everything it called, and nothing else. At the end the memories are
folded back into the state and only the dirty pages are rehashed.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import wasmtime

from duskspec.crypto.hashes import blake3_256
from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.errors import ProtocolError
from duskspec.runtime.vm import abi, gas, host_queries
from duskspec.runtime.vm.abi import Event, Metadata
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.gas import ARGBUF_LEN, VmConfig
from duskspec.runtime.vm.state import ContractState, VmState, put_contract, with_memory
from duskspec.types import Hash32

# --- engine and module cache -------------------------------------------------------------


def _engine_config(config: VmConfig) -> wasmtime.Config:
    cfg = wasmtime.Config()
    cfg.consume_fuel = True
    cfg.cranelift_nan_canonicalization = True
    cfg.wasm_relaxed_simd = False
    cfg.wasm_memory64 = False
    cfg.wasm_threads = False
    cfg.max_wasm_stack = config.max_wasm_stack
    return cfg


_ENGINES: dict[int, wasmtime.Engine] = {}
#: Each cached module's import names, in the order instantiation takes them.
_IMPORT_NAMES: dict[int, tuple[str, ...]] = {}
#: Compiled modules by ``(engine, BLAKE3(bytecode))`` (D3: compiled once, reused by every call).
_MODULES: dict[tuple[int, Hash32], wasmtime.Module] = {}
#: Each cached module's pre-linked instantiation (imports resolved once, V1).
_PRE: dict[int, wasmtime.InstancePre] = {}
#: Each cached module's exported functions of the entry type ``fn(u32) -> u32``.
_ENTRIES: dict[int, frozenset[str]] = {}
#: One linker per engine: the ABI host functions, defined once and shared by every store.
_LINKERS: dict[int, wasmtime.Linker] = {}
#: The sessions running, innermost last: a host function acts on the innermost one.
_ACTIVE: list[_Session] = []
#: Modules whose only instance state is their memory (V2, :func:`resettable`).
_RESETTABLE: dict[int, bool] = {}


def engine(config: VmConfig) -> wasmtime.Engine:
    key = config.max_wasm_stack
    if key not in _ENGINES:
        _ENGINES[key] = wasmtime.Engine(_engine_config(config))
    return _ENGINES[key]


def _dispatch(name: str) -> Callable[..., Any]:
    """The host function ``name`` as the linker holds it: it runs ``host_<name>`` of the
    innermost active session (a store-independent function, created once per engine)."""

    def host(ctx: Ctx, *args: int) -> Any:
        return getattr(_ACTIVE[-1], f"host_{name}")(ctx, *args)

    return host


def linker(eng: wasmtime.Engine) -> wasmtime.Linker:
    """V1: the engine's linker with every ABI import defined, built once."""
    key = id(eng)
    if key not in _LINKERS:
        new = wasmtime.Linker(eng)
        for name in abi.IMPORTS:
            new.define_func(abi.IMPORT_MODULE, name, _IMPORT_TYPES[name], _dispatch(name), True)
        _LINKERS[key] = new
    return _LINKERS[key]


_VALTYPES = {"i32": wasmtime.ValType.i32, "i64": wasmtime.ValType.i64}


def _functype(params: Sequence[str], results: Sequence[str]) -> wasmtime.FuncType:
    return wasmtime.FuncType([_VALTYPES[p]() for p in params], [_VALTYPES[r]() for r in results])


def _signature(ty: wasmtime.FuncType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(str(p) for p in ty.params), tuple(str(r) for r in ty.results)


def _sections(bytecode: bytes) -> list[int]:
    """The ids of the module's sections (enough parsing to find a start section)."""
    ids = []
    pos = 8
    while pos < len(bytecode):
        section_id = bytecode[pos]
        pos += 1
        size, shift = 0, 0
        while True:
            byte = bytecode[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        ids.append(section_id)
        pos += size
    return ids


_START_SECTION = 8
_MEMORY_SECTION = 5
_GLOBAL_SECTION = 6
#: Sections that give an instance no state beyond its memories and globals: custom, type,
#: import, function, memory, global, export, code, data. Not: tables (4), the start function
#: (8), element segments (9), the data count that ``memory.init`` and ``data.drop`` need
#: (12), and any section of a later proposal.
_PLAIN_SECTIONS = frozenset({0, 1, 2, 3, 5, 6, 7, 10, 11})
_SIMPLE_VALTYPES = (0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F)
#: Immediate bytes of the constant-expression opcodes with fixed-size immediates.
_FIXED_IMMEDIATES = {
    0x43: 4,
    0x44: 8,
    0xD0: 1,
    0x6A: 0,
    0x6B: 0,
    0x6C: 0,
    0x7C: 0,
    0x7D: 0,
    0x7E: 0,
}
#: Opcodes followed by one LEB128 immediate (i32.const, i64.const, global.get, ref.func).
_LEB_IMMEDIATES = (0x41, 0x42, 0x23, 0xD2)


def _leb(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 at ``pos``: its value and the position after it."""
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _section_bodies(bytecode: bytes) -> list[tuple[int, bytes]]:
    """The module's sections as ``(id, body)``."""
    sections = []
    pos = 8
    while pos < len(bytecode):
        section_id = bytecode[pos]
        size, pos = _leb(bytecode, pos + 1)
        sections.append((section_id, bytecode[pos : pos + size]))
        pos += size
    return sections


def _globals_immutable(body: bytes) -> bool:
    """Every global of a global section is immutable (``False`` for anything unusual)."""
    count, pos = _leb(body, 0)
    for _ in range(count):
        if body[pos] not in _SIMPLE_VALTYPES or body[pos + 1] != 0:
            return False
        pos += 2
        while body[pos] != 0x0B:  # the constant expression, up to its ``end``
            opcode = body[pos]
            if opcode in _LEB_IMMEDIATES:
                _, pos = _leb(body, pos + 1)
            elif opcode in _FIXED_IMMEDIATES:
                pos += 1 + _FIXED_IMMEDIATES[opcode]
            else:
                return False
        pos += 1
    return True


def resettable(bytecode: bytes) -> bool:
    """V2: an instance of this module holds no state but its one memory (no second memory,
    no mutable global, no table, no element segment, no data count), so resetting that
    memory to an image makes it indistinguishable from a fresh instance loaded from that
    image. Validated bytecode only; anything this parser does not recognise counts as not
    resettable."""
    for section_id, body in _section_bodies(bytecode):
        if section_id not in _PLAIN_SECTIONS:
            return False
        if section_id == _MEMORY_SECTION and _leb(body, 0)[0] != 1:
            return False
        if section_id == _GLOBAL_SECTION and not _globals_immutable(body):
            return False
    return True


#: The type of each host import, built once.
_IMPORT_TYPES = {name: _functype(*types) for name, types in abi.IMPORTS.items()}


def _check_abi(module: wasmtime.Module) -> None:
    """D2: a contract imports only ABI host functions, with their types, and exports its
    memory and the argument-buffer global ``A``."""
    for imp in module.imports:
        expected = abi.IMPORTS.get(imp.name or "")
        if imp.module != abi.IMPORT_MODULE or expected is None:
            raise VmError("runtime.vm_unknown_import", f"{imp.module}.{imp.name}")
        ty = imp.type
        if not isinstance(ty, wasmtime.FuncType) or _signature(ty) != expected:
            raise VmError("runtime.vm_bad_abi", f"import {imp.name} has the wrong type")
    exports = {e.name: e.type for e in module.exports}
    memory = exports.get(abi.MEMORY_EXPORT)
    if not isinstance(memory, wasmtime.MemoryType):
        raise VmError("runtime.vm_bad_abi", "a contract exports its memory as 'memory'")
    argbuf = exports.get(abi.ARGBUF_EXPORT)
    if not isinstance(argbuf, wasmtime.GlobalType) or str(argbuf.content) != "i32":
        raise VmError("runtime.vm_bad_abi", "a contract exports an i32 global 'A'")


def compile_module(bytecode: bytes, config: VmConfig) -> wasmtime.Module:
    """The compiled module, from the cache when this bytecode was compiled before."""
    eng = engine(config)
    key = (id(eng), blake3_256(bytecode))
    cached = _MODULES.get(key)
    if cached is not None:
        return cached
    try:
        module = wasmtime.Module(eng, bytes(bytecode))
    except wasmtime.WasmtimeError as exc:
        raise VmError("runtime.vm_invalid_module", str(exc).splitlines()[0]) from exc
    if _START_SECTION in _sections(bytes(bytecode)):
        raise VmError("runtime.vm_bad_abi", "a contract has no start function")
    _check_abi(module)
    _MODULES[key] = module
    _IMPORT_NAMES[id(module)] = tuple(imp.name or "" for imp in module.imports)
    _PRE[id(module)] = linker(eng).instantiate_pre(module)
    _RESETTABLE[id(module)] = resettable(bytes(bytecode))
    _ENTRIES[id(module)] = frozenset(
        e.name
        for e in module.exports
        if isinstance(e.type, wasmtime.FuncType) and _signature(e.type) == _ENTRY_SIGNATURE
    )
    return module


# --- inputs and results --------------------------------------------------------------------


@dataclass(frozen=True)
class CallInput:
    contract: Hash32
    function: str
    argument: bytes
    gas_limit: int
    metadata: Metadata = field(default_factory=lambda: Metadata(chain_id=0, block_height=0))


@dataclass(frozen=True)
class CallResult:
    output: bytes
    gas_spent: int
    events: tuple[Event, ...]


@dataclass(frozen=True)
class DeployInput:
    bytecode: bytes
    owner: bytes
    nonce: int
    init_argument: bytes | None
    gas_limit: int
    metadata: Metadata = field(default_factory=lambda: Metadata(chain_id=0, block_height=0))


@dataclass(frozen=True)
class DeployResult:
    contract: Hash32
    gas_spent: int
    events: tuple[Event, ...]


# --- the session ---------------------------------------------------------------------------

Ctx = Any  # a wasmtime Store or Caller: where memory and calls are made


@dataclass
class _Frame:
    contract: Hash32
    limit: int
    argbuf: int
    memory: wasmtime.Memory


@dataclass
class _Loaded:
    """A contract instantiated in the session, with what every frame needs from it."""

    instance: wasmtime.Instance
    memory: wasmtime.Memory
    argbuf: int
    exports: dict[str, Any]
    #: The exported functions of the entry type (from the module, checked once).
    entries: frozenset[str] = frozenset()
    #: The module it is an instance of (``None``: never reused).
    module: wasmtime.Module | None = None


@dataclass
class _Snapshot:
    memories: dict[Hash32, bytes]
    events: int
    #: The native contracts' state (spec/vm.md §11), when the session has native contracts.
    native: object = None


@dataclass
class _Session:
    """One top-level call or deploy: a store, the loaded instances and the call stack."""

    state: VmState
    config: VmConfig
    metadata: Metadata
    store: wasmtime.Store
    #: Memory a contract is loaded from: its committed memory, or a restored snapshot.
    base: dict[Hash32, bytes] = field(default_factory=dict)
    instances: dict[Hash32, _Loaded] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    #: The error a host function failed the running frame with (read when its trap lands).
    failure: VmError | None = None
    #: Contracts being deployed: bytecode by id (not yet in ``state``).
    pending: dict[Hash32, ContractState] = field(default_factory=dict)
    #: The native (Python) contracts and their state: a ``native.NativeHost`` or None.
    native: Any = None
    #: The instance pool this session's store belongs to (``None``: a private store).
    pool: _Pool | None = None

    # -- gas ----------------------------------------------------------------------------

    def fuel(self) -> int:
        return int(self.store.get_fuel())

    def charge(self, amount: int) -> None:
        """Take ``amount`` gas from the running frame, failing it when it has less."""
        left = self.fuel()
        if amount > left:
            self.store.set_fuel(0)
            self.fail(VmError("runtime.vm_out_of_gas", f"needs {amount} gas, has {left}"))
        self.store.set_fuel(left - amount)

    def fail(self, error: VmError) -> None:
        self.failure = error
        raise wasmtime.Trap(error.code)

    # -- loading ------------------------------------------------------------------------

    def contract(self, contract_id: Hash32) -> ContractState | None:
        return self.pending.get(contract_id) or self.state.get(contract_id)

    def instantiate(self, ctx: Ctx, module: wasmtime.Module) -> wasmtime.Instance:
        """A fresh instance of ``module``, its imports pre-linked to the ABI host functions
        (which act on the innermost active session, this one)."""
        if self.pool is not None:
            self.pool.created += 1  # every instance stays in the pool's store until it goes
        try:
            return _PRE[id(module)].instantiate(ctx)
        except wasmtime.WasmtimeError as exc:
            raise VmError("runtime.vm_memory_limit", str(exc).splitlines()[0]) from exc

    def load(self, ctx: Ctx, contract_id: Hash32) -> _Loaded:
        loaded = self.instances.get(contract_id)
        if loaded is not None:
            return loaded
        contract = self.contract(contract_id)
        if contract is None:
            raise VmError("runtime.vm_unknown_contract", contract_id.hex())
        module = compile_module(contract.bytecode, self.config)
        image = self.base.get(contract_id, contract.memory)
        reused = self.pool.take(ctx, contract_id, module, image) if self.pool else None
        if reused is not None:
            self.instances[contract_id] = reused
            return reused
        instance = self.instantiate(ctx, module)
        exports, memory = _exports(ctx, instance)
        grow = (len(image) - memory.data_len(ctx)) // PAGE_SIZE
        if grow > 0 and not memory.grow(ctx, grow):
            raise VmError("runtime.vm_memory_limit", "the committed memory exceeds the limit")
        if image:
            _write(ctx, memory, image, 0)
        argbuf = _argbuf(ctx, exports, memory)
        loaded = _Loaded(instance, memory, argbuf, exports, _ENTRIES[id(module)], module)
        self.instances[contract_id] = loaded
        return loaded

    # -- snapshots ----------------------------------------------------------------------

    def snapshot(self, ctx: Ctx) -> _Snapshot:
        memories = {cid: _image(ctx, loaded.memory) for cid, loaded in self.instances.items()}
        native = self.native.save() if self.native is not None else None
        return _Snapshot(memories, len(self.events), native)

    def revert(self, ctx: Ctx, snap: _Snapshot) -> None:
        """A4: every loaded memory back to the snapshot, later events dropped. A memory that
        grew cannot shrink in place: its instance is dropped and reloaded from the snapshot."""
        for cid in list(self.instances):
            image = snap.memories.get(cid)
            memory = self.instances[cid].memory
            if image is None:
                del self.instances[cid]
            elif memory.data_len(ctx) != len(image):
                del self.instances[cid]
                self.base[cid] = image
            else:
                _write(ctx, memory, image, 0)
        del self.events[snap.events :]
        if self.native is not None:
            self.native.restore(snap.native)

    # -- one frame ----------------------------------------------------------------------

    def invoke(
        self, ctx: Ctx, contract_id: Hash32, name: str, argument: bytes, limit: int
    ) -> bytes:
        """Run ``name`` of ``contract_id`` with ``argument`` as one atomic frame: its output,
        or a VmError after its effects (and its callees') are reverted. Fuel is set by the
        caller; ``limit`` is what ``limit()`` answers."""
        if len(self.stack) >= self.config.max_call_depth:
            raise VmError("runtime.vm_call_depth", f"{self.config.max_call_depth} frames")
        if any(frame.contract == contract_id for frame in self.stack):
            raise VmError("runtime.vm_reentrant_call", "the contract is already on the stack")
        if len(argument) > ARGBUF_LEN:
            raise VmError("runtime.vm_argument_too_long", f"{len(argument)} bytes")
        snap = self.snapshot(ctx)
        try:
            return self._run(ctx, contract_id, name, argument, limit)
        except VmError:
            self.revert(ctx, snap)
            raise

    def _run(self, ctx: Ctx, contract_id: Hash32, name: str, argument: bytes, limit: int) -> bytes:
        if self.native is not None and self.native.handles(contract_id):
            return bytes(self.native.run(self, ctx, contract_id, name, argument, limit))
        loaded = self.load(ctx, contract_id)
        func = loaded.exports.get(name)
        if not isinstance(func, wasmtime.Func) or name not in loaded.entries:
            raise VmError("runtime.vm_unknown_function", f"no function {name}(u32) -> u32")
        memory, argbuf = loaded.memory, loaded.argbuf
        _write(ctx, memory, argument, argbuf)
        self.stack.append(_Frame(contract_id, limit, argbuf, memory))
        self.failure = None
        try:
            out_len = func(ctx, len(argument))
        except wasmtime.Trap as trap:
            raise self._trap_error(trap) from None
        except wasmtime.WasmtimeError as exc:
            raise self._trap_error(exc) from None
        finally:
            self.stack.pop()
        if not 0 <= out_len <= ARGBUF_LEN:
            raise VmError("runtime.vm_result_too_long", f"{out_len} bytes")
        return _read(ctx, memory, argbuf, out_len)

    def _trap_error(self, trap: Exception) -> VmError:
        if self.failure is not None:
            error, self.failure = self.failure, None
            return error
        code = getattr(trap, "trap_code", None)
        if code == wasmtime.TrapCode.OUT_OF_FUEL:
            return VmError("runtime.vm_out_of_gas", "all gas consumed")
        if code is None:
            return VmError("runtime.vm_trap_host", str(trap).splitlines()[0])
        return VmError(f"runtime.vm_trap_{code.name.lower()}", str(trap).splitlines()[-1])

    # -- host functions -----------------------------------------------------------------

    def top(self) -> _Frame:
        return self.stack[-1]

    def read(self, ctx: Ctx, ptr: int, length: int) -> bytes:
        """Bytes of the running contract's memory; out of bounds fails the frame. Pointers
        and lengths are wasm i32s, read as unsigned."""
        memory = self.top().memory
        ptr, length = _u32(ptr), _u32(length)
        if ptr + length > memory.data_len(ctx):
            self.fail(VmError("runtime.vm_memory_access", f"[{ptr}, {ptr + length}) is outside"))
        return _read(ctx, memory, ptr, length)

    def read_argbuf(self, ctx: Ctx, length: int) -> bytes:
        length = _u32(length)
        if length > ARGBUF_LEN:
            self.fail(VmError("runtime.vm_argument_too_long", f"{length} bytes"))
        return self.read(ctx, self.top().argbuf, length)

    def write_argbuf(self, ctx: Ctx, data: bytes) -> int:
        frame = self.top()
        _write(ctx, frame.memory, data, frame.argbuf)
        return len(data)

    def guarded(self, body: Callable[[], int | None]) -> int | None:
        """Run a host function body; a ProtocolError fails the frame with a VmError."""
        try:
            return body()
        except VmError as exc:
            self.fail(exc)
        except ProtocolError as exc:
            self.fail(VmError("runtime.vm_host_argument", exc.code))
        return None

    def host_c(
        self, ctx: Ctx, callee_ptr: int, name_ptr: int, name_len: int, arg_len: int, limit: int
    ) -> int:
        """``c``: call another contract (A3, G3); 0.. is the output length, negative a
        failure (the callee's error code is then in the argument buffer)."""
        callee = Hash32(self.read(ctx, callee_ptr, abi.CONTRACT_ID_SIZE))
        raw_name = self.read(ctx, name_ptr, min(_u32(name_len), abi.MAX_NAME_LEN + 1))
        argument = self.read_argbuf(ctx, arg_len)
        remaining = self.fuel()
        callee_limit = gas.callee_limit(limit & (1 << 64) - 1, remaining)
        self.store.set_fuel(callee_limit)
        try:
            name = abi.decode_name(raw_name, "function")
            if name == abi.INIT:
                raise VmError("runtime.vm_init_not_callable", "init runs on deploy only")
            output = self.invoke(ctx, callee, name, argument, callee_limit)
        except VmError as error:
            self.store.set_fuel(remaining - callee_limit)
            self.write_argbuf(ctx, error.code.encode())
            return abi.call_failure_return(error.code)
        spent = callee_limit - self.fuel()
        self.store.set_fuel(remaining - spent)
        return self.write_argbuf(ctx, output)

    def host_hq(self, ctx: Ctx, name_ptr: int, name_len: int, arg_len: int) -> int:
        """``hq``: a host query (§6), charged its price before it runs (G7)."""

        def body() -> int:
            name = abi.decode_name(self.read(ctx, name_ptr, name_len), "host query")
            query = host_queries.lookup(name)
            args = self.read_argbuf(ctx, arg_len)
            self.charge(query.price(args))
            return self.write_argbuf(ctx, host_queries.answer(query, args))

        return int(self.guarded(body) or 0)

    def host_hd(self, ctx: Ctx, name_ptr: int, name_len: int) -> int:
        """``hd``: host metadata, encoded as :func:`abi.encode_metadata` says."""

        def body() -> int:
            name = abi.decode_name(self.read(ctx, name_ptr, name_len), "metadata")
            return self.write_argbuf(ctx, abi.encode_metadata(self.metadata, name))

        return int(self.guarded(body) or 0)

    def host_emit(self, ctx: Ctx, topic_ptr: int, topic_len: int, arg_len: int) -> None:
        """``emit``: an event from the running contract, charged 4 gas per byte (G4)."""

        def body() -> None:
            # At most one byte past the bound is read: enough for decode_topic to refuse it.
            length = min(_u32(topic_len), abi.MAX_TOPIC_LEN + 1)
            topic = abi.decode_topic(self.read(ctx, topic_ptr, length))
            data = self.read_argbuf(ctx, arg_len)
            self.charge(gas.emit_charge(len(topic.encode()), len(data)))
            self.events.append(Event(self.top().contract, topic, data))

        self.guarded(body)

    def host_caller(self, ctx: Ctx) -> int:
        """``caller``: 1 and the calling contract's id in the buffer, or 0 at the top."""
        if len(self.stack) < 2:
            return 0
        self.write_argbuf(ctx, self.stack[-2].contract)
        return 1

    def host_self_id(self, ctx: Ctx) -> None:
        self.write_argbuf(ctx, self.top().contract)

    def host_limit(self, ctx: Ctx) -> int:
        return self.top().limit

    def host_spent(self, ctx: Ctx) -> int:
        return self.top().limit - self.fuel()

    def host_panic(self, ctx: Ctx, arg_len: int) -> None:
        """``panic``: fail the frame; the message (UTF-8, lossy) is in the buffer."""
        message = self.read_argbuf(ctx, arg_len).decode("utf-8", "replace")
        self.fail(VmError("runtime.vm_panic", message))


_ENTRY_SIGNATURE = (("i32",), ("i32",))


def _read(ctx: Ctx, memory: wasmtime.Memory, start: int, length: int) -> bytes:
    """``length`` bytes of ``memory`` from ``start``, copied once (``Memory.read`` copies
    twice: into a bytearray, then into bytes). The caller checked the bounds."""
    if start + length > memory.data_len(ctx):
        raise IndexError("read outside the memory")
    if length == 0:
        return b""
    return ctypes.string_at(ctypes.addressof(memory.data_ptr(ctx).contents) + start, length)


def _image(ctx: Ctx, memory: wasmtime.Memory) -> bytes:
    """The whole memory as bytes (one copy)."""
    return _read(ctx, memory, 0, memory.data_len(ctx))


def _write(ctx: Ctx, memory: wasmtime.Memory, data: bytes, start: int) -> None:
    """``data`` into ``memory`` at ``start``, copied once (``Memory.write`` first copies
    bytes into a bytearray)."""
    if start + len(data) > memory.data_len(ctx):
        raise IndexError("write outside the memory")
    if not data:
        return
    ctypes.memmove(ctypes.addressof(memory.data_ptr(ctx).contents) + start, data, len(data))


def _u32(value: int) -> int:
    """A wasm i32 as an unsigned integer."""
    return value & 0xFFFF_FFFF


def _exports(ctx: Ctx, instance: wasmtime.Instance) -> tuple[dict[str, Any], wasmtime.Memory]:
    """An instance's exports by name, and its memory."""
    exports: dict[str, Any] = dict(instance.exports(ctx).items())
    memory = exports[abi.MEMORY_EXPORT]
    assert isinstance(memory, wasmtime.Memory)  # compile_module checked the export's type
    return exports, memory


def _argbuf(ctx: Ctx, exports: dict[str, Any], memory: wasmtime.Memory) -> int:
    glob = exports[abi.ARGBUF_EXPORT]
    address = int(glob.value(ctx)) & 0xFFFF_FFFF
    if address + ARGBUF_LEN > memory.data_len(ctx):
        raise VmError("runtime.vm_bad_abi", "the argument buffer is outside the memory")
    return address


@dataclass
class _Pool:
    """V2: a store kept across top-level calls with the instances of resettable modules, by
    contract, so a call reuses an instance (its memory reset to the committed image) instead
    of creating a store, an instance and a fresh memory. A store frees nothing until it is
    dropped, so a pool is replaced after :data:`POOL_INSTANCES` instantiations."""

    store: wasmtime.Store
    idle: dict[Hash32, _Loaded] = field(default_factory=dict)
    created: int = 0
    reused: int = 0

    def take(
        self, ctx: Ctx, contract_id: Hash32, module: wasmtime.Module, image: bytes
    ) -> _Loaded | None:
        """The idle instance of ``contract_id`` with its whole memory set to ``image``, if it
        is of ``module`` and its memory has exactly the image's size (a memory cannot
        shrink); else ``None``."""
        loaded = self.idle.pop(contract_id, None)
        if loaded is None or loaded.module is not module or not image:
            return None
        if loaded.memory.data_len(ctx) != len(image):
            return None
        _write(ctx, loaded.memory, image, 0)
        self.reused += 1
        return loaded

    def release(self, session: _Session) -> None:
        """Take back the session's instances of resettable modules."""
        for contract_id, loaded in session.instances.items():
            if loaded.module is not None and _RESETTABLE[id(loaded.module)]:
                self.idle[contract_id] = loaded


#: Instantiations after which a pool's store is replaced.
POOL_INSTANCES = 64
#: Whether top-level calls use the pools (tests compare both ways).
POOLING = True
_POOLS: dict[VmConfig, _Pool] = {}


def _pool(config: VmConfig) -> _Pool:
    pool = _POOLS.get(config)
    if pool is None or pool.created >= POOL_INSTANCES:
        store = wasmtime.Store(engine(config))
        store.set_limits(memory_size=config.max_memory_bytes)
        pool = _POOLS[config] = _Pool(store)
    return pool


def _open_session(state: VmState, config: VmConfig, metadata: Metadata, fuel: int) -> _Session:
    abi.check_metadata(metadata)
    # A session opened inside another (a host function calling the VM) gets its own store.
    pool = _pool(config) if POOLING and not _ACTIVE else None
    if pool is not None:
        store = pool.store
    else:
        store = wasmtime.Store(engine(config))
        store.set_limits(memory_size=config.max_memory_bytes)
    store.set_fuel(fuel)
    return _Session(state, config, metadata, store, pool=pool)


def _close_session(session: _Session) -> None:
    _ACTIVE.pop()
    if session.pool is not None:
        session.pool.release(session)


@contextmanager
def active_session(
    state: VmState, config: VmConfig, metadata: Metadata, fuel: int
) -> Iterator[_Session]:
    """A session that host functions act on (the innermost active one) while the block
    runs; closed, and its pooled instances taken back, however the block ends."""
    session = _open_session(state, config, metadata, fuel)
    _ACTIVE.append(session)
    try:
        yield session
    finally:
        _close_session(session)


def _commit(session: _Session) -> VmState:
    """M1: fold the session's memories into the state, rehashing only dirty pages."""
    state = session.state
    ids = [c.contract_id for c in state.contracts] + list(session.pending)
    for cid in ids:
        loaded = session.instances.get(cid)
        if loaded is not None:
            memory = loaded.memory
            image = _image(session.store, memory)
        elif cid in session.base:
            image = session.base[cid]
        else:
            continue
        contract = session.contract(cid)
        assert contract is not None
        if cid in session.pending or image != contract.memory:
            state = put_contract(state, with_memory(contract, image))
    return state


# --- the two entry points -------------------------------------------------------------------


def call(
    state: VmState, inp: CallInput, config: VmConfig = gas.MAINNET
) -> tuple[VmState, CallResult]:
    """C1: call ``inp.function`` of ``inp.contract`` with ``inp.gas_limit`` gas.

    On success, the new state, the output, the gas spent and the events. On failure a
    VmError whose ``gas_spent`` is the whole limit (G5); ``state`` is unchanged."""
    if inp.gas_limit <= 0:
        raise VmError("runtime.vm_out_of_gas", "the gas limit is not positive", 0)
    if inp.function == abi.INIT:
        raise VmError("runtime.vm_init_not_callable", "init runs on deploy only", 0)
    if state.get(inp.contract) is None:
        raise VmError("runtime.vm_unknown_contract", inp.contract.hex(), 0)
    session = _open_session(state, config, inp.metadata, inp.gas_limit)
    _ACTIVE.append(session)
    try:
        output = session.invoke(
            session.store, inp.contract, inp.function, inp.argument, inp.gas_limit
        )
        spent = inp.gas_limit - session.fuel()
        new_state = _commit(session)
    except VmError as error:
        raise error.with_gas(inp.gas_limit) from None
    finally:
        _close_session(session)
    return new_state, CallResult(output, spent, tuple(session.events))


def deploy(
    state: VmState, inp: DeployInput, config: VmConfig = gas.MAINNET
) -> tuple[VmState, DeployResult]:
    """D1-D4: deploy ``inp.bytecode`` for ``inp.owner`` and run ``init`` on it.

    The id is ``BLAKE2b-256(bytecode ‖ nonce ‖ owner)``; the charge is the deploy charge (G6)
    plus what ``init`` spends, run with the gas left. A failure costs the whole limit."""
    contract_id = abi.contract_id(inp.bytecode, inp.nonce, inp.owner)
    if state.get(contract_id) is not None:
        raise VmError("runtime.vm_contract_exists", contract_id.hex(), 0)
    module = compile_module(inp.bytecode, config)
    charge = gas.deploy_charge(len(inp.bytecode))
    if charge > inp.gas_limit:
        raise VmError("runtime.vm_out_of_gas", f"deploying costs {charge}", inp.gas_limit)
    session = _open_session(state, config, inp.metadata, inp.gas_limit - charge)
    _ACTIVE.append(session)
    try:
        fresh = _fresh_memory(session, module)
        session.pending[contract_id] = ContractState(
            contract_id, bytes(inp.owner), bytes(inp.bytecode), b""
        )
        session.base[contract_id] = fresh
        if inp.init_argument is not None:
            _run_init(session, contract_id, inp.init_argument, inp.gas_limit - charge)
        spent = inp.gas_limit - session.fuel()
        new_state = _commit(session)
    except VmError as error:
        raise error.with_gas(inp.gas_limit) from None
    finally:
        _close_session(session)
    return new_state, DeployResult(contract_id, spent, tuple(session.events))


def _fresh_memory(session: _Session, module: wasmtime.Module) -> bytes:
    """The memory a new instance starts with (data segments applied, nothing run)."""
    store = session.store
    exports, memory = _exports(store, session.instantiate(store, module))
    _argbuf(store, exports, memory)
    return _image(store, memory)


def _run_init(session: _Session, contract_id: Hash32, argument: bytes, limit: int) -> None:
    if not isinstance(
        session.load(session.store, contract_id).exports.get(abi.INIT), wasmtime.Func
    ):
        raise VmError("runtime.vm_unknown_function", "an init argument needs an init function")
    session.invoke(session.store, contract_id, abi.INIT, argument, limit)

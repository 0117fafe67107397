"""The contract ABI (spec/vm.md §1; spec/sources.md §3.1, piecrust-uplink).

A contract is a wasm32 module that exports its linear memory ``memory``, an i32 global ``A``
holding the address of a 64 KiB argument buffer, and callable functions of type
``fn(arg_len: i32) -> i32``: the input is ``argbuf[..arg_len]`` and the function writes its
output to the start of the argument buffer and returns its length. It may import only the
host functions of :data:`IMPORTS` from module ``env``.

Everything that crosses the buffer is in the canonical encoding of spec/vm.md §1.3
(``duskspec.encoding``: fixed-width little-endian integers, raw fixed-length bytes, ``u32``
length prefixes, strict decoding), not rkyv.
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec import encoding
from duskspec.crypto.hashes import blake2b_256
from duskspec.errors import EncodingError
from duskspec.runtime.vm.errors import VmError
from duskspec.types import Hash32

IMPORT_MODULE = "env"
MEMORY_EXPORT = "memory"
ARGBUF_EXPORT = "A"
INIT = "init"
CONTRACT_ID_SIZE = 32

#: Longest function, host-query and metadata name (bytes).
MAX_NAME_LEN = 64
#: Longest event topic (bytes of UTF-8).
MAX_TOPIC_LEN = 256

#: Host imports: name -> (parameter types, result types), "i32"/"i64" (spec/vm.md §1.2).
IMPORTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "c": (("i32", "i32", "i32", "i32", "i64"), ("i32",)),
    "hq": (("i32", "i32", "i32"), ("i32",)),
    "hd": (("i32", "i32"), ("i32",)),
    "emit": (("i32", "i32", "i32"), ()),
    "caller": ((), ("i32",)),
    "self_id": ((), ()),
    "limit": ((), ("i64",)),
    "spent": ((), ("i64",)),
    "panic": (("i32",), ()),
}

#: What ``c`` returns to the caller when the callee fails (spec/vm.md rule A4). The callee's
#: error code is also written, as UTF-8, to the start of the caller's argument buffer.
CALL_FAILURE_RETURNS: dict[str, int] = {
    "runtime.vm_panic": -1,
    "runtime.vm_out_of_gas": -2,
    "runtime.vm_unknown_contract": -4,
    "runtime.vm_unknown_function": -5,
    "runtime.vm_init_not_callable": -5,
    "runtime.vm_reentrant_call": -6,
    "runtime.vm_call_depth": -7,
}
#: Any wasm trap (``runtime.vm_trap_*``).
CALL_FAILURE_TRAP = -3
#: Every other failure.
CALL_FAILURE_OTHER = -8


def call_failure_return(code: str) -> int:
    if code in CALL_FAILURE_RETURNS:
        return CALL_FAILURE_RETURNS[code]
    if code.startswith("runtime.vm_trap_"):
        return CALL_FAILURE_TRAP
    return CALL_FAILURE_OTHER


def contract_id(bytecode: bytes, nonce: int, owner: bytes) -> Hash32:
    """D1: ``BLAKE2b-256(bytecode ‖ nonce u64 LE ‖ owner)`` (rusk ``gen_contract_id``)."""
    return blake2b_256(bytes(bytecode) + encoding.encode_u64(nonce) + bytes(owner))


@dataclass(frozen=True)
class Metadata:
    """What ``hd`` answers: the block's chain id and height, and the transaction's public
    (Moonlight) sender, a 96-byte BLS key, or ``None`` for a shielded sender."""

    chain_id: int
    block_height: int
    public_sender: bytes | None = None


def encode_metadata(meta: Metadata, name: str) -> bytes:
    """``hd`` answers: ``chain_id`` u8; ``block_height`` u64 LE; ``public_sender`` an option
    (``0x00``, or ``0x01`` ‖ 96 bytes)."""
    if name == "chain_id":
        return encoding.encode_u8(meta.chain_id)
    if name == "block_height":
        return encoding.encode_u64(meta.block_height)
    if name == "public_sender":
        if meta.public_sender is None:
            return b"\x00"
        return b"\x01" + encoding.encode_fixed(meta.public_sender, 96)
    raise VmError("runtime.vm_unknown_metadata", f"no host metadata named {name!r}")


def check_metadata(meta: Metadata) -> None:
    """A call's metadata must encode (u8 chain id, u64 height, 96-byte sender)."""
    try:
        for name in ("chain_id", "block_height", "public_sender"):
            encode_metadata(meta, name)
    except EncodingError as exc:
        raise VmError("runtime.vm_bad_metadata", exc.detail) from exc


@dataclass(frozen=True)
class Event:
    """An event: the emitting contract, a UTF-8 topic and its data (spec/sources.md §3.5)."""

    source: Hash32
    topic: str
    data: bytes


def decode_name(raw: bytes, what: str) -> str:
    """A function, query or metadata name: 1..64 bytes of ASCII."""
    if not 0 < len(raw) <= MAX_NAME_LEN:
        raise VmError("runtime.vm_bad_name", f"a {what} name has 1..{MAX_NAME_LEN} bytes")
    if not raw.isascii():
        raise VmError("runtime.vm_bad_name", f"a {what} name is ASCII")
    return raw.decode()


def decode_topic(raw: bytes) -> str:
    """An event topic: at most 256 bytes of UTF-8."""
    if len(raw) > MAX_TOPIC_LEN:
        raise VmError("runtime.vm_bad_topic", f"a topic has at most {MAX_TOPIC_LEN} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VmError("runtime.vm_bad_topic", "a topic is UTF-8") from exc

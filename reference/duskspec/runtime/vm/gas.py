"""Gas: the constants and the charge rules of spec/vm.md §3 (spec/sources.md: piecrust
``config.rs``/``imports.rs``, rusk ``vm/src/execute.rs``, ``mainnet.config.toml``).

Gas is wasmtime fuel. These functions say how much a deploy, an event and an inter-contract
call cost; the host-query prices live with the queries (:mod:`.host_queries`).
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.crypto.merkle_blake3 import PAGE_SIZE

#: Share of the caller's remaining gas a callee gets when no usable limit is given (G3).
GAS_PASS_PCT = 93

#: Gas per byte of an event's topic and data (G4).
EMIT_BYTE_COST = 4

#: Dusk's extra fuel per byte written by a wasm store instruction. Not applied here: the
#: wasmtime Python API has no per-operator fuel cost (spec/vm.md departure D3).
BYTE_STORE_COST = 4

#: Deploy charge: ``max(len(bytecode) × GAS_PER_DEPLOY_BYTE, MIN_DEPLOY_POINTS)`` (G6).
GAS_PER_DEPLOY_BYTE = 100
MIN_DEPLOY_POINTS = 5_000_000

#: The argument buffer every contract exports (ARGBUF_LEN in piecrust-uplink).
ARGBUF_LEN = 64 * 1024


@dataclass(frozen=True)
class VmConfig:
    """One preset of the VM's limits. Presets are data: ``MAINNET`` has Dusk's values,
    ``TINY`` a 4-page memory cap so the memory limit is cheap to reach in tests and vectors."""

    name: str
    #: Largest linear memory of one contract, in 64 KiB pages (4 GiB for wasm32).
    max_memory_pages: int
    #: Deepest call stack, counting the top-level call (duskspec's bound; spec/vm.md D5).
    max_call_depth: int = 32
    #: Largest wasm stack in bytes (piecrust: 512 KiB).
    max_wasm_stack: int = 512 * 1024

    @property
    def max_memory_bytes(self) -> int:
        return self.max_memory_pages * PAGE_SIZE


MAINNET = VmConfig("mainnet", max_memory_pages=65536)
TINY = VmConfig("tiny", max_memory_pages=4)


def deploy_charge(bytecode_len: int) -> int:
    """G6: ``max(bytecode_len × 100, 5,000,000)``."""
    return max(bytecode_len * GAS_PER_DEPLOY_BYTE, MIN_DEPLOY_POINTS)


def emit_charge(topic_len: int, data_len: int) -> int:
    """G4: ``4 × (topic_len + data_len)``."""
    return EMIT_BYTE_COST * (topic_len + data_len)


def callee_limit(requested: int, remaining: int) -> int:
    """G3: the requested limit if ``0 < requested < remaining``, else 93 % of ``remaining``."""
    if 0 < requested < remaining:
        return requested
    return remaining * GAS_PASS_PCT // 100

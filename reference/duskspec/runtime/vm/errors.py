"""The VM's typed errors (spec/vm.md §4).

Every way a call can fail, whether a wasm trap, a ``panic``, running out of gas, or a bad
argument to a host import, reaches the caller as a :class:`VmError`, never as a wasmtime
exception. Codes start with ``runtime.vm_``; a trap's code names its wasmtime trap code
(``runtime.vm_trap_unreachable``, ``runtime.vm_trap_memory_out_of_bounds``, ...).
"""

from __future__ import annotations

from duskspec.errors import RuntimeProtocolError

#: Prefix of every VM error code.
PREFIX = "runtime.vm_"


class VmError(RuntimeProtocolError):
    """A failed deploy or call. ``gas_spent`` is what the failure costs the transaction: the
    whole limit of the failed call (spec/vm.md rule G5), or ``None`` when the call never
    started (rejected before any execution)."""

    def __init__(self, code: str, message: str = "", gas_spent: int | None = None) -> None:
        if not code.startswith(PREFIX):
            raise ValueError(f"VmError codes start with {PREFIX!r}: {code}")
        super().__init__(code, message)
        self.gas_spent = gas_spent

    def with_gas(self, gas_spent: int) -> VmError:
        """The same error charged ``gas_spent``."""
        return VmError(self.code, self.detail, gas_spent)

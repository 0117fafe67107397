"""Native contracts: Python contracts that run in the VM's call frame (spec/vm.md §11,
spec/runtime.md §10).

The genesis contracts (transfer ``0x01``, stake ``0x02``) are Python functions, not wasm.
They run as frames of the same call stack as wasm contracts, with the same ABI and rules:

- **ABI**: a native function takes the argument bytes and returns the result bytes, both in
  the canonical encoding of spec/vm.md §1.3, at most ``ARGBUF_LEN`` long; a wasm contract
  reaches it with ``c`` exactly as it reaches another wasm contract, and a top-level call
  reaches it through :func:`invoke` like any contract;
- **gas**: a native function takes its price from the same fuel (:meth:`NativeFrame.charge`,
  before any effect); out of gas fails the frame (``runtime.vm_out_of_gas``); the calls it
  makes follow the pass-on rule G3 (:meth:`NativeFrame.call`); a failed frame costs its whole
  limit (G5);
- **rollback**: the native contracts' state is one immutable value held by the session's
  :class:`NativeHost`; every frame's snapshot holds a reference to it, and a failed frame
  restores it together with the wasm memories and the event count (A4), so a refusal in a
  native callee, or a failure of its caller after it returned, undoes its effects;
- **refusal**: a native function refuses by raising a :class:`~duskspec.errors.ProtocolError`
  with a stable code; the frame then fails as a wasm ``panic`` does
  (:class:`ContractPanic`, ``runtime.vm_panic``, ``c`` returns -1), and the stable code
  travels as the panic's ``reason``.

The VM knows nothing of what native contracts do: :mod:`duskspec.runtime.genesis` supplies
their functions and their state. Their state is committed into the state root by the runtime
(:func:`duskspec.runtime.state.commit`), as the memory image of their contract entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import wasmtime

from duskspec.errors import ProtocolError
from duskspec.runtime.vm import gas, host_queries, machine
from duskspec.runtime.vm.abi import Event, Metadata
from duskspec.runtime.vm.errors import VmError
from duskspec.runtime.vm.gas import ARGBUF_LEN, VmConfig
from duskspec.runtime.vm.state import VmState
from duskspec.types import Hash32

#: A native function: the frame it runs in and its argument bytes -> its result bytes.
NativeFunction = Callable[["NativeFrame", bytes], bytes]


class ContractPanic(VmError):
    """A native contract refused: the frame fails as a wasm ``panic``; ``reason`` is the
    refusal with its stable code."""

    def __init__(self, reason: ProtocolError, gas_spent: int | None = None) -> None:
        super().__init__("runtime.vm_panic", f"{reason.code}: {reason.detail}", gas_spent)
        self.reason = reason

    def with_gas(self, gas_spent: int) -> ContractPanic:
        return ContractPanic(self.reason, gas_spent)


@dataclass
class NativeHost:
    """The native contracts of one session: their functions by contract id and function
    name, and the one immutable value that is their state (a snapshot is a reference).

    ``context`` is what the transaction being executed tells the contracts (not state);
    ``refusals`` records every refusal and every VM failure of a native frame, in order, so
    the executor can name the stable reason of a failed call even when a wasm caller turned
    it into its own panic."""

    contracts: Mapping[Hash32, Mapping[str, NativeFunction]]
    state: Any
    context: Any = None
    refusals: list[ProtocolError] = field(default_factory=list)

    def handles(self, contract_id: Hash32) -> bool:
        return contract_id in self.contracts

    def save(self) -> object:
        return self.state

    def restore(self, saved: object) -> None:
        self.state = saved

    def run(
        self,
        session: machine._Session,
        ctx: machine.Ctx,
        contract_id: Hash32,
        name: str,
        argument: bytes,
        limit: int,
    ) -> bytes:
        """Run ``name`` of a native contract as one frame (``invoke`` took the snapshot)."""
        function = self.contracts[contract_id].get(name)
        if function is None:
            raise VmError("runtime.vm_unknown_function", f"no native function {name}")
        # A native frame has no wasm memory: host functions only ever serve a wasm frame.
        frame = machine._Frame(contract_id, limit, 0, cast(wasmtime.Memory, None))
        session.stack.append(frame)
        try:
            output = function(NativeFrame(session, ctx, self, contract_id, limit), argument)
        except ContractPanic:
            raise
        except VmError as failure:
            self.refusals.append(failure)
            raise
        except ProtocolError as refusal:
            self.refusals.append(refusal)
            raise ContractPanic(refusal) from None
        finally:
            session.stack.pop()
        if len(output) > ARGBUF_LEN:
            raise VmError("runtime.vm_result_too_long", f"{len(output)} bytes")
        return output


@dataclass
class NativeFrame:
    """What a native function sees of its frame: the host functions of spec/vm.md §1.2."""

    session: machine._Session
    ctx: machine.Ctx
    host: NativeHost
    contract: Hash32
    limit: int

    @property
    def state(self) -> Any:
        return self.host.state

    def set_state(self, state: object) -> None:
        self.host.state = state

    @property
    def context(self) -> Any:
        return self.host.context

    @property
    def metadata(self) -> Metadata:
        return self.session.metadata

    def charge(self, amount: int) -> None:
        """Take ``amount`` gas from this frame, failing it when it has less."""
        left = self.session.fuel()
        if amount > left:
            self.session.store.set_fuel(0)
            raise VmError("runtime.vm_out_of_gas", f"needs {amount} gas, has {left}")
        self.session.store.set_fuel(left - amount)

    def spent(self) -> int:
        return self.limit - self.session.fuel()

    def caller(self) -> Hash32 | None:
        """The calling contract, or None at the top of the stack."""
        stack = self.session.stack
        return stack[-2].contract if len(stack) >= 2 else None

    def query(self, name: str, args: bytes) -> bytes:
        """A host query, charged its price first (as ``hq``, G7)."""
        query = host_queries.lookup(name)
        self.charge(query.price(args))
        return host_queries.answer(query, args)

    def emit(self, topic: str, data: bytes) -> None:
        """An event from this contract; its cost is part of the function's price."""
        self.session.events.append(Event(self.contract, topic, data))

    def call(self, callee: Hash32, name: str, argument: bytes, limit: int = 0) -> bytes:
        """Call another contract as ``c`` does: the callee gets ``limit`` gas when
        ``0 < limit <`` what is left, else 93 % of it (G3); a failure charges the whole
        callee limit and raises its VmError after the callee's effects are reverted."""
        remaining = self.session.fuel()
        callee_limit = gas.callee_limit(limit, remaining)
        self.session.store.set_fuel(callee_limit)
        try:
            output = self.session.invoke(self.ctx, callee, name, argument, callee_limit)
        except VmError:
            self.session.store.set_fuel(remaining - callee_limit)
            raise
        self.session.store.set_fuel(remaining - (callee_limit - self.session.fuel()))
        return output


# --- sessions with native contracts ----------------------------------------------------------


@contextmanager
def open_session(
    state: VmState, host: NativeHost, metadata: Metadata, fuel: int, config: VmConfig
) -> Iterator[machine._Session]:
    """A VM session whose native contracts are ``host``'s, active while the block runs."""
    with machine.active_session(state, config, metadata, fuel) as session:
        session.native = host
        yield session


def invoke(session: machine._Session, contract: Hash32, name: str, argument: bytes) -> bytes:
    """A top-level call in ``session`` with all the fuel it has (one atomic frame)."""
    return session.invoke(session.store, contract, name, argument, session.fuel())


def commit_memories(session: machine._Session) -> VmState:
    """The session's wasm memories folded into its state (M1); the native contracts' state
    is committed by their owner."""
    return machine._commit(session)

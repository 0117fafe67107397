"""The Phoenix transactions of ``duskspec simulate --tx-rate`` (spec/node.md §9): a small pool
proved ahead of time and read from the proof cache, so the run is not bound by proving.

The workload's genesis holds the example notes (:func:`duskspec.runtime.wallet.example_notes`)
at the runtime's default tree depth; every entry of :data:`POOL` spends one of the example
sender's notes against the genesis root. Its real PLONK proof is made once by
:func:`build_pool` (``python -m duskspec.phoenix_pool``, about 45 s of CPU per entry on a
fresh machine) and kept in the proof cache by content hash
(:mod:`duskspec.runtime.circuits.proof_cache`); :func:`cached_pool` reads only what is cached
and never proves. An entry whose proof is not cached is left out, and the run says so.

Entries 1 and 2 spend the same note (position 3) to different receivers: the second is a
double spend, which every node refuses by its nullifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from duskspec.crypto import phoenix_keys
from duskspec.runtime import wallet
from duskspec.runtime.state import RuntimeConfig, RuntimeState, genesis
from duskspec.runtime.transactions import PhoenixTx, phoenix_gas

GAS_LIMIT = phoenix_gas(1) + 1_000_000
GAS_PRICE = 1


@dataclass(frozen=True)
class PoolSpec:
    """One pool entry: the sender's owned note it spends (index into the example sender's
    notes), the receiver's key seed, the payment, the wallet seed and its workload kind."""

    spend: int
    receiver_seed: bytes
    value: int
    seed: bytes
    kind: str


POOL = (
    PoolSpec(0, b"phoenix receiver", wallet.EXAMPLE_PAYMENT, b"runtime tests phoenix 1", "phoenix"),
    PoolSpec(0, b"another receiver", 123_456_789, b"runtime tests phoenix 2", "phoenix_double"),
)


@dataclass(frozen=True)
class PoolEntry:
    tx: PhoenixTx
    kind: str
    #: The values of its two output notes (payment, change): the simulator knows them.
    output_values: tuple[int, int]
    #: The value of the note it spends.
    spent_value: int


def pool_state() -> RuntimeState:
    """The state the pool's proofs are made against: the example notes alone (the roots and
    the tree depth of the workload's genesis, which adds no notes)."""
    return genesis(RuntimeConfig(), {}, wallet.example_notes()[0])


def _entry(spec: PoolSpec, allow_prove: bool) -> tuple[PoolEntry, bytes]:
    owned = wallet.example_notes()[1][spec.spend]
    receiver = phoenix_keys.public_key(phoenix_keys.keygen(spec.receiver_seed))
    tx, vk = wallet.phoenix_transfer(
        pool_state(),
        wallet.EXAMPLE_SENDER_SK,
        [owned],
        receiver,
        spec.value,
        gas_limit=GAS_LIMIT,
        gas_price=GAS_PRICE,
        seed=spec.seed,
        allow_prove=allow_prove,
    )
    change = owned.value - spec.value - tx.max_fee
    return PoolEntry(tx, spec.kind, (spec.value, change), owned.value), vk


@cache
def cached_pool() -> tuple[tuple[PoolEntry, ...], bytes]:
    """The entries of :data:`POOL` whose proofs are cached, in order, and the 1-input
    verifier key (b"" when none is); never proves."""
    entries = []
    vk = b""
    for spec in POOL:
        try:
            entry, vk = _entry(spec, allow_prove=False)
        except FileNotFoundError:
            continue
        entries.append(entry)
    return tuple(entries), vk


def pool(enabled: bool) -> tuple[tuple[PoolEntry, ...], bytes]:
    """The pool a run with ``--phoenix`` draws from (all of :data:`POOL`, proved now where
    not yet cached, so a run depends on its configuration alone, never on the cache), or
    nothing without it."""
    if not enabled:
        return (), b""
    if len(cached_pool()[0]) < len(POOL):
        build_pool()
    return cached_pool()


def parties() -> tuple[tuple[phoenix_keys.SecretKey, ...], tuple[str, ...]]:
    """The Phoenix keys of the workload's parties and their names: the owners of the example
    notes and the pool's receivers (a ledger trace reads the notes with them)."""
    keys = (
        wallet.EXAMPLE_OTHER_SK,
        wallet.EXAMPLE_SENDER_SK,
        wallet.EXAMPLE_RECEIVER_SK,
        phoenix_keys.keygen(POOL[1].receiver_seed),
    )
    return keys, ("other", "sender", "receiver", "another")


def build_pool() -> int:
    """Prove every entry not yet cached (the explicit, ahead-of-time step); the pool size."""
    for spec in POOL:
        _entry(spec, allow_prove=True)
    cached_pool.cache_clear()
    return len(cached_pool()[0])


if __name__ == "__main__":  # pragma: no cover - the explicit build command
    print(f"phoenix pool: {build_pool()} transactions cached")

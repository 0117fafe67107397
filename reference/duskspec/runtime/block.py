"""The block state transition ``apply_block(state, block) -> (state, result)``
(spec/runtime.md §6; spec/sources.md §3.6).

Order, as Dusk 1.6 runs it:

1. B1 the block's height becomes the state's height (``before_state_transition``);
2. B2 each transaction in order (:func:`execute`); a transaction that fails makes the
   *block* invalid; the gas the transactions spend may not exceed the block gas limit;
3. B3 ``reward``: each ``(key, value)`` of ``block.rewards`` is credited; their sum may not
   exceed the block's emission plus its fees; the rest is burnt (undistributed rewards);
4. B4 ``slash`` for each entry of ``block.slashes`` (soft or hard);
5. B5 ``update_root``: the notes-tree root joins the ring (the oldest leaves past
   ``max_roots``); the block's fees are reset;
6. B6 the state root, the 256-byte event bloom and the receipts are the block's result.

An invalid block raises :class:`~duskspec.errors.RuntimeProtocolError` and the caller keeps
the old state (nothing here mutates it). The node computes rewards and slashes with the
consensus arithmetic and passes them in; the runtime never imports consensus.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from duskspec.crypto.hashes import blake3_256, sha3_256
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime import genesis
from duskspec.runtime import stake as stake_contract
from duskspec.runtime.state import STAKE_CONTRACT, TRANSFER_CONTRACT, RuntimeState
from duskspec.runtime.transactions import (
    MoonlightTx,
    PhoenixTx,
    Receipt,
    encode_moonlight,
    encode_phoenix,
)
from duskspec.runtime.vm.abi import Event
from duskspec.types import Hash32

Transaction = MoonlightTx | PhoenixTx | stake_contract.StakeTx

BLOOM_BYTES = 256
BLOOM_BITS = BLOOM_BYTES * 8
BLOOM_HASHES = 3


class SlashKind(enum.IntEnum):
    SOFT = 0
    HARD = 1


@dataclass(frozen=True)
class Block:
    height: int
    transactions: tuple[Transaction, ...] = ()
    emission: int = 0
    rewards: tuple[tuple[bytes, int], ...] = ()
    slashes: tuple[tuple[bytes, SlashKind], ...] = ()


@dataclass(frozen=True)
class BlockResult:
    state_root: Hash32
    event_bloom: bytes
    receipts: tuple[Receipt, ...]
    gas_spent: int
    tx_root_leaves: tuple[Hash32, ...]


def execute(state: RuntimeState, tx: Transaction) -> tuple[RuntimeState, Receipt]:
    """One transaction of any kind, run by the genesis contracts in the VM
    (:func:`duskspec.runtime.genesis.execute`)."""
    return genesis.execute(state, tx)


def encode_transaction(tx: Transaction) -> bytes:
    """The block entry: kind u8 (0 Phoenix, 1 Moonlight, 2 stake) ‖ the transaction."""
    if isinstance(tx, PhoenixTx):
        return b"\x00" + encode_phoenix(tx)
    if isinstance(tx, MoonlightTx):
        return b"\x01" + encode_moonlight(tx)
    return b"\x02" + stake_contract.stake_message(tx) + tx.signature


def tx_root_leaf(tx: Transaction) -> Hash32:
    """The txroot leaf: SHA3-256 of the transaction's block entry."""
    return sha3_256(encode_transaction(tx))


def bloom(events: Sequence[Event]) -> bytes:
    """2048 bits; each event adds BLAKE3(source ‖ topic) and BLAKE3(source ‖ topic ‖ data),
    each setting 3 bits: the first three little-endian u16 of the hash, mod 2048."""
    bits = bytearray(BLOOM_BYTES)
    for event in events:
        head = event.source + event.topic.encode()
        for member in (blake3_256(head), blake3_256(head + event.data)):
            for k in range(BLOOM_HASHES):
                index = int.from_bytes(member[2 * k : 2 * k + 2], "little") % BLOOM_BITS
                bits[index // 8] |= 1 << (index % 8)
    return bytes(bits)


def block_end_calls(block: Block) -> list[tuple[Hash32, str, bytes]]:
    """B3-B5 as node-only calls of the genesis contracts: stake ``reward``, ``slash`` or
    ``hard_slash`` for each slash, transfer ``update_root``."""
    calls = [(STAKE_CONTRACT, "reward", genesis.encode_rewards(block.emission, block.rewards))]
    for key, kind in block.slashes:
        name = "slash" if kind == SlashKind.SOFT else "hard_slash"
        calls.append((STAKE_CONTRACT, name, key))
    calls.append((TRANSFER_CONTRACT, "update_root", b""))
    return calls


def update_root(state: RuntimeState) -> RuntimeState:
    """Transfer ``update_root`` alone (the ring of recent roots, the block's fees reset)."""
    return genesis.node_calls(state, [(TRANSFER_CONTRACT, "update_root", b"")])


def apply_block(state: RuntimeState, block: Block) -> tuple[RuntimeState, BlockResult]:
    current, receipts, gas = execute_transactions(state, block)
    return end_block(current, block, receipts, gas)


def execute_transactions(
    state: RuntimeState, block: Block
) -> tuple[RuntimeState, tuple[Receipt, ...], int]:
    """B1-B2: the height, then each transaction in order; the state after them (its
    ``block_fees`` the fees they paid), their receipts and the gas they spent."""
    if block.height != state.height + 1:
        raise RuntimeProtocolError("runtime.wrong_height", f"{block.height} after {state.height}")
    current = replace(state, height=block.height)
    receipts = []
    gas = 0
    for tx in block.transactions:
        current, receipt = execute(current, tx)
        gas += receipt.gas_spent
        if gas > state.config.block_gas_limit:
            raise RuntimeProtocolError("runtime.block_gas_limit", f"{gas} gas spent")
        receipts.append(receipt)
    return current, tuple(receipts), gas


def end_block(
    current: RuntimeState, block: Block, receipts: tuple[Receipt, ...], gas: int
) -> tuple[RuntimeState, BlockResult]:
    """B3-B6 on the state :func:`execute_transactions` left: the block's rewards, slashes and
    ``update_root``, then its result. A node whose rewards depend on the block's fees reads
    them from that state's ``block_fees`` before it builds ``block.rewards``."""
    current = genesis.node_calls(current, block_end_calls(block))
    events = [event for receipt in receipts for event in receipt.events]
    result = BlockResult(
        current.root(),
        bloom(events),
        receipts,
        gas,
        tuple(tx_root_leaf(tx) for tx in block.transactions),
    )
    return current, result


def state_transition(state: RuntimeState, block: Block) -> Hash32:
    """What consensus's context receives from node: re-execute a candidate and return the
    state root its header must carry (raises on an invalid candidate)."""
    return apply_block(state, block)[1].state_root

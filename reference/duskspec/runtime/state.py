"""The runtime state (spec/runtime.md §2): the transfer contract's and the stake contract's
data, committed into the VM's state root.

Transfer contract (id ``0x01``): the Poseidon notes tree with every note by position, the
ring of the last ``max_roots`` tree roots, the nullifier set, Moonlight accounts (balance,
nonce) keyed by the 96-byte BLS public key, and contract balances. Stake contract (id
``0x02``): :class:`StakeData` by BLS key and the burnt amount.

The state is an immutable value: every transition returns a new one, and a rejected
transition returns nothing (the caller keeps the old state), so a rejected transaction or
block leaves the state and its root byte-identical.

**The state root** (rule S1, :func:`commit`): each genesis contract's data is written in its
canonical encoding (:func:`encode_transfer_state`, :func:`encode_stake_state`), zero-padded to
whole 64 KiB pages, and stored as that contract's memory image in the VM state
(:func:`duskspec.runtime.vm.state.with_memory`, :func:`~duskspec.runtime.vm.state.put_contract`):
page trees and the BLAKE3 state tree are exactly those of wasm contracts (spec/vm.md §5), so
one root covers every balance, note, nullifier, stake and wasm memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from duskspec import encoding
from duskspec.crypto import merkle_poseidon
from duskspec.crypto.merkle_blake3 import PAGE_SIZE
from duskspec.crypto.merkle_poseidon import PoseidonTree
from duskspec.runtime.note import Note, encode_note
from duskspec.runtime.vm.state import ContractState, VmState, put_contract, with_memory
from duskspec.types import Hash32

# One stake type for the runtime and consensus (which may not import each other).
from duskspec.types import StakeAmount as StakeAmount
from duskspec.types import StakeData as StakeData

TRANSFER_CONTRACT = Hash32(b"\x01" + bytes(31))
STAKE_CONTRACT = Hash32(b"\x02" + bytes(31))
#: The genesis contracts' "bytecode" in the state: a label naming the Python module that
#: implements them (they are not wasm; spec/runtime.md §3).
TRANSFER_CODE = b"duskspec.runtime.transactions"
STAKE_CODE = b"duskspec.runtime.stake"
GENESIS_OWNER = bytes(32)


@dataclass(frozen=True)
class RuntimeConfig:
    """Chain parameters the runtime needs (the ``tiny`` preset for tests)."""

    chain_id: int = 1
    tree_depth: int = 3
    #: Roots kept in the ring (Dusk: 2 × EPOCH = 4320).
    max_roots: int = 8
    block_gas_limit: int = 3_000_000_000
    epoch: int = 10
    minimum_stake: int = 1_000
    #: ``verifier_keys[i]``: the transfer circuit's verifier key for ``i + 1`` inputs
    #: (b"" when no key is installed: such transactions are refused).
    verifier_keys: tuple[bytes, ...] = (b"", b"", b"", b"")


@dataclass(frozen=True)
class Account:
    balance: int = 0
    nonce: int = 0


@dataclass(frozen=True)
class RuntimeState:
    config: RuntimeConfig
    height: int = 0
    tree: PoseidonTree = field(default_factory=lambda: merkle_poseidon.empty_tree(3))
    notes: tuple[Note, ...] = ()
    roots: tuple[int, ...] = ()
    nullifiers: frozenset[int] = frozenset()
    accounts: Mapping[bytes, Account] = field(default_factory=dict)
    contract_balances: Mapping[bytes, int] = field(default_factory=dict)
    stakes: Mapping[bytes, StakeData] = field(default_factory=dict)
    burnt: int = 0
    #: Gas fees collected in the current block, paid out (or burnt) by the block's reward.
    block_fees: int = 0
    vm: VmState = field(default_factory=VmState)
    #: The running transaction's deposit to the contract it calls, until that contract
    #: claims it with transfer ``deposit`` (spec/runtime.md §13). Transient: the refund
    #: clears it, so it is None between transactions and never committed.
    pending_deposit: tuple[bytes, int] | None = None

    def root(self) -> Hash32:
        """The state root (a block's ``state_hash``)."""
        return self.vm.root()

    def account(self, key: bytes) -> Account:
        return self.accounts.get(key, Account())

    def stake(self, key: bytes) -> StakeData:
        return self.stakes.get(key, StakeData())


def with_account(
    accounts: Mapping[bytes, Account], key: bytes, account: Account
) -> dict[bytes, Account]:
    return {**accounts, key: account}


# --- canonical encodings (rule S1) -----------------------------------------------------------


def encode_transfer_state(state: RuntimeState) -> bytes:
    """``u64 note count ‖ notes (302 each, by position) ‖ u32 root count ‖ roots (32 LE,
    oldest first) ‖ u32 nullifier count ‖ nullifiers (32 LE, ascending) ‖ u32 account
    count ‖ (key 96 ‖ balance u64 ‖ nonce u64) by key ‖ u32 contract count ‖ (id 32 ‖
    balance u64) by id ‖ block_fees u64``."""
    parts = [encoding.encode_u64(len(state.notes))]
    parts += [encode_note(note) for note in state.notes]
    parts.append(encoding.encode_u32(len(state.roots)))
    parts += [root.to_bytes(32, "little") for root in state.roots]
    parts.append(encoding.encode_u32(len(state.nullifiers)))
    parts += [nf.to_bytes(32, "little") for nf in sorted(state.nullifiers)]
    parts.append(encoding.encode_u32(len(state.accounts)))
    for key in sorted(state.accounts):
        acct = state.accounts[key]
        parts.append(key + encoding.encode_u64(acct.balance) + encoding.encode_u64(acct.nonce))
    parts.append(encoding.encode_u32(len(state.contract_balances)))
    for cid in sorted(state.contract_balances):
        parts.append(cid + encoding.encode_u64(state.contract_balances[cid]))
    parts.append(encoding.encode_u64(state.block_fees))
    return b"".join(parts)


def encode_stake_state(state: RuntimeState) -> bytes:
    """``u32 count ‖ per key ascending: key 96 ‖ has_amount u8 ‖ [value u64 ‖ locked u64 ‖
    eligibility u64] ‖ reward u64 ‖ faults u8 ‖ hard_faults u8 ‖ burnt u64``."""
    parts = [encoding.encode_u32(len(state.stakes))]
    for key in sorted(state.stakes):
        data = state.stakes[key]
        parts.append(key)
        if data.amount is None:
            parts.append(b"\x00")
        else:
            a = data.amount
            parts.append(
                b"\x01"
                + b"".join(encoding.encode_u64(x) for x in (a.value, a.locked, a.eligibility))
            )
        parts.append(encoding.encode_u64(data.reward))
        parts.append(encoding.encode_u8(data.faults) + encoding.encode_u8(data.hard_faults))
    parts.append(encoding.encode_u64(state.burnt))
    return b"".join(parts)


def _image(data: bytes) -> bytes:
    """The encoding zero-padded to whole 64 KiB pages (at least one)."""
    pages = max(1, -(-len(data) // PAGE_SIZE))
    return data.ljust(pages * PAGE_SIZE, b"\x00")


def _put(vm: VmState, contract_id: Hash32, code: bytes, data: bytes) -> VmState:
    contract = vm.get(contract_id) or ContractState(contract_id, GENESIS_OWNER, code, b"")
    image = _image(data)
    if vm.get(contract_id) is not None and contract.memory == image:
        return vm
    return put_contract(vm, with_memory(contract, image))


def commit(state: RuntimeState) -> RuntimeState:
    """S1: the state with both genesis contracts' encodings committed into ``state.vm``."""
    vm = _put(state.vm, TRANSFER_CONTRACT, TRANSFER_CODE, encode_transfer_state(state))
    vm = _put(vm, STAKE_CONTRACT, STAKE_CODE, encode_stake_state(state))
    return replace(state, vm=vm)


def genesis(
    config: RuntimeConfig,
    accounts: Mapping[bytes, int] = {},
    notes: tuple[Note, ...] = (),
    stakes: Mapping[bytes, int] = {},
) -> RuntimeState:
    """The state at height 0: Moonlight balances, notes (appended in order) and stakes
    (eligible from height 0). The ring holds the genesis root."""
    tree = merkle_poseidon.empty_tree(config.tree_depth)
    placed = []
    for note in notes:
        note = note.at(tree.size)
        placed.append(note)
        tree = tree.append(note.leaf())
    state = RuntimeState(
        config=config,
        tree=tree,
        notes=tuple(placed),
        roots=(tree.root(),),
        accounts={key: Account(balance, 0) for key, balance in accounts.items()},
        stakes={key: StakeData(StakeAmount(value, 0, 0)) for key, value in stakes.items()},
    )
    return commit(state)

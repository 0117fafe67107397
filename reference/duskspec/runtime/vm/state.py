"""Memory as committed state: page trees and the state root (spec/vm.md §5; spec/sources.md
§3.4, piecrust ``store/tree.rs``).

A contract's state is its bytecode and its whole linear memory. The memory is cut into 64 KiB
pages; a page that has ever been written (dirty) has the leaf ``BLAKE3(page)`` in the
contract's page tree (arity 4, height 8), a page never written is an empty leaf. The state
root is the binary BLAKE3 tree of height 32 whose leaves are the page-tree roots, at
insertion-order positions (:class:`duskspec.crypto.merkle_blake3.StateTree`).

After a call only the dirty pages are rehashed (:func:`with_memory`); :func:`recompute_root`
rebuilds the root from the memories alone, and the properties check both agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from duskspec.crypto.merkle_blake3 import PAGE_SIZE, PageTree, StateTree
from duskspec.types import Hash32


@dataclass(frozen=True)
class ContractState:
    """One deployed contract. ``touched`` lists, sorted, every page index ever dirty."""

    contract_id: Hash32
    owner: bytes
    bytecode: bytes
    memory: bytes
    touched: tuple[int, ...] = ()
    page_tree: PageTree = field(default_factory=PageTree)

    def page(self, index: int) -> bytes:
        return self.memory[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]

    @property
    def page_count(self) -> int:
        return len(self.memory) // PAGE_SIZE

    def page_root(self) -> Hash32:
        return self.page_tree.root()


@dataclass(frozen=True)
class VmState:
    """Every contract in deployment order, and the state tree over their page roots."""

    contracts: tuple[ContractState, ...] = ()
    tree: StateTree = field(default_factory=StateTree)

    def get(self, contract_id: bytes) -> ContractState | None:
        return next((c for c in self.contracts if c.contract_id == contract_id), None)

    def root(self) -> Hash32:
        """The state root (a block's ``state_hash``)."""
        return self.tree.root()


def dirty_pages(old: bytes, new: bytes) -> tuple[int, ...]:
    """Indices of the pages of ``new`` that differ from ``old`` (pages past the end of
    ``old`` count as zero pages, as freshly grown memory is)."""
    dirty = []
    for index in range(len(new) // PAGE_SIZE):
        start = index * PAGE_SIZE
        before = old[start : start + PAGE_SIZE] or bytes(PAGE_SIZE)
        if new[start : start + PAGE_SIZE] != before:
            dirty.append(index)
    return tuple(dirty)


def with_memory(contract: ContractState, memory: bytes) -> ContractState:
    """M2: the contract with its memory replaced; only the dirty pages are rehashed."""
    dirty = dirty_pages(contract.memory, memory)
    tree = contract.page_tree
    for index in dirty:
        tree = tree.insert_page(index, memory[index * PAGE_SIZE : (index + 1) * PAGE_SIZE])
    touched = tuple(sorted(set(contract.touched) | set(dirty)))
    return replace(contract, memory=bytes(memory), touched=touched, page_tree=tree)


def put_contract(state: VmState, contract: ContractState) -> VmState:
    """M3: the state with ``contract`` added (at the end) or replaced (in place), and its
    state-tree leaf set to its page root."""
    existing = state.get(contract.contract_id)
    if existing is None:
        contracts = (*state.contracts, contract)
    else:
        contracts = tuple(contract if c is existing else c for c in state.contracts)
    return VmState(contracts, state.tree.insert(contract.contract_id, contract.page_root()))


def page_tree_from_scratch(contract: ContractState) -> PageTree:
    """The page tree rebuilt from the memory and the touched pages alone."""
    tree = PageTree()
    for index in contract.touched:
        tree = tree.insert_page(index, contract.page(index))
    return tree


def recompute_root(state: VmState) -> Hash32:
    """The state root rebuilt from scratch: every page tree from memory, every leaf in
    deployment order."""
    tree = StateTree()
    for contract in state.contracts:
        tree = tree.insert(contract.contract_id, page_tree_from_scratch(contract).root())
    return tree.root()

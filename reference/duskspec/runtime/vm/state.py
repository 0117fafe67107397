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
from functools import cached_property

from duskspec.crypto.merkle_blake3 import PAGE_SIZE, PageTree, StateTree, position_from_contract
from duskspec.types import Hash32


@dataclass(frozen=True)
class ContractState:
    """One deployed contract. ``touched`` lists, sorted, every page index ever dirty.

    M6: ``page_tree`` may lag behind ``memory``: ``stale_pages`` lists the pages dirtied
    since it was last brought up to date, and :attr:`current_page_tree` rehashes exactly
    those, once, when a root is first read (a page dirtied by many calls in a block is
    hashed once)."""

    contract_id: Hash32
    owner: bytes
    bytecode: bytes
    memory: bytes
    touched: tuple[int, ...] = ()
    # The tree is a function of memory and touched, so equality ignores how it is held.
    page_tree: PageTree = field(default_factory=PageTree, compare=False)
    stale_pages: frozenset[int] = field(default=frozenset(), compare=False)

    def page(self, index: int) -> bytes:
        return self.memory[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]

    @property
    def page_count(self) -> int:
        return len(self.memory) // PAGE_SIZE

    @cached_property
    def current_page_tree(self) -> PageTree:
        """The page tree of ``memory``: ``page_tree`` with the stale pages rehashed."""
        tree = self.page_tree
        for index in sorted(self.stale_pages):
            tree = tree.insert_page(index, self.page(index))
        return tree

    def page_root(self) -> Hash32:
        return self.current_page_tree.root()


#: Most contract updates a state keeps out of its state tree before folding them in.
MAX_STALE = 64


@dataclass(frozen=True)
class VmState:
    """Every contract in deployment order, and the state tree over their page roots.

    M5: the state tree is brought up to date lazily. ``committed`` is a state tree and
    ``stale`` the ids of the contracts put since, in order; :attr:`tree` folds them in the
    first time it is read (a call's commit costs no state-tree hashing; a block that calls
    a contract many times rehashes its state-tree path once)."""

    contracts: tuple[ContractState, ...] = ()
    committed: StateTree = field(default_factory=StateTree)
    stale: tuple[Hash32, ...] = ()

    def get(self, contract_id: bytes) -> ContractState | None:
        return next((c for c in self.contracts if c.contract_id == contract_id), None)

    @cached_property
    def tree(self) -> StateTree:
        """The state tree with every contract's current page root (computed once)."""
        return fold_stale(self.committed, self.stale, self)

    def root(self) -> Hash32:
        """The state root (a block's ``state_hash``)."""
        return self.tree.root()

    def __eq__(self, other: object) -> bool:
        """Equal contracts and equal state trees (however many updates are still stale)."""
        if not isinstance(other, VmState):
            return NotImplemented
        return self.contracts == other.contracts and self.tree == other.tree

    def __hash__(self) -> int:
        return hash(self.contracts)  # equal states have equal contracts


def fold_stale(tree: StateTree, stale: tuple[Hash32, ...], state: VmState) -> StateTree:
    """``tree`` with the stale contracts' leaves set, exactly as inserting each put in order
    would leave it: a leaf position is taken at the first put of its position key, and holds
    the page root of the last contract put under that key (ids that share a key share a
    leaf, spec/crypto.md §10), which is that contract's current page root."""
    last: dict[int, Hash32] = {}  # position key -> last id put; keys in first-put order
    for contract_id in stale:
        last[position_from_contract(contract_id)] = contract_id
    for contract_id in last.values():
        contract = state.get(contract_id)
        assert contract is not None  # put_contract only names contracts it stored
        tree = tree.insert(contract.contract_id, contract.page_root())
    return tree


_ZERO_PAGE = bytes(PAGE_SIZE)


def dirty_pages(old: bytes, new: bytes) -> tuple[int, ...]:
    """Indices of the pages of ``new`` that differ from ``old`` (pages past the end of
    ``old`` count as zero pages, as freshly grown memory is). Each page is compared in place
    with ``bytes.startswith`` (a ``memcmp``; comparing two memoryviews with ``!=`` goes
    element by element, and slicing copies both pages)."""
    dirty = []
    view = memoryview(new)
    for index in range(len(new) // PAGE_SIZE):
        start = index * PAGE_SIZE
        page = view[start : start + PAGE_SIZE]
        same = old.startswith(page, start) if start < len(old) else _ZERO_PAGE.startswith(page)
        if not same:
            dirty.append(index)
    return tuple(dirty)


#: Most stale pages a contract keeps before its page tree is brought up to date.
MAX_STALE_PAGES = 256


def with_memory(contract: ContractState, memory: bytes) -> ContractState:
    """M2: the contract with its memory replaced; only the dirty pages will be rehashed
    (when a root is next read, M6)."""
    dirty = dirty_pages(contract.memory, memory)
    touched = tuple(sorted(set(contract.touched) | set(dirty)))
    tree, stale = contract.page_tree, contract.stale_pages
    if "current_page_tree" in contract.__dict__ or len(stale) >= MAX_STALE_PAGES:
        tree, stale = contract.current_page_tree, frozenset()
    return replace(
        contract,
        memory=bytes(memory),
        touched=touched,
        page_tree=tree,
        stale_pages=stale | frozenset(dirty),
    )


def put_contract(state: VmState, contract: ContractState) -> VmState:
    """M3: the state with ``contract`` added (at the end) or replaced (in place), and its
    state-tree leaf set to its page root."""
    existing = state.get(contract.contract_id)
    if existing is None:
        contracts = (*state.contracts, contract)
    else:
        contracts = tuple(contract if c is existing else c for c in state.contracts)
    if "tree" in state.__dict__ or len(state.stale) >= MAX_STALE:
        return VmState(contracts, state.tree, (contract.contract_id,))
    return VmState(contracts, state.committed, (*state.stale, contract.contract_id))


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

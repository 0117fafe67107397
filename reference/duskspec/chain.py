"""A node's ledger: the runtime state behind consensus, the mempool and the transaction topic
(spec/node.md; rules cited below are its rules).

:class:`Chain` is the part of :class:`duskspec.node.ProvisionerNode` that carries state. It
holds the runtime state after every non-final block (and after the last final one), the
mempool, and what the node saw happen to transactions. :func:`execution` binds the
consensus context's state transition (:class:`duskspec.consensus.execution.Execution`) to
the state after the round's tip; :func:`on_accepted` applies an accepted block, prunes the
mempool and finalizes states; :func:`on_reverted` drops the state of a block fork choice
reverted (rule 4.3).

Pure functions over frozen values. Module-level memos (:data:`_EXECUTED`, :data:`_CHECKED`,
:data:`_DECODED`) remember pure results by their inputs (a block on a state root, a
transaction on a state root, an entry's decoding) so the nodes of one simulation that do
the same work share it, as :func:`duskspec.consensus.wire.decode_shared` shares decoding.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from duskspec import encoding
from duskspec.consensus.block import Block as ConsensusBlock
from duskspec.consensus.block import FailedIteration
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.execution import Execution, Outcome, check_outcome
from duskspec.consensus.header_validation import Tip
from duskspec.consensus.messages import Attestation, VoteKind
from duskspec.consensus.provisioners import Provisioner, provisioner_set
from duskspec.consensus.rewards import (
    Voter,
    attestation_voters,
    block_rewards,
    distribute_rewards,
    emission_amount,
    generator_extra_reward,
)
from duskspec.consensus.verification import CommitteeSource
from duskspec.consensus.wire import PROTOCOL_VERSION
from duskspec.crypto import floor
from duskspec.errors import NodeError, ProtocolError
from duskspec.runtime import block as rt
from duskspec.runtime.codec import decode_transaction
from duskspec.runtime.stake import StakeTx, stake_id
from duskspec.runtime.state import RuntimeState
from duskspec.runtime.transactions import MoonlightTx, PhoenixTx, moonlight_id, phoenix_id
from duskspec.types import BlsPublicKey, Hash32

#: Kadcast topic of a transaction (Dusk's ``Tx`` topic, spec/sources.md §2).
TOPIC_TX = 10
#: Rule 2.2: the smallest gas limit the mempool admits (Dusk's ``min_gas_limit``).
MIN_GAS_LIMIT = 150_000
#: Rule 2.4: transactions a mempool holds at most.
MEMPOOL_CAPACITY = 10_000
#: Rule 2.5: an entry older than this (virtual ms) leaves the mempool at the next block.
MEMPOOL_EXPIRY_MS = 3 * 3600 * 1000
#: Rule 2.1: how far ahead of the account's next nonce a held transaction may be.
MAX_NONCE_GAP = 64


# --- the transaction topic (spec/node.md §1) ---------------------------------------------


def _version() -> bytes:
    major, minor, patch = PROTOCOL_VERSION
    return encoding.encode_u8(major) + encoding.encode_u16(minor) + encoding.encode_u16(patch)


def encode_tx_frame(tx: rt.Transaction) -> bytes:
    """Rule 1.1: ``version ‖ topic 10 ‖ block entry`` (the entry of
    :func:`duskspec.runtime.block.encode_transaction`)."""
    return _version() + encoding.encode_u8(TOPIC_TX) + rt.encode_transaction(tx)


def is_tx_frame(frame: bytes) -> bool:
    return len(frame) > 5 and frame[5] == TOPIC_TX


def decode_tx_frame(frame: bytes) -> tuple[rt.Transaction, bytes]:
    """Rule 1.2: the transaction and its entry bytes, strictly."""
    if frame[:5] != _version():
        raise NodeError("node.tx_version", frame[:5].hex())
    entry = frame[6:]
    return decode_entry(entry)[0], entry


def decode_entry(entry: bytes) -> tuple[rt.Transaction, bytes]:
    """The transaction of a block entry and its id (rule 1.3), memoized by the entry bytes."""
    known = _DECODED.get(entry)
    if known is None:
        tx = decode_transaction(entry)
        known = (tx, tx_id(tx))
        if len(_DECODED) >= MEMO_SIZE:
            _DECODED.clear()
        _DECODED[entry] = known
    return known


def tx_id(tx: rt.Transaction) -> bytes:
    if isinstance(tx, MoonlightTx):
        return moonlight_id(tx)
    if isinstance(tx, PhoenixTx):
        return phoenix_id(tx)
    return stake_id(tx)


def spend_ids(tx: rt.Transaction) -> tuple[bytes, ...]:
    """Rule 2.3: Phoenix nullifiers; an account transaction's (sender, nonce)."""
    if isinstance(tx, PhoenixTx):
        return tuple(b"n" + nf.to_bytes(32, "little") for nf in tx.nullifiers)
    return (b"a" + _sender(tx) + encoding.encode_u64(tx.nonce),)


def _sender(tx: MoonlightTx | StakeTx) -> bytes:
    return tx.sender if isinstance(tx, MoonlightTx) else tx.account


# --- the mempool (§2) -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    tx: rt.Transaction
    entry: bytes
    id: bytes
    spends: tuple[bytes, ...]
    gas_price: int
    gas_limit: int
    arrived: int
    seq: int


@dataclass(frozen=True)
class Mempool:
    entries: tuple[Entry, ...] = ()
    seq: int = 0

    def ids(self) -> frozenset[bytes]:
        return frozenset(e.id for e in self.entries)


def admission_check(state: RuntimeState, tx: rt.Transaction) -> str:
    """Rule 2.1: ``"ok"`` if the transaction executes on ``state``; ``"future"`` if its only
    fault is an account nonce ahead of the next one (by at most :data:`MAX_NONCE_GAP`);
    otherwise the runtime's error code."""
    key = (state.root(), rt.encode_transaction(tx))
    known = _CHECKED.get(key)
    if known is None:
        known = _admission_check(state, tx)
        if len(_CHECKED) >= MEMO_SIZE:
            _CHECKED.clear()
        _CHECKED[key] = known
    return known


def _admission_check(state: RuntimeState, tx: rt.Transaction) -> str:
    try:
        rt.execute(state, tx)
    except ProtocolError as exc:
        if exc.code != "runtime.wrong_nonce" or isinstance(tx, PhoenixTx):
            return exc.code
        expected = state.account(_sender(tx)).nonce + 1
        return "future" if expected < tx.nonce <= expected + MAX_NONCE_GAP else exc.code
    return "ok"


def admit(
    pool: Mempool, state: RuntimeState, tx: rt.Transaction, entry: bytes, now: int
) -> tuple[Mempool, tuple[bytes, ...]]:
    """Rules 2.1-2.4: the mempool with ``tx`` in it and the ids it pushed out, or a
    :class:`NodeError` (the mempool unchanged)."""
    identifier = decode_entry(entry)[1]
    if identifier in pool.ids():
        raise NodeError("node.tx_known", identifier.hex()[:16])
    if tx.gas_limit < MIN_GAS_LIMIT:
        raise NodeError("node.gas_limit_too_low", f"{tx.gas_limit} < {MIN_GAS_LIMIT}")
    verdict = admission_check(state, tx)
    if verdict not in ("ok", "future"):
        raise NodeError("node.tx_invalid", verdict)
    spends = spend_ids(tx)
    rivals = tuple(e for e in pool.entries if set(e.spends) & set(spends))
    if any(e.gas_price >= tx.gas_price for e in rivals):
        raise NodeError("node.replacement_underpriced", f"gas price {tx.gas_price}")
    kept = tuple(e for e in pool.entries if e not in rivals)
    evicted: tuple[Entry, ...] = ()
    if len(kept) >= MEMPOOL_CAPACITY:
        cheapest = min(kept, key=lambda e: (e.gas_price, -e.seq))
        if cheapest.gas_price >= tx.gas_price:
            raise NodeError("node.mempool_full", f"{len(kept)} transactions")
        kept = tuple(e for e in kept if e is not cheapest)
        evicted = (cheapest,)
    new = Entry(tx, entry, identifier, spends, tx.gas_price, tx.gas_limit, now, pool.seq)
    pushed = tuple(e.id for e in (*rivals, *evicted))
    return Mempool((*kept, new), pool.seq + 1), pushed


def pack(
    pool: Mempool,
    state: RuntimeState,
    gas_limit: int,
    max_transactions: int,
    execute: bool = True,
) -> tuple[Entry, ...]:
    """Rule 3.1: the candidate's transactions: highest gas price first (earliest arrival among
    equals), an account's transactions in nonce order, each executing on the state the ones
    before it left, their gas limits within the block gas limit; a transaction that fails is
    left out. With ``execute=False`` only the order, nonce and gas rules are applied (the
    generator's first try, rule 3.1: every entry was admitted on the tip's state)."""
    waiting = sorted(pool.entries, key=lambda e: (-e.gas_price, e.seq))
    nonces: dict[bytes, int] = {}
    chosen: list[Entry] = []
    left_out: set[int] = set()
    gas = 0
    progress = True
    while progress and len(chosen) < max_transactions:
        progress = False
        for entry in waiting:
            if entry.seq in left_out or gas + entry.gas_limit > gas_limit:
                continue
            tx = entry.tx
            if not isinstance(tx, PhoenixTx):
                sender = _sender(tx)
                next_nonce = nonces.get(sender, state.account(sender).nonce) + 1
                if tx.nonce != next_nonce:
                    continue
            if execute:
                try:
                    state, _ = rt.execute(state, tx)
                except ProtocolError:
                    left_out.add(entry.seq)
                    continue
            if not isinstance(tx, PhoenixTx):
                nonces[_sender(tx)] = tx.nonce
            chosen.append(entry)
            left_out.add(entry.seq)
            gas += entry.gas_limit
            progress = True
            break
    return tuple(chosen)


# --- the chain of states (§3-§4) --------------------------------------------------------


@dataclass(frozen=True)
class FinalRecord:
    """A block that became final here: its height, hash, state root and total supply."""

    height: int
    hash: Hash32
    state_root: Hash32
    supply: int
    transactions: int
    fees: int
    rewards: int
    tx_ids: tuple[bytes, ...] = ()
    #: The block's entries, for re-execution (spec/runtime.md §14).
    payload: tuple[bytes, ...] = ()
    #: Soft slashes the block's failed iterations applied (rule 11.2).
    slashes: int = 0
    #: The block's voters and slashes, for re-execution (rule 11.3).
    settlement: Settlement | None = None


@dataclass(frozen=True)
class Chain:
    #: (height, state) after each non-final block and after the last final one, by hash.
    states: Mapping[Hash32, tuple[int, RuntimeState]]
    final_hash: Hash32
    mempool: Mempool = Mempool()
    #: Transactions this node refused or dropped: (id, code), in order.
    rejected: tuple[tuple[bytes, str], ...] = ()
    #: Final blocks in order.
    final: tuple[FinalRecord, ...] = ()
    #: Per accepted block: (height, txs, fees, rewards, mempool depth after it, slashes).
    accepted_log: tuple[tuple[int, int, int, int, int, int], ...] = ()
    #: Supply at genesis.
    genesis_supply: int = 0
    #: Transactions of non-final blocks by block hash (re-admitted if the block is reverted).
    included: Mapping[Hash32, tuple[bytes, ...]] = field(default_factory=dict)
    #: The settlement of non-final blocks by block hash (rule 11.3).
    settled: Mapping[Hash32, Settlement] = field(default_factory=dict)
    #: The value of obfuscated notes, which only the simulator knows (rule 9.4).
    hidden: Callable[[RuntimeState], int] | None = None

    def supply(self, state: RuntimeState) -> int:
        return supply(state) + (self.hidden(state) if self.hidden is not None else 0)


def genesis_chain(
    genesis_hash: Hash32,
    state: RuntimeState,
    hidden: Callable[[RuntimeState], int] | None = None,
) -> Chain:
    chain = Chain({genesis_hash: (0, state)}, genesis_hash, hidden=hidden)
    return replace(chain, genesis_supply=chain.supply(state))


def state_at(chain: Chain, block_hash: Hash32) -> RuntimeState:
    return chain.states[block_hash][1]


def supply(state: RuntimeState) -> int:
    """Every LUX the state holds: Moonlight balances, stakes and their rewards, contract
    balances, transparent notes, burnt and the block's fees (obfuscated notes are counted
    by the simulator, which knows their values; none exist in its workload)."""
    stakes = sum(
        d.reward + (d.amount.value + d.amount.locked if d.amount else 0)
        for d in state.stakes.values()
    )
    notes = sum(n.transparent_value() for n in state.notes if n.note_type == 0)
    return (
        sum(a.balance for a in state.accounts.values())
        + stakes
        + sum(state.contract_balances.values())
        + notes
        + state.burnt
        + state.block_fees
    )


@dataclass(frozen=True)
class Settlement:
    """What a block's end pays and slashes besides its transactions (rules 11.1-11.2), read
    from the block itself: the voters its ``prev_block_cert`` names with their credits, and
    the generators its ``failed_iterations`` slash."""

    voters: tuple[Voter, ...] = ()
    slashes: tuple[tuple[bytes, rt.SlashKind], ...] = ()


def prev_block_voters(cert: Attestation, tip: Tip, params: ConsensusParams) -> tuple[Voter, ...]:
    """Rule 11.1: the voters of the block's ``prev_block_cert``, in the committees of the tip's
    round and iteration rebuilt from the tip's provisioners and its parent's seed (the data
    rule 3.16 of spec/consensus.md verifies the certificate with); none after genesis or an
    emergency block, which carry no attestation."""
    if tip.height == 0 or params.is_emergency_block(tip.iteration):
        return ()
    source = CommitteeSource(tip.provisioners, tip.parent_seed, tip.height, params)
    return attestation_voters(source, tip.iteration, cert)


#: Rule 11.2: the Fail votes whose iteration's generator is slashed (``Fail(NoQuorum)``: none).
SLASHED_VOTES = frozenset({VoteKind.NO_CANDIDATE, VoteKind.INVALID})


def failed_iteration_slashes(
    failed: tuple[FailedIteration | None, ...],
) -> tuple[tuple[bytes, rt.SlashKind], ...]:
    """Rule 11.2: a soft slash of the generator of each failed iteration whose Fail attestation
    is ``NoCandidate`` or ``Invalid`` (Dusk 1.6 runs the hard slash of ``Invalid`` as a soft
    one), in iteration order."""
    return tuple(
        (bytes(entry.generator), rt.SlashKind.SOFT)
        for entry in failed
        if entry is not None and entry.attestation.vote.kind in SLASHED_VOTES
    )


def settlement(
    cert: Attestation | None,
    failed: tuple[FailedIteration | None, ...],
    tip: Tip,
    params: ConsensusParams,
) -> Settlement:
    """Rules 11.1-11.2 for a block on ``tip`` carrying ``cert`` and ``failed``."""
    voters = () if cert is None else prev_block_voters(cert, tip, params)
    return Settlement(voters, failed_iteration_slashes(failed))


def block_settlement(block: ConsensusBlock, tip: Tip, params: ConsensusParams) -> Settlement:
    header = block.header
    return settlement(header.prev_block_cert, header.failed_iterations, tip, params)


def reward_list(
    height: int,
    fees: int,
    generator: bytes,
    voters: tuple[Voter, ...],
    params: ConsensusParams,
) -> tuple[tuple[bytes, int], ...]:
    """Rule 11.1: Dusk's split of the emission plus ``fees``
    (:func:`duskspec.consensus.rewards.distribute_rewards`): the generator's fixed share, the
    Dusk key's tenth (``params.emergency_key``), the generator's extra by the voters' credits,
    each voter's credits times the voters' tenth per credit. With no voters (after genesis or
    an emergency block) the extra is that of zero credits (nothing) and no voter is paid."""
    if voters:
        paid = distribute_rewards(
            height, fees, BlsPublicKey(generator), voters, params.emergency_key, params
        )
        return tuple((bytes(r.account), r.value) for r in paid.rewards)
    shares = block_rewards(height, fees, params)
    rewards = [(generator, shares.generator_fixed), (bytes(params.emergency_key), shares.dusk)]
    extra = generator_extra_reward(shares.generator_extra, 0, params)
    return tuple(rewards + ([(generator, extra)] if extra else []))


def runtime_block(block: ConsensusBlock, tip: Tip, fees: int, params: ConsensusParams) -> rt.Block:
    """Rules 3.2 and 11.1-11.2: the runtime block of a consensus block on ``tip`` whose
    transactions paid ``fees``: its decoded transactions, the height's emission, the rewards
    of :func:`reward_list` and the slashes of :func:`failed_iteration_slashes`."""
    header = block.header
    paid = block_settlement(block, tip, params)
    transactions = tuple(decode_entry(entry)[0] for entry in block.payload)
    rewards = reward_list(header.height, fees, bytes(header.generator), paid.voters, params)
    emission = emission_amount(header.height, params)
    return rt.Block(header.height, transactions, emission, rewards, paid.slashes)


def execute_block(
    state: RuntimeState, block: ConsensusBlock, tip: Tip, params: ConsensusParams
) -> tuple[RuntimeState, rt.BlockResult]:
    """Rule 3.2: apply ``block`` (built on ``tip``) on ``state``."""
    header = block.header
    paid = block_settlement(block, tip, params)
    generator = bytes(header.generator)
    return execute_payload(state, header.height, generator, block.payload, params, paid)


def execute_payload(
    state: RuntimeState,
    height: int,
    generator: bytes,
    payload: tuple[bytes, ...],
    params: ConsensusParams,
    paid: Settlement = Settlement(),
) -> tuple[RuntimeState, rt.BlockResult]:
    """Apply the runtime block of (height, generator, payload, settlement) on ``state``,
    memoized by those and the state root (the generator's own execution and its validators'
    share it)."""
    key = (state.root(), height, generator, payload, paid)
    known = _EXECUTED.get(key)
    if known is None:
        known = _timed_apply(state, height, generator, payload, paid, params)
        if len(_EXECUTED) >= MEMO_SIZE:
            _EXECUTED.clear()
        _EXECUTED[key] = known
    return known


def _settle(
    state: RuntimeState,
    height: int,
    generator: bytes,
    payload: tuple[bytes, ...],
    paid: Settlement,
    params: ConsensusParams,
) -> tuple[RuntimeState, rt.BlockResult]:
    """Rules 3.2 and 11.1: the transactions first, then the block's end with the rewards the
    fees they paid (the state's ``block_fees``) make up."""
    transactions = tuple(decode_entry(entry)[0] for entry in payload)
    current, receipts, gas = rt.execute_transactions(state, rt.Block(height, transactions))
    rewards = reward_list(height, current.block_fees, generator, paid.voters, params)
    emission = emission_amount(height, params)
    block = rt.Block(height, transactions, emission, rewards, paid.slashes)
    return rt.end_block(current, block, receipts, gas)


@dataclass
class ExecutionMeter:
    """The execution floor (spec/node.md rule 3.3): CPU seconds of every distinct block's
    state transition, each timed once where it ran, without the distinct BLS operations
    inside it (the crypto floor counts those)."""

    blocks: int = 0
    transactions: int = 0
    cpu_s: float = 0.0


_meter: ExecutionMeter | None = None


@contextmanager
def metering(meter: ExecutionMeter) -> Iterator[ExecutionMeter]:
    """Count distinct block executions into ``meter``; the memos start empty, so every
    block of the run is executed (and timed) once in it."""
    global _meter
    previous, _meter = _meter, meter
    _EXECUTED.clear()
    _CHECKED.clear()
    _DECODED.clear()
    try:
        yield meter
    finally:
        _meter = previous


def _timed_apply(
    state: RuntimeState,
    height: int,
    generator: bytes,
    payload: tuple[bytes, ...],
    paid: Settlement,
    params: ConsensusParams,
) -> tuple[RuntimeState, rt.BlockResult]:
    crypto = floor._active
    crypto_before = crypto.cpu_s if crypto is not None else 0.0
    start = time.process_time()
    result = _settle(state, height, generator, payload, paid, params)
    spent = time.process_time() - start
    if _meter is not None:
        inside = (crypto.cpu_s if crypto is not None else 0.0) - crypto_before
        _meter.cpu_s += spent - inside
        _meter.blocks += 1
        _meter.transactions += len(payload)
    return result


def _propose(
    chain: Chain,
    tip: Tip,
    params: ConsensusParams,
    generator: bytes,
    height: int,
    now: int,
    failed: tuple[FailedIteration | None, ...] = (),
) -> tuple[tuple[bytes, ...], Outcome]:
    """Rule 3.1; the block's end settles what its header will carry (rule 11.3): the tip's
    attestation as ``prev_block_cert`` and the round's ``failed``."""
    state = state_at(chain, tip.hash)
    paid = settlement(tip.attestation, failed, tip, params)
    limits = (state.config.block_gas_limit, params.max_transactions)
    payload = tuple(e.entry for e in pack(chain.mempool, state, *limits, execute=False))
    try:
        _, result = execute_payload(state, height, generator, payload, params, paid)
    except ProtocolError:
        # Some transaction no longer executes: pack again, executing each one (rule 3.1).
        payload = tuple(e.entry for e in pack(chain.mempool, state, *limits))
        _, result = execute_payload(state, height, generator, payload, params, paid)
    return payload, Outcome(result.state_root, result.event_bloom)


def _execute(chain: Chain, tip: Tip, params: ConsensusParams, block: ConsensusBlock) -> Outcome:
    _, result = execute_block(state_at(chain, tip.hash), block, tip, params)
    return Outcome(result.state_root, result.event_bloom)


def emergency_outcome(
    chain: Chain,
    tip: Tip,
    params: ConsensusParams,
    failed: tuple[FailedIteration | None, ...],
) -> Outcome:
    """Rule 11.4: the outcome an emergency block on ``tip`` carries: its empty payload
    executed like any block, the Dusk key (its generator) paid and ``failed`` slashed."""
    paid = settlement(tip.attestation, failed, tip, params)
    state = state_at(chain, tip.hash)
    generator = bytes(params.emergency_key)
    _, result = execute_payload(state, tip.height + 1, generator, (), params, paid)
    return Outcome(result.state_root, result.event_bloom)


def execution(chain: Chain, tip: Tip, params: ConsensusParams, generator: bytes) -> Execution:
    """The consensus context's state transition on the state after ``tip``
    (spec/consensus.md rule 15.1)."""
    return Execution(
        functools.partial(_propose, chain, tip, params, generator),
        functools.partial(_execute, chain, tip, params),
    )


def stake_provisioners(state: RuntimeState) -> tuple[Provisioner, ...]:
    """Rule 10.1: the provisioner set consensus reads at the round after ``state``'s block:
    every stake with an amount, its value and its eligibility height (Dusk's maturity: the
    epoch after the next for a new stake, later for a suspended one); consensus keeps those
    eligible at its round with at least its minimum stake
    (:func:`duskspec.consensus.provisioners.eligibles`). Memoized by the state root."""
    root = state.root()
    known = _PROVISIONERS.get(root)
    if known is None:
        known = provisioner_set(
            Provisioner(BlsPublicKey(key), data.amount.value, data.amount.eligibility)
            for key, data in sorted(state.stakes.items())
            if data.amount is not None and data.amount.value > 0
        )
        if len(_PROVISIONERS) >= MEMO_SIZE:
            _PROVISIONERS.clear()
        _PROVISIONERS[root] = known
    return known


def provisioners_at(
    chain: Chain, block_hash: Hash32, fallback: tuple[Provisioner, ...]
) -> tuple[Provisioner, ...]:
    """Rule 10.2: the set derived from the state after ``block_hash``; ``fallback`` (the
    genesis set) for a block whose state this node does not hold."""
    held = chain.states.get(block_hash)
    return fallback if held is None else stake_provisioners(held[1])


def on_transaction(chain: Chain, tip: Tip, frame: bytes, now: int) -> Chain:
    """N2: a transaction from the overlay joins the mempool or is refused with a code."""
    try:
        tx, entry = decode_tx_frame(frame)
    except ProtocolError as exc:
        return replace(chain, rejected=(*chain.rejected, (b"", exc.code)))
    try:
        pool, pushed = admit(chain.mempool, state_at(chain, tip.hash), tx, entry, now)
    except NodeError as exc:
        code = exc.detail if exc.code == "node.tx_invalid" else exc.code
        return replace(chain, rejected=(*chain.rejected, (decode_entry(entry)[1], code)))
    refused = tuple((i, "node.replaced") for i in pushed)
    return replace(chain, mempool=pool, rejected=(*chain.rejected, *refused))


def on_accepted(
    chain: Chain,
    block: ConsensusBlock,
    parent: Tip,
    finalized: tuple[tuple[int, Hash32], ...],
    params: ConsensusParams,
    now: int,
) -> Chain:
    """Rules 4.1-4.2: apply an accepted block on its parent's state (its header must carry the
    outcome), drop what it spent from the mempool, and finalize the states of the blocks
    rolling finality made final."""
    state, result = execute_block(state_at(chain, parent.hash), block, parent, params)
    check_outcome(block, Outcome(result.state_root, result.event_bloom))
    states = {**chain.states, block.hash: (block.header.height, state)}
    included = frozenset(decode_entry(entry)[1] for entry in block.payload)
    pool, dropped = _prune(chain.mempool, state, included, now)
    fees = sum(
        r.gas_spent * tx.gas_price for r, tx in zip(result.receipts, _txs(block), strict=True)
    )
    paid = block_settlement(block, parent, params)
    rewards = sum(value for _, value in runtime_block(block, parent, fees, params).rewards)
    log = (
        block.header.height,
        len(block.payload),
        fees,
        rewards,
        len(pool.entries),
        len(paid.slashes),
    )
    chain = replace(
        chain,
        states=states,
        mempool=pool,
        rejected=(*chain.rejected, *dropped),
        accepted_log=(*chain.accepted_log, log),
        included={**chain.included, block.hash: tuple(block.payload)},
        settled={**chain.settled, block.hash: paid},
    )
    return _finalize(chain, finalized)


def _txs(block: ConsensusBlock) -> tuple[rt.Transaction, ...]:
    return tuple(decode_entry(entry)[0] for entry in block.payload)


def _prune(
    pool: Mempool, state: RuntimeState, included: frozenset[bytes], now: int
) -> tuple[Mempool, tuple[tuple[bytes, str], ...]]:
    """Rule 4.1: included transactions leave; so do transactions whose spend ids the state now
    holds spent (``node.spent``) and entries past their expiry (``node.expired``)."""
    kept: list[Entry] = []
    dropped: list[tuple[bytes, str]] = []
    for entry in pool.entries:
        if entry.id in included:
            continue
        if _spent(state, entry.tx):
            dropped.append((entry.id, "node.spent"))
        elif now - entry.arrived > MEMPOOL_EXPIRY_MS:
            dropped.append((entry.id, "node.expired"))
        else:
            kept.append(entry)
    return Mempool(tuple(kept), pool.seq), tuple(dropped)


def _spent(state: RuntimeState, tx: rt.Transaction) -> bool:
    if isinstance(tx, PhoenixTx):
        return any(nf in state.nullifiers for nf in tx.nullifiers)
    return tx.nonce <= state.account(_sender(tx)).nonce


def _finalize(chain: Chain, finalized: tuple[tuple[int, Hash32], ...]) -> Chain:
    """Rule 4.2: each newly final block records its state root and supply; states of blocks
    below the last final one are dropped."""
    if not finalized:
        return chain
    records = list(chain.final)
    for height, block_hash in finalized:
        state = state_at(chain, block_hash)
        log = next(entry for entry in chain.accepted_log[::-1] if entry[0] == height)
        payload = tuple(chain.included.get(block_hash, ()))
        ids = tuple(decode_entry(e)[1] for e in payload)
        records.append(
            FinalRecord(
                height,
                block_hash,
                state.root(),
                chain.supply(state),
                log[1],
                log[2],
                log[3],
                ids,
                payload,
                log[5],
                chain.settled.get(block_hash),
            )
        )
    last_height, last_hash = finalized[-1]
    states = {h: v for h, v in chain.states.items() if v[0] >= last_height}
    included = {h: v for h, v in chain.included.items() if h in states and h != last_hash}
    settled = {h: v for h, v in chain.settled.items() if h in states and h != last_hash}
    return replace(
        chain,
        states=states,
        final_hash=last_hash,
        final=tuple(records),
        included=included,
        settled=settled,
    )


def on_reverted(chain: Chain, block_hash: Hash32, tip: Tip, now: int) -> Chain:
    """Rule 4.3: fork choice reverted ``block_hash``: its state is dropped (the parent's state,
    kept, is the common ancestor's) and its transactions are offered to the mempool again."""
    entries = chain.included.get(block_hash, ())
    states = {h: v for h, v in chain.states.items() if h != block_hash}
    chain = replace(
        chain,
        states=states,
        included={k: v for k, v in chain.included.items() if k != block_hash},
        settled={k: v for k, v in chain.settled.items() if k != block_hash},
    )
    for entry in entries:
        chain = on_transaction(chain, tip, _version() + encoding.encode_u8(TOPIC_TX) + entry, now)
    return chain


#: Entries each memo holds at most; a full memo is emptied.
MEMO_SIZE = 4096
_EXECUTED: dict[
    tuple[Hash32, int, bytes, tuple[bytes, ...], Settlement], tuple[RuntimeState, rt.BlockResult]
] = {}
_CHECKED: dict[tuple[Hash32, bytes], str] = {}
_DECODED: dict[bytes, tuple[rt.Transaction, bytes]] = {}
_PROVISIONERS: dict[Hash32, tuple[Provisioner, ...]] = {}

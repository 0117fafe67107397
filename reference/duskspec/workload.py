"""The transaction workload of ``duskspec simulate --tx-rate R`` (spec/node.md §5).

A seeded stream of transactions in virtual time: ``R`` per virtual second on average, each
handed to one seeded entry node, which broadcasts it on the transaction topic (rule 1.1).
The genesis state funds :data:`ACCOUNTS` Moonlight accounts and stakes every provisioner
with its consensus stake. The mix (:func:`Workload.batch`):

- Moonlight transfers between the funded accounts, each sender's nonces in order, gas
  prices drawn from 1 to 20 (the bulk of the stream);
- underpriced replacements: a second transaction with the same sender and nonce as the one
  just sent and a lower gas price (refused ``node.replacement_underpriced`` by a node that
  holds the first, or replaced ``node.replaced`` by it where it arrived second);
- transfers from an account genesis never funded (refused ``runtime.unknown_account``).

The rest of the mix (spec/node.md §9): stakes and full unstakes by the funded accounts;
withdraws of the stake reward genesis holds for the first :data:`WITHDRAWERS` accounts;
Moonlight calls of the counter contract (``increment``) and deposits into the vault, both
deployed at genesis (:func:`example_contracts`); and Phoenix transfers drawn in order from
the pool of proofs made ahead of time (:mod:`duskspec.phoenix_pool`).

Every transaction is a pure function of the seed, its index and the cached pool, so a run is
reproducible.
"""

from __future__ import annotations

import random
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from duskspec.chain import Chain, encode_tx_frame, tx_id
from duskspec.consensus.constants import TEST_EMERGENCY_KEY, ConsensusParams
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.rewards import emission_amount
from duskspec.crypto import bls
from duskspec.phoenix_pool import PoolEntry, pool
from duskspec.runtime import genesis as genesis_contracts
from duskspec.runtime import wallet
from duskspec.runtime.block import Transaction
from duskspec.runtime.stake import STAKE_GAS, StakeOp, StakeTx, sign_stake
from duskspec.runtime.state import RuntimeConfig, RuntimeState, StakeData, commit, genesis
from duskspec.runtime.transactions import MOONLIGHT_GAS, MoonlightTx, sign_moonlight
from duskspec.runtime.vm import machine
from duskspec.runtime.vm.contracts import bytecode
from duskspec.types import Hash32

#: Funded Moonlight accounts.
ACCOUNTS = 32
#: LUX each account holds at genesis.
ACCOUNT_BALANCE = 10**15
#: Share of the stream that is an underpriced replacement, and an unfunded sender.
REPLACEMENT_SHARE = 0.05
UNFUNDED_SHARE = 0.03
GAS_LIMIT = MOONLIGHT_GAS + 1_000_000
#: The stream stops this many blocks before the run's goal, so that what was sent can be
#: included and become final by then.
TAIL_BLOCKS = 4


def account_keys(seed: int, count: int = ACCOUNTS) -> tuple[tuple[int, bytes], ...]:
    keys = (bls.keygen(f"duskspec-sim/{seed}/account/{i}".encode()) for i in range(count))
    return tuple((sk, bytes(pk)) for sk, pk in keys)


def genesis_state(
    provisioners: tuple[Provisioner, ...],
    seed: int,
    epoch: int = RuntimeConfig.epoch,
    phoenix: bool = False,
    dusk_key: bytes = TEST_EMERGENCY_KEY,
) -> RuntimeState:
    """The runtime state at height 0: the funded accounts, the provisioners' stakes, the
    example Phoenix notes, the first :data:`WITHDRAWERS` accounts' stake rewards, an empty
    stake entry for ``dusk_key`` (the Dusk key its reward share is credited to, spec/node.md
    rule 11.1), and the counter and vault contracts (with ``phoenix``, the pool's verifier key
    installed); stakes mature by consensus's ``epoch`` (spec/node.md rule 10.1)."""
    accounts = {pk: ACCOUNT_BALANCE for _, pk in account_keys(seed)}
    stakes = {bytes(p.public_key): p.value for p in provisioners}
    config = RuntimeConfig(epoch=epoch, verifier_keys=(pool(phoenix)[1], b"", b"", b""))
    state = genesis(config, accounts, wallet.example_notes()[0], stakes)
    rewards = {pk: StakeData(None, GENESIS_REWARD) for _, pk in account_keys(seed)[:WITHDRAWERS]}
    dusk = {} if dusk_key in state.stakes else {dusk_key: StakeData()}
    state = commit(replace(state, stakes={**state.stakes, **rewards, **dusk}))
    for name, init in CONTRACTS:
        state, _ = genesis_contracts.deploy(state, _deploy_input(name, init))
    return state


#: The example contracts deployed at genesis: (name, init argument).
CONTRACTS = (("counter", struct.pack("<Q", 0)), ("vault", None))
#: Accounts with a stake reward at genesis (they withdraw it in parts), and that reward.
WITHDRAWERS = 4
#: The accounts that stake and unstake (the next four).
STAKERS = 4
GENESIS_REWARD = 10**12
#: Shares of the stream (cumulative after the two above): stake operations, withdraws,
#: counter calls, vault deposits, Phoenix transfers; the rest are Moonlight transfers.
STAKE_SHARE = 0.06
WITHDRAW_SHARE = 0.04
CALL_SHARE = 0.08
DEPOSIT_SHARE = 0.04
PHOENIX_SHARE = 0.04
CALL_GAS_LIMIT = MOONLIGHT_GAS + 20_000_000
STAKE_GAS_LIMIT = STAKE_GAS + 1_000_000


def _deploy_input(name: str, init: bytes | None) -> machine.DeployInput:
    return machine.DeployInput(bytecode(name), bytes(32), 0, init, 10**7)


@cache
def example_contracts() -> dict[str, Hash32]:
    """The ids of the contracts genesis deploys (a function of their bytecode alone)."""
    state = genesis(RuntimeConfig())
    ids = {}
    for name, init in CONTRACTS:
        state, ids[name] = genesis_contracts.deploy(state, _deploy_input(name, init))
    return ids


def hidden(phoenix: bool) -> Callable[[RuntimeState], int]:
    """The value of the unspent obfuscated notes, which :func:`duskspec.chain.supply` cannot
    read: the simulator knows each one's value by its commitment (the example notes and, with
    ``phoenix``, the pool's outputs) and each nullifier's note."""
    values, spent = _known_notes(phoenix)

    def value(state: RuntimeState) -> int:
        held = sum(values.get(n.value_commitment, 0) for n in state.notes if n.note_type == 1)
        return held - sum(spent.get(nf, 0) for nf in state.nullifiers)

    return value


@cache
def _known_notes(phoenix: bool) -> tuple[dict[Any, int], dict[int, int]]:
    from duskspec.runtime.note import decode_note

    notes = wallet.example_notes()[0]
    values = {n.value_commitment: v for n, v in zip(notes, wallet.EXAMPLE_NOTE_VALUES, strict=True)}
    spent = {}
    for entry in pool(phoenix)[0]:
        for raw, value in zip(entry.tx.outputs, entry.output_values, strict=True):
            values[decode_note(raw).value_commitment] = value
        spent[entry.tx.nullifiers[0]] = entry.spent_value
    return values, spent


@dataclass
class Workload:
    """The stream's generator; :meth:`batch` is called once per virtual second in order."""

    seed: int
    rate: float
    nodes: int
    #: Phoenix transfers from the proof pool (``--phoenix``); without it, none.
    phoenix: bool = False
    keys: tuple[tuple[int, bytes], ...] = ()
    rng: random.Random = field(default_factory=random.Random)
    nonces: dict[bytes, int] = field(default_factory=dict)
    #: Every transaction sent: (id, kind), in order.
    sent: list[tuple[bytes, str]] = field(default_factory=list)
    carry: float = 0.0
    #: The stake each account has sent and not yet unstaked.
    staked: dict[bytes, int] = field(default_factory=dict)
    pool: tuple[PoolEntry, ...] = ()
    #: Pool entries sent so far.
    drawn: int = 0
    #: Draws made so far (names the unfunded senders).
    draws: int = 0

    def __post_init__(self) -> None:
        self.keys = account_keys(self.seed)
        self.rng = random.Random(f"duskspec-sim/{self.seed}/workload")
        self.pool = pool(self.phoenix)[0]

    def pool_line(self) -> str:
        """One line on the Phoenix pool (spec/node.md rule 9.3)."""
        if not self.pool:
            return "phoenix pool: off, no Phoenix transfers (--phoenix sends them)"
        return f"phoenix pool: {len(self.pool)} transactions proved ahead of time"

    def batch(self, start_us: int) -> list[tuple[int, int, bytes]]:
        """The (time µs, entry node, frame) of the transactions of the virtual second that
        starts at ``start_us``."""
        self.carry += self.rate
        count = int(self.carry)
        self.carry -= count
        out = []
        for k in range(count):
            at = start_us + (k * 1_000_000) // max(count, 1)
            entry = self.rng.randrange(self.nodes)
            for tx, kind in self._next():
                out.append((at, entry, encode_tx_frame(tx)))
                self.sent.append((tx_id(tx), kind))
                at += 1_000
        return out

    def _next(self) -> list[tuple[Transaction, str]]:
        draw = self.rng.random()
        self.draws += 1
        if draw < UNFUNDED_SHARE:
            label = f"duskspec-sim/{self.seed}/unfunded/{self.draws}"
            stranger = bls.keygen(label.encode())
            return [(self._transfer(stranger[0], bytes(stranger[1]), 1, 5), "unfunded")]
        draw -= UNFUNDED_SHARE + REPLACEMENT_SHARE
        if 0 <= draw < STAKE_SHARE + WITHDRAW_SHARE + CALL_SHARE + DEPOSIT_SHARE:
            return [self._other(draw)]
        draw -= STAKE_SHARE + WITHDRAW_SHARE + CALL_SHARE + DEPOSIT_SHARE
        if 0 <= draw < PHOENIX_SHARE:
            # With no pool entry left the draw sends nothing, so the rest of the stream is
            # the same whichever entries are cached (rule 9.3).
            if self.drawn == len(self.pool):
                return []
            self.drawn += 1
            return [(self.pool[self.drawn - 1].tx, self.pool[self.drawn - 1].kind)]
        sk, pk, nonce = self._account(self.keys)
        price = self.rng.randint(2, 20)
        first = self._transfer(sk, pk, nonce, price)
        if draw < 0:
            second = self._transfer(sk, pk, nonce, price - 1)
            return [(first, "moonlight"), (second, "replacement")]
        return [(first, "moonlight")]

    def _account(self, keys: tuple[tuple[int, bytes], ...]) -> tuple[int, bytes, int]:
        sk, pk = keys[self.rng.randrange(len(keys))]
        nonce = self.nonces.get(pk, 0) + 1
        self.nonces[pk] = nonce
        return sk, pk, nonce

    def _other(self, draw: float) -> tuple[Transaction, str]:
        """A stake or unstake, a withdraw, a counter call or a vault deposit."""
        price = self.rng.randint(2, 20)
        if draw < STAKE_SHARE:
            sk, pk, nonce = self._account(self.keys[WITHDRAWERS : WITHDRAWERS + STAKERS])
            if pk in self.staked:
                value = self.staked.pop(pk)
                return self._stake(sk, pk, StakeOp.UNSTAKE, value, nonce, price), "unstake"
            value = self.rng.randint(10**6, 10**9)
            self.staked[pk] = value
            return self._stake(sk, pk, StakeOp.STAKE, value, nonce, price), "stake"
        draw -= STAKE_SHARE
        if draw < WITHDRAW_SHARE:
            sk, pk, nonce = self._account(self.keys[:WITHDRAWERS])
            value = self.rng.randint(1, 10**6)
            return self._stake(sk, pk, StakeOp.WITHDRAW, value, nonce, price), "withdraw"
        sk, pk, nonce = self._account(self.keys)
        contracts = example_contracts()
        if draw - WITHDRAW_SHARE < CALL_SHARE:
            tx = MoonlightTx(
                1,
                pk,
                pk,
                0,
                0,
                CALL_GAS_LIMIT,
                price,
                nonce,
                call_contract=contracts["counter"],
                call_function="increment",
            )
            return sign_moonlight(tx, sk), "call"
        value = self.rng.randint(1, 10**6)
        tx = MoonlightTx(
            1, pk, pk, 0, value, GAS_LIMIT, price, nonce, deposit_contract=contracts["vault"]
        )
        return sign_moonlight(tx, sk), "deposit"

    def _stake(
        self, sk: int, pk: bytes, op: StakeOp, value: int, nonce: int, price: int
    ) -> StakeTx:
        return sign_stake(StakeTx(1, op, pk, value, STAKE_GAS_LIMIT, price, nonce), sk)

    def _transfer(self, sk: int, sender: bytes, nonce: int, price: int) -> MoonlightTx:
        receiver = self.keys[self.rng.randrange(len(self.keys))][1]
        value = self.rng.randint(1, 10**9)
        tx = MoonlightTx(1, sender, receiver, value, 0, GAS_LIMIT, price, nonce)
        return sign_moonlight(tx, sk)


# --- what the run's summary says about the transactions (spec/node.md §5) -------------------


def expected_supply(genesis_supply: int, height: int, params: ConsensusParams) -> int:
    """Rule 5.2: genesis supply plus the emission of blocks 1..height."""
    return genesis_supply + sum(emission_amount(h, params) for h in range(1, height + 1))


def ledger_checks(
    chains: list[Chain], params: ConsensusParams
) -> tuple[str, dict[str, Any] | None]:
    """Rules 5.2-5.3: ``state_diverged`` if two honest nodes hold different state roots at one
    final height; ``supply_not_conserved`` if a final block's state holds another supply
    than genesis plus emission; else ``ok``."""
    roots: dict[int, dict[bytes, int]] = {}
    for index, chain in enumerate(chains):
        for record in chain.final:
            roots.setdefault(record.height, {}).setdefault(record.state_root, index)
    diverged = sorted(h for h, found in roots.items() if len(found) > 1)
    if diverged:
        found = roots[diverged[0]]
        return "state_diverged", {
            "height": diverged[0],
            "roots": {root.hex(): node for root, node in sorted(found.items())},
        }
    for chain in chains:
        for record in chain.final:
            wanted = expected_supply(chain.genesis_supply, record.height, params)
            if record.supply != wanted:
                return "supply_not_conserved", {
                    "height": record.height,
                    "supply": record.supply,
                    "expected": wanted,
                }
    return "ok", None


def transaction_summary(
    workload: Workload, chains: list[Chain], virtual_seconds: float
) -> dict[str, Any]:
    """Rule 5.1: every transaction sent is final (in a final block), rejected with a code (the
    code most honest nodes gave it), or pending; throughput, fees, rewards, mempool depth."""
    reference = min(chains, key=lambda c: len(c.final))
    final_ids = {i for record in reference.final for i in record.tx_ids}
    codes: dict[bytes, Counter[str]] = {}
    for chain in chains:
        for identifier, code in chain.rejected:
            codes.setdefault(identifier, Counter())[code] += 1
    status: Counter[str] = Counter()
    by_code: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    for identifier, kind in workload.sent:
        if identifier in final_ids:
            outcome = "final"
        elif identifier in codes:
            outcome = "rejected"
            by_code[min(codes[identifier].items(), key=lambda kv: (-kv[1], kv[0]))[0]] += 1
        else:
            outcome = "pending"
        status[outcome] += 1
        by_kind.setdefault(kind, Counter())[outcome] += 1
    final_blocks = reference.final
    return {
        "submitted": len(workload.sent),
        "final": status["final"],
        "rejected": status["rejected"],
        "pending": status["pending"],
        "rejected_by_code": dict(sorted(by_code.items())),
        "by_kind": {k: dict(sorted(v.items())) for k, v in sorted(by_kind.items())},
        "throughput_tx_per_s": status["final"] / virtual_seconds if virtual_seconds else 0.0,
        "fees": sum(r.fees for r in final_blocks),
        "rewards": sum(r.rewards for r in final_blocks),
        "slashes": sum(r.slashes for r in final_blocks),
        "mempool_max": max((entry[4] for entry in reference.accepted_log), default=0),
        "final_blocks_with_transactions": sum(1 for r in final_blocks if r.transactions),
        "phoenix_pool": workload.pool_line(),
    }


def per_block_series(chain: Chain) -> dict[int, dict[str, int]]:
    """Per accepted height (the last block accepted there): transactions, fees, rewards and
    the mempool depth right after it, for the report's plots."""
    series = {}
    for height, txs, fees, rewards, depth, slashes in chain.accepted_log:
        series[height] = {
            "transactions": txs,
            "fees": fees,
            "rewards": rewards,
            "slashes": slashes,
            "mempool_depth": depth,
        }
    return series

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

Every transaction is a pure function of the seed and its index, so a run is reproducible.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from duskspec.chain import Chain, encode_tx_frame, tx_id
from duskspec.consensus.constants import ConsensusParams
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.rewards import emission_amount
from duskspec.crypto import bls
from duskspec.runtime.state import RuntimeConfig, RuntimeState, genesis
from duskspec.runtime.transactions import MOONLIGHT_GAS, MoonlightTx, sign_moonlight

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


def genesis_state(provisioners: tuple[Provisioner, ...], seed: int) -> RuntimeState:
    """The runtime state at height 0: the funded accounts and the provisioners' stakes."""
    accounts = {pk: ACCOUNT_BALANCE for _, pk in account_keys(seed)}
    stakes = {bytes(p.public_key): p.value for p in provisioners}
    return genesis(RuntimeConfig(), accounts=accounts, stakes=stakes)


@dataclass
class Workload:
    """The stream's generator; :meth:`batch` is called once per virtual second in order."""

    seed: int
    rate: float
    nodes: int
    keys: tuple[tuple[int, bytes], ...] = ()
    rng: random.Random = field(default_factory=random.Random)
    nonces: dict[bytes, int] = field(default_factory=dict)
    #: Every transaction sent: (id, kind), in order.
    sent: list[tuple[bytes, str]] = field(default_factory=list)
    carry: float = 0.0

    def __post_init__(self) -> None:
        self.keys = account_keys(self.seed)
        self.rng = random.Random(f"duskspec-sim/{self.seed}/workload")

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

    def _next(self) -> list[tuple[MoonlightTx, str]]:
        draw = self.rng.random()
        if draw < UNFUNDED_SHARE:
            stranger = bls.keygen(f"duskspec-sim/{self.seed}/unfunded/{len(self.sent)}".encode())
            return [(self._transfer(stranger[0], bytes(stranger[1]), 1, 5), "unfunded")]
        sk, pk = self.keys[self.rng.randrange(len(self.keys))]
        nonce = self.nonces.get(pk, 0) + 1
        self.nonces[pk] = nonce
        price = self.rng.randint(2, 20)
        first = self._transfer(sk, pk, nonce, price)
        if draw < UNFUNDED_SHARE + REPLACEMENT_SHARE:
            second = self._transfer(sk, pk, nonce, price - 1)
            return [(first, "moonlight"), (second, "replacement")]
        return [(first, "moonlight")]

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
        "mempool_max": max((entry[4] for entry in reference.accepted_log), default=0),
        "final_blocks_with_transactions": sum(1 for r in final_blocks if r.transactions),
    }


def per_block_series(chain: Chain) -> dict[int, dict[str, int]]:
    """Per accepted height (the last block accepted there): transactions, fees, rewards and
    the mempool depth right after it, for the report's plots."""
    series = {}
    for height, txs, fees, rewards, depth in chain.accepted_log:
        series[height] = {
            "transactions": txs,
            "fees": fees,
            "rewards": rewards,
            "mempool_depth": depth,
        }
    return series

"""The workload's mix (spec/node.md §9): stakes, unstakes, withdraws, counter calls, vault
deposits and Phoenix transfers from the cached pool, each executed by the runtime and counted
by kind; obfuscated notes counted in the supply by the values the simulator knows.

With ``phoenix`` the pool is proved once (``python -m duskspec.phoenix_pool`` builds it ahead
of time; the runtime tests share its proofs) and then read from the proof cache. About 10 s
of CPU once cached."""

from __future__ import annotations

import struct
from collections import Counter

from duskspec import chain as ledger
from duskspec import phoenix_pool, workload
from duskspec.consensus.provisioners import Provisioner
from duskspec.crypto import bls
from duskspec.errors import ProtocolError
from duskspec.runtime import block as rt
from duskspec.runtime import genesis as genesis_contracts
from duskspec.runtime.codec import decode_transaction
from duskspec.runtime.state import RuntimeState
from duskspec.simulation import SimulationConfig, run
from duskspec.types import Hash32

SEED = 3
KINDS = {"stake", "unstake", "withdraw", "call", "deposit", "moonlight"}


def _provisioners() -> tuple[Provisioner, ...]:
    keys = [bls.keygen(f"mix test {i}".encode()) for i in range(3)]
    return tuple(Provisioner(pk, 10**6, 0) for _, pk in keys)


def _stream(seconds: int) -> tuple[workload.Workload, list[tuple[rt.Transaction, str]]]:
    stream = workload.Workload(SEED, 8.0, 4)
    txs = []
    for second in range(seconds):
        frames = stream.batch(second * 1_000_000)
        kinds = stream.sent[len(stream.sent) - len(frames) :]
        for (_, _, frame), (_, kind) in zip(frames, kinds, strict=True):
            txs.append((decode_transaction(frame[6:]), kind))
    return stream, txs


def _counter(state: RuntimeState) -> int:
    counter = workload.example_contracts()["counter"]
    _, result = genesis_contracts.call(state, Hash32(counter), "read_value", b"", 1_000_000)
    return int(struct.unpack("<Q", result.output)[0])


def test_the_stream_executes_kind_by_kind() -> None:
    """Applying the stream in order on the workload's genesis: every kind executes, and the
    counter, the vault's balance, the stakes and the withdrawn rewards say what was sent."""
    state = workload.genesis_state(_provisioners(), SEED)
    _, txs = _stream(12)
    done: Counter[str] = Counter()
    deposits = 0
    for tx, kind in txs:
        try:
            state, receipt = rt.execute(state, tx)
        except ProtocolError:
            continue
        assert receipt.error is None, (kind, receipt.error)
        done[kind] += 1
        if kind == "deposit":
            assert isinstance(tx, rt.MoonlightTx)
            deposits += tx.deposit
    assert set(done) >= KINDS, done
    assert _counter(state) == done["call"]
    assert state.contract_balances[workload.example_contracts()["vault"]] == deposits
    staking = [state.stake(pk).amount for _, pk in workload.account_keys(SEED)[4:8]]
    assert sum(1 for a in staking if a is not None) == done["stake"] - done["unstake"]
    rewards = [state.stake(pk).reward for _, pk in workload.account_keys(SEED)[:4]]
    assert sum(rewards) < 4 * workload.GENESIS_REWARD


def test_the_stream_is_a_function_of_the_seed() -> None:
    first, _ = _stream(5)
    second, _ = _stream(5)
    assert first.sent == second.sent and len(first.sent) > 0


def test_phoenix_supply_counts_the_known_notes() -> None:
    """A Phoenix block moves value out of obfuscated notes (the fee, the refund note): with
    the simulator's known values the supply is conserved; without them it is not."""
    pool, vk = phoenix_pool.pool(True)  # proved once (the runtime tests share the proofs)
    state = workload.genesis_state(_provisioners(), SEED, phoenix=True)
    assert state.config.verifier_keys[0] == vk
    after, _ = rt.apply_block(state, rt.Block(1, (pool[0].tx,)))
    blind = ledger.genesis_chain(Hash32(bytes(32)), state)
    hidden_value = workload.hidden(True)
    seeing = ledger.genesis_chain(Hash32(bytes(32)), state, hidden_value)
    assert seeing.supply(after) == seeing.supply(state) == seeing.genesis_supply
    assert blind.supply(after) != blind.supply(state)
    assert hidden_value(after) == hidden_value(state) - (
        pool[0].spent_value - sum(pool[0].output_values)
    )


def test_without_phoenix_the_run_says_so_in_one_line() -> None:
    stream = workload.Workload(SEED, 8.0, 4)
    line = stream.pool_line()
    assert "\n" not in line and "off" in line and "--phoenix" in line
    for second in range(12):
        stream.batch(second * 1_000_000)
    assert not any(kind.startswith("phoenix") for _, kind in stream.sent)
    # The rest of the stream is the one a run with the pool sends.
    with_pool = workload.Workload(SEED, 8.0, 4, phoenix=True)
    for second in range(12):
        with_pool.batch(second * 1_000_000)
    assert [s for s in with_pool.sent if not s[1].startswith("phoenix")] == stream.sent


def test_every_kind_is_final_in_a_run() -> None:
    config = SimulationConfig(
        provisioners=8, blocks=10, preset="tiny", tx_rate=5.0, seed=0, phoenix=True
    )
    report = run(config)
    tx = report.transactions
    assert report.blocks_finalized == 10 and report.ledger_verdict == "ok"
    assert tx["pending"] == 0
    kinds = {*KINDS, "phoenix"}
    assert all(tx["by_kind"].get(k, {}).get("final", 0) > 0 for k in kinds), tx["by_kind"]
    assert sum(sum(v.values()) for v in tx["by_kind"].values()) == tx["submitted"]
    assert tx["phoenix_pool"].startswith("phoenix pool: ")

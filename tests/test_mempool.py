"""The node's mempool, transaction topic and chain of states (spec/node.md §1-§4)."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec import chain as ledger
from duskspec import workload
from duskspec.consensus.constants import TINY
from duskspec.consensus.genesis import genesis_tip
from duskspec.errors import NodeError, ProtocolError
from duskspec.runtime.block import encode_transaction
from duskspec.runtime.codec import MAX_PROOF_BYTES, decode_transaction
from duskspec.runtime.stake import StakeOp, StakeTx, sign_stake
from duskspec.runtime.state import RuntimeState
from duskspec.runtime.transactions import MoonlightTx, sign_moonlight
from duskspec.simulation import make_provisioners

SEED = 5
ACCOUNTS = workload.account_keys(SEED)


def transfer(sender: int, nonce: int, price: int, value: int = 1_000, **kw: object) -> MoonlightTx:
    sk, pk = ACCOUNTS[sender]
    receiver = kw.pop("receiver", ACCOUNTS[(sender + 1) % len(ACCOUNTS)][1])
    tx = MoonlightTx(1, pk, receiver, value, 0, workload.GAS_LIMIT, price, nonce)  # type: ignore[arg-type]
    return sign_moonlight(dataclasses.replace(tx, **kw), sk)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def genesis() -> RuntimeState:
    _, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    return workload.genesis_state(provisioners, SEED)


def admit(pool: ledger.Mempool, state: RuntimeState, tx: MoonlightTx) -> ledger.Mempool:
    return ledger.admit(pool, state, tx, encode_transaction(tx), 0)[0]


def refusal(pool: ledger.Mempool, state: RuntimeState, tx: MoonlightTx) -> str:
    with pytest.raises(NodeError) as info:
        ledger.admit(pool, state, tx, encode_transaction(tx), 0)
    return info.value.code


# --- rule 1: the topic and strict decoding ----------------------------------------------------


def test_frames_and_entries_round_trip() -> None:
    self_transfer = transfer(0, 1, 3, receiver=ACCOUNTS[0][1])
    stake = sign_stake(
        StakeTx(1, StakeOp.STAKE, ACCOUNTS[2][1], 5_000, 10**7, 1, 1), ACCOUNTS[2][0]
    )
    contract_call = transfer(
        1,
        1,
        3,
        call_contract=bytes(range(32)),
        call_function="withdraw",
        call_argument=b"\x07" * 40,
    )
    for tx in (transfer(0, 1, 3), self_transfer, stake, contract_call):
        frame = ledger.encode_tx_frame(tx)
        assert ledger.is_tx_frame(frame)
        assert ledger.decode_tx_frame(frame)[0] == tx
        assert decode_transaction(encode_transaction(tx)) == tx


def test_non_canonical_entries_are_refused() -> None:
    entry = encode_transaction(transfer(0, 1, 3))
    for bad in (b"", b"\x09" + entry[1:], entry + b"\x00", entry[:-1]):
        with pytest.raises(ProtocolError) as info:
            decode_transaction(bad)
        assert info.value.code == "runtime.malformed_transaction"
    frame = ledger.encode_tx_frame(transfer(0, 1, 3))
    with pytest.raises(NodeError) as version:
        ledger.decode_tx_frame(b"\x02" + frame[1:])
    assert version.value.code == "node.tx_version"


# --- rule 2: admission, replacement, eviction -------------------------------------------------


def test_admission_refuses_with_codes(genesis: RuntimeState) -> None:
    pool = admit(ledger.Mempool(), genesis, transfer(0, 1, 5))
    assert refusal(pool, genesis, transfer(0, 1, 5)) == "node.tx_known"
    assert refusal(pool, genesis, transfer(1, 1, 5, gas_limit=100_000)) == "node.gas_limit_too_low"
    far = transfer(1, 2 + ledger.MAX_NONCE_GAP, 5)
    with pytest.raises(NodeError) as info:
        ledger.admit(pool, genesis, far, encode_transaction(far), 0)
    assert (info.value.code, info.value.detail) == ("node.tx_invalid", "runtime.wrong_nonce")
    rich = transfer(1, 1, 5, value=10**19)
    with pytest.raises(NodeError) as bad:
        ledger.admit(pool, genesis, rich, encode_transaction(rich), 0)
    assert bad.value.detail == "runtime.insufficient_balance"


def test_a_future_nonce_is_held(genesis: RuntimeState) -> None:
    pool = admit(ledger.Mempool(), genesis, transfer(0, 3, 5))
    assert len(pool.entries) == 1


def test_replacement_needs_a_strictly_higher_gas_price(genesis: RuntimeState) -> None:
    first = transfer(0, 1, 5)
    pool = admit(ledger.Mempool(), genesis, first)
    assert refusal(pool, genesis, transfer(0, 1, 5, value=2)) == "node.replacement_underpriced"
    assert refusal(pool, genesis, transfer(0, 1, 4)) == "node.replacement_underpriced"
    better = transfer(0, 1, 6)
    pool, pushed = ledger.admit(pool, genesis, better, encode_transaction(better), 0)
    assert pushed == (ledger.tx_id(first),)
    assert [e.tx for e in pool.entries] == [better]


def test_a_full_mempool_evicts_the_cheapest_for_a_dearer_one(
    genesis: RuntimeState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger, "MEMPOOL_CAPACITY", 2)
    cheap, dear = transfer(0, 1, 3), transfer(1, 1, 7)
    pool = admit(admit(ledger.Mempool(), genesis, cheap), genesis, dear)
    assert refusal(pool, genesis, transfer(2, 1, 3)) == "node.mempool_full"
    newcomer = transfer(2, 1, 4)
    pool, pushed = ledger.admit(pool, genesis, newcomer, encode_transaction(newcomer), 0)
    assert pushed == (ledger.tx_id(cheap),)
    assert {e.tx for e in pool.entries} == {dear, newcomer}


# --- rule 3.1: packing ------------------------------------------------------------------------


def test_packing_orders_by_price_keeps_nonces_in_order_and_respects_gas(
    genesis: RuntimeState,
) -> None:
    txs = [transfer(0, 2, 20), transfer(0, 1, 2), transfer(1, 1, 9), transfer(2, 1, 9)]
    pool = ledger.Mempool()
    for tx in txs:
        pool = admit(pool, genesis, tx)
    packed = [e.tx for e in ledger.pack(pool, genesis, 10**12, 100)]
    assert packed == [txs[2], txs[3], txs[1], txs[0]]
    two = [e.tx for e in ledger.pack(pool, genesis, 2 * workload.GAS_LIMIT, 100)]
    assert two == [txs[2], txs[3]]
    assert len(ledger.pack(pool, genesis, 10**12, 1)) == 1


# --- rule 4: acceptance, pruning, finality, fallback -----------------------------------------


def test_accepting_prunes_spent_and_expired_and_fallback_readmits(genesis: RuntimeState) -> None:
    keys, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    chain = ledger.genesis_chain(tip.hash, genesis)
    included, twin = transfer(0, 1, 5), transfer(0, 1, 9, value=7)
    rival, later = transfer(1, 1, 5), transfer(2, 1, 5)
    for tx in (twin, rival, later):
        chain = ledger.on_transaction(chain, tip, ledger.encode_tx_frame(tx), 0)
    assert len(chain.mempool.entries) == 3
    from duskspec.consensus import round as rnd
    from duskspec.consensus.verification import SignatureVerifier

    state = rnd.RoundState(tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    probe = rnd.RoundContext(TINY, provisioners, keys[0], SignatureVerifier())
    key = rnd.iteration_generator(state, probe, 0)
    gen = next(k for k in keys if k.public_key == key)
    # The generator's mempool held ``included`` where ours holds its twin (same spend id).
    only = dataclasses.replace(chain, mempool=admit(ledger.Mempool(), genesis, included))
    ctx = rnd.RoundContext(
        TINY,
        provisioners,
        gen,
        SignatureVerifier(),
        ledger.execution(only, tip, TINY, bytes(gen.public_key)),
    )
    block = rnd.build_candidate(state, ctx, rnd.slot_time(state, ctx))
    assert block.payload == (encode_transaction(included),)
    expired = ledger.on_accepted(chain, block, tip, (), TINY, ledger.MEMPOOL_EXPIRY_MS + 1)
    assert ledger.state_at(expired, block.hash).root() == block.header.state_hash
    assert expired.mempool.entries == ()
    assert sorted(code for _, code in expired.rejected) == [
        "node.expired",
        "node.expired",
        "node.spent",
    ]
    kept = ledger.on_accepted(chain, block, tip, (), TINY, 10)
    assert {e.tx for e in kept.mempool.entries} == {rival, later}
    assert kept.rejected == ((ledger.tx_id(twin), "node.spent"),)
    # Fallback: the block's state goes, its transaction comes back to the mempool.
    reverted = ledger.on_reverted(kept, block.hash, tip, 20)
    assert block.hash not in reverted.states
    assert {e.tx for e in reverted.mempool.entries} == {included, rival, later}
    # Finality records the state root and the supply, and drops older states.
    final = ledger.on_accepted(chain, block, tip, ((1, block.hash),), TINY, 10)
    assert [r.height for r in final.final] == [1]
    assert final.final[0].state_root == block.header.state_hash
    assert final.final[0].tx_ids == (ledger.tx_id(included),)
    assert tip.hash not in final.states
    expected = workload.expected_supply(final.genesis_supply, 1, TINY)
    assert final.final[0].supply == expected


def test_a_block_whose_header_lies_is_not_accepted(genesis: RuntimeState) -> None:
    keys, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    chain = ledger.genesis_chain(tip.hash, genesis)
    from duskspec.consensus import round as rnd
    from duskspec.consensus.verification import SignatureVerifier

    state = rnd.RoundState(tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    ctx = rnd.RoundContext(TINY, provisioners, keys[0], SignatureVerifier())
    empty = rnd.build_candidate(state, ctx, rnd.slot_time(state, ctx))  # empty state root
    with pytest.raises(ProtocolError) as info:
        ledger.on_accepted(chain, empty, tip, (), TINY, 0)
    assert info.value.code == "consensus.state_root_mismatch"


def test_ledger_checks_catch_divergence_and_lost_supply(genesis: RuntimeState) -> None:
    _, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    base = ledger.genesis_chain(tip.hash, genesis)
    supply = workload.expected_supply(base.genesis_supply, 1, TINY)
    good = ledger.FinalRecord(1, tip.hash, tip.hash, supply, 0, 0, 0)
    one = dataclasses.replace(base, final=(good,))
    assert workload.ledger_checks([one, one], TINY) == ("ok", None)
    other = dataclasses.replace(base, final=(dataclasses.replace(good, state_root=bytes(32)),))
    assert workload.ledger_checks([one, other], TINY)[0] == "state_diverged"
    short = dataclasses.replace(base, final=(dataclasses.replace(good, supply=supply - 1),))
    assert workload.ledger_checks([short], TINY)[0] == "supply_not_conserved"


def test_the_generator_leaves_out_a_transaction_that_no_longer_executes(
    genesis: RuntimeState,
) -> None:
    _, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    good = transfer(0, 1, 5)
    forged = dataclasses.replace(transfer(1, 1, 9), signature=transfer(1, 1, 8).signature)
    pool = admit(ledger.Mempool(), genesis, good)
    stale = ledger.Entry(
        forged,
        encode_transaction(forged),
        ledger.tx_id(forged),
        ledger.spend_ids(forged),
        9,
        forged.gas_limit,
        0,
        pool.seq,
    )
    pool = ledger.Mempool((*pool.entries, stale), pool.seq + 1)
    assert [e.tx for e in ledger.pack(pool, genesis, 10**12, 100, execute=False)] == [forged, good]
    assert [e.tx for e in ledger.pack(pool, genesis, 10**12, 100)] == [good]
    chain = dataclasses.replace(ledger.genesis_chain(tip.hash, genesis), mempool=pool)
    generator = bytes(provisioners[0].public_key)
    payload, outcome = ledger.execution(chain, tip, TINY, generator).propose(1, 0, ())
    assert payload == (encode_transaction(good),)
    state, result = ledger.execute_payload(genesis, 1, generator, payload, TINY)
    assert outcome.state_root == result.state_root == state.root()


def test_a_phoenix_entry_round_trips_and_its_bounds_hold() -> None:
    from support.runtime_world import phoenix_tx

    tx, _ = phoenix_tx()
    entry = encode_transaction(tx)
    assert decode_transaction(entry) == tx
    for bad in (
        dataclasses.replace(tx, nullifiers=()),
        dataclasses.replace(tx, proof=bytes(MAX_PROOF_BYTES + 1)),
    ):
        with pytest.raises(ProtocolError) as info:
            decode_transaction(encode_transaction(bad))
        assert info.value.code == "runtime.malformed_transaction"

"""Consensus re-executes candidates (spec/consensus.md §15): the generator writes the state
root of its payload, a Validation member votes Invalid on a wrong root, a wrong bloom or an
invalid transaction, and without a runtime the candidate carries the empty outcome."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec import chain as ledger
from duskspec import workload
from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.constants import TINY
from duskspec.consensus.execution import EMPTY_OUTCOME
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.header_validation import payload_root
from duskspec.consensus.messages import VoteKind
from duskspec.consensus.verification import SignatureVerifier
from duskspec.crypto import bls
from duskspec.crypto.merkle import EMPTY_NODE
from duskspec.errors import ProtocolError
from duskspec.runtime.block import encode_transaction
from duskspec.runtime.transactions import MoonlightTx, sign_moonlight
from duskspec.simulation import make_provisioners

SEED = 3


@dataclasses.dataclass(frozen=True)
class World:
    keys: list[rnd.NodeKeys]
    state: rnd.RoundState
    generator: int
    chain: ledger.Chain
    now: int


def _transfer(nonce: int, price: int, signer: int | None = None) -> MoonlightTx:
    accounts = workload.account_keys(SEED)
    sk, pk = accounts[0]
    tx = MoonlightTx(1, pk, accounts[1][1], 1_000, 0, workload.GAS_LIMIT, price, nonce)
    return sign_moonlight(tx, accounts[signer][0] if signer is not None else sk)


@pytest.fixture(scope="module")
def world() -> World:
    keys, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    chain = ledger.genesis_chain(tip.hash, workload.genesis_state(provisioners, SEED))
    state_db = ledger.state_at(chain, tip.hash)
    tx = _transfer(1, 5)
    pool, _ = ledger.admit(chain.mempool, state_db, tx, encode_transaction(tx), 0)
    chain = dataclasses.replace(chain, mempool=pool)
    state = rnd.RoundState(tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    probe = rnd.RoundContext(TINY, provisioners, keys[0], SignatureVerifier())
    key = rnd.iteration_generator(state, probe, 0)
    generator = next(i for i, k in enumerate(keys) if k.public_key == key)
    return World(keys, state, generator, chain, rnd.slot_time(state, probe))


def context(world: World, index: int, with_runtime: bool = True) -> rnd.RoundContext:
    _, provisioners = make_provisioners(4, SEED, TINY.minimum_stake)
    keys = world.keys[index]
    if not with_runtime:
        return rnd.RoundContext(TINY, provisioners, keys, SignatureVerifier())
    execution = ledger.execution(world.chain, world.state.tip, TINY, bytes(keys.public_key))
    return rnd.RoundContext(TINY, provisioners, keys, SignatureVerifier(), execution)


def vote(world: World, candidate: Block) -> VoteKind | None:
    validator = (world.generator + 1) % 4
    state = dataclasses.replace(world.state, candidate=candidate)
    cast = rnd.validation_vote_for(state, context(world, validator), world.now)
    return None if cast is None else cast.kind


def resign(world: World, block: Block, **fields: object) -> Block:
    keys = world.keys[world.generator]
    header = dataclasses.replace(block.header, **fields)  # type: ignore[arg-type]
    return Block(
        header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash), block.payload
    )


def candidate(world: World) -> Block:
    return rnd.build_candidate(world.state, context(world, world.generator), world.now)


def test_the_generator_writes_the_state_root_of_its_transactions(world: World) -> None:
    block = candidate(world)
    assert len(block.payload) == 1
    assert block.header.state_hash not in (
        EMPTY_NODE,
        world.chain.states[world.state.tip.hash][1].root(),
    )
    assert block.header.event_bloom != EMPTY_OUTCOME.event_bloom
    assert vote(world, block) == VoteKind.VALID


def test_a_wrong_state_root_earns_invalid(world: World) -> None:
    block = resign(world, candidate(world), state_hash=bytes(32))
    assert vote(world, block) == VoteKind.INVALID


def test_a_wrong_bloom_earns_invalid(world: World) -> None:
    block = resign(world, candidate(world), event_bloom=bytes(256))
    assert vote(world, block) == VoteKind.INVALID


def test_an_invalid_transaction_earns_invalid(world: World) -> None:
    forged = _transfer(1, 5, signer=2)  # signed with another account's key
    payload = (encode_transaction(forged),)
    honest = candidate(world)
    block = Block(honest.header, honest.signature, payload)
    block = resign(world, block, txroot=payload_root(payload))
    with pytest.raises(ProtocolError) as info:
        context(world, 0).execution.execute(block)
    assert info.value.code == "runtime.bad_signature"
    assert vote(world, block) == VoteKind.INVALID


def test_an_undecodable_entry_earns_invalid(world: World) -> None:
    payload = (b"\x07 not a transaction",)
    honest = candidate(world)
    block = resign(
        world, Block(honest.header, honest.signature, payload), txroot=payload_root(payload)
    )
    with pytest.raises(ProtocolError) as info:
        context(world, 0).execution.execute(block)
    assert info.value.code == "runtime.malformed_transaction"
    assert vote(world, block) == VoteKind.INVALID


def test_without_a_runtime_the_candidate_is_empty(world: World) -> None:
    ctx = context(world, world.generator, with_runtime=False)
    block = rnd.build_candidate(world.state, ctx, world.now)
    assert block.payload == ()
    assert block.header.state_hash == EMPTY_NODE
    assert block.header.event_bloom == bytes(256)

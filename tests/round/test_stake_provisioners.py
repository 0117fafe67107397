"""The provisioner set consensus reads, derived from the runtime's stakes (spec/node.md §10):
the genesis state gives exactly the genesis set; a new stake joins committees only from its
maturity (Dusk's eligibility: the epoch after the next), an unstake leaves at once, a soft
slash suspends; without a ledger the node hands consensus the genesis set itself.
A few BLS signatures; well under a second of CPU."""

from __future__ import annotations

import dataclasses

from duskspec import chain as ledger
from duskspec import node as node_module
from duskspec.consensus.constants import TINY
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.provisioners import eligibility_from_height, eligibles
from duskspec.consensus.verification import SignatureVerifier
from duskspec.crypto import bls
from duskspec.node import NodeContext, ProvisionerNode
from duskspec.runtime import block as rt
from duskspec.runtime.stake import STAKE_GAS, StakeOp, StakeTx, sign_stake
from duskspec.runtime.state import RuntimeConfig, RuntimeState, genesis
from duskspec.simulation import make_provisioners
from duskspec.types import Hash32

PROVISIONERS = make_provisioners(4, 7, TINY.minimum_stake)[1]
STAKER_SK, STAKER = bls.keygen(b"stake provisioners test")
STAKER_PK = bytes(STAKER)


def _genesis() -> RuntimeState:
    stakes = {bytes(p.public_key): p.value for p in PROVISIONERS}
    config = RuntimeConfig(epoch=TINY.epoch)
    return genesis(config, accounts={STAKER_PK: 10**15}, stakes=stakes)


def _stake(op: StakeOp, value: int, nonce: int) -> StakeTx:
    return sign_stake(StakeTx(1, op, STAKER_PK, value, STAKE_GAS + 1_000, 1, nonce), STAKER_SK)


def _apply(state: RuntimeState, *txs: StakeTx) -> RuntimeState:
    return rt.apply_block(state, rt.Block(state.height + 1, txs))[0]


def _empty_blocks(state: RuntimeState, count: int) -> RuntimeState:
    for _ in range(count):
        state = _apply(state)
    return state


def _keys_at(state: RuntimeState, round: int) -> set[bytes]:
    return {bytes(p.public_key) for p in eligibles(ledger.stake_provisioners(state), round, TINY)}


def test_the_genesis_state_gives_the_genesis_set() -> None:
    assert ledger.stake_provisioners(_genesis()) == PROVISIONERS


def test_a_stake_joins_at_its_maturity_and_leaves_with_its_unstake() -> None:
    state = _empty_blocks(_genesis(), 3)
    state = _apply(state, _stake(StakeOp.STAKE, 2 * TINY.minimum_stake, 1))
    staked_at = state.height
    mature = eligibility_from_height(staked_at, TINY)
    derived = {bytes(p.public_key): p for p in ledger.stake_provisioners(state)}
    assert derived[STAKER_PK].eligible_since == mature
    assert TINY.epoch < mature - staked_at <= 2 * TINY.epoch
    assert STAKER_PK not in _keys_at(state, staked_at + 1)
    assert STAKER_PK not in _keys_at(state, mature - 1)
    assert STAKER_PK in _keys_at(state, mature)
    state = _empty_blocks(state, mature - staked_at)
    assert STAKER_PK in _keys_at(state, state.height + 1)
    state = _apply(state, _stake(StakeOp.UNSTAKE, 2 * TINY.minimum_stake, 2))
    assert STAKER_PK not in {bytes(p.public_key) for p in ledger.stake_provisioners(state)}


def test_a_stake_below_the_minimum_never_joins() -> None:
    state = _apply(_genesis(), _stake(StakeOp.STAKE, TINY.minimum_stake - 1, 1))
    assert STAKER_PK in {bytes(p.public_key) for p in ledger.stake_provisioners(state)}
    assert STAKER_PK not in _keys_at(state, 10 * TINY.epoch)


def test_a_soft_slash_past_the_warning_suspends_the_provisioner() -> None:
    state = _genesis()
    victim = bytes(PROVISIONERS[0].public_key)
    assert victim in _keys_at(state, 1)
    for _ in range(2):  # the first fault is a warning
        state = rt.apply_block(
            state, rt.Block(state.height + 1, slashes=((victim, rt.SlashKind.SOFT),))
        )[0]
    assert victim not in _keys_at(state, state.height + 1)
    suspended = {bytes(p.public_key): p for p in ledger.stake_provisioners(state)}[victim]
    assert suspended.value < PROVISIONERS[0].value
    assert victim in _keys_at(state, suspended.eligible_since)


def test_the_node_passes_the_derived_set_only_with_a_ledger() -> None:
    tip = genesis_tip(PROVISIONERS)
    ctx = NodeContext(TINY, PROVISIONERS, SignatureVerifier())
    bare = ProvisionerNode(None, node_module.Behaviour.HONEST, tip)
    assert node_module.provisioners_at(bare, ctx, tip) is PROVISIONERS
    state = _apply(_genesis(), _stake(StakeOp.STAKE, 2 * TINY.minimum_stake, 1))
    carrying = dataclasses.replace(bare, chain=ledger.genesis_chain(tip.hash, state))
    derived = node_module.provisioners_at(carrying, ctx, tip)
    assert derived == ledger.stake_provisioners(state) and len(derived) == 5
    unknown = dataclasses.replace(tip, hash=Hash32(bytes(32)))
    assert node_module.provisioners_at(carrying, ctx, unknown) is PROVISIONERS

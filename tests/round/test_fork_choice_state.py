"""Fallback reverts state (spec/node.md rule 4.3): two attested blocks at height 1 with real
state roots; a node holding the iteration-1 block falls back to the iteration-0 one, and its
state, mempool and finality follow."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec import chain as ledger
from duskspec import workload
from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.verification import SignatureVerifier
from duskspec.consensus.wire import AcceptedBlock
from duskspec.errors import ProtocolError
from duskspec.node import Behaviour, NodeContext, ProvisionerNode, begin_round, on_message
from duskspec.runtime.block import encode_transaction
from duskspec.runtime.state import RuntimeConfig, StakeData, commit, genesis
from duskspec.runtime.transactions import MoonlightTx, sign_moonlight
from support.lockstep import TINY, Lockstep

LATE = 10_000_000
SEED = 0


def transfer() -> MoonlightTx:
    (sk, sender), (_, receiver) = workload.account_keys(SEED)[:2]
    tx = MoonlightTx(1, sender, receiver, 1_000, 0, workload.GAS_LIMIT, 3, 1)
    return sign_moonlight(tx, sk)


def with_runtime(net: Lockstep) -> ledger.Chain:
    genesis = workload.genesis_state(net.provisioners, SEED)
    chain = ledger.genesis_chain(net.tip.hash, genesis)
    chain = ledger.on_transaction(chain, net.tip, ledger.encode_tx_frame(transfer()), 0)
    net.contexts = [
        dataclasses.replace(
            c,
            execution=ledger.execution(chain, net.tip, TINY, bytes(c.keys.public_key)),
        )
        for c in net.contexts
        if c.keys is not None
    ]
    return chain


def decided(net: Lockstep, drop_first_candidate: bool) -> Block:
    while not net.inbox:
        net.fire_earliest()
    if drop_first_candidate:
        net.inbox = [(d, m) for d, m in net.inbox if not isinstance(m, Block)]
    while len(net.decided) < len(net.states):
        if net.inbox:
            net.run()
        else:
            net.fire_earliest()
    return net.decided[0].block


@pytest.fixture(scope="module")
def blocks(keys6: list[rnd.NodeKeys]) -> tuple[Lockstep, ledger.Chain, Block, Block]:
    fast, slow = Lockstep(keys6), Lockstep(keys6)
    chain = with_runtime(fast)
    with_runtime(slow)
    first, second = decided(fast, False), decided(slow, True)
    assert (first.header.iteration, second.header.iteration) == (0, 1)
    return fast, chain, first, second


def holding(
    net: Lockstep, chain: ledger.Chain, block: Block
) -> tuple[ProvisionerNode, NodeContext]:
    ctx = NodeContext(TINY, net.provisioners, SignatureVerifier())
    node = ProvisionerNode(None, Behaviour.HONEST, net.tip, chain=chain)
    node, _ = begin_round(node, ctx, 0)
    node, _ = on_message(node, ctx, AcceptedBlock(block), LATE)
    assert node.tip.hash == block.hash
    return node, ctx


def test_both_blocks_carry_the_transaction_and_their_own_state_root(
    blocks: tuple[Lockstep, ledger.Chain, Block, Block],
) -> None:
    _, _, first, second = blocks
    entry = encode_transaction(transfer())
    assert first.payload == second.payload == (entry,)
    assert first.header.state_hash != second.header.state_hash  # different generators' rewards


def test_fallback_reverts_to_the_common_ancestor_state(
    blocks: tuple[Lockstep, ledger.Chain, Block, Block],
) -> None:
    net, chain, first, second = blocks
    node, ctx = holding(net, chain, second)
    assert node.chain is not None and node.chain.mempool.entries == ()
    node, _ = on_message(node, ctx, AcceptedBlock(first), LATE)
    assert [a.hash for a in node.reverted] == [second.hash]
    assert node.chain is not None
    assert second.hash not in node.chain.states
    assert ledger.state_at(node.chain, first.hash).root() == first.header.state_hash
    assert ledger.state_at(node.chain, net.tip.hash).root() == chain.states[net.tip.hash][1].root()
    # The reverted block's transaction came back and left again with the winning block.
    assert node.chain.mempool.entries == () and node.chain.rejected == ()


def test_an_announced_block_with_a_wrong_state_root_is_dropped(
    blocks: tuple[Lockstep, ledger.Chain, Block, Block],
) -> None:
    net, chain, first, _ = blocks
    # A node whose genesis holds one more funded account: the block's transaction executes,
    # but the state root differs from the header's.
    base = ledger.state_at(chain, net.tip.hash)
    accounts = {key: account.balance for key, account in base.accounts.items()}
    accounts[bytes(96)] = 1
    stakes = {key: data.amount.value for key, data in base.stakes.items() if data.amount}
    other = genesis(RuntimeConfig(), accounts=accounts, stakes=stakes)
    # the Dusk key's stake entry, which its reward share is credited to (spec/node.md 11.1)
    dusk = {bytes(TINY.emergency_key): StakeData()}
    other = commit(dataclasses.replace(other, stakes={**other.stakes, **dusk}))
    ctx = NodeContext(TINY, net.provisioners, SignatureVerifier())
    node = ProvisionerNode(
        None, Behaviour.HONEST, net.tip, chain=ledger.genesis_chain(net.tip.hash, other)
    )
    node, _ = begin_round(node, ctx, 0)
    with pytest.raises(ProtocolError) as info:
        on_message(node, ctx, AcceptedBlock(first), LATE)
    assert info.value.code == "consensus.state_root_mismatch"
    assert node.tip.hash == net.tip.hash

"""Fork choice with fallback in the node (spec/consensus.md rule 3.20, spec/sources.md §1.13)."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.verification import SignatureVerifier
from duskspec.consensus.wire import AcceptedBlock
from duskspec.errors import ConsensusError
from duskspec.node import Behaviour, NodeContext, ProvisionerNode, begin_round, on_message
from support.lockstep import TINY, Lockstep

LATE = 10_000_000  # virtual ms, well after both blocks' timestamps


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
def blocks(keys6: list[rnd.NodeKeys]) -> tuple[Lockstep, Block, Block]:
    """Two attested blocks at height 1 on the same genesis: iteration 0 and iteration 1."""
    fast = Lockstep(keys6)
    slow = Lockstep(keys6)
    first, second = decided(fast, False), decided(slow, True)
    assert (first.header.iteration, second.header.iteration) == (0, 1)
    return fast, first, second


def node_holding(net: Lockstep, block: Block) -> tuple[ProvisionerNode, NodeContext]:
    ctx = NodeContext(TINY, net.provisioners, SignatureVerifier())
    node = ProvisionerNode(None, Behaviour.HONEST, net.tip)
    node, _ = begin_round(node, ctx, 0)
    node, _ = on_message(node, ctx, AcceptedBlock(block), LATE)
    assert node.tip.hash == block.hash
    return node, ctx


def test_a_lower_iteration_block_replaces_ours(blocks: tuple[Lockstep, Block, Block]) -> None:
    net, first, second = blocks
    node, ctx = node_holding(net, second)
    node, _ = on_message(node, ctx, AcceptedBlock(first), LATE)
    assert node.tip.hash == first.hash
    assert [a.hash for a in node.accepted] == [first.hash]
    assert [a.hash for a in node.reverted] == [second.hash]
    assert node.round is not None and node.round.round == 2


def test_a_higher_iteration_block_is_ignored(blocks: tuple[Lockstep, Block, Block]) -> None:
    net, first, second = blocks
    node, ctx = node_holding(net, first)
    after, outputs = on_message(node, ctx, AcceptedBlock(second), LATE)
    assert after is node and outputs == ()


def test_an_unattested_competitor_is_refused(blocks: tuple[Lockstep, Block, Block]) -> None:
    net, first, second = blocks
    node, ctx = node_holding(net, second)
    thin = dataclasses.replace(
        first.attestation,
        ratification=dataclasses.replace(  # type: ignore[type-var]
            first.attestation.ratification, bitset=1
        ),
    )  # type: ignore[union-attr]
    with pytest.raises(ConsensusError) as info:
        on_message(node, ctx, AcceptedBlock(dataclasses.replace(first, attestation=thin)), LATE)
    assert info.value.code == "consensus.insufficient_credits"

"""Emergency blocks (spec/consensus.md §13, issue 8 item 5): built by the holder of the
emergency key, validated in Dusk's order, counted as ``max_iterations`` by PNI, and, in a
network whose every iteration failed, accepted by every honest node while a forged one (the
wrong key) and an early one (the time rule) are not."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block, FailedIteration, Header
from duskspec.consensus.constants import TEST_EMERGENCY_SEED
from duskspec.consensus.emergency import (
    build_emergency_block,
    earliest_emergency_time,
    emergency_test_keys,
)
from duskspec.consensus.finality import Label, LabelKind
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.header_validation import INVALID_VOTE_CODES, Tip, check_header
from duskspec.consensus.verification import SignatureVerifier
from duskspec.consensus.wire import AcceptedBlock, decode_message, encode_message
from duskspec.crypto import bls
from duskspec.errors import ConsensusError
from duskspec.network import sim
from duskspec.network.kadcast.wire import ray_id
from duskspec.node import (
    Behaviour,
    NodeContext,
    ProvisionerNode,
    begin_round,
    on_message,
    provisioner_machine,
)
from duskspec.simulation import flood_machine, flood_nodes, make_provisioners
from duskspec.types import BlsSignature
from support.lockstep import TINY, Lockstep

EMERGENCY = emergency_test_keys()
FORGER = rnd.NodeKeys(*bls.keygen(b"duskspec-emergency-forger"))


@dataclasses.dataclass(frozen=True)
class Setup:
    net: Lockstep
    tip: Tip
    #: The emergency block on ``tip`` at the earliest time it is valid.
    block: Block


@pytest.fixture(scope="module")
def setup(keys6: list[rnd.NodeKeys]) -> Setup:
    """Round 1 decided in lockstep; its block is the tip of round 2."""
    net = Lockstep(keys6)
    while not net.inbox:
        net.fire_earliest()
    net.run()
    first = net.decided[0].block
    h = first.header
    tip = Tip(
        first.hash,
        h.height,
        h.timestamp,
        h.seed,
        h.iteration,
        net.tip.hash,
        net.tip.seed,
        first.attestation,
        net.provisioners,
    )
    block = build_emergency_block(tip, EMERGENCY, earliest_emergency_time(tip, TINY), TINY)
    return Setup(net, tip, block)


def check(setup: Setup, block: Block, tip: Tip | None = None, now: int | None = None) -> None:
    at = block.header.timestamp if now is None else now
    check_header(
        block, tip or setup.tip, setup.net.provisioners, setup.net.verifier, TINY, at, attested=True
    )


def failure(setup: Setup, block: Block, tip: Tip | None = None) -> str:
    with pytest.raises(ConsensusError) as info:
        check(setup, block, tip)
    return info.value.code


def resigned(keys: rnd.NodeKeys, header: Header) -> Block:
    return Block(header, bls.sign_multisig(keys.secret_key, keys.public_key, header.hash))


def test_the_presets_hold_the_published_test_key() -> None:
    assert bls.keygen(TEST_EMERGENCY_SEED)[1] == TINY.emergency_key == EMERGENCY.public_key
    assert TINY.min_emergency_block_time == 8 * 3 * (6 + 1)


def test_the_emergency_block_is_valid_without_an_attestation(setup: Setup) -> None:
    header = setup.block.header
    assert header.iteration == 255 and header.generator == TINY.emergency_key
    assert setup.block.attestation is None
    check(setup, setup.block)
    # it travels as a Block message (topic 11), with Dusk's empty attestation
    assert decode_message(encode_message(AcceptedBlock(setup.block)), TINY) == AcceptedBlock(
        setup.block
    )


def test_the_time_rule(setup: Setup) -> None:
    earliest = earliest_emergency_time(setup.tip, TINY)
    early = resigned(EMERGENCY, dataclasses.replace(setup.block.header, timestamp=earliest - 1))
    assert failure(setup, early) == "consensus.emergency_block_too_early"
    # one minimum block time after the tip is enough for a normal block, not for this one
    slot = resigned(
        EMERGENCY,
        dataclasses.replace(setup.block.header, timestamp=setup.tip.timestamp + 2),
    )
    assert failure(setup, slot) == "consensus.emergency_block_too_early"
    assert "consensus.emergency_block_too_early" in INVALID_VOTE_CODES  # Dusk: BlockTimeLess


def test_only_the_emergency_key_may_generate_it(setup: Setup) -> None:
    usurped = build_emergency_block(
        setup.tip, FORGER, earliest_emergency_time(setup.tip, TINY), TINY
    )
    assert failure(setup, usurped) == "consensus.invalid_generator"
    provisioner = setup.net.contexts[0].keys
    assert provisioner is not None
    by_member = build_emergency_block(
        setup.tip, provisioner, earliest_emergency_time(setup.tip, TINY), TINY
    )
    assert failure(setup, by_member) == "consensus.invalid_generator"
    forged = dataclasses.replace(
        setup.block,
        signature=bls.sign_multisig(FORGER.secret_key, FORGER.public_key, setup.block.hash),
    )
    assert failure(setup, forged) == "consensus.invalid_block_signature"
    zero = dataclasses.replace(setup.block, signature=BlsSignature(bytes(48)))
    assert failure(setup, zero) == "consensus.invalid_block_signature"


def test_the_seed_the_cert_and_the_failed_iterations_are_still_checked(setup: Setup) -> None:
    wrong_seed = bls.sign_multisig(EMERGENCY.secret_key, EMERGENCY.public_key, b"other")
    header = setup.block.header
    assert (
        failure(setup, resigned(EMERGENCY, dataclasses.replace(header, seed=wrong_seed)))
        == "consensus.invalid_seed"
    )
    empty_cert = dataclasses.replace(header, prev_block_cert=rnd.GENESIS_CERT)
    assert failure(setup, resigned(EMERGENCY, empty_cert)) == "consensus.invalid_prev_block_cert"
    relax = TINY.relax_iteration_threshold
    check(
        setup, resigned(EMERGENCY, dataclasses.replace(header, failed_iterations=(None,) * relax))
    )
    fake = FailedIteration(rnd.GENESIS_CERT, header.generator)
    assert (
        failure(setup, resigned(EMERGENCY, dataclasses.replace(header, failed_iterations=(fake,))))
        == "consensus.invalid_failed_iterations"
    )


def test_a_normal_block_announced_without_attestation_is_refused(setup: Setup) -> None:
    state = rnd.RoundState(setup.tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    ctx = setup.net.contexts[0]
    key = rnd.iteration_generator(state, ctx, 0)
    owner = next(c for c in setup.net.contexts if c.keys and c.keys.public_key == key)
    now = (setup.tip.timestamp + TINY.minimum_block_time) * 1000
    candidate = rnd.build_candidate(state, owner, now)
    check_header(
        candidate, setup.tip, setup.net.provisioners, setup.net.verifier, TINY, now // 1000
    )
    assert failure(setup, candidate) == "consensus.block_not_attested"


def emergency_tip(setup: Setup) -> Tip:
    h = setup.block.header
    return Tip(
        setup.block.hash,
        h.height,
        h.timestamp,
        h.seed,
        h.iteration,
        setup.tip.hash,
        setup.tip.seed,
        None,
        setup.net.provisioners,
    )


def test_the_block_after_an_emergency_block_skips_the_cert_check(setup: Setup) -> None:
    tip = emergency_tip(setup)
    state = rnd.RoundState(tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    key = rnd.iteration_generator(state, setup.net.contexts[0], 0)
    owner = next(c for c in setup.net.contexts if c.keys and c.keys.public_key == key)
    now = (tip.timestamp + TINY.minimum_block_time) * 1000
    candidate = rnd.build_candidate(state, owner, now)
    assert candidate.header.prev_block_cert == rnd.GENESIS_CERT  # Dusk's empty attestation
    check_header(candidate, tip, setup.net.provisioners, setup.net.verifier, TINY, now // 1000)
    # the same empty cert after a normal tip is refused
    normal = dataclasses.replace(tip, iteration=0)
    assert failure(setup, candidate, normal) == "consensus.invalid_prev_block_cert"


def test_an_emergency_block_is_no_candidate(setup: Setup) -> None:
    """It travels as a Block message; as a Candidate the round refuses its iteration."""
    state = rnd.RoundState(setup.tip, 0, rnd.StepName.PROPOSAL, 0, (8000, 8000, 8000))
    with pytest.raises(ConsensusError) as info:
        rnd.on_candidate(state, setup.net.contexts[0], setup.block, 0)
    assert info.value.code == "consensus.iteration_out_of_range"


# --- a network in which every iteration fails -------------------------------------------------

PROVISIONERS = 6
#: Each node is alone until every iteration of round 1 has timed out (tiny: the slot, then
#: 6 iterations of 3 steps of 8 s, 146 s), then the network heals.
ISOLATED_UNTIL_S = 150
SECOND = 1_000_000


def frame_of(block: Block) -> bytes:
    return encode_message(AcceptedBlock(block))


def test_a_stalled_network_accepts_the_emergency_block_and_goes_on() -> None:
    keys, provisioners = make_provisioners(PROVISIONERS, 0, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    nodes = [ProvisionerNode(k, Behaviour.HONEST, tip) for k in keys]
    holder = ProvisionerNode(None, Behaviour.HONEST, tip, emergency_keys=EMERGENCY)
    total = PROVISIONERS + 1
    verifier = SignatureVerifier()
    simulator = sim.Simulator(
        sim.NetworkConfig(seed=0),
        overlay=(flood_machine, flood_nodes(total, 0)),
        app=(provisioner_machine(NodeContext(TINY, provisioners, verifier)), [*nodes, holder]),
    )
    simulator.split(0, [[i] for i in range(total)])
    simulator.heal(ISOLATED_UNTIL_S * SECOND)
    due = earliest_emergency_time(tip, TINY)
    # Before the holder acts: a block under another key at a valid time, and one under the
    # emergency key before its time. Both are announced to every node.
    forged = build_emergency_block(tip, FORGER, due, TINY)
    early = build_emergency_block(tip, EMERGENCY, due - 10, TINY)
    simulator.originate((due - 2) * SECOND, 0, frame_of(forged), 0, ray_id(frame_of(forged)))
    simulator.originate((due - 10) * SECOND, 1, frame_of(early), 0, ray_id(frame_of(early)))
    simulator.run(until=(due - 1) * SECOND)
    states: list[ProvisionerNode] = list(simulator.states[sim.APP][:PROVISIONERS])
    assert all(n.round is not None and n.round.open_mode and not n.accepted for n in states)
    assert simulator.totals.rejected >= 2 * (PROVISIONERS - 1)  # dropped by every other node
    context = NodeContext(TINY, provisioners, verifier)
    for block, code in (
        (forged, "consensus.invalid_generator"),
        (early, "consensus.emergency_block_too_early"),
    ):
        with pytest.raises(ConsensusError) as info:
            on_message(states[2], context, AcceptedBlock(block), (due - 1) * 1000)
        assert info.value.code == code
    simulator.run(until=(due + 1) * SECOND)
    states = list(simulator.states[sim.APP][:PROVISIONERS])
    emergency = states[0].accepted[0]
    assert emergency.height == 1 and emergency.iteration == 255
    assert emergency.generator == TINY.emergency_key
    assert all(n.accepted[0].hash == emergency.hash for n in states)
    assert all(r.hash not in (forged.hash, early.hash) for n in states for r in n.accepted)
    # PNI counts max_iterations (6) minus the Fail attestations the holder recorded (none:
    # it was alone too): Accepted(12)
    assert states[0].labels[0].label == Label(LabelKind.ACCEPTED, 2 * TINY.max_iterations)
    simulator.run(until=(due + 40) * SECOND)
    states = list(simulator.states[sim.APP][:PROVISIONERS])
    # consensus resumed on the emergency block, every later block attested in iteration 0
    assert all(len(n.accepted) > 13 for n in states)
    assert all(r.iteration == 0 for n in states for r in n.accepted[1:])
    assert all(hashes(n, 14) == hashes(states[0], 14) for n in states)
    # rolling finality: the emergency block becomes Final when its 12th Attested successor
    # is confirmed, i.e. on accepting block 13, and not before
    final_at = dict(states[0].finalized)
    assert final_at[1] == states[0].accepted[12].decided_at > states[0].accepted[11].decided_at


def hashes(node: ProvisionerNode, count: int) -> list[bytes]:
    return [r.hash for r in node.accepted[:count]]


def test_with_every_generator_silent_each_round_ends_in_an_emergency_block() -> None:
    """Every provisioner is ``silent``: no candidate is ever proposed. Iterations 0 and 1 end
    in Fail(NoCandidate) attestations (recorded: below the relax threshold), 2 and 3 too (not
    recorded), 4 and 5 are emergency iterations without NoCandidate votes and time out; every
    node waits in Open Consensus mode. The holder's emergency block carries the two recorded
    Fail attestations, which every node verifies (PNI 6 - 2 = 4, ``Accepted(8)``). The next
    round stalls the same way and ends in a second emergency block, built on the first: its
    ``prev_block_cert`` is not checked (rule 13.4)."""
    keys, provisioners = make_provisioners(PROVISIONERS, 1, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    nodes = [ProvisionerNode(k, Behaviour.SILENT, tip) for k in keys]
    holder = ProvisionerNode(None, Behaviour.HONEST, tip, emergency_keys=EMERGENCY)
    total = PROVISIONERS + 1
    simulator = sim.Simulator(
        sim.NetworkConfig(seed=1),
        overlay=(flood_machine, flood_nodes(total, 1)),
        app=(
            provisioner_machine(NodeContext(TINY, provisioners, SignatureVerifier())),
            [*nodes, holder],
        ),
    )
    second = 2 * TINY.min_emergency_block_time
    simulator.run(until=(second + 1) * SECOND)
    states: list[ProvisionerNode] = list(simulator.states[sim.APP][: PROVISIONERS + 1])
    for node in states:
        assert [(r.height, r.iteration) for r in node.accepted] == [(1, 255), (2, 255)]
        assert [r.hash for r in node.accepted] == [r.hash for r in states[-1].accepted]
        # each block counted its two Fail attestations (iterations 0 and 1): PNI 6 - 2
        labels = [b.label for b in node.labels]
        pni = TINY.max_iterations - TINY.relax_iteration_threshold
        assert labels == [Label(LabelKind.ACCEPTED, 2 * pni)] * 2
        assert not node.finalized
        assert node.round is not None and node.round.round == 3


def test_a_late_attested_block_of_the_round_replaces_the_emergency_block(
    keys6: list[rnd.NodeKeys],
) -> None:
    """Fork choice (rule 13.5): at the tip's height any lower iteration wins against 255, so
    a node that accepted the emergency block falls back to the round's attested block; the
    other way round, an emergency block changes nothing."""
    net = Lockstep(keys6)
    while not net.inbox:
        net.fire_earliest()
    net.run()
    attested = net.decided[0].block
    genesis = net.tip
    emergency = build_emergency_block(
        genesis, EMERGENCY, earliest_emergency_time(genesis, TINY), TINY
    )
    later = 10_000_000  # virtual ms, after both blocks' timestamps
    ctx = NodeContext(TINY, net.provisioners, SignatureVerifier())
    start = ProvisionerNode(None, Behaviour.HONEST, genesis)
    start, _ = begin_round(start, ctx, 0)
    node, _ = on_message(start, ctx, AcceptedBlock(emergency), later)
    assert node.tip.hash == emergency.hash and node.tip.attestation is None
    node, _ = on_message(node, ctx, AcceptedBlock(attested), later)
    assert node.tip.hash == attested.hash
    assert [a.hash for a in node.reverted] == [emergency.hash]
    held, _ = on_message(start, ctx, AcceptedBlock(attested), later)
    after, outputs = on_message(held, ctx, AcceptedBlock(emergency), later)
    assert after is held and outputs == ()


def test_an_emergency_block_of_a_later_round_is_dropped(setup: Setup) -> None:
    """§8: the pending buffer keeps iterations of a round only (rule 3.24)."""
    ctx = NodeContext(TINY, setup.net.provisioners, SignatureVerifier())
    node, _ = begin_round(ProvisionerNode(None, Behaviour.HONEST, setup.net.tip), ctx, 0)
    assert setup.block.header.height == 2 and node.round is not None and node.round.round == 1
    with pytest.raises(ConsensusError) as info:
        on_message(node, ctx, AcceptedBlock(setup.block), 0)
    assert info.value.code == "consensus.iteration_out_of_range"

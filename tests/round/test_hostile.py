"""Hostile input cannot stall or exhaust a node (spec/consensus.md §3.8, rules 3.21-3.25).

Every hostile message is dropped with its stable code and the receiver's state object is
returned untouched (or the message never enters it); the honest nodes still decide, in
lockstep and over Kadcast; what a node keeps stays bounded.
"""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.consensus import hostile
from duskspec.consensus import round as rnd
from duskspec.consensus.block import Block
from duskspec.consensus.messages import ConsensusHeader, SignInfo
from duskspec.consensus.provisioners import Provisioner
from duskspec.consensus.sortition import StepName
from duskspec.consensus.verification import MEMO_CAPACITY, SignatureVerifier
from duskspec.consensus.wire import decode_message, encode_message
from duskspec.crypto import bls
from duskspec.errors import ProtocolError
from duskspec.network import sim
from duskspec.node import NodeContext, ProvisionerNode, on_message
from duskspec.simulation import SimulationConfig, run
from duskspec.types import BlsPublicKey
from support.lockstep import TINY, Lockstep

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def net(keys6: list[rnd.NodeKeys]) -> Lockstep:
    return Lockstep(keys6)


def header(net: Lockstep, iteration: int = 0) -> ConsensusHeader:
    return net.states[0].header(iteration)


def dropped(net: Lockstep, node: int, message: rnd.Message) -> str:
    state = net.states[node]
    with pytest.raises(ProtocolError) as info:
        rnd.receive(state, net.contexts[node], message, net.now)
    assert net.states[node] is state
    return info.value.code


def finish(net: Lockstep, nodes: list[int]) -> None:
    """Deliver and fire timers until every node of ``nodes`` decided."""
    for _ in range(10_000):
        if set(nodes) <= set(net.decided):
            return
        if net.inbox:
            net.run()
        else:
            net.fire_earliest()
    raise AssertionError("the honest nodes did not decide")


def member(net: Lockstep, step: StepName, iteration: int) -> int:
    return next(
        i
        for i in range(len(net.states))
        if rnd.is_member(net.states[i], net.contexts[i], iteration, step)
    )


# --- the poison vote of issue 8 ---------------------------------------------------------------


def test_the_poison_vote_is_258_bytes_and_decodes(net: Lockstep) -> None:
    frame = encode_message(hostile.poison_ratification(header(net)))
    assert len(frame) == 258
    assert decode_message(frame, TINY) == hostile.poison_ratification(header(net))


def test_the_poison_vote_is_dropped_as_a_non_member_before_any_pairing(net: Lockstep) -> None:
    poison = hostile.poison_ratification(header(net))
    before = net.verifier.verifications
    for node in range(len(net.states)):
        assert dropped(net, node, poison) == "consensus.not_in_committee"
    assert net.verifier.verifications == before


def test_every_node_decides_with_the_poison_vote_delivered_first(net: Lockstep) -> None:
    poison = hostile.poison_ratification(header(net))
    net.inbox = [(d, poison) for d in range(len(net.states))] + net.inbox
    finish(net, list(range(len(net.states))))
    assert net.rejected.count("consensus.not_in_committee") == len(net.states)
    assert len({d.block.hash for d in net.decided.values()}) == 1


@pytest.mark.parametrize(
    "signer",
    [hostile.OFF_CURVE_SIGNER, hostile.NON_SUBGROUP_SIGNER, hostile.IDENTITY_SIGNER],
    ids=["off_curve", "non_subgroup", "identity"],
)
def test_a_queued_vote_that_raises_a_crypto_error_at_replay_stalls_nothing(
    keys6: list[rnd.NodeKeys], signer: bytes
) -> None:
    """Rule 3.23. A provisioner set may hold a staked key that is not a valid point (rule 2.1
    checks only its length); a vote in its name passes the membership check and raises a
    CryptoError when its key is decoded. Planted in every queue, it is dropped at replay;
    the step change that replays it, and its timer, stand, so every node decides."""
    # The smallest stake that puts the bad key in iteration 0's Ratification committee.
    for stake in range(2, 20):
        bad = Provisioner(BlsPublicKey(signer), TINY.minimum_stake * stake, 0)
        net = Lockstep(keys6, extra=(bad,))
        ratification = rnd.committee(net.states[0], net.contexts[0], 0, StepName.RATIFICATION)
        if ratification.is_member(bad.public_key):
            break
    iteration = 0
    poison = dataclasses.replace(
        hostile.poison_ratification(header(net, iteration)),
        sign_info=SignInfo(bad.public_key, hostile.ZERO_SIGNATURE),
    )
    with pytest.raises(ProtocolError) as info:
        rnd.receive(net.states[0], net.contexts[0], poison, net.now)
    assert info.value.code.startswith("crypto.bls_public_key")
    net.states = [dataclasses.replace(s, queued=(poison,)) for s in net.states]
    finish(net, list(range(len(net.states))))
    replayed = [
        s for s in net.states if (s.iteration, s.step) >= (iteration, StepName.RATIFICATION)
    ]
    assert replayed and all(poison not in s.queued for s in replayed)


def test_identity_and_off_curve_signers_are_dropped_at_arrival(net: Lockstep) -> None:
    for signer in (hostile.IDENTITY_SIGNER, hostile.OFF_CURVE_SIGNER):
        vote = hostile.keyless_validation(header(net, 1), signer, 0)
        assert dropped(net, 0, vote) == "consensus.not_in_committee"


# --- cheap checks first --------------------------------------------------------------------


def test_a_validly_signed_vote_from_a_non_member_costs_no_pairing(net: Lockstep) -> None:
    secret, public = bls.keygen(b"duskspec-hostile/outsider")
    unsigned = hostile.keyless_validation(header(net), public, 0)
    vote = next(hostile.signed_future_flood(header(net), secret, public, 1))
    assert vote.header == unsigned.header
    net.states[0] = dataclasses.replace(net.states[0], step=StepName.VALIDATION)
    before = net.verifier.verifications
    assert dropped(net, 0, vote) == "consensus.not_in_committee"
    assert net.verifier.verifications == before


def test_far_future_iterations_are_out_of_range(net: Lockstep) -> None:
    for iteration in (TINY.max_iterations, 200, 255):
        vote = hostile.keyless_validation(header(net, iteration), hostile.ZERO_SIGNER, 0)
        assert dropped(net, 0, vote) == "consensus.iteration_out_of_range"


def test_a_candidate_for_an_iteration_past_the_round_is_out_of_range(net: Lockstep) -> None:
    while not net.inbox:
        net.fire_earliest()
    candidate = next(m for _, m in net.inbox if isinstance(m, Block))
    late = dataclasses.replace(
        candidate, header=dataclasses.replace(candidate.header, iteration=TINY.max_iterations)
    )
    assert dropped(net, 0, late) == "consensus.iteration_out_of_range"


def test_a_forged_future_vote_in_a_members_name_is_dropped_at_arrival(net: Lockstep) -> None:
    """The signature of a future vote is checked before it is queued, so a forger cannot take
    the slot of the member it names."""
    signer = net.contexts[member(net, StepName.VALIDATION, 1)].keys
    assert signer is not None
    forged = hostile.keyless_validation(header(net, 1), signer.public_key, 0)
    assert dropped(net, 0, forged) == "consensus.bad_vote_signature"


# --- bounded state -----------------------------------------------------------------------------


def test_a_flood_of_distinct_future_votes_leaves_one_per_signer_and_step(net: Lockstep) -> None:
    index = member(net, StepName.VALIDATION, 1)
    keys = net.contexts[index].keys
    assert keys is not None
    receiver = next(i for i in range(len(net.states)) if i != net.generator_index(0))
    state, ctx = net.states[receiver], net.contexts[receiver]
    codes = []
    for vote in hostile.signed_future_flood(header(net, 1), keys.secret_key, keys.public_key, 20):
        try:
            state, _ = rnd.receive(state, ctx, vote, net.now)
            codes.append("")
        except ProtocolError as exc:
            codes.append(exc.code)
    assert codes == [""] + ["consensus.future_slot_taken"] * 19
    assert len(state.queued) == 1


def test_strangers_flood_leaves_the_queue_empty(net: Lockstep) -> None:
    state, ctx = net.states[0], net.contexts[0]
    for i, public in enumerate(hostile.stranger_keys(50)):
        vote = hostile.keyless_validation(header(net, 1 + i % 4), public, i)
        with pytest.raises(ProtocolError) as info:
            rnd.receive(state, ctx, vote, net.now)
        assert info.value.code == "consensus.not_in_committee"
    assert state.queued == ()


def test_an_equivocating_generator_fills_at_most_its_candidate_slots(net: Lockstep) -> None:
    while not net.inbox:
        net.fire_earliest()
    candidate = next(m for _, m in net.inbox if isinstance(m, Block))
    keys = net.contexts[net.generator_index(0)].keys
    assert keys is not None
    receiver = next(i for i in range(len(net.states)) if i != net.generator_index(0))
    state, ctx = net.states[receiver], net.contexts[receiver]
    codes = []
    for stamp in range(5):
        header_ = dataclasses.replace(
            candidate.header, timestamp=candidate.header.timestamp + stamp
        )
        block = Block(header_, bls.sign_multisig(keys.secret_key, keys.public_key, header_.hash))
        try:
            state, _ = rnd.receive(state, ctx, block, net.now)
            codes.append("")
        except ProtocolError as exc:
            codes.append(exc.code)
    assert codes == ["", "", *["consensus.candidate_slot_taken"] * 3]
    assert len(state.candidates) == rnd.CANDIDATES_PER_ITERATION


def test_the_signature_memos_are_bounded_and_eviction_changes_no_verdict() -> None:
    verifier = SignatureVerifier(capacity=4)
    secret, public = bls.keygen(b"duskspec-hostile/memo")
    apk = verifier.aggregate_key((public,))
    signatures = [bls.sign_multisig(secret, public, bytes([i])) for i in range(10)]
    for _ in range(2):
        for i, signature in enumerate(signatures):
            assert verifier.verify(apk, bytes([i]), signature)
            assert not verifier.verify(apk, bytes([i + 1]), signature)
            assert verifier.memo_entries <= 2 * verifier.capacity
    assert verifier.verifications == 40  # evicted triples are verified again
    assert MEMO_CAPACITY >= 2 * 128 * 50  # a whole mainnet round's votes fit


# --- the node's pending-round buffer -------------------------------------------------------------


def node_and_context(net: Lockstep) -> tuple[ProvisionerNode, NodeContext]:
    from duskspec.node import Behaviour

    ctx = NodeContext(TINY, net.provisioners, net.verifier)
    node = ProvisionerNode(net.contexts[0].keys, Behaviour.HONEST, net.tip, round=net.states[0])
    return node, ctx


def test_the_pending_buffer_drops_strangers_far_iterations_and_taken_slots(net: Lockstep) -> None:
    node, ctx = node_and_context(net)
    later = ConsensusHeader(header(net).prev_block_hash, 3, 0)
    stranger = next(hostile.stranger_keys(1))
    cases = [
        (hostile.keyless_validation(later, stranger, 0), "consensus.unknown_signer"),
        (hostile.poison_ratification(later), "consensus.unknown_signer"),
        (
            hostile.keyless_validation(
                dataclasses.replace(later, iteration=TINY.max_iterations),
                net.provisioners[0].public_key,
                0,
            ),
            "consensus.iteration_out_of_range",
        ),
    ]
    for message, code in cases:
        with pytest.raises(ProtocolError) as info:
            on_message(node, ctx, message, 0)
        assert info.value.code == code
    signer = net.provisioners[0].public_key
    kept, _ = on_message(node, ctx, hostile.keyless_validation(later, signer, 0), 0)
    assert len(kept.pending) == 1
    for salt in range(1, 200):
        with pytest.raises(ProtocolError) as info:
            on_message(kept, ctx, hostile.keyless_validation(later, signer, salt), 0)
        assert info.value.code == "consensus.pending_slot_taken"


def test_pending_holds_at_most_one_message_per_slot_under_a_flood(net: Lockstep) -> None:
    node, ctx = node_and_context(net)
    base = header(net).prev_block_hash
    for i in range(2_000):
        signer = net.provisioners[i % len(net.provisioners)].public_key
        message = hostile.keyless_validation(
            ConsensusHeader(base, 2 + i % 10, i % TINY.max_iterations), signer, i
        )
        try:
            node, _ = on_message(node, ctx, message, 0)
        except ProtocolError as exc:
            assert exc.code == "consensus.pending_slot_taken"
    # rounds 2..11 (ten ahead) x iterations x signers, one Validation slot each
    assert len(node.pending) <= 10 * TINY.max_iterations * len(net.provisioners)


def test_a_pending_message_that_raises_a_crypto_error_is_dropped_when_its_round_starts(
    net: Lockstep,
) -> None:
    """``node.begin_round``'s replay of early messages catches every ProtocolError."""
    from duskspec.node import begin_round

    node, ctx = node_and_context(net)
    poison = hostile.poison_ratification(header(net))
    node = dataclasses.replace(node, round=None, pending=(poison,))
    started, outputs = begin_round(node, ctx, 0)
    assert started.round is not None and started.pending == ()
    assert any(isinstance(o, sim.SetTimer) for o in outputs)  # the round's timer stands


# --- over Kadcast ------------------------------------------------------------------------------


def test_the_poison_frame_sent_once_over_kadcast_does_not_halt_the_chain() -> None:
    config = SimulationConfig(provisioners=8, blocks=3, preset="tiny", seed=3)
    from duskspec.consensus.genesis import genesis_tip
    from duskspec.simulation import make_provisioners

    _, provisioners = make_provisioners(8, 3, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    # Round 1's poison reaches nodes in round 1; round 2's reaches their pending buffer.
    frames = tuple(
        (0.0, entry, encode_message(hostile.poison_ratification(ConsensusHeader(tip.hash, r, 0))))
        for entry, r in ((0, 1), (5, 2))
    )
    attacked = dataclasses.replace(config, frames=tuple((t, e, f.hex()) for t, e, f in frames))
    report = run(attacked)
    assert report.blocks_finalized == 3 and report.agreement_ok
    assert report.rejected_messages == 14  # every other node dropped each frame once


def test_the_hostile_bench_drops_all_but_one_vote_of_a_small_flood() -> None:
    from duskspec.bench.hostile import SIGNED, measure

    row = measure(count=600)
    assert row["queued"] == 1 and row["dropped"] == 599
    assert f"consensus.future_slot_taken {SIGNED - 1}" in str(row["drop_codes"])

"""Rewards, slashes and emergency blocks in a node's ledger (spec/node.md §11).

The split each final block paid is recomputed here from the block's own data (its height,
fees, generator and the voters of its ``prev_block_cert``) with
:func:`duskspec.consensus.rewards.distribute_rewards` and applied with
:func:`duskspec.runtime.block.apply_block`, block after block from genesis: every state root
must be the one the nodes recorded, every key's reward must grow by its shares, and the
burnt amount by exactly what the split left unassigned. Slashes and emergency blocks are
checked on a run where every generator is silent. ``tiny`` preset, a few seconds of CPU.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from duskspec import chain as ledger
from duskspec import workload
from duskspec.consensus.block import FailedIteration
from duskspec.consensus.constants import TINY
from duskspec.consensus.emergency import emergency_test_keys
from duskspec.consensus.genesis import genesis_tip
from duskspec.consensus.messages import (
    EMPTY_STEP_VOTES,
    Attestation,
    Vote,
    VoteKind,
)
from duskspec.consensus.rewards import block_rewards, distribute_rewards, emission_amount
from duskspec.consensus.verification import SignatureVerifier
from duskspec.crypto.merkle import EMPTY_NODE
from duskspec.network import sim
from duskspec.node import Behaviour, NodeContext, ProvisionerNode, provisioner_machine
from duskspec.runtime import block as rt
from duskspec.runtime.state import RuntimeState
from duskspec.simulation import (
    SimulationConfig,
    choose_byzantine,
    flood_machine,
    flood_nodes,
    make_provisioners,
    run,
)

BASE = SimulationConfig(provisioners=8, blocks=5, preset="tiny", tx_rate=3.0)
DUSK = TINY.emergency_key
DUSK_KEY = bytes(DUSK)
SECOND = 1_000_000


def circulating(state: RuntimeState) -> int:
    """The supply the state holds, without what was burnt."""
    return ledger.supply(state) - state.burnt


def replay(
    genesis: RuntimeState,
    records: tuple[ledger.FinalRecord, ...],
    generators: dict[bytes, bytes],
) -> tuple[RuntimeState, Counter[bytes]]:
    """Apply each final block with the split computed from its own data; check its root, each
    key's reward growth, the burnt growth and the supply; return the end state and the
    rewards paid by key."""
    state = genesis
    paid: Counter[bytes] = Counter()
    emitted = 0
    for record in records:
        assert record.settlement is not None
        generator = generators[record.hash]
        voters = record.settlement.voters
        split = distribute_rewards(record.height, record.fees, generator, voters, DUSK, TINY)
        rewards = tuple((bytes(r.account), r.value) for r in split.rewards)
        emission = emission_amount(record.height, TINY)
        txs = tuple(ledger.decode_entry(entry)[0] for entry in record.payload)
        block = rt.Block(record.height, txs, emission, rewards, record.settlement.slashes)
        before = state
        state, result = rt.apply_block(before, block)
        assert result.state_root == record.state_root, record.height
        assert split.reward_value == emission + record.fees
        assert sum(value for _, value in rewards) == record.rewards
        # each voter is a provisioner whose credits hold both quorums of the attestation
        if record.height > 1:
            credits = sum(v.credits for v in voters)
            assert TINY.validation_quorum + TINY.ratification_quorum <= credits
            assert credits <= TINY.total_committee_credits
        per_key: Counter[bytes] = Counter()
        for key, value in rewards:
            per_key[key] += value
        for key, value in per_key.items():
            assert state.stake(key).reward - before.stake(key).reward == value
        assert state.burnt - before.burnt == split.unassigned
        emitted += emission
        assert circulating(state) == circulating(genesis) + emitted - (state.burnt - genesis.burnt)
        paid.update(per_key)
    return state, paid


def test_every_share_goes_to_its_key_and_the_rest_is_burnt() -> None:
    captured: list[tuple[list[ProvisionerNode], ledger.Chain | None]] = []
    report = run(BASE, on_finish=lambda nodes, chain: captured.append((nodes, chain)))
    assert report.ledger_verdict == "ok" and report.blocks_finalized == BASE.blocks
    nodes, genesis_chain = captured[0]
    assert genesis_chain is not None
    genesis = ledger.state_at(genesis_chain, genesis_chain.final_hash)
    chains = [n.chain for n in nodes if n.chain is not None]
    # every honest node holds the same state root at every final height
    for height in range(1, BASE.blocks + 1):
        roots = {r.state_root for c in chains for r in c.final if r.height == height}
        assert len(roots) == 1, height
    node = nodes[0]
    assert node.chain is not None
    generators = {a.hash: bytes(a.generator) for a in node.accepted}
    state, paid = replay(genesis, node.chain.final, generators)
    assert node.chain.final[-1].state_root == state.root()
    fees = sum(r.fees for r in node.chain.final)
    assert fees > 0 and report.transactions["fees"] == fees
    assert report.transactions["rewards"] == sum(paid.values())
    # the Dusk key and voters other than the generators were paid
    assert paid[DUSK_KEY] > 0
    settled = [r.settlement for r in node.chain.final if r.settlement is not None]
    voters = {bytes(v.public_key) for s in settled for v in s.voters}
    assert len(voters - set(generators.values())) > 0


def test_a_broken_split_is_caught_by_the_replay() -> None:
    """The replay above can fail: paying the voters' tenth to the generator instead gives
    another state root at the first block with voters."""
    captured: list[tuple[list[ProvisionerNode], ledger.Chain | None]] = []
    run(dataclasses.replace(BASE, blocks=3), on_finish=lambda n, c: captured.append((n, c)))
    nodes, genesis_chain = captured[0]
    assert genesis_chain is not None and nodes[0].chain is not None
    record = next(r for r in nodes[0].chain.final if r.settlement and r.settlement.voters)
    generator = next(bytes(a.generator) for a in nodes[0].accepted if a.hash == record.hash)
    assert record.settlement is not None and record.height > 1
    voters = record.settlement.voters
    split = distribute_rewards(record.height, record.fees, generator, voters, DUSK, TINY)
    honest = tuple((bytes(r.account), r.value) for r in split.rewards)
    broken = tuple((generator, value) for _, value in honest)
    assert sum(v for _, v in broken) == sum(v for _, v in honest)
    parent = next(r for r in nodes[0].chain.final if r.height == record.height - 1)
    state = genesis_chain.states[genesis_chain.final_hash][1]
    generators = {a.hash: bytes(a.generator) for a in nodes[0].accepted}
    for earlier in nodes[0].chain.final:
        if earlier.height >= record.height:
            break
        state, _ = replay(state, (earlier,), generators)
    assert state.root() == parent.state_root
    txs = tuple(ledger.decode_entry(e)[0] for e in record.payload)
    emission = emission_amount(record.height, TINY)
    _, good = rt.apply_block(state, rt.Block(record.height, txs, emission, honest))
    _, bad = rt.apply_block(state, rt.Block(record.height, txs, emission, broken))
    assert good.state_root == record.state_root != bad.state_root


def test_failed_iterations_slash_their_generators() -> None:
    """Rule 11.2: Fail(NoCandidate) and Fail(Invalid) slash the iteration's generator (soft),
    Fail(NoQuorum) does not; the first fault is a warning, the second locks 10 % and
    suspends the stake."""
    keys, provisioners = make_provisioners(4, 3, TINY.minimum_stake)
    fail = Attestation(False, Vote(VoteKind.NO_CANDIDATE), EMPTY_STEP_VOTES, EMPTY_STEP_VOTES)
    entries = (
        FailedIteration(fail, keys[0].public_key),
        FailedIteration(
            dataclasses.replace(fail, vote=Vote(VoteKind.INVALID, bytes(32))), keys[1].public_key
        ),
        FailedIteration(
            dataclasses.replace(fail, vote=Vote(VoteKind.NO_QUORUM)), keys[2].public_key
        ),
        None,
    )
    slashes = ledger.failed_iteration_slashes(entries)
    assert slashes == (
        (bytes(keys[0].public_key), rt.SlashKind.SOFT),
        (bytes(keys[1].public_key), rt.SlashKind.SOFT),
    )
    state = workload.genesis_state(provisioners, 0, TINY.epoch)
    generator = bytes(keys[3].public_key)
    paid = ledger.Settlement((), slashes)
    once, _ = ledger.execute_payload(state, 1, generator, (), TINY, paid)
    twice, _ = ledger.execute_payload(once, 2, generator, (), TINY, paid)
    first = bytes(keys[0].public_key)
    amount = state.stake(first).amount
    assert amount is not None
    assert once.stake(first).faults == 1 and once.stake(first).amount == amount
    after = twice.stake(first).amount
    assert twice.stake(first).faults == 2 and after is not None
    cut = amount.value // 100 * 10
    assert (after.value, after.locked) == (amount.value - cut, cut)
    assert after.eligibility > 2
    # NoQuorum's generator is untouched
    assert twice.stake(bytes(keys[2].public_key)) == state.stake(bytes(keys[2].public_key))


def test_silent_generators_are_slashed_by_emergency_blocks_with_real_state_roots() -> None:
    """Every provisioner is ``silent`` (as in tests/round/test_emergency.py), now with a
    ledger: each round ends in the emergency block of the key holder, which carries the
    state root of executing it (rule 11.4) and two Fail(NoCandidate) attestations whose
    generators it slashes (rule 11.2). Every node accepts both blocks (the state root
    checks out) and holds the same states; the Dusk key, their generator, is paid its
    fixed and Dusk shares (no voters after genesis or an emergency block)."""
    count = 6
    keys, provisioners = make_provisioners(count, 1, TINY.minimum_stake)
    tip = genesis_tip(provisioners)
    state = workload.genesis_state(provisioners, 1, TINY.epoch)
    chain = ledger.genesis_chain(tip.hash, state)
    nodes = [ProvisionerNode(k, Behaviour.SILENT, tip, chain=chain) for k in keys]
    holder = ProvisionerNode(
        None, Behaviour.HONEST, tip, emergency_keys=emergency_test_keys(), chain=chain
    )
    simulator = sim.Simulator(
        sim.NetworkConfig(seed=1),
        overlay=(flood_machine, flood_nodes(count + 1, 1)),
        app=(
            provisioner_machine(NodeContext(TINY, provisioners, SignatureVerifier())),
            [*nodes, holder],
        ),
    )
    second = 2 * TINY.min_emergency_block_time
    simulator.run(until=(second + 1) * SECOND)
    states: list[ProvisionerNode] = list(simulator.states[sim.APP][: count + 1])
    hashes = [r.hash for r in states[-1].accepted]
    assert [(r.height, r.iteration) for r in states[-1].accepted] == [(1, 255), (2, 255)]
    roots = set()
    for node in states:
        assert [r.hash for r in node.accepted] == hashes
        assert node.chain is not None
        roots.add(tuple(node.chain.states[h][1].root() for h in hashes))
        assert all(node.chain.settled[h].slashes for h in hashes)
    assert len(roots) == 1
    holder_chain = states[-1].chain
    assert holder_chain is not None
    after = [holder_chain.states[h][1] for h in hashes]
    assert all(s.root() != EMPTY_NODE for s in after)
    slashed = [k for h in hashes for k, _ in holder_chain.settled[h].slashes]
    assert len(slashed) == 2 * TINY.relax_iteration_threshold
    final_state = after[-1]
    for key, times in Counter(slashed).items():
        assert final_state.stake(key).faults == times
    # each emergency block paid the Dusk key its fixed and Dusk shares, burnt the rest
    shares = [block_rewards(h, 0, TINY) for h in (1, 2)]
    expected = sum(s.generator_fixed + s.dusk for s in shares)
    assert final_state.stake(DUSK_KEY).reward == expected
    emitted = sum(emission_amount(h, TINY) for h in (1, 2))
    assert final_state.burnt - state.burnt == emitted - expected


def test_a_run_with_silent_generators_counts_its_slashes() -> None:
    """Seed 1 at 0.25 ``silent``: some rounds' first generator never proposes; the blocks
    that end those rounds slash it (rule 11.2), the summary counts the slashes of the final
    blocks, each names a silent provisioner, and the run settles as an honest one."""
    config = dataclasses.replace(BASE, seed=1, byzantine=0.25, behaviour="silent")
    captured: list[list[ProvisionerNode]] = []
    report = run(config, on_finish=lambda nodes, chain: captured.append(nodes))
    assert report.verdict == "safe" and report.ledger_verdict == "ok"
    assert report.blocks_finalized == config.blocks and report.transactions["pending"] == 0
    keys, provisioners = make_provisioners(config.provisioners, config.seed, TINY.minimum_stake)
    stake_of = {p.public_key: p.value for p in provisioners}
    stakes = [stake_of[k.public_key] for k in keys]
    silent = {bytes(keys[i].public_key) for i in choose_byzantine(stakes, config.byzantine, 1)}
    assert silent
    node = captured[0][0]
    assert node.chain is not None
    slashed = [k for r in node.chain.final if r.settlement for k, _ in r.settlement.slashes]
    assert report.transactions["slashes"] == len(slashed) > 0
    assert set(slashed) <= silent

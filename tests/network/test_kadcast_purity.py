"""The Kadcast machine is pure at its interface although its hot path builds its values
without constructors (spec/network.md N14.2): a state a caller holds never changes, the
same state and event always give the same result, and the fast table refresh agrees with
the spec's ``refresh`` (N4.6)."""

from __future__ import annotations

import pickle
import random
from typing import Any

from duskspec.errors import NetworkError
from duskspec.network import sim
from duskspec.network.kadcast import node as kn
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast import wire
from duskspec.network.kadcast.params import SECOND_US, TINY

PEERS = 40


def nodes() -> list[kn.KadcastNode]:
    return [kn.new_node(i, params=TINY) for i in range(PEERS)]


def hostile_and_honest_events(seed: int, count: int) -> list[sim.Receive | sim.Timer]:
    """A seeded mix of what node 0 can receive: PINGs and PONGs, FIND_NODES, NODES (some
    solicited, some naming forged peers), new and repeated broadcasts from known and unknown
    senders, a packet whose id is not its sender's, and maintenance timers."""
    rng = random.Random(seed)
    peers = nodes()
    frames = [bytes([i]) * 40 for i in range(6)]
    events: list[sim.Receive | sim.Timer] = []
    now = 0
    for _ in range(count):
        now += rng.randrange(1, 3 * SECOND_US)
        source = rng.randrange(1, PEERS)
        header = peers[source].header
        roll = rng.random()
        message: wire.Message
        if roll < 0.2:
            message = wire.Ping(header, wire.PROTOCOL_VERSION)
        elif roll < 0.3:
            message = wire.Pong(header, wire.PROTOCOL_VERSION)
        elif roll < 0.4:
            message = wire.FindNodes(header, wire.PROTOCOL_VERSION, peers[source].header.node_id)
        elif roll < 0.5:
            named = tuple(peers[rng.randrange(PEERS)].peer for _ in range(5))
            forged = wire.PeerInfo(kn.sim_ip(source), kn.SIM_PORT, bytes([source]) * 16)
            message = wire.Nodes(header, wire.PROTOCOL_VERSION, (*named, forged))
        elif roll < 0.55:
            events.append(sim.Timer(now, kn.MAINTAIN))
            continue
        elif roll < 0.6:
            # Claims node 1's id from another source: rejected (network.id_mismatch).
            message = wire.Ping(peers[1].header, wire.PROTOCOL_VERSION)
            source = 2
        else:
            message = wire.Broadcast(header, rng.randrange(128), rng.choice(frames))
        events.append(sim.Receive(now, source, message, None, rng.randrange(1, 5)))
    return events


def step(state: kn.KadcastNode, event: Any) -> tuple[kn.KadcastNode, Any]:
    """One handler call; a rejected event leaves the state as it was (rule N7.7)."""
    try:
        return kn.kadcast_machine(state, event)
    except NetworkError:
        return state, None


def test_states_seen_by_callers_never_change() -> None:
    state = kn.requested(nodes()[0], [kn.sim_ip(i) for i in range(1, PEERS)], 0)
    held: list[tuple[kn.KadcastNode, bytes]] = []
    rejected = 0
    for event in hostile_and_honest_events(seed=1, count=600):
        held.append((state, pickle.dumps(state)))
        state, outputs = step(state, event)
        rejected += outputs is None
    held.append((state, pickle.dumps(state)))
    assert rejected > 0  # the sequence reached the rejection path
    assert len({snapshot for _, snapshot in held}) > 300  # the states did change
    for value, snapshot in held:
        assert pickle.dumps(value) == snapshot


def test_the_same_state_and_event_give_the_same_result_whatever_came_after() -> None:
    """Branch from held states: each old state, fed a second event after the run went on
    from it, answers exactly as a fresh copy of it does."""
    events = hostile_and_honest_events(seed=2, count=300)
    state = kn.requested(nodes()[0], [kn.sim_ip(i) for i in range(1, PEERS)], 0)
    history = []
    for event in events:
        history.append(state)
        state, _ = step(state, event)
    later = hostile_and_honest_events(seed=3, count=len(history))
    for old, event in zip(history, later, strict=True):
        fresh = pickle.loads(pickle.dumps(old))
        assert step(old, event) == step(fresh, event)


def ids_are_unique(table: rt.RoutingTable) -> bool:
    """Spec N14.4: no bucket holds an id twice, counting its pending entry (what lets
    ``refresh_known`` search a bucket from both ends)."""
    for bucket in table.buckets:
        ids = [entry.peer.node_id for entry in bucket.entries]
        if bucket.pending is not None:
            ids.append(bucket.pending.peer.node_id)
        if len(set(ids)) != len(ids):
            return False
    return True


def test_no_bucket_holds_an_id_twice() -> None:
    """Spec N14.4 over the hostile and honest sequence: every state's table keeps its ids
    unique; the check fails on a bucket built with a duplicate."""
    state = kn.requested(nodes()[0], [kn.sim_ip(i) for i in range(1, PEERS)], 0)
    full_buckets = 0
    for event in hostile_and_honest_events(seed=5, count=600):
        state, _ = step(state, event)
        assert ids_are_unique(state.table)
        full_buckets += any(len(b.entries) >= TINY.k for b in state.table.buckets)
    assert full_buckets > 100  # full buckets (pending entries, evictions) were reached
    entry = next(rt.entries(state.table))
    doubled = rt.Bucket((entry, entry))
    assert not ids_are_unique(rt.table_of(state.table.root, [doubled] * 128))


def test_refresh_known_agrees_with_the_rule_n4_6_refresh() -> None:
    rng = random.Random(4)
    peers = [n.peer for n in nodes()]
    table = rt.RoutingTable(peers[0].node_id)
    hits = pinged = 0
    now = 0
    for _ in range(3000):
        now += rng.randrange(3 * SECOND_US)  # entries die (30 s) and flags expire (5 s)
        peer = peers[rng.randrange(1, PEERS)]
        roll = rng.random()
        if roll < 0.3:
            table, _ = rt.insert(table, peer, now, TINY)
            continue
        if roll < 0.33:
            table = rt.remove_peer(table, peer.node_id, now, TINY)
            continue
        if roll < 0.34:
            table = rt.remove_idle(table, now, TINY)
            continue
        assert ids_are_unique(table)
        fast = rt.refresh_known(table, peer, now, TINY)
        slow_table, slow_result = rt.refresh(table, peer, now, TINY)
        if fast is None:
            assert slow_result.outcome is rt.InsertOutcome.NO_ACTION and slow_table == table
            continue
        hits += 1
        pinged += slow_result.ping is not None
        assert fast == (slow_table, slow_result)
        assert fast == rt.insert(table, peer, now, TINY)  # insert of a known peer
        table = fast[0]
    assert hits > 500 and pinged > 20

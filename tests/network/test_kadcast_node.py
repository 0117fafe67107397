"""Broadcast delegation (rules N5.x) and the Kadcast machine's message handling (N3.4-N6.4)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from duskspec.errors import NetworkError, ProtocolError
from duskspec.network import gossip, scenario, sim
from duskspec.network.kadcast import broadcast as bc
from duskspec.network.kadcast import node as kn
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast import wire
from duskspec.network.kadcast.params import MAINNET


def filled(index: int, peers: range) -> kn.KadcastNode:
    state = kn.new_node(index)
    table = state.table
    for p in peers:
        if p != index:
            table, _ = rt.insert(table, kn.new_node(p).peer, 0, MAINNET)
    return kn.evolve(state, table=table)


def test_pick_delegates_is_seeded_and_bounded() -> None:
    state = filled(0, range(1, 200))
    heights = [h for h, b in enumerate(state.table.buckets) if len(b.entries) > 3]
    bucket = state.table.buckets[heights[-1]]
    args = (state.seed, state.table.root, b"m" * 32, heights[-1])
    first = bc.pick_delegates(bucket, 3, *args)
    assert first == bc.pick_delegates(bucket, 3, *args) and len(first) == 3
    other = bc.pick_delegates(bucket, 3, 99, *args[1:])
    assert set(first) <= {e.peer for e in bucket.entries} and len(set(other)) == 3
    small = bc.pick_delegates(rt.Bucket(bucket.entries[:2]), 3, *args)
    assert small == tuple(e.peer for e in bucket.entries[:2])


def test_extract_goes_from_high_to_low_and_forward_stops_at_zero() -> None:
    state = filled(0, range(1, 64))
    targets = bc.originate_targets(state.table, 1, 0, b"m")
    heights = [t.height for t in targets]
    assert heights == sorted(heights, reverse=True)
    assert len(targets) == sum(1 for b in state.table.buckets if b.entries)
    assert bc.forward_targets(state.table, 0, 3, 0, b"m") == ()
    below = bc.forward_targets(state.table, heights[0], 1, 0, b"m")
    assert all(t.height < heights[0] for t in below)
    with pytest.raises(NetworkError) as exc:
        bc.extract(state.table, -1, 1, 0, b"m")
    assert exc.value.code == "network.bad_height"


def deliver(
    state: kn.KadcastNode, source: int, message: wire.Message
) -> tuple[kn.KadcastNode, tuple]:
    return kn.kadcast_machine(state, sim.Receive(5, source, message, None, 1))


def test_requests_are_answered() -> None:
    state = filled(0, range(1, 40))
    stranger = kn.new_node(50)
    new, out = deliver(state, 50, wire.Ping(stranger.header, wire.PROTOCOL_VERSION))
    assert isinstance(out[-1].payload, wire.Pong) and out[-1].dest == 50
    assert rt.has_peer(new.table, stranger.header.node_id)
    _, out = deliver(
        state, 50, wire.FindNodes(stranger.header, wire.PROTOCOL_VERSION, stranger.header.node_id)
    )
    nodes = out[-1].payload
    assert isinstance(nodes, wire.Nodes) and len(nodes.peers) == MAINNET.k
    # NODES answering our FIND_NODES: unknown peers are asked once for their neighbourhood.
    fresh = kn.requested(kn.new_node(1), [stranger.ip], 0)
    asked, out = deliver(fresh, 50, wire.Nodes(stranger.header, wire.PROTOCOL_VERSION, nodes.peers))
    assert {o.dest for o in out if isinstance(o.payload, wire.FindNodes)} == {
        kn.sim_index(p.ip) for p in nodes.peers
    } - {1}
    asked = kn.requested(asked, [stranger.ip], 0)
    _, again = deliver(asked, 50, wire.Nodes(stranger.header, wire.PROTOCOL_VERSION, nodes.peers))
    assert not [o for o in again if isinstance(o.payload, wire.FindNodes)]


def test_broadcast_from_unknown_is_pinged_and_duplicates_dropped() -> None:
    state = filled(0, range(1, 40))
    stranger = kn.new_node(50)
    message = wire.Broadcast(stranger.header, 127, b"frame")
    new, out = deliver(state, 50, message)
    kinds = [type(o).__name__ for o in out]
    assert kinds[0] == "Send" and isinstance(out[0].payload, wire.Ping)
    assert "Deliver" in kinds and not rt.has_peer(new.table, stranger.header.node_id)
    _, again = deliver(new, 50, message)
    assert [type(o.payload) for o in again] == [wire.Ping]


def test_invalid_senders_are_rejected() -> None:
    state = filled(0, range(1, 10))
    other = kn.new_node(50)
    cases = {
        "network.wrong_network": (
            50,
            wire.Ping(replace(other.header, network_id=2), wire.PROTOCOL_VERSION),
        ),
        "network.id_mismatch": (51, wire.Ping(other.header, wire.PROTOCOL_VERSION)),
        "network.version_mismatch": (50, wire.Ping(other.header, wire.Version(2, 0, 0))),
    }
    for code, (source, message) in cases.items():
        with pytest.raises(ProtocolError) as exc:
            deliver(state, source, message)
        assert exc.value.code == code
    with pytest.raises(ProtocolError) as exc:
        kn.kadcast_machine(state, sim.Delivered(0, b"", None, 0))
    assert exc.value.code == "network.unknown_event"
    with pytest.raises(ProtocolError) as exc:
        kn.sim_index(bytes([11, 0, 0, 1]))
    assert exc.value.code == "network.unknown_address"
    assert kn.version_matches(wire.Version(1, 3, 0)) and not kn.version_matches(
        wire.Version(0, 9, 9)
    )


def test_maintenance_refreshes_empty_buckets_and_drops_idle_peers() -> None:
    state = filled(0, range(1, 10))
    later = MAINNET.bucket_ttl_us + 1
    new, out = kn.kadcast_machine(state, sim.Timer(later, kn.MAINTAIN))
    assert rt.peer_count(new.table) == 0
    pings = [o for o in out if isinstance(o, sim.Send) and isinstance(o.payload, wire.Ping)]
    assert len(pings) == 9
    assert isinstance(out[-1], sim.SetTimer) and out[-1].tag == kn.BOOTSTRAP


def test_gossip_reaches_everyone_without_loss() -> None:
    built = scenario.bootstrap_network(32, seed=4)
    nodes = scenario.gossip_nodes(built.nodes, 8, 1)
    assert 5 not in gossip.choose_peers(nodes[0], b"x" * 32, 5)
    run = scenario.run_broadcasts(
        gossip.gossip_machine,
        nodes,
        [0],
        [b"payload"],
        config=sim.NetworkConfig(seed=1),
        start_us=built.end_us,
    )
    assert run.coverage() == 1.0 and run.duplicates() > 0

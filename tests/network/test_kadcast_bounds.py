"""Bounded Kadcast state under hostile input (spec/network.md §10.2, rules N10.5-N10.9).

A node is flooded with distinct broadcast frames, forged NODES replies and PINGs; its
seen cache, request table and asked set stay under their documented bounds, and it sends at
most a constant number of packets per attacker message. A 60-virtual-minute simulator run
with an attacker node checks the same inside a network."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from duskspec.errors import NetworkError
from duskspec.network import scenario, sim
from duskspec.network.kadcast import broadcast as bc
from duskspec.network.kadcast import lookup, wire
from duskspec.network.kadcast import node as kn
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.ids import NodeId, compute_id
from duskspec.network.kadcast.params import MAINNET, SECOND_US


def filled(index: int, peers: range) -> kn.KadcastNode:
    state = kn.new_node(index)
    table = state.table
    for p in peers:
        if p != index:
            table, _ = rt.insert(table, kn.new_node(p).peer, 0, MAINNET)
    return kn.KadcastNode(state.ip, state.header, table, state.params, state.seed, state.bootstrap)


def receive(state: kn.KadcastNode, now: int, source: int, message: wire.Message) -> Any:
    return kn.kadcast_machine(state, sim.Receive(now, source, message, None, 1))


def seen_size(state: kn.KadcastNode) -> int:
    return len(state.delivered) + len(state.delivered_before)


def forged_peers(count: int, salt: int) -> tuple[wire.PeerInfo, ...]:
    """Addresses no simulated node owns (10.200.x.y) with made-up ids."""
    salt &= 0xFF
    return tuple(
        wire.PeerInfo(bytes((10, 200, salt, i)), 9000, NodeId(bytes((i, salt)) * 8))
        for i in range(count)
    )


def derived_peers(count: int, salt: int) -> tuple[wire.PeerInfo, ...]:
    """Addresses no simulated node owns (10.201.x.y), each with the id its address gives
    (rule N1.1): forged peers that pass the id check of rule N14.1."""
    salt &= 0xFF
    ips = [bytes((10, 201, salt, i)) for i in range(count)]
    return tuple(wire.PeerInfo(ip, 9000, compute_id(ip, 9000)) for ip in ips)


def test_seen_cache_is_bounded_under_a_flood_of_distinct_frames() -> None:
    state = filled(0, range(1, 64))
    sender = kn.new_node(5)
    filled_buckets = sum(1 for b in state.table.buckets if b.entries)
    per_frame_limit = MAINNET.beta * filled_buckets
    flood = 4 * kn.SEEN_GENERATION_MAX + 100
    largest = 0
    for i in range(flood):
        frame = i.to_bytes(4, "little") * 8
        state, out = receive(state, 1_000 + i, 5, wire.Broadcast(sender.header, 127, frame))
        sends = [o for o in out if isinstance(o, sim.Send)]
        assert len(sends) <= per_frame_limit
        largest = max(largest, seen_size(state))
    assert largest <= 2 * kn.SEEN_GENERATION_MAX
    assert largest > kn.SEEN_GENERATION_MAX  # the bound was reached, not just respected
    # A duplicate of a recent frame is still suppressed after the flood.
    recent = (flood - 1).to_bytes(4, "little") * 8
    _, out = receive(state, 2_000_000, 5, wire.Broadcast(sender.header, 127, recent))
    assert out == ()


def test_seen_generation_also_ends_after_thirty_seconds() -> None:
    state = filled(0, range(1, 8))
    origin = sim.Originate(0, b"first", 5, None)
    state, _ = kn.kadcast_machine(state, origin)
    later = sim.Originate(kn.SEEN_GENERATION_US, b"second", 6, None)
    state, _ = kn.kadcast_machine(state, later)
    assert wire.ray_id(b"first") in state.delivered_before and len(state.delivered) == 1
    last = sim.Originate(2 * kn.SEEN_GENERATION_US, b"third", 5, None)
    state, _ = kn.kadcast_machine(state, last)
    assert not kn.seen(state, wire.ray_id(b"first"))


def test_unsolicited_nodes_replies_send_nothing() -> None:
    state = filled(0, range(1, 10))
    liar = kn.new_node(50)
    for i in range(400):
        nodes = wire.Nodes(liar.header, wire.PROTOCOL_VERSION, forged_peers(40, i))
        state, out = receive(state, 1_000 + i, 50, nodes)
        assert [o for o in out if isinstance(o.payload, wire.FindNodes)] == []
    assert state.asked == frozenset() and state.requests == {}


def test_a_solicited_reply_is_used_once_and_capped_at_2k_peers() -> None:
    state = kn.requested(filled(0, range(1, 10)), [kn.sim_ip(50)], 0)
    liar = kn.new_node(50)
    nodes = wire.Nodes(liar.header, wire.PROTOCOL_VERSION, derived_peers(200, 1))
    state, out = receive(state, 1_000, 50, nodes)
    finds = [o for o in out if isinstance(o.payload, wire.FindNodes)]
    assert 0 < len(finds) <= MAINNET.max_nodes_per_reply
    state, out = receive(state, 2_000, 50, nodes)  # a second reply to one request
    assert not [o for o in out if isinstance(o.payload, wire.FindNodes)]
    stale = kn.requested(state, [kn.sim_ip(50)], 0)
    _, out = receive(stale, kn.REQUEST_TTL_US + 1, 50, nodes)  # too late
    assert not [o for o in out if isinstance(o.payload, wire.FindNodes)]


def test_request_table_and_asked_set_are_bounded() -> None:
    state = kn.new_node(0)
    state = kn.requested(state, [bytes((10, 1, i >> 8, i & 0xFF)) for i in range(3000)], 0)
    assert len(state.requests) == kn.REQUESTS_MAX
    assert bytes((10, 1, 2999 >> 8, 2999 & 0xFF)) in state.requests  # the newest kept
    ips = [kn.sim_ip(i) for i in range(1, 3000)]
    many = tuple(wire.PeerInfo(ip, 9000, compute_id(ip, 9000)) for ip in ips)
    asked = state
    for start in range(0, len(many), 40):
        asked, _ = kn.discover(asked, many[start : start + 40], 0)
    assert len(asked.asked) == kn.ASKED_MAX  # reached, not exceeded


def test_pings_get_one_pong_each_and_the_table_stays_bounded() -> None:
    state = filled(0, range(1, 10))
    for i in range(10, 400):
        pinger = kn.new_node(i)
        state, out = receive(state, 1_000 + i, i, wire.Ping(pinger.header, wire.PROTOCOL_VERSION))
        pongs = [o for o in out if isinstance(o.payload, wire.Pong)]
        assert len(pongs) == 1 and len(out) <= 2  # the PONG, at most one eviction PING
    assert all(len(b.entries) <= MAINNET.k for b in state.table.buckets)
    assert max(len(b.entries) for b in state.table.buckets) == MAINNET.k  # bound reached


def test_height_above_127_acts_as_127() -> None:
    state = filled(0, range(1, 200))
    top = bc.forward_targets(state.table, 255, 3, 0, b"m")
    assert top == bc.forward_targets(state.table, 127, 3, 0, b"m")
    assert all(t.height < 127 for t in top)


def test_a_send_to_an_address_the_simulator_does_not_own_is_rejected() -> None:
    nodes = [kn.new_node(i) for i in range(3)]
    nodes[0] = kn.requested(nodes[0], [kn.sim_ip(1)], 0)
    simulator = sim.Simulator(sim.NetworkConfig(seed=1), overlay=(kn.kadcast_machine, nodes))
    reply = wire.Nodes(nodes[1].header, wire.PROTOCOL_VERSION, derived_peers(3, 7))
    simulator._push(1_000, sim._ARRIVAL, 0, 1, sim.OVERLAY, reply, 100, None, 1)
    simulator.run(until=2_000)
    assert simulator.totals.rejected == 1
    assert simulator.states[sim.OVERLAY][0].requests  # the state from before the reply


# --- a 60-virtual-minute attacker run -------------------------------------------------------


@dataclass(frozen=True)
class Attacker:
    """Every 30 s: a new broadcast, an unsolicited NODES with 40 forged peers, and a PING,
    all to ``victim``."""

    header: wire.Header
    victim: int
    sent: int = 0


PERIOD_US = 30 * SECOND_US


def attacked_machine(state: Any, event: Any) -> tuple[Any, tuple[Any, ...]]:
    if not isinstance(state, Attacker):
        return kn.kadcast_machine(state, event)
    if isinstance(event, sim.Start):
        return state, (sim.SetTimer(event.now + PERIOD_US, "attack"),)
    if not isinstance(event, sim.Timer):
        return state, ()
    n, victim = state.sent, state.victim
    frame = b"attack" + n.to_bytes(4, "little")
    messages = (
        wire.Broadcast(state.header, 127, frame),
        wire.Nodes(state.header, wire.PROTOCOL_VERSION, forged_peers(40, n)),
        wire.Ping(state.header, wire.PROTOCOL_VERSION),
    )
    sends = tuple(sim.Send(victim, m, wire.encoded_size(m), None, 1) for m in messages)
    timer = sim.SetTimer(event.now + PERIOD_US, "attack")
    return Attacker(state.header, victim, n + 1), (*sends, timer)


@cache
def network(n: int) -> scenario.BuiltNetwork:
    return scenario.bootstrap_network(n, seed=9)


def run_network(attack: bool, minutes: int = 60) -> tuple[sim.Simulator, int]:
    built = network(16)
    n = len(built.nodes)
    states: list[Any] = list(built.nodes)
    attacker = kn.new_node(n)
    states.append(Attacker(attacker.header, 0) if attack else attacker)
    simulator = sim.Simulator(
        sim.NetworkConfig(seed=3),
        overlay=(attacked_machine, states),
        start_times=[built.end_us] * (n + 1),
    )
    checkpoints = []
    for minute in range(1, minutes + 1):
        simulator.run(until=built.end_us + minute * 60 * SECOND_US)
        checkpoints.append(simulator.states[sim.OVERLAY][:n])
        for node in simulator.states[sim.OVERLAY][:n]:
            assert seen_size(node) <= 2 * kn.SEEN_GENERATION_MAX
            assert len(node.requests) <= kn.REQUESTS_MAX
            assert len(node.asked) <= kn.ASKED_MAX
            assert all(len(b.entries) <= MAINNET.k for b in node.table.buckets)
    return simulator, n


@pytest.mark.slow
def test_sixty_minutes_of_attack_keep_state_bounded_and_replies_constant() -> None:
    attacked, n = run_network(True)
    quiet, _ = run_network(False)
    attacker = attacked.states[sim.OVERLAY][n]
    assert attacker.sent == 120  # one round every 30 s for 60 minutes
    # The victim's extra packets: one PONG per PING, nothing for an unsolicited NODES, and
    # for each new broadcast at most one PING to its unknown sender plus beta per bucket.
    buckets = 1 + sum(1 for b in network(16).nodes[0].table.buckets if b.entries)
    per_round = 1 + (1 + MAINNET.beta * buckets)
    extra = attacked.sent_by[0] - quiet.sent_by[0]
    assert 0 < extra <= attacker.sent * per_round
    # No NODES reply of the attacker made anyone send a FIND_NODES to a forged address: the
    # only rejected events would be sends to 10.200.x.y.
    assert attacked.totals.rejected == 0


# --- peers named in a NODES reply (rule N14.1) ---------------------------------------------


def solicited_reply(peers: tuple[wire.PeerInfo, ...]) -> tuple[kn.KadcastNode, Any]:
    state = kn.requested(filled(0, range(1, 5)), [kn.sim_ip(50)], 0)
    reply = wire.Nodes(kn.new_node(50).header, wire.PROTOCOL_VERSION, peers)
    return receive(state, 1_000, 50, reply)


def find_nodes_to(outputs: Any) -> list[int]:
    return [o.dest for o in outputs if isinstance(o.payload, wire.FindNodes)]


def test_named_peers_with_forged_ids_are_not_contacted() -> None:
    _, out = solicited_reply(forged_peers(40, 3))
    assert find_nodes_to(out) == []
    _, out = solicited_reply(derived_peers(40, 3))
    assert len(find_nodes_to(out)) == 40


def test_one_address_under_many_forged_ids_gets_at_most_one_packet() -> None:
    """The counterexample N14.1 closes: Dusk's filter (not itself, unknown, bucket not
    full) would send one FIND_NODES per forged id to the same victim address."""
    victim = kn.sim_ip(60)
    aliases = tuple(wire.PeerInfo(victim, 9000, NodeId(bytes((i, 7)) * 8)) for i in range(30))
    honest = wire.PeerInfo(victim, 9000, compute_id(victim, 9000))
    state = kn.requested(filled(0, range(1, 5)), [kn.sim_ip(50)], 0)
    dusk_filter = [p for p in aliases if rt.has_room_for_new(state.table, p.node_id, MAINNET)]
    assert len(dusk_filter) == 30
    state, out = solicited_reply((*aliases, honest))
    assert find_nodes_to(out) == [60]
    assert lookup.id_matches_address(honest) and not lookup.id_matches_address(aliases[0])


def test_a_named_peer_enters_the_table_only_by_its_own_verified_message() -> None:
    named = derived_peers(1, 9)[0]
    state, out = solicited_reply((named,))
    assert len(find_nodes_to(out)) == 1
    assert not rt.has_peer(state.table, named.node_id)  # contacted, not trusted
    # Someone else claiming the named peer's id is refused (rule N3.4), state untouched.
    impostor = kn.new_node(50).header
    forged_header = wire.Header(named.node_id, impostor.nonce, 9000, impostor.network_id)
    with pytest.raises(NetworkError) as exc:
        receive(state, 2_000, 50, wire.Ping(forged_header, wire.PROTOCOL_VERSION))
    assert exc.value.code == "network.id_mismatch"
    # The real simulated node 7 answering from its own address is inserted.
    real = kn.new_node(7)
    state, _ = solicited_reply((real.peer,))
    assert not rt.has_peer(state.table, real.header.node_id)
    state, _ = receive(state, 3_000, 7, wire.Nodes(real.header, wire.PROTOCOL_VERSION, ()))
    assert rt.has_peer(state.table, real.header.node_id)

"""Routing-table rules N4.x (spec/network.md §4), including Dusk's LRU/eviction scenario."""

from __future__ import annotations

import pytest

from duskspec.errors import NetworkError
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.ids import NodeId
from duskspec.network.kadcast.params import KadcastParams
from duskspec.network.kadcast.wire import PeerInfo

SECOND = 1_000_000
PARAMS = KadcastParams(node_ttl_us=5 * SECOND, node_evict_after_us=1 * SECOND)
ROOT = NodeId(bytes(16))


def far(i: int) -> PeerInfo:
    """A peer in bucket 127 of ROOT."""
    return PeerInfo(bytes([10, 1, 0, i]), 9000, NodeId(bytes([i]) + bytes(14) + b"\x80"))


def ids_of(table: rt.RoutingTable, height: int = 127) -> list[int]:
    return [e.peer.node_id[0] for e in table.buckets[height].entries]


def test_dusk_lru_scenario() -> None:
    """kadcast bucket.rs test_lru_base_5secs, with virtual time instead of sleeps."""
    table = rt.RoutingTable(ROOT)
    table, result = rt.insert(table, far(1), 0, PARAMS)
    assert result.outcome is rt.InsertOutcome.INSERTED
    table, result = rt.insert(table, far(1), 0, PARAMS)
    assert result.outcome is rt.InsertOutcome.UPDATED
    table, _ = rt.insert(table, far(2), 0, PARAMS)
    assert ids_of(table) == [1, 2]
    table, _ = rt.insert(table, far(1), 0, PARAMS)
    assert ids_of(table) == [2, 1]
    for i in range(3, 21):
        table, result = rt.insert(table, far(i), 0, PARAMS)
        assert result.outcome is rt.InsertOutcome.INSERTED
    assert len(ids_of(table)) == PARAMS.k
    # Full and the LRU entry is alive: rejected.
    table, result = rt.insert(table, far(21), 0, PARAMS)
    assert result.outcome is rt.InsertOutcome.FULL
    # Five seconds later the LRU entry is dead: flagged, pinged, the newcomer waits.
    table, result = rt.insert(table, far(21), 5 * SECOND, PARAMS)
    assert result == rt.InsertResult(rt.InsertOutcome.PENDING, far(2))
    assert table.buckets[127].pending is not None
    # One more second: the flagged entry is evicted and the pending one takes its place.
    table, result = rt.insert(table, far(21), 6 * SECOND, PARAMS)
    assert result.outcome is rt.InsertOutcome.UPDATED
    assert 2 not in ids_of(table) and ids_of(table)[-1] == 21
    assert len(ids_of(table)) == PARAMS.k


def test_an_answer_clears_the_eviction_flag() -> None:
    table = rt.RoutingTable(ROOT)
    for i in range(1, 21):
        table, _ = rt.insert(table, far(i), 0, PARAMS)
    table, result = rt.insert(table, far(30), 5 * SECOND, PARAMS)
    assert result.ping == far(1)
    table, result = rt.refresh(table, far(1), 5 * SECOND + 10, PARAMS)
    assert result.outcome is rt.InsertOutcome.UPDATED and ids_of(table)[-1] == 1
    # Entry 2 is the new front and also dead: it is flagged in turn, and pinged only once.
    assert result.ping == far(2)
    table, result = rt.refresh(table, far(5), 5 * SECOND + 20, PARAMS)
    assert result.outcome is rt.InsertOutcome.UPDATED and result.ping is None


def test_refresh_of_unknown_peer_is_no_action() -> None:
    table = rt.RoutingTable(ROOT)
    same, result = rt.refresh(table, far(1), 0, PARAMS)
    assert result.outcome is rt.InsertOutcome.NO_ACTION and same == table


def test_self_insert_is_rejected() -> None:
    with pytest.raises(NetworkError) as exc:
        rt.insert(rt.RoutingTable(ROOT), PeerInfo(bytes(4), 1, ROOT), 0, PARAMS)
    assert exc.value.code == "network.self_insert"


def test_remove_idle_then_pending_enters() -> None:
    table = rt.RoutingTable(ROOT)
    for i in range(1, 21):
        table, _ = rt.insert(table, far(i), 0, PARAMS)
    table, _ = rt.insert(table, far(21), 5 * SECOND, PARAMS)
    cleaned = rt.remove_idle(table, 5 * SECOND, PARAMS)
    assert ids_of(cleaned) == [21]
    assert cleaned.buckets[127].pending is None
    assert rt.idle_peers(table, 5 * SECOND, PARAMS)[0] == far(1)


def test_closest_peers_by_xor_distance() -> None:
    table = rt.RoutingTable(ROOT)
    near = PeerInfo(bytes([10, 2, 0, 1]), 9000, NodeId(b"\x01" + bytes(15)))
    table, _ = rt.insert(table, near, 0, PARAMS)
    for i in (5, 6, 7):
        table, _ = rt.insert(table, far(i), 0, PARAMS)
    target = far(6).node_id
    assert rt.closest_peers(table, target, 3) == (far(7), far(5), near)
    removed = rt.remove_peer(table, near.node_id, 0, PARAMS)
    assert not rt.has_peer(removed, near.node_id)
    assert rt.remove_peer(removed, near.node_id, 0, PARAMS) == removed
    assert rt.has_peer(table, near.node_id) and not rt.has_peer(table, far(9).node_id)
    assert rt.peer_count(table) == 4
    heights = rt.idle_or_empty_heights(table, 0, PARAMS)
    assert 0 not in heights and 127 not in heights and len(heights) == 126


def test_closest_peers_equals_a_full_sort() -> None:
    import random

    from duskspec.network.kadcast.distance import xor_distance

    rng = random.Random(3)
    root = NodeId(rng.randbytes(16))
    table = rt.RoutingTable(root)
    for i in range(300):
        node_id = NodeId(rng.randbytes(16))
        table, _ = rt.insert(
            table, PeerInfo(bytes([10, 3, i >> 8, i & 255]), 1, node_id), 0, PARAMS
        )
    everyone = [e.peer for e in rt.entries(table)]
    targets = [root, everyone[0].node_id, NodeId(rng.randbytes(16)), NodeId(rng.randbytes(16))]
    for target in targets:
        expected = sorted(
            (p for p in everyone if p.node_id != target),
            key=lambda p: xor_distance(p.node_id, target),
        )
        assert list(rt.closest_peers(table, target, 20)) == expected[:20]

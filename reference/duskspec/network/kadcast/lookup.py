"""Joining the network and keeping the table fresh (spec/network.md §6).

Dusk: ``kadcast/src/maintainer.rs`` (bootstrap, bucket refresh, idle removal) and
``src/handling.rs::handle_nodes`` (recursive discovery). These functions only decide *whom*
to ask *what*; :mod:`duskspec.network.kadcast.node` turns the answers into messages.
"""

from __future__ import annotations

import heapq
from functools import lru_cache

from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.distance import id_int, key_at_distance
from duskspec.network.kadcast.ids import compute_id
from duskspec.network.kadcast.params import KadcastParams
from duskspec.network.kadcast.wire import PeerInfo


def needs_bootstrap(table: rt.RoutingTable, now: int, params: KadcastParams) -> bool:
    """Rule N6.1: a node with fewer than ``min_peers`` alive peers asks its bootstrap nodes
    for the peers closest to its own id (``FIND_NODES(own id)``), every 30 s until it has
    enough."""
    alive = 0
    for entry in rt.entries(table):  # counted until there are enough (same answer)
        if rt.is_alive(entry, now, params):
            alive += 1
            if alive >= params.min_peers:
                return False
    return alive < params.min_peers


def discovery_targets(
    table: rt.RoutingTable, peers: tuple[PeerInfo, ...], params: KadcastParams
) -> tuple[PeerInfo, ...]:
    """Rule N6.2 (recursive discovery): of the first ``2K`` peers of a NODES reply other
    than this node, those that are unknown and whose bucket is not full; each is then sent
    ``FIND_NODES(its own id)``, which both introduces this node and asks for more peers.
    This is the iterative lookup: every answer widens the next round of questions. Rule
    N14.1: a peer whose id is not derived from its address is skipped."""
    others = [p for p in peers if p.node_id != table.root][: params.max_nodes_per_reply]
    return tuple(
        p for p in others if id_matches_address(p) and rt.has_room_for_new(table, p.node_id, params)
    )


@lru_cache(maxsize=65536)
def id_matches_address(peer: PeerInfo) -> bool:
    """Rule N14.1: a peer named in a NODES reply carries the id its address gives
    (``compute_id(ip, port)``, rule N1.1), as every honest table entry does (rule N3.4)."""
    return compute_id(peer.ip, peer.port) == peer.node_id


def lookup_peers(
    table: rt.RoutingTable, target: bytes, now: int, params: KadcastParams
) -> tuple[PeerInfo, ...]:
    """Rule N6.3: the ``alpha`` alive peers closest to ``target`` are asked first. Dusk takes
    the first ``alpha`` alive peers in hash-map order; closest-first is the deterministic
    choice Kademlia's lookup makes."""
    goal = id_int(target)
    alive = rt.alive_peers(table, now, params)
    return tuple(heapq.nsmallest(params.alpha, alive, key=lambda p: id_int(p.node_id) ^ goal))


def refresh_targets(table: rt.RoutingTable, now: int, params: KadcastParams) -> tuple[bytes, ...]:
    """Rule N6.3: for every empty or idle bucket ``h``, the key at distance ``h`` from this
    node (``get_at_distance``) is looked up."""
    return tuple(
        key_at_distance(table.root, h) for h in rt.idle_or_empty_heights(table, now, params)
    )

"""The tree overlay: Kadcast's delegation tree computed per broadcast (spec/network.md §10.1).

``--overlay packet`` runs :func:`~duskspec.network.kadcast.node.kadcast_machine` on every
node and moves every packet through the simulator. ``--overlay tree`` keeps the same routing
tables (fixed at the state the bootstrap run left them in) and, when a node broadcasts,
computes at once what those machines would do: the origin sends to beta delegates of every
bucket (rule N5.1), each node forwards on its *first* arrival to beta delegates of every
bucket below the height it was sent with (N5.2, N5.4), delegates ranked exactly as rule
N5.3 ranks them. Every edge is one packet: counted, lost with the link's loss probability,
delayed by the link latency plus jitter, all drawn from the simulator's RNG. Arrivals are
processed in (time, order sent) like the simulator's queue, so on lossless links without
jitter each node gets each message at the same time with the same hop count as the packet
overlay (``tests/network/test_tree_overlay.py``). What it leaves out: table maintenance
(PING/PONG, FIND_NODES, refresh) and table changes during the run, and crashes or
partitions that begin after a broadcast started (the partition in force at origination
applies to all its edges).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Sequence
from typing import Any

from duskspec.encoding import encode_u64
from duskspec.network import sim
from duskspec.network.kadcast.node import KadcastNode
from duskspec.network.kadcast.params import BUCKET_COUNT
from duskspec.network.kadcast.wire import HEADER_LEN

#: Later than any arrival (virtual µs).
NEVER = 1 << 62

#: Bytes a Broadcast adds around its frame: type, header, height, frame length.
BROADCAST_OVERHEAD = 1 + HEADER_LEN + 1 + 4


class TreeOverlay:
    """A :class:`~duskspec.network.sim.TreePlanner` over fixed Kadcast routing tables.
    Its state is read-only after construction; per broadcast it allocates only the plan."""

    def __init__(self, nodes: Sequence[KadcastNode]) -> None:
        index_of = {node.header.node_id: i for i, node in enumerate(nodes)}
        self.n = len(nodes)
        self.beta = [node.params.beta for node in nodes]
        self.forward = [node.params.auto_propagate for node in nodes]
        #: Per node, per bucket height: the entries' (node index, id), least recently seen
        #: first (the order rule N5.3 keeps for a bucket of at most beta entries).
        self.buckets: list[tuple[tuple[tuple[int, bytes], ...], ...]] = [
            tuple(
                tuple((index_of[e.peer.node_id], e.peer.node_id) for e in bucket.entries)
                for bucket in node.table.buckets
            )
            for node in nodes
        ]
        #: Per node: (height, entries) of its non-empty buckets, highest first.
        self.filled = [
            tuple(
                (h, self.buckets[i][h])
                for h in range(BUCKET_COUNT - 1, -1, -1)
                if self.buckets[i][h]
            )
            for i in range(self.n)
        ]
        self.rank_prefix = [encode_u64(node.seed) + node.header.node_id for node in nodes]
        #: Per (node, below): the :meth:`shape` of the node's targets, built on first use.
        self._shapes: dict[tuple[int, int], tuple[Any, ...]] = {}

    def shape(self, node: int, below: int) -> tuple[Any, ...]:
        """What :meth:`targets` needs of ``node``'s table for ``below``, highest bucket
        first: ``(height, targets)`` for a bucket of at most beta entries (all of them are
        delegates), ``(height, entries)`` for a larger one, each entry ``(height byte ‖ id,
        peer)``, ranked per message. The tables are fixed, so it depends on nothing else."""
        key = (node, below)
        shape = self._shapes.get(key)
        if shape is None:
            beta = self.beta[node]
            parts: list[Any] = []
            for height, bucket in self.filled[node]:
                if height >= below:
                    continue
                if len(bucket) <= beta:
                    parts.append((height, [(peer, height) for peer, _ in bucket], None))
                else:
                    tagged = [(bytes((height,)) + peer_id, peer) for peer, peer_id in bucket]
                    parts.append((height, None, tagged))
            shape = self._shapes[key] = tuple(parts)
        return shape

    def targets(self, node: int, below: int, message_id: bytes) -> list[tuple[int, int]]:
        """Rules N5.1-N5.3 for ``node``: ``(delegate, height)`` for every non-empty bucket
        of height ``< below``, highest first, beta delegates each."""
        beta = self.beta[node]
        chosen: list[tuple[int, int]] = []
        base: Any = None
        for height, fixed, tagged in self.shape(node, below):
            if fixed is not None:
                chosen += fixed
                continue
            if base is None:
                base = hashlib.blake2s(self.rank_prefix[node] + message_id)
            ranked = []
            for tag_id, peer in tagged:
                rank = base.copy()
                rank.update(tag_id)
                ranked.append((rank.digest(), peer))
            ranked.sort()
            chosen += [(peer, height) for _, peer in ranked[:beta]]
        return chosen

    def plan(
        self, simulator: sim.Simulator, origin: int, payload: Any, size: int, msg_id: bytes
    ) -> None:
        """Plan one broadcast of ``payload`` from ``origin`` (see the module docstring)."""
        now = simulator.now
        wire_size = BROADCAST_OVERHEAD + len(payload)
        reached = bytearray(self.n)
        reached[origin] = 1
        first = self.targets(origin, BUCKET_COUNT, msg_id)
        sent = simulator.tree_send(origin, now, first, wire_size, msg_id)
        #: (arrival, order sent, node, height, hops): the simulator's (time, sequence) order.
        queue = [(at, order, peer, height, 1) for order, (at, peer, height) in enumerate(sent)]
        order = len(queue)
        heapq.heapify(queue)
        #: Per node, the earliest arrival queued so far: a later packet to it can never be
        #: its first arrival (ties go to the packet sent first), so it is not queued.
        best: dict[int, int] = {}
        for at, _, peer, _, _ in queue:
            if at < best.get(peer, NEVER):
                best[peer] = at
        push, pop = heapq.heappush, heapq.heappop
        targets, send, forward = self.targets, simulator.tree_send, self.forward
        while queue:
            at, _, node, height, hops = pop(queue)
            if reached[node]:
                continue
            reached[node] = 1
            simulator.tree_delivery(at, node, payload, msg_id, hops)
            if not forward[node] or height == 0:
                continue
            # A packet to a node already reached arrives after its first arrival (later
            # than now): it is sent and counted, but it cannot change the plan.
            for arrival, peer, below in send(
                node, at, targets(node, height, msg_id), wire_size, msg_id
            ):
                if not reached[peer] and arrival < best.get(peer, NEVER):
                    best[peer] = arrival
                    push(queue, (arrival, order, peer, below, hops + 1))
                    order += 1

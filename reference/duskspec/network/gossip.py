"""Flooding gossip, the baseline Kadcast is measured against (spec/network.md §8).

Each node forwards a message it has not seen before to ``fanout`` peers chosen at random
from its peer list (never back to the node it came from), and drops messages it has seen.
The random choice is seeded: ``random.Random(seed')``, ``seed'`` the first 8 bytes (little-
endian) of ``BLAKE2s-256(seed_u64 ‖ node_u32 ‖ msg_id)``, then ``sample``. Packets use the
framing of a Kadcast BROADCAST so both protocols pay the same bytes per copy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from duskspec.crypto.hashes import blake2s_256
from duskspec.encoding import encode_u32, encode_u64
from duskspec.errors import NetworkError
from duskspec.network import sim
from duskspec.network.kadcast.wire import HEADER_LEN, ray_id

#: Bytes a gossip packet adds to its frame: type, header, height and length, as Kadcast.
FRAMING = 1 + HEADER_LEN + 1 + 4


@dataclass(frozen=True)
class GossipNode:
    index: int
    #: Indices of the peers this node may forward to.
    peers: tuple[int, ...]
    fanout: int
    seed: int
    delivered: frozenset[bytes] = frozenset()


def choose_peers(state: GossipNode, msg_id: bytes, exclude: int | None) -> list[int]:
    """The ``fanout`` peers a message is forwarded to (seeded, see the module docstring)."""
    candidates = [p for p in state.peers if p != exclude]
    key = blake2s_256(encode_u64(state.seed) + encode_u32(state.index) + msg_id)
    rng = random.Random(int.from_bytes(key[:8], "little"))
    return rng.sample(candidates, min(state.fanout, len(candidates)))


def _forward(
    state: GossipNode, frame: bytes, msg_id: bytes, exclude: int | None, hops: int
) -> tuple[Any, ...]:
    size = FRAMING + len(frame)
    return tuple(
        sim.Send(p, frame, size, msg_id, hops) for p in choose_peers(state, msg_id, exclude)
    )


def gossip_machine(state: GossipNode, event: Any) -> tuple[GossipNode, tuple[Any, ...]]:
    """The overlay handler of the gossip baseline."""
    kind = type(event)
    if kind is sim.Receive:
        msg_id = ray_id(event.payload)
        if msg_id in state.delivered:
            return state, ()
        state = replace(state, delivered=state.delivered | {msg_id})
        deliver = sim.Deliver(event.payload, msg_id, event.hops)
        return state, (
            deliver,
            *_forward(state, event.payload, msg_id, event.source, event.hops + 1),
        )
    if kind is sim.Originate:
        msg_id = ray_id(event.payload)
        state = replace(state, delivered=state.delivered | {msg_id})
        return state, _forward(state, event.payload, msg_id, None, 1)
    if kind is sim.Start or kind is sim.Timer:
        return state, ()
    raise NetworkError("network.unknown_event", kind.__name__)

"""Broadcast by height delegation with beta redundancy (spec/network.md §5).

Dusk: ``kadcast/src/kbucket.rs::extract``, ``src/lib.rs::broadcast`` and
``src/handling.rs::handle_broadcast``. A node that sends a message at height ``h`` to a
delegate makes that delegate responsible for the subtree of ids that agree with the
delegate on every bit from ``h`` up; the delegate covers it through its buckets ``< h``.
The TLA+ model ``models/tla/Kadcast.tla`` checks this with ``Originate`` and
``ReceiveBroadcast``.

Which beta entries of a bucket are chosen is a pure function of an explicit seed
(Dusk shuffles with the thread RNG): see :func:`delegate_rank`.
"""

from __future__ import annotations

import hashlib
from operator import itemgetter
from typing import NamedTuple

from duskspec.crypto.hashes import blake2s_256
from duskspec.encoding import encode_u8, encode_u64
from duskspec.errors import NetworkError
from duskspec.network.kadcast.params import BUCKET_COUNT
from duskspec.network.kadcast.table import EMPTY_BUCKET, GROUP, Bucket, RoutingTable
from duskspec.network.kadcast.wire import PeerInfo

#: A group of empty buckets (``table.EMPTY_GROUPS[0]``), compared by value.
EMPTY_GROUP = (EMPTY_BUCKET,) * GROUP
_FIRST = itemgetter(0)


class Delegation(NamedTuple):
    """Send the broadcast to ``peer`` with height ``height``."""

    peer: PeerInfo
    height: int


def delegate_rank(
    seed: int, own_id: bytes, message_id: bytes, height: int, peer_id: bytes
) -> bytes:
    """Rule N5.3: ``BLAKE2s-256(seed_u64_le ‖ own_id ‖ message_id ‖ height_u8 ‖ peer_id)``.
    The beta entries with the smallest rank (bytes compared lexicographically) are chosen."""
    return blake2s_256(encode_u64(seed) + own_id + message_id + encode_u8(height) + peer_id)


def pick_delegates(
    bucket: Bucket, beta: int, seed: int, own_id: bytes, message_id: bytes, height: int
) -> tuple[PeerInfo, ...]:
    """Rule N5.3: a bucket of at most ``beta`` entries gives all of them, least recently
    seen first; a larger bucket gives its ``beta`` smallest-ranked entries, in rank order."""
    if len(bucket.entries) <= beta:
        return tuple(e.peer for e in bucket.entries)
    # delegate_rank with the common prefix hashed once (same digests).
    prefix = hashlib.blake2s(encode_u64(seed) + own_id + message_id, digest_size=32)
    tag = encode_u8(height)
    ranked = []
    for entry in bucket.entries:
        rank = prefix.copy()
        rank.update(tag + entry.peer.node_id)
        ranked.append((rank.digest(), entry.peer))
    ranked.sort(key=lambda pair: pair[0])
    return tuple(peer for _, peer in ranked[:beta])


def extract(
    table: RoutingTable, max_height: int, beta: int, seed: int, message_id: bytes
) -> tuple[Delegation, ...]:
    """Rule N5.1: for every bucket of height ``<= max_height``, from the highest down, up to
    ``beta`` delegates, each told the height of the bucket it was picked from.

    :func:`pick_delegates` written out for the per-broadcast path (spec N14.4): a group of
    8 empty buckets is passed over at once, the common prefix of :func:`delegate_rank` is
    hashed once per call, and the ranks are sorted by a C key; the delegates are the same.
    """
    if max_height < 0:
        raise NetworkError("network.bad_height", "extract needs a height >= 0")
    delegations: list[Delegation] = []
    top = min(max_height, BUCKET_COUNT - 1)
    groups = table.groups  # bucket h is groups[h >> 3][h & 7] (table.bucket_at), read inline
    prefix = None
    new = tuple.__new__
    for index in range(top >> 3, -1, -1):
        group = groups[index]
        if group == EMPTY_GROUP:
            continue
        base = index << 3
        for height in range(min(top, base + 7), base - 1, -1):
            entries = group[height & 7][0]  # .entries
            if not entries:
                continue
            if len(entries) <= beta:
                peers = [entry[0] for entry in entries]
            else:
                if prefix is None:
                    prefix = hashlib.blake2s(encode_u64(seed) + table.root + message_id)
                tag = encode_u8(height)
                ranked = []
                for entry in entries:
                    rank = prefix.copy()
                    rank.update(tag + entry[0][2])
                    ranked.append((rank.digest(), entry[0]))
                ranked.sort(key=_FIRST)
                peers = [peer for _, peer in ranked[:beta]]
            for peer in peers:
                delegations.append(new(Delegation, (peer, height)))
    return tuple(delegations)


def originate_targets(
    table: RoutingTable, beta: int, seed: int, message_id: bytes, height: int | None = None
) -> tuple[Delegation, ...]:
    """Rule N5.1: a new broadcast goes to every bucket (or those ``<= height`` when the
    caller limits it, as Dusk's ``broadcast(msg, Some(h))`` does)."""
    return extract(table, BUCKET_COUNT - 1 if height is None else height, beta, seed, message_id)


def forward_targets(
    table: RoutingTable, received_height: int, beta: int, seed: int, message_id: bytes
) -> tuple[Delegation, ...]:
    """Rule N5.2: a broadcast received at height ``h > 0`` goes on to the buckets
    ``0..h-1``, strictly below; at height 0 it stops. A height above 127 acts as 127
    (rule N3.2)."""
    if received_height == 0:
        return ()
    height = min(received_height, BUCKET_COUNT - 1)
    return extract(table, height - 1, beta, seed, message_id)

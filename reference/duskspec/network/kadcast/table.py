"""The Kadcast routing table, as pure functions over immutable values (spec/network.md §4).

Dusk: ``kadcast/src/kbucket.rs`` (the tree) and ``src/kbucket/bucket.rs`` (one bucket).
A table holds one bucket per height 0..127. A bucket keeps at most K entries ordered from
least to most recently seen, and at most one *pending* entry waiting for a slot. Times are
integer microseconds given by the caller; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from duskspec.errors import NetworkError
from duskspec.network.kadcast.distance import bucket_height, id_int
from duskspec.network.kadcast.ids import NodeId
from duskspec.network.kadcast.params import BUCKET_COUNT, ID_LEN, KadcastParams
from duskspec.network.kadcast.wire import PeerInfo


class TableEntry(NamedTuple):
    """One peer of a bucket. Tables, buckets and entries are tuples: immutable values, so
    a table a caller holds never changes; every update builds the few tuples it changes
    and shares the rest (the hot path builds them with ``tuple.__new__``, skipping the
    keyword machinery of a constructor call)."""

    peer: PeerInfo
    #: Virtual time the peer was last heard from.
    seen_at: int
    #: Set when the entry, as least recently seen of a full bucket, was pinged for eviction.
    evict_requested_at: int | None = None


class Bucket(NamedTuple):
    #: Front = least recently seen; back = most recently seen.
    entries: tuple[TableEntry, ...] = ()
    pending: TableEntry | None = None


EMPTY_BUCKET = Bucket()


#: Buckets per group: a table holds its 128 buckets as 16 groups of 8, so an update
#: rebuilds one group of 8 and the tuple of 16 groups instead of 128 references.
GROUP = 8
EMPTY_GROUPS = ((EMPTY_BUCKET,) * GROUP,) * (BUCKET_COUNT // GROUP)


class RoutingTable(NamedTuple):
    root: NodeId
    #: Bucket ``h`` is ``groups[h // GROUP][h % GROUP]``; read it with :func:`bucket_at`.
    groups: tuple[tuple[Bucket, ...], ...] = EMPTY_GROUPS

    @property
    def buckets(self) -> tuple[Bucket, ...]:
        """One bucket per height, index = height."""
        return tuple(bucket for group in self.groups for bucket in group)


def table_of(root: NodeId, buckets: Sequence[Bucket]) -> RoutingTable:
    """The table rooted at ``root`` holding ``buckets`` (one per height, 128 of them)."""
    if len(buckets) != BUCKET_COUNT:
        raise NetworkError("network.bad_table", f"a table has {BUCKET_COUNT} buckets")
    groups = tuple(
        _shared_group(tuple(buckets[g : g + GROUP])) for g in range(0, BUCKET_COUNT, GROUP)
    )
    return RoutingTable(root, groups)


def _shared_group(group: tuple[Bucket, ...]) -> tuple[Bucket, ...]:
    """``group``, or the shared group of empty buckets if it equals it."""
    return EMPTY_GROUPS[0] if group == EMPTY_GROUPS[0] else group


def bucket_at(table: RoutingTable, height: int) -> Bucket:
    """The bucket at ``height``."""
    return table.groups[height >> 3][height & 7]


class InsertOutcome(Enum):
    INSERTED = "inserted"
    UPDATED = "updated"
    PENDING = "pending"
    FULL = "full"
    NO_ACTION = "no_action"


@dataclass(frozen=True)
class InsertResult:
    outcome: InsertOutcome
    #: The least recently seen entry this step flagged for eviction; the caller PINGs it.
    ping: PeerInfo | None = None


#: The results without a PING, shared (they are immutable).
UPDATED = InsertResult(InsertOutcome.UPDATED)
NO_ACTION = InsertResult(InsertOutcome.NO_ACTION)
INSERTED = InsertResult(InsertOutcome.INSERTED)
FULL = InsertResult(InsertOutcome.FULL)


def is_alive(entry: TableEntry, now: int, params: KadcastParams) -> bool:
    """Rule N4.1: an entry is alive while it was seen less than ``node_ttl`` ago."""
    return now - entry.seen_at < params.node_ttl_us


# --- one bucket ---------------------------------------------------------------------------


def _position(bucket: Bucket, node_id: bytes) -> int | None:
    for index, entry in enumerate(bucket.entries):
        if entry[0][2] == node_id:  # entry.peer.node_id, read by index: the per-packet path
            return index
    return None


def _refresh_entry(bucket: Bucket, node_id: bytes, now: int) -> Bucket | None:
    """Move a known entry to the back, mark it seen now and clear its eviction flag."""
    index = _position(bucket, node_id)
    if index is None:
        return None
    entries = bucket.entries
    entry = _new_entry(entries[index].peer, now)
    if index == len(entries) - 1:
        moved = (*entries[:index], entry)
    else:
        moved = (*entries[:index], *entries[index + 1 :], entry)
    return _new_bucket(moved, bucket.pending)


def _new_entry(peer: PeerInfo, now: int) -> TableEntry:
    """``TableEntry(peer, now)`` without the constructor's argument handling."""
    return tuple.__new__(TableEntry, (peer, now, None))


def _new_bucket(entries: tuple[TableEntry, ...], pending: TableEntry | None) -> Bucket:
    """``Bucket(entries, pending)`` without the constructor's argument handling."""
    return tuple.__new__(Bucket, (entries, pending))


def _insert_pending(bucket: Bucket, now: int, params: KadcastParams) -> Bucket:
    """Move the pending entry into a bucket with room; a dead pending entry is dropped."""
    if len(bucket.entries) >= params.k or bucket.pending is None:
        return bucket
    if is_alive(bucket.pending, now, params):
        return Bucket((*bucket.entries, bucket.pending), None)
    return Bucket(bucket.entries, None)


def _try_perform_eviction(bucket: Bucket, now: int, params: KadcastParams) -> Bucket:
    """Rule N4.4: in a full bucket, flag a dead front entry for a check ping; evict a front
    entry flagged at least ``node_evict_after`` ago and let the pending entry in."""
    if len(bucket.entries) < params.k:
        return bucket
    front = bucket.entries[0]
    if front.evict_requested_at is not None:
        if now - front.evict_requested_at < params.node_evict_after_us:
            return bucket
        return _insert_pending(Bucket(bucket.entries[1:], bucket.pending), now, params)
    if is_alive(front, now, params):
        return bucket
    flagged = tuple.__new__(TableEntry, (front.peer, front.seen_at, now))
    return Bucket((flagged, *bucket.entries[1:]), bucket.pending)


def _flagged_front(bucket: Bucket) -> TableEntry | None:
    entries = bucket.entries
    if entries and entries[0].evict_requested_at is not None:
        return entries[0]
    return None


def _newly_flagged(before: Bucket, after: Bucket) -> PeerInfo | None:
    """Rule N4.3: the front entry to PING, if this step flagged it. Dusk PINGs the flagged
    entry again on every later message from that bucket; in a simulation where many entries
    expire together that feeds back (each PING draws a PONG that draws a PING) and grows
    without bound, so the reference PINGs once, when it flags."""
    flagged = _flagged_front(after)
    if flagged is None:
        return None
    earlier = _flagged_front(before)
    if earlier is not None and earlier.peer.node_id == flagged.peer.node_id:
        return None
    return flagged.peer


def bucket_insert(
    bucket: Bucket, peer: PeerInfo, now: int, params: KadcastParams
) -> tuple[Bucket, InsertResult]:
    """Rules N4.2-N4.5 for one bucket (``Bucket::insert``)."""
    refreshed = _refresh_entry(bucket, peer.node_id, now)
    if refreshed is not None:
        updated = _try_perform_eviction(refreshed, now, params)
        return updated, _updated(_newly_flagged(bucket, updated))
    checked = _try_perform_eviction(bucket, now, params)
    # Only an eviction that changed the bucket can have let this peer in from pending.
    promoted = _refresh_entry(checked, peer.node_id, now) if checked is not bucket else None
    if promoted is not None:
        # The eviction just let this very peer in from pending: it is now known (Dusk would
        # try to add it a second time).
        return promoted, _updated(_newly_flagged(bucket, promoted))
    if len(checked.entries) < params.k:
        inserted = _new_bucket((*checked.entries, _new_entry(peer, now)), checked.pending)
        return inserted, INSERTED
    if is_alive(checked.entries[0], now, params):
        return checked, FULL
    waiting = _new_bucket(checked.entries, _new_entry(peer, now))
    return waiting, InsertResult(InsertOutcome.PENDING, _newly_flagged(bucket, waiting))


def bucket_refresh(
    bucket: Bucket, peer: PeerInfo, now: int, params: KadcastParams
) -> tuple[Bucket, InsertResult]:
    """Rule N4.6: refresh a known entry only (``Bucket::refresh``); unknown: no action."""
    refreshed = _refresh_entry(bucket, peer.node_id, now)
    if refreshed is None:
        return bucket, NO_ACTION
    updated = _try_perform_eviction(refreshed, now, params)
    return updated, _updated(_newly_flagged(bucket, updated))


def _updated(ping: PeerInfo | None) -> InsertResult:
    return UPDATED if ping is None else InsertResult(InsertOutcome.UPDATED, ping)


# --- the table ----------------------------------------------------------------------------


def height_of(table: RoutingTable, node_id: bytes) -> int:
    """The bucket height of ``node_id``; the root itself has none (``network.self_insert``)."""
    height = bucket_height(table.root, node_id)
    if height is None:
        raise NetworkError("network.self_insert", "a node never holds its own id")
    return height


def _with_bucket(table: RoutingTable, height: int, bucket: Bucket) -> RoutingTable:
    """A new table: ``table`` with bucket ``height`` replaced; the other buckets shared."""
    groups = table.groups
    index = height >> 3
    group = list(groups[index])
    group[height & 7] = bucket
    spliced = list(groups)
    spliced[index] = tuple(group)
    return tuple.__new__(RoutingTable, (table.root, tuple(spliced)))


def insert(
    table: RoutingTable, peer: PeerInfo, now: int, params: KadcastParams
) -> tuple[RoutingTable, InsertResult]:
    """Rule N4.2: insert or refresh ``peer`` in its bucket (``Tree::insert``)."""
    height = height_of(table, peer.node_id)
    before = bucket_at(table, height)
    bucket, result = bucket_insert(before, peer, now, params)
    if bucket is before:  # unchanged (e.g. a full bucket refused the peer): same table
        return table, result
    return _with_bucket(table, height, bucket), result


def refresh(
    table: RoutingTable, peer: PeerInfo, now: int, params: KadcastParams
) -> tuple[RoutingTable, InsertResult]:
    """Rule N4.6: refresh ``peer`` if the table holds it (``Tree::refresh``)."""
    height = height_of(table, peer.node_id)
    bucket, result = bucket_refresh(bucket_at(table, height), peer, now, params)
    return _with_bucket(table, height, bucket), result


def remove_idle(table: RoutingTable, now: int, params: KadcastParams) -> RoutingTable:
    """Rule N4.7: drop entries that are no longer alive, then let pending entries in."""
    buckets = []
    for before in table.buckets:
        kept = tuple(e for e in before.entries if is_alive(e, now, params))
        after = _insert_pending(Bucket(kept, before.pending), now, params)
        buckets.append(_shared(after, before))
    return table_of(table.root, buckets)


def _shared(bucket: Bucket, before: Bucket) -> Bucket:
    """``bucket``, or an equal bucket that already exists: ``before`` if nothing changed,
    :data:`EMPTY_BUCKET` if it is empty (spec N14.4: a table does not hold 128 copies of
    the empty bucket, which the cyclic collector would scan on every full pass)."""
    if bucket == before:
        return before
    return EMPTY_BUCKET if bucket == EMPTY_BUCKET else bucket


def remove_peer(
    table: RoutingTable, node_id: bytes, now: int, params: KadcastParams
) -> RoutingTable:
    """Rule N4.7: remove ``node_id`` (Dusk: a blocked source); an alive pending entry of that
    bucket takes the free slot (``Bucket::remove_id``)."""
    height = height_of(table, node_id)
    bucket = bucket_at(table, height)
    kept = tuple(e for e in bucket.entries if e.peer.node_id != node_id)
    if len(kept) == len(bucket.entries):
        return table
    return _with_bucket(table, height, _insert_pending(Bucket(kept, bucket.pending), now, params))


def refresh_known(
    table: RoutingTable, peer: PeerInfo, now: int, params: KadcastParams
) -> tuple[RoutingTable, InsertResult] | None:
    """:func:`refresh` (and :func:`insert`) for a peer the table holds; ``None`` (and
    nothing done) for one it does not hold or for the root. The per-packet path (spec
    N14.2): ``has_peer`` then ``refresh`` in one bucket lookup, the steps of
    :func:`_refresh_entry` and :func:`_with_bucket` written out, each value built with
    ``tuple.__new__``; ``tests/network/test_kadcast_purity.py`` checks it gives what
    :func:`refresh` gives."""
    node_id = peer.node_id
    root = table.root
    if len(node_id) != ID_LEN or len(root) != ID_LEN:
        bucket_height(root, node_id)  # raises network.bad_id_length
    distance = int.from_bytes(root, "little") ^ int.from_bytes(node_id, "little")
    if not distance:
        return None
    height = distance.bit_length() - 1
    groups = table.groups
    group = groups[height >> 3]
    bucket = group[height & 7]
    entries = bucket.entries
    if not entries:
        return None
    # _position, from both ends: a bucket never holds an id twice (spec N14.4), so the
    # front entry (a flagged one answering its check PING) is tried first, then the others
    # from the back (the most recently seen write again soonest).
    if entries[0][0][2] == node_id:  # entry.peer.node_id
        index = 0
    else:
        for index in range(len(entries) - 1, 0, -1):
            if entries[index][0][2] == node_id:
                break
        else:
            return None
    fresh = tuple.__new__(TableEntry, (entries[index][0], now, None))
    if index == len(entries) - 1:
        moved = (*entries[:index], fresh)
    else:
        moved = (*entries[:index], *entries[index + 1 :], fresh)
    updated = tuple.__new__(Bucket, (moved, bucket[1]))
    if len(moved) >= params.k:  # only a full bucket can flag or evict (N4.4) ...
        front = moved[0]
        if front[2] is not None or not is_alive(front, now, params):  # ... at its front
            updated = _try_perform_eviction(updated, now, params)
    # Only a flagged front entry can be newly flagged (N4.3).
    ping = None if updated[0][0][2] is None else _newly_flagged(bucket, updated)
    # _with_bucket, inlined.
    spliced_group = list(group)
    spliced_group[height & 7] = updated
    spliced = list(groups)
    spliced[height >> 3] = tuple(spliced_group)
    spliced_table = tuple.__new__(RoutingTable, (root, tuple(spliced)))
    return spliced_table, UPDATED if ping is None else InsertResult(InsertOutcome.UPDATED, ping)


def has_peer(table: RoutingTable, node_id: bytes) -> bool:
    height = bucket_height(table.root, node_id)
    return height is not None and _position(bucket_at(table, height), node_id) is not None


def has_room_for_new(table: RoutingTable, node_id: bytes, params: KadcastParams) -> bool:
    """``node_id`` is not the root, not in the table, and its bucket is not full."""
    height = bucket_height(table.root, node_id)
    if height is None:
        return False
    bucket = bucket_at(table, height)
    return len(bucket.entries) < params.k and _position(bucket, node_id) is None


def is_bucket_full(table: RoutingTable, height: int, params: KadcastParams) -> bool:
    return len(bucket_at(table, height).entries) >= params.k


def entries(table: RoutingTable) -> Iterator[TableEntry]:
    """Every entry, by height then least recently seen first."""
    for bucket in table.buckets:
        yield from bucket.entries


def peer_count(table: RoutingTable) -> int:
    return sum(len(b.entries) for b in table.buckets)


def alive_peers(table: RoutingTable, now: int, params: KadcastParams) -> tuple[PeerInfo, ...]:
    return tuple(e.peer for e in entries(table) if is_alive(e, now, params))


def idle_peers(table: RoutingTable, now: int, params: KadcastParams) -> tuple[PeerInfo, ...]:
    return tuple(e.peer for e in entries(table) if not is_alive(e, now, params))


def closest_peers(table: RoutingTable, target: bytes, count: int) -> tuple[PeerInfo, ...]:
    """Rule N4.8: the ``count`` entries closest to ``target`` by XOR distance, closest first,
    ``target`` itself excluded (``Tree::closest_peers``). Dusk sorts by bucket height only
    and breaks ties in hash-map order; the full XOR distance is a deterministic refinement
    of that order."""
    goal = id_int(target)
    chosen: list[PeerInfo] = []
    buckets = table.buckets
    for group in _buckets_by_distance(table, goal):
        if not any(buckets[height].entries for height in group):
            continue
        ranked = sorted(
            (int.from_bytes(e.peer.node_id, "little") ^ goal, e.peer)
            for height in group
            for e in buckets[height].entries
            if e.peer.node_id != target
        )
        chosen.extend(peer for _, peer in ranked)
        if len(chosen) >= count:
            break
    return tuple(chosen[:count])


def _buckets_by_distance(table: RoutingTable, goal: int) -> Iterator[tuple[int, ...]]:
    """Groups of bucket heights, nearer groups to ``goal`` first. With ``h`` the height of
    ``goal`` from the root: an entry of bucket ``h`` is within ``2^h`` of it; every entry of
    a bucket below ``h`` is at a distance whose top bit is ``h``; an entry of bucket
    ``b > h`` at one whose top bit is ``b``. So the order is ``{h}``, ``{0..h-1}``, then
    ``h+1, h+2, ...``, and only within a group must distances be compared."""
    top = (id_int(table.root) ^ goal).bit_length() - 1
    if top >= 0:
        yield (top,)
        yield tuple(range(top))
    for height in range(top + 1, BUCKET_COUNT):
        yield (height,)


def idle_or_empty_heights(table: RoutingTable, now: int, params: KadcastParams) -> tuple[int, ...]:
    """Rule N6.3: heights whose bucket is empty or whose least recently seen entry is older
    than ``bucket_ttl`` (``Tree::idle_or_empty_height``)."""
    return tuple(
        h
        for h, b in enumerate(table.buckets)
        if not b.entries or now - b.entries[0].seen_at > params.bucket_ttl_us
    )

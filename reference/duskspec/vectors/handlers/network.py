"""``general/kadcast`` handlers: distance, wire decoding, routing-table steps and broadcast
delegation (spec/network.md). Kadcast's rules do not depend on a preset; the table vectors
carry their own K and timeouts in ``pre``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum

from duskspec.errors import NetworkError
from duskspec.network.kadcast import broadcast as bc
from duskspec.network.kadcast import distance, ids, wire
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast.params import MAINNET, MAX_DATAGRAM, KadcastParams
from duskspec.vectors.registry import Case, Handler

# --- distance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DistanceInput:
    a: bytes
    b: bytes


@dataclass(frozen=True)
class DistancePost:
    #: ``a XOR b`` as 16 bytes, little-endian like the ids.
    xor: bytes
    #: Bucket height of ``b`` seen from ``a``; ``None`` for identical ids.
    bucket: int | None


def run_distance(pre: None, inp: DistanceInput) -> DistancePost:
    xor = distance.xor_distance(inp.a, inp.b)
    return DistancePost(xor.to_bytes(16, "little"), distance.bucket_height(inp.a, inp.b))


def addr_id(text: str) -> ids.NodeId:
    host, port = text.rsplit(":", 1)
    return ids.compute_id(bytes(int(x) for x in host.split(".")), int(port))


def _distance_cases() -> Iterator[Case]:
    zero = bytes(16)
    yield Case("identical", "identical ids have no bucket", DistanceInput(zero, zero))
    yield Case("lowest_bit", "first byte, bit 0: height 0", DistanceInput(zero, b"\x01" + zero[1:]))
    yield Case(
        "highest_bit", "last byte, bit 7: height 127", DistanceInput(zero, zero[:15] + b"\x80")
    )
    yield Case(
        "little_endian",
        "the last byte is the most significant",
        DistanceInput(b"\xff" + zero[1:], zero[:15] + b"\x01"),
    )
    a = addr_id("192.168.0.1:666")
    for i in (2, 3, 254):
        b = addr_id(f"192.168.0.{i}:666")
        yield Case(
            f"dusk_addr_{i}", f"ids of 192.168.0.1:666 and 192.168.0.{i}:666", DistanceInput(a, b)
        )
    for height in (0, 7, 8, 64, 127):
        yield Case(
            f"at_distance_{height}",
            f"get_at_distance({height}) of 192.168.0.1:666",
            DistanceInput(a, distance.key_at_distance(a, height)),
        )
    rng = random.Random(41)
    for i in range(6):
        yield Case(
            f"random_{i}",
            "seeded random ids",
            DistanceInput(rng.randbytes(16), rng.randbytes(16)),
            seed=41,
        )
    yield Case(
        "short_id",
        "a 15-byte id",
        DistanceInput(zero[:15], zero),
        expected_error="network.bad_id_length",
    )
    yield Case(
        "long_id",
        "a 17-byte id",
        DistanceInput(zero, zero + b"\x00"),
        expected_error="network.bad_id_length",
    )


# --- wire ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WireInput:
    data: bytes
    #: The receiver's network id (Dusk: the chain id, mainnet 1).
    network_id: int


@dataclass(frozen=True)
class VersionJson:
    major: int
    minor: int
    patch: int


@dataclass(frozen=True)
class PeerJson:
    ip: bytes
    port: int
    node_id: bytes


@dataclass(frozen=True)
class WirePost:
    type: int
    node_id: bytes
    nonce: bytes
    sender_port: int
    network_id: int
    reserved: bytes
    version: VersionJson | None
    target: bytes | None
    peers: tuple[PeerJson, ...]
    height: int | None
    frame: bytes | None


def peer_json(peer: wire.PeerInfo) -> PeerJson:
    return PeerJson(peer.ip, peer.port, peer.node_id)


def run_wire(pre: None, inp: WireInput) -> WirePost:
    message = wire.decode_message(inp.data, inp.network_id)
    h = message.header
    version = getattr(message, "version", None)
    return WirePost(
        type=int(wire.message_type(message)),
        node_id=h.node_id,
        nonce=h.nonce,
        sender_port=h.sender_port,
        network_id=h.network_id,
        reserved=h.reserved,
        version=VersionJson(version.major, version.minor, version.patch) if version else None,
        target=message.target if isinstance(message, wire.FindNodes) else None,
        peers=tuple(peer_json(p) for p in message.peers) if isinstance(message, wire.Nodes) else (),
        height=message.height if isinstance(message, wire.Broadcast) else None,
        frame=message.frame if isinstance(message, wire.Broadcast) else None,
    )


def _dusk_header(address: str = "192.168.0.1:666", network_id: int = 1) -> wire.Header:
    node_id = addr_id(address)
    port = int(address.rsplit(":", 1)[1])
    return wire.Header(
        node_id, ids.generate_nonce(node_id, MAINNET.difficulty_produced_bits), port, network_id
    )


def _peer(address: str) -> wire.PeerInfo:
    host, port = address.rsplit(":", 1)
    return wire.PeerInfo(bytes(int(x) for x in host.split(".")), int(port), addr_id(address))


def _wire_cases() -> Iterator[Case]:
    h = _dusk_header()
    v = wire.PROTOCOL_VERSION
    enc = wire.encode_message
    ipv6 = wire.PeerInfo(
        bytes.fromhex("20010db885a3000000008a2e03707334"),
        666,
        ids.compute_id(bytes.fromhex("20010db885a3000000008a2e03707334"), 666),
    )
    valid: dict[str, tuple[str, wire.Message]] = {
        "ping": ("PING from 192.168.0.1:666", wire.Ping(h, v)),
        "pong": ("PONG with version 1.2.3", wire.Pong(h, wire.Version(1, 2, 3))),
        "find_nodes": (
            "FIND_NODES for the id of 192.168.1.1:666",
            wire.FindNodes(h, v, addr_id("192.168.1.1:666")),
        ),
        "nodes_empty": ("NODES with no peers", wire.Nodes(h, v, ())),
        "nodes_v4_v6": (
            "NODES with an IPv4 and an IPv6 peer",
            wire.Nodes(h, v, (_peer("192.168.1.1:666"), ipv6)),
        ),
        "broadcast": ("BROADCAST at height 127", wire.Broadcast(h, 127, b"hello kadcast")),
        "broadcast_empty": ("BROADCAST with an empty frame", wire.Broadcast(h, 0, b"")),
        "broadcast_height_255": (
            "heights above 127 decode (they act as 127)",
            wire.Broadcast(h, 255, b"x"),
        ),
        "reserved_kept": (
            "non-zero reserved bytes are kept, not checked",
            wire.Ping(replace(h, reserved=b"\xab\xcd"), v),
        ),
    }
    for name, (description, message) in valid.items():
        yield Case(name, description, WireInput(enc(message), 1))
    ping = enc(wire.Ping(h, v))
    broadcast = enc(wire.Broadcast(h, 3, b"abc"))
    nodes = enc(wire.Nodes(h, v, (_peer("192.168.1.1:666"),)))
    invalid = {
        "empty": ("no bytes", b"", "encoding.truncated"),
        "short_header": ("the header stops after 10 bytes", ping[:11], "encoding.truncated"),
        "short_version": ("the version is one byte short", ping[:-1], "encoding.truncated"),
        "trailing": ("one byte after a PING", ping + b"\x00", "encoding.trailing"),
        "type_4": ("type byte 4 is not a message", b"\x04" + ping[1:], "network.unknown_type"),
        "type_255": ("type byte 255", b"\xff" + ping[1:], "network.unknown_type"),
        "bad_nonce": (
            "the nonce does not meet 8 bits",
            ping[:17] + bytes([ping[17] ^ 1]) + ping[18:],
            "network.invalid_nonce",
        ),
        "oversized": (
            f"{MAX_DATAGRAM + 1} bytes",
            ping + bytes(MAX_DATAGRAM + 1 - len(ping)),
            "network.oversized",
        ),
        "short_frame": ("the frame is one byte short", broadcast[:-1], "encoding.truncated"),
        "huge_frame_length": (
            "frame length 2^32-1",
            broadcast[:27] + b"\xff\xff\xff\xff",
            "encoding.overlong",
        ),
        "short_peer": ("the last NODES peer is cut", nodes[:-1], "encoding.truncated"),
        "count_too_big": (
            "NODES says 2 peers, carries 1",
            nodes[:31] + b"\x02\x00" + nodes[33:],
            "encoding.truncated",
        ),
    }
    for name, (description, data, code) in invalid.items():
        yield Case(name, description, WireInput(data, 1), expected_error=code)
    yield Case(
        "wrong_network",
        "a mainnet PING received on testnet (network id 2)",
        WireInput(ping, 2),
        expected_error="network.wrong_network",
    )


# --- routing table ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryJson:
    peer: PeerJson
    seen_at: int
    evict_requested_at: int | None


@dataclass(frozen=True)
class BucketJson:
    height: int
    entries: tuple[EntryJson, ...]
    pending: EntryJson | None


@dataclass(frozen=True)
class TableJson:
    root: bytes
    k: int
    node_ttl_us: int
    node_evict_after_us: int
    #: Non-empty buckets only, by height.
    buckets: tuple[BucketJson, ...]


class TableOp(Enum):
    INSERT = "insert"
    REFRESH = "refresh"
    REMOVE = "remove"
    REMOVE_IDLE = "remove_idle"


@dataclass(frozen=True)
class TableStep:
    op: TableOp
    peer: PeerJson | None
    now: int


@dataclass(frozen=True)
class StepResult:
    outcome: str
    ping: PeerJson | None


@dataclass(frozen=True)
class TablePost:
    table: TableJson
    results: tuple[StepResult, ...]


def _entry_from(e: EntryJson) -> rt.TableEntry:
    return rt.TableEntry(_peer_from(e.peer), e.seen_at, e.evict_requested_at)


def _peer_from(p: PeerJson) -> wire.PeerInfo:
    return wire.PeerInfo(p.ip, p.port, ids.check_id(p.node_id))


def table_from_json(t: TableJson) -> tuple[rt.RoutingTable, KadcastParams]:
    """The table a vector describes; ``network.bad_table`` if it breaks a table invariant."""
    params = replace(
        MAINNET, k=t.k, node_ttl_us=t.node_ttl_us, node_evict_after_us=t.node_evict_after_us
    )
    buckets = list(rt.RoutingTable(ids.check_id(t.root)).buckets)
    for b in t.buckets:
        entries = tuple(_entry_from(e) for e in b.entries)
        pending = _entry_from(b.pending) if b.pending else None
        for entry in (*entries, *([pending] if pending else [])):
            if distance.bucket_height(t.root, entry.peer.node_id) != b.height:
                raise NetworkError("network.bad_table", f"an entry is not in bucket {b.height}")
        if len(entries) > params.k:
            raise NetworkError("network.bad_table", f"bucket {b.height} holds more than K entries")
        buckets[b.height] = rt.Bucket(entries, pending)
    return rt.table_of(ids.check_id(t.root), buckets), params


def table_to_json(table: rt.RoutingTable, params: KadcastParams) -> TableJson:
    def entry(e: rt.TableEntry) -> EntryJson:
        return EntryJson(peer_json(e.peer), e.seen_at, e.evict_requested_at)

    buckets = tuple(
        BucketJson(h, tuple(entry(e) for e in b.entries), entry(b.pending) if b.pending else None)
        for h, b in enumerate(table.buckets)
        if b.entries or b.pending
    )
    return TableJson(table.root, params.k, params.node_ttl_us, params.node_evict_after_us, buckets)


def _apply(
    table: rt.RoutingTable, step: TableStep, params: KadcastParams
) -> tuple[rt.RoutingTable, StepResult]:
    if step.op is TableOp.REMOVE_IDLE:
        return rt.remove_idle(table, step.now, params), StepResult("removed_idle", None)
    if step.peer is None:
        raise NetworkError("network.bad_step", f"{step.op.value} needs a peer")
    peer = _peer_from(step.peer)
    if step.op is TableOp.REMOVE:
        return rt.remove_peer(table, peer.node_id, step.now, params), StepResult("removed", None)
    action = rt.insert if step.op is TableOp.INSERT else rt.refresh
    table, result = action(table, peer, step.now, params)
    ping = peer_json(result.ping) if result.ping else None
    return table, StepResult(result.outcome.value, ping)


def run_routing_table(pre: TableJson, steps: tuple[TableStep, ...]) -> TablePost:
    table, params = table_from_json(pre)
    results = []
    for step in steps:
        table, result = _apply(table, step, params)
        results.append(result)
    return TablePost(table_to_json(table, params), tuple(results))


SECOND = 1_000_000
ROOT = bytes(16)


def _far(i: int) -> PeerJson:
    """A peer in bucket 127 of the all-zero root."""
    return PeerJson(bytes([10, 1, 0, i]), 9000, bytes([i]) + bytes(14) + b"\x80")


def _empty(k: int = 20) -> TableJson:
    return TableJson(ROOT, k, 5 * SECOND, 1 * SECOND, ())


def _ins(i: int, now: int = 0) -> TableStep:
    return TableStep(TableOp.INSERT, _far(i), now)


def _table_cases() -> Iterator[Case]:
    fill = tuple(_ins(i) for i in range(1, 21))
    yield Case(
        "insert_and_lru_order",
        "inserts append; a re-insert moves to the back",
        (_ins(1), _ins(2), _ins(1)),
        pre=_empty(),
    )
    yield Case(
        "full_bucket_alive_front",
        "a full bucket with a live LRU entry rejects newcomers",
        (*fill, _ins(21, 4 * SECOND)),
        pre=_empty(),
    )
    yield Case(
        "pending_then_evict",
        "dead LRU is flagged and pinged; 1 s later it is evicted",
        (*fill, _ins(21, 5 * SECOND), _ins(22, 6 * SECOND)),
        pre=_empty(),
    )
    yield Case(
        "promoted_pending_is_refreshed",
        "the pending peer re-announcing itself is not duplicated",
        (*fill, _ins(21, 5 * SECOND), _ins(21, 6 * SECOND)),
        pre=_empty(),
    )
    yield Case(
        "answer_clears_flag",
        "a flagged entry that answers is kept and moved back",
        (*fill, _ins(21, 5 * SECOND), TableStep(TableOp.REFRESH, _far(1), 5 * SECOND + 1)),
        pre=_empty(),
    )
    yield Case(
        "refresh_unknown",
        "refreshing an unknown peer changes nothing",
        (TableStep(TableOp.REFRESH, _far(3), 0),),
        pre=_empty(),
    )
    yield Case(
        "remove_idle",
        "idle entries go and the pending entry takes a slot",
        (*fill, _ins(21, 5 * SECOND), TableStep(TableOp.REMOVE_IDLE, None, 5 * SECOND)),
        pre=_empty(),
    )
    yield Case(
        "remove_peer",
        "a removed peer frees its slot",
        (_ins(1), _ins(2), TableStep(TableOp.REMOVE, _far(1), 0)),
        pre=_empty(),
    )
    yield Case(
        "tiny_k4",
        "K = 4: the fifth peer of a bucket is refused",
        tuple(_ins(i) for i in range(1, 6)),
        pre=_empty(4),
    )
    near = PeerJson(bytes([10, 2, 0, 1]), 9000, b"\x01" + bytes(15))
    yield Case(
        "two_buckets",
        "heights 0 and 127",
        (TableStep(TableOp.INSERT, near, 0), _ins(1)),
        pre=_empty(),
    )
    yield Case(
        "self_insert",
        "the root's own id is rejected",
        (_ins(1), TableStep(TableOp.INSERT, PeerJson(bytes(4), 1, ROOT), 0)),
        pre=_empty(),
        expected_error="network.self_insert",
    )
    misplaced = BucketJson(3, (EntryJson(_far(1), 0, None),), None)
    yield Case(
        "bad_table",
        "pre puts a bucket-127 peer in bucket 3",
        (_ins(2),),
        pre=replace(_empty(), buckets=(misplaced,)),
        expected_error="network.bad_table",
    )
    yield Case(
        "missing_peer",
        "an insert step without a peer",
        (TableStep(TableOp.INSERT, None, 0),),
        pre=_empty(),
        expected_error="network.bad_step",
    )


# --- broadcast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastInput:
    #: ``None``: originate a new broadcast; else the height it was received at.
    received_height: int | None
    beta: int
    seed: int
    message_id: bytes


@dataclass(frozen=True)
class SendJson:
    node_id: bytes
    height: int


@dataclass(frozen=True)
class BroadcastPost:
    sends: tuple[SendJson, ...]


def run_broadcast(pre: TableJson, inp: BroadcastInput) -> BroadcastPost:
    table, _ = table_from_json(pre)
    if len(inp.message_id) != 32:
        raise NetworkError("network.bad_message_id", "a message id is a 32-byte ray id")
    if inp.received_height is None:
        targets = bc.originate_targets(table, inp.beta, inp.seed, inp.message_id)
    else:
        targets = bc.forward_targets(table, inp.received_height, inp.beta, inp.seed, inp.message_id)
    return BroadcastPost(tuple(SendJson(t.peer.node_id, t.height) for t in targets))


def _network_table(size: int) -> TableJson:
    """Node 10.0.0.0:9000's table holding the first ``size`` other simulated nodes (K = 20)."""

    def ip(i: int) -> bytes:
        return bytes((10, 0, i >> 8, i & 0xFF))

    root = ids.compute_id(ip(0), 9000)
    table = rt.RoutingTable(root)
    for i in range(1, size + 1):
        table, _ = rt.insert(
            table, wire.PeerInfo(ip(i), 9000, ids.compute_id(ip(i), 9000)), 0, MAINNET
        )
    return table_to_json(table, MAINNET)


def _broadcast_cases() -> Iterator[Case]:
    table = _network_table(100)
    message_id = wire.ray_id(b"duskspec broadcast vector")
    for beta in (1, 3):
        yield Case(
            f"originate_beta{beta}",
            f"a new broadcast, beta {beta}",
            BroadcastInput(None, beta, 7, message_id),
            pre=table,
            seed=7,
        )
    for height in (127, 126, 125, 5, 1):
        yield Case(
            f"forward_from_{height}",
            f"received at height {height}, beta 3",
            BroadcastInput(height, 3, 7, message_id),
            pre=table,
            seed=7,
        )
    yield Case(
        "forward_from_0",
        "received at height 0: not forwarded",
        BroadcastInput(0, 3, 7, message_id),
        pre=table,
        seed=7,
    )
    yield Case(
        "other_seed",
        "seed 8 picks other delegates",
        BroadcastInput(None, 3, 8, message_id),
        pre=table,
        seed=8,
    )
    yield Case(
        "beta_20",
        "beta 20 takes whole buckets",
        BroadcastInput(None, 20, 7, message_id),
        pre=table,
        seed=7,
    )
    yield Case(
        "short_message_id",
        "a 31-byte message id",
        BroadcastInput(None, 3, 7, message_id[:31]),
        pre=table,
        expected_error="network.bad_message_id",
    )
    yield Case(
        "negative_height",
        "received height -1",
        BroadcastInput(-1, 3, 7, message_id),
        pre=table,
        expected_error="network.bad_height",
    )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="kadcast",
        name="distance",
        intent="XOR distance of little-endian 128-bit ids and the bucket height",
        input_type=DistanceInput,
        post_type=DistancePost,
        run=run_distance,
        cases=_distance_cases,
    ),
    Handler(
        preset="general",
        component="kadcast",
        name="wire",
        intent="strict decoding of PING, PONG, FIND_NODES, NODES and BROADCAST",
        input_type=WireInput,
        post_type=WirePost,
        run=run_wire,
        cases=_wire_cases,
    ),
    Handler(
        preset="general",
        component="kadcast",
        name="routing_table",
        intent="K-bucket insert, LRU order, pending node, ping and eviction, idle removal",
        input_type=TableStep,
        post_type=TablePost,
        pre_type=TableJson,
        run=run_routing_table,
        cases=_table_cases,
        multi_step=True,
    ),
    Handler(
        preset="general",
        component="kadcast",
        name="broadcast",
        intent="height delegation: seeded choice of beta delegates per bucket below the height",
        input_type=BroadcastInput,
        post_type=BroadcastPost,
        pre_type=TableJson,
        run=run_broadcast,
        cases=_broadcast_cases,
    ),
)

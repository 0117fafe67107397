"""Decoding arbitrary bytes fails only with ProtocolError; encode/decode round-trips; random
table operations keep the table's invariants (spec/network.md §3-§4)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from duskspec.errors import ProtocolError
from duskspec.network.kadcast import table as rt
from duskspec.network.kadcast import wire
from duskspec.network.kadcast.ids import NodeId, compute_id, generate_nonce
from duskspec.network.kadcast.params import KadcastParams

NODE_ID = compute_id(bytes([10, 0, 0, 1]), 9000)
HEADER = wire.Header(NODE_ID, generate_nonce(NODE_ID, 8), 9000, 1)
PREFIX = bytes([10]) + wire.encode_header(HEADER)


@given(st.binary(max_size=200), st.integers(min_value=0, max_value=255))
def test_arbitrary_bytes_raise_only_protocol_errors(data: bytes, network_id: int) -> None:
    for candidate in (data, PREFIX + data, bytes([3]) + PREFIX[1:] + data):
        try:
            message = wire.decode_message(candidate, network_id)
        except ProtocolError:
            continue
        assert wire.encode_message(message) == candidate


peers = st.builds(
    wire.PeerInfo,
    st.one_of(
        st.binary(min_size=4, max_size=4).filter(lambda b: b[0] != 0),
        st.binary(min_size=16, max_size=16),
    ),
    st.integers(min_value=0, max_value=65535),
    st.binary(min_size=16, max_size=16).map(NodeId),
)
messages = st.one_of(
    st.builds(wire.Ping, st.just(HEADER), st.just(wire.PROTOCOL_VERSION)),
    st.builds(
        wire.FindNodes,
        st.just(HEADER),
        st.just(wire.PROTOCOL_VERSION),
        st.binary(min_size=16, max_size=16).map(NodeId),
    ),
    st.builds(
        wire.Nodes,
        st.just(HEADER),
        st.just(wire.PROTOCOL_VERSION),
        st.lists(peers, max_size=40).map(tuple),
    ),
    st.builds(wire.Broadcast, st.just(HEADER), st.integers(0, 255), st.binary(max_size=300)),
)


@given(messages)
def test_round_trip(message: wire.Message) -> None:
    data = wire.encode_message(message)
    assert wire.decode_message(data, 1) == message
    assert wire.encoded_size(message) == len(data)


PARAMS = KadcastParams(k=3, node_ttl_us=50, node_evict_after_us=10)
ROOT = NodeId(bytes(16))
ops = st.lists(
    st.tuples(
        st.sampled_from(["insert", "refresh", "remove_idle", "remove"]),
        st.integers(0, 15),
        st.integers(0, 20),
    ),
    max_size=60,
)


@given(ops)
def test_table_never_exceeds_k_nor_holds_itself(steps: list[tuple[str, int, int]]) -> None:
    table, now = rt.RoutingTable(ROOT), 0
    for op, who, dt in steps:
        now += dt
        # Ids 1..15 in the low byte: heights 0..3, so buckets fill up and evict.
        peer = wire.PeerInfo(bytes([10, 0, 0, who + 1]), 1, NodeId(bytes([who]) + bytes(15)))
        if who == 0:
            peer = wire.PeerInfo(bytes(4), 1, ROOT)
        try:
            if op == "insert":
                table, _ = rt.insert(table, peer, now, PARAMS)
            elif op == "refresh":
                table, _ = rt.refresh(table, peer, now, PARAMS)
            elif op == "remove":
                table = rt.remove_peer(table, peer.node_id, now, PARAMS)
            else:
                table = rt.remove_idle(table, now, PARAMS)
        except ProtocolError as exc:
            assert exc.code == "network.self_insert" and who == 0
        held = [e.peer.node_id for e in rt.entries(table)]
        assert ROOT not in held and len(held) == len(set(held))
        assert all(len(b.entries) <= PARAMS.k for b in table.buckets)
        assert all(b.pending is None or b.pending.peer.node_id not in held for b in table.buckets)

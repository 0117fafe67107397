"""Kadcast messages: encoding, strict decoding and every rejection (spec/network.md §3)."""

from __future__ import annotations

import pytest

from duskspec.errors import ProtocolError
from duskspec.network.kadcast import wire
from duskspec.network.kadcast.ids import NodeId, compute_id, generate_nonce

NETWORK = 1


def header(index: int = 1, network_id: int = NETWORK) -> wire.Header:
    node_id = compute_id(bytes([10, 0, 0, index]), 9000)
    return wire.Header(node_id, generate_nonce(node_id, 8), 9000, network_id)


def peer(index: int) -> wire.PeerInfo:
    ip = bytes([10, 0, 0, index])
    return wire.PeerInfo(ip, 9000, compute_id(ip, 9000))


V = wire.PROTOCOL_VERSION
IPV6 = wire.PeerInfo(bytes(range(16)), 7, NodeId(bytes(16)))
MESSAGES: list[wire.Message] = [
    wire.Ping(header(), V),
    wire.Pong(header(), wire.Version(1, 2, 3)),
    wire.FindNodes(header(), V, peer(9).node_id),
    wire.Nodes(header(), V, ()),
    wire.Nodes(header(), V, (peer(2), IPV6, peer(3))),
    wire.Broadcast(header(), 127, b"frame"),
    wire.Broadcast(header(), 0, b""),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_round_trip_and_size(message: wire.Message) -> None:
    data = wire.encode_message(message)
    assert wire.decode_message(data, NETWORK) == message
    assert wire.encoded_size(message) == len(data)
    assert data[0] == wire.message_type(message)


def test_layout_of_a_ping() -> None:
    h = header()
    data = wire.encode_message(wire.Ping(h, wire.Version(1, 0x0203, 0x0405)))
    assert data == bytes([0]) + h.node_id + h.nonce + b"\x28\x23" + b"\x01\x00\x00" + bytes(
        [1, 3, 2, 5, 4]
    )


def expect(code: str, data: bytes, network_id: int = NETWORK) -> None:
    with pytest.raises(ProtocolError) as exc:
        wire.decode_message(data, network_id)
    assert exc.value.code == code


def test_rejections() -> None:
    ping = wire.encode_message(wire.Ping(header(), V))
    expect("encoding.truncated", b"")
    expect("encoding.truncated", ping[:20])
    expect("encoding.truncated", ping[:-1])
    expect("encoding.trailing", ping + b"\x00")
    expect("network.unknown_type", bytes([4]) + ping[1:])
    expect("network.wrong_network", ping, network_id=2)
    bad_nonce = ping[:17] + bytes([ping[17] ^ 0xFF]) + ping[18:]
    expect("network.invalid_nonce", bad_nonce)
    expect("network.oversized", ping + bytes(wire.MAX_DATAGRAM))
    broadcast = wire.encode_message(wire.Broadcast(header(), 3, b"abc"))
    expect("encoding.truncated", broadcast[:-1])
    nodes = wire.encode_message(wire.Nodes(header(), V, (peer(2),)))
    expect("encoding.truncated", nodes[:-1])


def test_encoding_rejections() -> None:
    with pytest.raises(ProtocolError) as exc:
        wire.encode_message(wire.Broadcast(header(), 1, bytes(wire.MAX_DATAGRAM)))
    assert exc.value.code == "network.oversized"
    zero_ip = wire.PeerInfo(bytes([0, 1, 2, 3]), 1, NodeId(bytes(16)))
    with pytest.raises(ProtocolError) as exc:
        wire.encode_message(wire.Nodes(header(), V, (zero_ip,)))
    assert exc.value.code == "network.bad_ip"
    short_nonce = wire.Header(header().node_id, b"\x00", 9000, NETWORK)
    with pytest.raises(ProtocolError) as exc:
        wire.encode_message(wire.Ping(short_nonce, V))
    assert exc.value.code == "network.bad_field_length"


def test_ray_id_hashes_length_then_frame() -> None:
    from duskspec.crypto.hashes import blake2s_256

    assert wire.ray_id(b"xyz") == blake2s_256(b"\x03\x00\x00\x00xyz")

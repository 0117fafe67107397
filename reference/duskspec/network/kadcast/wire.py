"""Kadcast messages and their wire format (spec/network.md §3; ``kadcast/src/encoding``).

``message = type u8 ‖ header (25 B) ‖ payload``. Decoding is strict and checks, in this
order: datagram size, type byte, header, nonce proof of work, network id, payload, trailing
bytes. Each failure is a :class:`~duskspec.errors.ProtocolError` with a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from duskspec.crypto.hashes import blake2s_256
from duskspec.encoding import Reader, encode_u8, encode_u16, encode_u32
from duskspec.errors import NetworkError
from duskspec.network.kadcast.ids import NodeId, Nonce, check_id, check_ip, verify_nonce
from duskspec.network.kadcast.params import ID_LEN, MAX_DATAGRAM, NONCE_LEN
from duskspec.types import Hash32


class MessageType(IntEnum):
    """The type byte (``encoding/message.rs``)."""

    PING = 0
    PONG = 1
    FIND_NODES = 2
    NODES = 3
    BROADCAST = 10


#: Bytes of the header: id 16, nonce 4, sender port 2, network id 1, reserved 2.
HEADER_LEN = ID_LEN + NONCE_LEN + 2 + 1 + 2
#: Bytes of a Version: major u8, minor u16, patch u16.
VERSION_LEN = 5


@dataclass(frozen=True)
class Header:
    node_id: NodeId
    nonce: Nonce
    sender_port: int
    network_id: int
    reserved: bytes = b"\x00\x00"


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int


#: The version Dusk's node announces and requires (``rusk:node/src/network.rs``).
PROTOCOL_VERSION = Version(1, 0, 0)


class PeerInfo(NamedTuple):
    """A peer as NODES carries it: its address and id. A tuple, so a routing-table scan
    reaches the id in one step (spec/network.md N14.2)."""

    ip: bytes
    port: int
    node_id: NodeId


@dataclass(frozen=True)
class Ping:
    header: Header
    version: Version


@dataclass(frozen=True)
class Pong:
    header: Header
    version: Version


@dataclass(frozen=True)
class FindNodes:
    header: Header
    version: Version
    target: NodeId


@dataclass(frozen=True)
class Nodes:
    header: Header
    version: Version
    peers: tuple[PeerInfo, ...]


@dataclass(frozen=True)
class Broadcast:
    header: Header
    height: int
    frame: bytes


Message = Ping | Pong | FindNodes | Nodes | Broadcast

_TYPE_OF: dict[type, MessageType] = {
    Ping: MessageType.PING,
    Pong: MessageType.PONG,
    FindNodes: MessageType.FIND_NODES,
    Nodes: MessageType.NODES,
    Broadcast: MessageType.BROADCAST,
}


def message_type(message: Message) -> MessageType:
    return _TYPE_OF[type(message)]


def ray_id(frame: bytes) -> Hash32:
    """Rule N3.6: a broadcast's message id, ``BLAKE2s-256(len_u32 ‖ frame)`` (Dusk's
    ``ray_id``: the broadcast payload without its height byte). Not memoized: a memo keyed
    by frames holds every frame it keeps (rule N10.8)."""
    return blake2s_256(encode_u32(len(frame)) + frame)


# --- encoding -----------------------------------------------------------------------------


def encode_header(header: Header) -> bytes:
    return (
        check_id(header.node_id)
        + _fixed(header.nonce, NONCE_LEN)
        + encode_u16(header.sender_port)
        + encode_u8(header.network_id)
        + _fixed(header.reserved, 2)
    )


def encode_version(version: Version) -> bytes:
    return encode_u8(version.major) + encode_u16(version.minor) + encode_u16(version.patch)


def encode_peer(peer: PeerInfo) -> bytes:
    """IPv4 as its 4 octets (the first must not be 0), IPv6 as ``0x00 ‖ 16 octets``."""
    ip = check_ip(peer.ip)
    if len(ip) == 4 and ip[0] == 0:
        raise NetworkError("network.bad_ip", "an IPv4 address starting with 0 reads as IPv6")
    prefix = ip if len(ip) == 4 else b"\x00" + ip
    return prefix + encode_u16(peer.port) + check_id(peer.node_id)


def encode_payload(message: Message) -> bytes:
    if isinstance(message, Ping | Pong):
        return encode_version(message.version)
    if isinstance(message, FindNodes):
        return encode_version(message.version) + check_id(message.target)
    if isinstance(message, Nodes):
        peers = b"".join(encode_peer(p) for p in message.peers)
        return encode_version(message.version) + encode_u16(len(message.peers)) + peers
    return encode_u8(message.height) + encode_u32(len(message.frame)) + message.frame


def encode_message(message: Message) -> bytes:
    """Rule N3.1: ``type ‖ header ‖ payload``; refuses a result above the datagram size."""
    data = (
        encode_u8(message_type(message)) + encode_header(message.header) + encode_payload(message)
    )
    if len(data) > MAX_DATAGRAM:
        raise NetworkError("network.oversized", f"{len(data)} bytes exceed {MAX_DATAGRAM}")
    return data


def _fixed(data: bytes, length: int) -> bytes:
    if len(data) != length:
        raise NetworkError("network.bad_field_length", f"expected {length} bytes, got {len(data)}")
    return data


# --- decoding -----------------------------------------------------------------------------


def decode_header(reader: Reader, network_id: int) -> Header:
    node_id = NodeId(reader.fixed(ID_LEN))
    nonce = Nonce(reader.fixed(NONCE_LEN))
    sender_port = reader.u16()
    sender_network = reader.u8()
    reserved = reader.fixed(2)
    if not verify_nonce(node_id, nonce):
        raise NetworkError("network.invalid_nonce", "the id's nonce does not meet the difficulty")
    if sender_network != network_id:
        raise NetworkError(
            "network.wrong_network", f"network id {sender_network}, expected {network_id}"
        )
    return Header(node_id, nonce, sender_port, sender_network, reserved)


def decode_version(reader: Reader) -> Version:
    return Version(reader.u8(), reader.u16(), reader.u16())


def decode_peer(reader: Reader) -> PeerInfo:
    first = reader.fixed(4)
    ip = first if first[0] != 0 else first[1:] + reader.fixed(13)
    port = reader.u16()
    return PeerInfo(ip, port, NodeId(reader.fixed(ID_LEN)))


def decode_type(reader: Reader) -> MessageType:
    raw = reader.u8()
    if raw not in MessageType._value2member_map_:
        raise NetworkError("network.unknown_type", f"message type {raw}")
    return MessageType(raw)


def decode_message(data: bytes, network_id: int) -> Message:
    """Rule N3.2: decode one datagram of the network ``network_id``, strictly."""
    if len(data) > MAX_DATAGRAM:
        raise NetworkError("network.oversized", f"{len(data)} bytes exceed {MAX_DATAGRAM}")
    reader = Reader(data)
    kind = decode_type(reader)
    header = decode_header(reader, network_id)
    message = _decode_payload(kind, header, reader)
    reader.finish()
    return message


def _decode_payload(kind: MessageType, header: Header, reader: Reader) -> Message:
    if kind is MessageType.BROADCAST:
        height = reader.u8()
        return Broadcast(header, height, reader.var_bytes(MAX_DATAGRAM))
    version = decode_version(reader)
    if kind is MessageType.PING:
        return Ping(header, version)
    if kind is MessageType.PONG:
        return Pong(header, version)
    if kind is MessageType.FIND_NODES:
        return FindNodes(header, version, NodeId(reader.fixed(ID_LEN)))
    count = reader.u16()
    return Nodes(header, version, tuple(decode_peer(reader) for _ in range(count)))


#: Bytes of one NODES entry: IPv4 (4) or ``0x00`` + IPv6 (17), then port (2) and id (16).
_PEER_LEN = {4: 4 + 2 + ID_LEN, 16: 1 + 16 + 2 + ID_LEN}


def encoded_size(message: Message) -> int:
    """``len(encode_message(message))`` computed without encoding (for the simulator)."""
    base = 1 + HEADER_LEN
    if isinstance(message, Broadcast):
        return base + 1 + 4 + len(message.frame)
    if isinstance(message, FindNodes):
        return base + VERSION_LEN + ID_LEN
    if isinstance(message, Nodes):
        return base + VERSION_LEN + 2 + sum(_PEER_LEN[len(p.ip)] for p in message.peers)
    return base + VERSION_LEN

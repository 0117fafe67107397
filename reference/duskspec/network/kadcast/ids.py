"""Node identity: the 128-bit id and its nonce proof of work (spec/network.md §1).

Dusk: ``kadcast/src/peer.rs::compute_id`` and ``src/kbucket/key.rs``.
"""

from __future__ import annotations

from typing import NewType

from duskspec.crypto.hashes import blake2s_256
from duskspec.encoding import encode_u16, encode_u32
from duskspec.errors import NetworkError
from duskspec.network.kadcast.params import DIFFICULTY_MIN_BITS, ID_LEN, NONCE_LEN

NodeId = NewType("NodeId", bytes)
"""A 16-byte Kadcast node id."""

Nonce = NewType("Nonce", bytes)
"""The 4-byte proof-of-work nonce that accompanies an id."""


def check_id(node_id: bytes) -> NodeId:
    """``node_id`` as a :data:`NodeId`, or ``network.bad_id_length``."""
    if len(node_id) != ID_LEN:
        raise NetworkError("network.bad_id_length", f"an id has {ID_LEN} bytes, got {len(node_id)}")
    return NodeId(node_id)


def check_ip(ip: bytes) -> bytes:
    """An IPv4 (4 bytes) or IPv6 (16 bytes) address, or ``network.bad_ip``."""
    if len(ip) not in (4, 16):
        raise NetworkError("network.bad_ip", f"an IP address has 4 or 16 bytes, got {len(ip)}")
    return ip


def compute_id(ip: bytes, port: int) -> NodeId:
    """Rule N1.1: ``BLAKE2s-256(port_u16_le ‖ ip_octets)`` truncated to 16 bytes."""
    return NodeId(blake2s_256(encode_u16(port) + check_ip(ip))[:ID_LEN])


def meets_difficulty(digest: bytes, bits: int) -> bool:
    """Rule N1.2: ``digest`` ends in at least ``bits`` zero bits, scanning from its last
    byte: every byte before the last needed one is zero, and the last needed byte has
    ``trailing_zeros >= `` the bits still owed (``key.rs::verify_difficulty``)."""
    for byte in reversed(digest):
        if bits <= 8:
            return byte & ((1 << bits) - 1) == 0
        if byte != 0:
            return False
        bits -= 8
    return False


def nonce_digest(node_id: bytes, nonce: bytes) -> bytes:
    """``BLAKE2s-256(id ‖ nonce)``, the value the proof of work is judged on."""
    return blake2s_256(check_id(node_id) + nonce)


def verify_nonce(node_id: bytes, nonce: bytes, bits: int = DIFFICULTY_MIN_BITS) -> bool:
    """Rule N1.3: a received ``(id, nonce)`` is valid when its digest meets ``bits``."""
    return len(nonce) == NONCE_LEN and meets_difficulty(nonce_digest(node_id, nonce), bits)


def generate_nonce(node_id: bytes, bits: int) -> Nonce:
    """Rule N1.4: the smallest ``u32`` nonce (little-endian bytes) whose digest meets
    ``bits``; Dusk counts up from 0 the same way (``BinaryID::generate``)."""
    for counter in range(1 << 32):
        nonce = encode_u32(counter)
        if meets_difficulty(nonce_digest(node_id, nonce), bits):
            return Nonce(nonce)
    raise NetworkError("network.no_nonce", f"no 4-byte nonce meets {bits} bits")

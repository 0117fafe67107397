"""XOR distance and bucket height (spec/network.md §2; ``kadcast/src/kbucket/key.rs``).

Ids are read as **little-endian** 128-bit integers: the last byte is the most significant.
"""

from __future__ import annotations

from duskspec.errors import NetworkError
from duskspec.network.kadcast.ids import check_id
from duskspec.network.kadcast.params import BUCKET_COUNT, ID_LEN


def id_int(node_id: bytes) -> int:
    """The id as the little-endian integer the distance is computed on."""
    if len(node_id) != ID_LEN:
        check_id(node_id)
    return int.from_bytes(node_id, "little")


def xor_distance(a: bytes, b: bytes) -> int:
    """Rule N2.1: ``a XOR b`` read as a little-endian 128-bit integer."""
    return id_int(a) ^ id_int(b)


def bucket_height(a: bytes, b: bytes) -> int | None:
    """Rule N2.2: ``floor(log2(xor_distance))`` in 0..127, the bucket ``b`` falls in for
    ``a``; ``None`` for identical ids, which have no bucket (``calculate_distance``)."""
    if len(a) != ID_LEN or len(b) != ID_LEN:
        check_id(a)
        check_id(b)
    distance = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
    return distance.bit_length() - 1 if distance else None


def key_at_distance(node_id: bytes, height: int) -> bytes:
    """Rule N2.3: ``node_id`` with bit ``height % 8`` of byte ``height // 8`` flipped, a key
    whose bucket height from ``node_id`` is ``height`` (``get_at_distance``)."""
    if not 0 <= height < BUCKET_COUNT:
        raise NetworkError("network.bad_height", f"bucket heights are 0..{BUCKET_COUNT - 1}")
    flipped = bytearray(check_id(node_id))
    flipped[height // 8] ^= 1 << (height % 8)
    return bytes(flipped)

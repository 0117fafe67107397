"""Node ids, the nonce proof of work and the XOR distance (spec/network.md §1-§2)."""

from __future__ import annotations

import hashlib

import pytest

from duskspec.errors import NetworkError
from duskspec.network.kadcast import distance, ids


def test_id_is_truncated_blake2s_of_port_then_ip() -> None:
    ip, port = bytes([192, 168, 0, 1]), 666
    expected = hashlib.blake2s(port.to_bytes(2, "little") + ip).digest()[:16]
    assert ids.compute_id(ip, port) == expected
    assert ids.compute_id(bytes(16), port) != ids.compute_id(bytes(4), port)


def test_difficulty_matches_dusk_test_difficulty() -> None:
    # kadcast key.rs test_difficulty: [0b11110000, 0] meets 0..12 bits, not 13.
    digest = bytes([0b11110000, 0])
    assert all(ids.meets_difficulty(digest, bits) for bits in range(13))
    assert not ids.meets_difficulty(digest, 13)
    assert not ids.meets_difficulty(b"", 0)


def test_generated_nonce_is_the_smallest_that_meets_the_difficulty() -> None:
    node_id = ids.compute_id(bytes([10, 0, 0, 1]), 9000)
    nonce = ids.generate_nonce(node_id, 8)
    assert ids.verify_nonce(node_id, nonce)
    counter = int.from_bytes(nonce, "little")
    smaller = (ids.verify_nonce(node_id, c.to_bytes(4, "little")) for c in range(counter))
    assert not any(smaller)
    assert not ids.verify_nonce(node_id, nonce[:3])


def test_bad_lengths_are_rejected() -> None:
    with pytest.raises(NetworkError) as exc:
        ids.check_id(bytes(15))
    assert exc.value.code == "network.bad_id_length"
    with pytest.raises(NetworkError) as exc:
        ids.compute_id(bytes(5), 1)
    assert exc.value.code == "network.bad_ip"
    with pytest.raises(NetworkError) as exc:
        distance.bucket_height(bytes(16), bytes(17))
    assert exc.value.code == "network.bad_id_length"


def test_bucket_height_reads_ids_little_endian() -> None:
    a = bytes(16)
    assert distance.bucket_height(a, a) is None
    assert distance.bucket_height(a, b"\x01" + bytes(15)) == 0
    assert distance.bucket_height(a, bytes(15) + b"\x80") == 127
    assert distance.bucket_height(a, b"\xff" + bytes(14) + b"\x01") == 120
    assert distance.xor_distance(a, b"\x00\x01" + bytes(14)) == 256


def test_key_at_distance_lands_in_that_bucket() -> None:
    root = ids.compute_id(bytes([10, 0, 0, 7]), 9000)
    for height in range(128):
        assert distance.bucket_height(root, distance.key_at_distance(root, height)) == height
    with pytest.raises(NetworkError) as exc:
        distance.key_at_distance(root, 128)
    assert exc.value.code == "network.bad_height"

"""Known-answer tests from the primitives' own standards, and the scalar reduction."""

from __future__ import annotations

from duskspec.crypto import hashes

# FIPS 202 / RFC 7693 / BLAKE2 and BLAKE3 reference answers for the message "abc".
SHA3_ABC = "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
BLAKE2B_512_ABC = (
    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
)
BLAKE2S_256_ABC = "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"
BLAKE3_ABC = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"


def test_sha3_256_abc() -> None:
    assert hashes.sha3_256(b"abc").hex() == SHA3_ABC


def test_blake2b_512_abc() -> None:
    assert hashes.blake2b_512(b"abc").hex() == BLAKE2B_512_ABC


def test_blake2b_256_is_not_a_truncated_blake2b_512() -> None:
    # BLAKE2 binds the digest length into its parameter block.
    assert hashes.blake2b_256(b"abc") != hashes.blake2b_512(b"abc")[:32]
    assert len(hashes.blake2b_256(b"abc")) == 32


def test_blake2s_256_abc() -> None:
    assert hashes.blake2s_256(b"abc").hex() == BLAKE2S_256_ABC


def test_blake3_abc() -> None:
    assert hashes.blake3_256(b"abc").hex() == BLAKE3_ABC


def test_hash_to_scalar_reads_blake2b_512_little_endian_mod_r() -> None:
    wide = int.from_bytes(bytes.fromhex(BLAKE2B_512_ABC), "little")
    assert hashes.hash_to_scalar(b"abc") == wide % hashes.BLS_SCALAR_ORDER
    assert wide > hashes.BLS_SCALAR_ORDER  # the reduction did something


def test_scalar_to_bytes_is_32_bytes_little_endian() -> None:
    assert hashes.scalar_to_bytes(hashes.hash_to_scalar(b"x"))[::-1].lstrip(b"\0") != b""
    assert hashes.scalar_to_bytes(1) == b"\x01" + bytes(31)  # type: ignore[arg-type]

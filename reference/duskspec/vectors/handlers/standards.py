"""Standards the protocol builds on, checked against their own published answers.

``general/bls/hash_to_g1_rfc9380``: RFC 9380 ``hash_to_curve`` for the suite
``BLS12381G1_XMD:SHA-256_SSWU_RO_`` (``duskspec.crypto.bls.hash_to_g1`` with an explicit
domain-separation tag). The valid cases are the RFC's known answers (Appendix J.9.1, tag
``QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_``): the published affine point is
compressed here (x with the compression flag, and the sign flag when y is the larger root)
and generation checks that the reference reproduces it, under either BLS backend
(``tests/crypto/test_rfc9380_vectors.py`` replays the cases with both). A tag of 0 or 256
bytes is ``crypto.hash_to_curve_dst_length``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from duskspec.crypto import bls
from duskspec.crypto.bls_backends import FIELD_MODULUS
from duskspec.vectors.registry import Case, Handler

#: RFC 9380 Appendix J.9.1.
RFC_DST = b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"
RFC_SOURCE = "RFC 9380, Appendix J.9.1 (BLS12381G1_XMD:SHA-256_SSWU_RO_)"

#: (case name, message, published x, published y).
RFC_ANSWERS = (
    (
        "empty",
        b"",
        "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1",
        "08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb7994998f3eae0c9c6a265",
    ),
    (
        "abc",
        b"abc",
        "03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655d3c68900be2f6903",
        "0b9c15f3fe6e5cf4211f346271d7b01c8f3b28be689c8429c85b67af215533311f0b8dfaaa154fa6b88176c229f2885d",
    ),
    (
        "abcdef0123456789",
        b"abcdef0123456789",
        "11e0b079dea29a68f0383ee94fed1b940995272407e3bb916bbf268c263ddd57a6a27200a784cbc248e84f357ce82d98",
        "03a87ae2caf14e8ee52e51fa2ed8eefe80f02457004ba4d486d6aa1f517c0889501dc7413753f9599b099ebcbbd2d709",
    ),
    (
        "q128",
        b"q128_" + b"q" * 128,
        "15f68eaa693b95ccb85215dc65fa81038d69629f70aeee0d0f677cf22285e7bf58d7cb86eefe8f2e9bc3f8cb84fac488",
        "1807a1d50c29f430b8cafc4f8638dfeeadf51211e1602a5f184443076715f91bb90a48ba1e370edce6ae1062f5e6dd38",
    ),
    (
        "a512",
        b"a512_" + b"a" * 512,
        "082aabae8b7dedb0e78aeb619ad3bfd9277a2f77ba7fad20ef6aabdc6c31d19ba5a6d12283553294c1825c4b3ca2dcfe",
        "05b84ae5a942248eea39e1d91030458c40153f3b654ab7872d779ad1e942856a20c438e8d99bc8abfbf74729ce1f7ac8",
    ),
)


@dataclass(frozen=True)
class HashToCurveInput:
    msg: bytes
    dst: bytes


@dataclass(frozen=True)
class G1Post:
    point: bytes


def compress(x_hex: str, y_hex: str) -> bytes:
    """The 48-byte compressed encoding of the affine point (x, y) (ZCash serialization)."""
    x, y = int(x_hex, 16), int(y_hex, 16)
    flags = 0x80 | (0x20 if y > (FIELD_MODULUS - 1) // 2 else 0)
    raw = bytearray(x.to_bytes(48, "big"))
    raw[0] |= flags
    return bytes(raw)


def run_hash_to_g1(pre: None, inp: HashToCurveInput) -> G1Post:
    return G1Post(bls.hash_to_g1(inp.msg, inp.dst))


def _cases() -> Iterator[Case]:
    for name, msg, x, y in RFC_ANSWERS:
        yield Case(
            f"rfc9380_{name}",
            f"RFC 9380 known answer, message {msg[:16]!r}{'...' if len(msg) > 16 else ''}",
            HashToCurveInput(msg, RFC_DST),
            source=RFC_SOURCE,
            published_post=G1Post(compress(x, y)),
        )
    yield Case(
        "dusk_dst_abc",
        "the same suite under Dusk's H0 tag BLS_SIG_BLS12381G1_XMD:SHA-256_DUSK_V2",
        HashToCurveInput(b"abc", bls.H0_DST),
    )
    yield Case(
        "empty_dst",
        "a tag must not be empty",
        HashToCurveInput(b"abc", b""),
        expected_error="crypto.hash_to_curve_dst_length",
    )
    yield Case(
        "dst_256_bytes",
        "a tag longer than 255 bytes is refused (RFC 9380 would hash it first)",
        HashToCurveInput(b"abc", b"D" * 256),
        expected_error="crypto.hash_to_curve_dst_length",
    )
    yield Case("dst_1_byte", "a 1-byte tag, the shortest allowed", HashToCurveInput(b"abc", b"D"))
    yield Case(
        "dst_255_bytes", "a 255-byte tag, the longest allowed", HashToCurveInput(b"abc", b"D" * 255)
    )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="bls",
        name="hash_to_g1_rfc9380",
        intent="RFC 9380 hash_to_curve BLS12381G1_XMD:SHA-256_SSWU_RO_ with the tag as input; "
        "the RFC's known answers",
        input_type=HashToCurveInput,
        post_type=G1Post,
        run=run_hash_to_g1,
        cases=_cases,
    ),
)

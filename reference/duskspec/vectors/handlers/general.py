"""``general`` handlers: hashes, the txroot Merkle root and the canonical encoding.

These do not depend on any preset's constants (spec/vectors.md §3).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from duskspec import encoding
from duskspec.crypto import hashes, merkle
from duskspec.types import Hash32
from duskspec.vectors.registry import Case, Handler, rejected

# --- hashes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HashInput:
    data: bytes


@dataclass(frozen=True)
class DigestPost:
    digest: bytes


@dataclass(frozen=True)
class ScalarPost:
    scalar: int


def _message_cases(seed: int) -> Iterator[Case]:
    """Empty, short ASCII, block-boundary and long seeded messages."""
    rng = random.Random(seed)
    yield Case("empty", "the empty message", HashInput(b""), seed=seed)
    yield Case("abc", "the ASCII bytes 'abc'", HashInput(b"abc"), seed=seed)
    for length in (31, 32, 33, 64, 127, 128, 129, 1024):
        data = rng.randbytes(length)
        yield Case(f"random_{length}", f"{length} seeded random bytes", HashInput(data), seed=seed)


def _digest_handler(name: str, fn: Callable[[bytes], bytes], intent: str, seed: int) -> Handler:
    def run(pre: None, inp: HashInput) -> DigestPost:
        return DigestPost(fn(inp.data))

    run.__qualname__ = f"run_{name}"
    return Handler(
        preset="general",
        component="hashes",
        name=name,
        intent=intent,
        input_type=HashInput,
        post_type=DigestPost,
        run=run,
        cases=lambda: _message_cases(seed),
    )


def run_hash_to_scalar(pre: None, inp: HashInput) -> ScalarPost:
    return ScalarPost(hashes.hash_to_scalar(inp.data))


def _hash_to_scalar_cases() -> Iterator[Case]:
    yield from _message_cases(seed=6)
    # 64 bytes of 0xff read little-endian is far above r: the reduction is exercised.
    yield Case("all_ff_64", "64 bytes of 0xff", HashInput(b"\xff" * 64), seed=6)


# --- txroot -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MerkleInput:
    # Plain bytes, not Hash32: invalid cases carry leaves of the wrong length on purpose.
    leaves: tuple[bytes, ...]


@dataclass(frozen=True)
class RootPost:
    root: Hash32


def run_txroot(pre: None, inp: MerkleInput) -> RootPost:
    return RootPost(merkle.merkle_root([Hash32(leaf) for leaf in inp.leaves]))


#: rusk ``consensus/src/merkle.rs`` test ``golang_compatibility`` (leaves are SHA3-256 of
#: the ASCII words; roots copied from the test, in hex).
_DUSK_MERKLE_SOURCE = (
    "dusk-network/rusk consensus/src/merkle.rs, test golang_compatibility "
    "(vectors of dusk-crypto merkletree_test.go)"
)
_DUSK_MERKLE_VECTORS = (
    (
        "dusk_hello_4",
        ("Hello", "Hi", "Hey", "Hola"),
        "20bcac99f5ab339ca1c9503a9b61014f56aff45b8969ee9be97e7097c36525dc",
    ),
    (
        "dusk_bella_1",
        ("Bella",),
        "15258d905c6c97a8a76cac4fcc639ac4f2f72691fee48d684bd294654aa60141",
    ),
    (
        "dusk_bella_3",
        ("Bella", "Ciao", "Stop"),
        "ed4f2f7922989d7b1df594b9f226ba2f1bb6e87f54074d7f92c45308f5be1505",
    ),
    (
        "dusk_bella_4",
        ("Bella", "Ciao", "Ndo", "Scappi"),
        "58ce4f43b8f32d915fd0adbb5d77add8cefae9364100a6b9669c31e36b03b277",
    ),
    (
        "dusk_bella_5",
        ("Bella", "Ciao", "Ndo", "Scappi", "Stop"),
        "fe84f70d4cad8e5e1dd83019788ecd41a058bae90a8f7b4f351618372f82e4ee",
    ),
    (
        "dusk_bella_6",
        ("Bella", "Ciao", "Ndo", "Scappi", "Stop", "Pari"),
        "e8d8f0f8b5503c6e3f67c5e28280e2f5adda8cc3f66d867704c0a678a3025fe6",
    ),
)


def _txroot_cases() -> Iterator[Case]:
    yield Case(
        "empty",
        "no leaves: the root is 32 zero bytes",
        MerkleInput(()),
        source=_DUSK_MERKLE_SOURCE,
        published_post=RootPost(merkle.EMPTY_NODE),
    )
    for name, words, root_hex in _DUSK_MERKLE_VECTORS:
        leaves = tuple(hashes.sha3_256(w.encode()) for w in words)
        yield Case(
            name,
            f"{len(words)} leaves SHA3({', '.join(words)})",
            MerkleInput(leaves),
            source=_DUSK_MERKLE_SOURCE,
            published_post=RootPost(Hash32(bytes.fromhex(root_hex))),
        )
    rng = random.Random(20)
    for count in (2, 7, 8, 9, 16, 17, 100):
        leaves = tuple(Hash32(rng.randbytes(32)) for _ in range(count))
        yield Case(f"random_{count}", f"{count} seeded random leaves", MerkleInput(leaves), seed=20)
    zero = Hash32(bytes(32))
    leaf = hashes.sha3_256(b"leaf")
    yield Case(
        "zero_right_leaf",
        "a zero leaf on the right is replaced by its left sibling",
        MerkleInput((leaf, zero)),
    )
    yield Case(
        "zero_left_leaf",
        "a zero leaf on the left hashes as 32 zero bytes",
        MerkleInput((zero, leaf)),
    )
    yield rejected(
        "short_leaf",
        "a 31-byte leaf is rejected",
        MerkleInput((bytes(31),)),
        "crypto.merkle_leaf_length",
    )


@dataclass(frozen=True)
class MerkleCapacityInput:
    """``count`` copies of one ``leaf``: a tree at the capacity bound stays a small file."""

    leaf: Hash32
    count: int


def run_txroot_capacity(pre: None, inp: MerkleCapacityInput) -> RootPost:
    return RootPost(merkle.merkle_root([inp.leaf] * inp.count))


def _txroot_capacity_cases() -> Iterator[Case]:
    leaf = hashes.sha3_256(b"capacity")
    bound = merkle.TXROOT_CAPACITY
    yield Case(
        "at_capacity", f"{bound} leaves: a full tree of height 15", MerkleCapacityInput(leaf, bound)
    )
    yield rejected(
        "over_capacity",
        f"{bound + 1} leaves: one past the capacity",
        MerkleCapacityInput(leaf, bound + 1),
        "crypto.merkle_capacity",
    )


# --- encoding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodeInput:
    data: bytes


@dataclass(frozen=True)
class UintPost:
    value: int


@dataclass(frozen=True)
class BytesPost:
    value: bytes


#: Bound used by the ``var_bytes`` handler so an overlong prefix is cheap to show.
VAR_BYTES_BOUND = 64


def _uint_handler(type_name: str) -> Handler:
    width = encoding.UINT_WIDTHS[type_name]

    def run(pre: None, inp: DecodeInput) -> UintPost:
        return UintPost(encoding.decode_uint(inp.data, width))

    run.__qualname__ = f"run_decode_{type_name}"

    def cases() -> Iterator[Case]:
        top = (1 << (8 * width)) - 1
        for name, value in (("zero", 0), ("one", 1), ("max", top), ("mid", top // 3)):
            yield Case(
                name, f"{type_name} {value}", DecodeInput(encoding.encode_uint(value, width))
            )
        yield Case("empty", "no bytes", DecodeInput(b""), expected_error="encoding.truncated")
        if width > 1:
            yield rejected(
                "truncated",
                f"{width - 1} of {width} bytes",
                DecodeInput(bytes(width - 1)),
                "encoding.truncated",
            )
        yield rejected(
            "trailing", "one byte too many", DecodeInput(bytes(width + 1)), "encoding.trailing"
        )

    return Handler(
        preset="general",
        component="encoding",
        name=type_name,
        intent=f"strict little-endian {type_name} decoding",
        input_type=DecodeInput,
        post_type=UintPost,
        run=run,
        cases=cases,
    )


def run_var_bytes(pre: None, inp: DecodeInput) -> BytesPost:
    return BytesPost(encoding.decode_var_bytes(inp.data, VAR_BYTES_BOUND))


def _var_bytes_cases() -> Iterator[Case]:
    enc = encoding.encode_var_bytes
    yield Case("empty_value", "length 0", DecodeInput(enc(b"")))
    yield Case("three_bytes", "length 3", DecodeInput(enc(b"dsk")))
    yield Case(
        "at_bound", f"exactly {VAR_BYTES_BOUND} bytes", DecodeInput(enc(bytes(VAR_BYTES_BOUND)))
    )
    yield rejected(
        "no_prefix", "fewer than 4 bytes of prefix", DecodeInput(b"\x01\x00"), "encoding.truncated"
    )
    yield rejected(
        "short_body",
        "prefix says 5, body has 4",
        DecodeInput(encoding.encode_u32(5) + bytes(4)),
        "encoding.truncated",
    )
    yield rejected(
        "over_bound",
        f"prefix {VAR_BYTES_BOUND + 1} above the bound",
        DecodeInput(encoding.encode_u32(VAR_BYTES_BOUND + 1) + bytes(VAR_BYTES_BOUND + 1)),
        "encoding.overlong",
    )
    yield rejected(
        "huge_prefix",
        "prefix 2^32-1 with no body",
        DecodeInput(b"\xff\xff\xff\xff"),
        "encoding.overlong",
    )
    yield rejected(
        "trailing",
        "one byte after the body",
        DecodeInput(enc(b"ab") + b"\x00"),
        "encoding.trailing",
    )


HANDLERS: tuple[Handler, ...] = (
    _digest_handler("sha3_256", hashes.sha3_256, "SHA3-256 (block hash, sortition, txroot)", 1),
    _digest_handler("blake2b_256", hashes.blake2b_256, "BLAKE2b-256 (contract id)", 2),
    _digest_handler("blake2b_512", hashes.blake2b_512, "BLAKE2b-512 (input of hash_to_scalar)", 3),
    _digest_handler("blake2s_256", hashes.blake2s_256, "BLAKE2s-256 (Kadcast ids)", 4),
    _digest_handler("blake3_256", hashes.blake3_256, "BLAKE3 (state root, pages, bloom)", 5),
    Handler(
        preset="general",
        component="hashes",
        name="hash_to_scalar",
        intent="BLAKE2b-512 little-endian mod r (tx id, payload hash, BLS H1)",
        input_type=HashInput,
        post_type=ScalarPost,
        run=run_hash_to_scalar,
        cases=_hash_to_scalar_cases,
    ),
    Handler(
        preset="general",
        component="merkle",
        name="txroot",
        intent="SHA3-256 binary Merkle root of txroot/faultroot, Dusk's Go-compatible rules",
        input_type=MerkleInput,
        post_type=RootPost,
        run=run_txroot,
        cases=_txroot_cases,
    ),
    Handler(
        preset="general",
        component="merkle",
        name="txroot_capacity",
        intent="the txroot capacity bound of 2^15 leaves, pinned on both sides",
        input_type=MerkleCapacityInput,
        post_type=RootPost,
        run=run_txroot_capacity,
        cases=_txroot_capacity_cases,
    ),
    *(_uint_handler(t) for t in ("u8", "u16", "u32", "u64")),
    Handler(
        preset="general",
        component="encoding",
        name="var_bytes",
        intent="u32-length-prefixed bytes with a bound, strict decoding",
        input_type=DecodeInput,
        post_type=BytesPost,
        run=run_var_bytes,
        cases=_var_bytes_cases,
    ),
)

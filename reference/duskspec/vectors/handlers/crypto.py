"""``general`` handlers for the cryptographic primitives (spec/crypto.md §3-§10).

Components: ``bls``, ``poseidon``, ``jubjub``, ``schnorr``, ``phoenix_keys``,
``merkle_poseidon``, ``merkle_blake3``. Values Dusk publishes in its own tests are pinned as
``published_post`` with their ``source``; generation fails unless the reference reproduces
them. Inputs carry raw ``bytes`` (not the fixed-length types) so malformed encodings can be
written down and must be rejected with their code.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from duskspec.crypto import (
    bls,
    elgamal,
    jubjub,
    merkle_blake3,
    merkle_poseidon,
    phoenix_keys,
    poseidon,
    schnorr,
    sparse_merkle,
)
from duskspec.crypto.bls_backends import FIELD_MODULUS
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, SUBGROUP_ORDER
from duskspec.types import BlsPublicKey, BlsSignature, Hash32
from duskspec.vectors.registry import Case, Handler, rejected

# --- published values ---------------------------------------------------------------------

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58_decode(text: str) -> bytes:
    """Bitcoin-alphabet base58, as ``bs58`` writes Dusk's serde test values."""
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)
    leading_zeros = len(text) - len(text.lstrip("1"))
    return bytes(leading_zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


_BLS_SOURCE = "dusk-network/bls12_381-bls tests/serde.rs (commit 7421866), test {}"
#: Dusk's serde tests all start from ``SecretKey::random(StdRng::seed_from_u64(0xbeef))``.
DUSK_SK = int.from_bytes(base58_decode("J96A6LyxZL3JdymeEHL4bNhf5MmcmgSLkd6Umh5ELrPt"), "little")
DUSK_PK = BlsPublicKey(
    base58_decode(
        "shUGhHy4u1NiQY8uzHpTDagQJEqYrDJuAfgjDUVK5uBxbNi2D4aeHmCVaLvebvR4SGv5tJqGsg1KLRmeJu9RH2"
        "ANVELqvDU4Tr2zVBkTot47d1Gpj7N7UUMB1QF4aY3Vd96"
    )
)
DUSK_APK = BlsPublicKey(
    base58_decode(
        "ubbQeTYgfD573GYirCxzUKfPu8RHwDETEHw3tobCTLsWk8aTbwGGmqV6juNNK8pbbvFr1c6JtmmBfDwoMGezPK"
        "NSZiUQsqaKCJPm6QWEF49TS99y3eLLeCfomzFsZFnz4Fu"
    )
)
DUSK_SIG = BlsSignature(
    base58_decode("7X9bBkiw6p3ztHupnsyKTuJbFPZTrRpwRuzgyhGm6RCHZ2RZdRBY7U64qV6rHQWnNj")
)
DUSK_MULTISIG = BlsSignature(
    base58_decode("7DFqqrcNjMzrEHHUzcTzFUvoJJAKKEQ9P56BsrvNGBZj2AB6NnBhV6ur7o8WmgBxh7")
)
DUSK_MESSAGE = b"a message"

_POSEIDON_SOURCE = "dusk-network/Poseidon252 src/hades.rs (commit 36993ec), test poseidon_hash"
#: The test's inputs, little-endian hex; its sponge has tag 0 and absorbs a trailing 1.
_HADES_INPUTS = (
    "bb67ed265bf1db490ded2e1ede55c0d14c55521509dc73f9c354e98ab76c9625",
    "7e74220084d75e10c89e9435d47bb5b8075991b2e29be3b84421dac3b1ee6007",
    "5ce5481a4d78cca03498f72761da1b9f1d2aa8fb300be39f0e4fe2534f9d4308",
    "b1e710e3c4a8c35154b0ce4e4f4af6f498ebd79f8e7cdf3150372c7501be250b",
    "33c9e2025f86b5d82149f1ab8e20a168fc3d99d09b48cbce0286db8752cc3306",
    "e98206bfdce791e4e5144079b997d4fc25006194b35655f0e48490b26e24ea35",
    "86d2a95cc552de8d5bb20bd4a407fee5ffdc314e93dfe6b2dc792bc71fd8cc2d",
    "4edd8307ce28a8c70963d20a7bc28df1e1720bbbc93878a18bd07fad7d51fa15",
    "eabc7a296704a68aa01f95adc85f6dd758b175745336d8fc795a17984024b21e",
    "cfc108673c93df305e31c283b9c767b7097ae4e174a223e0c24b15a67b701a3a",
)
#: Number of inputs -> expected output, big-endian hex (the test prints ``{:?}``).
_HADES_OUTPUTS = {
    3: "26abf2d0476f154e69bf19740092fe36265680c294462b8e759ad73a99567dd5",
    4: "1cc40219c7ec92919d6db7a41cd41953333a2ed544606daca182e4eaa6c7db2d",
    5: "707c98a0e9a6e4832ac33ee08811bce122017a58dbbbf66a2f6fcdc69d45462d",
    6: "26905a794d3d2fb0c3ed2276abc696c27a5bfdea7f106e596cbeedd86891c461",
    8: "1b98a2c5f1fe54d21b5ce9bf0dcc99ea8784a64f3c544fa06d3f73569741006e",
    10: "211b7ea21c9afca93dabdfbda8b2d5275b2dd802fed87bb431e98557c61667d2",
}

_SCHNORR_SOURCE = (
    "dusk-network/jubjub-schnorr src/multisig.rs (commit 2cbc616), test "
    "multisig_transcript_known_answer"
)
#: ``k·GENERATOR`` encodings pinned by that test (its keys 3, 5, 7; nonces 11, 13, 17, 19,
#: 23, 29).
KAT_POINTS = {
    3: "65ea90b30ffadc4c6da54cb6cbcfa2ffe1ba78f2d60d876e6469368c56540a92",
    5: "d162bd48b153b9f3eb4ceabb1129191f15ed97d5f679be2ab53d0acbdec732e3",
    7: "c9435b58975505cf2094a5a2c978261636856 3c4ab0c95225defd01c016e62e9".replace(" ", ""),
    11: "93f8e36419d238b3fae46af662c41efc2b5fd7afb5011302c99ea7e85a860614",
    13: "4eb40407ae95004402739b83135bde2071da57a7107f466120722ac1891a5143",
    17: "030fa17156c36af83deba1a959c722cef3ae9c5c23a1ee36aa5f22175cd4b3b2",
    19: "a8594d435554e96ff4861533420f3643b91bdadb44c8333e9a1c412b57fa7f8f",
    23: "fd3aad1d0f5bcf1585685ae29a511dd9ddbfaf5c24dcced3a43fa866163a38d1",
    29: "4ae9f581a904548771ee6e0698d1f7e32441bf97361b921d9ecc72f9f1172ace",
}
KAT_DELINEARIZATION = (
    "c3e044fdfd3af69b98e8cdbedcb711af49611e2e38c8916bd89b78406194c603",
    "84535cdd82d00b75e4c5fc73e4f77c4933476233 79b7e58940d802c9c3726802".replace(" ", ""),
    "0bd161d4384b5efcb6691ac243b5b8a31ebfe93103716b5f6ad60fbc0c053a00",
)
KAT_AGGREGATE_KEY = "e7b0b6f27c612c27879b302b9217fc71da31543e186f65bc03fd8c99f755be2e"
KAT_BINDING = "6f5d4173f3f573e48fc119a7f2a83bfb760d071495b5e703dc9eb3b01a37b501"
KAT_COMMITMENT = "c863d88cbc9664ae944fa5dcc8e8ec43afda23684b3f07fa69e57fc1272b4b0e"
KAT_CHALLENGE = "1388d90787497d07f629d48d25b585efbdfe5293813f83913e649f661a00c201"
KAT_SIGNATURE = (
    "cad84bec5ba210f118189a7b9da34508940ac36aef11c4034f66daf26b675904"
    "c863d88cbc9664ae944fa5dcc8e8ec43afda23684b3f07fa69e57fc1272b4b0e"
)
KAT_MESSAGE = 31

_JUBJUB_SOURCE = "dusk-network/jubjub src/dusk.rs (commit 09fde8b), {}"


def _le(hex_text: str) -> int:
    return int.from_bytes(bytes.fromhex(hex_text), "little")


def _point(hex_text: str) -> jubjub.Point:
    return jubjub.decode_point(bytes.fromhex(hex_text))


# --- bls ----------------------------------------------------------------------------------

#: A G1 encoding whose x (= 1) has no y: 1 + 4 is not a square mod q.
G1_OFF_CURVE = bytes([0x80]) + bytes(46) + b"\x01"
#: ``(0, 2)`` is on the G1 curve but not in the prime-order subgroup.
G1_NOT_IN_SUBGROUP = bytes([0x80]) + bytes(47)
#: A G2 encoding whose x = 0 has no y (4 + 4i is not a square in Fq2).
G2_OFF_CURVE = bytes([0x80]) + bytes(95)
#: x = 2 is on the G2 curve; the point is not in the prime-order subgroup.
G2_NOT_IN_SUBGROUP = bytes([0x80]) + bytes(94) + b"\x02"
#: The base field modulus q as 48 big-endian bytes with the compression flag set.
_Q_WITH_FLAG = (FIELD_MODULUS | (1 << 383)).to_bytes(48, "big")


def malformed_public_keys() -> Iterator[tuple[str, str, bytes, str]]:
    """(name, description, bytes, code) for every way a public key can be malformed."""
    yield "pk_short", "95 bytes", bytes(DUSK_PK[:95]), "crypto.bls_public_key_length"
    yield "pk_long", "97 bytes", DUSK_PK + b"\x00", "crypto.bls_public_key_length"
    yield (
        "pk_uncompressed_flag",
        "the compression flag is clear",
        bytes([DUSK_PK[0] & 0x7F]) + DUSK_PK[1:],
        "crypto.bls_public_key_invalid",
    )
    yield (
        "pk_identity",
        "the point at infinity",
        bytes([0xC0]) + bytes(95),
        "crypto.bls_public_key_identity",
    )
    yield (
        "pk_infinity_noncanonical",
        "infinity flag with a non-zero x",
        bytes([0xC0]) + bytes(94) + b"\x01",
        "crypto.bls_public_key_invalid",
    )
    yield (
        "pk_infinity_sign",
        "infinity flag with the sign flag",
        bytes([0xE0]) + bytes(95),
        "crypto.bls_public_key_invalid",
    )
    yield (
        "pk_x_not_canonical",
        "x_im equal to q",
        _Q_WITH_FLAG + bytes(48),
        "crypto.bls_public_key_invalid",
    )
    yield (
        "pk_x_re_not_canonical",
        "x_re equal to q + 2: read mod q, x = 2 would be on G2 (outside the subgroup)",
        bytes([0x80]) + bytes(47) + (FIELD_MODULUS + 2).to_bytes(48, "big"),
        "crypto.bls_public_key_invalid",
    )
    yield "pk_off_curve", "x = 0 has no y on G2", G2_OFF_CURVE, "crypto.bls_public_key_invalid"
    yield (
        "pk_not_in_subgroup",
        "on G2, outside the subgroup",
        G2_NOT_IN_SUBGROUP,
        "crypto.bls_public_key_subgroup",
    )


def malformed_signatures() -> Iterator[tuple[str, str, bytes, str]]:
    yield "sig_short", "47 bytes", bytes(DUSK_SIG[:47]), "crypto.bls_signature_length"
    yield (
        "sig_uncompressed_flag",
        "the compression flag is clear",
        bytes([DUSK_SIG[0] & 0x7F]) + DUSK_SIG[1:],
        "crypto.bls_signature_invalid",
    )
    yield (
        "sig_identity",
        "the point at infinity",
        bytes([0xC0]) + bytes(47),
        "crypto.bls_signature_identity",
    )
    yield (
        "sig_infinity_noncanonical",
        "infinity flag with a non-zero x",
        bytes([0xC0]) + bytes(46) + b"\x01",
        "crypto.bls_signature_invalid",
    )
    yield "sig_x_not_canonical", "x equal to q", _Q_WITH_FLAG, "crypto.bls_signature_invalid"
    yield "sig_off_curve", "x = 1 has no y on G1", G1_OFF_CURVE, "crypto.bls_signature_invalid"
    yield (
        "sig_not_in_subgroup",
        "(0, 2): on G1, outside the subgroup",
        G1_NOT_IN_SUBGROUP,
        "crypto.bls_signature_subgroup",
    )


@dataclass(frozen=True)
class SeedInput:
    seed: bytes


@dataclass(frozen=True)
class BlsKeyPost:
    sk: int
    pk: BlsPublicKey


@dataclass(frozen=True)
class SecretKeyInput:
    sk: int


@dataclass(frozen=True)
class PublicKeyPost:
    pk: BlsPublicKey


@dataclass(frozen=True)
class SignInput:
    sk: int
    msg: bytes


@dataclass(frozen=True)
class SignaturePost:
    sig: BlsSignature


@dataclass(frozen=True)
class VerifyInput:
    pk: bytes
    msg: bytes
    sig: bytes


@dataclass(frozen=True)
class ValidPost:
    valid: bool


@dataclass(frozen=True)
class MultisigSignInput:
    sk: int
    pk: bytes
    msg: bytes


@dataclass(frozen=True)
class AggregateKeysInput:
    pks: tuple[bytes, ...]


@dataclass(frozen=True)
class AggregateSignaturesInput:
    sigs: tuple[bytes, ...]


@dataclass(frozen=True)
class MessageInput:
    msg: bytes


@dataclass(frozen=True)
class G1Post:
    point: bytes


def run_bls_keygen(pre: None, inp: SeedInput) -> BlsKeyPost:
    sk, pk = bls.keygen(inp.seed)
    return BlsKeyPost(sk, pk)


def run_bls_public_key(pre: None, inp: SecretKeyInput) -> PublicKeyPost:
    return PublicKeyPost(bls.public_key(inp.sk))


def run_bls_sign(pre: None, inp: SignInput) -> SignaturePost:
    return SignaturePost(bls.sign(inp.sk, inp.msg))


def run_bls_verify(pre: None, inp: VerifyInput) -> ValidPost:
    return ValidPost(bls.verify(BlsPublicKey(inp.pk), inp.msg, BlsSignature(inp.sig)))


def run_bls_sign_multisig(pre: None, inp: MultisigSignInput) -> SignaturePost:
    return SignaturePost(bls.sign_multisig(inp.sk, BlsPublicKey(inp.pk), inp.msg))


def run_bls_aggregate_public_keys(pre: None, inp: AggregateKeysInput) -> PublicKeyPost:
    return PublicKeyPost(bls.aggregate_public_keys([BlsPublicKey(pk) for pk in inp.pks]))


def run_bls_aggregate_signatures(pre: None, inp: AggregateSignaturesInput) -> SignaturePost:
    return SignaturePost(bls.aggregate_signatures([BlsSignature(s) for s in inp.sigs]))


def run_bls_verify_multisig(pre: None, inp: VerifyInput) -> ValidPost:
    return ValidPost(bls.verify_multisig(BlsPublicKey(inp.pk), inp.msg, BlsSignature(inp.sig)))


def run_bls_hash_to_g1(pre: None, inp: MessageInput) -> G1Post:
    return G1Post(bls.hash_to_g1(inp.msg))


def _bls_keygen_cases() -> Iterator[Case]:
    for name, seed in (("empty", b""), ("ascii", b"provisioner-0"), ("bytes_32", bytes(range(32)))):
        yield Case(name, f"key pair from seed {seed!r}", SeedInput(seed))


def _bls_public_key_cases() -> Iterator[Case]:
    yield Case(
        "dusk_serde",
        "Dusk's serde test key (sk from StdRng 0xbeef)",
        SecretKeyInput(DUSK_SK),
        source=_BLS_SOURCE.format("serde_public_key"),
        published_post=PublicKeyPost(DUSK_PK),
    )
    yield Case("one", "sk = 1 gives the G2 generator", SecretKeyInput(1))
    yield Case("max", "sk = r - 1", SecretKeyInput(BLS_SCALAR_ORDER - 1))
    yield Case("zero", "sk = 0", SecretKeyInput(0), expected_error="crypto.bls_secret_key_range")
    yield rejected(
        "order", "sk = r", SecretKeyInput(BLS_SCALAR_ORDER), "crypto.bls_secret_key_range"
    )


def _bls_sign_cases() -> Iterator[Case]:
    yield Case(
        "dusk_serde",
        "Dusk's serde test signature of 'a message'",
        SignInput(DUSK_SK, DUSK_MESSAGE),
        source=_BLS_SOURCE.format("serde_signature"),
        published_post=SignaturePost(DUSK_SIG),
    )
    rng = random.Random(31)
    for length in (0, 32, 200):
        sk, _ = bls.keygen(rng.randbytes(8))
        yield Case(
            f"msg_{length}",
            f"{length}-byte seeded message",
            SignInput(sk, rng.randbytes(length)),
            seed=31,
        )
    yield Case(
        "zero_key", "sk = 0", SignInput(0, b"m"), expected_error="crypto.bls_secret_key_range"
    )


def _bls_verify_cases() -> Iterator[Case]:
    yield Case(
        "dusk_serde",
        "Dusk's serde key and signature verify",
        VerifyInput(DUSK_PK, DUSK_MESSAGE, DUSK_SIG),
        source=_BLS_SOURCE.format("serde_public_key + serde_signature"),
        published_post=ValidPost(True),
    )
    yield Case(
        "wrong_message", "a different message", VerifyInput(DUSK_PK, b"another message", DUSK_SIG)
    )
    _, other_pk = bls.keygen(b"other")
    yield Case("wrong_key", "another signer's key", VerifyInput(other_pk, DUSK_MESSAGE, DUSK_SIG))
    yield Case(
        "multisig_as_plain",
        "a multisig signature does not verify under the plain key",
        VerifyInput(DUSK_PK, DUSK_MESSAGE, DUSK_MULTISIG),
    )
    for name, description, data, code in malformed_public_keys():
        yield Case(
            name, description, VerifyInput(data, DUSK_MESSAGE, DUSK_SIG), expected_error=code
        )
    for name, description, data, code in malformed_signatures():
        yield Case(name, description, VerifyInput(DUSK_PK, DUSK_MESSAGE, data), expected_error=code)


def _bls_sign_multisig_cases() -> Iterator[Case]:
    yield Case(
        "dusk_serde",
        "Dusk's serde multisig signature H1(pk)·sk·H0('a message')",
        MultisigSignInput(DUSK_SK, DUSK_PK, DUSK_MESSAGE),
        source=_BLS_SOURCE.format("serde_multisig_signature"),
        published_post=SignaturePost(DUSK_MULTISIG),
    )
    yield rejected(
        "bad_public_key",
        "the public key does not decode",
        MultisigSignInput(DUSK_SK, G2_NOT_IN_SUBGROUP, DUSK_MESSAGE),
        "crypto.bls_public_key_subgroup",
    )


def _committee(size: int, seed: int) -> list[tuple[int, BlsPublicKey]]:
    return [bls.keygen(f"committee-{seed}-{i}".encode()) for i in range(size)]


def _bls_aggregate_keys_cases() -> Iterator[Case]:
    yield Case(
        "dusk_serde_single",
        "aggregate of one key is H1(pk)·pk",
        AggregateKeysInput((DUSK_PK,)),
        source=_BLS_SOURCE.format("serde_multisig_public_key"),
        published_post=PublicKeyPost(DUSK_APK),
    )
    for size in (2, 5):
        pks = tuple(pk for _, pk in _committee(size, 1))
        yield Case(f"keys_{size}", f"{size} committee keys", AggregateKeysInput(pks))
    pk = _committee(1, 2)[0][1]
    yield Case("repeated", "a key twice counts twice", AggregateKeysInput((pk, pk)))
    yield Case("empty", "no keys", AggregateKeysInput(()), expected_error="crypto.bls_no_keys")
    yield rejected(
        "one_invalid",
        "one key outside the subgroup",
        AggregateKeysInput((pk, G2_NOT_IN_SUBGROUP)),
        "crypto.bls_public_key_subgroup",
    )


def _bls_aggregate_signatures_cases() -> Iterator[Case]:
    members = _committee(3, 3)
    sigs = tuple(bls.sign_multisig(sk, pk, b"vote") for sk, pk in members)
    yield Case("three", "three multisig votes", AggregateSignaturesInput(sigs))
    yield Case("one", "one signature is itself", AggregateSignaturesInput(sigs[:1]))
    yield rejected(
        "empty", "no signatures", AggregateSignaturesInput(()), "crypto.bls_no_signatures"
    )
    yield rejected(
        "one_invalid",
        "one signature outside the subgroup",
        AggregateSignaturesInput((sigs[0], G1_NOT_IN_SUBGROUP)),
        "crypto.bls_signature_subgroup",
    )


def _bls_verify_multisig_cases() -> Iterator[Case]:
    yield Case(
        "dusk_serde_single",
        "Dusk's single multisig vote against aggregate([pk])",
        VerifyInput(DUSK_APK, DUSK_MESSAGE, DUSK_MULTISIG),
        source=_BLS_SOURCE.format("serde_multisig_public_key + serde_multisig_signature"),
        published_post=ValidPost(True),
    )
    members = _committee(4, 4)
    msg = b"consensus header || vote"
    apk = bls.aggregate_public_keys([pk for _, pk in members])
    agg = bls.aggregate_signatures([bls.sign_multisig(sk, pk, msg) for sk, pk in members])
    yield Case("four_votes", "4 votes aggregated", VerifyInput(apk, msg, agg))
    partial = bls.aggregate_public_keys([pk for _, pk in members[:3]])
    yield Case(
        "missing_key", "the signature has 4 votes, the key 3", VerifyInput(partial, msg, agg)
    )
    yield Case(
        "wrong_message", "the votes were for another message", VerifyInput(apk, b"other", agg)
    )
    plain = bls.aggregate_signatures([bls.sign(sk, msg) for sk, _ in members])
    yield Case(
        "plain_signatures",
        "plain signatures do not verify under H1 weights",
        VerifyInput(apk, msg, plain),
    )
    yield rejected(
        "identity_aggregate",
        "an aggregate that sums to the identity",
        VerifyInput(apk, msg, bytes([0xC0]) + bytes(47)),
        "crypto.bls_signature_identity",
    )
    yield rejected(
        "noncanonical_infinity",
        "the infinity flag with a non-zero second byte is malformed, not the identity",
        VerifyInput(apk, msg, bytes([0xC0, 0x01]) + bytes(46)),
        "crypto.bls_signature_invalid",
    )


def _bls_hash_to_g1_cases() -> Iterator[Case]:
    for name, msg in (
        ("empty", b""),
        ("abc", b"abc"),
        ("a_message", DUSK_MESSAGE),
        ("long", bytes(300)),
    ):
        yield Case(name, f"H0({msg[:16]!r}...)", MessageInput(msg))


def _bls_handlers() -> tuple[Handler, ...]:
    h = partial(Handler, "general", "bls")

    return (
        h(
            "keygen",
            "deterministic BLS key pair from a seed",
            SeedInput,
            BlsKeyPost,
            run_bls_keygen,
            _bls_keygen_cases,
        ),
        h(
            "public_key",
            "pk = sk·g2, 96-byte compressed G2",
            SecretKeyInput,
            PublicKeyPost,
            run_bls_public_key,
            _bls_public_key_cases,
        ),
        h(
            "sign",
            "sk·H0(m), H0 = RFC 9380 with Dusk's V2 DST",
            SignInput,
            SignaturePost,
            run_bls_sign,
            _bls_sign_cases,
        ),
        h(
            "verify",
            "e(sig, g2) == e(H0(m), pk); strict decoding",
            VerifyInput,
            ValidPost,
            run_bls_verify,
            _bls_verify_cases,
        ),
        h(
            "sign_multisig",
            "H1(pk)·sk·H0(m)",
            MultisigSignInput,
            SignaturePost,
            run_bls_sign_multisig,
            _bls_sign_multisig_cases,
        ),
        h(
            "aggregate_public_keys",
            "Σ H1(pk_i)·pk_i",
            AggregateKeysInput,
            PublicKeyPost,
            run_bls_aggregate_public_keys,
            _bls_aggregate_keys_cases,
        ),
        h(
            "aggregate_signatures",
            "Σ sig_i in G1",
            AggregateSignaturesInput,
            SignaturePost,
            run_bls_aggregate_signatures,
            _bls_aggregate_signatures_cases,
        ),
        h(
            "verify_multisig",
            "aggregate signature against an aggregate key",
            VerifyInput,
            ValidPost,
            run_bls_verify_multisig,
            _bls_verify_multisig_cases,
        ),
        h(
            "hash_to_g1",
            "H0: RFC 9380 hash_to_curve G1, DST ..._DUSK_V2",
            MessageInput,
            G1Post,
            run_bls_hash_to_g1,
            _bls_hash_to_g1_cases,
        ),
    )


# --- poseidon -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StateInput:
    state: tuple[int, ...]


@dataclass(frozen=True)
class StatePost:
    state: tuple[int, ...]


@dataclass(frozen=True)
class SpongeInput:
    tag: int
    inputs: tuple[int, ...]
    output_len: int


@dataclass(frozen=True)
class OutputsPost:
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class HashInput:
    domain: poseidon.Domain
    inputs: tuple[int, ...]


@dataclass(frozen=True)
class ScalarPost:
    scalar: int


def run_permutation(pre: None, inp: StateInput) -> StatePost:
    return StatePost(poseidon.permutation(inp.state))


def run_sponge(pre: None, inp: SpongeInput) -> OutputsPost:
    return OutputsPost(poseidon.sponge(inp.tag, inp.inputs, inp.output_len))


def run_poseidon_hash(pre: None, inp: HashInput) -> ScalarPost:
    return ScalarPost(poseidon.hash(inp.domain, inp.inputs))


def run_poseidon_hash_truncated(pre: None, inp: HashInput) -> ScalarPost:
    return ScalarPost(poseidon.hash_truncated(inp.domain, inp.inputs))


def _field_elements(rng: random.Random, count: int) -> tuple[int, ...]:
    return tuple(rng.randrange(BLS_SCALAR_ORDER) for _ in range(count))


def _permutation_cases() -> Iterator[Case]:
    yield Case("zeros", "the all-zero state", StateInput((0,) * 5))
    yield Case("seventeen", "Dusk's hades_det input [17; 5]", StateInput((17,) * 5))
    yield Case(
        "random", "seeded random state", StateInput(_field_elements(random.Random(41), 5)), seed=41
    )
    yield Case(
        "width_4", "4 elements", StateInput((0,) * 4), expected_error="crypto.poseidon_state_width"
    )
    yield rejected(
        "not_field_element",
        "an element equal to r",
        StateInput((BLS_SCALAR_ORDER, 0, 0, 0, 0)),
        "crypto.poseidon_input_range",
    )


def _sponge_cases() -> Iterator[Case]:
    inputs = [_le(h) for h in _HADES_INPUTS]
    for count, expected in _HADES_OUTPUTS.items():
        yield Case(
            f"dusk_hades_{count}",
            f"tag 0, the first {count} test inputs and a padding 1",
            SpongeInput(0, (*inputs[:count], 1), 1),
            source=_POSEIDON_SOURCE,
            published_post=OutputsPost((int(expected, 16),)),
        )
    yield Case("squeeze_6", "six outputs need two permutations", SpongeInput(5, (1, 2, 3), 6))


def _poseidon_hash_cases() -> Iterator[Case]:
    rng = random.Random(42)
    for count in (1, 2, 4, 5, 8, 9):
        yield Case(
            f"other_{count}",
            f"Other domain, {count} inputs",
            HashInput(poseidon.Domain.OTHER, _field_elements(rng, count)),
            seed=42,
        )
    yield Case(
        "merkle4",
        "one Merkle4 node",
        HashInput(poseidon.Domain.MERKLE4, _field_elements(rng, 4)),
        seed=42,
    )
    yield Case(
        "merkle4_zeros",
        "an inner node over four empty subtrees",
        HashInput(poseidon.Domain.MERKLE4, (0,) * 4),
    )
    yield Case(
        "merkle2",
        "one Merkle2 node",
        HashInput(poseidon.Domain.MERKLE2, _field_elements(rng, 2)),
        seed=42,
    )
    yield Case(
        "encryption",
        "Encryption domain",
        HashInput(poseidon.Domain.ENCRYPTION, _field_elements(rng, 3)),
        seed=42,
    )
    yield rejected(
        "empty", "no inputs", HashInput(poseidon.Domain.OTHER, ()), "crypto.poseidon_empty_input"
    )
    yield rejected(
        "merkle4_three",
        "Merkle4 with 3 inputs",
        HashInput(poseidon.Domain.MERKLE4, (1, 2, 3)),
        "crypto.poseidon_arity",
    )
    yield rejected(
        "not_field_element",
        "an input equal to r",
        HashInput(poseidon.Domain.OTHER, (BLS_SCALAR_ORDER,)),
        "crypto.poseidon_input_range",
    )


def _kat_public_keys() -> list[jubjub.Point]:
    return [_point(KAT_POINTS[k]) for k in (3, 5, 7)]


def _hash_truncated_cases() -> Iterator[Case]:
    pks = _kat_public_keys()
    coordinates = [c for pk in pks for c in pk.hash_inputs()]
    for i, (pk, expected) in enumerate(zip(pks, KAT_DELINEARIZATION, strict=True)):
        yield Case(
            f"dusk_delinearization_{i}",
            f"d_{i} = H(pk_{i}, pk_0, pk_1, pk_2), 8 inputs",
            HashInput(poseidon.Domain.OTHER, (*pk.hash_inputs(), *coordinates)),
            source=_SCHNORR_SOURCE,
            published_post=ScalarPost(_le(expected)),
        )
    apk = _point(KAT_AGGREGATE_KEY)
    nonces = [
        (_point(KAT_POINTS[r]), _point(KAT_POINTS[s])) for r, s in ((11, 19), (13, 23), (17, 29))
    ]
    binding_inputs = [*apk.hash_inputs(), KAT_MESSAGE]
    for r_point, s_point in nonces:
        binding_inputs.extend([*r_point.hash_inputs(), *s_point.hash_inputs()])
    yield Case(
        "dusk_binding",
        "a = H(pk_agg, m, R_0, S_0, ..., R_2, S_2), 15 inputs",
        HashInput(poseidon.Domain.OTHER, tuple(binding_inputs)),
        source=_SCHNORR_SOURCE,
        published_post=ScalarPost(_le(KAT_BINDING)),
    )


def _poseidon_handlers() -> tuple[Handler, ...]:
    h = partial(Handler, "general", "poseidon")

    return (
        h(
            "permutation",
            "Hades: width 5, 8 full + 60 partial rounds, x^5",
            StateInput,
            StatePost,
            run_permutation,
            _permutation_cases,
        ),
        h(
            "sponge",
            "SAFE sponge with an explicit tag",
            SpongeInput,
            OutputsPost,
            run_sponge,
            _sponge_cases,
        ),
        h(
            "hash",
            "Poseidon hash with SAFE tag and domain",
            HashInput,
            ScalarPost,
            run_poseidon_hash,
            _poseidon_hash_cases,
        ),
        h(
            "hash_truncated",
            "hash with bits 250.. cleared (Jubjub scalar)",
            HashInput,
            ScalarPost,
            run_poseidon_hash_truncated,
            _hash_truncated_cases,
        ),
    )


# --- jubjub -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalarInput:
    k: int


@dataclass(frozen=True)
class PointPost:
    point: bytes


@dataclass(frozen=True)
class BytesInput:
    data: bytes


@dataclass(frozen=True)
class CoordinatesPost:
    u: int
    v: int


@dataclass(frozen=True)
class NumsPost:
    point: bytes
    counter: int


@dataclass(frozen=True)
class AddInput:
    p: bytes
    q: bytes


@dataclass(frozen=True)
class CommitmentInput:
    value: int
    blinder: int


@dataclass(frozen=True)
class ElGamalInput:
    public_key: bytes
    message: bytes
    r: int


@dataclass(frozen=True)
class ElGamalDecryptInput:
    secret_key: int
    ciphertext: bytes


def run_generator_mul(pre: None, inp: ScalarInput) -> PointPost:
    return PointPost(jubjub.fixed_base_mul(GENERATOR, inp.k).encode())


def run_decode(pre: None, inp: BytesInput) -> CoordinatesPost:
    point = jubjub.decode_point(inp.data)
    return CoordinatesPost(point.u, point.v)


def run_nums(pre: None, inp: BytesInput) -> NumsPost:
    point, counter = jubjub.derive_nums_point(inp.data)
    return NumsPost(point.encode(), counter)


def run_add(pre: None, inp: AddInput) -> PointPost:
    return PointPost((jubjub.decode_point(inp.p) + jubjub.decode_point(inp.q)).encode())


def run_value_commitment(pre: None, inp: CommitmentInput) -> PointPost:
    return PointPost(jubjub.value_commitment(inp.value, inp.blinder).encode())


def run_jubjub_hash_to_scalar(pre: None, inp: BytesInput) -> ScalarPost:
    return ScalarPost(jubjub.hash_to_scalar(inp.data))


def run_elgamal_encrypt(pre: None, inp: ElGamalInput) -> G1Post:
    ciphertext = elgamal.encrypt(
        jubjub.decode_point(inp.public_key), jubjub.decode_point(inp.message), inp.r
    )
    return G1Post(elgamal.encode_ciphertext(ciphertext))


def run_elgamal_decrypt(pre: None, inp: ElGamalDecryptInput) -> PointPost:
    return PointPost(
        elgamal.decrypt(inp.secret_key, elgamal.decode_ciphertext(inp.ciphertext)).encode()
    )


def _generator_mul_cases() -> Iterator[Case]:
    for k, expected in KAT_POINTS.items():
        yield Case(
            f"dusk_k_{k}",
            f"{k}·GENERATOR",
            ScalarInput(k),
            source=_SCHNORR_SOURCE,
            published_post=PointPost(bytes.fromhex(expected)),
        )
    yield Case("zero", "0·G is the identity (0, 1)", ScalarInput(0))
    yield Case("order_minus_one", "(t - 1)·G = -G", ScalarInput(SUBGROUP_ORDER - 1))
    yield Case(
        "max_multiplier", "k = 2^256 - 1, the high end of [0, 2^256)", ScalarInput(2**256 - 1)
    )
    yield rejected(
        "multiplier_2_256",
        "k = 2^256 is refused",
        ScalarInput(2**256),
        "crypto.jubjub_scalar_range",
    )


#: ``(0, -1)``: order 2, on the curve, not in the prime-order subgroup.
TORSION_POINT = (BLS_SCALAR_ORDER - 1).to_bytes(32, "little")


def _decode_cases() -> Iterator[Case]:
    yield Case(
        "dusk_generator",
        "GENERATOR's encoding gives Dusk's coordinates",
        BytesInput(GENERATOR.encode()),
        source=_JUBJUB_SOURCE.format("const GENERATOR"),
        published_post=CoordinatesPost(GENERATOR.u, GENERATOR.v),
    )
    yield Case(
        "dusk_generator_nums",
        "GENERATOR_NUMS's encoding gives Dusk's coordinates",
        BytesInput(GENERATOR_NUMS.encode()),
        source=_JUBJUB_SOURCE.format("const GENERATOR_NUMS"),
        published_post=CoordinatesPost(GENERATOR_NUMS.u, GENERATOR_NUMS.v),
    )
    yield Case(
        "identity", "(0, 1) is in the subgroup and decodes", BytesInput(jubjub.IDENTITY.encode())
    )
    yield Case(
        "short", "31 bytes", BytesInput(bytes(31)), expected_error="crypto.jubjub_point_length"
    )
    yield rejected(
        "v_not_canonical",
        "v = r",
        BytesInput(BLS_SCALAR_ORDER.to_bytes(32, "little")),
        "crypto.jubjub_point_noncanonical",
    )
    yield rejected(
        "u_zero_sign_set",
        "(0, 1) with the sign bit set",
        BytesInput(bytes([1]) + bytes(30) + b"\x80"),
        "crypto.jubjub_point_noncanonical",
    )
    yield rejected(
        "not_on_curve",
        "v = 2 has no u",
        BytesInput(bytes([2]) + bytes(31)),
        "crypto.jubjub_point_not_on_curve",
    )
    yield rejected(
        "torsion", "(0, -1) has order 2", BytesInput(TORSION_POINT), "crypto.jubjub_point_subgroup"
    )


def _nums_cases() -> Iterator[Case]:
    yield Case(
        "dusk_generator_nums",
        "GENERATOR_NUMS from GENERATOR's encoding, counter 18",
        BytesInput(GENERATOR.encode()),
        source=_JUBJUB_SOURCE.format("test second_gen_nums"),
        published_post=NumsPost(GENERATOR_NUMS.encode(), 18),
    )
    yield Case("counter_0", "a seed whose counter 0 already decodes", BytesInput(b"nums-14"))
    yield Case("counter_11", "a seed first decoding at an odd counter", BytesInput(b"nums-0"))


def _add_cases() -> Iterator[Case]:
    g, nums = GENERATOR.encode(), GENERATOR_NUMS.encode()
    yield Case("g_plus_nums", "G + G'", AddInput(g, nums))
    yield Case("g_plus_g", "G + G (doubling)", AddInput(g, g))
    yield Case("g_plus_identity", "G + O", AddInput(g, jubjub.IDENTITY.encode()))
    yield Case("g_minus_g", "G + (-G) = O", AddInput(g, (-GENERATOR).encode()))
    yield rejected(
        "torsion",
        "an operand outside the subgroup",
        AddInput(g, TORSION_POINT),
        "crypto.jubjub_point_subgroup",
    )


def _commitment_cases() -> Iterator[Case]:
    yield Case("transparent", "v·G with blinder 0", CommitmentInput(1_000_000_000, 0))
    yield Case("zero_value", "value 0, the low end of a u64", CommitmentInput(0, 5))
    yield Case("obfuscated", "v·G + s·G'", CommitmentInput(42, 123456789))
    yield Case("max_value", "u64::MAX", CommitmentInput((1 << 64) - 1, SUBGROUP_ORDER - 1))
    yield rejected(
        "value_overflow", "2^64", CommitmentInput(1 << 64, 0), "crypto.commitment_value_range"
    )
    yield rejected(
        "blinder_order",
        "blinder = t",
        CommitmentInput(1, SUBGROUP_ORDER),
        "crypto.jubjub_scalar_range",
    )


def _jubjub_hash_cases() -> Iterator[Case]:
    yield Case("empty", "no bytes", BytesInput(b""))
    yield Case(
        "generator",
        "GENERATOR's encoding (a stealth-address hash input)",
        BytesInput(GENERATOR.encode()),
    )
    yield Case("all_ff", "64 bytes of 0xff", BytesInput(b"\xff" * 64))


def _elgamal_cases() -> Iterator[Case]:
    receiver = jubjub.fixed_base_mul(GENERATOR, 1234).encode()
    message = jubjub.fixed_base_mul(GENERATOR, 99).encode()
    yield Case("encrypt", "(r·G, M + r·pk)", ElGamalInput(receiver, message, 777))
    yield rejected(
        "bad_key",
        "the key is a torsion point",
        ElGamalInput(TORSION_POINT, message, 777),
        "crypto.jubjub_point_subgroup",
    )
    yield rejected(
        "r_order",
        "r = t",
        ElGamalInput(receiver, message, SUBGROUP_ORDER),
        "crypto.jubjub_scalar_range",
    )
    yield Case(
        "r_zero", "r = 0, the low end of [0, t): (identity, M)", ElGamalInput(receiver, message, 0)
    )
    yield Case(
        "r_max",
        "r = t - 1, the high end of [0, t)",
        ElGamalInput(receiver, message, SUBGROUP_ORDER - 1),
    )


def _elgamal_decrypt_cases() -> Iterator[Case]:
    pk = jubjub.fixed_base_mul(GENERATOR, 1234)
    ciphertext = elgamal.encode_ciphertext(
        elgamal.encrypt(pk, jubjub.fixed_base_mul(GENERATOR, 99), 777)
    )
    yield Case("decrypt", "c2 - sk·c1 recovers 99·G", ElGamalDecryptInput(1234, ciphertext))
    yield Case(
        "wrong_key", "another key gives another point", ElGamalDecryptInput(4321, ciphertext)
    )
    yield rejected(
        "short",
        "63 bytes",
        ElGamalDecryptInput(1234, ciphertext[:63]),
        "crypto.elgamal_ciphertext_length",
    )


def _jubjub_handlers() -> tuple[Handler, ...]:
    h = partial(Handler, "general", "jubjub")

    return (
        h(
            "generator_mul",
            "k·GENERATOR, compressed",
            ScalarInput,
            PointPost,
            run_generator_mul,
            _generator_mul_cases,
        ),
        h(
            "decode",
            "strict point decoding (canonical, on curve, subgroup)",
            BytesInput,
            CoordinatesPost,
            run_decode,
            _decode_cases,
        ),
        h(
            "nums_derivation",
            "GENERATOR_NUMS by BLAKE2b rejection sampling",
            BytesInput,
            NumsPost,
            run_nums,
            _nums_cases,
        ),
        h("add", "twisted Edwards addition", AddInput, PointPost, run_add, _add_cases),
        h(
            "value_commitment",
            "Pedersen v·G + s·G'",
            CommitmentInput,
            PointPost,
            run_value_commitment,
            _commitment_cases,
        ),
        h(
            "hash_to_scalar",
            "BLAKE2b-512 little-endian mod t",
            BytesInput,
            ScalarPost,
            run_jubjub_hash_to_scalar,
            _jubjub_hash_cases,
        ),
        h(
            "elgamal_encrypt",
            "ElGamal (r·G, M + r·pk)",
            ElGamalInput,
            G1Post,
            run_elgamal_encrypt,
            _elgamal_cases,
        ),
        h(
            "elgamal_decrypt",
            "ElGamal c2 - sk·c1",
            ElGamalDecryptInput,
            PointPost,
            run_elgamal_decrypt,
            _elgamal_decrypt_cases,
        ),
    )


# --- schnorr ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchnorrSignInput:
    sk: int
    msg: int
    nonce_seed: bytes


@dataclass(frozen=True)
class SchnorrSignaturePost:
    signature: bytes


@dataclass(frozen=True)
class SchnorrVerifyInput:
    pk: bytes
    msg: int
    signature: bytes


@dataclass(frozen=True)
class SchnorrDoubleVerifyInput:
    pk: bytes
    pk_prime: bytes
    msg: int
    signature: bytes


@dataclass(frozen=True)
class ChallengeInput:
    R: bytes
    pk: bytes
    msg: int


def run_schnorr_sign(pre: None, inp: SchnorrSignInput) -> SchnorrSignaturePost:
    return SchnorrSignaturePost(
        schnorr.encode_signature(schnorr.sign(inp.sk, inp.msg, inp.nonce_seed))
    )


def run_schnorr_verify(pre: None, inp: SchnorrVerifyInput) -> ValidPost:
    pk = jubjub.decode_point(inp.pk)
    return ValidPost(schnorr.verify(pk, inp.msg, schnorr.decode_signature(inp.signature)))


def run_schnorr_sign_double(pre: None, inp: SchnorrSignInput) -> SchnorrSignaturePost:
    sig = schnorr.sign_double(inp.sk, inp.msg, inp.nonce_seed)
    return SchnorrSignaturePost(schnorr.encode_signature_double(sig))


def run_schnorr_verify_double(pre: None, inp: SchnorrDoubleVerifyInput) -> ValidPost:
    pk, pk_prime = jubjub.decode_point(inp.pk), jubjub.decode_point(inp.pk_prime)
    sig = schnorr.decode_signature_double(inp.signature)
    return ValidPost(schnorr.verify_double(pk, pk_prime, inp.msg, sig))


def run_schnorr_challenge(pre: None, inp: ChallengeInput) -> ScalarPost:
    return ScalarPost(
        schnorr.challenge(jubjub.decode_point(inp.R), jubjub.decode_point(inp.pk), inp.msg)
    )


def _schnorr_sign_cases() -> Iterator[Case]:
    yield Case("basic", "sk 12345 signs 99", SchnorrSignInput(12345, 99, b"seed"))
    yield Case("max_message", "m = r - 1", SchnorrSignInput(7, BLS_SCALAR_ORDER - 1, b""))
    yield rejected(
        "zero_key", "sk = 0", SchnorrSignInput(0, 1, b""), "crypto.schnorr_secret_key_range"
    )
    yield rejected(
        "message_range",
        "m = r",
        SchnorrSignInput(1, BLS_SCALAR_ORDER, b""),
        "crypto.schnorr_message_range",
    )
    yield Case("key_one", "sk = 1, the low end of [1, t)", SchnorrSignInput(1, 5, b""))
    yield Case("key_max", "sk = t - 1, the high end", SchnorrSignInput(SUBGROUP_ORDER - 1, 5, b""))
    yield Case("message_zero", "m = 0, the low end of [0, r)", SchnorrSignInput(7, 0, b""))


def _schnorr_verify_cases() -> Iterator[Case]:
    apk = bytes.fromhex(KAT_AGGREGATE_KEY)
    sig = bytes.fromhex(KAT_SIGNATURE)
    yield Case(
        "dusk_multisig_signature",
        "Dusk's 3-party multisignature verifies as a plain signature under the aggregate key",
        SchnorrVerifyInput(apk, KAT_MESSAGE, sig),
        source=_SCHNORR_SOURCE,
        published_post=ValidPost(True),
    )
    yield Case("wrong_message", "m = 32", SchnorrVerifyInput(apk, KAT_MESSAGE + 1, sig))
    tampered_u = bytes([sig[0] ^ 1]) + sig[1:]
    yield Case(
        "tampered_u",
        "u changed in its lowest bit",
        SchnorrVerifyInput(apk, KAT_MESSAGE, tampered_u),
    )
    yield Case(
        "wrong_key",
        "3·G instead of the aggregate key",
        SchnorrVerifyInput(bytes.fromhex(KAT_POINTS[3]), KAT_MESSAGE, sig),
    )
    yield rejected(
        "identity_key",
        "the identity as public key",
        SchnorrVerifyInput(jubjub.IDENTITY.encode(), KAT_MESSAGE, sig),
        "crypto.schnorr_identity",
    )
    yield rejected(
        "identity_nonce",
        "R is the identity",
        SchnorrVerifyInput(apk, KAT_MESSAGE, sig[:32] + jubjub.IDENTITY.encode()),
        "crypto.schnorr_identity",
    )
    yield rejected(
        "short",
        "63 bytes",
        SchnorrVerifyInput(apk, KAT_MESSAGE, sig[:63]),
        "crypto.schnorr_signature_length",
    )
    yield rejected(
        "u_not_canonical",
        "u = t",
        SchnorrVerifyInput(apk, KAT_MESSAGE, SUBGROUP_ORDER.to_bytes(32, "little") + sig[32:]),
        "crypto.jubjub_scalar_noncanonical",
    )
    yield rejected(
        "torsion_nonce",
        "R has order 2",
        SchnorrVerifyInput(apk, KAT_MESSAGE, sig[:32] + TORSION_POINT),
        "crypto.jubjub_point_subgroup",
    )
    yield Case(
        "u_zero",
        "u = 0 is canonical (the low end of [0, t)) and does not verify",
        SchnorrVerifyInput(apk, KAT_MESSAGE, bytes(32) + sig[32:]),
    )


def _schnorr_double_cases() -> Iterator[Case]:
    yield Case("basic", "sk 12345 double-signs 99", SchnorrSignInput(12345, 99, b"seed"))


def _schnorr_verify_double_cases() -> Iterator[Case]:
    sk, msg = 424242, 2026
    pk, pk_prime = (p.encode() for p in schnorr.public_key_double(sk))
    sig = schnorr.encode_signature_double(schnorr.sign_double(sk, msg, b"n"))
    yield Case(
        "valid", "a fresh double signature", SchnorrDoubleVerifyInput(pk, pk_prime, msg, sig)
    )
    yield Case(
        "wrong_message", "another message", SchnorrDoubleVerifyInput(pk, pk_prime, msg + 1, sig)
    )
    other_prime = schnorr.public_key_double(sk + 1)[1].encode()
    yield Case(
        "wrong_pk_prime", "pk' of another key", SchnorrDoubleVerifyInput(pk, other_prime, msg, sig)
    )
    swapped = sig[:32] + sig[64:] + sig[32:64]
    yield Case(
        "swapped_nonces", "R and R' swapped", SchnorrDoubleVerifyInput(pk, pk_prime, msg, swapped)
    )
    yield Case(
        "u_zero",
        "u = 0 is canonical and does not verify",
        SchnorrDoubleVerifyInput(pk, pk_prime, msg, bytes(32) + sig[32:]),
    )
    yield rejected(
        "short",
        "95 bytes",
        SchnorrDoubleVerifyInput(pk, pk_prime, msg, sig[:95]),
        "crypto.schnorr_signature_length",
    )


def _challenge_cases() -> Iterator[Case]:
    yield Case(
        "dusk_multisig_challenge",
        "c = H(RSa, pk_agg, m) of Dusk's multisignature transcript",
        ChallengeInput(
            bytes.fromhex(KAT_COMMITMENT), bytes.fromhex(KAT_AGGREGATE_KEY), KAT_MESSAGE
        ),
        source=_SCHNORR_SOURCE,
        published_post=ScalarPost(_le(KAT_CHALLENGE)),
    )


def _schnorr_handlers() -> tuple[Handler, ...]:
    h = partial(Handler, "general", "schnorr")

    return (
        h(
            "sign",
            "u = r - c·sk, deterministic nonce",
            SchnorrSignInput,
            SchnorrSignaturePost,
            run_schnorr_sign,
            _schnorr_sign_cases,
        ),
        h(
            "verify",
            "u·G + c·pk == R",
            SchnorrVerifyInput,
            ValidPost,
            run_schnorr_verify,
            _schnorr_verify_cases,
        ),
        h(
            "sign_double",
            "double-key signature (R, R')",
            SchnorrSignInput,
            SchnorrSignaturePost,
            run_schnorr_sign_double,
            _schnorr_double_cases,
        ),
        h(
            "verify_double",
            "u·G + c·pk == R and u·G' + c·pk' == R'",
            SchnorrDoubleVerifyInput,
            ValidPost,
            run_schnorr_verify_double,
            _schnorr_verify_double_cases,
        ),
        h(
            "challenge",
            "Poseidon_truncated(Other; R, pk, m)",
            ChallengeInput,
            ScalarPost,
            run_schnorr_challenge,
            _challenge_cases,
        ),
    )


# --- phoenix_keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoenixKeysPost:
    a: int
    b: int
    public_key: bytes
    view_key_b: bytes


@dataclass(frozen=True)
class StealthInput:
    public_key: bytes
    r: int


@dataclass(frozen=True)
class StealthPost:
    stealth_address: bytes


@dataclass(frozen=True)
class OwnershipInput:
    seed: bytes
    stealth_address: bytes


@dataclass(frozen=True)
class OwnershipPost:
    owns: bool
    note_sk: int


@dataclass(frozen=True)
class NullifierInput:
    note_sk: int
    pos: int


@dataclass(frozen=True)
class NoteHashInput:
    note_type: int
    value_commitment: bytes
    note_pk: bytes
    pos: int


@dataclass(frozen=True)
class EncryptValueInput:
    public_key: bytes
    r: int
    value: int
    blinder: int
    nonce: bytes


@dataclass(frozen=True)
class ValueEncPost:
    stealth_address: bytes
    value_enc: bytes


@dataclass(frozen=True)
class DecryptValueInput:
    seed: bytes
    stealth_address: bytes
    value_enc: bytes


@dataclass(frozen=True)
class OpeningValuePost:
    value: int
    blinder: int


@dataclass(frozen=True)
class SenderInput:
    note_pk: bytes
    sender_public_key: bytes
    blinder_a: int
    blinder_b: int


@dataclass(frozen=True)
class SenderPost:
    encryption_a: bytes
    encryption_b: bytes


def run_phoenix_keys(pre: None, inp: SeedInput) -> PhoenixKeysPost:
    sk = phoenix_keys.keygen(inp.seed)
    vk = phoenix_keys.view_key(sk)
    return PhoenixKeysPost(
        sk.a, sk.b, phoenix_keys.encode_public_key(phoenix_keys.public_key(sk)), vk.B.encode()
    )


def run_stealth_address(pre: None, inp: StealthInput) -> StealthPost:
    address = phoenix_keys.stealth_address(phoenix_keys.decode_public_key(inp.public_key), inp.r)
    return StealthPost(phoenix_keys.encode_stealth_address(address))


def run_ownership(pre: None, inp: OwnershipInput) -> OwnershipPost:
    sk = phoenix_keys.keygen(inp.seed)
    address = phoenix_keys.decode_stealth_address(inp.stealth_address)
    owns = phoenix_keys.owns(phoenix_keys.view_key(sk), address)
    return OwnershipPost(owns, phoenix_keys.note_secret_key(sk, address))


def run_nullifier(pre: None, inp: NullifierInput) -> ScalarPost:
    return ScalarPost(phoenix_keys.nullifier(inp.note_sk, inp.pos))


def run_note_hash(pre: None, inp: NoteHashInput) -> ScalarPost:
    vc, npk = jubjub.decode_point(inp.value_commitment), jubjub.decode_point(inp.note_pk)
    return ScalarPost(phoenix_keys.note_hash(inp.note_type, vc, npk, inp.pos))


def run_encrypt_value(pre: None, inp: EncryptValueInput) -> ValueEncPost:
    pk = phoenix_keys.decode_public_key(inp.public_key)
    address = phoenix_keys.stealth_address(pk, inp.r)
    value_enc = phoenix_keys.encrypt_value(pk, inp.r, address, inp.value, inp.blinder, inp.nonce)
    return ValueEncPost(phoenix_keys.encode_stealth_address(address), value_enc)


def run_decrypt_value(pre: None, inp: DecryptValueInput) -> OpeningValuePost:
    vk = phoenix_keys.view_key(phoenix_keys.keygen(inp.seed))
    address = phoenix_keys.decode_stealth_address(inp.stealth_address)
    value, blinder = phoenix_keys.decrypt_value(vk, address, inp.value_enc)
    return OpeningValuePost(value, blinder)


def run_sender_encryption(pre: None, inp: SenderInput) -> SenderPost:
    sender = phoenix_keys.decode_public_key(inp.sender_public_key)
    note_pk = jubjub.decode_point(inp.note_pk)
    first, second = phoenix_keys.encrypt_sender(note_pk, sender, (inp.blinder_a, inp.blinder_b))
    return SenderPost(elgamal.encode_ciphertext(first), elgamal.encode_ciphertext(second))


def _alice() -> tuple[phoenix_keys.SecretKey, phoenix_keys.PublicKey]:
    sk = phoenix_keys.keygen(b"alice")
    return sk, phoenix_keys.public_key(sk)


def _phoenix_keys_cases() -> Iterator[Case]:
    for seed in (b"alice", b"bob", b""):
        yield Case(f"seed_{seed.decode() or 'empty'}", f"keys from seed {seed!r}", SeedInput(seed))


def _stealth_cases() -> Iterator[Case]:
    _, pk = _alice()
    yield Case(
        "r_777",
        "alice's address with r = 777",
        StealthInput(phoenix_keys.encode_public_key(pk), 777),
    )
    yield rejected(
        "r_order",
        "r = t",
        StealthInput(phoenix_keys.encode_public_key(pk), SUBGROUP_ORDER),
        "crypto.jubjub_scalar_range",
    )
    yield Case(
        "r_zero",
        "r = 0, the low end of [0, t)",
        StealthInput(phoenix_keys.encode_public_key(pk), 0),
    )
    yield rejected(
        "short_key",
        "63-byte public key",
        StealthInput(bytes(63), 1),
        "crypto.phoenix_public_key_length",
    )


def _ownership_cases() -> Iterator[Case]:
    _, pk = _alice()
    address = phoenix_keys.encode_stealth_address(phoenix_keys.stealth_address(pk, 777))
    yield Case("owner", "alice's view key owns her address", OwnershipInput(b"alice", address))
    yield Case("not_owner", "bob's view key does not", OwnershipInput(b"bob", address))
    identity_r = jubjub.IDENTITY.encode() + address[32:]
    yield rejected(
        "identity_r",
        "R is the identity",
        OwnershipInput(b"alice", identity_r),
        "crypto.stealth_address_identity",
    )
    yield rejected(
        "short", "63 bytes", OwnershipInput(b"alice", address[:63]), "crypto.stealth_address_length"
    )


def _nullifier_cases() -> Iterator[Case]:
    yield Case("pos_0", "note_sk 5, position 0", NullifierInput(5, 0))
    yield Case("pos_large", "position 2^40", NullifierInput(123456789, 1 << 40))
    yield rejected(
        "pos_overflow", "position 2^64", NullifierInput(5, 1 << 64), "crypto.note_position_range"
    )


def _note_hash_cases() -> Iterator[Case]:
    _, pk = _alice()
    npk = phoenix_keys.stealth_address(pk, 777).note_pk.encode()
    vc = jubjub.value_commitment(1000, 0).encode()
    yield Case("transparent", "transparent note at position 3", NoteHashInput(0, vc, npk, 3))
    yield Case(
        "obfuscated",
        "obfuscated note at position 3",
        NoteHashInput(1, jubjub.value_commitment(1000, 9).encode(), npk, 3),
    )
    yield Case(
        "output_position",
        "an output note has pos u64::MAX",
        NoteHashInput(1, vc, npk, (1 << 64) - 1),
    )
    yield Case(
        "bad_type", "note type 2", NoteHashInput(2, vc, npk, 3), expected_error="crypto.note_type"
    )


def _encrypt_value_cases() -> Iterator[Case]:
    _, pk = _alice()
    encoded = phoenix_keys.encode_public_key(pk)
    yield Case(
        "basic",
        "value 1000, blinder 4242",
        EncryptValueInput(encoded, 777, 1000, 4242, bytes(range(12))),
    )
    yield Case(
        "max",
        "u64::MAX and blinder t - 1",
        EncryptValueInput(encoded, 5, (1 << 64) - 1, SUBGROUP_ORDER - 1, bytes(12)),
    )
    yield Case(
        "zero",
        "value 0 and blinder 0, the low ends",
        EncryptValueInput(encoded, 5, 0, 0, bytes(12)),
    )
    yield rejected(
        "value_overflow",
        "value 2^64 is not a u64",
        EncryptValueInput(encoded, 5, 1 << 64, 1, bytes(12)),
        "crypto.commitment_value_range",
    )
    yield rejected(
        "short_nonce",
        "an 11-byte nonce",
        EncryptValueInput(encoded, 777, 1, 1, bytes(11)),
        "crypto.note_nonce_length",
    )


def _decrypt_value_cases() -> Iterator[Case]:
    _, pk = _alice()
    address = phoenix_keys.stealth_address(pk, 777)
    encoded = phoenix_keys.encode_stealth_address(address)
    value_enc = phoenix_keys.encrypt_value(pk, 777, address, 1000, 4242, bytes(range(12)))
    yield Case("owner", "alice decrypts", DecryptValueInput(b"alice", encoded, value_enc))
    yield rejected(
        "wrong_key",
        "bob cannot",
        DecryptValueInput(b"bob", encoded, value_enc),
        "crypto.note_decryption_failed",
    )
    tampered = value_enc[:20] + bytes([value_enc[20] ^ 1]) + value_enc[21:]
    yield rejected(
        "tampered",
        "one ciphertext bit flipped",
        DecryptValueInput(b"alice", encoded, tampered),
        "crypto.note_decryption_failed",
    )
    other_salt = phoenix_keys.encode_stealth_address(phoenix_keys.stealth_address(pk, 778))
    yield rejected(
        "other_address",
        "the salt is another address",
        DecryptValueInput(b"alice", other_salt, value_enc),
        "crypto.note_decryption_failed",
    )
    yield rejected(
        "short",
        "67 bytes",
        DecryptValueInput(b"alice", encoded, value_enc[:67]),
        "crypto.note_value_enc_length",
    )
    yield Case(
        "blinder_max",
        "a sealed blinder of t - 1, the high end of [0, t)",
        DecryptValueInput(b"alice", encoded, _sealed_value(pk, address, SUBGROUP_ORDER - 1)),
    )
    yield rejected(
        "blinder_order",
        "a sealed blinder of t: authentic, but not a canonical scalar",
        DecryptValueInput(b"alice", encoded, _sealed_value(pk, address, SUBGROUP_ORDER)),
        "crypto.note_blinder_noncanonical",
    )


def _sealed_value(
    pk: phoenix_keys.PublicKey, address: phoenix_keys.StealthAddress, blinder: int
) -> bytes:
    """A ``value_enc`` of value 1000 sealed by hand with AES-GCM for alice's address with
    r = 777, so the plaintext may hold a blinder ``encrypt_value`` refuses to encode."""
    key = phoenix_keys.value_encryption_key(jubjub.scalar_mul(pk.A, 777), address)
    nonce = bytes(range(12))
    plaintext = (1000).to_bytes(8, "little") + blinder.to_bytes(32, "little")
    return nonce + AESGCM(key).encrypt(nonce, plaintext, None)


def _sender_cases() -> Iterator[Case]:
    _, alice = _alice()
    bob = phoenix_keys.public_key(phoenix_keys.keygen(b"bob"))
    npk = phoenix_keys.stealth_address(bob, 99).note_pk.encode()
    yield Case(
        "basic",
        "alice's key encrypted for bob's note",
        SenderInput(npk, phoenix_keys.encode_public_key(alice), 11, 12),
    )
    yield rejected(
        "bad_note_pk",
        "the note key is a torsion point",
        SenderInput(TORSION_POINT, phoenix_keys.encode_public_key(alice), 11, 12),
        "crypto.jubjub_point_subgroup",
    )


def _phoenix_handlers() -> tuple[Handler, ...]:
    h = partial(Handler, "general", "phoenix_keys")

    return (
        h(
            "keys",
            "sk = (a, b), pk = (aG, bG), vk = (a, B)",
            SeedInput,
            PhoenixKeysPost,
            run_phoenix_keys,
            _phoenix_keys_cases,
        ),
        h(
            "stealth_address",
            "R = rG, note_pk = H(rA)G + B",
            StealthInput,
            StealthPost,
            run_stealth_address,
            _stealth_cases,
        ),
        h(
            "ownership",
            "view-key ownership and note_sk = H(aR) + b",
            OwnershipInput,
            OwnershipPost,
            run_ownership,
            _ownership_cases,
        ),
        h(
            "nullifier",
            "Poseidon(Other; note_sk·G', pos)",
            NullifierInput,
            ScalarPost,
            run_nullifier,
            _nullifier_cases,
        ),
        h(
            "note_hash",
            "Poseidon(Other; type, vc, note_pk, pos)",
            NoteHashInput,
            ScalarPost,
            run_note_hash,
            _note_hash_cases,
        ),
        h(
            "encrypt_value",
            "AES-256-GCM, HKDF-SHA256 key",
            EncryptValueInput,
            ValueEncPost,
            run_encrypt_value,
            _encrypt_value_cases,
        ),
        h(
            "decrypt_value",
            "value decryption with the view key",
            DecryptValueInput,
            OpeningValuePost,
            run_decrypt_value,
            _decrypt_value_cases,
        ),
        h(
            "sender_encryption",
            "ElGamal of (A, B) under note_pk",
            SenderInput,
            SenderPost,
            run_sender_encryption,
            _sender_cases,
        ),
    )


# --- merkle_poseidon ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScalarOpening:
    root: int
    branch: tuple[tuple[int, ...], ...]
    positions: tuple[int, ...]


@dataclass(frozen=True)
class PoseidonTreeInput:
    depth: int
    leaves: tuple[int, ...]
    open: int


@dataclass(frozen=True)
class PoseidonTreePost:
    root: int
    opening: ScalarOpening


@dataclass(frozen=True)
class PoseidonVerifyInput:
    opening: ScalarOpening
    leaf: int


def run_poseidon_tree(pre: None, inp: PoseidonTreeInput) -> PoseidonTreePost:
    tree = merkle_poseidon.empty_tree(inp.depth)
    for leaf in inp.leaves:
        tree = tree.append(leaf)
    proof = tree.opening(inp.open)
    return PoseidonTreePost(tree.root(), ScalarOpening(proof.root, proof.branch, proof.positions))


def run_poseidon_verify(pre: None, inp: PoseidonVerifyInput) -> ValidPost:
    proof = sparse_merkle.Opening(inp.opening.root, inp.opening.branch, inp.opening.positions)
    return ValidPost(merkle_poseidon.verify_opening(proof, inp.leaf))


def _poseidon_tree_cases() -> Iterator[Case]:
    rng = random.Random(51)
    yield Case("depth_1_one", "one leaf, depth 1", PoseidonTreeInput(1, (7,), 0))
    yield Case("zero_leaf", "leaf 0, the low end of [0, r)", PoseidonTreeInput(1, (0,), 0))
    yield Case(
        "depth_2_five",
        "five leaves cross a subtree",
        PoseidonTreeInput(2, _field_elements(rng, 5), 4),
        seed=51,
    )
    yield Case(
        "depth_3_full_level",
        "sixteen leaves",
        PoseidonTreeInput(3, _field_elements(rng, 16), 9),
        seed=51,
    )
    yield Case(
        "mainnet_depth",
        "depth 17 with three notes",
        PoseidonTreeInput(17, _field_elements(rng, 3), 2),
        seed=51,
    )
    yield rejected(
        "absent_leaf",
        "opening a position never appended",
        PoseidonTreeInput(2, (1, 2), 2),
        "crypto.merkle_no_leaf",
    )
    yield rejected(
        "full",
        "a fifth leaf in a depth-1 tree",
        PoseidonTreeInput(1, (1, 2, 3, 4, 5), 0),
        "crypto.merkle_full",
    )
    yield rejected(
        "leaf_range",
        "a leaf equal to r",
        PoseidonTreeInput(2, (BLS_SCALAR_ORDER,), 0),
        "crypto.merkle_leaf_range",
    )
    yield Case(
        "depth_0", "depth 0", PoseidonTreeInput(0, (), 0), expected_error="crypto.merkle_depth"
    )


def _poseidon_verify_cases() -> Iterator[Case]:
    tree = merkle_poseidon.empty_tree(3)
    for leaf in (11, 22, 33, 44, 55, 66):
        tree = tree.append(leaf)
    proof = tree.opening(4)
    good = ScalarOpening(proof.root, proof.branch, proof.positions)
    yield Case("valid", "the leaf at position 4", PoseidonVerifyInput(good, 55))
    yield Case("wrong_leaf", "another leaf value", PoseidonVerifyInput(good, 56))
    level = list(proof.branch[2])
    level[1] = (level[1] + 1) % BLS_SCALAR_ORDER
    tampered = ScalarOpening(proof.root, (*proof.branch[:2], tuple(level)), proof.positions)
    yield Case("tampered_sibling", "a sibling changed", PoseidonVerifyInput(tampered, 55))
    moved = ScalarOpening(proof.root, proof.branch, (*proof.positions[:2], 1))
    yield Case(
        "wrong_index", "the bottom index points at a sibling", PoseidonVerifyInput(moved, 55)
    )
    short = ScalarOpening(proof.root, proof.branch, proof.positions[:2])
    yield rejected(
        "malformed",
        "fewer indices than levels",
        PoseidonVerifyInput(short, 55),
        "crypto.merkle_opening_shape",
    )
    narrow = ScalarOpening(proof.root, (*proof.branch[:2], proof.branch[2][:3]), proof.positions)
    yield rejected(
        "short_level",
        "a level of 3 items in an arity-4 opening, its index in range",
        PoseidonVerifyInput(narrow, 55),
        "crypto.merkle_opening_shape",
    )


# --- merkle_blake3 ------------------------------------------------------------------------


@dataclass(frozen=True)
class HashOpening:
    root: Hash32
    branch: tuple[tuple[Hash32, ...], ...]
    positions: tuple[int, ...]


@dataclass(frozen=True)
class Page:
    index: int
    data: bytes


@dataclass(frozen=True)
class PageTreeInput:
    height: int
    pages: tuple[Page, ...]
    open: int


@dataclass(frozen=True)
class HashTreePost:
    root: Hash32
    opening: HashOpening


@dataclass(frozen=True)
class ContractRoot:
    contract_id: bytes
    page_root: bytes


@dataclass(frozen=True)
class StateTreeInput:
    contracts: tuple[ContractRoot, ...]
    open: bytes


@dataclass(frozen=True)
class Blake3VerifyInput:
    opening: HashOpening
    leaf: bytes


def _hash_opening(proof: sparse_merkle.Opening[Hash32]) -> HashOpening:
    return HashOpening(proof.root, proof.branch, proof.positions)


def run_page_tree(pre: None, inp: PageTreeInput) -> HashTreePost:
    tree = merkle_blake3.PageTree(inp.height)
    for page in inp.pages:
        tree = tree.insert_page(page.index, page.data)
    return HashTreePost(tree.root(), _hash_opening(tree.opening(inp.open)))


def run_state_tree(pre: None, inp: StateTreeInput) -> HashTreePost:
    tree = merkle_blake3.StateTree()
    for entry in inp.contracts:
        tree = tree.insert(entry.contract_id, Hash32(entry.page_root))
    return HashTreePost(tree.root(), _hash_opening(tree.opening(inp.open)))


def run_blake3_verify(pre: None, inp: Blake3VerifyInput) -> ValidPost:
    proof = sparse_merkle.Opening(inp.opening.root, inp.opening.branch, inp.opening.positions)
    return ValidPost(merkle_blake3.verify_opening(proof, Hash32(inp.leaf)))


def _page_tree_cases() -> Iterator[Case]:
    yield Case(
        "one_page", "page 0 of a wasm32 memory", PageTreeInput(8, (Page(0, b"\x01" * 64),), 0)
    )
    pages = (Page(0, b"a"), Page(3, b"b"), Page(4, b"c"), Page(65535, b"d"))
    yield Case("sparse", "pages 0, 3, 4 and the last one", PageTreeInput(8, pages, 4))
    yield Case(
        "rewrite",
        "page 3 written twice keeps the last",
        PageTreeInput(8, (Page(3, b"old"), Page(3, b"new")), 3),
    )
    yield Case("wasm64", "height 13", PageTreeInput(13, (Page(1 << 20, b"x"),), 1 << 20))
    yield rejected(
        "out_of_range",
        "page 4^8",
        PageTreeInput(8, (Page(1 << 16, b"x"),), 0),
        "crypto.merkle_position",
    )
    yield rejected(
        "bad_height", "height 9", PageTreeInput(9, (Page(0, b"x"),), 0), "crypto.merkle_depth"
    )


def _state_tree_cases() -> Iterator[Case]:
    ids = [bytes([i]) * 32 for i in (1, 2, 3)]
    roots = [merkle_blake3.page_leaf(i) for i in ids]
    entries = tuple(ContractRoot(i, r) for i, r in zip(ids, roots, strict=True))
    yield Case(
        "three_contracts", "leaves 1, 2, 3 in insertion order", StateTreeInput(entries, ids[1])
    )
    yield Case(
        "update",
        "a contract's root replaced in place",
        StateTreeInput((*entries, ContractRoot(ids[0], roots[2])), ids[0]),
    )
    # Word sums collide: the second id takes over the first id's leaf, as in piecrust.
    collide = (
        (1).to_bytes(4, "little") + bytes(28),
        bytes(4) + (1).to_bytes(4, "little") + bytes(24),
    )
    yield Case(
        "colliding_ids",
        "two ids with the same word sum share a leaf",
        StateTreeInput(
            (ContractRoot(collide[0], roots[0]), ContractRoot(collide[1], roots[1])), collide[0]
        ),
    )
    # The sum wraps at 2^32: eight words 0xffffffff sum to 2^32 - 8 (mod 2^32).
    wrapped = (b"\xff" * 32, (2**32 - 8).to_bytes(4, "little") + bytes(28))
    yield Case(
        "colliding_wrapped_ids",
        "ids whose word sums differ by a multiple of 2^32 share a leaf",
        StateTreeInput(
            (ContractRoot(wrapped[0], roots[0]), ContractRoot(wrapped[1], roots[1])), wrapped[0]
        ),
    )
    yield rejected(
        "absent",
        "a contract never inserted",
        StateTreeInput(entries, bytes(32)),
        "crypto.merkle_no_leaf",
    )
    yield rejected(
        "bad_id",
        "a 31-byte contract id",
        StateTreeInput(entries, bytes(31)),
        "crypto.contract_id_length",
    )
    yield rejected(
        "bad_root",
        "a 31-byte page root",
        StateTreeInput((ContractRoot(ids[0], bytes(31)),), ids[0]),
        "crypto.merkle_leaf_length",
    )


def _blake3_verify_cases() -> Iterator[Case]:
    tree = merkle_blake3.StateTree()
    for i in range(1, 4):
        tree = tree.insert(bytes([i]) * 32, merkle_blake3.page_leaf(bytes([i])))
    proof = _hash_opening(tree.opening(bytes([2]) * 32))
    leaf = merkle_blake3.page_leaf(bytes([2]))
    yield Case("state_valid", "contract 2's leaf", Blake3VerifyInput(proof, leaf))
    yield Case(
        "state_wrong_leaf",
        "contract 3's leaf",
        Blake3VerifyInput(proof, merkle_blake3.page_leaf(bytes([3]))),
    )
    pages = merkle_blake3.PageTree().insert_page(7, b"page")
    page_proof = _hash_opening(pages.opening(7))
    yield Case(
        "page_valid", "page 7", Blake3VerifyInput(page_proof, merkle_blake3.page_leaf(b"page"))
    )
    yield rejected(
        "short_leaf",
        "a 31-byte leaf",
        Blake3VerifyInput(page_proof, bytes(31)),
        "crypto.merkle_leaf_length",
    )
    bad = HashOpening(proof.root, tuple(level[:1] for level in proof.branch), proof.positions)
    yield rejected(
        "bad_arity",
        "levels of one item",
        Blake3VerifyInput(bad, leaf),
        "crypto.merkle_opening_shape",
    )
    top = HashOpening(proof.root, proof.branch[:1], proof.positions[:1])
    yield Case(
        "one_level",
        "an opening of one level: the arity is read off it, the root does not match",
        Blake3VerifyInput(top, leaf),
    )


def _merkle_handlers() -> tuple[Handler, ...]:
    return (
        Handler(
            preset="general",
            component="merkle_poseidon",
            name="tree",
            intent="notes tree: append, root and opening (arity 4, empty = 0)",
            input_type=PoseidonTreeInput,
            post_type=PoseidonTreePost,
            run=run_poseidon_tree,
            cases=_poseidon_tree_cases,
        ),
        Handler(
            preset="general",
            component="merkle_poseidon",
            name="verify_opening",
            intent="opening verification, Merkle4 Poseidon",
            input_type=PoseidonVerifyInput,
            post_type=ValidPost,
            run=run_poseidon_verify,
            cases=_poseidon_verify_cases,
        ),
        Handler(
            preset="general",
            component="merkle_blake3",
            name="page_tree",
            intent="piecrust page tree: arity 4, BLAKE3, height 8 or 13",
            input_type=PageTreeInput,
            post_type=HashTreePost,
            run=run_page_tree,
            cases=_page_tree_cases,
        ),
        Handler(
            preset="general",
            component="merkle_blake3",
            name="state_tree",
            intent="piecrust state tree: arity 2, height 32, insertion-order leaves",
            input_type=StateTreeInput,
            post_type=HashTreePost,
            run=run_state_tree,
            cases=_state_tree_cases,
        ),
        Handler(
            preset="general",
            component="merkle_blake3",
            name="verify_opening",
            intent="opening verification, BLAKE3 nodes",
            input_type=Blake3VerifyInput,
            post_type=ValidPost,
            run=run_blake3_verify,
            cases=_blake3_verify_cases,
        ),
    )


HANDLERS: tuple[Handler, ...] = (
    *_bls_handlers(),
    *_poseidon_handlers(),
    *_jubjub_handlers(),
    *_schnorr_handlers(),
    *_phoenix_handlers(),
    *_merkle_handlers(),
)

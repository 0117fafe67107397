"""``general`` handlers for the receiving side of Phoenix note cryptography and for an
opening's position (spec/crypto.md §8, §9): ``open_value`` (decrypt, then check the opening
against the commitment), ``decrypt_sender`` and ``sparse_merkle.position_of``. Issue 11:
the mutation run found no vector reaching them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from duskspec.crypto import elgamal, jubjub, merkle_poseidon, phoenix_keys, sparse_merkle
from duskspec.vectors.handlers.crypto import ScalarOpening
from duskspec.vectors.registry import Case, Handler, rejected


@dataclass(frozen=True)
class OpenValueInput:
    seed: bytes
    stealth_address: bytes
    value_enc: bytes
    commitment: bytes


@dataclass(frozen=True)
class OpenedPost:
    value: int
    blinder: int


@dataclass(frozen=True)
class SenderDecryptInput:
    note_sk: int
    encryption_a: bytes
    encryption_b: bytes


@dataclass(frozen=True)
class SenderKeyPost:
    sender_public_key: bytes


@dataclass(frozen=True)
class PositionPost:
    position: int


def run_open_value(pre: None, inp: OpenValueInput) -> OpenedPost:
    vk = phoenix_keys.view_key(phoenix_keys.keygen(inp.seed))
    address = phoenix_keys.decode_stealth_address(inp.stealth_address)
    commitment = jubjub.decode_point(inp.commitment)
    value, blinder = phoenix_keys.open_value(vk, address, inp.value_enc, commitment)
    return OpenedPost(value, blinder)


def run_decrypt_sender(pre: None, inp: SenderDecryptInput) -> SenderKeyPost:
    encryption = (
        elgamal.decode_ciphertext(inp.encryption_a),
        elgamal.decode_ciphertext(inp.encryption_b),
    )
    sender = phoenix_keys.decrypt_sender(inp.note_sk, encryption)
    return SenderKeyPost(phoenix_keys.encode_public_key(sender))


def run_opening_position(pre: None, inp: ScalarOpening) -> PositionPost:
    proof = sparse_merkle.Opening(inp.root, inp.branch, inp.positions)
    shape = merkle_poseidon.shape(max(len(inp.branch), 1))
    return PositionPost(sparse_merkle.position_of(shape, proof))


def _open_value_cases() -> Iterator[Case]:
    pk = phoenix_keys.public_key(phoenix_keys.keygen(b"alice"))
    address = phoenix_keys.stealth_address(pk, 777)
    encoded = phoenix_keys.encode_stealth_address(address)
    value_enc = phoenix_keys.encrypt_value(pk, 777, address, 1000, 4242, bytes(range(12)))
    match = jubjub.value_commitment(1000, 4242).encode()
    yield Case(
        "opens",
        "the decrypted opening matches",
        OpenValueInput(b"alice", encoded, value_enc, match),
    )
    other = jubjub.value_commitment(1000, 4243).encode()
    yield rejected(
        "commitment_mismatch",
        "the commitment has another blinder",
        OpenValueInput(b"alice", encoded, value_enc, other),
        "crypto.note_commitment_mismatch",
    )


def _decrypt_sender_cases() -> Iterator[Case]:
    sender = phoenix_keys.public_key(phoenix_keys.keygen(b"alice"))
    note_sk = 987654321
    note_pk = jubjub.fixed_base_mul(jubjub.GENERATOR, note_sk)
    first, second = phoenix_keys.encrypt_sender(note_pk, sender, (11, 12))
    a, b = elgamal.encode_ciphertext(first), elgamal.encode_ciphertext(second)
    yield Case("decrypts", "the note key recovers alice's key", SenderDecryptInput(note_sk, a, b))
    yield Case("swapped", "A and B swapped come back swapped", SenderDecryptInput(note_sk, b, a))


def _opening_position_cases() -> Iterator[Case]:
    tree = merkle_poseidon.empty_tree(3)
    for leaf in range(1, 23):
        tree = tree.append(leaf)
    for position in (0, 5, 21):
        proof = tree.opening(position)
        yield Case(
            f"position_{position}",
            f"indices spelling position {position}, most significant level first",
            ScalarOpening(proof.root, proof.branch, proof.positions),
        )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="phoenix_keys",
        name="open_value",
        intent="decrypt a note's value and check the opening against its commitment",
        input_type=OpenValueInput,
        post_type=OpenedPost,
        run=run_open_value,
        cases=_open_value_cases,
    ),
    Handler(
        preset="general",
        component="phoenix_keys",
        name="decrypt_sender",
        intent="the sender's public key from its two ElGamal ciphertexts",
        input_type=SenderDecryptInput,
        post_type=SenderKeyPost,
        run=run_decrypt_sender,
        cases=_decrypt_sender_cases,
    ),
    Handler(
        preset="general",
        component="merkle_poseidon",
        name="opening_position",
        intent="the leaf position an opening's indices spell",
        input_type=ScalarOpening,
        post_type=PositionPost,
        run=run_opening_position,
        cases=_opening_position_cases,
    ),
)

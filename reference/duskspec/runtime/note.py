"""Phoenix notes and their 302-byte encoding (spec/transactions.md §6; spec/sources.md §4.2).

    type u8 ‖ value_commitment (32) ‖ R (32) ‖ note_pk (32) ‖ pos u64 LE ‖ value_enc (68)
    ‖ sender tag u8 ‖ sender (128)

Points are compressed JubJub (:func:`duskspec.crypto.jubjub.encode_point`). Sender tag 0:
the ElGamal encryptions of the sender's ``A`` and ``B`` under ``note_pk`` (four points);
tag 1: contract information (32-byte contract id ‖ 96-byte zero-padded function name), for
notes the transfer contract mints (refunds). Decoding is strict: a wrong length, a point off
the curve or not canonical, an unknown type or tag raises ``runtime.malformed_note``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from duskspec import encoding
from duskspec.crypto import elgamal, jubjub, phoenix_keys
from duskspec.crypto.jubjub import Point
from duskspec.crypto.phoenix_keys import OBFUSCATED, TRANSPARENT, StealthAddress
from duskspec.errors import ProtocolError, RuntimeProtocolError

NOTE_SIZE = 302
SENDER_SIZE = 128
SENDER_ENCRYPTION = 0
SENDER_CONTRACT = 1


@dataclass(frozen=True)
class Note:
    note_type: int
    value_commitment: Point
    address: StealthAddress
    pos: int
    value_enc: bytes
    sender_tag: int
    sender: bytes

    def leaf(self) -> int:
        """The notes-tree leaf ``Poseidon(Other; type, vc.u, vc.v, npk.u, npk.v, pos)``."""
        return phoenix_keys.note_hash(
            self.note_type, self.value_commitment, self.address.note_pk, self.pos
        )

    def at(self, pos: int) -> Note:
        return replace(self, pos=pos)

    def sender_encryption(self) -> tuple[elgamal.Ciphertext, elgamal.Ciphertext]:
        """The two ciphertexts of a tag-0 sender (decoded once per note object)."""
        return self._sender_encryption

    @cached_property
    def _sender_encryption(self) -> tuple[elgamal.Ciphertext, elgamal.Ciphertext]:
        first = elgamal.decode_ciphertext(self.sender[:64])
        second = elgamal.decode_ciphertext(self.sender[64:])
        return first, second

    def transparent_value(self) -> int:
        """The clear value of a transparent note (spec/transactions.md §6)."""
        return int.from_bytes(self.value_enc[:8], "little")


def encode_note(note: Note) -> bytes:
    return b"".join(
        (
            encoding.encode_u8(note.note_type),
            jubjub.encode_point(note.value_commitment),
            phoenix_keys.encode_stealth_address(note.address),
            encoding.encode_u64(note.pos),
            encoding.encode_fixed(note.value_enc, phoenix_keys.VALUE_ENC_SIZE),
            encoding.encode_u8(note.sender_tag),
            encoding.encode_fixed(note.sender, SENDER_SIZE),
        )
    )


def decode_note(data: bytes) -> Note:
    if len(data) != NOTE_SIZE:
        raise RuntimeProtocolError("runtime.malformed_note", f"{len(data)} bytes, not 302")
    try:
        return _decode(data)
    except ProtocolError as exc:
        raise RuntimeProtocolError("runtime.malformed_note", exc.code) from exc


def _decode(data: bytes) -> Note:
    reader = encoding.Reader(data)
    note_type = reader.u8()
    if note_type not in (TRANSPARENT, OBFUSCATED):
        raise RuntimeProtocolError("runtime.malformed_note", f"note type {note_type}")
    commitment = jubjub.decode_point(reader.fixed(32))
    address = phoenix_keys.decode_stealth_address(reader.fixed(64))
    pos = reader.u64()
    value_enc = reader.fixed(phoenix_keys.VALUE_ENC_SIZE)
    tag = reader.u8()
    sender = reader.fixed(SENDER_SIZE)
    reader.finish()
    note = Note(note_type, commitment, address, pos, value_enc, tag, sender)
    if tag == SENDER_ENCRYPTION:
        note.sender_encryption()  # four valid points
    elif tag != SENDER_CONTRACT:
        raise RuntimeProtocolError("runtime.malformed_note", f"sender tag {tag}")
    return note


def transparent_note(address: StealthAddress, value: int, contract: bytes, function: str) -> Note:
    """A note the transfer contract mints in the clear: commitment ``v·G``, the value in
    ``value_enc``, the minting contract and function as its sender."""
    return Note(
        TRANSPARENT,
        jubjub.value_commitment(value, 0),
        address,
        0,
        phoenix_keys.transparent_value_enc(value),
        SENDER_CONTRACT,
        contract + function.encode().ljust(SENDER_SIZE - len(contract), b"\x00"),
    )


def obfuscated_note(
    receiver: phoenix_keys.PublicKey,
    sender: phoenix_keys.PublicKey,
    value: int,
    blinder: int,
    stealth_r: int,
    sender_blinders: tuple[int, int],
    aes_nonce: bytes,
) -> Note:
    """A wallet's obfuscated note to ``receiver`` (every random value an explicit input)."""
    address = phoenix_keys.stealth_address(receiver, stealth_r)
    c1, c2 = phoenix_keys.encrypt_sender(address.note_pk, sender, sender_blinders)
    return Note(
        OBFUSCATED,
        jubjub.value_commitment(value, blinder),
        address,
        0,
        phoenix_keys.encrypt_value(receiver, stealth_r, address, value, blinder, aes_nonce),
        SENDER_ENCRYPTION,
        elgamal.encode_ciphertext(c1) + elgamal.encode_ciphertext(c2),
    )

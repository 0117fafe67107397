"""Phoenix keys and the cryptography of notes (spec/crypto.md §8; spec/sources.md §4.2;
Dusk's ``phoenix-core``: ``keys/*.rs``, ``stealth_address.rs``, ``note.rs``, ``aes.rs``).

With ``G`` = ``GENERATOR``, ``G'`` = ``GENERATOR_NUMS`` and ``H(P)`` = Jubjub
``hash_to_scalar`` of ``P``'s 32-byte encoding:

- secret key ``sk = (a, b)``; public key ``pk = (A, B) = (a·G, b·G)``; view key
  ``vk = (a, B)``;
- stealth address for a random ``r``: ``R = r·G``, ``note_pk = H(r·A)·G + B``;
- note secret key ``note_sk = H(a·R) + b``; a view key owns the address iff
  ``H(a·R)·G + B == note_pk``;
- value commitment ``v·G + s·G'`` (``s = 0`` for transparent notes);
- note hash ``Poseidon(Other; type, vc.u, vc.v, note_pk.u, note_pk.v, pos)``;
- nullifier ``Poseidon(Other; (note_sk·G').u, (note_sk·G').v, pos)``;
- value encryption: AES-256-GCM of ``v (u64 LE) ‖ s (32 bytes LE)`` under
  ``HKDF-SHA256(salt = stealth address bytes, ikm = encode(r·A) = encode(a·R),
  info = "Phoenix-Dusk")``, written ``nonce (12) ‖ ciphertext ‖ tag (16)`` = 68 bytes;
  a transparent note stores ``v`` little-endian followed by zeros;
- sender encryption: ElGamal of ``A`` and ``B`` under ``note_pk`` with two blinders.

Departures: Dusk draws ``sk``, ``r``, the AES nonce and the blinders from an RNG; here
:func:`keygen` derives ``sk`` from a seed and every other random value is an explicit input.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes as crypto_hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from duskspec.crypto import elgamal, jubjub, poseidon
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, SUBGROUP_ORDER, Point
from duskspec.errors import CryptoError

#: Domain of duskspec's :func:`keygen` (Dusk draws keys from an RNG).
KEYGEN_DST = b"DUSKSPEC_PHOENIX_KEYGEN_V1"

#: HKDF ``info`` of the value encryption key.
HKDF_INFO = b"Phoenix-Dusk"

AES_NONCE_SIZE = 12
AES_TAG_SIZE = 16
VALUE_PLAINTEXT_SIZE = 8 + 32
VALUE_ENC_SIZE = AES_NONCE_SIZE + VALUE_PLAINTEXT_SIZE + AES_TAG_SIZE

#: ``NoteType`` values.
TRANSPARENT = 0
OBFUSCATED = 1


@dataclass(frozen=True)
class SecretKey:
    a: int
    b: int


@dataclass(frozen=True)
class PublicKey:
    A: Point
    B: Point


@dataclass(frozen=True)
class ViewKey:
    a: int
    B: Point


@dataclass(frozen=True)
class StealthAddress:
    R: Point
    note_pk: Point


def _check_scalar(k: int) -> None:
    if not 0 <= k < SUBGROUP_ORDER:
        raise CryptoError("crypto.jubjub_scalar_range", "a Jubjub scalar is in [0, t)")


def _derive_scalar(seed: bytes, label: bytes) -> int:
    return 1 + jubjub.hash_to_scalar(KEYGEN_DST + label + seed) % (SUBGROUP_ORDER - 1)


# --- keys ---------------------------------------------------------------------------------


def keygen(seed: bytes) -> SecretKey:
    """``a`` and ``b`` = ``1 + (hash_to_scalar(KEYGEN_DST ‖ label ‖ seed) mod (t - 1))``
    with labels ``a`` and ``b``: deterministic and never zero."""
    return SecretKey(_derive_scalar(seed, b"a"), _derive_scalar(seed, b"b"))


def public_key(sk: SecretKey) -> PublicKey:
    _check_scalar(sk.a)
    _check_scalar(sk.b)
    return PublicKey(jubjub.fixed_base_mul(GENERATOR, sk.a), jubjub.fixed_base_mul(GENERATOR, sk.b))


def view_key(sk: SecretKey) -> ViewKey:
    _check_scalar(sk.a)
    _check_scalar(sk.b)
    return ViewKey(sk.a, jubjub.fixed_base_mul(GENERATOR, sk.b))


def point_hash(point: Point) -> int:
    """``keys::hash``: Jubjub ``hash_to_scalar`` of the point's encoding."""
    return jubjub.hash_to_scalar(point.encode())


def stealth_address(pk: PublicKey, r: int) -> StealthAddress:
    """``R = r·G``, ``note_pk = H(r·A)·G + B``."""
    _check_scalar(r)
    shared = jubjub.scalar_mul(pk.A, r)
    note_pk = jubjub.fixed_base_mul(GENERATOR, point_hash(shared)) + pk.B
    return StealthAddress(jubjub.fixed_base_mul(GENERATOR, r), note_pk)


def note_secret_key(sk: SecretKey, address: StealthAddress) -> int:
    """``note_sk = H(a·R) + b (mod t)``, the Schnorr key that spends the note."""
    _check_scalar(sk.a)
    _check_scalar(sk.b)
    return (point_hash(jubjub.scalar_mul(address.R, sk.a)) + sk.b) % SUBGROUP_ORDER


def owns(vk: ViewKey, address: StealthAddress) -> bool:
    """The view-key ownership test ``H(a·R)·G + B == note_pk``."""
    _check_scalar(vk.a)
    expected = (
        jubjub.fixed_base_mul(GENERATOR, point_hash(jubjub.scalar_mul(address.R, vk.a))) + vk.B
    )
    return expected == address.note_pk


def nullifier(note_sk: int, pos: int) -> int:
    """``Poseidon(Other; (note_sk·G').u, (note_sk·G').v, pos)``."""
    _check_scalar(note_sk)
    _check_position(pos)
    pk_prime = jubjub.fixed_base_mul(GENERATOR_NUMS, note_sk)
    return poseidon.hash(poseidon.Domain.OTHER, [*pk_prime.hash_inputs(), pos])


def note_hash(note_type: int, value_commitment: Point, note_pk: Point, pos: int) -> int:
    """The note's leaf in the notes tree: ``Poseidon(Other; type, vc.u, vc.v, npk.u,
    npk.v, pos)``."""
    if note_type not in (TRANSPARENT, OBFUSCATED):
        raise CryptoError("crypto.note_type", f"note type {note_type} is neither 0 nor 1")
    _check_position(pos)
    inputs = [note_type, *value_commitment.hash_inputs(), *note_pk.hash_inputs(), pos]
    return poseidon.hash(poseidon.Domain.OTHER, inputs)


def _check_position(pos: int) -> None:
    if not 0 <= pos < 1 << 64:
        raise CryptoError("crypto.note_position_range", "a note position is a u64")


# --- encodings ----------------------------------------------------------------------------


def encode_stealth_address(address: StealthAddress) -> bytes:
    return address.R.encode() + address.note_pk.encode()


def decode_stealth_address(data: bytes) -> StealthAddress:
    """Strict (``from_bytes_checked``): two subgroup points, neither the identity."""
    if len(data) != 64:
        raise CryptoError("crypto.stealth_address_length", f"{len(data)} bytes, expected 64")
    address = StealthAddress(jubjub.decode_point(data[:32]), jubjub.decode_point(data[32:]))
    if jubjub.IDENTITY in (address.R, address.note_pk):
        raise CryptoError("crypto.stealth_address_identity", "R or note_pk is the identity")
    return address


def encode_public_key(pk: PublicKey) -> bytes:
    return pk.A.encode() + pk.B.encode()


def decode_public_key(data: bytes) -> PublicKey:
    if len(data) != 64:
        raise CryptoError("crypto.phoenix_public_key_length", f"{len(data)} bytes, expected 64")
    return PublicKey(jubjub.decode_point(data[:32]), jubjub.decode_point(data[32:]))


# --- value encryption ---------------------------------------------------------------------


def value_encryption_key(shared_secret: Point, address: StealthAddress) -> bytes:
    """``HKDF-SHA256(salt = stealth address bytes, ikm = encode(shared), info)``, 32 bytes."""
    kdf = HKDF(
        algorithm=crypto_hashes.SHA256(),
        length=32,
        salt=encode_stealth_address(address),
        info=HKDF_INFO,
    )
    return kdf.derive(shared_secret.encode())


def encrypt_value(
    pk: PublicKey, r: int, address: StealthAddress, value: int, blinder: int, nonce: bytes
) -> bytes:
    """The 68-byte ``value_enc`` of an obfuscated note sent to ``pk`` with stealth
    randomness ``r`` (the shared secret is ``r·A``)."""
    _check_scalar(r)
    _check_scalar(blinder)
    if not 0 <= value < 1 << 64:
        raise CryptoError("crypto.commitment_value_range", "a note value is a u64")
    if len(nonce) != AES_NONCE_SIZE:
        raise CryptoError(
            "crypto.note_nonce_length", f"{len(nonce)} bytes, expected {AES_NONCE_SIZE}"
        )
    key = value_encryption_key(jubjub.scalar_mul(pk.A, r), address)
    plaintext = value.to_bytes(8, "little") + jubjub.encode_scalar(blinder)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, None)


def decrypt_value(vk: ViewKey, address: StealthAddress, value_enc: bytes) -> tuple[int, int]:
    """``(value, blinder)`` of an obfuscated note (the shared secret is ``a·R``)."""
    _check_scalar(vk.a)
    if len(value_enc) != VALUE_ENC_SIZE:
        raise CryptoError(
            "crypto.note_value_enc_length", f"{len(value_enc)} bytes, expected {VALUE_ENC_SIZE}"
        )
    key = value_encryption_key(jubjub.scalar_mul(address.R, vk.a), address)
    nonce, body = value_enc[:AES_NONCE_SIZE], value_enc[AES_NONCE_SIZE:]
    try:
        plaintext = AESGCM(key).decrypt(nonce, body, None)
    except InvalidTag as exc:
        raise CryptoError(
            "crypto.note_decryption_failed", "wrong key or tampered ciphertext"
        ) from exc
    blinder = int.from_bytes(plaintext[8:], "little")
    if blinder >= SUBGROUP_ORDER:
        raise CryptoError(
            "crypto.note_blinder_noncanonical", "the decrypted blinder is not below t"
        )
    return int.from_bytes(plaintext[:8], "little"), blinder


def transparent_value_enc(value: int) -> bytes:
    """A transparent note's ``value_enc``: the value in the clear, then zeros."""
    if not 0 <= value < 1 << 64:
        raise CryptoError("crypto.commitment_value_range", "a note value is a u64")
    return value.to_bytes(8, "little") + bytes(VALUE_ENC_SIZE - 8)


def open_value(
    vk: ViewKey, address: StealthAddress, value_enc: bytes, commitment: Point
) -> tuple[int, int]:
    """Decrypt, then check the opening against the note's commitment (``value_opening``)."""
    value, blinder = decrypt_value(vk, address, value_enc)
    if jubjub.value_commitment(value, blinder) != commitment:
        raise CryptoError("crypto.note_commitment_mismatch", "the decrypted opening does not match")
    return value, blinder


# --- sender encryption --------------------------------------------------------------------


def encrypt_sender(
    note_pk: Point, sender: PublicKey, blinders: tuple[int, int]
) -> tuple[elgamal.Ciphertext, elgamal.Ciphertext]:
    """ElGamal of ``A`` and ``B`` under ``note_pk`` (``Sender::encrypt``)."""
    return (
        elgamal.encrypt(note_pk, sender.A, blinders[0]),
        elgamal.encrypt(note_pk, sender.B, blinders[1]),
    )


def decrypt_sender(
    note_sk: int, encryption: tuple[elgamal.Ciphertext, elgamal.Ciphertext]
) -> PublicKey:
    return PublicKey(
        elgamal.decrypt(note_sk, encryption[0]), elgamal.decrypt(note_sk, encryption[1])
    )

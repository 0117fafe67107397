"""The Phoenix transfer circuit (spec/transactions.md §2-§4): 1-4 input notes, 2 outputs.

:func:`transfer_circuit` writes the statements T1-T6 of spec/transactions.md §3 with the
gadgets of :mod:`duskspec.crypto.plonk.gadgets`; :func:`public_inputs` lists the public
inputs in the order the circuit appends them (Dusk's order, spec/transactions.md §2):

    payload_hash, root, nullifier_1..nullifier_I,
    vc_out0.u, vc_out0.v, vc_out1.u, vc_out1.v, max_fee, deposit,
    npk_out0.u, npk_out0.v, npk_out1.u, npk_out1.v,
    for each output o in (0, 1): enc_A(o).c1, enc_A(o).c2, enc_B(o).c1, enc_B(o).c2 (u, v each)

The tree depth is a parameter (mainnet :data:`~duskspec.crypto.merkle_poseidon.MAINNET_DEPTH`
= 17). Claimed values (nullifiers, output commitments, ciphertexts, the root) become public
inputs first; the circuit then recomputes them from the private data and asserts equality,
so a wrong claim leaves a row unsatisfied rather than producing a different statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from duskspec.crypto import elgamal, poseidon
from duskspec.crypto.jubjub import Point
from duskspec.crypto.phoenix_keys import PublicKey
from duskspec.crypto.plonk.builder import Builder, Linear, Witness
from duskspec.crypto.plonk.gadgets import commitment as commitment_gadget
from duskspec.crypto.plonk.gadgets import elgamal as elgamal_gadget
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets import merkle as merkle_gadget
from duskspec.crypto.plonk.gadgets import poseidon as poseidon_gadget
from duskspec.crypto.plonk.gadgets import schnorr as schnorr_gadget
from duskspec.crypto.plonk.gadgets.jubjub import WitnessPoint
from duskspec.crypto.schnorr import Signature, SignatureDouble
from duskspec.crypto.sparse_merkle import Opening
from duskspec.errors import RuntimeProtocolError

#: Dusk keeps verifier data for 1, 2, 3 and 4 inputs, always with 2 outputs.
MAX_INPUTS = 4
OUTPUT_NOTES = 2


@dataclass(frozen=True)
class TransferInput:
    """What the prover knows about one spent note."""

    note_type: int
    value: int
    value_blinder: int
    note_pk: Point
    #: ``note_sk·G'``, the key the nullifier is derived from.
    note_pk_prime: Point
    pos: int
    opening: Opening[int]
    #: The claimed nullifier (a public input).
    nullifier: int
    #: Double-key Schnorr signature of ``payload_hash`` by ``note_sk``.
    signature: SignatureDouble


@dataclass(frozen=True)
class TransferOutput:
    """What the prover knows about one created note."""

    value: int
    value_blinder: int
    #: The claimed commitment (public input) and the note's public key (public input).
    value_commitment: Point
    note_pk: Point
    #: ElGamal randomness for the encryptions of the sender's ``A`` and ``B``.
    sender_blinders: tuple[int, int]
    #: The claimed encryptions of ``A`` and ``B`` under ``note_pk`` (public inputs).
    sender_enc: tuple[elgamal.Ciphertext, elgamal.Ciphertext]


@dataclass(frozen=True)
class TransferSender:
    """The sender's public key and its two Schnorr signatures of ``payload_hash`` (by ``a``
    under ``A`` and by ``b`` under ``B``)."""

    pk: PublicKey
    signatures: tuple[Signature, Signature]


@dataclass(frozen=True)
class TransferPublic:
    """The transaction values that enter the circuit as public inputs."""

    payload_hash: int
    root: int
    max_fee: int
    deposit: int


def _check_shape(
    inputs: Sequence[TransferInput], outputs: Sequence[TransferOutput], depth: int
) -> None:
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise RuntimeProtocolError(
            "runtime.phoenix_input_count", f"{len(inputs)} inputs; a transfer spends 1 to 4"
        )
    if len(outputs) != OUTPUT_NOTES:
        raise RuntimeProtocolError(
            "runtime.phoenix_output_count", f"{len(outputs)} outputs; a transfer has 2"
        )
    for note in inputs:
        if len(note.opening.branch) != depth:
            raise RuntimeProtocolError(
                "runtime.phoenix_opening_depth", f"an opening is not {depth} levels deep"
            )


def public_inputs(
    inputs: Sequence[TransferInput], outputs: Sequence[TransferOutput], tx: TransferPublic
) -> tuple[int, ...]:
    """The public inputs in the circuit's order (the verifier's side: no circuit is built)."""
    values: list[int] = [tx.payload_hash, tx.root]
    values.extend(note.nullifier for note in inputs)
    for out in outputs:
        values.extend(out.value_commitment.hash_inputs())
    values.extend((tx.max_fee, tx.deposit))
    for out in outputs:
        values.extend(out.note_pk.hash_inputs())
    for out in outputs:
        for ciphertext in out.sender_enc:
            values.extend(ciphertext.c1.hash_inputs())
            values.extend(ciphertext.c2.hash_inputs())
    return tuple(values)


def _spend(builder: Builder, note: TransferInput, payload_hash: Witness, root: Witness) -> Witness:
    """T1-T4 for one input note; returns its value variable (range-checked to 64 bits)."""
    nullifier = builder.append_public(note.nullifier)
    note_pk = jubjub_gadget.append_point(builder, note.note_pk)
    note_pk_prime = jubjub_gadget.append_point(builder, note.note_pk_prime)
    jubjub_gadget.assert_in_subgroup(builder, note_pk_prime)
    note_type = builder.append_witness(note.note_type)
    pos = builder.append_witness(note.pos)
    value = builder.append_witness(note.value)
    blinder = builder.append_witness(note.value_blinder)
    signature = schnorr_gadget.append_signature_double(builder, note.signature)
    # T2 ownership: note_sk signs payload_hash under (note_pk, note_pk').
    schnorr_gadget.verify_double(builder, note_pk, note_pk_prime, payload_hash, signature)
    # T3 nullifier: Poseidon(Other; note_pk'.u, note_pk'.v, pos).
    computed_nullifier = poseidon_gadget.hash(
        builder, poseidon.Domain.OTHER, [note_pk_prime.u, note_pk_prime.v, pos]
    )
    builder.assert_equal(computed_nullifier, nullifier)
    # T4 (inputs): the note's commitment opens to a u64 value.
    commitment = commitment_gadget.value_commitment(builder, value, blinder)
    note_hash = poseidon_gadget.hash(
        builder,
        poseidon.Domain.OTHER,
        [note_type, commitment.u, commitment.v, note_pk.u, note_pk.v, pos],
    )
    # T1 membership: the note hash is a leaf of the tree with the public root.
    computed_root = merkle_gadget.opening_root(builder, note_hash, note.opening)
    builder.assert_equal(computed_root, root)
    return value


def _mint(builder: Builder, out: TransferOutput) -> Witness:
    """T4 for one output note; returns its value variable (range-checked to 64 bits)."""
    value = builder.append_witness(out.value)
    expected = jubjub_gadget.append_public_point(builder, out.value_commitment)
    blinder = builder.append_witness(out.value_blinder)
    computed = commitment_gadget.value_commitment(builder, value, blinder)
    jubjub_gadget.assert_point_equal(builder, computed, expected)
    return value


def _sender(
    builder: Builder,
    sender: TransferSender,
    outputs: Sequence[TransferOutput],
    payload_hash: Witness,
) -> None:
    """T6: the sender knows ``a`` and ``b`` (two Schnorr signatures) and ``(A, B)`` is
    encrypted correctly under each output's note public key."""
    key_a = jubjub_gadget.append_point(builder, sender.pk.A)
    key_b = jubjub_gadget.append_point(builder, sender.pk.B)
    for key, signature in zip((key_a, key_b), sender.signatures, strict=True):
        sig = schnorr_gadget.append_signature(builder, signature)
        schnorr_gadget.verify(builder, key, payload_hash, sig)
    note_pks = [jubjub_gadget.append_public_point(builder, out.note_pk) for out in outputs]
    for note_pk in note_pks:
        jubjub_gadget.assert_on_curve(builder, note_pk)
    blinders = [
        [builder.append_witness(blinder) for blinder in out.sender_blinders] for out in outputs
    ]
    for out, note_pk, out_blinders in zip(outputs, note_pks, blinders, strict=True):
        for key, blinder, claimed in zip((key_a, key_b), out_blinders, out.sender_enc, strict=True):
            c1, c2 = elgamal_gadget.encrypt(builder, note_pk, key, blinder)
            _assert_public_point(builder, c1, claimed.c1)
            _assert_public_point(builder, c2, claimed.c2)


def _assert_public_point(builder: Builder, computed: WitnessPoint, claimed: Point) -> None:
    jubjub_gadget.assert_point_equal(
        builder, computed, jubjub_gadget.append_public_point(builder, claimed)
    )


def transfer_circuit(
    inputs: Sequence[TransferInput],
    outputs: Sequence[TransferOutput],
    tx: TransferPublic,
    sender: TransferSender,
    depth: int,
) -> Builder:
    """The transfer circuit with this witness (spec/transactions.md §3, T1-T6)."""
    _check_shape(inputs, outputs, depth)
    builder = Builder()
    payload_hash = builder.append_public(tx.payload_hash)
    root = builder.append_public(tx.root)
    input_values = [_spend(builder, note, payload_hash, root) for note in inputs]
    output_values = [_mint(builder, out) for out in outputs]
    max_fee = builder.append_public(tx.max_fee)
    deposit = builder.append_public(tx.deposit)
    # T5 balance: Σ inputs = Σ outputs + max_fee + deposit (every value below 2^64).
    spent = [(v, 1) for v in input_values]
    created = [(v, -1) for v in (*output_values, max_fee, deposit)]
    builder.assert_zero(Linear((*spent, *created)))
    _sender(builder, sender, outputs, payload_hash)
    return builder

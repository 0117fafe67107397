"""Wallet-side construction of a transfer's witness (spec/transactions.md §4).

:func:`prepare_transfer` plays the wallet: the sender owns the input notes (obfuscated notes
sent to its own public key and appended to a fresh notes tree of the given depth, after
``tree_prefix`` unrelated leaves), signs ``payload_hash`` with every note secret key and
with ``a`` and ``b``, and encrypts its public key for both outputs. Everything random is an
explicit input, so the result is a pure function of its arguments.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from duskspec.crypto import jubjub, merkle_poseidon, phoenix_keys, schnorr
from duskspec.crypto.hashes import BLS_SCALAR_ORDER
from duskspec.crypto.jubjub import GENERATOR_NUMS, SUBGROUP_ORDER
from duskspec.crypto.phoenix_keys import OBFUSCATED, PublicKey, SecretKey
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.constraint_system import unsatisfied_rows
from duskspec.errors import RuntimeProtocolError
from duskspec.runtime.circuits.transfer import (
    TransferInput,
    TransferOutput,
    TransferPublic,
    TransferSender,
    public_inputs,
    transfer_circuit,
)


@dataclass(frozen=True)
class InputSpec:
    """An input note to create and spend: its value, blinder and stealth randomness."""

    value: int
    blinder: int
    stealth_r: int


@dataclass(frozen=True)
class OutputSpec:
    """An output note: receiver, value, blinder, stealth randomness, sender blinders."""

    receiver: PublicKey
    value: int
    blinder: int
    stealth_r: int
    sender_blinders: tuple[int, int]


@dataclass(frozen=True)
class Transfer:
    """A complete witness for :func:`~duskspec.runtime.circuits.transfer.transfer_circuit`."""

    inputs: tuple[TransferInput, ...]
    outputs: tuple[TransferOutput, ...]
    tx: TransferPublic
    sender: TransferSender
    depth: int


def prepare_transfer(
    sender_sk: SecretKey,
    inputs: Sequence[InputSpec],
    outputs: Sequence[OutputSpec],
    *,
    payload_hash: int,
    max_fee: int,
    deposit: int,
    depth: int,
    tree_prefix: Sequence[int] = (),
    nonce_seed: bytes = b"",
) -> Transfer:
    """Create the input notes in a tree, then the witness spending them (no balance check:
    an unbalanced witness is built so that the circuit can refuse it)."""
    sender_pk = phoenix_keys.public_key(sender_sk)
    tree = merkle_poseidon.empty_tree(depth)
    for leaf in tree_prefix:
        tree = tree.append(leaf)
    created = []
    for spec in inputs:
        address = phoenix_keys.stealth_address(sender_pk, spec.stealth_r)
        commitment = jubjub.value_commitment(spec.value, spec.blinder)
        pos = tree.size
        leaf = phoenix_keys.note_hash(OBFUSCATED, commitment, address.note_pk, pos)
        tree = tree.append(leaf)
        created.append((spec, address, pos))
    spent = tuple(
        _spend(sender_sk, spec, address, pos, tree, payload_hash, nonce_seed)
        for spec, address, pos in created
    )
    minted = tuple(_mint(sender_pk, spec) for spec in outputs)
    signatures = (
        schnorr.sign(sender_sk.a, payload_hash, nonce_seed + b"A"),
        schnorr.sign(sender_sk.b, payload_hash, nonce_seed + b"B"),
    )
    tx = TransferPublic(payload_hash, tree.root(), max_fee, deposit)
    return Transfer(spent, minted, tx, TransferSender(sender_pk, signatures), depth)


def _spend(
    sk: SecretKey,
    spec: InputSpec,
    address: phoenix_keys.StealthAddress,
    pos: int,
    tree: merkle_poseidon.PoseidonTree,
    payload_hash: int,
    nonce_seed: bytes,
) -> TransferInput:
    note_sk = phoenix_keys.note_secret_key(sk, address)
    return TransferInput(
        note_type=OBFUSCATED,
        value=spec.value,
        value_blinder=spec.blinder,
        note_pk=address.note_pk,
        note_pk_prime=jubjub.fixed_base_mul(GENERATOR_NUMS, note_sk),
        pos=pos,
        opening=tree.opening(pos),
        nullifier=phoenix_keys.nullifier(note_sk, pos),
        signature=schnorr.sign_double(note_sk, payload_hash, nonce_seed + pos.to_bytes(8, "big")),
    )


def _mint(sender_pk: PublicKey, spec: OutputSpec) -> TransferOutput:
    address = phoenix_keys.stealth_address(spec.receiver, spec.stealth_r)
    return TransferOutput(
        value=spec.value,
        value_blinder=spec.blinder,
        value_commitment=jubjub.value_commitment(spec.value, spec.blinder),
        note_pk=address.note_pk,
        sender_blinders=spec.sender_blinders,
        sender_enc=phoenix_keys.encrypt_sender(address.note_pk, sender_pk, spec.sender_blinders),
    )


def example_transfer(seed: int, input_count: int, depth: int, deposit: int = 0) -> Transfer:
    """A balanced transfer drawn from ``random.Random(seed)`` (tests, vectors, benchmarks):
    ``input_count`` notes of the sender, a payment and a change output, a fee."""
    rng = random.Random(seed)

    def scalar() -> int:
        return rng.randrange(1, SUBGROUP_ORDER)

    sender = phoenix_keys.keygen(rng.randbytes(32))
    receiver = phoenix_keys.public_key(phoenix_keys.keygen(rng.randbytes(32)))
    inputs = [InputSpec(rng.randrange(1 << 62), scalar(), scalar()) for _ in range(input_count)]
    total = sum(spec.value for spec in inputs)
    max_fee = rng.randrange(total // 4 + 1)
    deposit = min(deposit, total - max_fee)
    payment = rng.randrange(total - max_fee - deposit + 1)
    change = total - max_fee - deposit - payment
    outputs = [
        OutputSpec(receiver, payment, scalar(), scalar(), (scalar(), scalar())),
        OutputSpec(
            phoenix_keys.public_key(sender), change, scalar(), scalar(), (scalar(), scalar())
        ),
    ]
    prefix = [rng.randrange(BLS_SCALAR_ORDER) for _ in range(rng.randrange(6))]
    return prepare_transfer(
        sender,
        inputs,
        outputs,
        payload_hash=rng.randrange(BLS_SCALAR_ORDER),
        max_fee=max_fee,
        deposit=deposit,
        depth=depth,
        tree_prefix=prefix,
        nonce_seed=seed.to_bytes(8, "big"),
    )


def build(transfer: Transfer) -> Builder:
    """The transfer circuit with this witness."""
    return transfer_circuit(
        transfer.inputs, transfer.outputs, transfer.tx, transfer.sender, transfer.depth
    )


def transfer_public_inputs(transfer: Transfer) -> tuple[int, ...]:
    """The public inputs in the circuit's order."""
    return public_inputs(transfer.inputs, transfer.outputs, transfer.tx)


def checked_public_inputs(transfer: Transfer) -> tuple[int, ...]:
    """Build the circuit, require every row to hold, and return the public inputs (what a
    prover does before proving): ``runtime.phoenix_circuit_unsatisfied`` names the first
    failing row when the witness does not prove the statements."""
    cs, witness, public = build(transfer).compile()
    failing = unsatisfied_rows(cs, witness, public)
    if failing:
        raise RuntimeProtocolError(
            "runtime.phoenix_circuit_unsatisfied",
            f"{len(failing)} rows fail, the first is row {failing[0]}",
        )
    return public

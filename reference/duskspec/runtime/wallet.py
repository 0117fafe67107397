"""A wallet for tests, vectors and benchmarks: Phoenix transactions with real proofs
(spec/transactions.md §8).

:func:`phoenix_transfer` spends notes the sender owns in the state's notes tree: it makes
the two output notes (payment to the receiver, change to the sender, both obfuscated),
computes the payload hash, builds the transfer circuit's witness and proves it with the
real PLONK prover through :mod:`duskspec.runtime.circuits.proof_cache` (INSECURE test SRS).
Every random value derives from ``seed``, so the transaction is a pure function of its
arguments and its proof is cached by content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from duskspec.crypto import jubjub, phoenix_keys, schnorr
from duskspec.crypto.jubjub import SUBGROUP_ORDER
from duskspec.crypto.phoenix_keys import PublicKey, SecretKey
from duskspec.runtime.circuits.proof_cache import prove_cached
from duskspec.runtime.circuits.transfer import TransferOutput, TransferPublic, TransferSender
from duskspec.runtime.circuits.witness import InputSpec, Transfer, _spend, build
from duskspec.runtime.note import Note, encode_note, obfuscated_note
from duskspec.runtime.state import RuntimeState
from duskspec.runtime.transactions import PhoenixTx, payload_hash

SRS_SEED = b"duskspec runtime tests"


@dataclass(frozen=True)
class OwnedNote:
    """What the owner knows of a note: its position and opening and its stealth ``r``."""

    pos: int
    value: int
    blinder: int
    stealth_r: int


def _scalar(seed: bytes, label: str) -> int:
    wide = hashlib.blake2b(seed + label.encode(), digest_size=64).digest()
    return 1 + int.from_bytes(wide, "little") % (SUBGROUP_ORDER - 1)


def own_note(owner: PublicKey, value: int, seed: bytes) -> tuple[Note, OwnedNote]:
    """An obfuscated note to ``owner`` (for genesis), and what its owner knows of it; the
    position is filled in by the caller."""
    blinder, r = _scalar(seed, "blinder"), _scalar(seed, "r")
    blinders = (_scalar(seed, "s0"), _scalar(seed, "s1"))
    nonce = hashlib.blake2b(seed + b"nonce", digest_size=12).digest()
    note = obfuscated_note(owner, owner, value, blinder, r, blinders, nonce)
    return note, OwnedNote(0, value, blinder, r)


def _output(
    sender: PublicKey, receiver: PublicKey, value: int, seed: bytes
) -> tuple[Note, TransferOutput]:
    blinder, r = _scalar(seed, "blinder"), _scalar(seed, "r")
    blinders = (_scalar(seed, "s0"), _scalar(seed, "s1"))
    nonce = hashlib.blake2b(seed + b"nonce", digest_size=12).digest()
    note = obfuscated_note(receiver, sender, value, blinder, r, blinders, nonce)
    out = TransferOutput(
        value=value,
        value_blinder=blinder,
        value_commitment=jubjub.value_commitment(value, blinder),
        note_pk=note.address.note_pk,
        sender_blinders=blinders,
        sender_enc=note.sender_encryption(),
    )
    return note, out


def phoenix_transfer(
    state: RuntimeState,
    sender_sk: SecretKey,
    spend: Sequence[OwnedNote],
    receiver: PublicKey,
    value: int,
    *,
    gas_limit: int,
    gas_price: int,
    deposit: int = 0,
    convert_to: bytes = b"",
    seed: bytes = b"",
    root: int | None = None,
    allow_prove: bool = True,
    change_receiver: PublicKey | None = None,
) -> tuple[PhoenixTx, bytes]:
    """A proved Phoenix transaction against ``root`` (default: the state's latest root),
    and the verifier key of its circuit (the transfer contract's key for that many
    inputs: it depends only on the circuit's shape and the SRS). The change note goes to
    the sender unless ``change_receiver`` is given."""
    sender = phoenix_keys.public_key(sender_sk)
    max_fee = gas_limit * gas_price
    change = sum(n.value for n in spend) - value - max_fee - deposit
    pay_note, pay_out = _output(sender, receiver, value, seed + b"pay")
    change_to = sender if change_receiver is None else change_receiver
    change_note, change_out = _output(sender, change_to, change, seed + b"change")
    tree = state.tree
    tx_root = tree.root() if root is None else root
    nullifiers = []
    for owned in spend:
        address = phoenix_keys.stealth_address(sender, owned.stealth_r)
        note_sk = phoenix_keys.note_secret_key(sender_sk, address)
        nullifiers.append(phoenix_keys.nullifier(note_sk, owned.pos))
    tx = PhoenixTx(
        chain_id=state.config.chain_id,
        root=tx_root,
        nullifiers=tuple(nullifiers),
        outputs=(encode_note(pay_note), encode_note(change_note)),
        max_fee=max_fee,
        deposit=deposit,
        gas_limit=gas_limit,
        gas_price=gas_price,
        refund_address=phoenix_keys.encode_stealth_address(change_note.address),
        proof=b"",
        convert_to=convert_to,
    )
    digest = payload_hash(tx)
    inputs = tuple(
        _spend(
            sender_sk,
            InputSpec(o.value, o.blinder, o.stealth_r),
            phoenix_keys.stealth_address(sender, o.stealth_r),
            o.pos,
            tree,
            digest,
            seed,
        )
        for o in spend
    )
    signatures = (
        schnorr.sign(sender_sk.a, digest, seed + b"A"),
        schnorr.sign(sender_sk.b, digest, seed + b"B"),
    )
    transfer = Transfer(
        inputs,
        (pay_out, change_out),
        TransferPublic(digest, tx_root, max_fee, deposit),
        TransferSender(sender, signatures),
        tree.depth,
    )
    cs, witness, public = build(transfer).compile()
    vk, proof = prove_cached(
        cs, witness, public, srs_seed=SRS_SEED, prover_seed=seed or b"0", allow_prove=allow_prove
    )
    return replace(tx, proof=proof), vk


# --- the example world (tests, vectors, benchmarks) ------------------------------------------

EXAMPLE_SENDER_SK = phoenix_keys.keygen(b"phoenix sender")
EXAMPLE_RECEIVER_SK = phoenix_keys.keygen(b"phoenix receiver")
EXAMPLE_OTHER_SK = phoenix_keys.keygen(b"someone else")
#: Genesis note values; positions 0-2 belong to "someone else", 3-4 to the sender.
EXAMPLE_NOTE_VALUES = (7_000_000, 8_000_000, 9_000_000, 500_000_000, 300_000_000)
EXAMPLE_GAS_PRICE = 1
EXAMPLE_PAYMENT = 100_000_000


def example_notes() -> tuple[tuple[Note, ...], tuple[OwnedNote, ...]]:
    """The example genesis notes and what the sender knows of its own (positions 3, 4)."""
    sender = phoenix_keys.public_key(EXAMPLE_SENDER_SK)
    other = phoenix_keys.public_key(EXAMPLE_OTHER_SK)
    notes, owned = [], []
    for pos, value in enumerate(EXAMPLE_NOTE_VALUES):
        owner = other if pos < 3 else sender
        note, knowledge = own_note(owner, value, f"genesis note {pos}".encode())
        notes.append(note.at(pos))
        owned.append(replace(knowledge, pos=pos))
    return tuple(notes), tuple(owned[3:])


def example_phoenix(state: RuntimeState) -> tuple[PhoenixTx, bytes]:
    """The sender pays the receiver 100,000,000 from its note at position 3, against
    ``state``'s latest root (a state whose notes are :func:`example_notes`): a real proof,
    about 40 s of CPU the first time, then read from the proof cache."""
    from duskspec.runtime.transactions import phoenix_gas

    return phoenix_transfer(
        state,
        EXAMPLE_SENDER_SK,
        [example_notes()[1][0]],
        phoenix_keys.public_key(EXAMPLE_RECEIVER_SK),
        EXAMPLE_PAYMENT,
        gas_limit=phoenix_gas(1) + 1_000_000,
        gas_price=EXAMPLE_GAS_PRICE,
        seed=b"runtime tests phoenix 1",
    )


def output_knowledge(seed: bytes, pos: int, value: int, change: bool) -> OwnedNote:
    """What the receiver of an output of :func:`phoenix_transfer` made with ``seed`` knows
    of it once it sits at ``pos``: the payment (``change=False``) or the change note."""
    label = seed + (b"change" if change else b"pay")
    return OwnedNote(pos, value, _scalar(label, "blinder"), _scalar(label, "r"))

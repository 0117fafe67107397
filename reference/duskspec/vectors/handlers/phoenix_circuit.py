"""``tiny/phoenix_circuit/public_inputs``: a Phoenix transfer's witness data in, the
circuit's public inputs (in Dusk's order) out (spec/transactions.md §2, §6).

``run`` builds the transfer circuit at the case's tree depth and refuses a witness that
leaves a row unsatisfied (``runtime.phoenix_circuit_unsatisfied``): an implementation must
not produce a proof for it. Valid cases list the public inputs a verifier is given.

``tiny/phoenix_circuit/circuit`` (spec/transactions.md T7): the same witness data in; out
the circuit itself and the prover's assignment: the row count, the variable count, the rows
of the public inputs, BLAKE2b-256 of the encoded constraint system
(``duskspec.crypto.plonk.keys.encode_constraint_system``), BLAKE2b-256 of the full
assignment (``duskspec.crypto.plonk.keys.encode_witness``) and the rows that assignment
leaves unsatisfied. Why: the verifier key is a function of the circuit, so an
implementation whose rows differ in one selector or wire cannot verify Dusk's proofs, and
one whose assignment differs in a variable no row constrains proves the same statements
with other values; ``public_inputs`` sees neither (it outputs only the public inputs and
whether every row holds). A witness that breaks one statement is a valid case here: its
post names exactly the rows that fail, so the statement's rows are pinned too. The circuit
depends on the input count and depth only (cases with one input share its digest).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from duskspec.crypto import elgamal, jubjub, merkle_poseidon, schnorr
from duskspec.crypto.hashes import blake2b_256
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, Point
from duskspec.crypto.phoenix_keys import PublicKey
from duskspec.crypto.plonk.constraint_system import unsatisfied_rows
from duskspec.crypto.plonk.keys import encode_constraint_system, encode_witness
from duskspec.crypto.sparse_merkle import Opening
from duskspec.runtime.circuits.transfer import (
    TransferInput,
    TransferOutput,
    TransferPublic,
    TransferSender,
)
from duskspec.runtime.circuits.witness import (
    Transfer,
    build,
    checked_public_inputs,
    example_transfer,
)
from duskspec.vectors.registry import Case, Handler

#: The tiny preset's notes-tree depth.
TINY_DEPTH = 3


@dataclass(frozen=True)
class OpeningData:
    root: int
    branch: tuple[tuple[int, ...], ...]
    positions: tuple[int, ...]


@dataclass(frozen=True)
class InputNoteData:
    note_type: int
    value: int
    value_blinder: int
    note_pk: Point
    note_pk_prime: Point
    pos: int
    opening: OpeningData
    nullifier: int
    signature: schnorr.SignatureDouble


@dataclass(frozen=True)
class OutputNoteData:
    value: int
    value_blinder: int
    value_commitment: Point
    note_pk: Point
    sender_blinders: tuple[int, ...]
    sender_enc: tuple[elgamal.Ciphertext, ...]


@dataclass(frozen=True)
class PhoenixCircuitInput:
    depth: int
    payload_hash: int
    root: int
    max_fee: int
    deposit: int
    inputs: tuple[InputNoteData, ...]
    outputs: tuple[OutputNoteData, ...]
    sender_pk: PublicKey
    sender_signatures: tuple[schnorr.Signature, ...]


@dataclass(frozen=True)
class PublicInputsPost:
    public_inputs: tuple[int, ...]


@dataclass(frozen=True)
class CircuitPost:
    gate_count: int
    variable_count: int
    public_rows: tuple[int, ...]
    circuit_digest: bytes
    witness_digest: bytes
    unsatisfied_rows: tuple[int, ...]


def _to_transfer(inp: PhoenixCircuitInput) -> Transfer:
    inputs = tuple(
        TransferInput(
            note.note_type,
            note.value,
            note.value_blinder,
            note.note_pk,
            note.note_pk_prime,
            note.pos,
            Opening(note.opening.root, note.opening.branch, note.opening.positions),
            note.nullifier,
            note.signature,
        )
        for note in inp.inputs
    )
    outputs = tuple(
        TransferOutput(
            out.value,
            out.value_blinder,
            out.value_commitment,
            out.note_pk,
            (out.sender_blinders[0], out.sender_blinders[1]),
            (out.sender_enc[0], out.sender_enc[1]),
        )
        for out in inp.outputs
    )
    tx = TransferPublic(inp.payload_hash, inp.root, inp.max_fee, inp.deposit)
    signatures = (inp.sender_signatures[0], inp.sender_signatures[1])
    return Transfer(inputs, outputs, tx, TransferSender(inp.sender_pk, signatures), inp.depth)


def _from_transfer(t: Transfer) -> PhoenixCircuitInput:
    inputs = tuple(
        InputNoteData(
            note.note_type,
            note.value,
            note.value_blinder,
            note.note_pk,
            note.note_pk_prime,
            note.pos,
            OpeningData(note.opening.root, note.opening.branch, note.opening.positions),
            note.nullifier,
            note.signature,
        )
        for note in t.inputs
    )
    outputs = tuple(
        OutputNoteData(
            out.value,
            out.value_blinder,
            out.value_commitment,
            out.note_pk,
            out.sender_blinders,
            out.sender_enc,
        )
        for out in t.outputs
    )
    return PhoenixCircuitInput(
        t.depth,
        t.tx.payload_hash,
        t.tx.root,
        t.tx.max_fee,
        t.tx.deposit,
        inputs,
        outputs,
        t.sender.pk,
        t.sender.signatures,
    )


def run_public_inputs(pre: None, inp: PhoenixCircuitInput) -> PublicInputsPost:
    return PublicInputsPost(checked_public_inputs(_to_transfer(inp)))


def run_circuit(pre: None, inp: PhoenixCircuitInput) -> CircuitPost:
    cs, witness, public = build(_to_transfer(inp)).compile()
    return CircuitPost(
        gate_count=len(cs.gates),
        variable_count=cs.variable_count,
        public_rows=cs.public_rows,
        circuit_digest=blake2b_256(encode_constraint_system(cs)),
        witness_digest=blake2b_256(encode_witness(witness)),
        unsatisfied_rows=tuple(unsatisfied_rows(cs, witness, public)),
    )


def _with_first_input(inp: PhoenixCircuitInput, **changes: object) -> PhoenixCircuitInput:
    first = dataclasses.replace(inp.inputs[0], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(inp, inputs=(first, *inp.inputs[1:]))


def _with_output(inp: PhoenixCircuitInput, index: int, out: OutputNoteData) -> PhoenixCircuitInput:
    outputs = list(inp.outputs)
    outputs[index] = out
    return dataclasses.replace(inp, outputs=tuple(outputs))


def _cases() -> Iterator[Case]:
    for count in (1, 2, 3, 4):
        seed = 600 + count
        yield Case(
            f"valid_{count}_inputs",
            f"a balanced transfer spending {count} notes (tree depth {TINY_DEPTH})",
            _from_transfer(example_transfer(seed, count, TINY_DEPTH)),
            seed=seed,
        )
    yield Case(
        "valid_with_deposit",
        "two inputs, part of the value deposited to a contract",
        _from_transfer(example_transfer(610, 2, TINY_DEPTH, deposit=5000)),
        seed=610,
    )
    base = _from_transfer(example_transfer(620, 1, TINY_DEPTH))
    change = base.outputs[1]
    richer = dataclasses.replace(
        change,
        value=change.value + 1,
        value_commitment=jubjub.value_commitment(change.value + 1, change.value_blinder),
    )
    yield Case(
        "unbalanced",
        "the change output holds one unit more than the inputs provide (T5)",
        _with_output(base, 1, richer),
        seed=620,
        expected_error="runtime.phoenix_circuit_unsatisfied",
    )
    foreign_root = merkle_poseidon.empty_tree(TINY_DEPTH).append(1).root()
    yield Case(
        "note_not_in_tree",
        "the note opens in the prover's own tree, not under the public root (T1)",
        dataclasses.replace(base, root=foreign_root),
        seed=620,
        expected_error="runtime.phoenix_circuit_unsatisfied",
    )
    thief = 0xD05C
    yield Case(
        "wrong_secret_key",
        "the note is signed by another key, which also derives pk' and the nullifier (T2)",
        _with_first_input(
            base,
            note_pk_prime=jubjub.fixed_base_mul(GENERATOR_NUMS, thief),
            signature=schnorr.sign_double(thief, base.payload_hash),
        ),
        seed=620,
        expected_error="runtime.phoenix_circuit_unsatisfied",
    )
    yield Case(
        "wrong_nullifier",
        "the claimed nullifier is not the note's (T3)",
        _with_first_input(base, nullifier=base.inputs[0].nullifier ^ 1),
        seed=620,
        expected_error="runtime.phoenix_circuit_unsatisfied",
    )
    payment = base.outputs[0]
    over = dataclasses.replace(
        payment,
        value=1 << 64,
        value_commitment=jubjub.fixed_base_mul(GENERATOR, 1 << 64)
        + jubjub.fixed_base_mul(GENERATOR_NUMS, payment.value_blinder),
    )
    yield Case(
        "value_2_to_the_64",
        "an output value of 2^64 has no 64-bit decomposition (T4, T5)",
        _with_output(base, 0, over),
        seed=620,
        expected_error="crypto.plonk_range",
    )
    yield Case(
        "wrong_sender_signature",
        "the signature under A is by another key (T6)",
        dataclasses.replace(
            base,
            sender_signatures=(schnorr.sign(thief, base.payload_hash), base.sender_signatures[1]),
        ),
        seed=620,
        expected_error="runtime.phoenix_circuit_unsatisfied",
    )
    yield from _scalar_and_opening_bounds(base)
    yield Case(
        "five_inputs",
        "a transfer spends at most 4 notes",
        dataclasses.replace(base, inputs=base.inputs * 5),
        seed=620,
        expected_error="runtime.phoenix_input_count",
    )


#: The blinder bound of the 126 signed windows (spec/crypto.md C13.16, C13.20).
WINDOWED_BLINDER_LIMIT = 1 << 252


def _with_output_blinder(inp: PhoenixCircuitInput, blinder: int) -> PhoenixCircuitInput:
    """Output 0 with ``blinder`` and the commitment ``value·G + blinder·G'`` it opens."""
    out = inp.outputs[0]
    commitment = jubjub.fixed_base_mul(GENERATOR, out.value) + jubjub.fixed_base_mul(
        GENERATOR_NUMS, blinder
    )
    changed = dataclasses.replace(out, value_blinder=blinder, value_commitment=commitment)
    return _with_output(inp, 0, changed)


def _with_positions(inp: PhoenixCircuitInput, positions: tuple[int, ...]) -> PhoenixCircuitInput:
    opening = dataclasses.replace(inp.inputs[0].opening, positions=positions)
    return _with_first_input(inp, opening=opening)


def _scalar_and_opening_bounds(base: PhoenixCircuitInput) -> Iterator[Case]:
    """Both sides of the signed windows' bound (C13.16) and the opening's shape (C13.18)."""
    yield Case(
        "blinder_2_to_the_252_minus_1",
        "an output blinder of 2^252 - 1, the largest scalar the circuit puts in 126 signed "
        "windows: above t, it commits as its class mod t and the circuit accepts it "
        "(C13.16, C13.20)",
        _with_output_blinder(base, WINDOWED_BLINDER_LIMIT - 1),
        seed=620,
    )
    yield Case(
        "blinder_2_to_the_252",
        "an output blinder of 2^252: a scalar in 126 signed windows is below 4^126 (C13.16), "
        "so it is refused although value·G + 2^252·G' is a valid commitment",
        _with_output_blinder(base, WINDOWED_BLINDER_LIMIT),
        seed=620,
        expected_error="crypto.plonk_range",
    )
    positions = base.inputs[0].opening.positions
    yield Case(
        "opening_extra_position",
        f"the note's opening has {len(positions) + 1} positions for {TINY_DEPTH} levels (C13.18)",
        _with_positions(base, (*positions, 0)),
        seed=620,
        expected_error="crypto.merkle_opening_shape",
    )
    yield Case(
        "opening_position_4",
        "the opening's leaf-level position is 4: a node has items 0 to 3 only (C13.18)",
        _with_positions(base, (*positions[:-1], 4)),
        seed=620,
        expected_error="crypto.merkle_opening_shape",
    )


#: The cases of ``public_inputs`` that ``circuit`` reuses; a witness the circuit refuses
#: (``runtime.phoenix_circuit_unsatisfied``) becomes a valid case naming its failing rows.
#: ``valid_with_deposit`` is left out: the 2-input circuit is pinned by ``valid_2_inputs``.
CIRCUIT_CASES = (
    "valid_1_inputs",
    "valid_2_inputs",
    "valid_3_inputs",
    "valid_4_inputs",
    "unbalanced",
    "note_not_in_tree",
    "wrong_secret_key",
    "wrong_nullifier",
    "wrong_sender_signature",
    "value_2_to_the_64",
    "five_inputs",
)


def _circuit_cases() -> Iterator[Case]:
    for case in _cases():
        if case.name not in CIRCUIT_CASES:
            continue
        if case.expected_error == "runtime.phoenix_circuit_unsatisfied":
            description = f"{case.description}: the rows that fail"
            yield dataclasses.replace(case, description=description, expected_error=None)
        else:
            yield case


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="tiny",
        component="phoenix_circuit",
        name="public_inputs",
        intent="transfer witness -> the circuit's public inputs, refusing unsatisfied witnesses",
        input_type=PhoenixCircuitInput,
        post_type=PublicInputsPost,
        run=run_public_inputs,
        cases=_cases,
    ),
    Handler(
        preset="tiny",
        component="phoenix_circuit",
        name="circuit",
        intent="transfer witness -> the circuit's rows and the prover's assignment (digests)",
        input_type=PhoenixCircuitInput,
        post_type=CircuitPost,
        run=run_circuit,
        cases=_circuit_cases,
    ),
)

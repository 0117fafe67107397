"""The Phoenix transfer circuit (spec/transactions.md): valid witnesses satisfy it for 1-4
inputs, its public inputs come in Dusk's order, and each attack of §3 leaves a row
unsatisfied or cannot be built (a typed error)."""

from __future__ import annotations

import dataclasses
import itertools
from functools import cache

import pytest

from duskspec.crypto import jubjub, merkle_poseidon, phoenix_keys, poseidon, schnorr
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, SUBGROUP_ORDER, Point
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.constraint_system import R, unsatisfied_rows
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets import schnorr as schnorr_gadget
from duskspec.errors import CryptoError, ProtocolError, RuntimeProtocolError
from duskspec.runtime.circuits import sizes
from duskspec.runtime.circuits.transfer import TransferOutput
from duskspec.runtime.circuits.witness import (
    InputSpec,
    OutputSpec,
    Transfer,
    build,
    example_transfer,
    prepare_transfer,
    transfer_public_inputs,
)
from support.circuits import Compiled, with_public_changed

TINY_DEPTH = 3


@cache
def _transfer(inputs: int, depth: int = TINY_DEPTH) -> Transfer:
    return example_transfer(100 + inputs, inputs, depth)


@cache
def _compiled(inputs: int) -> Compiled:
    return Compiled(build(_transfer(inputs)))


def _unsatisfied(transfer: Transfer) -> list[int]:
    cs, witness, public = build(transfer).compile()
    return unsatisfied_rows(cs, witness, public)


def _replace_input(transfer: Transfer, **changes: object) -> Transfer:
    first = dataclasses.replace(transfer.inputs[0], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(transfer, inputs=(first, *transfer.inputs[1:]))


def _replace_output(transfer: Transfer, index: int, out: TransferOutput) -> Transfer:
    outputs = list(transfer.outputs)
    outputs[index] = out
    return dataclasses.replace(transfer, outputs=tuple(outputs))


# --- completeness and public inputs -------------------------------------------------------


@pytest.mark.parametrize("inputs", [1, 2, 3, 4])
def test_valid_transfer_is_satisfied(inputs: int) -> None:
    transfer = _transfer(inputs)
    compiled = _compiled(inputs)
    assert compiled.satisfied()
    assert compiled.public == transfer_public_inputs(transfer)
    assert len(compiled.public) == 2 + inputs + 4 + 2 + 4 + 16


def test_public_inputs_are_in_dusks_order() -> None:
    t = _transfer(2)
    out0, out1 = t.outputs
    expected = [t.tx.payload_hash, t.tx.root, t.inputs[0].nullifier, t.inputs[1].nullifier]
    expected += [*out0.value_commitment.hash_inputs(), *out1.value_commitment.hash_inputs()]
    expected += [t.tx.max_fee, t.tx.deposit]
    expected += [*out0.note_pk.hash_inputs(), *out1.note_pk.hash_inputs()]
    for out in (out0, out1):
        for ciphertext in out.sender_enc:
            expected += [*ciphertext.c1.hash_inputs(), *ciphertext.c2.hash_inputs()]
    assert list(transfer_public_inputs(t)) == expected


def test_every_single_public_input_change_is_refused() -> None:
    compiled = _compiled(1)
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    for index in range(len(compiled.public)):
        assert compiled.detects_public_change(index)


def test_deposit_moves_value_out_of_the_outputs() -> None:
    transfer = example_transfer(7, 2, TINY_DEPTH, deposit=1000)
    assert transfer.tx.deposit == 1000
    assert _unsatisfied(transfer) == []


# --- soundness ----------------------------------------------------------------------------


def test_unbalanced_transfer_is_unsatisfied() -> None:
    t = _transfer(2)
    out = t.outputs[1]
    richer = dataclasses.replace(
        out,
        value=out.value + 1,
        value_commitment=jubjub.value_commitment(out.value + 1, out.value_blinder),
    )
    assert len(_unsatisfied(_replace_output(t, 1, richer))) == 1  # the balance row only


def test_note_not_in_the_tree_is_unsatisfied() -> None:
    """The prover opens its note in a tree of its own; the public root is the chain's."""
    t = _transfer(1)
    chain = merkle_poseidon.empty_tree(TINY_DEPTH).append(5).append(6)
    forged = dataclasses.replace(t, tx=dataclasses.replace(t.tx, root=chain.root()))
    assert _unsatisfied(forged)


def test_inflated_note_value_is_unsatisfied() -> None:
    """Claiming more than the note holds changes its commitment, hence its leaf."""
    t = _transfer(1)
    assert _unsatisfied(_replace_input(t, value=t.inputs[0].value + 1))


def test_wrong_secret_key_is_unsatisfied() -> None:
    """Someone without ``note_sk`` signs with their own key (and derives ``pk'`` from it)."""
    t = _transfer(1)
    thief = 123456789
    payload = t.tx.payload_hash
    forged = _replace_input(
        t,
        note_pk_prime=jubjub.fixed_base_mul(GENERATOR_NUMS, thief),
        nullifier=phoenix_keys.nullifier(thief, t.inputs[0].pos),
        signature=schnorr.sign_double(thief, payload),
    )
    assert _unsatisfied(forged)


def test_wrong_sender_key_is_unsatisfied() -> None:
    t = _transfer(1)
    other = schnorr.sign(987654321, t.tx.payload_hash)
    sender = dataclasses.replace(t.sender, signatures=(other, t.sender.signatures[1]))
    assert _unsatisfied(dataclasses.replace(t, sender=sender))


def test_nullifier_not_matching_its_note_is_unsatisfied() -> None:
    t = _transfer(1)
    note = t.inputs[0]
    assert _unsatisfied(_replace_input(t, nullifier=(note.nullifier + 1) % R))
    note_sk_guess = phoenix_keys.nullifier(5, note.pos)  # a nullifier of another key
    assert _unsatisfied(_replace_input(t, nullifier=note_sk_guess))


def _torsion_signature(note_sk: int, msg: int, torsion: Point) -> schnorr.SignatureDouble:
    """A double signature valid for ``(note_sk·G, note_sk·G' + T)`` with ``T`` of order 2:
    try nonces until the challenge is odd, so that ``c·T = T``."""
    pk = jubjub.fixed_base_mul(GENERATOR, note_sk)
    for r in range(1, 100):
        R_point = jubjub.fixed_base_mul(GENERATOR, r)
        R_prime = jubjub.fixed_base_mul(GENERATOR_NUMS, r) + torsion
        c = schnorr.challenge_double(R_point, R_prime, pk, msg)
        if c % 2:
            return schnorr.SignatureDouble((r - c * note_sk) % SUBGROUP_ORDER, R_point, R_prime)
    raise AssertionError("no odd challenge in 99 tries")


def test_torsion_shifted_nullifier_key_is_refused() -> None:
    """``pk' + T`` (T of order 2) passes the double-key equations with a ground signature and
    would give the note a second nullifier; the subgroup rows refuse it (rule T3)."""
    sender = phoenix_keys.keygen(b"torsion")
    me = phoenix_keys.public_key(sender)
    spec = InputSpec(value=10, blinder=3, stealth_r=77)
    change = OutputSpec(me, 9, 4, 78, (5, 6))
    payment = OutputSpec(me, 0, 7, 79, (8, 9))
    t = prepare_transfer(
        sender, [spec], [payment, change], payload_hash=42, max_fee=1, deposit=0, depth=2
    )
    assert _unsatisfied(t) == []
    note = t.inputs[0]
    note_sk = phoenix_keys.note_secret_key(sender, phoenix_keys.stealth_address(me, 77))
    torsion = Point(0, R - 1)
    shifted = note.note_pk_prime + torsion
    signature = _torsion_signature(note_sk, t.tx.payload_hash, torsion)
    # The double-key gadget alone accepts the shifted key ...
    b = Builder()
    schnorr_gadget.verify_double(
        b,
        jubjub_gadget.append_point(b, note.note_pk),
        jubjub_gadget.append_point(b, shifted),
        b.append_witness(t.tx.payload_hash),
        schnorr_gadget.append_signature_double(b, signature),
    )
    assert Compiled(b).satisfied()
    # ... and the nullifier it yields differs from the note's ...
    second = poseidon.hash(poseidon.Domain.OTHER, [shifted.u, shifted.v, note.pos])
    assert second != note.nullifier
    # ... but the transfer circuit refuses it.
    forged = _replace_input(t, note_pk_prime=shifted, signature=signature, nullifier=second)
    assert _unsatisfied(forged)


def test_value_of_2_to_the_64_cannot_be_built() -> None:
    t = _transfer(1)
    out = t.outputs[0]
    big = 1 << 64
    commitment = jubjub.fixed_base_mul(GENERATOR, big) + jubjub.fixed_base_mul(
        GENERATOR_NUMS, out.value_blinder
    )
    over = dataclasses.replace(out, value=big, value_commitment=commitment)
    with pytest.raises(CryptoError) as error:
        build(_replace_output(t, 0, over))
    assert error.value.code == "crypto.plonk_range"


def test_negative_value_wraparound_cannot_be_built() -> None:
    """Output values ``v + 1`` and ``-1 (mod r)`` balance mod r; ``-1`` is not a u64."""
    t = _transfer(1)
    first, second = t.outputs
    minus_one = R - 1
    commitment = jubjub.fixed_base_mul(GENERATOR, minus_one % SUBGROUP_ORDER) + (
        jubjub.fixed_base_mul(GENERATOR_NUMS, second.value_blinder)
    )
    negative = dataclasses.replace(second, value=minus_one, value_commitment=commitment)
    richer = dataclasses.replace(
        first,
        value=first.value + 1,
        value_commitment=jubjub.value_commitment(first.value + 1, first.value_blinder),
    )
    forged = _replace_output(_replace_output(t, 0, richer), 1, negative)
    with pytest.raises(CryptoError) as error:
        build(forged)
    assert error.value.code == "crypto.plonk_range"


def test_tampered_value_in_the_witness_is_unsatisfied() -> None:
    """At the constraint level: the honest circuit with an input value raised by 2^64."""
    t = _transfer(1)
    compiled = _compiled(1)
    value_variable = compiled.witness.index(t.inputs[0].value)
    assert compiled.detects_tamper(value_variable, 1 << 64)


def test_malformed_shapes_raise_typed_errors() -> None:
    t = _transfer(1)
    cases: list[tuple[Transfer, str]] = [
        (dataclasses.replace(t, inputs=()), "runtime.phoenix_input_count"),
        (dataclasses.replace(t, inputs=t.inputs * 5), "runtime.phoenix_input_count"),
        (dataclasses.replace(t, outputs=t.outputs[:1]), "runtime.phoenix_output_count"),
        (dataclasses.replace(t, depth=TINY_DEPTH + 1), "runtime.phoenix_opening_depth"),
    ]
    for transfer, code in cases:
        with pytest.raises(ProtocolError) as error:
            build(transfer)
        assert isinstance(error.value, RuntimeProtocolError)
        assert error.value.code == code


# --- sizes --------------------------------------------------------------------------------


def test_gate_counts_fit_dusks_crs() -> None:
    """Every tiny circuit and the 2- and 4-input mainnet-depth ones fit in 2^17 rows (the
    size of Dusk's CRS; with the curve-addition gate the 2-input one fits 2^16); each input
    adds the same number of rows."""
    tiny = [_compiled(i).cs for i in (1, 2, 3, 4)]
    per_input = [len(b.gates) - len(a.gates) for a, b in itertools.pairwise(tiny)]
    assert max(per_input) - min(per_input) <= 2  # shared constants appear once
    two, four = sizes.gate_counts([(2, 17), (4, 17)])
    assert len(tiny[-1].gates) <= sizes.DUSK_CRS_ROWS
    assert four.gates <= sizes.DUSK_CRS_ROWS
    assert (two.padded, four.padded) == (sizes.DUSK_CRS_ROWS // 2, sizes.DUSK_CRS_ROWS)

"""``general/plonk/unsatisfied_rows``: the plain meaning of a constraint system
(spec/crypto.md C18.1, ``duskspec.crypto.plonk.constraint_system.unsatisfied_rows``).

The input is a circuit encoding (``duskspec.crypto.plonk.keys.encode_constraint_system``), a
full assignment and the public inputs; the post lists the rows that assignment leaves
unsatisfied, in order, or ``[-1]`` when variable 0 is not zero. The prover must refuse
exactly the assignments with a non-empty list, and ``plonk/prove`` only shows that it
refuses: these cases say which rows fail, so a checker that skips the curve-addition
constraints, or reads the wrong next row, fails here even where the prover's quotient check
would refuse the same witness. No keys, no proof: every case takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from duskspec.crypto.plonk.constraint_system import ConstraintSystem, R, unsatisfied_rows
from duskspec.crypto.plonk.examples import SMALL_CIRCUITS, curve_add_circuit
from duskspec.crypto.plonk.keys import decode_constraint_system, encode_constraint_system
from duskspec.vectors.registry import Case, Handler, rejected


@dataclass(frozen=True)
class RowsInput:
    circuit: bytes
    witness: tuple[int, ...]
    public_inputs: tuple[int, ...]


@dataclass(frozen=True)
class RowsPost:
    unsatisfied_rows: tuple[int, ...]


def run_unsatisfied_rows(pre: None, inp: RowsInput) -> RowsPost:
    cs = decode_constraint_system(inp.circuit)
    return RowsPost(tuple(unsatisfied_rows(cs, inp.witness, inp.public_inputs)))


def _input(cs: ConstraintSystem, witness: list[int], public_inputs: list[int]) -> RowsInput:
    return RowsInput(encode_constraint_system(cs), tuple(witness), tuple(public_inputs))


def _changed(witness: list[int], index: int, delta: int = 1) -> list[int]:
    changed = list(witness)
    changed[index] = (changed[index] + delta) % R
    return changed


def _curve_cases() -> Iterator[Case]:
    cs, witness, public_inputs = curve_add_circuit()
    first, result = cs.gates[0], cs.gates[1]
    assert first.q_add == 1 and result.q_add == 0  # rows 0-1: G + 5G; rows 2-3: doubling
    yield Case(
        "curve_add_wrong_x3",
        "G + 5G with x3 one too large: row 0's addition law fails, and row 2 (the doubling "
        "reads the changed point)",
        _input(cs, _changed(witness, result.a), public_inputs),
    )
    yield Case(
        "curve_add_wrong_y3",
        "G + 5G with y3 one too large: row 0 and the doubling (row 2) fail",
        _input(cs, _changed(witness, result.b), public_inputs),
    )
    yield Case(
        "curve_add_wrong_helper",
        "G + 5G with h ≠ x1·y2 (h one too large): row 0 fails",
        _input(cs, _changed(witness, result.d), public_inputs),
    )
    ending = replace(cs, gates=cs.gates[:2], public_rows=())
    yield Case(
        "curve_add_pair_last",
        "one addition, its result row the circuit's last row: every row holds",
        _input(ending, witness, []),
    )
    broken = _changed(witness, result.a)
    yield Case(
        "curve_add_pair_last_wrong_x3",
        "the same with x3 one too large: only row 0 fails",
        _input(ending, broken, []),
    )


def _plonk_rows_cases() -> Iterator[Case]:
    for name in sorted(SMALL_CIRCUITS):
        cs, witness, public_inputs = SMALL_CIRCUITS[name]()
        doc = (SMALL_CIRCUITS[name].__doc__ or "").split("\n")[0]
        yield Case(
            f"valid_{name}", f"an honest assignment: {doc}", _input(cs, witness, public_inputs)
        )
    cs, witness, public_inputs = SMALL_CIRCUITS["cubic"]()
    yield Case(
        "cubic_wrong_output",
        "x³ + x + 5 with out one too large: row 2 (the sum) and row 3 (out = PI) fail",
        _input(cs, _changed(witness, 4), public_inputs),
    )
    yield Case(
        "cubic_wrong_public_input",
        "the assignment proves 35, the public input is 36: only the public row fails",
        _input(cs, witness, [36]),
    )
    yield Case(
        "nonzero_zero_variable",
        "variable 0 is 1: the list is [-1], whatever the rows",
        _input(cs, _changed(witness, 0), public_inputs),
    )
    cs, witness, public_inputs = SMALL_CIRCUITS["four_wire"]()
    yield Case(
        "four_wire_d_wire",
        "the d wire of row 0 (q_4 = 4, variable 4) one too large: only row 0 fails",
        _input(cs, _changed(witness, 4), public_inputs),
    )
    yield from _curve_cases()
    yield rejected(
        "witness_too_short",
        "one variable missing",
        _input(cs, witness[:-1], public_inputs),
        "crypto.plonk_witness_size",
    )
    yield rejected(
        "public_input_missing",
        "one public input fewer than the circuit's public rows",
        _input(cs, witness, public_inputs[:-1]),
        "crypto.plonk_public_input_count",
    )
    yield rejected(
        "circuit_truncated",
        "the circuit encoding lacks its last byte",
        RowsInput(encode_constraint_system(cs)[:-1], tuple(witness), tuple(public_inputs)),
        "crypto.plonk_circuit_encoding",
    )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="plonk",
        name="unsatisfied_rows",
        intent="(circuit, assignment, public inputs) -> the rows that fail, [-1] if w_0 ≠ 0",
        input_type=RowsInput,
        post_type=RowsPost,
        run=run_unsatisfied_rows,
        cases=_plonk_rows_cases,
    ),
)

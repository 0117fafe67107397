"""The curve-addition gate (spec/crypto.md §12.9, rules P12.9.1-P12.9.4): it matches
:func:`duskspec.crypto.jubjub.add`, each of its three constraints rejects a wrong value (in
the satisfiability check, in the prover, and, for a cheating prover, in the verifier), and
the gadgets built on it still match the out-of-circuit code."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from duskspec.crypto import jubjub
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.constraint_system import (
    ConstraintSystem,
    Gate,
    R,
    curve_addition_values,
    is_satisfied,
    unsatisfied_rows,
)
from duskspec.crypto.plonk.field import Fe, field
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.keys import ProverKey, check_circuit, derive_keys, wire_variables
from duskspec.crypto.plonk.kzg import insecure_test_srs
from duskspec.crypto.plonk.prover import _Blinders, _Prover, prove
from duskspec.crypto.plonk.verifier import verify
from duskspec.errors import CryptoError

SRS = insecure_test_srs(b"plonk curve gate tests", 160)

G = jubjub.GENERATOR
POINTS = [jubjub.IDENTITY, G, jubjub.scalar_mul(G, 7), jubjub.scalar_mul(G, 2**200 + 3)]


def _one_addition(
    p: jubjub.Point, q: jubjub.Point
) -> tuple[ConstraintSystem, list[int], list[int]]:
    """``p + q`` by one gate, ``u`` and ``v`` of the sum public. Variables: 1-4 the inputs,
    5 x3, 6 y3, 7 the helper."""
    builder = Builder()
    inputs = [builder.append_witness(c) for c in (p.u, p.v, q.u, q.v)]
    u, v = builder.curve_add(*inputs)
    builder.assert_public(u)
    builder.assert_public(v)
    cs, witness, pi = builder.compile()
    return cs, list(witness), list(pi)


@pytest.mark.parametrize("p", POINTS)
@pytest.mark.parametrize("q", POINTS)
def test_gate_computes_jubjub_addition(p: jubjub.Point, q: jubjub.Point) -> None:
    cs, witness, pi = _one_addition(p, q)
    assert is_satisfied(cs, witness, pi)
    assert pi == [jubjub.add(p, q).u, jubjub.add(p, q).v]
    assert len(cs.gates) == 4  # two gate rows, two public-input rows


@pytest.mark.parametrize(("variable", "constraint"), [(5, 1), (6, 2), (7, 0)])
def test_each_constraint_rejects_a_wrong_value(variable: int, constraint: int) -> None:
    """x3 breaks the u-equation, y3 the v-equation, the helper ``h`` the ``h = x1·y2`` one
    (and, through ``h``, the others): the gate row is the unsatisfied one."""
    cs, witness, _ = _one_addition(G, POINTS[2])
    wrong = list(witness)
    wrong[variable] = (wrong[variable] + 1) % R
    claimed = [wrong[5], wrong[6]]
    values = curve_addition_values(cs.gates[0], cs.gates[1], wrong)
    assert values[constraint] != 0
    assert unsatisfied_rows(cs, wrong, claimed) == [0]
    pk, _ = derive_keys(cs, SRS)
    with pytest.raises(CryptoError) as error:
        prove(pk, wrong, claimed, seed=b"x")
    assert error.value.code == "crypto.plonk_unsatisfied"


class _CheatingProver(_Prover):
    """Proves for any witness: skips the satisfiability and degree checks."""

    def __init__(self, pk: ProverKey) -> None:
        super().__init__(pk, field("fast"), _Blinders(b"cheat"))

    def _check_degree(self, t: list[Fe]) -> None:
        pass


def _cheat(pk: ProverKey, witness: Sequence[int], pi: Sequence[int]) -> bytes:
    return _CheatingProver(pk).run(witness, pi).encode()


@pytest.mark.parametrize("variable", [5, 6, 7])
def test_verifier_rejects_a_wrong_sum(variable: int) -> None:
    """Copy constraints and public inputs agree with the wrong value; only the gate breaks."""
    cs, witness, pi = _one_addition(G, POINTS[2])
    pk, vk = derive_keys(cs, SRS)
    assert verify(vk, _cheat(pk, witness, pi), pi)  # the cheating prover is otherwise honest
    wrong = list(witness)
    wrong[variable] = (wrong[variable] + 1) % R
    claimed = [wrong[5], wrong[6]]
    assert not is_satisfied(cs, wrong, claimed)
    assert not verify(vk, _cheat(pk, wrong, claimed), claimed)


def test_verifier_rejects_the_gate_switched_off_in_the_proof() -> None:
    """A proof for the same rows with ``q_add = 0`` (so any x3, y3 pass) is not a proof for
    the key with the gate."""
    cs, witness, _ = _one_addition(G, POINTS[2])
    off = ConstraintSystem(
        (Gate(*_wires(cs.gates[0]), q_arith=0), *cs.gates[1:]), cs.public_rows, cs.variable_count
    )
    _, vk = derive_keys(cs, SRS)
    pk_off, vk_off = derive_keys(off, SRS)
    wrong = list(witness)
    wrong[5] = (wrong[5] + 1) % R
    claimed = [wrong[5], wrong[6]]
    proof = prove(pk_off, wrong, claimed, seed=b"off")
    assert verify(vk_off, proof, claimed)
    assert not verify(vk, proof, claimed)


def _wires(g: Gate) -> tuple[int, int, int, int]:
    return g.a, g.b, g.c, g.d


def test_a_last_row_curve_addition_is_refused() -> None:
    cs, _, _ = _one_addition(G, G)
    truncated = ConstraintSystem(cs.gates[:1], (), cs.variable_count)
    with pytest.raises(CryptoError) as error:
        check_circuit(truncated)
    assert error.value.code == "crypto.plonk_circuit"


def test_the_next_row_is_read_through_the_permutation_layout() -> None:
    """The gate's outputs sit on wires a, b, d of the row after it."""
    cs, _, _ = _one_addition(G, G)
    pk, _ = derive_keys(cs, SRS)
    columns = wire_variables(pk.rows())
    assert [columns[0][1], columns[1][1], columns[3][1]] == [5, 6, 7]


def test_both_backends_agree_on_gadget_circuits() -> None:
    """Scalar multiplication on the gate: identical proofs on both backends, and the result
    equals the out-of-circuit ``jubjub.scalar_mul``."""
    builder = Builder()
    point = jubjub_gadget.append_point(builder, POINTS[2])
    k = builder.append_witness(11)
    windows = jubjub_gadget.signed_windows(builder, k, 2)
    out = jubjub_gadget.variable_base_mul(builder, point, windows)
    assert jubjub_gadget.point_value(builder, out) == jubjub.scalar_mul(POINTS[2], 11)
    builder.assert_public(out.u)
    cs, witness, pi = builder.compile()
    pk, vk = derive_keys(cs, SRS)
    fast = prove(pk, witness, pi, seed=b"backends", backend="fast")
    assert fast == prove(pk, witness, pi, seed=b"backends", backend="reference")
    assert verify(vk, fast, pi)


def test_gate_rows_per_operation() -> None:
    """Addition and doubling take two rows each (seven and five arithmetic rows before)."""
    builder = Builder()
    p = jubjub_gadget.append_point(builder, G)
    before = builder.gate_count
    q = jubjub_gadget.add(builder, p, p)
    assert builder.gate_count - before == 2
    jubjub_gadget.double(builder, q)
    assert builder.gate_count - before == 4

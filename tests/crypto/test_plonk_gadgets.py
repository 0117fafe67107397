"""Circuit gadgets (spec/crypto.md §13.2): on random inputs each gadget's result equals the
out-of-circuit function and its rows hold; a tampered intermediate value or a wrong output
leaves a row unsatisfied."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from duskspec.crypto import elgamal, jubjub, merkle_poseidon, poseidon, schnorr
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS, SUBGROUP_ORDER, Point
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.constraint_system import R, unsatisfied_rows
from duskspec.crypto.plonk.gadgets import boolean, range_check
from duskspec.crypto.plonk.gadgets import commitment as commitment_gadget
from duskspec.crypto.plonk.gadgets import elgamal as elgamal_gadget
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets import merkle as merkle_gadget
from duskspec.crypto.plonk.gadgets import poseidon as poseidon_gadget
from duskspec.crypto.plonk.gadgets import schnorr as schnorr_gadget
from duskspec.crypto.plonk.gadgets.jubjub import WitnessPoint
from duskspec.errors import CryptoError
from support.circuits import Compiled, with_public_changed

field = st.integers(0, R - 1)
scalars = st.integers(1, SUBGROUP_ORDER - 1)
points = scalars.map(lambda k: jubjub.fixed_base_mul(GENERATOR, k))
#: A point of order 2 (outside the prime-order subgroup).
TORSION_2 = Point(0, R - 1)


def _bind_point(b: Builder, p: WitnessPoint, expected: Point) -> None:
    """Bind a gadget's point to public inputs holding the out-of-circuit value."""
    jubjub_gadget.assert_point_equal(b, p, jubjub_gadget.append_public_point(b, expected))


def _tamper_detected(compiled: Compiled, data: st.DataObject, first: int) -> None:
    variable = data.draw(st.integers(first, compiled.cs.variable_count - 1), label="variable")
    delta = data.draw(st.integers(1, R - 1), label="delta")
    assert compiled.detects_tamper(variable, delta)


# --- boolean and range --------------------------------------------------------------------


def test_boolean() -> None:
    for bit, holds in ((0, True), (1, True), (2, False), (R - 1, False)):
        b = Builder()
        boolean.assert_boolean(b, b.append_witness(bit))
        assert Compiled(b).satisfied() is holds


@given(st.integers(0, (1 << 64) - 1), st.data())
def test_range_64(value: int, data: st.DataObject) -> None:
    b = Builder()
    x = b.append_witness(value)
    digits = range_check.decompose(b, x, 64)
    assert b.gate_count == 32 * 2 + 16
    assert sum(b.value(d.d) << (2 * i) for i, d in enumerate(digits)) == value
    compiled = Compiled(b)
    assert compiled.satisfied()
    _tamper_detected(compiled, data, 1)


def test_range_refuses_2_to_the_64_and_wraparound() -> None:
    for value in (1 << 64, R - 1):
        b = Builder()
        with pytest.raises(CryptoError) as error:
            range_check.decompose(b, b.append_witness(value), 64)
        assert error.value.code == "crypto.plonk_range"


def test_range_digit_out_of_range_is_caught() -> None:
    """Digits ``4, 1`` spell 8 as ``0, 2`` do; only the first digit's range row fails."""
    b = Builder()
    x = b.append_witness(8)
    values = [4, 1] + [0] * 30
    digits = tuple(range_check.append_digit(b, v) for v in values)
    range_check.assert_digits_sum(b, x, digits)
    cs, witness, public = b.compile()
    assert unsatisfied_rows(cs, witness, public) == [1]


# --- Poseidon -----------------------------------------------------------------------------


def test_permutation_every_variable_is_constrained() -> None:
    b = Builder()
    state = [b.append_witness(i * 7919) for i in range(5)]
    out = poseidon_gadget.permutation(b, state)
    assert [b.value(w) for w in out] == list(poseidon.permutation([i * 7919 for i in range(5)]))
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert compiled.undetected() == []
    assert b.gate_count == 724  # spec/crypto.md C13.10


@given(st.lists(field, min_size=5, max_size=5), st.data())
def test_permutation_matches(state: list[int], data: st.DataObject) -> None:
    b = Builder()
    out = poseidon_gadget.permutation(b, [b.append_witness(x) for x in state])
    expected = poseidon.permutation(state)
    assert tuple(b.value(w) for w in out) == expected
    for w in out:
        b.assert_public(w)
    compiled = Compiled(b)
    assert compiled.satisfied()
    index = data.draw(st.integers(0, 4), label="output")
    assert not compiled.satisfied(with_public_changed(compiled.public, index))
    _tamper_detected(compiled, data, 1)


@given(st.lists(field, min_size=1, max_size=9), st.integers(1, 5), field)
def test_sponge_matches(inputs: list[int], output_len: int, tag_value: int) -> None:
    event(f"blocks={(len(inputs) + 3) // 4}, outputs={output_len}")
    b = Builder()
    out = poseidon_gadget.sponge(b, tag_value, [b.append_witness(x) for x in inputs], output_len)
    assert tuple(b.value(w) for w in out) == poseidon.sponge(tag_value, inputs, output_len)
    assert Compiled(b).satisfied()


@given(st.lists(field, min_size=1, max_size=8), st.data())
def test_truncated_hash_matches(inputs: list[int], data: st.DataObject) -> None:
    b = Builder()
    ws = [b.append_witness(x) for x in inputs]
    low, digits = poseidon_gadget.hash_truncated(b, poseidon.Domain.OTHER, ws)
    assert b.value(low) == poseidon.hash_truncated(poseidon.Domain.OTHER, inputs)
    assert sum(b.value(d.d) << (2 * i) for i, d in enumerate(digits)) == b.value(low)
    b.assert_public(low)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    _tamper_detected(compiled, data, 1)


def test_truncation_accepts_the_second_representative() -> None:
    """The bound of rule 13.6: ``h + r < 2^255`` splits too (another low part), ``h + 2r``
    does not."""
    b = Builder()
    h = 12345
    full = b.append_witness(h)
    honest, _ = poseidon_gadget.split_truncated(b, full, h)
    other, _ = poseidon_gadget.split_truncated(b, full, h + R)
    assert Compiled(b).satisfied()
    assert b.value(honest) == h and b.value(other) == (h + R) % (1 << 250)
    with pytest.raises(CryptoError):
        poseidon_gadget.split_truncated(b, full, h + 2 * R)


# --- Jubjub -------------------------------------------------------------------------------


@given(points, points, st.data())
def test_add_and_double_match(p: Point, q: Point, data: st.DataObject) -> None:
    b = Builder()
    wp, wq = jubjub_gadget.append_point(b, p), jubjub_gadget.append_point(b, q)
    s = jubjub_gadget.add(b, wp, wq)
    d = jubjub_gadget.double(b, wp)
    i = jubjub_gadget.add(b, wp, jubjub_gadget.constant_point(b, jubjub.IDENTITY))
    assert jubjub_gadget.point_value(b, s) == p + q
    assert jubjub_gadget.point_value(b, d) == p + p
    assert jubjub_gadget.point_value(b, i) == p
    _bind_point(b, s, p + q)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 1))
    _tamper_detected(compiled, data, 1)


def test_point_checks_refuse_off_curve_and_torsion() -> None:
    p = jubjub.fixed_base_mul(GENERATOR, 99)
    for point, in_subgroup in ((p, True), (p + TORSION_2, False)):
        b = Builder()
        jubjub_gadget.assert_in_subgroup(b, jubjub_gadget.append_point(b, point))
        assert Compiled(b).satisfied() is in_subgroup
    b = Builder()
    jubjub_gadget.append_point(b, Point(p.u, (p.v + 1) % R))
    assert not Compiled(b).satisfied()


@given(st.integers(0, (1 << 252) - 1), st.sampled_from([GENERATOR, GENERATOR_NUMS]), st.data())
def test_fixed_base_mul_matches(k: int, base: Point, data: st.DataObject) -> None:
    b = Builder()
    windows = jubjub_gadget.signed_windows(b, b.append_witness(k), 126)
    out = jubjub_gadget.fixed_base_mul(b, base, windows)
    expected = jubjub.fixed_base_mul(base, k)
    assert jubjub_gadget.point_value(b, out) == expected
    _bind_point(b, out, expected)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    _tamper_detected(compiled, data, 1)


@given(points, st.integers(0, (1 << 252) - 1), st.data())
def test_variable_base_mul_matches(p: Point, k: int, data: st.DataObject) -> None:
    b = Builder()
    wp = jubjub_gadget.append_point(b, p)
    scalar = b.append_witness(k)
    range_check.decompose(b, scalar, 252)  # pins the integer the signed windows spell
    out = jubjub_gadget.variable_base_mul(b, wp, jubjub_gadget.signed_windows(b, scalar, 126))
    expected = jubjub.scalar_mul(p, k)
    assert jubjub_gadget.point_value(b, out) == expected
    _bind_point(b, out, expected)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 1))
    _tamper_detected(compiled, data, 1)


def test_scalar_multiplication_edge_scalars() -> None:
    p = jubjub.fixed_base_mul(GENERATOR, 5)
    for k in (0, 1, 2, 3, 4, SUBGROUP_ORDER - 1, SUBGROUP_ORDER, (1 << 252) - 1):
        b = Builder()
        scalar = b.append_witness(k)
        range_check.decompose(b, scalar, 252)
        windows = jubjub_gadget.signed_windows(b, scalar, 126)
        fixed = jubjub_gadget.fixed_base_mul(b, GENERATOR, windows)
        variable = jubjub_gadget.variable_base_mul(b, jubjub_gadget.append_point(b, p), windows)
        assert jubjub_gadget.point_value(b, fixed) == jubjub.fixed_base_mul(GENERATOR, k)
        assert jubjub_gadget.point_value(b, variable) == jubjub.scalar_mul(p, k)
        assert Compiled(b).satisfied()


# --- Merkle -------------------------------------------------------------------------------


@given(
    st.integers(1, 3),
    st.lists(field, min_size=1, max_size=20),
    st.data(),
)
def test_merkle_opening_matches(depth: int, leaves: list[int], data: st.DataObject) -> None:
    leaves = leaves[: 4**depth]
    tree = merkle_poseidon.empty_tree(depth)
    for leaf in leaves:
        tree = tree.append(leaf)
    position = data.draw(st.integers(0, len(leaves) - 1), label="position")
    opening = tree.opening(position)
    event(f"depth={depth}")
    b = Builder()
    root = merkle_gadget.opening_root(b, b.append_witness(leaves[position]), opening)
    assert b.value(root) == tree.root()
    b.assert_public(root)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    _tamper_detected(compiled, data, 1)


def test_merkle_wrong_leaf_or_index_is_unsatisfied() -> None:
    tree = merkle_poseidon.empty_tree(2)
    for leaf in (11, 22, 33, 44, 55, 66):
        tree = tree.append(leaf)
    opening = tree.opening(4)
    for leaf, positions in ((56, opening.positions), (55, (opening.positions[0], 1))):
        b = Builder()
        moved = type(opening)(opening.root, opening.branch, positions)
        root = merkle_gadget.opening_root(b, b.append_witness(leaf), moved)
        b.assert_equal(root, b.append_public(tree.root()))
        assert not Compiled(b).satisfied()


# --- Schnorr, commitments, ElGamal --------------------------------------------------------


def _signature_circuit(sk: int, msg: int, signer: int, double: bool) -> Compiled:
    b = Builder()
    m = b.append_witness(msg)
    if double:
        pk, pk_prime = schnorr.public_key_double(sk)
        sig_double = schnorr.sign_double(signer, msg)
        schnorr_gadget.verify_double(
            b,
            jubjub_gadget.append_point(b, pk),
            jubjub_gadget.append_point(b, pk_prime),
            m,
            schnorr_gadget.append_signature_double(b, sig_double),
        )
    else:
        sig = schnorr.sign(signer, msg)
        pk = schnorr.public_key(sk)
        key = jubjub_gadget.append_point(b, pk)
        schnorr_gadget.verify(b, key, m, schnorr_gadget.append_signature(b, sig))
    return Compiled(b)


@given(scalars, field, st.booleans(), st.data())
def test_schnorr_verification_matches(sk: int, msg: int, double: bool, data: st.DataObject) -> None:
    event("double" if double else "single")
    compiled = _signature_circuit(sk, msg, sk, double)
    assert compiled.satisfied()
    _tamper_detected(compiled, data, 1)


@pytest.mark.parametrize("double", [False, True])
def test_schnorr_wrong_key_is_unsatisfied(double: bool) -> None:
    for sk, other, msg in ((5, 6, 0), (SUBGROUP_ORDER - 1, 1, R - 1), (2**200, 3**150, 42)):
        assert not _signature_circuit(sk, msg, other, double).satisfied()


@given(st.integers(0, (1 << 64) - 1), st.integers(0, SUBGROUP_ORDER - 1), st.data())
def test_value_commitment_matches(value: int, blinder: int, data: st.DataObject) -> None:
    b = Builder()
    out = commitment_gadget.value_commitment(b, b.append_witness(value), b.append_witness(blinder))
    expected = jubjub.value_commitment(value, blinder)
    assert jubjub_gadget.point_value(b, out) == expected
    _bind_point(b, out, expected)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    _tamper_detected(compiled, data, 1)


def test_value_commitment_refuses_2_to_the_64() -> None:
    b = Builder()
    with pytest.raises(CryptoError) as error:
        commitment_gadget.value_commitment(b, b.append_witness(1 << 64), b.append_witness(1))
    assert error.value.code == "crypto.plonk_range"


@given(points, points, st.integers(0, SUBGROUP_ORDER - 1), st.data())
def test_elgamal_matches(pk: Point, message: Point, r: int, data: st.DataObject) -> None:
    b = Builder()
    key, plain = jubjub_gadget.append_point(b, pk), jubjub_gadget.append_point(b, message)
    c1, c2 = elgamal_gadget.encrypt(b, key, plain, b.append_witness(r))
    expected = elgamal.encrypt(pk, message, r)
    assert jubjub_gadget.point_value(b, c1) == expected.c1
    assert jubjub_gadget.point_value(b, c2) == expected.c2
    _bind_point(b, c2, expected.c2)
    compiled = Compiled(b)
    assert compiled.satisfied()
    assert not compiled.satisfied(with_public_changed(compiled.public, 0))
    _tamper_detected(compiled, data, 1)


def test_decomposition_widths() -> None:
    """Odd, zero and wider-than-254-bit decompositions (which could wrap mod r) are refused."""
    for bits in (0, 63, 256):
        b = Builder()
        with pytest.raises(CryptoError) as error:
            range_check.decompose(b, b.append_witness(1), bits)
        assert error.value.code == "crypto.plonk_range_width"


#: spec/crypto.md C13.16 and C13.17.
FIXED_BASE_ROWS = 506
VARIABLE_BASE_ROWS = 1138


def test_row_counts_match_spec() -> None:
    """The row counts spec/crypto.md §13.2 states for the curve gadgets."""
    p = jubjub.fixed_base_mul(GENERATOR, 7)

    def rows(build: Callable[[Builder], object]) -> int:
        b = Builder()
        build(b)
        return b.gate_count

    def point(b: Builder) -> WitnessPoint:
        return WitnessPoint(b.append_witness(p.u), b.append_witness(p.v))

    assert rows(lambda b: jubjub_gadget.add(b, point(b), point(b))) == 2
    assert rows(lambda b: jubjub_gadget.double(b, point(b))) == 2
    assert rows(lambda b: jubjub_gadget.assert_on_curve(b, point(b))) == 3
    assert rows(lambda b: jubjub_gadget.assert_in_subgroup(b, point(b))) == 11

    def variable(b: Builder) -> None:
        windows = jubjub_gadget.signed_windows(b, b.append_witness(5), 126)
        assert b.gate_count == 3 * 126 + 2
        before = b.gate_count
        jubjub_gadget.variable_base_mul(b, point(b), windows)
        assert b.gate_count - before == VARIABLE_BASE_ROWS

    def fixed(b: Builder) -> None:
        windows = jubjub_gadget.signed_windows(b, b.append_witness(5), 126)
        before = b.gate_count
        jubjub_gadget.fixed_base_mul(b, GENERATOR, windows)
        assert b.gate_count - before == FIXED_BASE_ROWS

    rows(variable)
    rows(fixed)


def test_signed_windows_refuse_a_wrong_scalar_and_torsion_points_match() -> None:
    """The row ``k = acc + δ`` binds the windows to the scalar; a point with a torsion
    component is multiplied exactly as out of the circuit (by the integer k)."""
    p = jubjub.fixed_base_mul(GENERATOR, 11) + TORSION_2
    for k in (6, 7, (1 << 250) - 1):
        b = Builder()
        scalar = b.append_witness(k)
        windows = jubjub_gadget.signed_windows(b, scalar, 125)
        out = jubjub_gadget.variable_base_mul(b, jubjub_gadget.append_point(b, p), windows)
        assert jubjub_gadget.point_value(b, out) == jubjub.scalar_mul(p, k)
        compiled = Compiled(b)
        assert compiled.satisfied()
        assert compiled.detects_tamper(scalar.index)
        assert compiled.detects_tamper(windows.parity.index)

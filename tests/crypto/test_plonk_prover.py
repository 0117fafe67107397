"""PLONK prover and verifier (spec/crypto.md §12.5-§12.7): completeness, soundness against
tampering and cheating provers, malformed bytes, and the two field backends."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from duskspec.crypto import jubjub
from duskspec.crypto.plonk.constraint_system import ConstraintSystem, Gate, R, is_satisfied
from duskspec.crypto.plonk.examples import (
    MINUS_ONE,
    SMALL_CIRCUITS,
    cubic_circuit,
    four_wire_circuit,
    mul_circuit,
    public,
)
from duskspec.crypto.plonk.field import Fe, field
from duskspec.crypto.plonk.keys import ProverKey, derive_keys
from duskspec.crypto.plonk.kzg import insecure_test_srs
from duskspec.crypto.plonk.prover import PROOF_BYTES, _Blinders, _Prover, prove
from duskspec.crypto.plonk.verifier import verify
from duskspec.errors import CryptoError
from duskspec.vectors.handlers.crypto import G1_NOT_IN_SUBGROUP, G1_OFF_CURVE

SRS = insecure_test_srs(b"plonk tests", 64)


CIRCUITS = SMALL_CIRCUITS


@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_valid_witness_proves_and_verifies(name: str) -> None:
    cs, witness, pi = CIRCUITS[name]()
    assert is_satisfied(cs, witness, pi)
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"complete")
    assert len(proof) == PROOF_BYTES
    assert verify(vk, proof, pi)
    assert verify(vk.encode(), proof, pi)


@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_both_backends_give_identical_proofs(name: str) -> None:
    cs, witness, pi = CIRCUITS[name]()
    pk, vk = derive_keys(cs, SRS)
    fast = prove(pk, witness, pi, seed=b"same seed", backend="fast")
    reference = prove(pk, witness, pi, seed=b"same seed", backend="reference")
    assert fast == reference
    _, vk_reference = derive_keys(cs, SRS, field("reference"))
    assert vk_reference.encode() == vk.encode()


def test_proofs_are_randomised_by_the_seed() -> None:
    cs, witness, pi = cubic_circuit()
    pk, vk = derive_keys(cs, SRS)
    first, second = (prove(pk, witness, pi, seed=s) for s in (b"one", b"two"))
    assert first != second
    assert verify(vk, first, pi) and verify(vk, second, pi)
    assert verify(vk, prove(pk, witness, pi), pi)  # OS randomness


@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_unsatisfied_witness_is_refused(name: str) -> None:
    cs, witness, pi = CIRCUITS[name]()
    pk, _ = derive_keys(cs, SRS)
    bad = list(witness)
    bad[-1] = (bad[-1] + 1) % R
    for w, p in ((bad, pi), (witness, [(v + 1) % R for v in pi])):
        if is_satisfied(cs, w, p):
            continue
        with pytest.raises(CryptoError) as error:
            prove(pk, w, p, seed=b"x")
        assert error.value.code == "crypto.plonk_unsatisfied"
    nonzero = [1, *witness[1:]]
    with pytest.raises(CryptoError) as error:
        prove(pk, nonzero, pi, seed=b"x")
    assert error.value.code == "crypto.plonk_unsatisfied"


def test_changed_public_input_is_rejected() -> None:
    cs, witness, pi = four_wire_circuit()
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"pi")
    for k in range(len(pi)):
        changed = list(pi)
        changed[k] = (changed[k] + 1) % R
        assert not verify(vk, proof, changed)
    assert not verify(vk, proof, list(reversed(pi)))


def test_every_single_byte_change_is_rejected() -> None:
    """Flip the low bit of each of the 880 bytes: a malformed-encoding error or False."""
    cs, witness, pi = mul_circuit()
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"bytes")
    outcomes = {"malformed": 0, "false": 0}
    for position in range(len(proof)):
        tampered = bytearray(proof)
        tampered[position] ^= 1
        try:
            accepted = verify(vk, bytes(tampered), pi)
        except CryptoError:
            outcomes["malformed"] += 1
            continue
        assert not accepted, position
        outcomes["false"] += 1
    assert outcomes["malformed"] > 0 and outcomes["false"] > 0


def test_swapped_proof_elements_are_rejected() -> None:
    cs, witness, pi = cubic_circuit()
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"swap")
    a, b = proof[:48], proof[48:96]
    assert not verify(vk, b + a + proof[96:], pi)
    s0, s1 = proof[528:560], proof[560:592]
    assert not verify(vk, proof[:528] + s1 + s0 + proof[592:], pi)


def test_proof_for_another_circuit_is_rejected() -> None:
    cs, witness, pi = cubic_circuit()
    pk, _ = derive_keys(cs, SRS)
    other_cs = ConstraintSystem(
        gates=(
            *cs.gates[:2],
            Gate(a=3, b=1, c=4, d=0, q_l=1, q_r=1, q_o=MINUS_ONE, q_c=6),
            cs.gates[3],
        ),
        public_rows=cs.public_rows,
        variable_count=cs.variable_count,
    )
    _, other_vk = derive_keys(other_cs, SRS)
    assert not verify(other_vk, prove(pk, witness, pi, seed=b"c"), pi)


# --- cheating provers -------------------------------------------------------------------------


class _CheatingProver(_Prover):
    """Uses its own wire values and skips the quotient degree check: what a malicious prover
    controls. The verifier must reject what it produces."""

    def __init__(self, pk: ProverKey, wires: list[list[int]]) -> None:
        super().__init__(pk, field("fast"), _Blinders(b"cheat"))
        self.forced = wires

    def _wire_values(self, witness: Sequence[int]) -> list[list[Fe]]:
        return [self.f.from_ints(column) for column in self.forced]

    def _check_degree(self, t: list[Fe]) -> None:
        pass


def _honest_columns(pk: ProverKey, witness: list[int]) -> list[list[int]]:
    from duskspec.crypto.plonk.keys import wire_variables

    return [[witness[v] for v in column] for column in wire_variables(pk.rows())]


def test_broken_copy_constraint_is_rejected() -> None:
    """Every gate holds row by row, but variable 3 takes two different values on two wires:
    only the permutation argument catches it."""
    cs, witness, pi = mul_circuit()
    pk, vk = derive_keys(cs, SRS)
    columns = _honest_columns(pk, witness)
    columns[2][0] = 16  # row 0's c: x·y = 16 is false, so change x too
    columns[0][0] = 16 * pow(5, R - 2, R) % R
    honest = _CheatingProver(pk, _honest_columns(pk, witness)).run(witness, pi)
    assert verify(vk, honest.encode(), pi)
    cheat = _CheatingProver(pk, columns).run(witness, pi)
    assert not verify(vk, cheat.encode(), pi)


def test_broken_gate_is_rejected() -> None:
    cs, witness, pi = cubic_circuit()
    pk, vk = derive_keys(cs, SRS)
    columns = _honest_columns(pk, witness)
    columns[3][0] = 1  # d on row 0 is variable 0, so this breaks the zero variable's cycle
    cheat = _CheatingProver(pk, columns).run(witness, pi)
    assert not verify(vk, cheat.encode(), pi)
    columns = _honest_columns(pk, witness)
    wrong = [0, 3, 9, 27, 36]
    cheat = _CheatingProver(pk, _honest_columns(pk, wrong)).run(wrong, [36])
    assert not verify(vk, cheat.encode(), [36])


# --- malformed input ---------------------------------------------------------------------------


def _malformed_proofs(proof: bytes) -> list[tuple[str, bytes, str]]:
    point_code = "crypto.plonk_proof_point"
    scalar_code = "crypto.plonk_proof_scalar"
    r_bytes = R.to_bytes(32, "little")
    return [
        ("short", proof[:-1], "crypto.plonk_proof_length"),
        ("long", proof + b"\x00", "crypto.plonk_proof_length"),
        ("empty", b"", "crypto.plonk_proof_length"),
        ("off_curve", G1_OFF_CURVE + proof[48:], point_code),
        ("not_in_subgroup", proof[:48] + G1_NOT_IN_SUBGROUP + proof[96:], point_code),
        ("uncompressed_flag", bytes([proof[0] & 0x7F]) + proof[1:], point_code),
        ("infinity_noncanonical", bytes([0xC0]) + bytes(46) + b"\x01" + proof[48:], point_code),
        ("scalar_r", proof[:528] + r_bytes + proof[560:], scalar_code),
        ("scalar_max", proof[:-32] + b"\xff" * 32, scalar_code),
    ]


def test_malformed_proof_bytes_raise_stable_codes() -> None:
    cs, witness, pi = mul_circuit()
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"malformed")
    for name, data, code in _malformed_proofs(proof):
        with pytest.raises(CryptoError) as error:
            verify(vk, data, pi)
        assert error.value.code == code, name


def test_public_input_count_and_range_are_checked() -> None:
    cs, witness, pi = mul_circuit()
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"pi")
    for bad, code in (
        ([], "crypto.plonk_public_input_count"),
        ([15, 15], "crypto.plonk_public_input_count"),
        ([15 + R], "crypto.plonk_public_input_range"),
        ([-1], "crypto.plonk_public_input_range"),
    ):
        with pytest.raises(CryptoError) as error:
            verify(vk, proof, bad)
        assert error.value.code == code
        with pytest.raises(CryptoError) as error:
            prove(pk, witness, bad)
        assert error.value.code == code


# --- random circuits ------------------------------------------------------------------------


@st.composite
def random_circuits(draw: st.DrawFn) -> tuple[ConstraintSystem, list[int], list[int], int]:
    """Random width-4 gates over a few variables with a satisfying witness: selectors random,
    ``q_c`` chosen so each row holds; then 0-2 variables made public. Returns a byte index
    to tamper with as well."""
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = random.Random(seed)
    variables = draw(st.integers(min_value=2, max_value=6))
    witness = [0] + [rng.choice([0, 1, R - 1, rng.randrange(R)]) for _ in range(variables - 1)]
    gates = []
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        wires = [rng.randrange(variables) for _ in range(4)]
        q = [rng.choice([0, 1, MINUS_ONE, rng.randrange(R)]) for _ in range(5)]
        a, b, c, d = (witness[v] for v in wires)
        value = q[0] * a * b + q[1] * a + q[2] * b + q[3] * c + q[4] * d
        gates.append(Gate(*wires, *q, q_c=-value % R))
    if draw(st.booleans()):
        gates += _random_curve_addition(rng, witness)
        variables = len(witness)
    count = draw(st.integers(min_value=0, max_value=min(2, variables - 1)))
    exposed = rng.sample(range(1, variables), count)
    public_rows = tuple(range(len(gates), len(gates) + len(exposed)))
    gates += [public(v) for v in exposed]
    cs = ConstraintSystem(tuple(gates), public_rows, variables)
    # Half the tampering hits the 11 points (bytes 0-527), half the 11 scalars.
    tamper = rng.choice([rng.randrange(528), rng.randrange(528, PROOF_BYTES)])
    return cs, witness, [witness[v] for v in exposed], tamper


#: Small multiples of the Jubjub generator: the points random curve additions draw from.
_POINTS = [jubjub.scalar_mul(jubjub.GENERATOR, k) for k in range(8)]


def _random_curve_addition(rng: random.Random, witness: list[int]) -> list[Gate]:
    """Two curve points on fresh variables, their sum and the helper ``x1·y2``: the gate row
    and the row after it; the witness grows by seven variables."""
    p, q = rng.choice(_POINTS), rng.choice(_POINTS)
    total = jubjub.add(p, q)
    first = len(witness)
    witness += [p.u, p.v, q.u, q.v, total.u, total.v, p.u * q.v % R]
    x1, y1, x2, y2, x3, y3, h = range(first, first + 7)
    return [Gate(x1, y1, x2, y2, q_arith=0, q_add=1), Gate(x3, y3, 0, h, q_arith=0)]


@given(random_circuits(), st.integers(min_value=0, max_value=7))
def test_random_circuits_complete_and_sound(
    case: tuple[ConstraintSystem, list[int], list[int], int], bit: int
) -> None:
    cs, witness, pi, tamper = case
    assert is_satisfied(cs, witness, pi)
    pk, vk = derive_keys(cs, SRS)
    proof = prove(pk, witness, pi, seed=b"property")
    assert prove(pk, witness, pi, seed=b"property", backend="reference") == proof
    assert verify(vk, proof, pi)
    for k in range(len(pi)):
        changed = list(pi)
        changed[k] = (changed[k] + 1) % R
        assert not verify(vk, proof, changed)
    event(f"public inputs: {len(pi)}")
    event(f"curve additions: {sum(1 for g in cs.gates if g.q_add)}")
    # The prover refuses exactly the witnesses is_satisfied rejects.
    changed_witness = list(witness)
    changed_witness[1 + tamper % (len(witness) - 1)] += 1
    if is_satisfied(cs, changed_witness, pi):
        event("changed witness: still satisfying")
        assert verify(vk, prove(pk, changed_witness, pi, seed=b"other"), pi)
    else:
        event("changed witness: refused")
        with pytest.raises(CryptoError) as refused:
            prove(pk, changed_witness, pi, seed=b"other")
        assert refused.value.code == "crypto.plonk_unsatisfied"
    tampered = bytearray(proof)
    tampered[tamper] ^= 1 << bit
    try:
        accepted = verify(vk, bytes(tampered), pi)
    except CryptoError as error:
        event(f"tampered byte: {error.code}")
        return
    event("tampered byte: false")
    assert not accepted

"""Preprocessing (spec/crypto.md §12.3): coset constants, the permutation, key encodings and
the on-disk key cache."""

from __future__ import annotations

import pytest

from duskspec.crypto.plonk import keys
from duskspec.crypto.plonk.constraint_system import ConstraintSystem, Gate, R
from duskspec.crypto.plonk.field import TWO_ADICITY, root_of_unity
from duskspec.crypto.plonk.keys import (
    COSET_CONSTANTS,
    decode_verifier_key,
    derive_keys,
    padded_rows,
    permutation_labels,
)
from duskspec.crypto.plonk.kzg import insecure_test_srs
from duskspec.errors import CryptoError
from support.circuits import mul_circuit

SRS = insecure_test_srs(b"keys tests", 40)


def test_coset_constants_give_disjoint_cosets_for_every_domain() -> None:
    """k_i·H = k_j·H iff (k_i/k_j)^|H| = 1; checking the largest H (2^32) covers every
    power-of-two H, since a smaller H's order divides 2^32."""
    for i, ki in enumerate(COSET_CONSTANTS):
        for kj in COSET_CONSTANTS[i + 1 :]:
            ratio = ki * pow(kj, R - 2, R) % R
            assert pow(ratio, 1 << TWO_ADICITY, R) != 1


def test_rows_are_gates_then_zero_row_then_padding() -> None:
    rows = padded_rows(mul_circuit())
    assert len(rows) == 16
    assert rows[:2] == list(mul_circuit().gates)
    assert rows[2] == Gate(a=0, b=0, c=0, d=0, q_l=1)
    assert all(r.q_arith == 0 for r in rows[3:])
    assert keys.domain_size(15) == 16 and keys.domain_size(16) == 32


def test_permutation_cycles_follow_variables() -> None:
    rows = padded_rows(mul_circuit())
    n = len(rows)
    sigma = permutation_labels(rows)
    w = root_of_unity(n)
    label = {(j, i): COSET_CONSTANTS[j] * pow(w, i, R) % R for j in range(4) for i in range(n)}
    # variable 3 sits at (c, row 0) and (a, row 1): a 2-cycle.
    assert sigma[2][0] == label[(0, 1)]
    assert sigma[0][1] == label[(2, 0)]
    # variable 1 occurs once: a fixed point.
    assert sigma[0][0] == label[(0, 0)]
    # σ is a permutation of the 4n labels.
    assert sorted(x for column in sigma for x in column) == sorted(label.values())


def test_verifier_key_round_trip_and_malformed() -> None:
    _, vk = derive_keys(mul_circuit(), SRS)
    data = vk.encode()
    assert len(data) == 9 + 4 + 11 * 48 + 2 * 96
    assert decode_verifier_key(data) == vk
    cases = {
        "crypto.plonk_vk_version": b"\x01" + data[1:],
        "crypto.plonk_vk_domain": data[:1] + (12).to_bytes(4, "little") + data[5:],
        "crypto.plonk_vk_length": data[:-1],
        "crypto.plonk_vk_public_rows": data[:9] + (16).to_bytes(4, "little") + data[13:],
        "crypto.plonk_vk_point": data[:13] + bytes([0x80]) + bytes(46) + b"\x01" + data[61:],
    }
    for code, bad in cases.items():
        with pytest.raises(CryptoError) as error:
            decode_verifier_key(bad)
        assert error.value.code == code


def test_bad_circuits_are_refused() -> None:
    base = mul_circuit()
    bad = {
        "unknown variable": ConstraintSystem(base.gates, (1,), 3),
        "public row out of range": ConstraintSystem(base.gates, (2,), 4),
        "repeated public row": ConstraintSystem(base.gates, (1, 1), 4),
        "selector not reduced": ConstraintSystem((Gate(1, 2, 3, 0, q_m=R),), (), 4),
    }
    for name, cs in bad.items():
        with pytest.raises(CryptoError) as error:
            derive_keys(cs, SRS)
        assert error.value.code == "crypto.plonk_circuit", name


def test_srs_too_small_is_refused() -> None:
    with pytest.raises(CryptoError) as error:
        derive_keys(mul_circuit(), insecure_test_srs(b"small", 14))
    assert error.value.code == "crypto.srs_too_small"


def test_prover_key_encoding_is_vk_thenmul_circuit() -> None:
    cs = mul_circuit()
    pk, vk = derive_keys(cs, SRS)
    data = pk.encode()
    assert data.startswith(vk.encode())
    circuit = data[len(vk.encode()) :]
    assert circuit == keys.encode_constraint_system(cs)
    assert len(circuit) == 12 + 4 * 1 + 272 * 2


def test_prover_key_decodes_and_proves() -> None:
    from duskspec.crypto.plonk.examples import four_wire_circuit
    from duskspec.crypto.plonk.prover import prove
    from duskspec.crypto.plonk.verifier import verify

    cs, witness, pi = four_wire_circuit()
    pk, vk = derive_keys(cs, SRS)
    decoded = keys.decode_prover_key(pk.encode(), SRS)
    assert decoded.cs == cs and decoded.vk == vk
    assert prove(decoded, witness, pi, seed=b"k") == prove(pk, witness, pi, seed=b"k")
    assert verify(vk, prove(decoded, witness, pi, seed=b"k"), pi)


def test_malformed_prover_keys_and_circuits() -> None:
    cs = mul_circuit()
    pk, vk = derive_keys(cs, SRS)
    data = pk.encode()
    circuit = keys.encode_constraint_system(cs)
    assert keys.decode_constraint_system(circuit) == cs
    bad_circuits = {
        "crypto.plonk_circuit_encoding": [circuit[:11], circuit[:-1], circuit + b"\x00"],
        # wire a of gate 0 names variable 9 of 4
        "crypto.plonk_circuit": [circuit[:16] + (9).to_bytes(4, "little") + circuit[20:]],
    }
    for code, cases in bad_circuits.items():
        for bad in cases:
            with pytest.raises(CryptoError) as error:
                keys.decode_constraint_system(bad)
            assert error.value.code == code
    other_srs = insecure_test_srs(b"another setup", 40)
    for bad, srs, code in (
        (data, other_srs, "crypto.plonk_pk_mismatch"),
        (data, insecure_test_srs(b"keys tests", 14), "crypto.plonk_pk_mismatch"),
        (data[:5], SRS, "crypto.plonk_vk_length"),
        (data[: len(vk.encode())] + circuit[:-1], SRS, "crypto.plonk_circuit_encoding"),
    ):
        with pytest.raises(CryptoError) as error:
            keys.decode_prover_key(bad, srs)
        assert error.value.code == code

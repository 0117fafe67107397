"""``general`` handlers for KZG10 and PLONK (spec/crypto.md §12).

Components: ``kzg`` (``commit``, ``open``, ``verify``, ``srs``) and ``plonk`` (``prove``,
``verify``).
KZG cases give τ in the clear: they use the INSECURE test setup ``[τ^i]_1, [1]_2, [τ]_2``
and exist to pin the arithmetic, not a ceremony. PLONK cases carry a verifier key, proof
bytes and public inputs exactly as the VM's ``verify_plonk`` host query receives them; every
invalid case says why it must be rejected. ``plonk/prove`` pins key derivation and the
prover byte for byte: with the blinding seed given, a proof is a deterministic function of
(circuit, witness, public inputs, setup).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from py_arkworks_bls12381 import G1Point, G2Point

from duskspec.crypto.plonk import kzg
from duskspec.crypto.plonk.constraint_system import Gate, R
from duskspec.crypto.plonk.examples import SMALL_CIRCUITS, Instance
from duskspec.crypto.plonk.field import field
from duskspec.crypto.plonk.keys import (
    SRS_EXTRA,
    VerifierKey,
    decode_constraint_system,
    derive_keys,
    encode_constraint_system,
)
from duskspec.crypto.plonk.prover import prove
from duskspec.crypto.plonk.verifier import verify
from duskspec.errors import CryptoError
from duskspec.vectors.handlers.crypto import G1_NOT_IN_SUBGROUP, G1_OFF_CURVE, ValidPost
from duskspec.vectors.registry import Case, Handler

F = field("fast")

# --- KZG ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KzgCommitInput:
    tau: int
    coeffs: tuple[int, ...]


@dataclass(frozen=True)
class KzgCommitPost:
    commitment: bytes


@dataclass(frozen=True)
class KzgOpenInput:
    tau: int
    coeffs: tuple[int, ...]
    z: int


@dataclass(frozen=True)
class KzgOpenPost:
    value: int
    proof: bytes


@dataclass(frozen=True)
class KzgVerifyInput:
    tau: int
    commitment: bytes
    z: int
    value: int
    proof: bytes


@dataclass(frozen=True)
class SrsInput:
    srs_file: bytes


@dataclass(frozen=True)
class SrsPost:
    powers: int
    g2_tau: bytes


def _srs_from_tau(tau: int, size: int) -> kzg.SRS:
    t = F.from_int(tau)
    generator = G1Point()
    powers = [generator * p for p in F.powers(t, max(size, 1))]
    return kzg.SRS(tuple(powers), G2Point(), G2Point() * t)


def _scalar(value: int) -> int:
    if not 0 <= value < R:
        raise CryptoError("crypto.kzg_scalar", "a scalar must be in [0, r)")
    return value


def run_kzg_commit(pre: None, inp: KzgCommitInput) -> KzgCommitPost:
    srs = _srs_from_tau(_scalar(inp.tau), len(inp.coeffs))
    coeffs = F.from_ints([_scalar(c) for c in inp.coeffs])
    return KzgCommitPost(kzg.commit(srs, F, coeffs).to_compressed_bytes())


def run_kzg_open(pre: None, inp: KzgOpenInput) -> KzgOpenPost:
    srs = _srs_from_tau(_scalar(inp.tau), len(inp.coeffs))
    coeffs = F.from_ints([_scalar(c) for c in inp.coeffs])
    value, proof = kzg.open_at(srs, F, coeffs, F.from_int(_scalar(inp.z)))
    return KzgOpenPost(F.to_int(value), proof.to_compressed_bytes())


def run_kzg_verify(pre: None, inp: KzgVerifyInput) -> ValidPost:
    srs = _srs_from_tau(_scalar(inp.tau), 1)
    commitment = kzg.decode_g1(inp.commitment, "crypto.kzg_point")
    proof = kzg.decode_g1(inp.proof, "crypto.kzg_point")
    z, value = _scalar(inp.z), _scalar(inp.value)
    return ValidPost(kzg.verify_opening(srs.g2, srs.g2_tau, commitment, z, value, proof))


def run_kzg_srs(pre: None, inp: SrsInput) -> SrsPost:
    srs = kzg.decode_srs(inp.srs_file)
    return SrsPost(srs.size, srs.g2_tau.to_compressed_bytes())


def _random_poly(rng: random.Random, length: int) -> tuple[int, ...]:
    return tuple(rng.randrange(R) for _ in range(length))


def _kzg_commit_cases() -> Iterator[Case]:
    rng = random.Random(10)
    yield Case("constant", "p = 5: the commitment is 5·G1", KzgCommitInput(12345, (5,)))
    yield Case("linear", "p = 1 + 2X", KzgCommitInput(12345, (1, 2)))
    for length in (16, 64):
        yield Case(
            f"random_{length}",
            f"{length} seeded coefficients, seeded τ",
            KzgCommitInput(rng.randrange(R), _random_poly(rng, length)),
            seed=10,
        )
    yield Case(
        "coefficient_r",
        "a coefficient equal to r is not a field element",
        KzgCommitInput(7, (1, R)),
        expected_error="crypto.kzg_scalar",
    )


def _kzg_open_cases() -> Iterator[Case]:
    rng = random.Random(11)
    yield Case("at_zero", "opening at z = 0 gives p_0", KzgOpenInput(999, (4, 5, 6), 0))
    yield Case(
        "at_tau", "z = τ: the quotient is still well defined", KzgOpenInput(999, (4, 5), 999)
    )
    for length in (8, 33):
        yield Case(
            f"random_{length}",
            f"{length} seeded coefficients at a seeded point",
            KzgOpenInput(rng.randrange(R), _random_poly(rng, length), rng.randrange(R)),
            seed=11,
        )


@cache
def _opening() -> tuple[int, bytes, int, int, bytes]:
    rng = random.Random(12)
    tau, z = rng.randrange(R), rng.randrange(R)
    coeffs = F.from_ints(_random_poly(rng, 12))
    srs = _srs_from_tau(tau, 12)
    value, proof = kzg.open_at(srs, F, coeffs, F.from_int(z))
    commitment = kzg.commit(srs, F, coeffs)
    return tau, commitment.to_compressed_bytes(), z, F.to_int(value), proof.to_compressed_bytes()


def _kzg_verify_cases() -> Iterator[Case]:
    tau, commitment, z, value, proof = _opening()
    yield Case("valid", "an honest opening", KzgVerifyInput(tau, commitment, z, value, proof))
    yield Case(
        "wrong_value",
        "the claimed value is off by one",
        KzgVerifyInput(tau, commitment, z, (value + 1) % R, proof),
    )
    yield Case(
        "wrong_point", "opened at z + 1", KzgVerifyInput(tau, commitment, (z + 1) % R, value, proof)
    )
    yield Case(
        "proof_is_commitment",
        "the commitment given as the proof",
        KzgVerifyInput(tau, commitment, z, value, commitment),
    )
    yield Case(
        "wrong_setup",
        "verified under another τ",
        KzgVerifyInput(tau + 1, commitment, z, value, proof),
    )
    yield Case(
        "proof_off_curve",
        "x = 1 has no y on G1",
        KzgVerifyInput(tau, commitment, z, value, G1_OFF_CURVE),
        expected_error="crypto.kzg_point",
    )
    yield Case(
        "commitment_not_in_subgroup",
        "(0, 2) is on G1 but outside the prime-order subgroup",
        KzgVerifyInput(tau, G1_NOT_IN_SUBGROUP, z, value, proof),
        expected_error="crypto.kzg_point",
    )
    yield Case(
        "value_not_canonical",
        "value + r: the same residue, but not a canonical scalar",
        KzgVerifyInput(tau, commitment, z, value + R, proof),
        expected_error="crypto.kzg_scalar",
    )


def _kzg_srs_cases() -> Iterator[Case]:
    srs = kzg.insecure_test_srs(b"vectors", 8)
    data = kzg.encode_srs(srs)
    yield Case("valid_8", "8 powers from the insecure test setup, seed 'vectors'", SrsInput(data))
    yield Case(
        "bad_magic",
        "the file does not start with duskSRS1",
        SrsInput(b"duskSRS2" + data[8:]),
        expected_error="crypto.srs_magic",
    )
    yield Case(
        "truncated", "one byte missing", SrsInput(data[:-1]), expected_error="crypto.srs_length"
    )
    yield Case(
        "off_curve_power",
        "[τ^2]_1 replaced by an encoding with no curve point",
        SrsInput(data[:108] + G1_OFF_CURVE + data[156:]),
        expected_error="crypto.srs_point",
    )
    yield Case(
        "not_generator",
        "[τ^0]_1 replaced by [τ^1]_1",
        SrsInput(data[:12] + data[60:108] + data[60:]),
        expected_error="crypto.srs_generator",
    )
    yield Case(
        "inconsistent_powers",
        "[τ^5]_1 replaced by [τ^6]_1: every point valid, the sequence is not τ-powers",
        SrsInput(_power_replaced(srs, 5, 6)),
        expected_error="crypto.srs_powers",
    )
    yield Case(
        "header_only",
        "the 12-byte header alone: long enough for the magic, not for its powers",
        SrsInput(data[:12]),
        expected_error="crypto.srs_length",
    )
    small = kzg.encode_srs(kzg.insecure_test_srs(b"vectors", 2))
    yield Case("valid_2", "2 powers, the fewest a file may hold", SrsInput(small))
    one_power = small[:8] + (1).to_bytes(4, "little") + small[12 : 12 + kzg.G1_BYTES]
    yield Case(
        "one_power",
        "1 power (and both G2 points): below the minimum of 2",
        SrsInput(one_power + small[12 + 2 * kzg.G1_BYTES :]),
        expected_error="crypto.srs_length",
    )
    yield Case(
        "inconsistent_last_power",
        "[τ^7]_1 replaced by [τ^6]_1: the last pair of the check is wrong",
        SrsInput(_power_replaced(srs, 7, 6)),
        expected_error="crypto.srs_powers",
    )


# --- PLONK ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlonkVerifyInput:
    verifier_key: bytes
    proof: bytes
    public_inputs: tuple[int, ...]


def run_plonk_verify(pre: None, inp: PlonkVerifyInput) -> ValidPost:
    return ValidPost(verify(inp.verifier_key, inp.proof, inp.public_inputs))


#: The setup every PLONK vector uses (INSECURE; τ from this seed, spec/crypto.md §12.2).
PLONK_SRS_SEED = b"duskspec plonk vectors"


@cache
def _proved(name: str) -> tuple[VerifierKey, bytes, tuple[int, ...]]:
    instance: Instance = SMALL_CIRCUITS[name]()
    cs, witness, public_inputs = instance
    pk, vk = derive_keys(cs, kzg.insecure_test_srs(PLONK_SRS_SEED, 64))
    proof = prove(pk, witness, public_inputs, seed=name.encode())
    return vk, proof, tuple(public_inputs)


def _plonk_verify_cases() -> Iterator[Case]:
    for name in sorted(SMALL_CIRCUITS):
        vk, proof, pi = _proved(name)
        doc = (SMALL_CIRCUITS[name].__doc__ or "").split("\n")[0]
        yield Case(
            f"valid_{name}", f"honest proof: {doc}", PlonkVerifyInput(vk.encode(), proof, pi)
        )
    vk, proof, pi = _proved("four_wire")
    key = vk.encode()
    yield from _plonk_false_cases(key, proof, pi)
    yield from _plonk_error_cases(key, proof, pi)


def openings_swapped(proof: bytes) -> bytes:
    """``proof`` with its two opening proofs W_ζ (bytes 432-480) and W_ζω (480-528)
    exchanged: every point valid, only the last absorbs of the transcript change."""
    return proof[:432] + proof[480:528] + proof[432:480] + proof[528:]


def _plonk_false_cases(key: bytes, proof: bytes, pi: tuple[int, ...]) -> Iterator[Case]:
    bump = ((pi[0] + 1) % R, *pi[1:])
    yield Case(
        "changed_public_input",
        "the first public input + 1: PI(ζ) changes, the identity at ζ fails",
        PlonkVerifyInput(key, proof, bump),
    )
    yield Case(
        "swapped_public_inputs",
        "public inputs in the wrong order: they are bound to their rows",
        PlonkVerifyInput(key, proof, tuple(reversed(pi))),
    )
    yield Case(
        "swapped_wire_commitments",
        "[a] and [b] exchanged: both valid points, the transcript and the identity change",
        PlonkVerifyInput(key, proof[48:96] + proof[:48] + proof[96:], pi),
    )
    yield Case(
        "quotient_replaced",
        "[t_0] replaced by [z]: a valid point that is not the quotient",
        PlonkVerifyInput(key, proof[:240] + proof[192:240] + proof[288:], pi),
    )
    evaluation = (int.from_bytes(proof[528:560], "little") + 1) % R
    yield Case(
        "tampered_evaluation",
        "a(ζ) + 1: the batched opening at ζ fails",
        PlonkVerifyInput(key, proof[:528] + evaluation.to_bytes(32, "little") + proof[560:], pi),
    )
    yield Case(
        "opening_proofs_swapped",
        "W_ζ and W_ζω exchanged",
        PlonkVerifyInput(key, openings_swapped(proof), pi),
    )
    mul_vk, _, _ = _proved("mul")
    _, cubic_proof, cubic_pi = _proved("cubic")
    yield Case(
        "proof_for_another_circuit",
        "a valid proof of x³ + x + 5 = 35 checked against the key of x·y = z (both circuits"
        " have one public input)",
        PlonkVerifyInput(mul_vk.encode(), cubic_proof, cubic_pi),
    )


def _plonk_error_cases(key: bytes, proof: bytes, pi: tuple[int, ...]) -> Iterator[Case]:
    r_bytes = R.to_bytes(32, "little")
    errors = [
        ("proof_short", "783 bytes", key, proof[:-1], pi, "crypto.plonk_proof_length"),
        ("proof_long", "785 bytes", key, proof + b"\x00", pi, "crypto.plonk_proof_length"),
        (
            "proof_point_off_curve",
            "[a] is x = 1, which has no y on G1",
            key,
            G1_OFF_CURVE + proof[48:],
            pi,
            "crypto.plonk_proof_point",
        ),
        (
            "proof_point_not_in_subgroup",
            "[z] is (0, 2): on G1, outside the prime-order subgroup",
            key,
            proof[:192] + G1_NOT_IN_SUBGROUP + proof[240:],
            pi,
            "crypto.plonk_proof_point",
        ),
        (
            "proof_point_uncompressed_flag",
            "[a] with the compression flag cleared",
            key,
            bytes([proof[0] & 0x7F]) + proof[1:],
            pi,
            "crypto.plonk_proof_point",
        ),
        (
            "proof_scalar_not_canonical",
            "a(ζ) encoded as r (not below the field order)",
            key,
            proof[:528] + r_bytes + proof[560:],
            pi,
            "crypto.plonk_proof_scalar",
        ),
        (
            "public_input_missing",
            "one public input fewer than the key's rows",
            key,
            proof,
            pi[:-1],
            "crypto.plonk_public_input_count",
        ),
        (
            "public_input_not_canonical",
            "a public input equal to its value + r",
            key,
            proof,
            (pi[0] + R, *pi[1:]),
            "crypto.plonk_public_input_range",
        ),
        (
            "vk_version",
            "verifier key version byte 1 (the arithmetic-only v1 layout)",
            b"\x01" + key[1:],
            proof,
            pi,
            "crypto.plonk_vk_version",
        ),
        (
            "vk_truncated",
            "verifier key one byte short",
            key[:-1],
            proof,
            pi,
            "crypto.plonk_vk_length",
        ),
    ]
    for name, description, vk_bytes, data, inputs, code in errors:
        yield Case(name, description, PlonkVerifyInput(vk_bytes, data, inputs), expected_error=code)


@dataclass(frozen=True)
class PlonkProveInput:
    srs_seed: bytes
    srs_size: int
    circuit: bytes
    witness: tuple[int, ...]
    public_inputs: tuple[int, ...]
    blinding_seed: bytes


@dataclass(frozen=True)
class PlonkProvePost:
    verifier_key: bytes
    proof: bytes


def run_plonk_prove(pre: None, inp: PlonkProveInput) -> PlonkProvePost:
    srs = kzg.insecure_test_srs(inp.srs_seed, inp.srs_size)
    pk, vk = derive_keys(decode_constraint_system(inp.circuit), srs)
    proof = prove(pk, inp.witness, inp.public_inputs, seed=inp.blinding_seed)
    return PlonkProvePost(vk.encode(), proof)


def _prove_input(name: str, **changes: object) -> PlonkProveInput:
    cs, witness, public_inputs = SMALL_CIRCUITS[name]()
    fields: dict[str, object] = {
        "srs_seed": PLONK_SRS_SEED,
        "srs_size": 32,
        "circuit": encode_constraint_system(cs),
        "witness": tuple(witness),
        "public_inputs": tuple(public_inputs),
        "blinding_seed": name.encode(),
    }
    fields.update(changes)
    return PlonkProveInput(**fields)  # type: ignore[arg-type]


#: A row every assignment satisfies (0 = 0 on the zero variable): pads a circuit to a size.
IDLE_ROW = Gate(0, 0, 0, 0)


def _domain_boundary_cases() -> Iterator[Case]:
    """``mul`` padded with idle rows to 15 and 16 gates: with the zero row, 16 rows fill the
    least domain exactly and 17 need the next one (``keys.domain_size``)."""
    cs = SMALL_CIRCUITS["mul"]()[0]
    for gates, n in ((15, 16), (16, 32)):
        padded = replace(cs, gates=cs.gates + (IDLE_ROW,) * (gates - len(cs.gates)))
        yield Case(
            f"gates_{gates}",
            f"mul padded with idle rows (0 = 0) to {gates} gates: with the zero row the "
            f"domain is {n}",
            _prove_input("mul", circuit=encode_constraint_system(padded), srs_size=n + SRS_EXTRA),
        )


def _plonk_prove_cases() -> Iterator[Case]:
    for name in sorted(SMALL_CIRCUITS):
        doc = (SMALL_CIRCUITS[name].__doc__ or "").split("\n")[0]
        yield Case(name, f"keys and proof: {doc}", _prove_input(name))
    _, witness, pi = SMALL_CIRCUITS["cubic"]()
    wrong = (*witness[:-1], witness[-1] + 1)
    invalid: list[tuple[str, str, dict[str, object]]] = [
        ("unsatisfied", "x³ + x + 5 = 36 with x = 3", {"witness": wrong, "public_inputs": (36,)}),
        ("wrong_public_input", "the witness proves 35, the claim is 36", {"public_inputs": (36,)}),
        ("nonzero_zero_variable", "variable 0 is 1", {"witness": (1, *witness[1:])}),
    ]
    for name, description, changes in invalid:
        yield Case(
            name,
            description,
            _prove_input("cubic", **changes),
            expected_error="crypto.plonk_unsatisfied",
        )
    yield Case(
        "witness_too_short",
        "one variable missing",
        _prove_input("cubic", witness=tuple(witness[:-1])),
        expected_error="crypto.plonk_witness_size",
    )
    yield Case(
        "srs_too_small",
        f"the circuit's domain is 16, so the setup needs 16 + {SRS_EXTRA} powers; it has one fewer",
        _prove_input("cubic", srs_size=16 + SRS_EXTRA - 1),
        expected_error="crypto.srs_too_small",
    )
    yield Case(
        "srs_just_enough",
        f"the circuit's domain is 16 and the setup holds exactly 16 + {SRS_EXTRA} powers",
        _prove_input("cubic", srs_size=16 + SRS_EXTRA),
    )
    yield from _domain_boundary_cases()
    yield Case(
        "public_input_zero",
        "x·y = z with x = 0: the public input 0, the least a public input may be",
        _prove_input("mul", witness=(0, 0, 5, 0), public_inputs=(0,)),
    )
    circuit = encode_constraint_system(SMALL_CIRCUITS["cubic"]()[0])
    yield Case(
        "circuit_truncated",
        "the circuit encoding lacks its last byte",
        _prove_input("cubic", circuit=circuit[:-1]),
        expected_error="crypto.plonk_circuit_encoding",
    )
    _ = pi


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="kzg",
        name="commit",
        intent="[p(τ)]_1 = Σ p_i·[τ^i]_1 (τ given: insecure test setup)",
        input_type=KzgCommitInput,
        post_type=KzgCommitPost,
        run=run_kzg_commit,
        cases=_kzg_commit_cases,
    ),
    Handler(
        preset="general",
        component="kzg",
        name="open",
        intent="p(z) and [(p(τ) - p(z)) / (τ - z)]_1",
        input_type=KzgOpenInput,
        post_type=KzgOpenPost,
        run=run_kzg_open,
        cases=_kzg_open_cases,
    ),
    Handler(
        preset="general",
        component="kzg",
        name="verify",
        intent="e(π, [τ]_2) · e(-(C - v·G1 + z·π), [1]_2) = 1; strict point decoding",
        input_type=KzgVerifyInput,
        post_type=ValidPost,
        run=run_kzg_verify,
        cases=_kzg_verify_cases,
    ),
    Handler(
        preset="general",
        component="kzg",
        name="srs",
        intent="the SRS file: magic, length, points, generators, τ-power consistency",
        input_type=SrsInput,
        post_type=SrsPost,
        run=run_kzg_srs,
        cases=_kzg_srs_cases,
    ),
    Handler(
        preset="general",
        component="plonk",
        name="prove",
        intent="keys from (circuit, insecure test SRS) and a proof with given blinding seed",
        input_type=PlonkProveInput,
        post_type=PlonkProvePost,
        run=run_plonk_prove,
        cases=_plonk_prove_cases,
    ),
    Handler(
        preset="general",
        component="plonk",
        name="verify",
        intent="verify(verifier_key, proof, public_inputs): 4-wire PLONK over KZG",
        input_type=PlonkVerifyInput,
        post_type=ValidPost,
        run=run_plonk_verify,
        cases=_plonk_verify_cases,
    ),
)


def _power_replaced(srs: kzg.SRS, index: int, source: int) -> bytes:
    """``srs`` encoded with ``[τ^index]_1`` replaced by ``[τ^source]_1``: every point valid,
    the sequence no longer powers of one τ."""
    powers = list(srs.g1_powers)
    powers[index] = powers[source]
    return kzg.encode_srs(kzg.SRS(tuple(powers), srs.g2, srs.g2_tau))

"""KZG10 (spec/crypto.md §12.2): commit, open, batch, the SRS file, and an independent
cross-check against ckzg (C-KZG-4844) on 4096-point polynomials."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from duskspec.crypto.plonk import kzg
from duskspec.crypto.plonk import polynomial as poly
from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.field import field, root_of_unity
from duskspec.errors import CryptoError

F = field("fast")
SRS = kzg.insecure_test_srs(b"kzg tests", 32)


def _poly(seed: int, length: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(R) for _ in range(length)]


def test_commitment_is_p_of_tau() -> None:
    coeffs = _poly(1, 20)
    tau = kzg.insecure_tau(b"kzg tests")
    value = poly.evaluate(field("reference"), coeffs, tau)
    assert kzg.commit(SRS, F, F.from_ints(coeffs)) == SRS.g1_powers[0] * F.from_int(value)


def test_open_and_verify_single() -> None:
    coeffs = F.from_ints(_poly(2, 32))
    commitment = kzg.commit(SRS, F, coeffs)
    value, proof = kzg.open_at(SRS, F, coeffs, F.from_int(99))
    v = F.to_int(value)
    assert kzg.verify_opening(SRS.g2, SRS.g2_tau, commitment, 99, v, proof)
    assert not kzg.verify_opening(SRS.g2, SRS.g2_tau, commitment, 99, (v + 1) % R, proof)
    assert not kzg.verify_opening(SRS.g2, SRS.g2_tau, commitment, 98, v, proof)
    other = kzg.commit(SRS, F, F.from_ints(_poly(3, 32)))
    assert not kzg.verify_opening(SRS.g2, SRS.g2_tau, other, 99, v, proof)


def test_polynomial_longer_than_srs_is_refused() -> None:
    with pytest.raises(CryptoError) as error:
        kzg.commit(SRS, F, F.from_ints(_poly(4, 33)))
    assert error.value.code == "crypto.srs_too_small"


def test_srs_file_round_trip_and_checks() -> None:
    data = kzg.encode_srs(SRS)
    assert len(data) == 12 + 32 * 48 + 2 * 96
    decoded = kzg.decode_srs(data)
    assert decoded.g1_powers == SRS.g1_powers
    assert decoded.g2_tau == SRS.g2_tau
    cases = {
        "crypto.srs_magic": b"duskSRS2" + data[8:],
        "crypto.srs_length": data[:-1],
        "crypto.srs_point": data[:12] + b"\x00" * 48 + data[60:],
    }
    # [τ^5]_1 replaced by [τ^6]_1: every point valid, the powers inconsistent.
    swapped = (
        data[:12]
        + b"".join(
            p.to_compressed_bytes()
            for p in (*SRS.g1_powers[:5], SRS.g1_powers[6], *SRS.g1_powers[6:])
        )
        + data[12 + 32 * 48 :]
    )
    cases["crypto.srs_powers"] = swapped
    # [τ^0]_1 replaced by [τ^1]_1: a valid point, but not the generator.
    cases["crypto.srs_generator"] = data[:12] + data[60:108] + data[60:]
    for code, bad in cases.items():
        with pytest.raises(CryptoError) as error:
            kzg.decode_srs(bad)
        assert error.value.code == code, code


def test_load_srs_from_file(tmp_path: Path) -> None:
    path = tmp_path / "srs.bin"
    path.write_bytes(kzg.encode_srs(SRS))
    assert kzg.load_srs(path).g1_powers == SRS.g1_powers


def _bit_reverse(i: int, bits: int) -> int:
    return int(format(i, f"0{bits}b")[::-1], 2)


def test_cross_check_against_ckzg(tmp_path: Path) -> None:
    """ckzg (the C library every Ethereum client uses for EIP-4844) loads a setup built from
    the same τ; its commitment, opening value and opening proof for a 4096-point blob equal
    ours, and it accepts our proof."""
    ckzg = pytest.importorskip("ckzg")
    n = 4096
    seed = b"ckzg cross-check"
    srs = kzg.insecure_test_srs(seed, n)
    tau = kzg.insecure_tau(seed)
    w = root_of_unity(n)
    vanishing = (pow(tau, n, R) - 1) % R
    omegas = [pow(w, i, R) for i in range(n)]
    denominators = F.batch_inverse(F.from_ints([n * (tau - x) % R for x in omegas]))
    generator = srs.g1_powers[0]
    lagrange = [
        generator * F.mul(F.from_int(x * vanishing % R), d)
        for x, d in zip(omegas, denominators, strict=True)
    ]
    g2_powers = [srs.g2 * F.from_int(pow(tau, i, R)) for i in range(65)]
    lines = [str(n), "65"]
    lines += [p.to_compressed_bytes().hex() for p in lagrange]
    lines += [p.to_compressed_bytes().hex() for p in g2_powers]
    lines += [p.to_compressed_bytes().hex() for p in srs.g1_powers]
    setup_path = tmp_path / "trusted_setup.txt"
    setup_path.write_text("\n".join(lines) + "\n")
    setup = ckzg.load_trusted_setup(str(setup_path), 0)
    rng = random.Random(4844)
    evaluations = [rng.randrange(R) for _ in range(n)]
    # A blob lists p(ω^brp(i)) big-endian (EIP-4844's bit-reversed evaluation order).
    blob = b"".join(evaluations[_bit_reverse(i, 12)].to_bytes(32, "big") for i in range(n))
    coeffs = poly.intt(F, F.from_ints(evaluations))
    commitment = kzg.commit(srs, F, coeffs)
    assert ckzg.blob_to_kzg_commitment(blob, setup) == commitment.to_compressed_bytes()
    z = rng.randrange(R)
    their_proof, their_value = ckzg.compute_kzg_proof(blob, z.to_bytes(32, "big"), setup)
    value, proof = kzg.open_at(srs, F, coeffs, F.from_int(z))
    assert int.from_bytes(their_value, "big") == F.to_int(value)
    assert their_proof == proof.to_compressed_bytes()
    assert ckzg.verify_kzg_proof(
        commitment.to_compressed_bytes(),
        z.to_bytes(32, "big"),
        their_value,
        proof.to_compressed_bytes(),
        setup,
    )
    assert kzg.verify_opening(srs.g2, srs.g2_tau, commitment, z, F.to_int(value), proof)

"""KZG10 polynomial commitments over BLS12-381 (spec/crypto.md §12.2).

A structured reference string (:class:`SRS`) holds ``[τ^i]_1`` for ``i < size`` and
``[1]_2, [τ]_2``. A commitment to ``p`` is ``[p(τ)]_1``, computed as one multi-scalar
multiplication; an opening at ``z`` is ``π = [(p(τ) - p(z)) / (τ - z)]_1`` and is accepted
when ``e(π, [τ]_2 - z·[1]_2) = e(C - p(z)·[1]_1, [1]_2)``, checked as the 2-pairing product
``e(π, [τ]_2) · e(-(C - p(z)·[1]_1 + z·π), [1]_2) = 1``.

:func:`insecure_test_srs` derives τ from a seed: anyone who knows the seed knows τ and can
forge every proof. It exists for tests, vectors and benchmarks only. A real deployment loads
an SRS produced by a ceremony with :func:`decode_srs` (format in spec/crypto.md §12.2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.field import Fe, Field, ScalarField
from duskspec.crypto.plonk.polynomial import divide_by_linear, evaluate
from duskspec.errors import CryptoError

#: First 8 bytes of an SRS file.
SRS_MAGIC = b"duskSRS1"

G1_BYTES = 48
G2_BYTES = 96
SCALAR_BYTES = 32


@dataclass(frozen=True)
class SRS:
    """``g1_powers[i] = [τ^i]_1``; ``g2 = [1]_2``; ``g2_tau = [τ]_2``."""

    g1_powers: tuple[G1Point, ...]
    g2: G2Point
    g2_tau: G2Point

    @property
    def size(self) -> int:
        return len(self.g1_powers)


def insecure_test_srs(seed: bytes, size: int) -> SRS:
    """INSECURE: τ = BLAKE2b-512("duskspec insecure test SRS" || seed) mod r, so the seed
    reveals τ. Tests, vectors and benchmarks only."""
    tau = insecure_tau(seed)
    scalar_tau = Scalar.from_le_bytes_mod_order(tau.to_bytes(32, "little"))
    generator = G1Point()
    powers = []
    acc = Scalar(1)
    for _ in range(size):
        powers.append(generator * acc)
        acc = acc * scalar_tau
    return SRS(tuple(powers), G2Point(), G2Point() * scalar_tau)


def insecure_tau(seed: bytes) -> int:
    """The τ of :func:`insecure_test_srs` (exposed so tests can cross-check against it)."""
    digest = hashlib.blake2b(b"duskspec insecure test SRS" + seed, digest_size=64).digest()
    return int.from_bytes(digest, "little") % R


# --- the SRS file ---------------------------------------------------------------------------


def encode_srs(srs: SRS) -> bytes:
    """``magic(8) || u32le(size) || size × G1(48) || [1]_2(96) || [τ]_2(96)``; points are
    compressed in the ZCash BLS12-381 format."""
    parts = [SRS_MAGIC, srs.size.to_bytes(4, "little")]
    parts += [p.to_compressed_bytes() for p in srs.g1_powers]
    parts += [srs.g2.to_compressed_bytes(), srs.g2_tau.to_compressed_bytes()]
    return b"".join(parts)


def decode_srs(data: bytes) -> SRS:
    """Parse and check an SRS file: exact length, every point canonical and in its subgroup,
    ``[τ^0]_1`` and ``[1]_2`` the generators, and the powers consistent with ``[τ]_2``."""
    if len(data) < 12 or data[:8] != SRS_MAGIC:
        raise CryptoError("crypto.srs_magic", "not a duskspec SRS file")
    size = int.from_bytes(data[8:12], "little")
    if size < 2 or len(data) != 12 + size * G1_BYTES + 2 * G2_BYTES:
        raise CryptoError("crypto.srs_length", f"{len(data)} bytes for {size} powers")
    offset = 12
    powers = []
    for _ in range(size):
        powers.append(decode_g1(data[offset : offset + G1_BYTES], "crypto.srs_point"))
        offset += G1_BYTES
    g2 = _decode_g2(data[offset : offset + G2_BYTES])
    g2_tau = _decode_g2(data[offset + G2_BYTES :])
    srs = SRS(tuple(powers), g2, g2_tau)
    if powers[0] != G1Point() or g2 != G2Point():
        raise CryptoError("crypto.srs_generator", "the SRS must start at the generators")
    if not _powers_consistent(srs, hashlib.blake2b(data, digest_size=32).digest()):
        raise CryptoError("crypto.srs_powers", "[τ^(i+1)]_1 ≠ τ·[τ^i]_1 for some i")
    return srs


def load_srs(path: Path) -> SRS:
    """Read and check an SRS file (:func:`decode_srs`)."""
    return decode_srs(path.read_bytes())


def _powers_consistent(srs: SRS, seed: bytes) -> bool:
    """``e(Σ ρ_i [τ^(i+1)]_1, [1]_2) = e(Σ ρ_i [τ^i]_1, [τ]_2)`` for pseudo-random ρ_i
    derived from the file's hash: a wrong power passes with probability about 1/r."""
    count = srs.size - 1
    rhos = [_scalar(hashlib.blake2b(seed + i.to_bytes(4, "little")).digest()) for i in range(count)]
    shifted = G1Point.multiexp_unchecked(list(srs.g1_powers[1:]), rhos)
    base = G1Point.multiexp_unchecked(list(srs.g1_powers[:-1]), rhos)
    return bool(GT.pairing_check([shifted, -base], [srs.g2, srs.g2_tau]))


def _scalar(wide: bytes) -> Scalar:
    return Scalar.from_le_bytes_mod_order(
        (int.from_bytes(wide, "little") % R).to_bytes(32, "little")
    )


# --- point and scalar encodings -------------------------------------------------------------


def decode_g1(data: bytes, code: str) -> G1Point:
    """A compressed G1 point, canonical and in the prime-order subgroup, else ``code``."""
    if len(data) != G1_BYTES:
        raise CryptoError(code, f"G1 point of {len(data)} bytes")
    try:
        point = G1Point.from_compressed_bytes(data)
    except (ValueError, OverflowError) as exc:
        raise CryptoError(code, "not a compressed G1 point in the subgroup") from exc
    if point.to_compressed_bytes() != data:
        raise CryptoError(code, "non-canonical G1 encoding")
    return point


def _decode_g2(data: bytes) -> G2Point:
    try:
        point = G2Point.from_compressed_bytes(data)
    except (ValueError, OverflowError) as exc:
        raise CryptoError("crypto.srs_point", "not a compressed G2 point in the subgroup") from exc
    if point.to_compressed_bytes() != data:
        raise CryptoError("crypto.srs_point", "non-canonical G2 encoding")
    return point


def decode_scalar(data: bytes, code: str) -> int:
    """A canonical 32-byte little-endian scalar (< r), else ``code``."""
    if len(data) != SCALAR_BYTES:
        raise CryptoError(code, f"scalar of {len(data)} bytes")
    value = int.from_bytes(data, "little")
    if value >= R:
        raise CryptoError(code, "scalar not below r")
    return value


def encode_scalar(value: int) -> bytes:
    return value.to_bytes(SCALAR_BYTES, "little")


# --- commit, open, verify -------------------------------------------------------------------

_FAST = ScalarField()


def to_scalars(f: Field, values: Sequence[Fe]) -> list[Scalar]:
    """Backend elements as arkworks ``Scalar`` (the MSM's input type)."""
    if isinstance(f, ScalarField):
        return list(values)
    return [_FAST.from_int(f.to_int(v)) for v in values]


def commit(srs: SRS, f: Field, coeffs: Sequence[Fe]) -> G1Point:
    """``[p(τ)]_1 = Σ p_i·[τ^i]_1``: one MSM. Raises if ``p`` is longer than the SRS."""
    if len(coeffs) > srs.size:
        raise CryptoError("crypto.srs_too_small", f"degree {len(coeffs) - 1} > {srs.size - 1}")
    if not coeffs:
        return G1Point.identity()
    return G1Point.multiexp_unchecked(list(srs.g1_powers[: len(coeffs)]), to_scalars(f, coeffs))


def open_at(srs: SRS, f: Field, coeffs: Sequence[Fe], z: Fe) -> tuple[Fe, G1Point]:
    """``(p(z), π)`` with ``π = [(p(τ) - p(z)) / (τ - z)]_1``."""
    return evaluate(f, coeffs, z), commit(srs, f, divide_by_linear(f, coeffs, z))


def verify_opening(
    g2: G2Point, g2_tau: G2Point, commitment: G1Point, z: int, value: int, proof: G1Point
) -> bool:
    """``e(π, [τ]_2) · e(-(C - v·[1]_1 + z·π), [1]_2) = 1``."""
    right = G1Point.multiexp_unchecked(
        [commitment, G1Point(), proof],
        [_FAST.from_int(1), _FAST.from_int(-value), _FAST.from_int(z)],
    )
    return bool(GT.pairing_check([proof, -right], [g2_tau, g2]))

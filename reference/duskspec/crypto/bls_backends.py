"""The two BLS12-381 group backends behind :mod:`duskspec.crypto.bls` (docs/architecture.md §3).

A backend does group arithmetic only: decompress a point whose encoding the façade has
already checked, test subgroup membership, add, multiply, hash to G1 and run the pairing
check. Every protocol rule (encodings, H1, the identity and subgroup rules, what a
signature is) lives once, in the façade, so the two backends can only differ where the
mathematics would: the Hypothesis cross-check property compares them byte for byte.

| backend | package | role |
|---|---|---|
| :class:`ArkworksBackend` (``fast``) | ``py_arkworks_bls12381`` (Rust, arkworks) | default |
| :class:`PyEccBackend` (``reference``) | ``py_ecc`` (pure Python) | the readable oracle |

Points are opaque to the façade (typed ``Any``); scalars are Python ints already reduced
mod r. Compressed encodings follow the ZCash BLS12-381 format that Dusk's ``dusk-bls12_381``
uses: big-endian x (G2: the imaginary part first), flag bits in the top three bits of the
first byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

import py_arkworks_bls12381 as ark
from py_ecc.bls.hash_to_curve import hash_to_G1 as ecc_hash_to_g1
from py_ecc.bls.point_compression import (
    compress_G1,
    compress_G2,
    modular_squareroot_in_FQ2,
)
from py_ecc.fields import optimized_bls12_381_FQ as FQ
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2
from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
from py_ecc.optimized_bls12_381 import optimized_curve as ecc
from py_ecc.optimized_bls12_381 import optimized_pairing as ecc_pairing

#: The base field modulus q of BLS12-381.
FIELD_MODULUS = ecc.field_modulus


class Backend(Protocol):
    """Group operations the façade needs; see the module docstring."""

    name: str

    def g1_decompress(self, data: bytes) -> Any | None: ...
    def g2_decompress(self, data: bytes) -> Any | None: ...
    def g1_in_subgroup(self, point: Any) -> bool: ...
    def g2_in_subgroup(self, point: Any) -> bool: ...
    def g1_compress(self, point: Any) -> bytes: ...
    def g2_compress(self, point: Any) -> bytes: ...
    def g1_mul(self, point: Any, k: int) -> Any: ...
    def g2_mul(self, point: Any, k: int) -> Any: ...
    def g2_generator_mul(self, k: int) -> Any: ...
    def g1_sum(self, points: Sequence[Any]) -> Any: ...
    def g2_sum(self, points: Sequence[Any]) -> Any: ...
    def hash_to_g1(self, msg: bytes, dst: bytes) -> Any: ...
    def pairing_check(self, sig: Any, h: Any, pk: Any) -> bool:
        """``e(sig, g2) == e(h, pk)``."""
        ...

    def g1_neg(self, point: Any) -> Any: ...
    def g2_generator(self) -> Any: ...
    def pairing_product_is_one(self, g1s: Sequence[Any], g2s: Sequence[Any]) -> bool:
        """``Π e(g1s[i], g2s[i]) == 1``: one Miller loop per pair, one final
        exponentiation."""
        ...


class ArkworksBackend:
    """``py_arkworks_bls12381``: arkworks compiled from Rust."""

    name = "fast"

    def g1_decompress(self, data: bytes) -> Any | None:
        # "unchecked" skips only the subgroup test, which the façade asks for separately.
        try:
            return ark.G1Point.from_compressed_bytes_unchecked(data)
        except ValueError:
            return None

    def g2_decompress(self, data: bytes) -> Any | None:
        try:
            return ark.G2Point.from_compressed_bytes_unchecked(data)
        except ValueError:
            return None

    def g1_in_subgroup(self, point: Any) -> bool:
        return bool(point.is_in_subgroup())

    def g2_in_subgroup(self, point: Any) -> bool:
        return bool(point.is_in_subgroup())

    def g1_compress(self, point: Any) -> bytes:
        return bytes(point.to_compressed_bytes())

    def g2_compress(self, point: Any) -> bytes:
        return bytes(point.to_compressed_bytes())

    def g1_mul(self, point: Any, k: int) -> Any:
        return point * ark.Scalar(k)

    def g2_mul(self, point: Any, k: int) -> Any:
        return point * ark.Scalar(k)

    def g2_generator_mul(self, k: int) -> Any:
        return ark.G2Point() * ark.Scalar(k)

    def g1_sum(self, points: Sequence[Any]) -> Any:
        total = ark.G1Point.identity()
        for point in points:
            total = total + point
        return total

    def g2_sum(self, points: Sequence[Any]) -> Any:
        total = ark.G2Point.identity()
        for point in points:
            total = total + point
        return total

    def hash_to_g1(self, msg: bytes, dst: bytes) -> Any:
        return ark.G1Point.hash_to_curve(msg, dst)

    def pairing_check(self, sig: Any, h: Any, pk: Any) -> bool:
        # e(sig, g2) · e(-h, pk) == 1: one multi-Miller loop, one final exponentiation.
        return bool(ark.GT.pairing_check([sig, -h], [ark.G2Point(), pk]))

    def g1_neg(self, point: Any) -> Any:
        return -point

    def g2_generator(self) -> Any:
        return ark.G2Point()

    def pairing_product_is_one(self, g1s: Sequence[Any], g2s: Sequence[Any]) -> bool:
        return bool(ark.GT.pairing_check(list(g1s), list(g2s)))


def _lexicographically_largest(y: int) -> bool:
    """ZCash sign rule for an Fq element: the larger of y and q - y."""
    return y > (FIELD_MODULUS - 1) // 2


class PyEccBackend:
    """``py_ecc``: pure-Python optimized_bls12_381 (Jacobian coordinates)."""

    name = "reference"

    def g1_decompress(self, data: bytes) -> Any | None:
        x = int.from_bytes(data, "big") & ((1 << 381) - 1)
        sign = bool(data[0] & 0x20)
        rhs = (x**3 + 4) % FIELD_MODULUS
        # q ≡ 3 (mod 4), so a square root, if one exists, is rhs^((q+1)/4).
        y = pow(rhs, (FIELD_MODULUS + 1) // 4, FIELD_MODULUS)
        if y * y % FIELD_MODULUS != rhs:
            return None
        if _lexicographically_largest(y) != sign:
            y = FIELD_MODULUS - y
        return (FQ(x), FQ(y), FQ(1))

    def g2_decompress(self, data: bytes) -> Any | None:
        x_im = int.from_bytes(data[:48], "big") & ((1 << 381) - 1)
        x_re = int.from_bytes(data[48:], "big")
        sign = bool(data[0] & 0x20)
        x = FQ2([x_re, x_im])
        y = modular_squareroot_in_FQ2(x**3 + ecc.b2)
        if y is None:
            return None
        y_re, y_im = (int(c) for c in y.coeffs)
        largest = _lexicographically_largest(y_im) if y_im else _lexicographically_largest(y_re)
        if largest != sign:
            y = -y
        return (x, y, FQ2.one())

    def g1_in_subgroup(self, point: Any) -> bool:
        return bool(ecc.is_inf(ecc.multiply(point, ecc.curve_order)))

    def g2_in_subgroup(self, point: Any) -> bool:
        return bool(ecc.is_inf(ecc.multiply(point, ecc.curve_order)))

    def g1_compress(self, point: Any) -> bytes:
        return int(compress_G1(point)).to_bytes(48, "big")

    def g2_compress(self, point: Any) -> bytes:
        z1, z2 = compress_G2(point)
        return int(z1).to_bytes(48, "big") + int(z2).to_bytes(48, "big")

    def g1_mul(self, point: Any, k: int) -> Any:
        return ecc.multiply(point, k)

    def g2_mul(self, point: Any, k: int) -> Any:
        return ecc.multiply(point, k)

    def g2_generator_mul(self, k: int) -> Any:
        return ecc.multiply(ecc.G2, k)

    def g1_sum(self, points: Sequence[Any]) -> Any:
        total = ecc.Z1
        for point in points:
            total = ecc.add(total, point)
        return total

    def g2_sum(self, points: Sequence[Any]) -> Any:
        total = ecc.Z2
        for point in points:
            total = ecc.add(total, point)
        return total

    def hash_to_g1(self, msg: bytes, dst: bytes) -> Any:
        return ecc_hash_to_g1(msg, dst, hashlib.sha256)  # type: ignore[arg-type]

    def pairing_check(self, sig: Any, h: Any, pk: Any) -> bool:
        # Two Miller loops, multiplied, then one final exponentiation.
        lhs = ecc_pairing.pairing(ecc.G2, sig, final_exponentiate=False)
        rhs = ecc_pairing.pairing(pk, ecc.neg(h), final_exponentiate=False)
        return bool(ecc_pairing.final_exponentiate(lhs * rhs) == FQ12.one())

    def g1_neg(self, point: Any) -> Any:
        return ecc.neg(point)

    def g2_generator(self) -> Any:
        return ecc.G2

    def pairing_product_is_one(self, g1s: Sequence[Any], g2s: Sequence[Any]) -> bool:
        product = FQ12.one()
        for p, q in zip(g1s, g2s, strict=True):
            product = product * ecc_pairing.pairing(q, p, final_exponentiate=False)
        return bool(ecc_pairing.final_exponentiate(product) == FQ12.one())


#: Backends by the name ``DUSKSPEC_CRYPTO`` uses.
BACKENDS: dict[str, Backend] = {"fast": ArkworksBackend(), "reference": PyEccBackend()}

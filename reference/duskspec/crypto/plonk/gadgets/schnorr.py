"""Schnorr verification in the circuit (spec/crypto.md §13.2, rule 13.12), matching
:func:`duskspec.crypto.schnorr.verify` and :func:`~duskspec.crypto.schnorr.verify_double`.

The signature ``(u, R[, R'])`` is private. The challenge ``c`` is the truncated Poseidon hash
of the same inputs as out of the circuit; ``u`` is decomposed into 126 base-4 digits
(``u < 2^252``; ``u`` and ``u + t`` give the same points) and the equations
``u·G + c·pk = R`` (and ``u·G' + c·pk' = R'``) are asserted coordinate by coordinate;
``c``'s digits from the hash split range-check it, and its signed windows (one set for both
keys) drive the variable-base products.
Unlike the out-of-circuit verifier, the gadget does not refuse the identity as a key or nonce;
callers that need keys in the prime-order subgroup add
:func:`~duskspec.crypto.plonk.gadgets.jubjub.assert_in_subgroup`.
"""

from __future__ import annotations

from dataclasses import dataclass

from duskspec.crypto import poseidon
from duskspec.crypto.jubjub import GENERATOR, GENERATOR_NUMS
from duskspec.crypto.plonk.builder import Builder, Witness
from duskspec.crypto.plonk.gadgets import jubjub as jubjub_gadget
from duskspec.crypto.plonk.gadgets import poseidon as poseidon_gadget
from duskspec.crypto.plonk.gadgets.jubjub import WitnessPoint
from duskspec.crypto.schnorr import Signature, SignatureDouble

#: ``u < t < 2^252``.
U_BITS = 252


@dataclass(frozen=True)
class SignatureWitness:
    u: Witness
    R: WitnessPoint


@dataclass(frozen=True)
class SignatureDoubleWitness:
    u: Witness
    R: WitnessPoint
    R_prime: WitnessPoint


def append_signature(builder: Builder, sig: Signature) -> SignatureWitness:
    R = jubjub_gadget.WitnessPoint(builder.append_witness(sig.R.u), builder.append_witness(sig.R.v))
    return SignatureWitness(builder.append_witness(sig.u), R)


def append_signature_double(builder: Builder, sig: SignatureDouble) -> SignatureDoubleWitness:
    R = WitnessPoint(builder.append_witness(sig.R.u), builder.append_witness(sig.R.v))
    R_prime = WitnessPoint(
        builder.append_witness(sig.R_prime.u), builder.append_witness(sig.R_prime.v)
    )
    return SignatureDoubleWitness(builder.append_witness(sig.u), R, R_prime)


def verify(builder: Builder, pk: WitnessPoint, msg: Witness, sig: SignatureWitness) -> None:
    """``u·G + c·pk = R`` with ``c = Poseidon_truncated(Other; R, pk, m)``."""
    inputs = [sig.R.u, sig.R.v, pk.u, pk.v, msg]
    c_value, c_digits = poseidon_gadget.hash_truncated(builder, poseidon.Domain.OTHER, inputs)
    c = jubjub_gadget.signed_windows(builder, c_value, len(c_digits))
    u = jubjub_gadget.scalar_digits(builder, sig.u, U_BITS)
    left = jubjub_gadget.add(
        builder,
        jubjub_gadget.fixed_base_mul(builder, GENERATOR, u),
        jubjub_gadget.variable_base_mul(builder, pk, c),
    )
    jubjub_gadget.assert_point_equal(builder, left, sig.R)


def verify_double(
    builder: Builder,
    pk: WitnessPoint,
    pk_prime: WitnessPoint,
    msg: Witness,
    sig: SignatureDoubleWitness,
) -> None:
    """``u·G + c·pk = R`` and ``u·G' + c·pk' = R'`` with
    ``c = Poseidon_truncated(Other; R, R', pk, m)`` (only ``pk`` enters the challenge)."""
    inputs = [sig.R.u, sig.R.v, sig.R_prime.u, sig.R_prime.v, pk.u, pk.v, msg]
    c_value, c_digits = poseidon_gadget.hash_truncated(builder, poseidon.Domain.OTHER, inputs)
    c = jubjub_gadget.signed_windows(builder, c_value, len(c_digits))
    u = jubjub_gadget.scalar_digits(builder, sig.u, U_BITS)
    for base, key, nonce in ((GENERATOR, pk, sig.R), (GENERATOR_NUMS, pk_prime, sig.R_prime)):
        left = jubjub_gadget.add(
            builder,
            jubjub_gadget.fixed_base_mul(builder, base, u),
            jubjub_gadget.variable_base_mul(builder, key, c),
        )
        jubjub_gadget.assert_point_equal(builder, left, nonce)

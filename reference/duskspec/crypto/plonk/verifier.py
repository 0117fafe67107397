"""The PLONK verifier: ``verify(verifier_key, proof_bytes, public_inputs) -> bool``.

This is the stable interface the VM's ``verify_plonk`` host query calls (spec/crypto.md
§12.7). Malformed input raises :class:`~duskspec.errors.CryptoError` with a stable code
(``crypto.plonk_proof_length``, ``crypto.plonk_proof_point``, ``crypto.plonk_proof_scalar``,
``crypto.plonk_public_input_count``, ``crypto.plonk_public_input_range`` and the
``crypto.plonk_vk_*`` codes of a verifier key given as bytes); a well-formed proof that does
not verify returns ``False``. Verification is one 23-point MSM, one scalar multiplication
and one 2-pairing check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from py_arkworks_bls12381 import GT, G1Point

from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.field import IntField, ScalarField, root_of_unity
from duskspec.crypto.plonk.keys import VerifierKey, decode_verifier_key
from duskspec.crypto.plonk.kzg import G1_BYTES, SCALAR_BYTES, decode_g1, decode_scalar
from duskspec.crypto.plonk.prover import (
    PROOF_BYTES,
    PROOF_POINTS,
    PROOF_SCALARS,
    Proof,
    check_public_inputs,
    curve_addition_terms,
    permutation_products,
    start_transcript,
)
from duskspec.errors import CryptoError

_INT = IntField()
_SCALAR = ScalarField()
_G1 = G1Point()


def decode_proof(data: bytes) -> Proof:
    """Exactly 880 bytes: 11 canonical compressed G1 points in the subgroup, then 11 canonical
    little-endian scalars."""
    if len(data) != PROOF_BYTES:
        raise CryptoError("crypto.plonk_proof_length", f"{len(data)} bytes, expected {PROOF_BYTES}")
    points = []
    for k in range(len(PROOF_POINTS)):
        chunk = data[k * G1_BYTES : (k + 1) * G1_BYTES]
        points.append(decode_g1(chunk, "crypto.plonk_proof_point"))
    offset = len(PROOF_POINTS) * G1_BYTES
    scalars = []
    for k in range(len(PROOF_SCALARS)):
        chunk = data[offset + k * SCALAR_BYTES : offset + (k + 1) * SCALAR_BYTES]
        scalars.append(decode_scalar(chunk, "crypto.plonk_proof_scalar"))
    return Proof(tuple(points), tuple(scalars))


@lru_cache(maxsize=64)
def _decoded_key(data: bytes) -> VerifierKey:
    """Verifier keys arrive as bytes from contracts again and again; decoding (12 points with
    subgroup checks) is done once per distinct key. Pure: same bytes, same key, or the same
    error (errors are not cached, they are raised again)."""
    return decode_verifier_key(data)


def verify(
    verifier_key: VerifierKey | bytes, proof_bytes: bytes, public_inputs: Sequence[int]
) -> bool:
    """True when the proof shows knowledge of a witness satisfying the key's circuit with
    these public inputs (in the circuit's ``public_rows`` order)."""
    vk, proof = _decoded(verifier_key, proof_bytes, public_inputs)
    ch = transcript_challenges(vk, proof_bytes, public_inputs)
    return _check(vk, proof, ch, public_inputs)


def challenges(
    verifier_key: VerifierKey | bytes, proof_bytes: bytes, public_inputs: Sequence[int]
) -> Challenges:
    """The challenges :func:`verify` derives from these inputs (spec/crypto.md C12.20), after
    the same decoding (so malformed input raises the same codes), whether or not the proof
    verifies."""
    vk, _proof = _decoded(verifier_key, proof_bytes, public_inputs)
    return transcript_challenges(vk, proof_bytes, public_inputs)


def _decoded(
    verifier_key: VerifierKey | bytes, proof_bytes: bytes, public_inputs: Sequence[int]
) -> tuple[VerifierKey, Proof]:
    """Step 1's decoding: the key, the public-input count and range, then the proof."""
    vk = _decoded_key(verifier_key) if isinstance(verifier_key, bytes) else verifier_key
    check_public_inputs(public_inputs, len(vk.public_rows))
    return vk, decode_proof(proof_bytes)


@dataclass(frozen=True)
class Challenges:
    """The Fiat-Shamir challenges of §12.4 in the order they are drawn: β, γ, α, ζ, v, v_ω
    (scalars below r) and u (128 bits)."""

    beta: int
    gamma: int
    alpha: int
    zeta: int
    v: int
    v_omega: int
    u: int


def transcript_challenges(vk: VerifierKey, data: bytes, public_inputs: Sequence[int]) -> Challenges:
    """Replay the prover's transcript (§12.4) on the proof's own bytes."""
    transcript = start_transcript(vk.encoded, public_inputs)
    points = [data[k * G1_BYTES : (k + 1) * G1_BYTES] for k in range(len(PROOF_POINTS))]
    for k, name in enumerate(("a", "b", "c", "d")):
        transcript.append(name.encode(), points[k])
    beta = transcript.challenge(b"beta")
    gamma = transcript.challenge(b"gamma")
    transcript.append(b"z", points[4])
    alpha = transcript.challenge(b"alpha")
    for k in range(4):
        transcript.append(f"t_{k}".encode(), points[5 + k])
    zeta = transcript.challenge(b"zeta")
    transcript.append(b"evaluations", data[len(PROOF_POINTS) * G1_BYTES :])
    v = transcript.challenge(b"v")
    v_omega = transcript.challenge(b"v_omega")
    transcript.append(b"w_zeta", points[9])
    transcript.append(b"w_zeta_omega", points[10])
    return Challenges(beta, gamma, alpha, zeta, v, v_omega, transcript.short_challenge(b"u"))


def _lagrange_at(zeta: int, n: int, rows: Sequence[int]) -> list[int] | None:
    """``L_i(ζ) = ω^i·(ζ^n - 1) / (n·(ζ - ω^i))`` for each row, one batched inversion;
    ``None`` when ζ is in H (probability n/r)."""
    omega = root_of_unity(n)
    vanishing = (pow(zeta, n, R) - 1) % R
    omega_rows = [pow(omega, row, R) for row in rows]
    denominators = [n * (zeta - w) % R for w in omega_rows]
    if vanishing == 0 or 0 in denominators:
        return None
    inverses = _INT.batch_inverse(denominators)
    return [w * vanishing * i % R for w, i in zip(omega_rows, inverses, strict=True)]


def _check(vk: VerifierKey, proof: Proof, ch: Challenges, public_inputs: Sequence[int]) -> bool:
    """Steps 2-5 of §12.7 on a decoded proof and its challenges."""
    n = vk.n
    lagrange = _lagrange_at(ch.zeta, n, [0, *vk.public_rows])
    if lagrange is None:
        return False
    l0 = lagrange[0]
    pi_zeta = sum(x * y for x, y in zip(public_inputs, lagrange[1:], strict=True)) % R
    a, b, c, d, s1, s2, s3, z_omega, a_omega, b_omega, d_omega = proof.evaluations
    beta, gamma, alpha, zeta, u = ch.beta, ch.gamma, ch.alpha, ch.zeta, ch.u
    identity, permuted = permutation_products(_INT, [a, b, c, d], [s1, s2, s3], beta, gamma, zeta)
    alpha2 = alpha * alpha % R
    r0 = (pi_zeta - alpha * permuted * z_omega % R * (d + gamma) - alpha2 * l0) % R
    (addition,) = curve_addition_terms(
        _INT, [[a], [b], [c], [d]], [[a_omega], [b_omega], [d_omega]], alpha
    )
    # [F] = [D] + Σ v^k [opened_k] + u·([z] + v_ω[a] + v_ω²[b] + v_ω³[d]);
    # E = -r0 + Σ v^k ē_k + u·(z̄ω + v_ω·āω + v_ω²·b̄ω + v_ω³·d̄ω).
    vs = _INT.powers(ch.v, 8)[1:]
    ws = [u * x % R for x in _INT.powers(ch.v_omega, 4)]
    e = (-r0 + sum(x * y for x, y in zip(vs, [a, b, c, d, s1, s2, s3], strict=True))) % R
    shifted = [z_omega, a_omega, b_omega, d_omega]
    e = (e + sum(x * y for x, y in zip(ws, shifted, strict=True))) % R
    opened = [(vs[0] + ws[1]) % R, (vs[1] + ws[2]) % R, vs[2], (vs[3] + ws[3]) % R, *vs[4:]]
    a_c, b_c, c_c, d_c, z_c, t0, t1, t2, t3, w_zeta, w_zeta_omega = proof.points
    q_m, q_l, q_r, q_o, q_4, q_c, q_add = vk.selectors
    s1_c, s2_c, s3_c, s4_c = vk.sigmas
    zeta_n = pow(zeta, n, R)
    part_weight = (1 - zeta_n) % R  # -Z_H(ζ)
    terms: list[tuple[G1Point, int]] = [
        (q_m, a * b),
        (q_l, a),
        (q_r, b),
        (q_o, c),
        (q_4, d),
        (q_c, 1),
        (q_add, addition),
        (z_c, alpha * identity + alpha2 * l0 + ws[0]),
        (s4_c, -alpha * permuted % R * z_omega % R * beta),
        (t0, part_weight),
        (t1, part_weight * zeta_n),
        (t2, part_weight * zeta_n % R * zeta_n),
        (t3, part_weight * pow(zeta_n, 3, R)),
        *zip((a_c, b_c, c_c, d_c, s1_c, s2_c, s3_c), opened, strict=True),
        (_G1, -e),
        (w_zeta, zeta),
        (w_zeta_omega, u * zeta * root_of_unity(n)),
    ]
    right = G1Point.multiexp_unchecked(
        [p for p, _ in terms], [_SCALAR.from_int(s) for _, s in terms]
    )
    left = w_zeta + w_zeta_omega * _SCALAR.from_int(u)
    return bool(GT.pairing_check([left, -right], [vk.g2_tau, vk.g2]))

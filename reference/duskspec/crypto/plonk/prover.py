"""The PLONK prover: five rounds, width-4 wires (spec/crypto.md §12.5).

The protocol is Gabizon-Williamson-Ciobotaru's PLONK (eprint 2019/953, the version with the
linearisation polynomial), adapted to four wires ``a, b, c, d`` and the gate equation of
:mod:`duskspec.crypto.plonk.constraint_system`. Round by round:

1. commit to the blinded wire polynomials ``w_j(X) = (b·X² + b'·X + b'')·Z_H(X) + Σ w_j,i L_i``;
2. ``β, γ``; commit to the blinded grand product ``z``;
3. ``α``; commit to the quotient ``t`` split in four parts ``t_0..t_3`` (arithmetic gate,
   permutation, ``L_0``, and the curve-addition gate with weights ``α³, α⁴, α⁵``);
4. ``ζ``; send ``a, b, c, d, σ_1, σ_2, σ_3`` at ζ and ``a, b, d, z`` at ``ζω``;
5. ``v, v_ω``; send the openings ``W_ζ`` (linearisation + ``v``-batched evaluations) and
   ``W_ζω`` (``z + v_ω·a + v_ω²·b + v_ω³·d``).

Every non-trivial function is written once against :class:`~duskspec.crypto.plonk.field.Field`;
``backend="fast"`` and ``backend="reference"`` give the same bytes for the same seed
(without ``backend``, the crypto backend selection of spec/crypto.md C3.10 decides).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from py_arkworks_bls12381 import G1Point

from duskspec.crypto.plonk import polynomial as poly
from duskspec.crypto.plonk.constraint_system import CURVE_D, R, is_satisfied
from duskspec.crypto.plonk.field import Fe, Field, field, root_of_unity
from duskspec.crypto.plonk.keys import (
    COSET_CONSTANTS,
    SRS_EXTRA,
    WIRE_BLINDERS,
    Preprocessed,
    ProverKey,
    quotient_shifts,
    wire_variables,
)
from duskspec.crypto.plonk.kzg import commit, encode_scalar
from duskspec.crypto.plonk.transcript import Transcript
from duskspec.errors import CryptoError

#: The transcript's protocol label.
PROTOCOL_LABEL = b"duskspec-plonk-v2"

#: Points, then scalars, in proof order (spec/crypto.md §12.6).
PROOF_POINTS = ("a", "b", "c", "d", "z", "t_0", "t_1", "t_2", "t_3", "w_zeta", "w_zeta_omega")
PROOF_SCALARS = (
    "a",
    "b",
    "c",
    "d",
    "sigma_1",
    "sigma_2",
    "sigma_3",
    "z_omega",
    "a_omega",
    "b_omega",
    "d_omega",
)
PROOF_BYTES = 48 * len(PROOF_POINTS) + 32 * len(PROOF_SCALARS)


@dataclass(frozen=True)
class Proof:
    points: tuple[G1Point, ...]
    evaluations: tuple[int, ...]

    def encode(self) -> bytes:
        """11 compressed G1 points then 11 little-endian scalars: 880 bytes."""
        return b"".join(p.to_compressed_bytes() for p in self.points) + b"".join(
            encode_scalar(e) for e in self.evaluations
        )


def start_transcript(vk_bytes: bytes, public_inputs: Sequence[int]) -> Transcript:
    """Both sides open with the verifier key and the public inputs."""
    transcript = Transcript(PROTOCOL_LABEL)
    transcript.append(b"vk", vk_bytes)
    transcript.append(b"public_inputs", encode_public_inputs(public_inputs))
    return transcript


def encode_public_inputs(values: Sequence[int]) -> bytes:
    """``u32le(ℓ) || ℓ × 32-byte LE scalar``."""
    return len(values).to_bytes(4, "little") + b"".join(encode_scalar(v) for v in values)


def check_public_inputs(public_inputs: Sequence[int], expected: int) -> None:
    if len(public_inputs) != expected:
        raise CryptoError(
            "crypto.plonk_public_input_count",
            f"circuit has {expected} public inputs, got {len(public_inputs)}",
        )
    if not all(0 <= v < R for v in public_inputs):
        raise CryptoError("crypto.plonk_public_input_range", "public inputs must be in [0, r)")


class _Blinders:
    """Blinding scalars: BLAKE2b-512(seed || u32le(i)) mod r for i = 0, 1, ..."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._count = 0

    def next(self) -> int:
        data = self._seed + self._count.to_bytes(4, "little")
        self._count += 1
        return int.from_bytes(hashlib.blake2b(data, digest_size=64).digest(), "little") % R


def prove(
    pk: ProverKey,
    witness: Sequence[int],
    public_inputs: Sequence[int],
    *,
    seed: bytes | None = None,
    backend: str | None = None,
) -> bytes:
    """A proof that ``witness`` satisfies the circuit with these public inputs.

    Refuses (``crypto.plonk_unsatisfied``) any witness for which
    :func:`~duskspec.crypto.plonk.constraint_system.is_satisfied` is False. ``seed`` fixes
    the blinders (tests, vectors); without it they come from the OS, as zero knowledge
    requires."""
    check_public_inputs(public_inputs, len(pk.cs.public_rows))
    if not is_satisfied(pk.cs, witness, public_inputs):
        raise CryptoError("crypto.plonk_unsatisfied", "the witness does not satisfy the circuit")
    f = field(backend)
    blinders = _Blinders(seed if seed is not None else os.urandom(32))
    return _Prover(pk, f, blinders).run(witness, public_inputs).encode()


class _Prover:
    """One proof's state; lives only inside :func:`prove`."""

    def __init__(self, pk: ProverKey, f: Field, blinders: _Blinders) -> None:
        self.pk = pk
        self.f = f
        self.pre: Preprocessed = pk.preprocessed(f)
        self.n = self.pre.n
        self.blinders = blinders

    def run(self, witness: Sequence[int], public_inputs: Sequence[int]) -> Proof:
        f, n, pre = self.f, self.n, self.pre
        transcript = start_transcript(self.pk.vk.encoded, public_inputs)
        # Round 1: wires.
        wire_values = self._wire_values(witness)
        wires = [self._blind(poly.intt(f, values), WIRE_BLINDERS) for values in wire_values]
        wire_commitments = [self._commit(w) for w in wires]
        for name, point in zip(("a", "b", "c", "d"), wire_commitments, strict=True):
            transcript.append(name.encode(), point.to_compressed_bytes())
        beta = f.from_int(transcript.challenge(b"beta"))
        gamma = f.from_int(transcript.challenge(b"gamma"))
        # Round 2: the permutation grand product.
        z = self._blind(poly.intt(f, self._grand_product(wire_values, beta, gamma)), 3)
        z_commitment = self._commit(z)
        transcript.append(b"z", z_commitment.to_compressed_bytes())
        alpha = f.from_int(transcript.challenge(b"alpha"))
        # Round 3: the quotient.
        pi_values = [0] * n
        for row, value in zip(self.pk.cs.public_rows, public_inputs, strict=True):
            pi_values[row] = value
        pi = poly.intt(f, f.from_ints(pi_values))
        t = self._quotient(wires, z, pi, beta, gamma, alpha)
        self._check_degree(t)
        t = t[: 4 * n + SRS_EXTRA]
        parts = self._split_quotient(t)
        part_commitments = [self._commit(p) for p in parts]
        for k, point in enumerate(part_commitments):
            transcript.append(f"t_{k}".encode(), point.to_compressed_bytes())
        zeta = f.from_int(transcript.challenge(b"zeta"))
        # Round 4: evaluations.
        zeta_omega = f.mul(zeta, f.from_int(root_of_unity(n)))
        opened = [*wires, *pre.sigma_coeffs[:3]]
        evaluations = [poly.evaluate(f, p, zeta) for p in opened]
        shifted = [z, wires[0], wires[1], wires[3]]
        shifted_evaluations = [poly.evaluate(f, p, zeta_omega) for p in shifted]
        evaluation_ints = [f.to_int(e) for e in [*evaluations, *shifted_evaluations]]
        transcript.append(b"evaluations", b"".join(encode_scalar(e) for e in evaluation_ints))
        v = f.from_int(transcript.challenge(b"v"))
        v_omega = f.from_int(transcript.challenge(b"v_omega"))
        # Round 5: openings.
        r = self._linearisation(
            evaluations, shifted_evaluations, z, parts, beta, gamma, alpha, zeta
        )
        batched = _lincomb(f, [(c, p) for c, p in zip(f.powers(v, 8), [r, *opened], strict=True)])
        w_zeta = self._commit(poly.divide_by_linear(f, batched, zeta))
        batched_omega = _lincomb(f, list(zip(f.powers(v_omega, 4), shifted, strict=True)))
        w_zeta_omega = self._commit(poly.divide_by_linear(f, batched_omega, zeta_omega))
        points = (*wire_commitments, z_commitment, *part_commitments, w_zeta, w_zeta_omega)
        return Proof(points, tuple(evaluation_ints))

    def _split_quotient(self, t: list[Fe]) -> list[list[Fe]]:
        """``t = t_0 + X^n·t_1 + X^2n·t_2 + X^3n·t_3``, then blinded as the paper does:
        ``t_k += b·X^n`` and ``t_(k+1) -= b`` for three fresh blinders (the sum is unchanged)."""
        f, n = self.f, self.n
        parts = [t[:n], t[n : 2 * n], t[2 * n : 3 * n], t[3 * n :]]
        for k in range(3):
            b = f.from_int(self._next_blinder())
            parts[k] = [*parts[k], b]
            parts[k + 1][0] = f.sub(parts[k + 1][0], b)
        return parts

    def _commit(self, coeffs: Sequence[Fe]) -> G1Point:
        return commit(self.pk.srs, self.f, coeffs)

    def _blind(self, coeffs: list[Fe], count: int) -> list[Fe]:
        """Add ``(b_0 + b_1·X + ... ) · (X^n - 1)`` with ``count`` fresh blinders."""
        f, n = self.f, self.n
        out = [*coeffs, *([f.zero()] * count)]
        for k in range(count):
            b = f.from_int(self._next_blinder())
            out[k] = f.sub(out[k], b)
            out[n + k] = f.add(out[n + k], b)
        return out

    def _next_blinder(self) -> int:
        return self.blinders.next()

    def _grand_product(self, wires: list[list[Fe]], beta: Fe, gamma: Fe) -> list[Fe]:
        """``z_0 = 1``, ``z_(i+1) = z_i · Π_j (w_j,i + β·k_j·ω^i + γ) / Π_j (w_j,i + β·σ_j,i + γ)``
        for ``i < n - 1``."""
        f, pre = self.f, self.pre
        numerator = [f.one()] * self.n
        denominator = [f.one()] * self.n
        for j in range(4):
            numerator = f.vmul(numerator, _affine(f, wires[j], pre.identity_values[j], beta, gamma))
            denominator = f.vmul(
                denominator, _affine(f, wires[j], pre.sigma_values[j], beta, gamma)
            )
        ratios = f.vmul(numerator, f.batch_inverse(denominator))
        z = [f.one()]
        for ratio in ratios[:-1]:
            z.append(f.mul(z[-1], ratio))
        return z

    def _quotient(
        self,
        wires: list[list[Fe]],
        z: list[Fe],
        pi: list[Fe],
        beta: Fe,
        gamma: Fe,
        alpha: Fe,
    ) -> list[Fe]:
        """``t = (gate + α·permutation + α²·(z - 1)·L_0) / Z_H`` on five cosets of H."""
        f, n, pre = self.f, self.n, self.pre
        shifts = quotient_shifts(n)
        w = [poly.subcoset_ntt(f, c, n, shifts) for c in wires]
        z_coset = poly.subcoset_ntt(f, z, n, shifts)
        z_shifted = _next_row(z_coset, n)
        q_m, q_l, q_r, q_o, q_4, q_c, q_add = pre.selector_coset
        arithmetic = f.vmul(f.vmul(q_m, w[0]), w[1])
        for selector, wire in ((q_l, w[0]), (q_r, w[1]), (q_o, w[2]), (q_4, w[3])):
            arithmetic = f.vadd(arithmetic, f.vmul(selector, wire))
        gate = f.vadd(f.vadd(arithmetic, q_c), poly.subcoset_ntt(f, pi, n, shifts))
        identity = z_coset
        permuted = z_shifted
        for j in range(4):
            identity = f.vmul(identity, _affine(f, w[j], pre.identity_coset[j], beta, gamma))
            permuted = f.vmul(permuted, _affine(f, w[j], pre.sigma_coset[j], beta, gamma))
        first = f.vmul(f.vshift(z_coset, f.neg(f.one())), pre.l0_coset)
        numerator = f.vadd(gate, f.vscale(f.vsub(identity, permuted), alpha))
        alpha2 = f.mul(alpha, alpha)
        numerator = f.vadd(numerator, f.vscale(first, alpha2))
        after = [_next_row(w[0], n), _next_row(w[1], n), _next_row(w[3], n)]
        addition = f.vmul(q_add, curve_addition_terms(f, w, after, alpha))
        numerator = f.vadd(numerator, addition)
        return poly.subcoset_intt(f, f.vmul(numerator, pre.inv_vanishing_coset), n, shifts)

    def _check_degree(self, t: list[Fe]) -> None:
        """``t`` has degree ≤ 4n + 6 exactly when the numerator vanishes on H: a second,
        independent check that the witness satisfies the gates and the copy constraints."""
        if any(self.f.to_int(c) for c in t[4 * self.n + SRS_EXTRA :]):
            raise CryptoError("crypto.plonk_unsatisfied", "the quotient is not a polynomial")

    def _wire_values(self, witness: Sequence[int]) -> list[list[Fe]]:
        """``w_j,i``: the value of the variable on wire ``j`` of row ``i``."""
        columns = wire_variables(self.pk.rows())
        return [self.f.from_ints([witness[v] % R for v in column]) for column in columns]

    def _linearisation(
        self,
        evaluations: list[Fe],
        shifted: list[Fe],
        z: list[Fe],
        parts: list[list[Fe]],
        beta: Fe,
        gamma: Fe,
        alpha: Fe,
        zeta: Fe,
    ) -> list[Fe]:
        """``r(X)``: the identity at ζ with every opened polynomial replaced by its value,
        leaving the selectors, ``z``, ``σ_4`` and the quotient parts as polynomials."""
        f, n, pre = self.f, self.n, self.pre
        a, b, c, d, s1, s2, s3 = evaluations
        z_omega, a_omega, b_omega, d_omega = shifted
        q_m, q_l, q_r, q_o, q_4, q_c, q_add = pre.selector_coeffs
        ab = f.mul(a, b)
        terms: list[tuple[Fe, Sequence[Fe]]] = [
            (ab, q_m),
            (a, q_l),
            (b, q_r),
            (c, q_o),
            (d, q_4),
            (f.one(), q_c),
        ]
        identity, permuted = permutation_products(f, [a, b, c, d], [s1, s2, s3], beta, gamma, zeta)
        zeta_n = f.pow(zeta, n)
        vanishing = f.sub(zeta_n, f.one())
        l0 = lagrange_first(f, zeta, vanishing, n)
        alpha2 = f.mul(alpha, alpha)
        addition = curve_addition_terms(
            f, [[a], [b], [c], [d]], [[a_omega], [b_omega], [d_omega]], alpha
        )
        terms.append((addition[0], q_add))
        terms.append((f.add(f.mul(alpha, identity), f.mul(alpha2, l0)), z))
        terms.append(
            (f.neg(f.mul(f.mul(alpha, permuted), f.mul(z_omega, beta))), pre.sigma_coeffs[3])
        )
        weight = f.neg(vanishing)
        for part in parts:
            terms.append((weight, part))
            weight = f.mul(weight, zeta_n)
        return _lincomb(f, terms)


def curve_addition_terms(
    f: Field, wires: Sequence[list[Fe]], after: Sequence[list[Fe]], alpha: Fe
) -> list[Fe]:
    """``α³·(x1·y2 - h) + α⁴·(x3·(1 + D·h·y1·x2) - h - y1·x2)
    + α⁵·(y3·(1 - D·h·y1·x2) - y1·y2 - x1·x2)`` pointwise (spec/crypto.md §12.9), with
    ``(x1, y1, x2, y2) = (a, b, c, d)`` and ``(x3, y3, h) = (a, b, d)`` of the next row; the
    gate's selector multiplies the result."""
    x1, y1, x2, y2 = wires
    x3, y3, h = after
    y1x2 = f.vmul(y1, x2)
    cross = f.vscale(f.vmul(h, y1x2), f.from_int(CURVE_D))
    helper = f.vsub(f.vmul(x1, y2), h)
    u = f.vsub(f.vadd(x3, f.vmul(x3, cross)), f.vadd(h, y1x2))
    v = f.vsub(f.vsub(y3, f.vmul(y3, cross)), f.vadd(f.vmul(y1, y2), f.vmul(x1, x2)))
    alpha3, alpha4, alpha5 = f.powers(alpha, 6)[3:]
    return f.vadd(f.vscale(helper, alpha3), f.vadd(f.vscale(u, alpha4), f.vscale(v, alpha5)))


def _next_row(values: list[Fe], n: int) -> list[Fe]:
    """``p(ω·X)`` on cosets ``s·H`` laid out block by block: ``p(s·ω^(i+1))`` is the next
    entry of the same block, so each block rotates by one."""
    out: list[Fe] = []
    for k in range(len(values) // n):
        block = values[k * n : (k + 1) * n]
        out += block[1:] + block[:1]
    return out


def permutation_products(
    f: Field, wires: Sequence[Fe], sigmas: Sequence[Fe], beta: Fe, gamma: Fe, zeta: Fe
) -> tuple[Fe, Fe]:
    """``Π_j (w̄_j + β·k_j·ζ + γ)`` and ``Π_(j<3) (w̄_j + β·σ̄_j + γ)``."""
    identity = f.one()
    for w, k in zip(wires, COSET_CONSTANTS, strict=True):
        identity = f.mul(identity, f.add(f.add(w, f.mul(beta, f.mul(f.from_int(k), zeta))), gamma))
    permuted = f.one()
    for w, s in zip(wires[:3], sigmas, strict=True):
        permuted = f.mul(permuted, f.add(f.add(w, f.mul(beta, s)), gamma))
    return identity, permuted


def lagrange_first(f: Field, zeta: Fe, vanishing: Fe, n: int) -> Fe:
    """``L_0(ζ) = (ζ^n - 1) / (n·(ζ - 1))``."""
    return f.mul(vanishing, f.inv(f.mul(f.from_int(n), f.sub(zeta, f.one()))))


def _affine(f: Field, xs: Sequence[Fe], ys: Sequence[Fe], beta: Fe, gamma: Fe) -> list[Fe]:
    """``x + β·y + γ`` elementwise."""
    return f.vshift(f.vadd(xs, f.vscale(ys, beta)), gamma)


def _lincomb(f: Field, terms: Sequence[tuple[Fe, Sequence[Fe]]]) -> list[Fe]:
    """``Σ c·p`` over polynomials of any lengths."""
    length = max(len(p) for _, p in terms)
    acc: list[Fe] = [f.zero()] * length
    for c, p in terms:
        scaled = f.vscale(p, c)
        acc[: len(scaled)] = f.vadd(acc[: len(scaled)], scaled)
    return acc

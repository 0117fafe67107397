"""Preprocessing: prover and verifier keys derived from (constraint system, SRS).

Derivation is deterministic (spec/crypto.md §12.3):

1. the *rows* are the circuit's gates, then one row ``a = w_0, q_l = 1`` that forces the zero
   variable to 0, then padding rows (all selectors 0, all wires variable 0) up to the domain
   size ``n = max(8, next power of two ≥ gates + 1)``;
2. each *folded* selector ``Q_m, Q_l, Q_r, Q_o, Q_4, Q_c`` is the polynomial of degree < n
   taking ``q_arith·q_x`` of row ``i`` at ``ω^i``: on H the gate equation
   ``q_arith·(q_m·a·b + ... + q_c) + PI`` equals ``Q_m·a·b + Q_l·a + Q_r·b + Q_o·c + Q_4·d +
   Q_c + PI``, which saves the verifier a commitment and an evaluation; ``Q_add`` takes the
   curve-addition selector ``q_add`` as it is (not folded);
3. wire ``j`` of row ``i`` is the position ``(j, i)`` with label ``k_j·ω^i`` (``k`` =
   :data:`COSET_CONSTANTS`); the positions holding one variable form a cycle in the order
   ``j·n + i`` ascending, and ``σ_j(ω^i)`` is the label of the next position of that cycle;
4. the verifier key commits to the 7 selectors and the 4 permutation polynomials.

The verifier key is the expensive part (11 MSMs of size n).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from py_arkworks_bls12381 import G1Point, G2Point

from duskspec.crypto.plonk import polynomial as poly
from duskspec.crypto.plonk.constraint_system import ZERO_VARIABLE, ConstraintSystem, Gate, R
from duskspec.crypto.plonk.field import MULTIPLICATIVE_GENERATOR, Fe, Field, root_of_unity
from duskspec.crypto.plonk.kzg import G1_BYTES, G2_BYTES, SRS, commit, decode_g1
from duskspec.errors import CryptoError

#: ``k_0..k_3``: wire ``j`` of row ``i`` is labelled ``k_j·ω^i``. The four cosets ``k_j·H``
#: are disjoint for every power-of-two H (checked in tests/crypto/test_plonk_keys.py).
COSET_CONSTANTS = (1, 7, 13, 17)

#: Selector order in the circuit encoding.
SELECTORS = ("q_m", "q_l", "q_r", "q_o", "q_4", "q_c", "q_arith", "q_add")

#: Selector polynomial order in keys: the folded ``Q_x = q_arith·q_x``, then ``Q_add = q_add``.
FOLDED_SELECTORS = ("Q_m", "Q_l", "Q_r", "Q_o", "Q_4", "Q_c", "Q_add")

#: Commitments in a verifier key: the folded selectors, then σ_1..σ_4.
VK_COMMITMENTS = len(FOLDED_SELECTORS) + 4

#: The quotient is computed on cosets ``s_k·H`` inside ``g·H_8n``, ``g`` this generator.
COSET_SHIFT = MULTIPLICATIVE_GENERATOR

#: How many cosets of H the quotient is evaluated on: ``t`` has degree 4n + 10 < 5n (n >= 16),
#: so five cosets (5n points) determine it (the numerator's degree 5n + 10 does not matter:
#: ``t`` is evaluated pointwise as numerator / Z_H).
QUOTIENT_COSETS = 5

#: Smallest domain (``4n + 10 < 5n`` needs n > 10).
MIN_DOMAIN = 16

#: Blinding scalars per wire polynomial: three, as wires are opened at ζ and at ζω.
WIRE_BLINDERS = 3

#: Extra SRS powers beyond n: the last quotient part has n + 11 coefficients (wires and ``z``
#: have degree n + 2, the numerator 5n + 10, ``t`` 4n + 10).
SRS_EXTRA = 11

VK_VERSION = 2


def domain_size(gate_count: int) -> int:
    """``max(16, smallest power of two ≥ gate_count + 1)``: room for the zero row."""
    size = MIN_DOMAIN
    while size < gate_count + 1:
        size *= 2
    return size


def padded_rows(cs: ConstraintSystem) -> list[Gate]:
    """Step 1: the circuit's gates, the zero-variable row, then padding to the domain."""
    zero_row = Gate(a=ZERO_VARIABLE, b=ZERO_VARIABLE, c=ZERO_VARIABLE, d=ZERO_VARIABLE, q_l=1)
    rows = [*cs.gates, zero_row]
    padding = Gate(0, 0, 0, 0, q_arith=0)
    return rows + [padding] * (domain_size(len(cs.gates)) - len(rows))


def check_circuit(cs: ConstraintSystem) -> None:
    """Every wire names a variable, every selector is reduced, public rows are distinct rows."""
    if cs.variable_count < 1:
        raise CryptoError("crypto.plonk_circuit", "no zero variable")
    for i, g in enumerate(cs.gates):
        if not all(0 <= w < cs.variable_count for w in (g.a, g.b, g.c, g.d)):
            raise CryptoError("crypto.plonk_circuit", f"row {i} names an unknown variable")
        if not all(0 <= s < R for s in _selector_values(g)):
            raise CryptoError("crypto.plonk_circuit", f"row {i} has a selector outside [0, r)")
    if cs.gates and cs.gates[-1].q_add % R:
        raise CryptoError("crypto.plonk_circuit", "the last gate is a curve addition")
    if len(set(cs.public_rows)) != len(cs.public_rows):
        raise CryptoError("crypto.plonk_circuit", "a row carries two public inputs")
    if not all(0 <= row < len(cs.gates) for row in cs.public_rows):
        raise CryptoError("crypto.plonk_circuit", "a public input row is not a gate")


def _selector_values(g: Gate) -> tuple[int, ...]:
    return (g.q_m, g.q_l, g.q_r, g.q_o, g.q_4, g.q_c, g.q_arith, g.q_add)


def wire_variables(rows: Sequence[Gate]) -> list[list[int]]:
    """``wires[j][i]``: the variable on wire ``j`` of row ``i``."""
    return [[g.a for g in rows], [g.b for g in rows], [g.c for g in rows], [g.d for g in rows]]


def permutation_labels(rows: Sequence[Gate]) -> list[list[int]]:
    """Step 3: ``sigma[j][i] = σ_j(ω^i)`` as field elements (ints)."""
    n = len(rows)
    omega_powers = _powers(root_of_unity(n), n)
    wires = wire_variables(rows)
    cycles: dict[int, list[int]] = {}
    for j in range(4):
        for i in range(n):
            cycles.setdefault(wires[j][i], []).append(j * n + i)
    sigma = [[0] * n for _ in range(4)]
    for positions in cycles.values():
        for t, position in enumerate(positions):
            nxt = positions[(t + 1) % len(positions)]
            label = COSET_CONSTANTS[nxt // n] * omega_powers[nxt % n] % R
            sigma[position // n][position % n] = label
    return sigma


def _powers(base: int, count: int) -> list[int]:
    out = [1]
    for _ in range(count - 1):
        out.append(out[-1] * base % R)
    return out


def selector_columns(rows: Sequence[Gate]) -> list[list[int]]:
    """Step 2: ``columns[s][i]`` = ``q_arith·q_x`` of row ``i`` for ``x`` the ``s``-th of
    :data:`FOLDED_SELECTORS` (``q_add`` as it is for the last)."""
    folded = [[*(g.q_arith * q % R for q in _selector_values(g)[:6]), g.q_add % R] for g in rows]
    return [list(column) for column in zip(*folded, strict=True)]


# --- keys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifierKey:
    """What the verifier needs: the domain, where public inputs sit, 11 commitments, and the
    SRS's G2 part."""

    n: int
    public_rows: tuple[int, ...]
    selectors: tuple[G1Point, ...]
    sigmas: tuple[G1Point, ...]
    g2: G2Point
    g2_tau: G2Point

    @cached_property
    def encoded(self) -> bytes:
        """:meth:`encode`, computed once (the transcript absorbs it on every verification)."""
        return self.encode()

    def encode(self) -> bytes:
        """``u8(2) || u32le(n) || u32le(ℓ) || ℓ × u32le(row) || 7 selector commitments ||
        4 permutation commitments || [1]_2 || [τ]_2`` (G1 48 bytes, G2 96, compressed)."""
        parts = [
            bytes([VK_VERSION]),
            self.n.to_bytes(4, "little"),
            len(self.public_rows).to_bytes(4, "little"),
            *(row.to_bytes(4, "little") for row in self.public_rows),
            *(p.to_compressed_bytes() for p in (*self.selectors, *self.sigmas)),
            self.g2.to_compressed_bytes(),
            self.g2_tau.to_compressed_bytes(),
        ]
        return b"".join(parts)


def decode_verifier_key(data: bytes) -> VerifierKey:
    """Inverse of :meth:`VerifierKey.encode`; malformed bytes raise ``crypto.plonk_vk_*``."""
    if len(data) < 9 or data[0] != VK_VERSION:
        raise CryptoError("crypto.plonk_vk_version", "unknown verifier key version")
    n = int.from_bytes(data[1:5], "little")
    count = int.from_bytes(data[5:9], "little")
    if n < MIN_DOMAIN or n & (n - 1) or n > 1 << 32:
        raise CryptoError("crypto.plonk_vk_domain", f"domain size {n}")
    expected = 9 + 4 * count + VK_COMMITMENTS * G1_BYTES + 2 * G2_BYTES
    if len(data) != expected:
        raise CryptoError("crypto.plonk_vk_length", f"{len(data)} bytes, expected {expected}")
    rows = tuple(int.from_bytes(data[9 + 4 * k : 13 + 4 * k], "little") for k in range(count))
    if len(set(rows)) != count or not all(row < n for row in rows):
        raise CryptoError("crypto.plonk_vk_public_rows", "public rows repeat or leave the domain")
    offset = 9 + 4 * count
    points = []
    for _ in range(VK_COMMITMENTS):
        points.append(decode_g1(data[offset : offset + G1_BYTES], "crypto.plonk_vk_point"))
        offset += G1_BYTES
    g2 = _decode_g2(data[offset : offset + G2_BYTES])
    g2_tau = _decode_g2(data[offset + G2_BYTES :])
    selectors = len(FOLDED_SELECTORS)
    return VerifierKey(n, rows, tuple(points[:selectors]), tuple(points[selectors:]), g2, g2_tau)


def _decode_g2(data: bytes) -> G2Point:
    try:
        point = G2Point.from_compressed_bytes(data)
    except (ValueError, OverflowError) as exc:
        raise CryptoError("crypto.plonk_vk_point", "bad G2 point") from exc
    if point.to_compressed_bytes() != data:
        raise CryptoError("crypto.plonk_vk_point", "non-canonical G2 point")
    return point


@dataclass
class Preprocessed:
    """The circuit's polynomials in one backend: coefficients and evaluations on the
    quotient coset. Built once per (prover key, backend); never leaves the prover."""

    n: int
    selector_coeffs: list[list[Fe]]
    sigma_coeffs: list[list[Fe]]
    selector_coset: list[list[Fe]]
    sigma_coset: list[list[Fe]]
    sigma_values: list[list[Fe]]
    identity_values: list[list[Fe]]
    identity_coset: list[list[Fe]]
    l0_coset: list[Fe]
    inv_vanishing_coset: list[Fe]


@dataclass(frozen=True)
class ProverKey:
    """The circuit itself, the SRS (the commitment key) and the verifier key. Its encoding
    is the verifier key followed by the circuit (:func:`encode_constraint_system`)."""

    cs: ConstraintSystem
    srs: SRS
    vk: VerifierKey
    _cache: dict[str, Preprocessed] = field(default_factory=dict, compare=False, repr=False)

    def rows(self) -> list[Gate]:
        return padded_rows(self.cs)

    def encode(self) -> bytes:
        return self.vk.encode() + encode_constraint_system(self.cs)

    def preprocessed(self, f: Field) -> Preprocessed:
        if f.name not in self._cache:
            self._cache[f.name] = _preprocess(self.rows(), f)
        return self._cache[f.name]


def _preprocess(rows: list[Gate], f: Field) -> Preprocessed:
    n = len(rows)
    shifts = quotient_shifts(n)
    selector_coeffs = [poly.intt(f, f.from_ints(c)) for c in selector_columns(rows)]
    sigma_ints = permutation_labels(rows)
    sigma_values = [f.from_ints(s) for s in sigma_ints]
    sigma_coeffs = [poly.intt(f, s) for s in sigma_values]
    omega_powers = _powers(root_of_unity(n), n)
    identity = [f.from_ints([k * w % R for w in omega_powers]) for k in COSET_CONSTANTS]
    x_coset = f.from_ints([s * w % R for s in shifts for w in omega_powers])
    vanishing = f.batch_inverse(f.from_ints([(pow(s, n, R) - 1) % R for s in shifts]))
    return Preprocessed(
        n=n,
        selector_coeffs=selector_coeffs,
        sigma_coeffs=sigma_coeffs,
        selector_coset=[poly.subcoset_ntt(f, c, n, shifts) for c in selector_coeffs],
        sigma_coset=[poly.subcoset_ntt(f, c, n, shifts) for c in sigma_coeffs],
        sigma_values=sigma_values,
        identity_values=identity,
        identity_coset=[f.vscale(x_coset, f.from_int(k)) for k in COSET_CONSTANTS],
        l0_coset=poly.subcoset_ntt(f, [f.from_int(pow(n, -1, R))] * n, n, shifts),
        inv_vanishing_coset=[v for v in vanishing for _ in range(n)],
    )


def quotient_shifts(n: int) -> list[int]:
    """The cosets ``s_k·H`` (k < 5) the quotient is evaluated on."""
    return poly.subcoset_shifts(n, QUOTIENT_COSETS, COSET_SHIFT)


def derive_verifier_key(cs: ConstraintSystem, srs: SRS, f: Field) -> VerifierKey:
    """Step 4: commit to the selector and permutation polynomials."""
    rows = padded_rows(cs)
    n = len(rows)
    if srs.size < n + SRS_EXTRA:
        raise CryptoError(
            "crypto.srs_too_small", f"{srs.size} powers; the circuit needs {n + SRS_EXTRA}"
        )
    selectors = [poly.intt(f, f.from_ints(c)) for c in selector_columns(rows)]
    sigmas = [poly.intt(f, f.from_ints(s)) for s in permutation_labels(rows)]
    return VerifierKey(
        n=n,
        public_rows=tuple(cs.public_rows),
        selectors=tuple(commit(srs, f, c) for c in selectors),
        sigmas=tuple(commit(srs, f, s) for s in sigmas),
        g2=srs.g2,
        g2_tau=srs.g2_tau,
    )


def derive_keys(
    cs: ConstraintSystem, srs: SRS, f: Field | None = None
) -> tuple[ProverKey, VerifierKey]:
    """Prover and verifier keys (a pure function; the runtime's proof cache,
    ``duskspec.runtime.circuits.proof_cache``, keeps verifier keys on disk)."""
    from duskspec.crypto.plonk.field import field as backend

    check_circuit(cs)
    vk = derive_verifier_key(cs, srs, f or backend())
    return ProverKey(cs, srs, vk), vk


# --- circuit encoding -----------------------------------------------------------------------


def encode_constraint_system(cs: ConstraintSystem) -> bytes:
    """``u32le(variable_count) || u32le(gates) || u32le(ℓ) || ℓ × u32le(row) || gates``;
    a gate is ``4 × u32le(wire a, b, c, d) || 8 × 32-byte LE selectors`` in
    :data:`SELECTORS` order (272 bytes)."""
    parts = [
        cs.variable_count.to_bytes(4, "little"),
        len(cs.gates).to_bytes(4, "little"),
        len(cs.public_rows).to_bytes(4, "little"),
        *(row.to_bytes(4, "little") for row in cs.public_rows),
    ]
    for g in cs.gates:
        parts.append(b"".join(w.to_bytes(4, "little") for w in (g.a, g.b, g.c, g.d)))
        parts.append(b"".join((s % R).to_bytes(32, "little") for s in _selector_values(g)))
    return b"".join(parts)


def decode_constraint_system(data: bytes) -> ConstraintSystem:
    """Inverse of :func:`encode_constraint_system`; malformed bytes raise
    ``crypto.plonk_circuit_encoding``, a decoded but invalid circuit ``crypto.plonk_circuit``."""
    if len(data) < 12:
        raise CryptoError("crypto.plonk_circuit_encoding", "shorter than the header")
    variables, gate_count, count = (int.from_bytes(data[k : k + 4], "little") for k in (0, 4, 8))
    gates_at = 12 + 4 * count
    if len(data) != gates_at + GATE_BYTES * gate_count:
        raise CryptoError("crypto.plonk_circuit_encoding", f"{len(data)} bytes do not fit")
    rows = tuple(int.from_bytes(data[12 + 4 * k : 16 + 4 * k], "little") for k in range(count))
    gates = tuple(
        _decode_gate(data[gates_at + GATE_BYTES * i : gates_at + GATE_BYTES * (i + 1)])
        for i in range(gate_count)
    )
    cs = ConstraintSystem(gates, rows, variables)
    check_circuit(cs)
    return cs


#: Bytes of one encoded gate: four u32le wires and eight 32-byte selectors.
GATE_BYTES = 4 * 4 + len(SELECTORS) * 32


def _decode_gate(data: bytes) -> Gate:
    wires = [int.from_bytes(data[4 * k : 4 * k + 4], "little") for k in range(4)]
    count = len(SELECTORS)
    selectors = [int.from_bytes(data[16 + 32 * k : 48 + 32 * k], "little") for k in range(count)]
    return Gate(*wires, *selectors)


def encode_witness(witness: Sequence[int]) -> bytes:
    """A full assignment (every variable, the zero variable first):
    ``u32le(variable_count) || variable_count × 32-byte LE value mod r``, in variable order."""
    values = b"".join((value % R).to_bytes(32, "little") for value in witness)
    return len(witness).to_bytes(4, "little") + values


def decode_prover_key(data: bytes, srs: SRS) -> ProverKey:
    """A prover key's bytes (verifier key, then circuit) with its commitment key ``srs``.
    The two halves must agree (domain, public rows, the SRS's G2 points):
    ``crypto.plonk_pk_mismatch`` otherwise."""
    if len(data) < 9:
        raise CryptoError("crypto.plonk_vk_length", "shorter than the verifier key header")
    count = int.from_bytes(data[5:9], "little")
    vk_length = 9 + 4 * count + VK_COMMITMENTS * G1_BYTES + 2 * G2_BYTES
    vk = decode_verifier_key(data[:vk_length])
    cs = decode_constraint_system(data[vk_length:])
    agree = (
        vk.n == domain_size(len(cs.gates))
        and vk.public_rows == cs.public_rows
        and vk.g2 == srs.g2
        and vk.g2_tau == srs.g2_tau
        and srs.size >= vk.n + SRS_EXTRA
    )
    if not agree:
        raise CryptoError("crypto.plonk_pk_mismatch", "verifier key, circuit and SRS disagree")
    return ProverKey(cs, srs, vk)

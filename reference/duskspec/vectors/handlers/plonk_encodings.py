"""``general/plonk/verifier_key``, ``general/plonk/circuit`` and ``general/plonk/prover_key``:
the PLONK byte formats an implementation reads from outside, decoded on their own
(spec/crypto.md §12.3: the verifier-key table, the circuit encoding checked by rule C12.16's
``check_circuit``, and the prover key, which joins the two and must agree with its SRS).

``plonk/verify`` and ``plonk/prove`` reach these decoders too, but only with well-formed
bytes or one malformed field each; here every comparison of the two decoders has a case
on each side of its boundary (the domain's least size, the last row a public input may
name, the last variable a wire may name, the largest selector, the shortest header), so
an implementation that reads one bound one off fails a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from duskspec.crypto.plonk.constraint_system import ConstraintSystem, Gate, R
from duskspec.crypto.plonk.examples import SMALL_CIRCUITS
from duskspec.crypto.plonk.keys import (
    MIN_DOMAIN,
    SRS_EXTRA,
    decode_constraint_system,
    decode_prover_key,
    decode_verifier_key,
    derive_keys,
    encode_constraint_system,
)
from duskspec.crypto.plonk.kzg import insecure_test_srs
from duskspec.vectors.handlers.plonk import PLONK_SRS_SEED, _proved
from duskspec.vectors.registry import Case, Handler, rejected


@dataclass(frozen=True)
class VerifierKeyInput:
    verifier_key: bytes


@dataclass(frozen=True)
class VerifierKeyPost:
    n: int
    public_rows: tuple[int, ...]


@dataclass(frozen=True)
class CircuitInput:
    circuit: bytes


@dataclass(frozen=True)
class CircuitPost:
    variable_count: int
    gate_count: int
    public_rows: tuple[int, ...]


@dataclass(frozen=True)
class ProverKeyInput:
    srs_seed: bytes
    srs_size: int
    prover_key: bytes


@dataclass(frozen=True)
class ProverKeyPost:
    n: int
    public_rows: tuple[int, ...]
    variable_count: int
    gate_count: int


def run_verifier_key(pre: None, inp: VerifierKeyInput) -> VerifierKeyPost:
    vk = decode_verifier_key(inp.verifier_key)
    return VerifierKeyPost(vk.n, vk.public_rows)


def run_circuit(pre: None, inp: CircuitInput) -> CircuitPost:
    cs = decode_constraint_system(inp.circuit)
    return CircuitPost(cs.variable_count, len(cs.gates), cs.public_rows)


def run_prover_key(pre: None, inp: ProverKeyInput) -> ProverKeyPost:
    pk = decode_prover_key(inp.prover_key, insecure_test_srs(inp.srs_seed, inp.srs_size))
    return ProverKeyPost(pk.vk.n, pk.vk.public_rows, pk.cs.variable_count, len(pk.cs.gates))


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def _with_header(key: bytes, n: int, rows: tuple[int, ...]) -> bytes:
    """``key`` (version 2, 16-point body) with another domain size and public rows."""
    count = int.from_bytes(key[5:9], "little")
    body = key[9 + 4 * count :]
    return key[:1] + _u32(n) + _u32(len(rows)) + b"".join(_u32(r) for r in rows) + body


def _verifier_key_cases() -> Iterator[Case]:
    key = _proved("four_wire")[0].encode()
    yield Case("valid_four_wire", "the key of plonk/verify/valid_four_wire", VerifierKeyInput(key))
    no_public = _proved("no_public")[0].encode()
    yield Case("valid_no_public", "a key with no public row", VerifierKeyInput(no_public))
    yield rejected(
        "eight_bytes",
        "8 bytes: shorter than the version, n and the row count",
        VerifierKeyInput(key[:8]),
        "crypto.plonk_vk_version",
    )
    yield rejected(
        "header_only",
        "the 9-byte header alone (version 2, n = 16, no row): long enough to read, no points",
        VerifierKeyInput(key[:1] + _u32(16) + _u32(0)),
        "crypto.plonk_vk_length",
    )
    yield rejected(
        "version_3",
        "version byte 3",
        VerifierKeyInput(b"\x03" + key[1:]),
        "crypto.plonk_vk_version",
    )
    yield rejected(
        "domain_8",
        f"n = 8, a power of two below the least domain {MIN_DOMAIN}",
        VerifierKeyInput(_with_header(key, 8, (3, 4))),
        "crypto.plonk_vk_domain",
    )
    yield rejected(
        "domain_0",
        "n = 0",
        VerifierKeyInput(_with_header(key, 0, ())),
        "crypto.plonk_vk_domain",
    )
    yield rejected(
        "domain_24",
        "n = 24, not a power of two",
        VerifierKeyInput(_with_header(key, 24, (3, 4))),
        "crypto.plonk_vk_domain",
    )
    yield Case(
        "domain_2_to_the_31",
        "n = 2^31, the largest power of two a u32 holds (the decoder checks the layout; a "
        "domain this size and these commitments do not verify any proof)",
        VerifierKeyInput(_with_header(key, 1 << 31, (3, 4))),
    )
    yield Case(
        "last_row_public",
        "public row n - 1 = 15, the last row of the domain",
        VerifierKeyInput(_with_header(key, 16, (3, 15))),
    )
    yield rejected(
        "public_row_n",
        "public row n = 16, just past the domain",
        VerifierKeyInput(_with_header(key, 16, (3, 16))),
        "crypto.plonk_vk_public_rows",
    )
    yield rejected(
        "public_row_twice",
        "public rows (3, 3)",
        VerifierKeyInput(_with_header(key, 16, (3, 3))),
        "crypto.plonk_vk_public_rows",
    )
    yield rejected(
        "one_byte_long",
        "the valid key and one more byte",
        VerifierKeyInput(key + b"\x00"),
        "crypto.plonk_vk_length",
    )


def _circuit(cs: ConstraintSystem) -> CircuitInput:
    return CircuitInput(encode_constraint_system(cs))


def _circuit_cases() -> Iterator[Case]:
    cs = SMALL_CIRCUITS["four_wire"]()[0]
    yield Case("valid_four_wire", "the circuit of plonk/prove/four_wire", _circuit(cs))
    empty = ConstraintSystem((), (), 1)
    yield Case(
        "header_only",
        "the 12-byte header alone: one variable (the zero variable), no gate, no public row",
        _circuit(empty),
    )
    yield rejected(
        "eleven_bytes",
        "11 bytes: shorter than the header",
        CircuitInput(encode_constraint_system(empty)[:11]),
        "crypto.plonk_circuit_encoding",
    )
    yield rejected(
        "no_variable",
        "variable count 0: no zero variable",
        _circuit(ConstraintSystem((), (), 0)),
        "crypto.plonk_circuit",
    )
    last = cs.variable_count - 1
    yield Case(
        "wire_last_variable",
        f"a wire naming variable {last}, the last one",
        _circuit(replace(cs, gates=(replace(cs.gates[0], d=last), *cs.gates[1:]))),
    )
    yield rejected(
        "wire_past_last_variable",
        f"a wire naming variable {last + 1}, one past the last",
        _circuit(replace(cs, gates=(replace(cs.gates[0], d=last + 1), *cs.gates[1:]))),
        "crypto.plonk_circuit",
    )
    one_gate = ConstraintSystem((replace(cs.gates[0], q_c=R - 1),), (), cs.variable_count)
    largest = encode_constraint_system(one_gate)
    yield Case(
        "selector_r_minus_1",
        "one gate with q_c = r - 1, the largest reduced selector",
        CircuitInput(largest),
    )
    q_c_at = 12 + 16 + 5 * 32  # the header (no public row), four wires, q_m ... q_4
    yield rejected(
        "selector_r",
        "the same gate with q_c = r, not reduced",
        CircuitInput(largest[:q_c_at] + R.to_bytes(32, "little") + largest[q_c_at + 32 :]),
        "crypto.plonk_circuit",
    )
    add = Gate(1, 2, 3, 4, q_arith=0, q_add=1)
    yield rejected(
        "last_gate_curve_addition",
        "the last gate is a curve addition (its second row would be missing)",
        _circuit(replace(cs, gates=(*cs.gates, add))),
        "crypto.plonk_circuit",
    )
    rows = len(cs.gates)
    yield Case(
        "public_rows_first_and_last",
        f"public rows 0 and {rows - 1}: the first and the last gate",
        _circuit(replace(cs, public_rows=(0, rows - 1))),
    )
    yield rejected(
        "public_row_past_last_gate",
        f"public row {rows}, one past the last gate",
        _circuit(replace(cs, public_rows=(0, rows))),
        "crypto.plonk_circuit",
    )
    yield rejected(
        "public_row_twice",
        "public rows (1, 1)",
        _circuit(replace(cs, public_rows=(1, 1))),
        "crypto.plonk_circuit",
    )


def _prover_key(name: str) -> tuple[bytes, int]:
    """The prover key's bytes and the length of its verifier-key half."""
    cs = SMALL_CIRCUITS[name]()[0]
    pk, vk = derive_keys(cs, insecure_test_srs(PLONK_SRS_SEED, 16 + SRS_EXTRA))
    return pk.encode(), len(vk.encode())


def _prover_key_cases() -> Iterator[Case]:
    """``four_wire`` (domain 16, public rows (3, 4)) keyed with ``16 + SRS_EXTRA`` powers."""
    key, vk_length = _prover_key("four_wire")
    enough = 16 + SRS_EXTRA
    circuit = key[vk_length:]

    def with_key(data: bytes, size: int = enough, seed: bytes = PLONK_SRS_SEED) -> ProverKeyInput:
        return ProverKeyInput(seed, size, data)

    yield Case(
        "valid_four_wire",
        f"verifier key and circuit of four_wire with an SRS of exactly n + {SRS_EXTRA} = "
        f"{enough} powers, the least it may have",
        with_key(key),
    )
    yield Case(
        "valid_no_public",
        "a circuit with no public row",
        with_key(_prover_key("no_public")[0]),
    )
    yield rejected(
        "srs_one_power_short",
        f"the same key with an SRS of {enough - 1} powers, one fewer than n + {SRS_EXTRA}",
        with_key(key, enough - 1),
        "crypto.plonk_pk_mismatch",
    )
    yield rejected(
        "srs_other_tau",
        "the same key with an SRS of another seed: its [τ]_2 is not the key's",
        with_key(key, seed=b"another setup"),
        "crypto.plonk_pk_mismatch",
    )
    yield rejected(
        "domain_32",
        "the verifier key says n = 32; the circuit's 5 gates and the zero row need 16",
        with_key(_with_header(key[:vk_length], 32, (3, 4)) + circuit, 32 + SRS_EXTRA),
        "crypto.plonk_pk_mismatch",
    )
    yield rejected(
        "public_rows_differ",
        "the verifier key's public rows are (3, 5), the circuit's (3, 4)",
        with_key(_with_header(key[:vk_length], 16, (3, 5)) + circuit),
        "crypto.plonk_pk_mismatch",
    )
    yield rejected(
        "eight_bytes",
        "8 bytes: shorter than the verifier key's header",
        with_key(key[:8]),
        "crypto.plonk_vk_length",
    )
    yield rejected(
        "verifier_key_alone",
        "the verifier key with no circuit after it",
        with_key(key[:vk_length]),
        "crypto.plonk_circuit_encoding",
    )
    yield rejected(
        "circuit_one_byte_short",
        "the circuit's last byte missing",
        with_key(key[:-1]),
        "crypto.plonk_circuit_encoding",
    )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="plonk",
        name="verifier_key",
        intent="decode a verifier key: version, domain, public rows, length (§12.3)",
        input_type=VerifierKeyInput,
        post_type=VerifierKeyPost,
        run=run_verifier_key,
        cases=_verifier_key_cases,
    ),
    Handler(
        preset="general",
        component="plonk",
        name="circuit",
        intent="decode a circuit: header, wires, selectors, public rows (C12.16)",
        input_type=CircuitInput,
        post_type=CircuitPost,
        run=run_circuit,
        cases=_circuit_cases,
    ),
    Handler(
        preset="general",
        component="plonk",
        name="prover_key",
        intent="decode a prover key: verifier key, circuit, and their agreement with the SRS "
        "(§12.3)",
        input_type=ProverKeyInput,
        post_type=ProverKeyPost,
        run=run_prover_key,
        cases=_prover_key_cases,
    ),
)

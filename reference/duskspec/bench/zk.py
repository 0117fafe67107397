"""Zero-knowledge timings: PLONK prove and verify against the pairing floor.

Each row is one circuit on the fast backend: CPU seconds (``time.process_time``) to prove
once and to verify (median of interleaved runs), and the *pairing floor* — one 2-pair
pairing-product check, the least any KZG-based verifier must do — measured in the same loop.
``verify_ratio_to_floor = verify_cpu_s / pairing_floor_cpu_s``; the goal is <= 3.

Circuits come from factories ``() -> (ConstraintSystem, witness, public_inputs)``; add one to
:func:`circuit_factories` to bench it. ``DUSKSPEC_ZK_BENCH_LOGS`` (e.g. ``10,12``) picks the
arithmetic circuit sizes (default ``10,12,14,16``).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from functools import partial

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from duskspec.bench import Suite
from duskspec.crypto.plonk.constraint_system import is_satisfied
from duskspec.crypto.plonk.examples import Instance, arithmetic_circuit
from duskspec.crypto.plonk.field import field
from duskspec.crypto.plonk.keys import SRS_EXTRA, derive_keys, domain_size
from duskspec.crypto.plonk.kzg import SRS, insecure_test_srs
from duskspec.crypto.plonk.prover import prove
from duskspec.crypto.plonk.verifier import decode_proof, verify
from duskspec.runtime.circuits.witness import build, example_transfer

CircuitFactory = Callable[[], Instance]

VERIFY_RUNS = 25


#: Phoenix transfer circuits benched by default: (inputs, tree depth). Depth 3 is the tiny
#: preset's notes tree, 17 mainnet's (spec/transactions.md).
TRANSFERS = "2:3,2:17"


def transfer_instance(inputs: int, depth: int) -> Instance:
    """The Phoenix transfer circuit of ``inputs`` notes at tree ``depth``, with the example
    witness of :func:`duskspec.runtime.circuits.witness.example_transfer` (seed 0)."""
    cs, witness, public = build(example_transfer(0, inputs, depth)).compile()
    return cs, list(witness), list(public)


def circuit_factories() -> dict[str, CircuitFactory]:
    """Circuit name -> factory, in bench order. ``DUSKSPEC_ZK_BENCH_LOGS`` picks the
    arithmetic sizes, ``DUSKSPEC_ZK_BENCH_TRANSFERS`` the transfer circuits
    (``inputs:depth,...``; empty for none)."""
    logs = [int(x) for x in os.environ.get("DUSKSPEC_ZK_BENCH_LOGS", "10,12,14,16").split(",")]
    factories: dict[str, CircuitFactory] = {
        f"arithmetic 2^{k}": partial(arithmetic_circuit, k) for k in logs
    }
    for spec in filter(None, os.environ.get("DUSKSPEC_ZK_BENCH_TRANSFERS", TRANSFERS).split(",")):
        inputs, depth = (int(x) for x in spec.split(":"))
        factories[f"transfer {inputs}-in depth {depth}"] = partial(transfer_instance, inputs, depth)
    return factories


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _row(
    name: str, instance: Instance, srs: SRS, floor_call: Callable[[], object]
) -> dict[str, object]:
    cs, witness, public_inputs = instance
    assert is_satisfied(cs, witness, public_inputs)
    key_start = time.process_time()
    pk, vk = derive_keys(cs, srs)
    pk.preprocessed(field("fast"))
    key_cpu = time.process_time() - key_start
    proof = b""

    def prove_once() -> None:
        nonlocal proof
        proof = prove(pk, witness, public_inputs, seed=b"bench")

    prove_cpu = _cpu(prove_once)
    assert verify(vk, proof, public_inputs)
    verify_samples, floor_samples = [], []
    for _ in range(VERIFY_RUNS):  # interleaved: both see the same machine load
        verify_samples.append(_cpu(lambda: verify(vk, proof, public_inputs)))
        floor_samples.append(_cpu(floor_call))
    verify_cpu = statistics.median(verify_samples)
    floor_cpu = statistics.median(floor_samples)
    return {
        "circuit": name,
        "gates": len(cs.gates),
        "domain": vk.n,
        "keys_cpu_s": key_cpu,
        "prove_cpu_s": prove_cpu,
        "verify_cpu_s": verify_cpu,
        "pairing_floor_cpu_s": floor_cpu,
        "verify_ratio_to_floor": verify_cpu / floor_cpu,
        "proof_bytes": len(proof),
    }


def _verify_breakdown(floor_call: Callable[[], object]) -> tuple[float, float, float]:
    """Medians of the verifier's two big parts besides the pairing, interleaved with the
    floor: decoding a proof's 11 points and a 23-point MSM with full-size scalars."""
    cs, witness, public_inputs = arithmetic_circuit(3)
    pk, _ = derive_keys(cs, insecure_test_srs(b"breakdown", 32))
    proof = prove(pk, witness, public_inputs, seed=b"breakdown")
    points = (list(decode_proof(proof).points) * 3)[:23]
    scalars = [Scalar.from_le_bytes_mod_order(bytes([k + 1]) * 31 + b"\x01") for k in range(23)]
    samples: list[list[float]] = [[], [], []]
    for _ in range(VERIFY_RUNS):
        samples[0].append(_cpu(lambda: decode_proof(proof)))
        samples[1].append(_cpu(lambda: G1Point.multiexp_unchecked(points, scalars)))
        samples[2].append(_cpu(floor_call))
    decode_s, msm_s, floor_s = (statistics.median(s) for s in samples)
    return decode_s, msm_s, floor_s


def pairing_floor() -> Callable[[], bool]:
    """The floor: one true 2-pair check ``e(a·G1, b·G2) · e(-(ab)·G1, G2) = 1`` on distinct
    points, the shape of every KZG opening check (a, b fixed 255-bit scalars)."""
    a = Scalar.from_le_bytes_mod_order(b"\x5a" * 31 + b"\x0b")
    b = Scalar.from_le_bytes_mod_order(b"\xa5" * 31 + b"\x07")
    left, right = G1Point() * a, -(G1Point() * (a * b))
    twisted, generator = G2Point() * b, G2Point()

    def check() -> bool:
        verdict = bool(GT.pairing_check([left, right], [twisted, generator]))
        assert verdict
        return verdict

    return check


def run() -> Suite:
    factories = circuit_factories()
    instances = {name: factory() for name, factory in factories.items()}
    largest = max(domain_size(len(cs.gates)) for cs, _, _ in instances.values())
    srs = insecure_test_srs(b"duskspec zk bench", largest + SRS_EXTRA)
    floor = pairing_floor()

    rows = [_row(name, instance, srs, floor) for name, instance in instances.items()]
    worst = max(float(r["verify_ratio_to_floor"]) for r in rows)  # type: ignore[arg-type]
    decode_s, msm_s, floor_s = _verify_breakdown(floor)
    notes = [
        f"verify / pairing floor: worst {worst:.2f} (goal <= 3).",
        f"verify breakdown, in floors: decoding 11 points with subgroup checks "
        f"{decode_s / floor_s:.2f}, the 23-point MSM {msm_s / floor_s:.2f}, the pairing check"
        " 1; the rest is one 128-bit scalar multiplication and the transcript.",
        "Fast backend (py_arkworks_bls12381 Scalar + MSM); INSECURE test SRS from a seed.",
        "keys_cpu_s: one-time per circuit: 11 commitments (MSMs) and the circuit polynomials'"
        " evaluations on the quotient coset; prove_cpu_s excludes it.",
    ]
    return Suite("zk", "PLONK prove / verify (CPU seconds)", rows, notes)

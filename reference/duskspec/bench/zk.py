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
from duskspec.crypto.plonk.verifier import verify

CircuitFactory = Callable[[], Instance]

VERIFY_RUNS = 15


def circuit_factories() -> dict[str, CircuitFactory]:
    """Circuit name -> factory, in bench order."""
    logs = [int(x) for x in os.environ.get("DUSKSPEC_ZK_BENCH_LOGS", "10,12,14,16").split(",")]
    return {f"arithmetic 2^{k}": partial(arithmetic_circuit, k) for k in logs}


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


def run() -> Suite:
    factories = circuit_factories()
    instances = {name: factory() for name, factory in factories.items()}
    largest = max(domain_size(len(cs.gates)) for cs, _, _ in instances.values())
    srs = insecure_test_srs(b"duskspec zk bench", largest + SRS_EXTRA)
    g1 = G1Point() * Scalar(5)
    g2 = G2Point() * Scalar(7)

    def floor() -> bool:
        return bool(GT.pairing_check([g1, -g1], [g2, g2]))

    rows = [_row(name, instance, srs, floor) for name, instance in instances.items()]
    worst = max(float(r["verify_ratio_to_floor"]) for r in rows)  # type: ignore[arg-type]
    notes = [
        f"verify / pairing floor: worst {worst:.2f} (goal <= 3).",
        "Fast backend (py_arkworks_bls12381 Scalar + MSM); INSECURE test SRS from a seed.",
        "keys_cpu_s: one-time per circuit: 11 commitments (MSMs) and the circuit polynomials'"
        " evaluations on the quotient coset; prove_cpu_s excludes it.",
    ]
    return Suite("zk", "PLONK prove / verify (CPU seconds)", rows, notes)

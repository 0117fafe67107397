"""The Phoenix transfer circuit proved with the real PLONK prover and checked by the real
verifier (spec/runtime.md §9): a valid proof verifies, a changed public input or proof byte
does not. Proofs are memoized by content hash (duskspec.runtime.circuits.proof_cache): the
first run proves (about 70 s of CPU for 1 input with the SRS and keys, 140 s for 2), later
runs only verify. The 1-input proof is the runtime's example transaction
(duskspec.runtime.wallet.example_phoenix), shared with the runtime tests.

The 2-input proof (a 2^17 domain) runs only when ``DUSKSPEC_SLOW_PROOFS=1``, to keep
``make test`` on a fresh machine within its budget.
"""

from __future__ import annotations

import os
from functools import cache

import pytest

from duskspec.crypto.plonk import verifier
from duskspec.crypto.plonk.constraint_system import R
from duskspec.runtime import wallet
from duskspec.runtime.circuits.proof_cache import prove_cached
from duskspec.runtime.circuits.witness import build, example_transfer
from duskspec.runtime.note import decode_note
from duskspec.runtime.state import RuntimeConfig, genesis
from duskspec.runtime.transactions import public_inputs

TINY_DEPTH = 3
SRS_SEED = b"transfer proof tests"
PROVER_SEED = b"transfer proof"


@cache
def _instance(inputs: int) -> tuple[tuple[int, ...], bytes, bytes]:
    if inputs == 1:
        notes, _ = wallet.example_notes()
        tx, vk = wallet.example_phoenix(genesis(RuntimeConfig(), {}, notes))
        outputs = (decode_note(tx.outputs[0]), decode_note(tx.outputs[1]))
        return tuple(public_inputs(tx, outputs)), vk, tx.proof
    cs, witness, public = build(example_transfer(100 + inputs, inputs, TINY_DEPTH)).compile()
    vk, proof = prove_cached(cs, witness, public, srs_seed=SRS_SEED, prover_seed=PROVER_SEED)
    return public, vk, proof


def _run(inputs: int) -> bool:
    return inputs == 1 or os.environ.get("DUSKSPEC_SLOW_PROOFS") == "1"


@pytest.mark.parametrize("inputs", [1, 2])
def test_a_transfer_proof_verifies_and_any_change_is_refused(inputs: int) -> None:
    if not _run(inputs):
        pytest.skip("2-input proof: set DUSKSPEC_SLOW_PROOFS=1 (about 140 s of CPU once)")
    public, vk, proof = _instance(inputs)
    assert verifier.verify(vk, proof, list(public))
    for index in (0, 1, 2, len(public) - 1):  # payload hash, root, a nullifier, the last
        changed = list(public)
        changed[index] = (changed[index] + 1) % R
        assert not verifier.verify(vk, proof, changed)
    # A changed evaluation (z̄ω, the last scalar): still canonical, and wrong.
    last = (int.from_bytes(proof[-32:], "little") + 1).to_bytes(32, "little")
    assert not verifier.verify(vk, proof[:-32] + last, list(public))

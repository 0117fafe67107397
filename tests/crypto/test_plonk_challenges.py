"""The verifier's challenges (spec/crypto.md C12.20): ``challenges`` decodes as ``verify``
does and returns the transcript ``verify`` checks the proof with.

Reads the committed ``general/plonk/verify`` cases (no proving: about a second).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duskspec import paths
from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.verifier import challenges, verify
from duskspec.errors import CryptoError
from duskspec.vectors import format as fmt
from duskspec.vectors.handlers.plonk import PlonkVerifyInput

VERIFY_CASES = sorted((paths.VECTORS_DIR / "general" / "plonk" / "verify").iterdir())


def _case(folder: Path) -> tuple[PlonkVerifyInput, dict[str, Any]]:
    inp = fmt.from_json(PlonkVerifyInput, json.loads((folder / "input.json").read_text()))
    return inp, json.loads((folder / "meta.json").read_text())


def _code(call: Any, inp: PlonkVerifyInput) -> str | None:
    try:
        call(inp.verifier_key, inp.proof, inp.public_inputs)
    except CryptoError as exc:
        return exc.code
    return None


def test_the_verify_cases_are_read() -> None:
    invalid = [f for f in VERIFY_CASES if not _case(f)[1]["valid"]]
    assert len(VERIFY_CASES) >= 20 and len(invalid) >= 10


@pytest.mark.parametrize("folder", VERIFY_CASES, ids=lambda f: f.name)
def test_challenges_refuse_what_verify_refuses_with_its_code(folder: Path) -> None:
    inp, meta = _case(folder)
    assert _code(challenges, inp) == meta.get("expected_error") == _code(verify, inp)


def test_challenges_are_canonical_and_bound_to_every_message() -> None:
    inp, meta = _case(paths.VECTORS_DIR / "general" / "plonk" / "verify" / "valid_four_wire")
    assert meta["valid"] and verify(inp.verifier_key, inp.proof, inp.public_inputs)
    honest = challenges(inp.verifier_key, inp.proof, inp.public_inputs)
    values = [honest.beta, honest.gamma, honest.alpha, honest.zeta, honest.v, honest.v_omega]
    assert all(0 <= x < R for x in values) and len(set(values)) == len(values)
    assert 0 <= honest.u < 2**128
    # The last point absorbed (W_ζω, proof bytes 480..528) changes u alone.
    proof = inp.proof
    last = challenges(
        inp.verifier_key, proof[:480] + proof[432:480] + proof[528:], inp.public_inputs
    )
    assert (last.beta, last.v_omega) == (honest.beta, honest.v_omega) and last.u != honest.u

"""``general/plonk/challenges``: every Fiat-Shamir challenge the PLONK verifier derives
(spec/crypto.md C12.20, ``duskspec.crypto.plonk.verifier.challenges``).

The input is a ``general/plonk/verify`` input (verifier key bytes, proof bytes, public
inputs); the post is β, γ, α, ζ, v, v_ω and u in the order the transcript draws them. An
implementation whose verifier disagrees with ``plonk/verify`` can find the first message it
absorbs differently here; and since an honest proof verifies for every u, a transcript that
gets only u wrong passes every ``plonk/verify`` case and fails these.
"""

from __future__ import annotations

from collections.abc import Iterator

from duskspec.crypto.plonk.constraint_system import R
from duskspec.crypto.plonk.examples import SMALL_CIRCUITS
from duskspec.crypto.plonk.verifier import Challenges, challenges
from duskspec.vectors.handlers.plonk import PlonkVerifyInput, _proved, openings_swapped
from duskspec.vectors.registry import Case, Handler, rejected


def run_plonk_challenges(pre: None, inp: PlonkVerifyInput) -> Challenges:
    return challenges(inp.verifier_key, inp.proof, inp.public_inputs)


def _plonk_challenges_cases() -> Iterator[Case]:
    for name in sorted(SMALL_CIRCUITS):
        vk, proof, pi = _proved(name)
        doc = (SMALL_CIRCUITS[name].__doc__ or "").split("\n")[0]
        yield Case(
            f"valid_{name}",
            f"the challenges of plonk/verify/valid_{name}: {doc}",
            PlonkVerifyInput(vk.encode(), proof, pi),
        )
    vk, proof, pi = _proved("four_wire")
    key = vk.encode()
    yield Case(
        "changed_public_input",
        "plonk/verify/changed_public_input (the proof does not verify): the public inputs are "
        "absorbed first, so every challenge differs from valid_four_wire's",
        PlonkVerifyInput(key, proof, ((pi[0] + 1) % R, *pi[1:])),
    )
    swapped = openings_swapped(proof)
    honest, other = challenges(key, proof, pi), challenges(key, swapped, pi)
    assert honest.v_omega == other.v_omega and honest.u != other.u  # what the case says
    yield Case(
        "opening_proofs_swapped",
        "plonk/verify/opening_proofs_swapped (the proof does not verify): W_ζ and W_ζω are "
        "absorbed last, so only u differs from valid_four_wire's",
        PlonkVerifyInput(key, swapped, pi),
    )
    yield rejected(
        "proof_short",
        "a proof one byte short: refused as plonk/verify refuses it, before any challenge",
        PlonkVerifyInput(key, proof[:-1], pi),
        "crypto.plonk_proof_length",
    )
    yield rejected(
        "public_input_missing",
        "one public input fewer than the key's rows, as plonk/verify/public_input_missing",
        PlonkVerifyInput(key, proof, pi[:-1]),
        "crypto.plonk_public_input_count",
    )


HANDLERS: tuple[Handler, ...] = (
    Handler(
        preset="general",
        component="plonk",
        name="challenges",
        intent="the verifier's Fiat-Shamir challenges β, γ, α, ζ, v, v_ω, u of a proof",
        input_type=PlonkVerifyInput,
        post_type=Challenges,
        run=run_plonk_challenges,
        cases=_plonk_challenges_cases,
    ),
)

"""Every crypto vector case renders: published values reproduce, invalid cases raise their code."""

from __future__ import annotations

import pytest

from duskspec.vectors.generate import render_case
from duskspec.vectors.handlers import crypto
from duskspec.vectors.registry import Handler


@pytest.mark.parametrize("handler", crypto.HANDLERS, ids=lambda h: f"{h.component}/{h.name}")
def test_handler_cases_render(handler: Handler) -> None:
    cases = list(handler.cases())
    assert cases, "every handler has cases"
    for case in cases:
        render_case(handler, case)


def test_every_component_has_a_published_or_invalid_case() -> None:
    components = {h.component for h in crypto.HANDLERS}
    assert components == {
        "bls",
        "poseidon",
        "jubjub",
        "schnorr",
        "phoenix_keys",
        "merkle_poseidon",
        "merkle_blake3",
    }
    published = {
        h.component for h in crypto.HANDLERS for c in h.cases() if c.published_post is not None
    }
    assert {"bls", "poseidon", "jubjub", "schnorr"} <= published

"""The transfer circuit and its assignment, pinned (spec/transactions.md T7, T8): the
committed ``tiny/phoenix_circuit/circuit`` cases against the chapter, and one builder bug
the ``public_inputs`` cases miss and these catch.

Reads committed vectors; builds one 1-input depth-3 circuit three times (about 4 s of CPU).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from duskspec import paths
from duskspec.crypto.plonk.builder import Builder
from duskspec.crypto.plonk.keys import encode_witness
from duskspec.runtime.circuits.witness import build
from duskspec.vectors import format as fmt
from duskspec.vectors.adapter import answer
from duskspec.vectors.handlers.phoenix_circuit import PhoenixCircuitInput, _to_transfer
from duskspec.vectors.verify import request_for

CIRCUIT = paths.VECTORS_DIR / "tiny" / "phoenix_circuit" / "circuit"
PUBLIC_INPUTS = paths.VECTORS_DIR / "tiny" / "phoenix_circuit" / "public_inputs"
ONE_INPUT = (
    "valid_1_inputs",
    "unbalanced",
    "note_not_in_tree",
    "wrong_secret_key",
    "wrong_nullifier",
    "wrong_sender_signature",
)


def _post(name: str) -> dict[str, Any]:
    post: dict[str, Any] = json.loads((CIRCUIT / name / "post.json").read_text())
    return post


def _spec_row_counts() -> dict[int, int]:
    """Inputs -> depth-3 rows, from the table of spec/transactions.md §5."""
    text = (paths.REPO_ROOT / "spec/transactions.md").read_text()
    rows = re.findall(r"^\| (\d) \| ([\d,]+) \(2\^\d+\) \|", text, re.M)
    return {int(inputs): int(count.replace(",", "")) for inputs, count in rows}


def test_every_one_input_witness_builds_the_same_circuit() -> None:
    posts = [_post(name) for name in ONE_INPUT]
    for key in ("gate_count", "variable_count", "public_rows", "circuit_digest"):
        assert len({json.dumps(p[key]) for p in posts}) == 1, key
    assert len({p["witness_digest"] for p in posts}) == len(ONE_INPUT)


def test_the_circuits_differ_per_input_count() -> None:
    digests = {_post(f"valid_{count}_inputs")["circuit_digest"] for count in (1, 2, 3, 4)}
    assert len(digests) == 4


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_row_and_public_input_counts_are_the_chapters(count: int) -> None:
    post = _post(f"valid_{count}_inputs")
    assert post["gate_count"] == _spec_row_counts()[count]
    assert len(post["public_rows"]) == 28 + count
    assert post["unsatisfied_rows"] == []


def test_each_tampered_witness_fails_only_its_statements_rows() -> None:
    expected = {
        "unbalanced": 1,
        "note_not_in_tree": 1,
        "wrong_nullifier": 1,
        "wrong_sender_signature": 2,
        "wrong_secret_key": 5,
    }
    assert {name: len(_post(name)["unsatisfied_rows"]) for name in expected} == expected


def test_root_and_nullifier_cases_fail_the_row_comparing_with_their_public_input() -> None:
    inp = fmt.from_json(
        PhoenixCircuitInput, json.loads((CIRCUIT / "valid_1_inputs" / "input.json").read_text())
    )
    cs, witness, _ = build(_to_transfer(inp)).compile()
    public_variable = [cs.gates[row].a for row in cs.public_rows]
    for name, public_index in (("note_not_in_tree", 1), ("wrong_nullifier", 2)):
        (row,) = _post(name)["unsatisfied_rows"]
        assert public_variable[public_index] in (cs.gates[row].a, cs.gates[row].b), name
    assert len(encode_witness(witness)) == 4 + 32 * cs.variable_count


def _replays(folder: Path) -> bool:
    reply = answer(request_for(folder, 0))
    return bool(reply.get("post") == json.loads((folder / "post.json").read_text()))


def test_a_builder_writing_another_padding_selector_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A linear row padded with selector 1 on the zero variable still holds (0·1 = 0) and
    yields the same public inputs: ``public_inputs`` passes, ``circuit`` does not (the
    unmutated builder passes both: tests/test_vectors.py)."""
    original = Builder._linear_row

    def padded_with_one(self: Builder, terms: Any, constant: int) -> Any:
        out = original(self, terms, constant)
        if len(terms) < 3:
            gate = self._gates[-1]
            self._gates[-1] = type(gate)(**{**vars(gate), "q_4": 1})
        return out

    monkeypatch.setattr(Builder, "_linear_row", padded_with_one)
    assert _replays(PUBLIC_INPUTS / "valid_1_inputs")
    assert not _replays(CIRCUIT / "valid_1_inputs")

"""tools/mutation.py empties every module-level memo between cases and mutants: a memo it
missed would carry one mutant's results into the next replay (a false kill) or answer a
mutant with the unmutated result (a false survivor). conformance-vectors/README.md."""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
mutation = importlib.import_module("mutation")


def test_a_changed_container_outside_the_lists_is_named() -> None:
    before = {("duskspec.x", "_memo"): (1, 0), ("duskspec.crypto.jubjub", "_DECODED"): (2, 0)}
    after = {("duskspec.x", "_memo"): (1, 3), ("duskspec.crypto.jubjub", "_DECODED"): (2, 9)}
    assert mutation.unlisted_memos(before, after) == ["duskspec.x._memo"]
    assert mutation.unlisted_memos(before, before) == []


@pytest.mark.parametrize("module, name", mutation.MEMOS + mutation.NOT_MEMOS)
def test_every_listed_container_exists(module: str, name: str) -> None:
    assert isinstance(getattr(importlib.import_module(module), name), (dict, list, set))


def test_replaying_attestation_cases_leaves_no_unlisted_state() -> None:
    """The committee and decoding memos of consensus are filled by these cases; the guard
    of load_cases raises if one is not emptied per case."""
    mutation.load_cases(["consensus/sortition.py"], ("tiny/consensus/attestation",))
    assert mutation._CASES
    assert any(("consensus/sortition.py", ("voting_committee",)) in r for *_x, r in mutation._CASES)


def test_the_guard_catches_a_memo_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the committee memo in MEMOS (as before issue 11's re-measurement, when it
    turned a mutant of provisioner_set's error message into a false kill), load_cases
    refuses to start."""
    memos = tuple(m for m in mutation.MEMOS if m[1] != "_committees")
    monkeypatch.setattr(mutation, "MEMOS", memos)
    left_out = re.escape("duskspec.consensus.verification._committees")
    with pytest.raises(RuntimeError, match=left_out):
        mutation.load_cases(["consensus/sortition.py"], ("tiny/consensus/attestation",))


def test_regeneration_kills_a_mutant_only_the_generator_reaches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``kzg.encode_srs`` writes the SRS files the ``general/kzg/srs`` cases carry; no replay
    calls it. Regenerating that handler against its off-by-one mutant (a 5-byte field where
    the format has 4) no longer gives the committed files, while the unmutated code does."""
    rel, owner = "crypto/plonk/kzg.py", ("encode_srs",)
    monkeypatch.setenv("DUSKSPEC_CACHE", "/the/user/cache")
    mutation.trace_generation([rel], ("general/kzg/srs",))
    assert mutation.generated_by((rel, owner)) == ["general/kzg/srs"]
    assert mutation.regeneration_fails((rel, owner)) is None
    module = importlib.import_module("duskspec.crypto.plonk.kzg")
    tree = ast.parse((mutation.PACKAGE / rel).read_text())
    point = next(p for p in mutation.points(tree) if p.owner == owner and p.change == "4 -> 5")
    scratch = dict(module.__dict__)
    exec(compile(mutation.mutate(tree, point.index), rel, "exec"), scratch)
    undo = mutation._install(module, owner, scratch)
    try:
        assert mutation.regeneration_fails((rel, owner)) == "general/kzg/srs"
    finally:
        undo()
    assert mutation.regeneration_fails((rel, owner)) is None
    assert mutation.os.environ["DUSKSPEC_CACHE"] == "/the/user/cache"

"""duskspec.tla.behaviours: TLC's simulator as a source of JSON behaviours."""

from __future__ import annotations

import itertools
import json
import shutil

import pytest

from duskspec.tla.behaviours import parse_behaviours, simulate_behaviours, wrapper_config

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs Java for TLC")


def test_ledger_behaviours_are_walks_of_the_model_and_repeat_with_their_seed() -> None:
    first = simulate_behaviours("MCLedger.tla", "MCLedger.cfg", depth=6, seed=4, count=3)
    again = simulate_behaviours("MCLedger.tla", "MCLedger.cfg", depth=6, seed=4, count=3)
    other = simulate_behaviours("MCLedger.tla", "MCLedger.cfg", depth=6, seed=5, count=3)
    assert first == again
    assert first != other
    assert len(first) == 3
    for behaviour in first:
        assert behaviour[0]["action"] == "Init"
        assert 2 <= len(behaviour) <= 7
        assert set(behaviour[0]["state"]) == {"minted", "notes", "published", "fees"}
        for before, after in itertools.pairwise(behaviour):
            # TLC names Spend "Next": its quantifier bounds depend on each other, so TLC
            # cannot split it out of Next (see the module docstring).
            assert after["action"] in {"Mint", "Next"}
            assert after["state"] != before["state"]
    assert any(s["action"] == "Mint" and s["context"] for b in first for s in b)


def test_parameters_of_each_action_are_kept() -> None:
    behaviours = simulate_behaviours(
        "MCSuccinctAttestation.tla", "MCSuccinctAttestation.cfg", depth=8, seed=1, count=2
    )
    steps = [s for b in behaviours for s in b[1:]]
    assert all(s["context"] for s in steps)  # every SA action has parameters
    votes = [s for s in steps if s["action"] == "CastValidationVote"]
    assert votes and all(set(s["context"]) == {"n", "v"} for s in votes)


def test_wrapper_config_drops_the_checks_and_keeps_the_constants() -> None:
    text = "CONSTANTS\n    N = 3\nSPECIFICATION Spec\nINVARIANTS\n    TypeOK\n    Safe\n"
    text += "PROPERTIES\n    Live\nCHECK_DEADLOCK TRUE\n"
    out = wrapper_config(text)
    assert "N = 3" in out and "SPECIFICATION Spec" in out
    assert "TypeOK" not in out and "Live" not in out and "CHECK_DEADLOCK TRUE" not in out
    assert out.endswith("CHECK_DEADLOCK FALSE\nINVARIANT DuskspecEmit\n")


def test_siblings_are_not_behaviours() -> None:
    # Two successors checked at level 2 (same walk prefix), the walk goes on from the second;
    # then a new behaviour starts back at level 2.
    def line(level: int, xs: list[int]) -> str:
        trace = [{"x": x, "_action": {"name": "Inc"}} for x in xs]
        return json.dumps(json.dumps({"level": level, "trace": trace}))

    output = "\n".join(
        [line(1, [0]), line(2, [0, 1]), line(2, [0, 2]), line(3, [0, 2, 3]), line(2, [0, 1])]
    )
    behaviours = parse_behaviours(output)
    assert [[s["state"]["x"] for s in b] for b in behaviours] == [[0, 2, 3], [0, 1]]

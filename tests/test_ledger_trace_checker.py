"""The ledger trace checker's own verdicts (spec/runtime.md rules 14.5-14.6), on small
hand-written logs run through TLC: a matching log, an enabled action whose post state is not
the model's (TraceLedger's MatchPost prints the model's state), an action Ledger does not
have, and values TLC cannot hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duskspec.runtime.abstraction import LedgerState
from duskspec.tla import ledger_trace
from duskspec.tla.ledger_trace import LedgerRecorder, LedgerTraceError

UNIT = 1_000_000


def _state(notes: list[tuple[str, int]], published: tuple[int, ...], minted: int, fees: int) -> Any:
    return {
        "notes": tuple({"owner": o, "value": v * UNIT} for o, v in notes),
        "published": published,
        "minted": minted * UNIT,
        "fees": fees * UNIT,
    }


def _recorder(events: list[dict[str, Any]]) -> LedgerRecorder:
    recorder = LedgerRecorder((), ("k1", "k2"), 0, LedgerState((), frozenset(), 0, 0))
    recorder.events = events
    return recorder


def _mint(k: str, v: int, post: Any) -> dict[str, Any]:
    return {"action": "Mint", "k": k, "v": v * UNIT, "post": post}


def _spend(post: Any, fee: int = 1) -> dict[str, Any]:
    return {
        "action": "Spend",
        "k": "k1",
        "ins": frozenset({1}),
        "r1": "k2",
        "v1": 1 * UNIT,
        "r2": "k1",
        "v2": (2 - fee) * UNIT,
        "fee": fee * UNIT,
        "post": post,
    }


MINTED = _state([("k1", 3)], (), 3, 0)
SPENT = _state([("k1", 3), ("k2", 1), ("k1", 1)], (1,), 3, 1)


def test_a_matching_log_is_accepted_in_units_of_its_gcd(tmp_path: Path) -> None:
    module = ledger_trace.write_ledger_trace(
        _recorder([_mint("k1", 3, MINTED), _spend(SPENT)]), tmp_path
    )
    assert f"values in units of {UNIT}" in module.read_text()
    verdict = ledger_trace.check_ledger_trace(tmp_path)
    assert verdict.ok, verdict.detail
    assert verdict.events == 2


def test_a_post_state_other_than_the_models_is_named_with_the_difference(
    tmp_path: Path,
) -> None:
    wrong = _state([("k1", 3), ("k2", 1), ("k1", 1)], (1,), 3, 2)  # fees 2, the model's 1
    ledger_trace.write_ledger_trace(_recorder([_mint("k1", 3, MINTED), _spend(wrong)]), tmp_path)
    verdict = ledger_trace.check_ledger_trace(tmp_path)
    assert not verdict.ok
    assert verdict.detail.startswith("event 2 of 2, Spend(")
    assert "Ledger takes it to another state: fees: model 1000000, runtime 2000000" in (
        verdict.detail
    )


def test_an_action_ledger_does_not_have_never_matches(tmp_path: Path) -> None:
    odd = {"action": "Unmodelled", "detail": "existing notes changed", "post": MINTED}
    ledger_trace.write_ledger_trace(_recorder([odd]), tmp_path)
    verdict = ledger_trace.check_ledger_trace(tmp_path)
    assert not verdict.ok
    assert "event 1 of 1, Unmodelled(" in verdict.detail
    assert "Ledger has no action Unmodelled" in verdict.detail


def test_values_tlc_cannot_hold_are_refused(tmp_path: Path) -> None:
    big = _state([("k1", 2**31 + 1)], (), 2**31 + 1, 0)
    coprime = _mint("k1", 2**31 + 1, big)
    coprime["v"] += 1  # gcd 1 with the post values
    with pytest.raises(LedgerTraceError, match="above 2\\^31-1"):
        ledger_trace.write_ledger_trace(_recorder([coprime]), tmp_path)

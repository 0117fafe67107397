"""``duskspec simulate --tx-rate R --trace-ledger DIR`` then ``duskspec trace-check DIR``
(spec/runtime.md §14, rule 14.7).

The workload's Moonlight transfers are stutters of ``Ledger`` (no note changes). To give the
simulate trace real ``Mint`` actions without proofs, the stream here sends Moonlight
converts instead (a deposit into the transfer contract minting a transparent note), through
the same node path as every transaction: topic 10, mempool, packing, consensus, finality.
The node-path test with Phoenix spends and the broken rules is
``tests/runtime/test_ledger_trace_node.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duskspec import workload
from duskspec.cli import main
from duskspec.crypto import phoenix_keys
from duskspec.runtime.state import TRANSFER_CONTRACT
from duskspec.runtime.transactions import MoonlightTx, sign_moonlight

RUN = ["simulate", "--preset", "tiny", "--provisioners", "4", "--blocks", "6", "--json"]
OWNER = phoenix_keys.public_key(phoenix_keys.keygen(b"trace-ledger owner"))


def _convert(self: workload.Workload, sk: int, sender: bytes, nonce: int, price: int) -> Any:
    address = phoenix_keys.encode_stealth_address(phoenix_keys.stealth_address(OWNER, nonce))
    value = self.rng.randint(1, 10**6)
    tx = MoonlightTx(
        1, sender, sender, 0, value, 5_000_000, price, nonce, TRANSFER_CONTRACT, address
    )
    return sign_moonlight(tx, sk)


def test_a_simulate_runs_converts_are_a_behaviour_of_ledger(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(workload.Workload, "_transfer", _convert)
    out = tmp_path / "trace"
    assert main([*RUN, "--tx-rate", "3", "--trace-ledger", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    sidecar = json.loads((out / "TraceLedgerRun.json").read_text())
    actions = [e["action"] for e in sidecar["events"]]
    assert actions and set(actions) == {"Mint"}
    assert len(actions) == summary["transactions"]["final"]
    assert main(["trace-check", str(out)]) == 0
    assert f"ledger: {len(actions)} actions" in capsys.readouterr().out


def test_the_default_workloads_trace_is_a_behaviour_of_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Moonlight transfers, stakes and calls are stutter steps; withdraws to a Phoenix note
    are Mints of notes the workload's parties own (spec/runtime.md §14)."""
    out = tmp_path / "trace"
    assert main([*RUN, "--tx-rate", "3", "--trace-ledger", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    sidecar = json.loads((out / "TraceLedgerRun.json").read_text())
    moonlight = summary["transactions"]["by_kind"]["moonlight"]["final"]
    assert moonlight >= 1 and sidecar["stutters"] >= moonlight
    assert sidecar["events"] and {e["action"] for e in sidecar["events"]} <= {"Mint", "Spend"}
    assert main(["trace-check", str(out)]) == 0


def test_trace_ledger_needs_a_workload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*RUN, "--trace-ledger", str(tmp_path / "t")]) == 2
    assert "--trace-ledger needs --tx-rate" in capsys.readouterr().err

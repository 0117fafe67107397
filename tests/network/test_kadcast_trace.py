"""TLC -> Python for Kadcast's broadcast (spec/network.md §13): behaviours of the
``KadcastLossy`` model (8 nodes, beta = 3, full buckets of K = 2) replayed on
``duskspec.network.kadcast`` nodes, with and without packet loss; a node that forwards to
the bucket it received at (the ``KadcastBuggy`` rule) is caught at the step it does so."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from duskspec.network.kadcast import broadcast
from duskspec.network.kadcast import node as kn
from duskspec.network.kadcast.table import RoutingTable
from duskspec.tla.behaviours import simulate_behaviours
from duskspec.tla.kadcast_replay import KadcastModel, KadcastReplayMismatch, replay_kadcast

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs Java for TLC")

LOSSLESS = KadcastModel(id_bits=3, origin=5, beta=3, k=2, max_loss=0, keep_one=True)
#: The constants of models/tla/MCKadcastLossy.cfg.
LOSSY = KadcastModel(id_bits=3, origin=5, beta=3, k=2, max_loss=2, keep_one=True)


def draw(model: KadcastModel, folder: Path, seed: int) -> list[list[dict[str, Any]]]:
    config = folder / "Replay.cfg"
    config.write_text(
        "CONSTANTS\n"
        f"    IdBits = {model.id_bits}\n    Origin = {model.origin}\n    Beta = {model.beta}\n"
        f"    K = {model.k}\n    MaxLoss = {model.max_loss}\n"
        f"    KeepOne = {'TRUE' if model.keep_one else 'FALSE'}\n"
        "SPECIFICATION Spec\n"
    )
    return simulate_behaviours("MCKadcastLossy.tla", config, depth=40, seed=seed, count=4)


@pytest.fixture(scope="module")
def behaviours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[dict[str, Any]]]]:
    return {
        "lossless": draw(LOSSLESS, tmp_path_factory.mktemp("lossless"), seed=1),
        "lossy": draw(LOSSY, tmp_path_factory.mktemp("lossy"), seed=2),
    }


def test_lossless_behaviours_replay_on_the_kadcast_nodes(
    behaviours: dict[str, list[list[dict[str, Any]]]],
) -> None:
    totals = {"Originate": 0, "ReceiveBroadcast": 0, "duplicate": 0, "lost": 0}
    for behaviour in behaviours["lossless"]:
        for key, count in replay_kadcast(LOSSLESS, behaviour).items():
            totals[key] += count
        assert all(behaviour[-1]["state"]["delivered"].values())  # every node got it
    assert totals["Originate"] == 4
    assert totals["ReceiveBroadcast"] == 4 * 7  # every other node, once
    assert totals["duplicate"] > 0 and totals["lost"] == 0


def test_lossy_behaviours_replay_on_the_kadcast_nodes(
    behaviours: dict[str, list[list[dict[str, Any]]]],
) -> None:
    lost = 0
    for behaviour in behaviours["lossy"]:
        lost += replay_kadcast(LOSSY, behaviour)["lost"]
    assert lost > 0  # the network did drop packets, within the budget


def test_forwarding_at_the_received_height_is_caught(
    monkeypatch: pytest.MonkeyPatch, behaviours: dict[str, list[list[dict[str, Any]]]]
) -> None:
    def forward_at_and_below(
        table: RoutingTable, received_height: int, beta: int, seed: int, message_id: bytes
    ) -> tuple[broadcast.Delegation, ...]:
        return broadcast.extract(table, received_height, beta, seed, message_id)

    monkeypatch.setattr(kn, "forward_targets", forward_at_and_below)
    for name, model in (("lossless", LOSSLESS), ("lossy", LOSSY)):
        for behaviour in behaviours[name]:
            with pytest.raises(KadcastReplayMismatch, match=r"^step \d+ ReceiveBroadcast\(to="):
                replay_kadcast(model, behaviour)

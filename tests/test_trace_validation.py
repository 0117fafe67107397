"""Trace validation of the round machines against SuccinctAttestation, both directions
(spec/consensus.md §14), and a deliberately broken rule each direction must catch.

Python -> TLC: ``duskspec simulate --trace`` rounds are accepted by ``duskspec trace-check``;
a round in which a node counts a duplicate vote is rejected, naming the action.
TLC -> Python: behaviours TLC draws from the model (every timer free, and after GST) are
replayed on the Python machines with every post state compared; with the duplicate counted,
the replay stops at the action after which the states differ.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from duskspec.cli import main
from duskspec.consensus import aggregation
from duskspec.consensus import round as rnd
from duskspec.consensus.abstraction import TraceNet
from duskspec.consensus.block import Block
from duskspec.consensus.constants import TINY, supermajority
from duskspec.consensus.lockstep import make_keys
from duskspec.consensus.messages import ValidationVote
from duskspec.consensus.sortition import StepName
from duskspec.tla.behaviours import simulate_behaviours
from duskspec.tla.trace import (
    ReplayMismatch,
    record_round,
    replay_behaviour,
    write_replay_model,
    write_round,
)

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs Java for TLC")


def counting_duplicates(
    collector: aggregation.StepVotesCollector, cast: aggregation.CastVote, *, emergency: bool
) -> tuple[aggregation.StepVotesCollector, Any]:
    """The broken rule: a vote the signer already cast is counted again (the collector
    forgets it saw that vote before handing it to the real ``add_vote``)."""
    earlier = collector.voted.get(cast.signer, ())
    forgetful = dataclasses.replace(
        collector,
        voted={**collector.voted, cast.signer: tuple(v for v in earlier if v != cast.vote)},
    )
    return aggregation.add_vote(forgetful, cast, emergency=emergency)


@pytest.fixture
def broken_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(rnd, "add_vote", counting_duplicates)
    yield


# --- Python -> TLC --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "extra"),
    [
        (1, ["--provisioners", "4"]),
        # one of five provisioners stakes and stays silent: the model's Byzantine member
        (3, ["--provisioners", "5", "--byzantine", "0.2", "--behaviour", "silent"]),
    ],
)
def test_simulate_traces_are_behaviours_of_the_model(
    seed: int, extra: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--preset", "tiny", "--blocks", "2", "--seed", str(seed), *extra]
    assert main(["simulate", "--trace", str(tmp_path), *args]) == 0
    assert main(["trace-check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("are a behaviour of SuccinctAttestation") == 2
    actions: dict[str, int] = {}
    for sidecar in tmp_path.glob("TraceRound*.json"):
        for event in json.loads(sidecar.read_text())["events"]:
            actions[event["action"]] = actions.get(event["action"], 0) + 1
    # The traces reach what the model is about: proposals, both votes, attestations,
    # decisions (every round of these seeds decides).
    assert {"Propose", "CastValidationVote", "CastRatificationVote", "Attest"} <= set(actions)
    assert actions.get("Decide", 0) == 8
    if "--byzantine" in extra:
        assert 'Byzantine = {"s0"}' in (tmp_path / "TraceRound1.cfg").read_text()


def duplicate_vote_schedule(net: TraceNet) -> tuple[int, int, Callable[[TraceNet], Any]]:
    """Iteration 0: the generator proposes; voters x and y vote Valid; x receives y's vote
    twice. Credits are picked so that x and y together are below the Valid quorum but x
    plus y counted twice reach it."""
    credits = net.step_credits(StepName.VALIDATION, 0)
    quorum = supermajority(TINY.validation_credits)
    generator = int(net.generator_name(0)[1:])
    voters = [i for i in range(len(net.keys)) if credits[net.node_name(i)] > 0]
    pairs = [
        (x, y)
        for x in voters
        for y in voters
        if x != y
        and credits[f"p{x}"] + credits[f"p{y}"] < quorum <= credits[f"p{x}"] + 2 * credits[f"p{y}"]
    ]
    assert pairs, credits
    x, y = pairs[0]

    def candidate() -> rnd.Message:
        return next(m for _, m in net.sent if isinstance(m, Block))

    def vote_of_y() -> rnd.Message:
        return next(m for s, m in net.sent if s == f"p{y}" and isinstance(m, ValidationVote))

    steps: list[Callable[[], Any]] = [
        lambda: net.fire(generator),
        lambda: net.deliver(x, candidate()),
        lambda: net.deliver(y, candidate()),
        lambda: net.deliver(x, vote_of_y()),
        lambda: net.deliver(x, vote_of_y()),  # the duplicate
    ]

    def schedule(_: TraceNet) -> Any:
        return steps.pop(0)() if steps else None

    return x, y, schedule


def write_duplicate_round(folder: Path) -> int:
    net = TraceNet(make_keys(4, 1), TINY)
    x, _, schedule = duplicate_vote_schedule(net)
    write_round(record_round(net, 1, schedule), folder)
    return x


def test_the_duplicate_vote_round_is_accepted_when_duplicates_are_ignored(
    tmp_path: Path,
) -> None:
    write_duplicate_round(tmp_path)
    assert main(["trace-check", str(tmp_path)]) == 0


def test_counting_a_duplicate_vote_is_caught_by_trace_check(
    broken_rule: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    x = write_duplicate_round(tmp_path)
    assert main(["trace-check", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("error: tla.trace_mismatch: round 1: event ")
    assert f"CastRatificationVote(n=p{x}, v=C0)" in err
    assert f'step[p{x}]: before "Validation", python "Ratification"' in err


# --- TLC -> Python --------------------------------------------------------------------------

#: Seven provisioners: no member holds a quorum alone, so each Python handler call the
#: replay makes takes exactly one model action (rule 14.5).
REPLAY_KEYS = make_keys(7, 1)


@pytest.fixture(scope="module")
def behaviours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[dict[str, Any]]]]:
    """Behaviours of the model on the replay provisioners: every timer free to fire
    (``async``), and after GST from iteration 0 (``gst``), where rounds decide."""
    drawn = {}
    for name, gst in (("async", None), ("gst", 0)):
        folder = tmp_path_factory.mktemp(name)
        module = write_replay_model(TraceNet(REPLAY_KEYS, TINY), folder, gst_iter=gst)
        drawn[name] = simulate_behaviours(
            module, module.with_suffix(".cfg"), depth=40, seed=5, count=4
        )
    return drawn


def test_tlc_behaviours_replay_on_the_round_machines(
    behaviours: dict[str, list[list[dict[str, Any]]]],
) -> None:
    actions: dict[str, int] = {}
    valid_ratification = 0
    noise = 0
    rejected: set[str] = set()
    for behaviour in behaviours["async"] + behaviours["gst"]:
        result = replay_behaviour(TraceNet(REPLAY_KEYS, TINY), behaviour)
        for action, count in result.by_action.items():
            actions[action] = actions.get(action, 0) + count
        valid_ratification += sum(
            s["action"] == "CastRatificationVote" and s["context"]["v"] in ("A", "B")
            for s in behaviour
        )
        noise += result.noise
        rejected |= set(result.rejected)
    assert len(behaviours["async"]) == len(behaviours["gst"]) == 4
    assert actions["NextIteration"] >= 4  # the asynchronous walks time out and move on
    assert actions["Attest"] >= 4 and actions["Decide"] >= 4 and valid_ratification >= 4
    # Duplicates were delivered between actions and the machines ignored them.
    assert noise > 0 and "consensus.duplicate_vote" in rejected


def test_counting_a_duplicate_vote_is_caught_by_the_replay(
    broken_rule: None, behaviours: dict[str, list[list[dict[str, Any]]]]
) -> None:
    caught = []
    for behaviour in behaviours["gst"]:
        with pytest.raises(ReplayMismatch) as failure:
            replay_behaviour(TraceNet(REPLAY_KEYS, TINY), behaviour)
        caught.append(str(failure.value))
    for message in caught:
        # "step K Action(params): var: model X, python Y"
        step, action = message.split(" ")[1:3]
        assert int(step) >= 1
        assert action.split("(")[0] in {"CastValidationVote", "CastRatificationVote", "Propose"}
        assert 'model "Validation", python "Ratification"' in message


def test_trace_check_of_a_folder_without_traces_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trace-check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: usage.bad_argument: argument dir: ") and err.count("\n") == 1
    assert main(["simulate", "--trace", str(tmp_path), "--loss", "0.1"]) == 2

"""The vector runner cannot be wedged (spec/vectors.md §4.2): each broken adapter of
tests/adapters/broken.py, and each tampered vector folder, ends within its limits with the
problem named, and the exit status says whether anything is wrong."""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from duskspec import paths
from duskspec.cli import main
from duskspec.vectors import format as fmt
from duskspec.vectors.adapter import answer
from duskspec.vectors.verify import Limits, exit_status, summary_line, verify

COMMITTED = paths.VECTORS_DIR
U8 = COMMITTED / "general" / "encoding" / "u8"  # 6 cases
BROKEN = Path(__file__).parent / "adapters" / "broken.py"
FAST = Limits(case_timeout=1.0, budget=30.0, max_strikes=3)
#: For adapters that load the reference (a few seconds on a busy machine) before answering.
PATIENT = Limits(case_timeout=30.0, budget=120.0, max_strikes=3)


def adapter(kind: str, *extra: str) -> str:
    return " ".join([sys.executable, str(BROKEN), kind, *extra])


def timed_verify(root: Path, impl: str, limits: Limits = FAST) -> tuple[list, float]:
    start = time.monotonic()
    outcomes = verify(root, impl=impl, limits=limits)
    return outcomes, time.monotonic() - start


def test_an_answer_without_newline_times_out_and_shows_the_partial_line() -> None:
    outcomes, seconds = timed_verify(U8, adapter("no_newline"))
    assert seconds < 3 * FAST.case_timeout + 10
    failed = [o for o in outcomes if o.status == "failed"]
    assert len(failed) == 3
    assert failed[0].reason.startswith("no answer within 1 s, partial line b'{")
    assert [o.status for o in outcomes[3:]] == ["aborted"] * 3
    assert "stopped after 3 timeouts" in summary_line(outcomes)
    assert exit_status(outcomes) == 1


def test_a_hanging_adapter_is_stopped_by_the_overall_budget() -> None:
    limits = Limits(case_timeout=1.5, budget=2.0, max_strikes=100)
    outcomes, seconds = timed_verify(U8, adapter("hang"), limits)
    assert seconds < 10
    statuses = [o.status for o in outcomes]
    assert statuses[:2] == ["failed", "failed"] and set(statuses[2:]) == {"aborted"}
    assert "overall budget of 2 s" in outcomes[-1].reason


def test_an_adapter_that_never_reads_cannot_block_the_writes() -> None:
    big = COMMITTED / "general" / "kadcast" / "wire" / "oversized"  # a 130 kB request
    outcomes, seconds = timed_verify(big, adapter("never_reads"))
    assert seconds < 10
    assert outcomes[0].status == "failed"
    assert outcomes[0].reason == "request not read within 1 s"


def test_a_hang_is_a_strike_then_the_restarted_adapter_passes(tmp_path: Path) -> None:
    limits = Limits(case_timeout=8.0, budget=120.0, max_strikes=3)
    outcomes, _ = timed_verify(U8, adapter("hang_once", str(tmp_path / "marker")), limits)
    assert outcomes[0].status == "failed" and outcomes[0].reason.startswith("no answer")
    assert [o.status for o in outcomes[1:]] == ["passed"] * 5


def test_a_stray_line_fails_one_case_and_the_rest_stay_in_step() -> None:
    outcomes, _ = timed_verify(U8, adapter("stray_line"), PATIENT)
    assert outcomes[0].status == "failed"
    assert outcomes[0].reason == "stray output before the answer to id 0: b'debug: starting up'"
    assert [o.status for o in outcomes[1:]] == ["passed"] * 5


def test_a_wrong_id_shows_both_ids() -> None:
    outcomes, _ = timed_verify(U8, adapter("wrong_id"), PATIENT)
    assert outcomes[0].reason == "answer has id 1000, expected id 0"
    assert outcomes[1].reason == "answer has id 1001, expected id 1"


def test_a_crashing_adapter_stops_after_three_failures_not_every_case() -> None:
    outcomes, _ = timed_verify(COMMITTED / "general" / "encoding", adapter("crash"))
    failed = [o for o in outcomes if o.status == "failed"]
    assert len(failed) == 3 and len(outcomes) > 20
    assert failed[0].reason == "implementation exited (status 3)"


def test_an_oversized_answer_is_refused_without_keeping_it() -> None:
    limits = Limits(case_timeout=5.0, budget=30.0, max_strikes=2, max_answer_bytes=1 << 20)
    outcomes, _ = timed_verify(U8, adapter("huge"), limits)
    assert outcomes[0].reason == f"answer line longer than {1 << 20} bytes"
    assert [o.status for o in outcomes[2:]] == ["aborted"] * 4


def test_all_unsupported_exits_non_zero_and_names_the_skips_under_require_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["vectors", "verify", "--dir", str(U8), "--impl", adapter("unsupported")]
    assert main(argv) == 1  # nothing passed
    assert capsys.readouterr().out.strip() == "0 passed, 0 failed, 6 skipped"
    assert main([*argv, "--require-all"]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == "0 passed, 0 failed, 6 skipped"
    assert err.count("implementation does not support this handler") == 6


def test_require_all_passes_when_everything_is_answered(capsys: pytest.CaptureFixture[str]) -> None:
    impl = f"{sys.executable} -m duskspec.cli vectors serve"
    assert main(["vectors", "verify", "--dir", str(U8), "--impl", impl, "--require-all"]) == 0
    assert capsys.readouterr().out.strip() == "6 passed, 0 failed"


# --- tampered and hostile vector folders ---------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of two small handlers: encoding/u8 and jubjub/generator_mul."""
    root = tmp_path / "vectors"
    for rel in ("general/encoding/u8", "general/jubjub/generator_mul"):
        shutil.copytree(COMMITTED / rel, root / rel)
    return root


def edit(path: Path, text: str) -> None:
    path.write_text(text)


TAMPERINGS = [
    ("general/encoding/u8/max/input.json", "{not json", "input.json is not valid JSON"),
    ("general/encoding/u8/max/manifest.json", "[", "manifest.json is not valid JSON"),
    ("general/encoding/u8/max/post.json", "{", "post.json is not valid JSON"),
    ("general/encoding/u8/max/manifest.json", '{"handler": "u8"}', "no string 'preset'"),
    ("general/encoding/u8/max/manifest.json", "[1]", "manifest.json is not a JSON object"),
    ("general/encoding/u8/max/meta.json", '{"valid": "yes"}', "no boolean 'valid'"),
    (
        "general/jubjub/generator_mul/dusk_k_5/input.json",
        '{"k": "--5"}',
        "valid case rejected with 'vectors.bad_part'",
    ),
    (
        "general/jubjub/generator_mul/dusk_k_5/input.json",
        '{"k": "' + "9" * 5000 + '"}',
        "valid case rejected with 'vectors.bad_part'",
    ),
    (
        "general/jubjub/generator_mul/dusk_k_5/input.json",
        '{"k": ' + "9" * 5000 + "}",
        "input.json is not valid JSON",
    ),
    (
        "general/jubjub/generator_mul/dusk_k_5/input.json",
        '{"k": "\\u0661"}',
        "valid case rejected with 'vectors.bad_part'",
    ),
    (
        "general/jubjub/generator_mul/dusk_k_5/input.json",
        '{"k": 9007199254740993}',
        "valid case rejected with 'vectors.bad_part'",
    ),
]


@pytest.mark.parametrize(("rel", "text", "reason"), TAMPERINGS, ids=[t[2] for t in TAMPERINGS])
@pytest.mark.parametrize("through", ["reference", "serve"])
def test_a_tampered_case_is_a_named_failure(
    tree: Path, rel: str, text: str, reason: str, through: str
) -> None:
    edit(tree / rel, text)
    case = rel.rsplit("/", 1)[0]
    impl = f"{sys.executable} -m duskspec.cli vectors serve" if through == "serve" else None
    outcomes = {o.path: o for o in verify(tree, impl=impl)}
    bad = outcomes[case]
    assert bad.status == "failed"
    assert reason in bad.reason, bad.reason
    assert sum(o.status == "failed" for o in outcomes.values()) == 1
    assert sum(o.status == "passed" for o in outcomes.values()) == len(outcomes) - 1


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("--5", "expected an integer or a decimal string"),
        ("9" * 5000, "expected an integer or a decimal string"),
        ("\u0661", "expected an integer or a decimal string"),
        (2**53 + 1, "integers beyond 2**53 are written as decimal strings"),
        (True, "expected an integer"),
    ],
)
def test_integer_decoding_is_strict_and_names_the_field(raw: object, why: str) -> None:
    from duskspec.errors import VectorError
    from duskspec.vectors.handlers.crypto import ScalarInput

    with pytest.raises(VectorError, match=re.escape(f"k: {why}")):
        fmt.from_json(ScalarInput, {"k": raw})
    assert fmt.from_json(ScalarInput, {"k": "-12"}).k == -12


def test_a_missing_part_is_reported_as_missing_not_as_a_difference(tree: Path) -> None:
    (tree / "general/encoding/u8/max/post.json").unlink()
    (tree / "general/encoding/u8/mid/meta.json").unlink()
    (tree / "general/encoding/u8/one/input.json").unlink()
    reasons = {o.path: o.reason for o in verify(tree) if o.status == "failed"}
    assert reasons == {
        "general/encoding/u8/max": "post.json is missing",
        "general/encoding/u8/mid": "meta.json is missing",
        "general/encoding/u8/one": "input.json is missing",
    }


def test_the_cli_names_a_tampered_case_and_exits_one(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(tree / "general/encoding/u8/max/manifest.json", '{"handler": "u8"}')
    assert main(["vectors", "verify", "--dir", str(tree)]) == 1
    out, err = capsys.readouterr()
    assert "FAIL general/encoding/u8/max: manifest.json has no string 'preset'" in err
    assert "Traceback" not in out + err


def test_hostile_answers_from_the_reference_adapter() -> None:
    committee = json.loads(
        (COMMITTED / "mainnet/consensus/committee/iteration_0_proposal/input.json").read_text()
    )
    pre = json.loads(
        (COMMITTED / "mainnet/consensus/committee/iteration_0_proposal/pre.json").read_text()
    )
    request = {"id": 5, "preset": "mainnet", "component": "consensus", "handler": "committee"}
    step3 = answer({**request, "pre": pre, "input": {**committee, "step": 3}})
    assert step3 == {"id": 5, "error": "consensus.step_out_of_range"}
    aggregation = {"id": 6, "preset": "tiny", "component": "consensus", "handler": "aggregation"}
    pre_agg = sorted((COMMITTED / "tiny/consensus/aggregation").iterdir())[0] / "pre.json"
    empty = answer({**aggregation, "pre": json.loads(pre_agg.read_text()), "input": []})
    assert empty == {"id": 6, "error": "consensus.not_a_vote"}

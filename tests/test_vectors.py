"""The conformance-vector harness: reproducibility, schemas, replay and the stdio adapter."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from duskspec import paths
from duskspec.cli import main
from duskspec.errors import VectorError
from duskspec.types import Hash32
from duskspec.vectors import format as fmt
from duskspec.vectors.generate import build_tree, generate
from duskspec.vectors.verify import find_cases, summary_line, verify

COMMITTED = paths.VECTORS_DIR
HAND_WRITTEN = {"CHANGELOG.md", "README.md"}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in HAND_WRITTEN
    }


@pytest.fixture(scope="module")
def fresh_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vectors") / "tree"
    generate(out)
    return out


def test_committed_vectors_are_exactly_what_the_code_generates(fresh_tree: Path) -> None:
    fresh, committed = tree_bytes(fresh_tree), tree_bytes(COMMITTED)
    missing = sorted(set(fresh) - set(committed))
    stale = sorted(set(committed) - set(fresh))
    changed = sorted(k for k in set(fresh) & set(committed) if fresh[k] != committed[k])
    assert not (missing or stale or changed), (
        f"run `make vectors`: missing {missing[:5]}, stale {stale[:5]}, changed {changed[:5]}"
    )


def validator(schema: dict[str, object]) -> jsonschema.protocols.Validator:
    """A validator for ``schema``, the schema itself checked once (``jsonschema.validate``
    re-checks it on every call, which dominated this test's time)."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_every_part_validates_against_its_schema(fresh_tree: Path) -> None:
    schema_dir = fresh_tree / "schema"
    manifest_schema = validator(json.loads((schema_dir / "manifest.json").read_text()))
    meta_schema = validator(json.loads((schema_dir / "meta.json").read_text()))
    part_schemas: dict[tuple[str, str, str], jsonschema.protocols.Validator] = {}
    checked = 0
    for case_dir in find_cases(fresh_tree):
        manifest = json.loads((case_dir / "manifest.json").read_text())
        manifest_schema.validate(manifest)
        meta_schema.validate(json.loads((case_dir / "meta.json").read_text()))
        for part, key in (
            ("pre.json", "pre"),
            ("input.json", "input"),
            ("steps.json", "input"),
            ("post.json", "post"),
        ):
            path = case_dir / part
            if not path.exists():
                continue
            which = (manifest["component"], manifest["handler"], key)
            if which not in part_schemas:
                parts = json.loads((schema_dir / which[0] / f"{which[1]}.json").read_text())
                part_schemas[which] = validator({**parts, **parts["$defs"][key]})
            part_schemas[which].validate(json.loads(path.read_text()))
            checked += 1
    assert checked > 100


def test_meta_schema_requires_a_reason_for_invalid_cases(fresh_tree: Path) -> None:
    meta_schema = json.loads((fresh_tree / "schema" / "meta.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"description": "x", "valid": False, "crypto": "real", "seed": 0}, meta_schema
        )


def test_every_handler_has_valid_cases_and_invalid_cases_carry_a_code(fresh_tree: Path) -> None:
    for case_dir in find_cases(fresh_tree):
        meta = json.loads((case_dir / "meta.json").read_text())
        assert (case_dir / "post.json").exists() == meta["valid"], case_dir
        assert ("expected_error" in meta) != meta["valid"], case_dir


def test_reference_replays_every_committed_case() -> None:
    outcomes = verify(COMMITTED)
    assert outcomes and all(o.status == "passed" for o in outcomes), [
        o for o in outcomes if o.status != "passed"
    ]


def test_verify_on_a_sub_folder_replays_only_it() -> None:
    outcomes = verify(COMMITTED / "general" / "merkle" / "txroot")
    assert outcomes and all(o.path.count("/") == 0 for o in outcomes)


def test_a_tampered_post_fails(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    shutil.copytree(COMMITTED / "general" / "merkle", tree / "general" / "merkle")
    post = tree / "general/merkle/txroot/dusk_bella_1/post.json"
    post.write_text(post.read_text().replace("15258d", "15258e"))
    failed = [o for o in verify(tree) if o.status == "failed"]
    assert [o.path for o in failed] == ["general/merkle/txroot/dusk_bella_1"]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_through_the_reference_adapter_passes(capsys: pytest.CaptureFixture[str]) -> None:
    impl = f"{sys.executable} -m duskspec.cli vectors serve"
    code, out, _ = run_cli(
        ["vectors", "verify", "--dir", str(COMMITTED / "general"), "--impl", impl], capsys
    )
    assert code == 0
    assert out.strip().splitlines()[-1].endswith("passed, 0 failed")


def test_wrong_adapter_fails_and_names_each_wrong_case(capsys: pytest.CaptureFixture[str]) -> None:
    impl = f"{sys.executable} {Path(__file__).with_name('wrong_adapter.py')}"
    # Every case the adapter gets wrong is under general/; the rest of the tree is replayed
    # through the reference adapter by the test above and by `make test`'s vectors step.
    code, out, err = run_cli(
        ["vectors", "verify", "--dir", str(COMMITTED / "general"), "--impl", impl], capsys
    )
    assert code == 1
    named = sorted(
        line.split()[1].rstrip(":") for line in err.splitlines() if line.startswith("FAIL ")
    )
    assert named == [
        "encoding/var_bytes/over_bound",
        "hashes/sha3_256/abc",
        "merkle/txroot/dusk_bella_3",
    ]
    assert out.strip().splitlines()[-1].endswith(" passed, 3 failed")


def test_an_implementation_that_exits_fails_every_case(tmp_path: Path) -> None:
    outcomes = verify(COMMITTED / "general" / "encoding" / "u8", impl=f"{sys.executable} -c pass")
    failed = [o for o in outcomes if o.status == "failed"]
    assert len(failed) == 3 and len(outcomes) > 3
    assert all(o.reason.startswith("implementation exited") for o in failed)
    assert all(o.status == "aborted" for o in outcomes[3:])
    assert summary_line(outcomes).startswith("0 passed, 3 failed, ")


def test_unsupported_handlers_are_skipped_not_passed(tmp_path: Path) -> None:
    script = tmp_path / "none.py"
    script.write_text(
        "import json, sys\n"
        "for line in sys.stdin:\n"
        "    print(json.dumps({'id': json.loads(line)['id'], 'unsupported': True}), flush=True)\n"
    )
    outcomes = verify(COMMITTED / "general" / "encoding" / "u8", impl=f"{sys.executable} {script}")
    assert summary_line(outcomes) == f"0 passed, 0 failed, {len(outcomes)} skipped"


def test_verify_of_an_empty_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["vectors", "verify", "--dir", str(tmp_path)], capsys)
    assert code == 2 and "no vector cases" in err


def test_generate_refuses_a_folder_that_is_not_a_vector_tree(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(VectorError) as info:
        generate(tmp_path)
    assert info.value.code == "vectors.out_not_a_tree"
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@dataclasses.dataclass(frozen=True)
class Sample:
    digest: Hash32
    big: int
    items: tuple[bytes, ...]
    maybe: int | None


def test_format_round_trip_and_big_integers_as_strings() -> None:
    value = Sample(Hash32(bytes(32)), 2**64 - 1, (b"\x01", b""), None)
    raw = fmt.to_json(value)
    assert raw["big"] == str(2**64 - 1)
    assert fmt.from_json(Sample, raw) == value


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ({"digest": "0xzz", "big": 1, "items": [], "maybe": None}, "malformed hex"),
        ({"digest": "00", "big": 1, "items": [], "maybe": None}, "0x-prefixed"),
        ({"digest": "0xAB", "big": 1, "items": [], "maybe": None}, "lowercase"),
        ({"digest": "0x00", "big": 1.5, "items": [], "maybe": None}, "integer"),
        ({"digest": "0x00", "big": 1, "items": [], "maybe": None, "extra": 1}, "unknown fields"),
        ({"digest": "0x00", "big": 1, "items": []}, "missing fields"),
        ({"digest": "0x00", "big": 1, "items": "0x", "maybe": None}, "array"),
    ],
)
def test_format_rejects_malformed_parts(raw: dict[str, object], why: str) -> None:
    with pytest.raises(VectorError) as info:
        fmt.from_json(Sample, raw)
    assert info.value.code == "vectors.bad_part" and why in str(info.value)


def test_schema_pins_fixed_length_types() -> None:
    schema = fmt.json_schema(Sample)
    jsonschema.validate(fmt.to_json(Sample(Hash32(bytes(32)), 1, (), 3)), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"digest": "0x00", "big": 1, "items": [], "maybe": None}, schema)


def test_cli_generate_rewrites_a_tree_byte_identically_keeping_its_changelog(
    tmp_path: Path, fresh_tree: Path
) -> None:
    """One generation covers three claims: a second generation (in a fresh process, so with
    another string-hash seed) is byte-identical to the first; generating over an existing
    tree replaces its cases, stale ones included; and the hand-written CHANGELOG.md stays."""
    out = tmp_path / "cli"
    out.mkdir()
    build_tree(out, handlers=())  # an (empty) vector tree: generate may overwrite it
    (out / "CHANGELOG.md").write_text("history\n")
    (out / "general" / "stale" / "case").mkdir(parents=True)
    (out / "general" / "stale" / "case" / "meta.json").write_text("{}")
    proc = subprocess.run(
        [sys.executable, "-m", "duskspec.cli", "vectors", "generate", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "INDEX.md").exists() and (out / "SHA256SUMS").exists()
    assert tree_bytes(out) == tree_bytes(fresh_tree)
    assert (out / "CHANGELOG.md").read_text() == "history\n"

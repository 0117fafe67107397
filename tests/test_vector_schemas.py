"""The vector schemas (spec/vectors.md §5): exact integer kinds, a description on every
field, and the stdio message schemas checked against real ``duskspec vectors serve``
traffic. (That every committed part validates against its schema is in test_vectors.py.)"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from duskspec import paths
from duskspec.vectors import format as fmt
from duskspec.vectors import schema_fields, stdio_schema
from duskspec.vectors.generate import MANIFEST_SCHEMA, META_SCHEMA, part_schemas
from duskspec.vectors.registry import all_handlers
from duskspec.vectors.verify import find_cases, request_for

SCHEMA_DIR = paths.VECTORS_DIR / "schema"


def _int_fields(tp: Any, seen: set[Any]) -> Iterator[tuple[str, str]]:
    """(class, field) of every integer field reachable from ``tp``."""
    inner = fmt._optional_arg(tp)
    base = fmt._supertype(inner if inner is not None else tp)
    if typing.get_origin(base) in (tuple, list):
        yield from _int_fields(typing.get_args(base)[0], seen)
        return
    if not dataclasses.is_dataclass(base) or base in seen:
        return
    seen.add(base)
    hints = typing.get_type_hints(base)
    for field in dataclasses.fields(base):
        if fmt._holds_int(hints[field.name]):
            yield base.__name__, field.name
        yield from _int_fields(hints[field.name], seen)


def test_every_integer_field_has_an_exact_kind() -> None:
    seen: set[Any] = set()
    found = {
        pair
        for handler in all_handlers()
        for tp in (handler.input_type, handler.post_type, handler.pre_type)
        if tp is not None
        for pair in _int_fields(tp, seen)
    }
    assert len(found) > 100  # the walk reaches the parts' nested objects
    missing = sorted(f"{c}.{f}" for c, f in found if schema_fields.int_kind(c, f) is None)
    assert not missing, f"add these to duskspec.vectors.schema_fields.INT_FIELDS: {missing}"


def _undescribed(schema: Any, where: str) -> Iterator[str]:
    if isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            if "description" not in prop:
                yield f"{where}.{name}"
        for key, value in schema.items():
            if key not in ("if", "then", "else"):  # conditions, not field definitions
                yield from _undescribed(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from _undescribed(item, f"{where}[{i}]")


def test_every_field_of_every_schema_is_described() -> None:
    schemas = {f"{h.component}/{h.name}": part_schemas(h) for h in all_handlers()}
    schemas |= {"manifest": MANIFEST_SCHEMA, "meta": META_SCHEMA}
    schemas |= {"request": stdio_schema.REQUEST_SCHEMA, "answer": stdio_schema.ANSWER_SCHEMA}
    missing = [m for name, schema in schemas.items() for m in _undescribed(schema, name)]
    assert not missing


def test_integer_kinds_are_exact() -> None:
    u8 = schema_fields.int_schema("u8")
    u64 = schema_fields.int_schema("u64")
    jsonschema.validate(255, u8)
    for wrong in (256, -1, "7"):  # a small kind is never a string
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(wrong, u8)
    jsonschema.validate(2**53, u64)
    jsonschema.validate(str(2**64 - 1), u64)
    for wrong in (2**53 + 1, "7", "007199254740993", str(2**64 - 1) + "0", "-1"):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(wrong, u64)


def test_the_committed_stdio_schemas_are_the_generated_ones() -> None:
    for name, schema in (
        ("request", stdio_schema.REQUEST_SCHEMA),
        ("answer", stdio_schema.ANSWER_SCHEMA),
    ):
        assert json.loads((SCHEMA_DIR / "stdio" / f"{name}.json").read_text()) == schema


#: Cheap handlers whose cases give accepted and rejected answers.
TRAFFIC = ("general/merkle/txroot", "general/encoding/var_bytes", "tiny/consensus/extraction")


def _traffic_requests() -> list[dict[str, Any]]:
    requests = []
    for case_id, case in enumerate(find_cases(paths.VECTORS_DIR)):
        if str(case.relative_to(paths.VECTORS_DIR).parent) in TRAFFIC:
            requests.append(request_for(case, case_id))
    unsupported = {**requests[0], "id": len(requests) + 10_000, "handler": "no_such_handler"}
    return [*requests, unsupported]


def test_serve_traffic_matches_the_stdio_schemas(tmp_path: Path) -> None:
    requests = _traffic_requests()
    lines = [json.dumps(r) for r in requests] + ["not json", "[1]"]
    served = subprocess.run(
        [sys.executable, "-m", "duskspec.cli", "vectors", "serve"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answers = [json.loads(line) for line in served.stdout.splitlines()]
    assert len(answers) == len(lines)
    for request in requests:
        jsonschema.validate(request, stdio_schema.REQUEST_SCHEMA)
    kinds = set()
    for answer in answers:
        jsonschema.validate(answer, stdio_schema.ANSWER_SCHEMA)
        kinds |= set(answer) - {"id"}
    assert kinds == {"post", "error", "unsupported"}  # every branch of the schema is used
    assert [a["id"] for a in answers[: len(requests)]] == [r["id"] for r in requests]


@pytest.mark.parametrize(
    "wrong",
    [
        {"id": 1, "post": {}, "error": "crypto.x"},  # two verdicts
        {"id": 1},  # none
        {"id": "1", "post": {}},  # an id that is not a number
        {"id": 1, "error": "Bad Code"},
        {"id": 1, "unsupported": False},
        {"post": {}},
    ],
)
def test_the_answer_schema_refuses_malformed_answers(wrong: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, stdio_schema.ANSWER_SCHEMA)

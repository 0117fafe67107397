"""JSON Schemas of the stdio adapter messages of spec/vectors.md §4, written by
``duskspec vectors generate`` as ``schema/stdio/request.json`` and ``schema/stdio/answer.json``.

A request's ``pre`` and ``input`` (and an answer's ``post``) are the case's parts, whose own
schemas are ``schema/<component>/<handler>.json``; here they are any JSON value.
``tests/test_vector_schemas.py`` validates real traffic of ``duskspec vectors serve``
against both.
"""

from __future__ import annotations

from typing import Any

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_NAME = {"type": "string", "pattern": "^[a-z0-9_]+$"}
_CODE = "^[a-z0-9_]+\\.[a-z0-9_.]+$"

REQUEST_SCHEMA: dict[str, Any] = {
    "$schema": _DRAFT,
    "title": "stdio request (runner -> implementation), one JSON object per line",
    "type": "object",
    "properties": {
        "id": {
            "description": "the case's number in this run; the answer repeats it",
            "type": "integer",
            "minimum": 0,
        },
        "preset": {"description": "the case's preset", "enum": ["general", "tiny", "mainnet"]},
        "component": {"description": "the case's component folder", **_NAME},
        "handler": {"description": "the case's handler folder", **_NAME},
        "case": {"description": "the case's folder name", **_NAME},
        "pre": {
            "description": "pre.json, or null when the case has none "
            "(schema: $defs.pre of schema/<component>/<handler>.json)"
        },
        "input": {
            "description": "input.json, or the steps.json list of a multi-step case "
            "(schema: $defs.input of schema/<component>/<handler>.json)"
        },
    },
    "required": ["id", "preset", "component", "handler", "case", "pre", "input"],
    "additionalProperties": False,
}

_ID = {
    "description": "the id of the request answered; null only when the request had no "
    "readable id (a line that is not a JSON object)",
    "type": ["integer", "null"],
}

ANSWER_SCHEMA: dict[str, Any] = {
    "$schema": _DRAFT,
    "title": "stdio answer (implementation -> runner), one JSON object per line",
    "description": "exactly one of post (accepted), error (rejected) or unsupported",
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "id": _ID,
                "post": {
                    "description": "the computed post, equal to post.json "
                    "(schema: $defs.post of schema/<component>/<handler>.json)"
                },
            },
            "required": ["id", "post"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "id": _ID,
                "error": {
                    "description": "the protocol error code the input is rejected with "
                    "(errors.json lists every code)",
                    "type": "string",
                    "pattern": _CODE,
                },
            },
            "required": ["id", "error"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "id": _ID,
                "unsupported": {
                    "description": "the implementation does not implement this handler",
                    "const": True,
                },
            },
            "required": ["id", "unsupported"],
            "additionalProperties": False,
        },
    ],
}

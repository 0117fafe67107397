"""The stdio adapter protocol, reference side (spec/vectors.md §4).

An implementation under test runs as one long-lived process. For each case the runner
writes one JSON line to its stdin::

    {"id": 7, "preset": "general", "component": "merkle", "handler": "txroot",
     "case": "dusk_bella_3", "pre": null, "input": {...}}

and reads one JSON line from its stdout::

    {"id": 7, "post": {...}}          the implementation accepted the input
    {"id": 7, "error": "crypto.bls_signature_invalid"}  it rejected it, with the protocol error code
    {"id": 7, "unsupported": true}    it does not implement this handler (counted as skipped)

:func:`answer` is the reference implementation of that protocol; ``duskspec vectors serve``
runs it, so the protocol itself is tested end to end.
"""

from __future__ import annotations

import json
from typing import IO, Any

from duskspec.errors import ProtocolError, VectorError
from duskspec.vectors import format as fmt
from duskspec.vectors.registry import Handler, handler_index


def answer(request: Any) -> dict[str, Any]:
    """The reference's answer to one request; a request of the wrong shape is answered with
    the error ``vectors.bad_request`` (spec/vectors.md §4)."""
    if not isinstance(request, dict):
        return {"id": None, "error": "vectors.bad_request"}
    reply: dict[str, Any] = {"id": request.get("id")}
    key = (request.get("preset"), request.get("component"), request.get("handler"))
    if not all(isinstance(part, str) for part in key):
        reply["error"] = "vectors.bad_request"
        return reply
    handler = handler_index().get(key)  # type: ignore[arg-type]
    if handler is None:
        reply["unsupported"] = True
        return reply
    try:
        pre = fmt.from_json(handler.pre_type, request.get("pre")) if handler.pre_type else None
        post = handler.run(pre, _decode_input(handler, request.get("input")))
    except ProtocolError as exc:
        reply["error"] = exc.code
        return reply
    reply["post"] = fmt.to_json(post)
    return reply


def _decode_input(handler: Handler, raw: Any) -> Any:
    if not handler.multi_step:
        return fmt.from_json(handler.input_type, raw)
    if not isinstance(raw, list):
        raise VectorError("vectors.bad_part", "steps must be an array")
    return tuple(
        fmt.from_json(handler.input_type, step, f"steps[{i}]") for i, step in enumerate(raw)
    )


def serve(stdin: IO[str], stdout: IO[str]) -> None:
    """Answer requests line by line until stdin closes. A line that is not JSON is answered
    ``{"id": null, "error": "vectors.bad_request"}``; the server keeps going."""
    for line in stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        stdout.write(json.dumps(answer(request), sort_keys=True) + "\n")
        stdout.flush()

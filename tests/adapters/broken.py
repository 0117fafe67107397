"""Broken implementations of the stdio vector protocol (spec/vectors.md §4), one per way an
adapter met in practice went wrong. ``python broken.py KIND`` behaves as KIND says; the
runner must finish within its limits and name the problem (tests/test_runner_hardening.py).

Every reply that is not deliberately broken comes from the reference adapter, so a case that
passes is a real pass.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def answer(request: dict[str, object]) -> dict[str, object]:
    # Imported on first use: the kinds that never answer start in milliseconds.
    from duskspec.vectors.adapter import answer as reference

    return reference(request)


def reply(request: dict[str, object]) -> str:
    return json.dumps(answer(request), sort_keys=True)


def main(kind: str) -> None:
    out = sys.stdout
    if kind == "never_reads":
        time.sleep(3600)  # never touches stdin: the runner's writes must not block forever
    for index, line in enumerate(sys.stdin):
        request = json.loads(line)
        if kind == "no_newline":
            out.write(json.dumps({"id": request["id"], "unsupported": True}))  # no newline
        elif kind == "hang":
            time.sleep(3600)
        elif kind == "unsupported":
            out.write(json.dumps({"id": request["id"], "unsupported": True}) + "\n")
        elif kind == "stray_line":
            if index == 0:
                out.write("debug: starting up\n")
            out.write(reply(request) + "\n")
        elif kind == "wrong_id":
            out.write(json.dumps({**answer(request), "id": request["id"] + 1000}) + "\n")
        elif kind == "crash":
            raise SystemExit(3)
        elif kind == "huge":
            out.write(json.dumps({"id": request["id"], "post": "a" * (4 << 20)}) + "\n")
        elif kind == "hang_once":
            marker = Path(sys.argv[2])  # hang on the first request ever, then behave
            if not marker.exists():
                marker.write_text("hung once")
                time.sleep(3600)
            out.write(reply(request) + "\n")
        else:
            raise SystemExit(f"unknown kind {kind}")
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1])

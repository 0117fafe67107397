"""Replay conformance vectors against the reference or an implementation (spec/vectors.md §3).

``verify(dir)`` finds every case below ``dir`` (a whole tree or any sub-folder), replays it
and returns one :class:`Outcome` per case. Without ``impl`` the reference answers through
:func:`duskspec.vectors.adapter.answer`; with ``impl`` a subprocess speaking the stdio
protocol does. Both paths compare the same JSON, so the reference is checked exactly as
any other implementation is.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import shlex
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duskspec.vectors.adapter import answer

#: Seconds an implementation may take to answer one case.
CASE_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # "passed" | "failed" | "skipped"
    reason: str = ""


def find_cases(root: Path) -> Iterator[Path]:
    """Case folders below ``root`` (or ``root`` itself), in sorted order."""
    for manifest in sorted(root.rglob("manifest.json")):
        if "schema" not in manifest.relative_to(root).parts:
            yield manifest.parent


def _load(case_dir: Path, name: str) -> Any:
    path = case_dir / name
    return json.loads(path.read_text()) if path.exists() else None


def request_for(case_dir: Path, case_id: int) -> dict[str, Any]:
    manifest = _load(case_dir, "manifest.json")
    steps = _load(case_dir, "steps.json")
    return {
        "id": case_id,
        "preset": manifest["preset"],
        "component": manifest["component"],
        "handler": manifest["handler"],
        "case": manifest["case"],
        "pre": _load(case_dir, "pre.json"),
        "input": steps if steps is not None else _load(case_dir, "input.json"),
    }


def judge(case_dir: Path, reply: dict[str, Any]) -> tuple[str, str]:
    """Compare one reply with the case's expectation: (status, reason)."""
    meta = _load(case_dir, "meta.json")
    if reply.get("unsupported"):
        return "skipped", "implementation does not support this handler"
    if meta["valid"]:
        if "error" in reply:
            return "failed", f"valid case rejected with {reply['error']!r}"
        if reply.get("post") != _load(case_dir, "post.json"):
            return "failed", "post differs from post.json"
        return "passed", ""
    if "error" not in reply:
        return "failed", f"invalid case accepted (expected {meta['expected_error']!r})"
    if reply["error"] != meta["expected_error"]:
        return "failed", f"error {reply['error']!r}, expected {meta['expected_error']!r}"
    return "passed", ""


class ImplProcess:
    """A running implementation speaking JSON lines on stdin/stdout."""

    def __init__(self, command: str, cwd: Path | None = None) -> None:
        self.proc = subprocess.Popen(
            shlex.split(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            cwd=cwd,
        )
        assert self.proc.stdout is not None
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(request, sort_keys=True) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"adapter_error": "implementation closed its stdin"}
        if not self.selector.select(CASE_TIMEOUT_S):
            return {"adapter_error": f"no answer within {CASE_TIMEOUT_S:.0f} s"}
        line = self.proc.stdout.readline()
        if not line:
            return {"adapter_error": "implementation exited"}
        try:
            reply = json.loads(line)
        except json.JSONDecodeError:
            return {"adapter_error": f"answer is not JSON: {line[:80]!r}"}
        if not isinstance(reply, dict) or reply.get("id") != request["id"]:
            return {"adapter_error": "answer has the wrong id"}
        return reply

    def close(self) -> None:
        if self.proc.stdin:
            # An implementation that already exited had its cases failed above.
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def verify(
    root: Path, impl: str | None = None, on_case: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Replay every case below ``root``; ``on_case`` sees each outcome as it is decided."""
    process = ImplProcess(impl) if impl else None
    outcomes: list[Outcome] = []
    try:
        for case_id, case_dir in enumerate(find_cases(root)):
            rel = case_dir.relative_to(root).as_posix() if case_dir != root else case_dir.name
            request = request_for(case_dir, case_id)
            reply = process.ask(request) if process else answer(request)
            if "adapter_error" in reply:
                outcome = Outcome(rel, "failed", reply["adapter_error"])
            else:
                outcome = Outcome(rel, *judge(case_dir, reply))
            outcomes.append(outcome)
            if on_case:
                on_case(outcome)
    finally:
        if process:
            process.close()
    return outcomes


def summary_line(outcomes: list[Outcome]) -> str:
    passed = sum(o.status == "passed" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    line = f"{passed} passed, {failed} failed"
    return line + (f", {skipped} skipped" if skipped else "")

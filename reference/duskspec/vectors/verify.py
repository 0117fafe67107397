"""Replay conformance vectors against the reference or an implementation (spec/vectors.md §3).

``verify(dir)`` finds every case below ``dir`` (a whole tree or any sub-folder), replays it
and returns one :class:`Outcome` per case. Without ``impl`` the reference answers through
:func:`duskspec.vectors.adapter.answer`; with ``impl`` a subprocess speaking the stdio
protocol does. Both paths compare the same JSON, so the reference is checked exactly as
any other implementation is.

The runner cannot be wedged by what it reads (spec/vectors.md §4.2):

- a case folder whose files are missing, not JSON, or of the wrong shape fails that case
  with a reason naming the file (:class:`CaseError`), never a traceback;
- the implementation's stdout is read through the runner's own byte buffer with a deadline,
  so a partial line, a silent process or a full pipe cannot block past :data:`CASE_TIMEOUT_S`;
- an answer line longer than :data:`MAX_ANSWER_BYTES` fails the case without being kept;
- after a timeout, an oversized line or an exit the process is restarted; after
  :data:`MAX_STRIKES` of those, or when the overall budget is spent, the run stops and the
  cases not run are counted as failed (``aborted``).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duskspec.vectors.adapter import answer

#: Seconds an implementation may take to answer one case.
CASE_TIMEOUT_S = 60.0
#: Seconds the whole replay may take against an implementation (``--budget``).
BUDGET_S = 1800.0
#: Timeouts, oversized answers and exits after which the run stops (``--max-strikes``).
MAX_STRIKES = 3
#: Longest answer line accepted, in bytes (the largest committed post is far below 1 MiB).
MAX_ANSWER_BYTES = 16 * 1024 * 1024
#: Characters of an offending line quoted in a reason.
QUOTE = 80


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # "passed" | "failed" | "skipped" | "aborted"
    reason: str = ""


class CaseError(Exception):
    """A case folder that cannot be replayed; the message names the file and the problem."""


def _is_vector_schema(manifest: Path) -> bool:
    """``schema/manifest.json`` of a tree is a JSON Schema, not a case."""
    for folder in manifest.parents:
        if folder.name == "schema" and (folder.parent / "INDEX.md").exists():
            return True
    return False


def find_cases(root: Path) -> Iterator[Path]:
    """Case folders below ``root`` (or ``root`` itself), in sorted order."""
    for manifest in sorted(root.rglob("manifest.json")):
        if not _is_vector_schema(manifest.resolve()):
            yield manifest.parent


def _load(case_dir: Path, name: str, required: bool = False) -> Any:
    path = case_dir / name
    if not path.exists():
        if required:
            raise CaseError(f"{name} is missing")
        return None
    try:
        return json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        # ValueError covers JSONDecodeError and integers beyond Python's digit limit.
        raise CaseError(f"{name} is not valid JSON: {str(exc)[:QUOTE]}") from None
    except OSError as exc:
        raise CaseError(f"{name} cannot be read: {exc.strerror}") from None


def _text_field(document: Any, name: str, key: str) -> str:
    if not isinstance(document, dict):
        raise CaseError(f"{name} is not a JSON object")
    value = document.get(key)
    if not isinstance(value, str):
        raise CaseError(f"{name} has no string {key!r}")
    return value


def request_for(case_dir: Path, case_id: int) -> dict[str, Any]:
    """The request line for one case, or :class:`CaseError`."""
    manifest = _load(case_dir, "manifest.json", required=True)
    steps = _load(case_dir, "steps.json")
    return {
        "id": case_id,
        "preset": _text_field(manifest, "manifest.json", "preset"),
        "component": _text_field(manifest, "manifest.json", "component"),
        "handler": _text_field(manifest, "manifest.json", "handler"),
        "case": _text_field(manifest, "manifest.json", "case"),
        "pre": _load(case_dir, "pre.json"),
        "input": steps if steps is not None else _load(case_dir, "input.json", required=True),
    }


def _expectation(case_dir: Path) -> tuple[bool, Any]:
    """(valid, post.json or expected_error) of one case, or :class:`CaseError`."""
    meta = _load(case_dir, "meta.json", required=True)
    if not isinstance(meta, dict) or not isinstance(meta.get("valid"), bool):
        raise CaseError("meta.json has no boolean 'valid'")
    if meta["valid"]:
        return True, _load(case_dir, "post.json", required=True)
    return False, _text_field(meta, "meta.json", "expected_error")


def judge(case_dir: Path, reply: dict[str, Any]) -> tuple[str, str]:
    """Compare one reply with the case's expectation: (status, reason)."""
    try:
        valid, expected = _expectation(case_dir)
    except CaseError as exc:
        return "failed", str(exc)
    if reply.get("unsupported") is True:
        return "skipped", "implementation does not support this handler"
    if valid:
        if "error" in reply:
            return "failed", f"valid case rejected with {reply['error']!r}"
        if "post" not in reply:
            return "failed", "answer has neither post, error nor unsupported"
        if reply["post"] != expected:
            return "failed", "post differs from post.json"
        return "passed", ""
    if "error" not in reply:
        return "failed", f"invalid case accepted (expected {expected!r})"
    if reply["error"] != expected:
        return "failed", f"error {reply['error']!r}, expected {expected!r}"
    return "passed", ""


class ImplProcess:
    """A running implementation speaking JSON lines on stdin/stdout, read with deadlines."""

    def __init__(
        self,
        command: str,
        cwd: Path | None = None,
        case_timeout: float = CASE_TIMEOUT_S,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.argv = shlex.split(command)
        self.cwd = cwd
        self.case_timeout = case_timeout
        self.max_answer_bytes = max_answer_bytes
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, cwd=self.cwd
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin_fd = self.proc.stdin.fileno()
        self.stdout_fd = self.proc.stdout.fileno()
        os.set_blocking(self.stdin_fd, False)
        os.set_blocking(self.stdout_fd, False)
        self.buffer = bytearray()
        self.eof = False

    def restart(self) -> None:
        """Kill a wedged or dead implementation and start a fresh one."""
        self._stop(grace=0.0)
        self.restarts += 1
        self._start()

    def ask(self, request: dict[str, Any], deadline: float | None = None) -> dict[str, Any]:
        """The answer to ``request``, or ``{"adapter_error": reason, "strike": bool}``; a
        strike (timeout, oversized line, exit) leaves the process restarted."""
        limit = time.monotonic() + self.case_timeout
        if deadline is not None:
            limit = min(limit, deadline)
        line = (json.dumps(request, sort_keys=True) + "\n").encode()
        problem = self._write(line, limit)
        stray: bytes | None = None
        while problem is None:
            raw, problem = self._read_line(limit)
            if raw is None:
                break
            reply, _why = _parse_answer(raw)
            if reply is None or "id" not in reply:
                stray = raw if stray is None else stray  # keep reading: stay in step
                continue
            if reply["id"] != request["id"] or isinstance(reply["id"], bool):
                return _adapter_error(
                    f"answer has id {reply['id']!r}, expected id {request['id']}", strike=False
                )
            if stray is not None:
                return _adapter_error(
                    f"stray output before the answer to id {request['id']}: {stray[:QUOTE]!r}",
                    strike=False,
                )
            return reply
        assert problem is not None
        if stray is not None:
            problem += f" (received {stray[:QUOTE]!r}, expected an answer with id {request['id']})"
        self.restart()
        return _adapter_error(problem, strike=True)

    def _write(self, data: bytes, limit: float) -> str | None:
        view = memoryview(data)
        with selectors.DefaultSelector() as selector:
            selector.register(self.stdin_fd, selectors.EVENT_WRITE)
            while view:
                if self.proc.poll() is not None:
                    return f"implementation exited (status {self.proc.returncode})"
                if not selector.select(max(0.0, limit - time.monotonic())):
                    return f"request not read within {self.case_timeout:g} s"
                try:
                    view = view[os.write(self.stdin_fd, view) :]
                except BlockingIOError:
                    continue
                except (BrokenPipeError, ConnectionResetError):
                    return "implementation closed its stdin"
        return None

    def _read_line(self, limit: float) -> tuple[bytes | None, str | None]:
        """One line (without its newline) or (None, reason)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.stdout_fd, selectors.EVENT_READ)
            while True:
                end = self.buffer.find(b"\n")
                if end >= 0:
                    line = bytes(self.buffer[:end])
                    del self.buffer[: end + 1]
                    return line, None
                if len(self.buffer) > self.max_answer_bytes:
                    return None, f"answer line longer than {self.max_answer_bytes} bytes"
                if self.eof:
                    status = self.proc.wait()
                    partial = f" after a partial line {bytes(self.buffer[:QUOTE])!r}"
                    return None, f"implementation exited (status {status})" + (
                        partial if self.buffer else ""
                    )
                remaining = limit - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    partial = f", partial line {bytes(self.buffer[:QUOTE])!r}"
                    return None, f"no answer within {self.case_timeout:g} s" + (
                        partial if self.buffer else ""
                    )
                try:
                    chunk = os.read(self.stdout_fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    self.eof = True
                self.buffer += chunk

    def _stop(self, grace: float) -> None:
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=grace) if grace else self.proc.kill()
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.wait()
        assert self.proc.stdout is not None
        self.proc.stdout.close()

    def close(self) -> None:
        self._stop(grace=2.0)


def _adapter_error(reason: str, strike: bool) -> dict[str, Any]:
    return {"adapter_error": reason, "strike": strike}


def _parse_answer(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        reply = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None, f"answer is not JSON: {raw[:QUOTE]!r}"
    if not isinstance(reply, dict):
        return None, f"answer is not a JSON object: {raw[:QUOTE]!r}"
    return reply, None


def _reference_answer(request: dict[str, Any]) -> dict[str, Any]:
    try:
        return answer(request)
    except Exception as exc:  # a crash of the reference is a failed case, not a dead run
        return _adapter_error(f"the reference raised {type(exc).__name__}: {exc}", strike=False)


@dataclass(frozen=True)
class Limits:
    """How long and how many strikes a replay against an implementation may take."""

    case_timeout: float = CASE_TIMEOUT_S
    budget: float = BUDGET_S
    max_strikes: int = MAX_STRIKES
    max_answer_bytes: int = MAX_ANSWER_BYTES


def verify(
    root: Path,
    impl: str | None = None,
    on_case: Callable[[Outcome], None] | None = None,
    limits: Limits | None = None,
) -> list[Outcome]:
    """Replay every case below ``root``; ``on_case`` sees each outcome as it is decided.
    Against ``impl`` the run stops early (the rest ``aborted``) when the budget is spent or
    after ``max_strikes`` timeouts, oversized answers or exits."""
    limits = limits or Limits()
    process = (
        ImplProcess(
            impl, case_timeout=limits.case_timeout, max_answer_bytes=limits.max_answer_bytes
        )
        if impl
        else None
    )
    deadline = time.monotonic() + limits.budget
    strikes = 0
    outcomes: list[Outcome] = []
    stop_reason = ""
    try:
        for case_id, case_dir in enumerate(find_cases(root)):
            rel = case_dir.relative_to(root).as_posix() if case_dir != root else case_dir.name
            if stop_reason:
                outcome = Outcome(rel, "aborted", stop_reason)
            else:
                outcome, strike = _replay(case_dir, rel, case_id, process, deadline)
                strikes += strike
                if process and strikes >= limits.max_strikes:
                    stop_reason = f"stopped after {strikes} timeouts, oversized answers or exits"
                elif process and time.monotonic() >= deadline:
                    stop_reason = f"stopped: the overall budget of {limits.budget:g} s is spent"
            outcomes.append(outcome)
            if on_case:
                on_case(outcome)
    finally:
        if process:
            process.close()
    return outcomes


def _replay(
    case_dir: Path, rel: str, case_id: int, process: ImplProcess | None, deadline: float
) -> tuple[Outcome, bool]:
    """The outcome of one case and whether it was a strike against the implementation."""
    try:
        request = request_for(case_dir, case_id)
    except CaseError as exc:
        return Outcome(rel, "failed", str(exc)), False
    reply = process.ask(request, deadline) if process else _reference_answer(request)
    if "adapter_error" in reply:
        return Outcome(rel, "failed", str(reply["adapter_error"])), bool(reply.get("strike"))
    return Outcome(rel, *judge(case_dir, reply)), False


def summary_line(outcomes: list[Outcome]) -> str:
    passed = sum(o.status == "passed" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    aborted = sum(o.status == "aborted" for o in outcomes)
    line = f"{passed} passed, {failed} failed"
    line += f", {skipped} skipped" if skipped else ""
    return line + (f", {aborted} not run ({_first_abort(outcomes)})" if aborted else "")


def _first_abort(outcomes: list[Outcome]) -> str:
    return next(o.reason for o in outcomes if o.status == "aborted")


def exit_status(outcomes: list[Outcome], require_all: bool = False) -> int:
    """0 when nothing failed or was cut off, something passed, and (with ``require_all``)
    nothing was skipped; else 1."""
    statuses = {o.status for o in outcomes}
    if statuses & {"failed", "aborted"} or "passed" not in statuses:
        return 1
    return 1 if require_all and "skipped" in statuses else 0

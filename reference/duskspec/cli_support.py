"""The command line's single error path and its argument validators (docs/architecture.md §7).

Every command runs inside :func:`guarded`, which turns each failure into exactly one line on
stderr, ``error: <code>: <message>``, and an exit status:

- ``2``, usage: a bad argument (argparse's own complaints included, through
  :class:`Parser`), found before any work starts;
- ``1``, failure: a :class:`~duskspec.errors.ProtocolError`, an ``OSError`` or missing tools
  met while working; also an unexpected exception, reported as ``cli.internal`` (set
  ``DUSKSPEC_TRACEBACK=1`` to see its traceback instead).

The validators are ``argparse`` ``type=`` functions: each checks one argument and raises
``argparse.ArgumentTypeError`` with the reason, which :class:`Parser` reports as
``usage.bad_argument``.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from duskspec.errors import ProtocolError

if TYPE_CHECKING:
    from duskspec.simulation import SimulationConfig, SimulationReport

#: Shown under ``duskspec --help``.
EPILOG = (
    "Run `duskspec COMMAND --help` for a command's options and their defaults. "
    "Every failure is one line on stderr, `error: <code>: <message>`; "
    "exit status 2 means a bad argument, 1 a failure."
)

#: Exit statuses of the ``duskspec`` command.
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(ProtocolError):
    """A command-line argument the command refuses before doing any work (exit 2)."""

    component = "usage"


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose complaints raise :class:`UsageError` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError("usage.bad_argument", f"{message} (see `{self.prog} --help`)")


def report(code: str, message: str) -> None:
    """The one line every failure becomes."""
    one_line = " ".join(message.split())
    print(f"error: {code}: {one_line}", file=sys.stderr, flush=True)


def guarded(command: Callable[[], int]) -> int:
    """Run ``command`` and map every exception to one ``error:`` line and an exit status."""
    from duskspec.tla.tlc import TlcUnavailable

    try:
        return command()
    except UsageError as exc:
        report(exc.code, exc.detail or exc.code)
        return EXIT_USAGE
    except ProtocolError as exc:
        report(exc.code, exc.detail or exc.code)
        return EXIT_FAILURE
    except TlcUnavailable as exc:
        report(getattr(exc, "code", "tla.tools_unavailable"), str(exc))
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader of our stdout went away (`| head`): nothing left to tell it.
        return EXIT_FAILURE
    except OSError as exc:
        report(os_error_code(exc), os_error_message(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        report("cli.interrupted", "interrupted")
        return 130
    except Exception as exc:
        if os.environ.get("DUSKSPEC_TRACEBACK"):
            raise
        report("cli.internal", f"{type(exc).__name__}: {exc} (DUSKSPEC_TRACEBACK=1 shows where)")
        return EXIT_FAILURE


def os_error_code(exc: OSError) -> str:
    name = errno.errorcode.get(exc.errno or 0, "")
    return f"os.{name.lower()}" if name else "os.error"


def os_error_message(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def apply_root(argv: Sequence[str]) -> None:
    """Honour ``--root DIR`` (anywhere on the line) before the parser computes its defaults:
    every data path then points into DIR (``duskspec.paths.set_root``)."""
    from duskspec import paths

    for index, word in enumerate(argv):
        if word == "--root" and index + 1 < len(argv):
            root = argv[index + 1]
        elif word.startswith("--root="):
            root = word.removeprefix("--root=")
        else:
            continue
        if not any((Path(root) / marker).exists() for marker in ROOT_MARKERS):
            raise UsageError(
                "usage.bad_argument",
                f"argument --root: {root} has none of {', '.join(ROOT_MARKERS)}",
            )
        paths.set_root(Path(root).resolve())


#: What a data root holds (one is enough: a root may carry only the vectors).
ROOT_MARKERS = ("models/tla/manifest.json", "conformance-vectors/INDEX.md")


def add_everywhere(parser: argparse.ArgumentParser, *flags: str, **kwargs: object) -> None:
    """Accept a global option after any sub-command too (``duskspec vectors verify --crypto
    fast``). The copies default to ``SUPPRESS`` so they never hide a value given earlier."""
    for sub in _subparsers(parser):
        sub.add_argument(*flags, default=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield child
                yield from _subparsers(child)


def show_defaults(parser: argparse.ArgumentParser) -> None:
    """Append ``(default: X)`` to every option's help that has a meaningful default, in the
    parser and all its sub-commands, so ``--help`` teaches every option."""
    for each in (parser, *_subparsers(parser)):
        for action in each._actions:
            if not action.option_strings or action.help is argparse.SUPPRESS:
                continue
            text = action.help or ""
            hidden = action.default is None or action.default is False
            if hidden or action.default == argparse.SUPPRESS or "default:" in text:
                action.help = text
                continue
            shown = action.default
            if isinstance(shown, tuple):
                shown = ":".join(str(x) for x in shown)
            action.help = f"{text} (default: {shown})".strip()


# --- validators (argparse ``type=`` functions) ----------------------------------------------


def positive_int(text: str) -> int:
    """An integer >= 1."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _int(text: str) -> int:
    if not text.lstrip("-").isascii() or not text.lstrip("-").isdigit() or len(text) > 30:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    return int(text)


def positive_float(text: str) -> float:
    """A finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """A finite number in [0, 1000] (a transaction rate per virtual second)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1000], got {text!r}") from None
    if not 0.0 <= value <= 1000.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1000], got {text!r}")
    return value


def probability(text: str) -> float:
    """A fraction in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def new_report_dir(text: str) -> str:
    """A folder to write into: absent, or an empty folder; never a file or a folder that
    already holds something (a report is never mixed with an older one)."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()):
        raise argparse.ArgumentTypeError(f"{text} is not empty; give a new or empty folder")
    parent = path
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"{parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write under {parent}")
    return text


def models_dir(text: str) -> str:
    """A folder holding a TLC ``manifest.json``."""
    from duskspec.tla.tlc import load_manifest

    if not (Path(text) / "manifest.json").is_file():
        raise argparse.ArgumentTypeError(f"{text} has no manifest.json (a models/tla folder)")
    try:
        load_manifest(Path(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise argparse.ArgumentTypeError(f"{text}/manifest.json is malformed: {exc}") from None
    return text


def vector_dir(text: str) -> str:
    """A vector tree, or a folder inside one, with at least one case."""
    from duskspec.vectors.verify import find_cases

    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    if next(iter(find_cases(path)), None) is None:
        raise argparse.ArgumentTypeError(f"no vector cases under {text}")
    return text


def generate_out(text: str) -> str:
    """An empty or absent folder, or an existing vector tree (which is regenerated)."""
    from duskspec.vectors.generate import INDEX_NAME

    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file")
    if path.is_dir() and any(path.iterdir()) and not (path / INDEX_NAME).exists():
        raise argparse.ArgumentTypeError(
            f"{text} is not empty and is not a vector tree (no {INDEX_NAME}); "
            "choose an empty folder"
        )
    return text


def impl_command(text: str) -> str:
    """A command line whose program exists and is executable."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"cannot split {text!r}: {exc}") from None
    if not words:
        raise argparse.ArgumentTypeError("the implementation command is empty")
    program = words[0]
    if os.sep in program or program.startswith("."):
        ok = Path(program).is_file() and os.access(program, os.X_OK)
    else:
        ok = shutil.which(program) is not None
    if not ok:
        raise argparse.ArgumentTypeError(f"{program} is not an executable program")
    return text


def bench_suite(text: str) -> str:
    """The name of a benchmark suite."""
    from duskspec.bench import suites

    known = suites()
    if text not in known:
        raise argparse.ArgumentTypeError(f"unknown suite {text!r}; known: {', '.join(known)}")
    return text


class SimulateProgress:
    """Progress of ``duskspec simulate`` on stderr: a bar labelled with the phase (keys,
    network bootstrap, consensus) on a terminal; otherwise one line when a phase starts and
    one every :attr:`every_s` wall seconds, so a log shows the run is alive."""

    every_s = 10.0

    def __init__(self, console: Console, total: int, quiet: bool = False) -> None:
        self.console = console
        self.total = total
        self.quiet = quiet
        self.live = console.is_terminal and not quiet
        self.name = "starting"
        self.done = 0
        self.start = self.last_line = time.monotonic()
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not self.live,
        )
        self.task = self.bar.add_task("keys", total=total)

    def __enter__(self) -> SimulateProgress:
        self.bar.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.bar.__exit__(kind, value, trace)

    def phase(self, name: str) -> None:
        self.name = name
        label = f"{name}: blocks final at every honest node" if name == "consensus" else name
        self.bar.update(self.task, description=label)
        self._line(force=True)

    def blocks(self, final: int) -> None:
        self.done = final
        self.bar.update(self.task, completed=final)
        self._line(force=False)

    def _line(self, force: bool) -> None:
        if self.live or self.quiet:
            return
        now = time.monotonic()
        if not force and now - self.last_line < self.every_s:
            return
        self.last_line = now
        progress = f", {self.done}/{self.total} blocks final" if self.name == "consensus" else ""
        print(
            f"simulate: {self.name}{progress} ({now - self.start:.0f} s)",
            file=sys.stderr,
            flush=True,
        )


def reproduce_command(config: SimulationConfig) -> str:
    """The command line that repeats a run exactly (the run depends on nothing else)."""
    words = [
        "duskspec simulate",
        f"--provisioners {config.provisioners}",
        f"--blocks {config.blocks}",
        f"--seed {config.seed}",
        f"--preset {config.preset}",
    ]
    if config.overlay != "tree":
        words.append(f"--overlay {config.overlay}")
    if config.byzantine:
        words += [f"--byzantine {config.byzantine:g}", f"--behaviour {config.behaviour}"]
    if config.loss:
        words.append(f"--loss {config.loss:g}")
    if config.partition is not None:
        words.append(f"--partition {config.partition[0]}:{config.partition[1]}")
    if config.tx_rate:
        words.append(f"--tx-rate {config.tx_rate:g}")
    return " ".join(words)


def transaction_rows(result: SimulationReport) -> list[tuple[str, str]]:
    """The workload's rows of the simulate table (spec/node.md §5)."""
    tx = result.transactions
    if not tx:
        return []
    codes = ", ".join(f"{c} {n}" for c, n in tx["rejected_by_code"].items()) or "none"
    kinds = ", ".join(
        f"{k} {n.get('final', 0)}/{n.get('rejected', 0)}" for k, n in tx["by_kind"].items()
    )
    return [
        (
            "transactions: sent / final / rejected / pending",
            f"{tx['submitted']} / {tx['final']} / {tx['rejected']} / {tx['pending']}",
        ),
        ("throughput (final tx per virtual s)", f"{tx['throughput_tx_per_s']:.2f}"),
        ("fees / rewards (LUX)", f"{tx['fees']:,} / {tx['rewards']:,}"),
        ("slashes (failed iterations)", f"{tx.get('slashes', 0):,}"),
        ("largest mempool after a block", f"{tx['mempool_max']}"),
        ("rejected by code", codes),
        ("final / rejected by kind", kinds),
        ("phoenix pool", tx.get("phoenix_pool", "")),
        ("ledger (state roots, supply)", result.ledger_verdict),
    ]


def simulate_verdict(result: SimulationReport, quiet: bool = False) -> int:
    """The last word of ``duskspec simulate``: a verdict line on success, else the one
    ``error:`` line saying which property the run lost (exit 1)."""
    wanted = result.config.blocks
    if result.verdict == "agreement_violated":
        raise ProtocolError(
            "simulate.safety_violation",
            f"two Final blocks at one height: {json.dumps(result.evidence, sort_keys=True)}; "
            f"seed {result.config.seed}; reproduce: {reproduce_command(result.config)}",
        )
    if not result.agreement_ok:
        raise ProtocolError("simulate.safety_violation", result.agreement_detail)
    if result.ledger_verdict != "ok":
        raise ProtocolError(
            "simulate.ledger_violation",
            f"{result.ledger_verdict}: {json.dumps(result.ledger_evidence, sort_keys=True)}; "
            f"reproduce: {reproduce_command(result.config)}",
        )
    if result.blocks_finalized < wanted:
        raise ProtocolError(
            "simulate.liveness_lost",
            f"only {result.blocks_finalized} of {wanted} blocks became final at every honest "
            f"node within {result.virtual_seconds:.0f} virtual s "
            f"(limit {result.config.max_seconds_per_block} s per block); "
            f"seed {result.config.seed}, digest {result.digest}; "
            f"reproduce: {reproduce_command(result.config)}",
        )
    if result.transactions.get("pending"):
        raise ProtocolError(
            "simulate.transactions_pending",
            f"{result.transactions['pending']} transactions neither final nor rejected; "
            f"reproduce: {reproduce_command(result.config)}",
        )
    if not quiet:
        print(
            f"verdict: {result.verdict}: {wanted} of {wanted} blocks final at all "
            f"{result.honest} honest nodes, agreement holds; seed {result.config.seed}, "
            f"event-log digest {result.digest}"
        )
        print(f"reproduce: {reproduce_command(result.config)}")
    return EXIT_OK

"""duskspec: simulate Dusk-style consensus, check its TLA+ models, generate and replay its vectors.

The ``duskspec`` command (docs/architecture.md §7).

Sub-commands: ``model-check``, ``vectors generate|verify|serve``, ``bench``. Each returns an
exit code; :func:`main` is the only place that exits. Long work shows a progress bar on a
terminal and stays quiet when output is piped or ``--json`` is given.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from duskspec import __version__, cli_support, cli_sweep, paths
from duskspec.cli_support import UsageError


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not (enabled and console.is_terminal),
    )


def _partition(text: str) -> tuple[int, int]:
    start, _, end = text.partition(":")
    if not (start.isdigit() and end.isdigit() and int(start) < int(end)):
        raise argparse.ArgumentTypeError("expected START:END in virtual seconds, START < END")
    return int(start), int(end)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError("expected a fraction in [0, 1)")
    return value


def cmd_simulate_trace(args: argparse.Namespace) -> int:
    """``simulate --trace DIR``: the rounds run in lockstep under a seeded schedule and each
    is written as a TLA+ trace module (spec/consensus.md §14)."""
    from duskspec.consensus.constants import PRESETS
    from duskspec.tla import trace

    out = Path(args.trace)
    out.mkdir(parents=True, exist_ok=True)
    silent = int(args.byzantine * args.provisioners)
    rounds = trace.record_rounds(
        args.provisioners - silent, args.blocks, args.seed, PRESETS[args.preset], silent
    )
    for recorded in rounds:
        module = trace.write_round(recorded, out)
        print(f"round {recorded.round}: {len(recorded.events)} model actions -> {module}")
    print(f"check them with: duskspec trace-check {out}")
    return 0


def _trace_dir(text: str) -> str:
    """A folder holding ``TraceRound<r>.tla`` modules (``duskspec simulate --trace``) or a
    ``TraceLedgerRun.tla`` (``duskspec simulate --trace-ledger``)."""
    rounds = sorted(Path(text).glob("TraceRound*.tla"))
    if not rounds and not (Path(text) / "TraceLedgerRun.tla").exists():
        raise argparse.ArgumentTypeError(
            f"{text} holds no TraceRound<r>.tla or TraceLedgerRun.tla (write them with "
            "`duskspec simulate --trace` or `--trace-ledger`)"
        )
    return text


def cmd_trace_check_ledger(folder: Path) -> int:
    """``trace-check`` on a ``simulate --trace-ledger`` folder (spec/runtime.md §14)."""
    from duskspec.tla import ledger_trace

    try:
        verdict = ledger_trace.check_ledger_trace(folder)
    except ledger_trace.LedgerTraceError as exc:
        cli_support.report(exc.code, str(exc))
        return cli_support.EXIT_FAILURE
    if not verdict.ok:
        cli_support.report("tla.trace_mismatch", f"ledger: {verdict.detail}")
        return cli_support.EXIT_FAILURE
    print(
        f"ledger: {verdict.events} actions ({verdict.stutters} stutter steps) are a behaviour "
        f"of Ledger ({verdict.distinct_states or '?'} distinct states, {verdict.seconds:.1f} s)"
    )
    return 0


def cmd_trace_check(args: argparse.Namespace) -> int:
    from duskspec.tla import trace

    if (Path(args.dir) / "TraceLedgerRun.tla").exists():
        return cmd_trace_check_ledger(Path(args.dir))
    try:
        verdicts = trace.check_trace_dir(Path(args.dir))
    except trace.TraceCheckFailed as exc:
        cli_support.report(exc.code, str(exc))
        return cli_support.EXIT_FAILURE
    for verdict in verdicts:
        if not verdict.ok:
            cli_support.report("tla.trace_mismatch", f"round {verdict.round}: {verdict.detail}")
            return cli_support.EXIT_FAILURE
        print(
            f"round {verdict.round}: {verdict.events} actions are a behaviour of "
            f"SuccinctAttestation ({verdict.distinct_states} distinct states, "
            f"{verdict.seconds:.1f} s)"
        )
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    import json

    if args.trace:
        if (args.byzantine and args.behaviour != "silent") or args.loss or args.partition:
            raise cli_support.UsageError(
                "usage.bad_argument",
                "--trace takes only --byzantine F --behaviour silent (no --loss, --partition)",
            )
        return cmd_simulate_trace(args)

    from rich.table import Table

    from duskspec.simulation import config_from, run

    config = config_from(args)
    if args.trace_ledger and not config.tx_rate:
        raise cli_support.UsageError("usage.bad_argument", "--trace-ledger needs --tx-rate R > 0")
    if args.phoenix and not config.tx_rate:
        raise cli_support.UsageError("usage.bad_argument", "--phoenix needs --tx-rate R > 0")
    console = Console(stderr=True)
    finish = _ledger_tracer(Path(args.trace_ledger), config.preset) if args.trace_ledger else None
    with cli_support.SimulateProgress(console, config.blocks, quiet=args.json) as progress:
        result = run(config, progress.blocks, on_phase=progress.phase, on_finish=finish)
    summary = result.summary()
    if args.report:
        from duskspec import report

        report.write(result, Path(args.report))
        print(f"report written to {args.report}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    else:
        table = Table(
            title=f"duskspec simulate: {config.provisioners} provisioners, preset {config.preset}"
        )
        table.add_column("measure")
        table.add_column("value", justify="right")
        rows = [
            (
                "blocks finalized (slowest honest node)",
                f"{result.blocks_finalized} of {config.blocks}",
            ),
            (
                "iterations per block (mean / max)",
                f"{result.iterations_per_block:.2f} / {result.max_iteration + 1}",
            ),
            ("time to attestation (virtual s, mean)", f"{result.time_to_attestation_s:.2f}"),
            ("time to finality (virtual s, mean)", f"{result.time_to_finality_s:.2f}"),
            ("messages per block", f"{result.messages_per_block:,.0f}"),
            ("bytes per block", f"{result.bytes_per_block:,.0f}"),
            (
                "signature verifications (unique / checks)",
                f"{result.signature_verifications:,} / {result.signature_checks:,}",
            ),
            (
                "Byzantine nodes (stake share)",
                f"{result.byzantine_nodes} ({result.byzantine_stake:.1%})",
            ),
            ("wall time (s)", f"{result.wall_seconds:.1f}"),
            ("overlay", config.overlay),
            (
                "CPU s: run / crypto floor / bootstrap",
                f"{result.cpu_seconds:.2f} / {result.floor_cpu_seconds:.2f} / "
                f"{result.bootstrap_cpu_seconds:.2f}",
            ),
        ]
        rows += cli_support.transaction_rows(result)
        for name, value in rows:
            table.add_row(name, value)
        Console().print(table)
        verdict = "no safety violation" if result.agreement_ok else "SAFETY VIOLATION"
        print(
            f"agreement across {result.honest} honest nodes: {verdict}: {result.agreement_detail}"
        )
    return cli_support.simulate_verdict(result, quiet=args.json)


def _ledger_tracer(folder: Path, preset: str) -> Callable[[list[Any], Any], None]:
    """``simulate --trace-ledger DIR``: the first honest node's final chain as a ledger trace
    (spec/runtime.md §14)."""
    from duskspec.consensus.constants import PRESETS
    from duskspec.phoenix_pool import parties
    from duskspec.tla import ledger_trace

    def write(nodes: list[Any], genesis: Any) -> None:
        keys, names = parties()
        module, recorder = ledger_trace.simulation_trace(
            nodes[0], genesis, PRESETS[preset], folder, keys, names
        )
        print(
            f"ledger trace: {len(recorder.events)} actions, {recorder.stutters} stutter steps "
            f"-> {module}; check it with: duskspec trace-check {folder}",
            file=sys.stderr,
        )

    return write


def cmd_model_check(args: argparse.Namespace) -> int:
    from duskspec.tla import tlc

    models_dir = Path(args.models)
    entries = tlc.load_manifest(models_dir)
    known = {e.name for e in entries}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise UsageError(
            "usage.unknown_model",
            f"unknown model(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
        )
    chosen = [e for e in entries if not args.names or e.name in args.names]
    tlc.find_tools()
    failures = 0
    for entry in chosen:
        result = tlc.check_model(entry, models_dir)
        report = result.report
        verdict = "ok" if result.ok else "MISMATCH: " + "; ".join(result.mismatches)
        expected = (
            f" (expected {entry.expect}" + (f": {report.violated}" if report.violated else "") + ")"
        )
        shown = report.result + (expected if entry.expect != "success" and result.ok else "")
        print(
            f"{entry.name:<28} {shown:<44} {report.distinct_states or 0:>10} distinct states "
            f"{report.seconds:7.1f} s  {verdict}"
        )
        if not result.ok:
            failures += 1
            if report.result == "error":
                print("\n".join(report.output.strip().splitlines()[-15:]))
    return 1 if failures else 0


def cmd_vectors_generate(args: argparse.Namespace) -> int:
    from duskspec.vectors.generate import generate

    out = Path(args.out)
    count = generate(out)
    print(f"wrote {count} cases to {out}")
    return 0


def cmd_vectors_verify(args: argparse.Namespace) -> int:
    from duskspec.vectors.verify import (
        Limits,
        Outcome,
        exit_status,
        find_cases,
        summary_line,
        verify,
    )

    root = Path(args.dir)
    total = sum(1 for _ in find_cases(root))
    console = Console(stderr=True)
    with _progress(console, True) as progress:
        task = progress.add_task("replaying vectors", total=total)

        def on_case(outcome: Outcome) -> None:
            progress.advance(task)
            if outcome.status == "failed" or (outcome.status == "skipped" and args.require_all):
                progress.console.print(
                    f"FAIL {outcome.path}: {outcome.reason}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )

        limits = Limits(args.case_timeout, args.budget, args.max_strikes)
        outcomes = verify(root, impl=args.impl, on_case=on_case, limits=limits)
    print(summary_line(outcomes))
    return exit_status(outcomes, require_all=args.require_all)


def cmd_vectors_serve(args: argparse.Namespace) -> int:
    from duskspec.vectors.adapter import serve

    serve(sys.stdin, sys.stdout)
    return 0


def cmd_bound(args: argparse.Namespace) -> int:
    from duskspec.consensus import bound

    print(bound.report(args.preset, args.samples, args.seed))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from duskspec.bench import run_suites

    return run_suites(args.suites, as_json=args.json, out_dir=Path(args.out))


def build_parser() -> argparse.ArgumentParser:
    parser = cli_support.Parser(
        prog="duskspec", description=__doc__.splitlines()[0], epilog=cli_support.EPILOG
    )
    parser.add_argument("--version", action="version", version=f"duskspec {__version__}")
    parser.add_argument(
        "--crypto",
        choices=("fast", "reference"),
        help="crypto backend: fast (arkworks, default) or reference (py_ecc for BLS, "
        "Python integers for PLONK's Fr)",
    )
    parser.add_argument(
        "--root",
        help="folder with models/tla, conformance-vectors and tools/tla (default: the "
        "checkout, else the copy inside the installed package; also DUSKSPEC_ROOT)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    simulate = sub.add_parser("simulate", help="provisioners running consensus over Kadcast")
    simulate.add_argument(
        "--provisioners", type=cli_support.positive_int, default=32, help="number of nodes"
    )
    simulate.add_argument(
        "--blocks", type=cli_support.positive_int, default=20, help="blocks to finalize"
    )
    simulate.add_argument(
        "--seed", type=cli_support.non_negative_int, default=0, help="seed of keys, stakes, network"
    )
    simulate.add_argument(
        "--preset", choices=("tiny", "mainnet"), default="mainnet", help="consensus parameters"
    )
    simulate.add_argument("--byzantine", type=_fraction, default=0.0, help="fraction of stake")
    simulate.add_argument(
        "--behaviour",
        default="equivocate",
        choices=("equivocate", "withhold", "invalid", "silent", "forge", "split", "late"),
        help="what Byzantine nodes do",
    )
    simulate.add_argument(
        "--loss", type=cli_support.probability, default=0.0, help="packet loss probability"
    )
    simulate.add_argument("--partition", type=_partition, help="START:END virtual seconds")
    simulate.add_argument(
        "--overlay",
        choices=("tree", "packet", "flood"),
        default="tree",
        help="tree: Kadcast delegation trees per broadcast; packet: every Kadcast packet; "
        "flood: every node forwards to every node",
    )
    simulate.add_argument(
        "--report",
        type=cli_support.new_report_dir,
        help="new or empty folder for summary.json, blocks.jsonl and PNG plots",
    )
    simulate.add_argument(
        "--tx-rate",
        type=cli_support.non_negative_float,
        default=0.0,
        help="transactions per virtual second (0: empty blocks, consensus alone)",
    )
    simulate.add_argument(
        "--phoenix",
        action="store_true",
        help="with --tx-rate, Phoenix transfers too, from a pool of real proofs made ahead of "
        "time (the first run proves it, about 45 s of CPU per entry, then reads the cache)",
    )
    simulate.add_argument("--json", action="store_true", help="one JSON object on stdout")
    simulate.add_argument(
        "--trace",
        type=cli_support.new_report_dir,
        help="instead of running over Kadcast, run --blocks rounds of --provisioners round "
        "machines in lockstep under a schedule drawn from --seed (with --byzantine F "
        "--behaviour silent, that fraction of them stake and never act), and write each round "
        "as a TLA+ trace module TraceRound<r>.tla to this folder for `duskspec trace-check` "
        "(keep it small: --preset tiny --provisioners 4 --blocks 2)",
    )
    simulate.add_argument(
        "--trace-ledger",
        type=cli_support.new_report_dir,
        help="with --tx-rate: write the ledger actions of the first honest node's final chain "
        "as a TLA+ trace TraceLedgerRun.tla to this new or empty folder for "
        "`duskspec trace-check` (default: none)",
    )
    simulate.set_defaults(func=cmd_simulate)

    tc = sub.add_parser(
        "trace-check",
        help="TLC accepts each simulate --trace round as a SuccinctAttestation run, or a "
        "simulate --trace-ledger trace as a Ledger run",
    )
    tc.add_argument(
        "dir",
        type=_trace_dir,
        help="folder written by `duskspec simulate --trace` or `--trace-ledger`",
    )
    tc.set_defaults(func=cmd_trace_check)

    cli_sweep.add_parser(sub, _fraction, _partition)

    mc = sub.add_parser("model-check", help="run TLC on the models in models/tla/manifest.json")
    mc.add_argument("names", nargs="*", help="model names (default: all)")
    mc.add_argument(
        "--models",
        type=cli_support.models_dir,
        default=str(paths.MODELS_DIR),
        help="folder with manifest.json",
    )
    mc.set_defaults(func=cmd_model_check)

    vec = sub.add_parser("vectors", help="generate, verify or serve conformance vectors")
    vsub = vec.add_subparsers(dest="vectors_command", required=True)
    gen = vsub.add_parser("generate", help="regenerate the vector tree")
    gen.add_argument(
        "--out",
        type=cli_support.generate_out,
        default=str(paths.VECTORS_DIR),
        help="an empty folder or an existing vector tree",
    )
    gen.set_defaults(func=cmd_vectors_generate)
    ver = vsub.add_parser("verify", help="replay vectors; ends with 'N passed, M failed'")
    ver.add_argument(
        "--dir",
        type=cli_support.vector_dir,
        default=str(paths.VECTORS_DIR),
        help="the tree or any sub-folder of it (one component, handler or case)",
    )
    ver.add_argument(
        "--impl",
        type=cli_support.impl_command,
        help="command of an implementation speaking the stdio protocol (default: the reference)",
    )
    ver.add_argument(
        "--require-all",
        action="store_true",
        help="fail when any handler is unsupported (skipped), not only on failures",
    )
    ver.add_argument(
        "--case-timeout",
        type=cli_support.positive_float,
        default=60.0,
        help="seconds the implementation may take per case",
    )
    ver.add_argument(
        "--budget",
        type=cli_support.positive_float,
        default=1800.0,
        help="seconds the whole replay may take; the rest is reported as not run",
    )
    ver.add_argument(
        "--max-strikes",
        type=cli_support.positive_int,
        default=3,
        help="timeouts, oversized answers or exits after which the run stops",
    )
    ver.set_defaults(func=cmd_vectors_verify)
    srv = vsub.add_parser("serve", help="answer the stdio vector protocol with the reference")
    srv.set_defaults(func=cmd_vectors_serve)

    bnd = sub.add_parser("bound", help="equivocation bound and coalition probability table")
    bnd.add_argument("--preset", choices=("tiny", "mainnet"), default="mainnet")
    bnd.add_argument("--samples", type=int, default=0, help="Monte Carlo rounds per row")
    bnd.add_argument("--seed", type=int, default=0)
    bnd.set_defaults(func=cmd_bound)

    bench = sub.add_parser("bench", help="benchmarks measured side by side in one run")
    bench.add_argument(
        "suites", nargs="*", type=cli_support.bench_suite, help="suites to run (default: all)"
    )
    bench.add_argument("--json", action="store_true", help="one JSON object on stdout")
    bench.add_argument(
        "--out",
        default=str(paths.BENCH_DIR / "latest"),
        help="folder for the JSON results (the recorded ones are in benchmarks/results/)",
    )
    bench.set_defaults(func=cmd_bench)
    cli_support.add_everywhere(
        parser,
        "--crypto",
        choices=("fast", "reference"),
        help="crypto backend, also accepted here (default: fast)",
    )
    cli_support.show_defaults(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, validate and dispatch; every failure leaves through :func:`cli_support.guarded`
    as one ``error: <code>: <message>`` line on stderr (exit 2 usage, 1 failure)."""

    def dispatch() -> int:
        cli_support.apply_root(sys.argv[1:] if argv is None else argv)
        args = build_parser().parse_args(argv)
        if args.crypto:
            os.environ["DUSKSPEC_CRYPTO"] = args.crypto
        code: int = args.func(args)
        return code

    return cli_support.guarded(dispatch)


if __name__ == "__main__":
    sys.exit(main())

"""The ``duskspec`` command (architecture.md §7).

Sub-commands: ``model-check``, ``vectors generate|verify|serve``, ``bench``. Each returns an
exit code; :func:`main` is the only place that exits. Long work shows a progress bar on a
terminal and stays quiet when output is piped or ``--json`` is given.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from duskspec import __version__, paths


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


def cmd_simulate(args: argparse.Namespace) -> int:
    import json

    from rich.table import Table

    from duskspec.simulation import SimulationConfig, run

    config = SimulationConfig(
        provisioners=args.provisioners,
        blocks=args.blocks,
        seed=args.seed,
        preset=args.preset,
        byzantine=args.byzantine,
        behaviour=args.behaviour,
        loss=args.loss,
        partition=args.partition,
    )
    console = Console(stderr=True)
    with _progress(console, not args.json) as progress:
        task = progress.add_task("blocks final at every honest node", total=config.blocks)
        result = run(config, lambda height: progress.update(task, completed=height))
    summary = result.summary()
    if args.report:
        out = Path(args.report)
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        (out / "blocks.jsonl").write_text(
            "".join(json.dumps(b, sort_keys=True) + "\n" for b in result.per_block)
        )
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
        ]
        for name, value in rows:
            table.add_row(name, value)
        Console().print(table)
        verdict = "no safety violation" if result.agreement_ok else "SAFETY VIOLATION"
        print(
            f"agreement across {result.honest} honest nodes: {verdict}: {result.agreement_detail}"
        )
    finished = result.blocks_finalized >= config.blocks
    return 0 if result.agreement_ok and finished else 1


def cmd_model_check(args: argparse.Namespace) -> int:
    from duskspec.tla import tlc

    models_dir = Path(args.models)
    entries = tlc.load_manifest(models_dir)
    known = {e.name for e in entries}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        print(f"error: unknown model(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return 2
    chosen = [e for e in entries if not args.names or e.name in args.names]
    try:
        tlc.find_tools()
    except tlc.TlcUnavailable as exc:
        print(f"error: {exc}")
        return 2
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
    from duskspec.vectors.verify import Outcome, find_cases, summary_line, verify

    root = Path(args.dir)
    total = sum(1 for _ in find_cases(root)) if root.exists() else 0
    if total == 0:
        print(f"error: no vector cases under {root}")
        return 2
    console = Console(stderr=True)
    with _progress(console, True) as progress:
        task = progress.add_task("replaying vectors", total=total)

        def on_case(outcome: Outcome) -> None:
            progress.advance(task)
            if outcome.status == "failed":
                progress.console.print(
                    f"FAIL {outcome.path}: {outcome.reason}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )

        outcomes = verify(root, impl=args.impl, on_case=on_case)
    print(summary_line(outcomes))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


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
    parser = argparse.ArgumentParser(prog="duskspec", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"duskspec {__version__}")
    parser.add_argument(
        "--crypto",
        choices=("fast", "reference"),
        help="BLS backend: fast (arkworks, default) or reference (py_ecc)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    simulate = sub.add_parser("simulate", help="provisioners running consensus over Kadcast")
    simulate.add_argument("--provisioners", type=int, default=32)
    simulate.add_argument("--blocks", type=int, default=20)
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--preset", choices=("tiny", "mainnet"), default="mainnet")
    simulate.add_argument("--byzantine", type=_fraction, default=0.0, help="fraction of stake")
    simulate.add_argument(
        "--behaviour", default="equivocate", choices=("equivocate", "withhold", "invalid", "silent")
    )
    simulate.add_argument("--loss", type=float, default=0.0, help="packet loss probability")
    simulate.add_argument("--partition", type=_partition, help="START:END virtual seconds")
    simulate.add_argument("--report", help="folder for summary.json and blocks.jsonl")
    simulate.add_argument("--json", action="store_true", help="one JSON object on stdout")
    simulate.set_defaults(func=cmd_simulate)

    mc = sub.add_parser("model-check", help="run TLC on the models in models/tla/manifest.json")
    mc.add_argument("names", nargs="*", help="model names (default: all)")
    mc.add_argument("--models", default=str(paths.MODELS_DIR), help="folder with manifest.json")
    mc.set_defaults(func=cmd_model_check)

    vec = sub.add_parser("vectors", help="generate, verify or serve conformance vectors")
    vsub = vec.add_subparsers(dest="vectors_command", required=True)
    gen = vsub.add_parser("generate", help="regenerate the vector tree")
    gen.add_argument("--out", default=str(paths.VECTORS_DIR))
    gen.set_defaults(func=cmd_vectors_generate)
    ver = vsub.add_parser("verify", help="replay vectors; ends with 'N passed, M failed'")
    ver.add_argument(
        "--dir",
        default=str(paths.VECTORS_DIR),
        help="the tree or any sub-folder of it (one component, handler or case)",
    )
    ver.add_argument("--impl", help="command of an implementation speaking the stdio protocol")
    ver.set_defaults(func=cmd_vectors_verify)
    srv = vsub.add_parser("serve", help="answer the stdio vector protocol with the reference")
    srv.set_defaults(func=cmd_vectors_serve)

    bnd = sub.add_parser("bound", help="equivocation bound and coalition probability table")
    bnd.add_argument("--preset", choices=("tiny", "mainnet"), default="mainnet")
    bnd.add_argument("--samples", type=int, default=0, help="Monte Carlo rounds per row")
    bnd.add_argument("--seed", type=int, default=0)
    bnd.set_defaults(func=cmd_bound)

    bench = sub.add_parser("bench", help="benchmarks measured side by side in one run")
    bench.add_argument("suites", nargs="*", help="suites to run (default: all)")
    bench.add_argument("--json", action="store_true", help="one JSON object on stdout")
    bench.add_argument(
        "--out", default=str(paths.BENCH_DIR / "results"), help="folder for the JSON results"
    )
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.crypto:
        os.environ["DUSKSPEC_CRYPTO"] = args.crypto
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())

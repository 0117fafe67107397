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

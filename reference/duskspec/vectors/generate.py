"""Write the conformance-vector tree (spec/vectors.md §1).

Layout: ``<out>/<preset>/<component>/<handler>/<case>/{manifest,meta,pre?,input|steps,post?}.json``
plus ``schema/`` (JSON Schema of every part), ``INDEX.md`` and ``SHA256SUMS``. Everything
is a pure function of the code: no clock, no unseeded randomness, keys sorted.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duskspec import SPEC_VERSION, __version__, paths
from duskspec.errors import ProtocolError, VectorError
from duskspec.vectors import format as fmt
from duskspec.vectors import stdio_schema
from duskspec.vectors.errors_index import ANCHOR, errors_index
from duskspec.vectors.registry import Case, Handler, all_handlers

#: Files a human maintains inside the vector folder; generation keeps them.
HAND_WRITTEN = ("CHANGELOG.md", "README.md")

#: Marker that a folder is a vector tree we may overwrite.
INDEX_NAME = "INDEX.md"


@dataclass(frozen=True)
class Rendered:
    """One case with every part in JSON form, ready to write or to replay."""

    handler: Handler
    case: Case
    files: dict[str, Any]

    @property
    def relpath(self) -> str:
        h = self.handler
        return f"{h.preset}/{h.component}/{h.name}/{self.case.name}"


def render_case(handler: Handler, case: Case) -> Rendered:
    """Run the reference on one case and return its parts. A case that claims an error must
    raise exactly that code; a case with a published value must reproduce it."""
    try:
        post = handler.run(case.pre, case.input)
        error = None
    except ProtocolError as exc:
        post, error = None, exc.code
    where = f"{handler.preset}/{handler.component}/{handler.name}/{case.name}"
    if error != case.expected_error:
        raise RuntimeError(f"{where}: expected error {case.expected_error!r}, got {error!r}")
    if case.published_post is not None and post != case.published_post:
        raise RuntimeError(f"{where}: the reference does not reproduce the published value")
    manifest = {
        "preset": handler.preset,
        "component": handler.component,
        "handler": handler.name,
        "case": case.name,
        "spec_version": SPEC_VERSION,
        "generator": f"duskspec {__version__} {handler.generator}",
    }
    meta: dict[str, Any] = {
        "description": case.description,
        "valid": error is None,
        "crypto": case.crypto,
        "seed": case.seed,
    }
    if error is not None:
        meta["expected_error"] = error
    if case.source is not None:
        meta["source"] = case.source
    files: dict[str, Any] = {"manifest.json": manifest, "meta.json": meta}
    if handler.pre_type is not None:
        files["pre.json"] = fmt.to_json(case.pre)
    files["steps.json" if handler.multi_step else "input.json"] = fmt.to_json(case.input)
    if post is not None:
        files["post.json"] = fmt.to_json(post)
    return Rendered(handler, case, files)


def render_all(handlers: tuple[Handler, ...] | None = None) -> Iterator[Rendered]:
    for handler in handlers if handlers is not None else all_handlers():
        names: set[str] = set()
        for case in handler.cases():
            if case.name in names:
                raise RuntimeError(f"{handler.key}: duplicate case name {case.name}")
            names.add(case.name)
            yield render_case(handler, case)


def part_schemas(handler: Handler) -> dict[str, Any]:
    parts: dict[str, Any] = {
        "input": fmt.json_schema(handler.input_type),
        "post": fmt.json_schema(handler.post_type),
    }
    if handler.multi_step:
        parts["input"] = {"type": "array", "items": parts["input"]}
    if handler.pre_type is not None:
        parts["pre"] = fmt.json_schema(handler.pre_type)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{handler.component}/{handler.name} parts",
        "$defs": parts,
    }


MANIFEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "manifest.json",
    "type": "object",
    "properties": {
        "preset": {
            "description": "protocol constants the case assumes (general: none)",
            "enum": ["general", "tiny", "mainnet"],
        },
        "component": {
            "description": "the protocol component (a folder)",
            "type": "string",
            "pattern": "^[a-z0-9_]+$",
        },
        "handler": {
            "description": "what the case checks (a folder; INDEX.md gives its rule)",
            "type": "string",
            "pattern": "^[a-z0-9_]+$",
        },
        "case": {
            "description": "the case's name (a folder)",
            "type": "string",
            "pattern": "^[a-z0-9_]+$",
        },
        "spec_version": {
            "description": "the release of the vectors, semantic versioning (CHANGELOG.md)",
            "type": "string",
            "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$",
        },
        "generator": {
            "description": "the reference function that computed post (module.qualname)",
            "type": "string",
        },
    },
    "required": ["preset", "component", "handler", "case", "spec_version", "generator"],
    "additionalProperties": False,
}

META_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "meta.json",
    "type": "object",
    "properties": {
        "description": {"description": "what the case shows, in words", "type": "string"},
        "valid": {
            "description": "true: the input is accepted and post.json holds the result",
            "type": "boolean",
        },
        "expected_error": {
            "description": "the error code an invalid case must be rejected with",
            "type": "string",
            "pattern": "^[a-z0-9_]+\\.[a-z0-9_.]+$",
        },
        "crypto": {
            "description": "real: real cryptography; stub: signatures not checked",
            "enum": ["real", "stub"],
        },
        "seed": {"description": "seed of the case's random choices", "type": "integer"},
        "source": {
            "description": "where a published expected value comes from",
            "type": "string",
        },
    },
    "required": ["description", "valid", "crypto", "seed"],
    "additionalProperties": False,
    "if": {"properties": {"valid": {"const": False}}},
    "then": {"required": ["expected_error"]},
    "else": {"not": {"required": ["expected_error"]}},
}


def _index(rendered: list[Rendered]) -> str:
    rows: dict[tuple[str, str, str], list[int]] = {}
    intents: dict[tuple[str, str, str], str] = {}
    for r in rendered:
        counts = rows.setdefault(r.handler.key, [0, 0])
        counts[0 if r.files["meta.json"]["valid"] else 1] += 1
        intents[r.handler.key] = r.handler.intent
    lines = [
        "# Conformance vectors: index",
        "",
        "Generated by `duskspec vectors generate`; do not edit. Format: spec/vectors.md.",
        "",
        f"{len(rendered)} cases in {len(rows)} handlers.",
        "",
        "Each handler links the spec rule it checks (the rule under which `spec/` first names",
        "the handler, else its component's chapter) and the JSON Schema of its parts; every",
        "error code the cases expect is in `errors.json` with its rule.",
        "",
        "| preset | component | handler | valid | invalid | spec | schema | intent |",
        "|---|---|---|---:|---:|---|---|---|",
    ]
    for key in sorted(rows):
        valid, invalid = rows[key]
        schema = f"[schema](schema/{key[1]}/{key[2]}.json)"
        lines.append(
            f"| {key[0]} | {key[1]} | {key[2]} | {valid} | {invalid} | "
            f"{_spec_link(key[1], key[2])} | {schema} | {intents[key]} |"
        )
    return "\n".join(lines) + "\n"


#: The chapter of each component whose name is not its chapter's.
CHAPTERS = {
    "kadcast": "network",
    "encoding": "encoding",
    "consensus": "consensus",
    "runtime": "runtime",
    "vm": "vm",
    "phoenix_circuit": "transactions",
}

#: ``component/handler``, ``component/*`` or ``component/{a,b}`` as the spec names vectors
#: (a lookahead, so ``general/jubjub/decode`` yields both ``general/jubjub`` and
#: ``jubjub/decode``).
VECTOR_MENTION = re.compile(r"(?=(?<![a-z0-9_])([a-z0-9_]+)/(\*|\{[a-z0-9_,]+\}|[a-z0-9_]+))")
HEADING = re.compile(r"^#{2,4} (.+)$", re.MULTILINE)


def _mention_rank(component: str, handler: str, found: re.Match[str]) -> int | None:
    """0 when the spec names the handler itself, 1 in a ``{a,b}`` list, 2 for ``/*``."""
    if found.group(1) != component:
        return None
    named = found.group(2)
    if named == handler:
        return 0
    if named.startswith("{") and handler in named.strip("{}").split(","):
        return 1
    return 2 if named == "*" else None


def _slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def _spec_link(component: str, handler: str) -> str:
    """A link to the rule under which ``spec/`` names ``component/handler`` (itself, in a
    ``{a,b}`` list, or as ``component/*``; the component's chapter first), else to the
    rule that names the handler in backticks in that chapter, else to the chapter. The
    label is the rule (``Rule n.m``, ``**Vn.m**`` or heading), the link the heading's
    anchor."""
    spec_dir = paths.REPO_ROOT / "spec"
    home = CHAPTERS.get(component, "crypto") + ".md"
    others = sorted(p.name for p in spec_dir.glob("*.md") if p.name != home)
    best: tuple[int, int, str, int] | None = None
    for order, chapter in enumerate([home, *others]):
        text = (spec_dir / chapter).read_text() if (spec_dir / chapter).is_file() else ""
        for found in VECTOR_MENTION.finditer(text):
            rank = _mention_rank(component, handler, found)
            if rank is not None and (best is None or (rank, order) < best[:2]):
                best = (rank, order, chapter, found.start())
        if order == 0 and best is None and f"`{handler}`" in text:
            best = (3, order, chapter, text.index(f"`{handler}`"))
    if best is None:
        return f"[{home}](../spec/{home})"
    _rank, _order, chapter, at = best
    text = (spec_dir / chapter).read_text()
    anchors = [m.group(0) for m in ANCHOR.finditer(text, 0, at)]
    headings = [m.group(1) for m in HEADING.finditer(text, 0, at)]
    if not anchors or not headings:  # named before any section: the chapter's own rules
        title = re.search(r"^# (.+)$", text, re.MULTILINE)
        return f"[{chapter} {title.group(1) if title else ''}](../spec/{chapter})"
    label = anchors[-1].lstrip("#").strip().strip("*")
    return f"[{chapter} {label}](../spec/{chapter}#{_slug(headings[-1])})"


def build_tree(root: Path, handlers: tuple[Handler, ...] | None = None) -> int:
    """Write every case, schema and the index under ``root`` (an empty folder)."""
    chosen = handlers if handlers is not None else all_handlers()
    rendered = list(render_all(chosen))
    for r in rendered:
        case_dir = root / r.relpath
        case_dir.mkdir(parents=True)
        for name, part in sorted(r.files.items()):
            (case_dir / name).write_bytes(fmt.dumps(part))
    schema_dir = root / "schema"
    schema_dir.mkdir()
    (schema_dir / "manifest.json").write_bytes(fmt.dumps(MANIFEST_SCHEMA))
    (schema_dir / "meta.json").write_bytes(fmt.dumps(META_SCHEMA))
    (schema_dir / "stdio").mkdir()
    (schema_dir / "stdio" / "request.json").write_bytes(fmt.dumps(stdio_schema.REQUEST_SCHEMA))
    (schema_dir / "stdio" / "answer.json").write_bytes(fmt.dumps(stdio_schema.ANSWER_SCHEMA))
    for handler in chosen:
        path = schema_dir / handler.component / f"{handler.name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fmt.dumps(part_schemas(handler)))
    expected: dict[str, int] = {}
    for r in rendered:
        code = r.files["meta.json"].get("expected_error")
        if code is not None:
            expected[code] = expected.get(code, 0) + 1
    (root / "errors.json").write_bytes(fmt.dumps(errors_index(expected, SPEC_VERSION)))
    (root / INDEX_NAME).write_text(_index(rendered))
    _write_sums(root)
    return len(rendered)


def _write_sums(root: Path) -> None:
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}"
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in HAND_WRITTEN
    ]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def generate(out: Path) -> int:
    """Regenerate ``out`` in place, keeping hand-written files. Refuses a non-empty folder
    that is not a vector tree, so a typo in ``--out`` cannot wipe unrelated files."""
    if out.exists() and any(out.iterdir()) and not (out / INDEX_NAME).exists():
        raise VectorError("vectors.out_not_a_tree", f"{out} is not empty and has no {INDEX_NAME}")
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "tree"
        staging.mkdir()
        count = build_tree(staging)
        out.mkdir(parents=True, exist_ok=True)
        for child in out.iterdir():
            if child.name in HAND_WRITTEN:
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staging.iterdir():
            shutil.move(str(child), out / child.name)
    return count

"""The work behind each ``ctkb`` command: build settings, call the library, format the result."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ingest.errors import CtkbError
from ui.cli_support import Outcome, runtime_from, settings_from

# --- ingestion ---------------------------------------------------------------------------------


def _progress(i: int, total: int, name: str) -> None:
    if not sys.stderr.isatty() or total < 2:
        return
    width = 30
    done = int(width * i / total)
    label = ("…" + name[-40:]) if len(name) > 41 else name  # the end: "… (OCR p. 3/10)"
    end = "\n" if i >= total else ""
    print(
        f"\r[{'#' * done}{'.' * (width - done)}] {i}/{total} {label:<42}",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def ingest(args: argparse.Namespace) -> Outcome:
    from ingest.metadata import MetadataOverrides
    from ingest.service import ingest_paths

    flags = MetadataOverrides(
        doc_id=args.doc_id,
        title=args.title,
        jurisdiction=args.jurisdiction,
        doc_type=args.doc_type,
        language=args.language,
        year=args.year,
        status=args.status,
        version=args.version,
        work=args.work,
    )
    runtime = runtime_from(args, parse_timeout_s=args.timeout)
    try:
        reports = ingest_paths(runtime, args.paths, flags, progress=_progress)
        if any(r.wrote for r in reports):
            _prepare_lexicons(runtime)
    finally:
        runtime.close()
    failed = [r for r in reports if r.status == "failed"]
    lines = []
    for r in reports:
        if r.status == "failed":
            lines.append(f"failed     {r.file}: {r.error}")
        else:
            lines.append(f"{r.status:<10} {r.file} → {r.doc_id} ({r.provisions} provisions, {r.pages} pages)")
            lines += [f"           warning: {w}" for w in r.warnings[:3]]
            if len(r.warnings) > 3:
                lines.append(f"           ({len(r.warnings) - 3} more warnings: --json lists them)")
    counts = {
        s: sum(1 for r in reports if r.status == s) for s in ("added", "updated", "unchanged", "failed")
    }
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to do")
    if args.json:  # stdout carries the JSON; failures still get their one line on stderr
        for r in failed:
            print(f"ctkb: {r.file}: {r.error}", file=sys.stderr)
    return Outcome("\n".join(lines), [r.as_json() for r in reports], 1 if failed else 0)


def _prepare_lexicons(runtime: Any) -> None:
    """Cross-lingual search words for the new documents now, so the first search does not wait."""
    from search.lexicon import Lexicons

    lexicons = Lexicons.for_runtime(runtime)
    if lexicons is None:
        return
    t0 = time.perf_counter()
    built = lexicons.prepare()
    if built:
        words = ", ".join(f"{lex.language} {len(lex.words)} words" for lex in built)
        print(f"lexicons: {words} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr, flush=True)


def _document(runtime: Any, doc: str) -> Any:
    record = runtime.index.get_document(doc)
    if record is None:
        raise CtkbError(f"no document '{doc}' in the index (see `ctkb docs`)")
    return record


def docs(args: argparse.Namespace) -> Outcome:
    from ui.render import documents_table, meta_json

    runtime = runtime_from(args, read_only=True)
    try:
        records = runtime.index.documents()
    finally:
        runtime.close()
    data = [meta_json(r.meta) | {"provisions": r.provisions, "chunks": r.chunks} for r in records]
    return Outcome(documents_table(records), data)


def show(args: argparse.Namespace) -> Outcome:
    from ui.render import meta_json, outline_json, outline_text

    runtime = runtime_from(args, read_only=True)
    try:
        record = _document(runtime, args.doc)
        chunks = runtime.index.chunks(record.meta.doc_id)
    finally:
        runtime.close()
    data = meta_json(record.meta) | {"provisions": outline_json(chunks)}
    return Outcome(outline_text(record, chunks), data)


def remove(args: argparse.Namespace) -> Outcome:
    from ingest.service import remove_document

    runtime = runtime_from(args)
    try:
        removed = remove_document(runtime, args.doc)
    finally:
        runtime.close()
    if not removed:
        raise CtkbError(f"no document '{args.doc}' in the index (see `ctkb docs`)")
    return Outcome(f"removed {args.doc}", {"doc_id": args.doc, "removed": True})


def model(args: argparse.Namespace) -> Outcome:
    from ingest import latent_terms
    from ingest.embedding import resolve_model

    settings = settings_from(args)
    spec = resolve_model(settings.model, settings.cache_dir)
    data = {"model_id": spec.model_id, "path": str(spec.path), "dim": spec.dim, "max_tokens": spec.max_tokens}
    # whether a new index gets latent terms (an existing index keeps what it was created with)
    data["latent_terms"] = settings.latent_terms and spec.latent_terms and latent_terms.available()
    return Outcome("\n".join(f"{k}: {v}" for k, v in data.items()), data)

"""``ctkb`` commands that read the index: search, similar, eval, compare, coverage, and the app."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ingest.errors import CtkbError
from ui.cli_support import Outcome, runtime_from, write_reports

GOLD_DEFAULT = Path(__file__).resolve().parent.parent / "search" / "data" / "gold" / "gold.jsonl"


def _engine(runtime: Any) -> Any:
    from search.engine import SearchEngine

    if runtime.index.info() is None:
        raise CtkbError("the index is empty (add files with `ctkb ingest PATH...`)")
    runtime.check_model()
    return SearchEngine.from_runtime(runtime)


def _filters(args: argparse.Namespace) -> Any:
    from search.filters import SearchFilters

    return SearchFilters.of(
        jurisdiction=args.jurisdiction,
        doc_type=args.doc_type,
        language=args.language,
        status=args.status,
        year_from=args.year_from,
        year_to=args.year_to,
        doc=args.doc,
    )


def _snippet_text(snippet: Any) -> str:
    """Terminal rendering: query terms between ⟦ ⟧ (no colour codes, so output can be pasted)."""
    return "".join(f"⟦{text}⟧" if marked else text for text, marked in snippet.segments())


def _hit_lines(rank: int, hit: Any) -> list[str]:
    from search.citation import page_span

    heading = f" – {hit.heading}" if hit.heading else ""
    pinned = "  [named in the query]" if getattr(hit, "matched", "") == "reference" else ""
    best = f"  (best match p. {hit.best_page})" if hit.best_page > hit.page_start else ""
    pages = hit.pinpoint_pages  # the provision's pages when there is no pinpoint
    # the paragraph's own page where it is narrower than the provision's pages
    where = f", {page_span(*pages)}" if pages != (hit.page_start, hit.page_end) else ""
    return [
        f"{rank:>2}. {hit.citation}{best}{pinned}",
        f"    {hit.label}{hit.pinpoint}{where}{heading}   (score {hit.score:.3f})",
        "    " + " ".join(_snippet_text(hit.snippet).split()),
    ]


def search(args: argparse.Namespace) -> Outcome:
    from search.engine import SearchRequest

    if args.top_k < 1:
        raise CtkbError("--top-k must be at least 1")
    from search.report import results_csv, results_markdown

    filters = _filters(args)
    runtime = runtime_from(args, read_only=True)
    try:
        engine = _engine(runtime)
        result = engine.search(SearchRequest(args.query, top_k=args.top_k, mode=args.mode, filters=filters))
    finally:
        runtime.close()
    written = write_reports(
        (
            (getattr(args, "md", None), lambda: results_markdown(result, filters)),
            (getattr(args, "csv", None), lambda: results_csv(result)),
        )
    )
    lines: list[str] = [] if result.hits else ["no matching provisions"]
    for rank, hit in enumerate(result.hits, 1):
        lines += _hit_lines(rank, hit)
    lines += [f"wrote {w}" for w in written]
    return Outcome("\n".join(lines), result.as_json())


def similar(args: argparse.Namespace) -> Outcome:
    runtime = runtime_from(args, read_only=True)
    try:
        engine = _engine(runtime)
        if runtime.index.get_document(args.doc) is None:
            raise CtkbError(f"no document '{args.doc}' in the index (see `ctkb docs`)")
        groups = engine.similar(args.doc, args.provision, top_k=args.top_k)
    finally:
        runtime.close()
    data = {"doc_id": args.doc, "provision": args.provision, "groups": [g.as_json() for g in groups]}
    if not groups:
        return Outcome("no similar provisions in other documents", data)
    lines: list[str] = []
    for group in groups:
        lines.append(f"{group.title} [{group.doc_id}]")
        for hit in group.hits:
            heading = f" – {hit.heading}" if hit.heading else ""
            lines.append(f"    {hit.citation}{heading}   (score {hit.score:.3f})")
    return Outcome("\n".join(lines), data)


def evaluate(args: argparse.Namespace) -> Outcome:
    from search.evaluation import evaluate as run_eval
    from search.evaluation import load_qrels

    path = args.qrels or GOLD_DEFAULT
    if not path.is_file():
        raise CtkbError(f"{path}: no such gold set")
    qrels = load_qrels(path)
    runtime = runtime_from(args, read_only=True)
    try:
        engine = _engine(runtime)
        modes = tuple(args.mode) if args.mode else ("hybrid", "semantic", "keyword")
        report = run_eval(engine, qrels, modes, filters=_filters(args))
    finally:
        runtime.close()
    return Outcome(report.table(verbose=args.verbose), report.as_json(verbose=args.verbose))

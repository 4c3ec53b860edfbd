"""``ctkb compare`` and ``ctkb coverage``: documents from the index or from files, reports to files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ingest.errors import CtkbError
from ui.cli_support import Outcome, runtime_from, write_reports

# Friendly names for the shipped reference checklists.
CHECKLIST_ALIASES = {
    "un-protocol": "un_trafficking_protocol",
    "palermo": "un_trafficking_protocol",
    "un_trafficking_protocol": "un_trafficking_protocol",
    "coe-convention": "coe_convention",
    "coe": "coe_convention",
    "coe_convention": "coe_convention",
}


def _load(runtime: Any, ref: str) -> Any:
    """A document id in the index, else a file parsed on the fly (not stored)."""
    from ingest.service import load_document, parse_file

    path = Path(ref)
    if path.is_file():
        return parse_file(path)
    if runtime.index.info() is not None and runtime.index.get_document(ref) is not None:
        return load_document(runtime, ref)
    raise CtkbError(f"'{ref}' is neither a file nor a document id in the index (see `ctkb docs`)")


def _write_reports(report: Any, args: argparse.Namespace) -> list[str]:
    from search.report import to_csv, to_html, to_markdown

    return write_reports(
        (
            (getattr(args, "html", None), lambda: to_html(report)),
            (getattr(args, "md", None), lambda: to_markdown(report)),
            (getattr(args, "csv", None), lambda: to_csv(report)),
        )
    )


def _pair_line(pair: Any) -> str:
    left = pair.left.label if pair.left is not None else "—"
    right = pair.right.label if pair.right is not None else "—"
    flags = [f for f in ("renumbered", "moved", "split", "merged") if getattr(pair, f)]
    heading = (pair.right or pair.left).heading
    extra = f" [{', '.join(flags)}]" if flags else ""
    by = f"  (changed by {', '.join(pair.changed_by)})" if pair.changed_by else ""
    return f"  {left:<16} → {right:<16} {pair.status:<10} {pair.similarity:5.2f}{extra}  {heading}{by}"


def compare(args: argparse.Namespace) -> Outcome:
    from search.compare import compare_documents
    from search.report import to_json

    if args.tracked_changes and args.right is not None:
        raise CtkbError("--tracked-changes compares one Word file with itself: give only that file")
    if not args.tracked_changes and args.right is None:
        raise CtkbError("compare needs two documents (ids or files), or one Word file with --tracked-changes")
    runtime = runtime_from(args, read_only=True)
    try:
        if args.tracked_changes:
            from ingest.service import tracked_versions
            from search.compare import compare_tracked

            draft = tracked_versions(Path(args.left))
            left, right = draft.before, draft.after
            comparison = compare_tracked(draft, runtime.embedder)
        else:
            left, right = _load(runtime, args.left), _load(runtime, args.right)
            comparison = compare_documents(left, right, runtime.embedder)
    finally:
        runtime.close()
    written = _write_reports(comparison, args)
    summary = ", ".join(f"{n} {k}" for k, n in comparison.summary.items() if n)
    lines = [f"{left.meta.title or left.meta.doc_id}  →  {right.meta.title or right.meta.doc_id}", summary]
    if comparison.cross_language:
        from search.compare import CROSS_LANGUAGE_NOTE

        lines.append(CROSS_LANGUAGE_NOTE)
    lines += [_pair_line(p) for p in comparison.pairs]
    lines += [f"wrote {w}" for w in written]
    return Outcome("\n".join(lines), to_json(comparison))


def coverage(args: argparse.Namespace) -> Outcome:
    from search.coverage import coverage as run_coverage
    from search.coverage import load_checklist
    from search.report import to_json

    runtime = runtime_from(args, read_only=True)
    try:
        draft = _load(runtime, args.draft)
        name = CHECKLIST_ALIASES.get(args.against.lower())
        reference = load_checklist(name) if name else _load(runtime, args.against)
        report = run_coverage(draft, reference, runtime.embedder)
    finally:
        runtime.close()
    written = _write_reports(report, args)
    lines = [
        f"{draft.meta.title or draft.meta.doc_id} against {report.checklist_title}",
        ", ".join(f"{n} {k}" for k, n in report.summary.items()),
    ]
    if report.language_note:
        lines.append(f"({report.language_note})")
    for item in report.items:
        best = item.matches[0].provision.label + item.matches[0].pinpoint if item.matches else "—"
        lines.append(f"  {item.status:<8} {item.item.title} ({item.item.article})  ← {best}")
    lines += [f"wrote {w}" for w in written]
    return Outcome("\n".join(lines), to_json(report))

"""JSON, CSV and Markdown renderings of a Comparison or a CoverageReport."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any

from ingest.model import DocumentMeta, Provision
from search.citation import provision_label, provision_pages
from search.compare import CROSS_LANGUAGE_NOTE, Comparison, Pair
from search.coverage import CoverageReport


def meta_json(meta: DocumentMeta) -> dict[str, Any]:
    return asdict(meta)


def provision_json(p: Provision | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "number": p.number,
        "label": p.label,
        "heading": p.heading,
        "text": p.text,
        "page_start": p.page_start,
    }


def pair_json(p: Pair) -> dict[str, Any]:
    return {
        "left": provision_json(p.left),
        "right": provision_json(p.right),
        "status": p.status,
        "renumbered": p.renumbered,
        "moved": p.moved,
        "split": p.split,
        "merged": p.merged,
        "similarity": p.similarity,
        "diff": [op.as_json() for op in p.diff],
        "changed_by": list(p.changed_by),
    }


def to_json(report: Comparison | CoverageReport) -> dict[str, Any]:
    """The ``--json`` document (issue 4, item 5): pairs in right-document order, removed where they stood."""
    if isinstance(report, CoverageReport):
        return {
            "draft": meta_json(report.draft_meta),
            "reference": {"id": report.checklist_id, "title": report.checklist_title},
            "items": [
                {
                    "id": ic.item.id,
                    "title": ic.item.title,
                    "article": ic.item.article,
                    "status": ic.status,
                    "score": ic.score,
                    "matches": [
                        {
                            **(provision_json(m.provision) or {}),
                            "score": m.score,
                            "cosine": m.cosine,
                            "keywords": list(m.keywords),
                            "pinpoint": m.pinpoint,
                        }
                        for m in ic.matches
                    ],
                }
                for ic in report.items
            ],
            "summary": dict(report.summary),
            "calibration": dict(report.calibration),
            "translated_to": report.translated_to,
        }
    return {
        "left": meta_json(report.left_meta),
        "right": meta_json(report.right_meta),
        "cross_language": report.cross_language,
        "pairs": [pair_json(p) for p in report.pairs],
        "summary": dict(report.summary),
    }


def _cite(p: Provision | None, pinpoint: str = "") -> str:
    """ "Article 13(1), p. 4 (Recovery period)": the provision, or the paragraph a pinpoint names, where it is printed."""
    if p is None:
        return ""
    label = provision_label(p, pinpoint, pages=True)
    return " ".join(x for x in (label, f"({p.heading})" if p.heading else "") if x)


def flags(p: Pair) -> str:
    return ", ".join(f for f in ("renumbered", "moved", "split", "merged") if getattr(p, f))


def to_csv(report: Comparison | CoverageReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    if isinstance(report, CoverageReport):
        w.writerow(["item", "title", "article", "status", "score", "best_provision", "other_provisions"])
        for ic in report.items:
            best = _cite(ic.matches[0].provision, ic.matches[0].pinpoint) if ic.matches else ""
            others = "; ".join(_cite(m.provision, m.pinpoint) for m in ic.matches[1:])
            w.writerow([ic.item.id, ic.item.title, ic.item.article, ic.status, ic.score, best, others])
        return buf.getvalue()
    w.writerow(
        [
            "left_number",
            "left_heading",
            "right_number",
            "right_heading",
            "status",
            "renumbered",
            "moved",
            "split",
            "merged",
            "similarity",
            "left_pages",
            "right_pages",
            "changed_by",
        ]
    )
    for p in report.pairs:
        w.writerow(
            [
                p.left.number if p.left else "",
                p.left.heading if p.left else "",
                p.right.number if p.right else "",
                p.right.heading if p.right else "",
                p.status,
                p.renumbered,
                p.moved,
                p.split,
                p.merged,
                p.similarity,
                provision_pages(p.left) if p.left else "",
                provision_pages(p.right) if p.right else "",
                "; ".join(p.changed_by),
            ]
        )
    return buf.getvalue()


def _md(text: str) -> str:
    """Markdown table cell: no pipes or newlines, inline HTML neutralised."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ").strip()


def _md_redline(p: Pair) -> str:
    parts: list[str] = []
    for op in p.diff:
        if op.op == "equal":
            parts.append(_md(op.left))
        if op.op in ("delete", "replace") and op.left:
            parts.append(f"~~{_md(op.left)}~~")
        if op.op in ("insert", "replace") and op.right:
            parts.append(f"**{_md(op.right)}**")
    return " ".join(parts)


def to_markdown(report: Comparison | CoverageReport) -> str:
    if isinstance(report, CoverageReport):
        lines = [f"# Coverage of {_md(report.draft_meta.title or report.draft_meta.doc_id)}", ""]
        lines += [f"Reference: {_md(report.checklist_title)}", ""]
        lines += [", ".join(f"{k}: {v}" for k, v in report.summary.items()), ""]
        if report.language_note:
            lines += [_md(report.language_note), ""]
        lines += ["| Item | Article | Status | Score | Best provision(s) |", "|---|---|---|---|---|"]
        for ic in report.items:
            cites = "; ".join(_md(_cite(m.provision, m.pinpoint)) for m in ic.matches)
            lines.append(
                f"| {_md(ic.item.title)} | {_md(ic.item.article)} | {ic.status} | {ic.score:.2f} | {cites} |"
            )
        return "\n".join(lines) + "\n"
    left = report.left_meta.title or report.left_meta.doc_id
    right = report.right_meta.title or report.right_meta.doc_id
    lines = [f"# Comparison: {_md(left)} → {_md(right)}", ""]
    lines += [", ".join(f"{k}: {v}" for k, v in report.summary.items()), ""]
    if report.cross_language:
        lines += [CROSS_LANGUAGE_NOTE, ""]
    authored = any(p.changed_by for p in report.pairs)  # a Word draft's tracked changes
    lines += [
        "| Left | Right | Status | Flags | Similarity |" + (" Changed by |" if authored else ""),
        "|---|---|---|---|---|" + ("---|" if authored else ""),
    ]
    for p in report.pairs:
        by = f" {_md(', '.join(p.changed_by))} |" if authored else ""
        lines.append(
            f"| {_md(_cite(p.left))} | {_md(_cite(p.right))} | {p.status} | {flags(p)} "
            f"| {p.similarity:.2f} |{by}"
        )
    changed = [p for p in report.pairs if p.status == "modified" and p.diff]
    if changed:
        lines += ["", "## Redlines", ""]
        for p in changed:
            lines += [
                f"### {_md(_cite(p.left))} → {_md(_cite(p.right))}",
                "",
                _md_redline(p),
                "",
            ]
    return "\n".join(lines) + "\n"

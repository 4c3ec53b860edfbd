"""Plain-text and JSON renderings shared by the CLI (pure functions over library types)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.model import DocumentMeta, label_heading


def meta_json(meta: DocumentMeta) -> dict[str, Any]:
    return {
        "doc_id": meta.doc_id,
        "title": meta.title,
        "source": meta.source,
        "sha256": meta.sha256,
        "jurisdiction": meta.jurisdiction,
        "doc_type": meta.doc_type,
        "language": meta.language,
        "year": meta.year,
        "status": meta.status,
        "version": meta.version,
        "work": meta.work,
        "pages": meta.pages,
        "ocr_pages": meta.ocr_pages,
    }


def documents_table(records: Sequence[Any]) -> str:
    if not records:
        return "the index is empty (add files with `ctkb ingest PATH...`)"
    rows = [("DOC ID", "TITLE", "LANG", "YEAR", "TYPE", "PROV.", "PAGES")]
    for r in records:
        m = r.meta
        title = m.title if len(m.title) <= 60 else m.title[:59] + "…"
        rows.append(
            (m.doc_id, title, m.language, str(m.year or ""), m.doc_type, str(r.provisions), str(m.pages))
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _pages(start: int, end: int) -> str:
    if not start:
        return ""
    return f"p. {start}" if end in (0, start) else f"pp. {start}–{end}"


def outline_json(chunks: Sequence[Any]) -> list[dict[str, Any]]:
    """One entry per provision (multi-part chunks merged), in document order."""
    out: list[dict[str, Any]] = []
    for stored in chunks:
        c = stored.chunk
        if out and out[-1]["id"] == c.provision_id:
            out[-1]["page_end"] = max(out[-1]["page_end"], c.page_end)
            continue
        out.append(
            {
                "id": c.provision_id,
                "kind": c.kind,
                "number": c.number,
                "label": c.label,
                "heading": c.heading,
                "path": list(c.path),
                "page_start": c.page_start,
                "page_end": c.page_end,
            }
        )
    return out


def outline_text(record: Any, chunks: Sequence[Any]) -> str:
    m = record.meta
    lines = [f"{m.title} [{m.doc_id}] — {record.provisions} provisions, {m.pages} pages"]
    current: tuple[str, ...] = ()
    shown = ""  # the last provision's own line, which a section's children have in their path
    for p in outline_json(chunks):
        path = tuple(p["path"])
        if path != current:
            # print only the container levels that changed (not the section just printed as a provision)
            common = 0
            while common < min(len(path), len(current)) and path[common] == current[common]:
                common += 1
            for depth in range(common, len(path)):
                if not (depth == len(current) and path[depth] == shown):
                    lines.append("  " * (depth + 1) + path[depth])
            current = path
        shown = label_heading(p["label"] or p["kind"].title(), p["heading"])
        lines.append("  " * (len(path) + 1) + f"{shown}  ({_pages(p['page_start'], p['page_end'])})")
    return "\n".join(lines)

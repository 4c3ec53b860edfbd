"""chunk stage: one Chunk per unit; a unit longer than the model window is split into parts.

Splits happen at paragraph boundaries first (the unit's top-level paragraphs/points, blank lines),
then at nested sub-points and numbered lines, then between sentences; a single sentence longer
than the window is split between its lines only when it spans several lines (tables, lists without
punctuation) and otherwise kept whole. Parts are consecutive slices of the unit text, so nothing is
lost or repeated. Every part's ``embed_text`` (what the dense model reads) starts with the
provision's own label and heading ("Article 5 – Heading"); its ``keyword_text`` (what BM25 indexes)
with the whole breadcrumb ("Title › Chapter II – X › Article 5 – Heading"). Its page span is found
by locating its first and last lines in the document's pages.

Why not the whole breadcrumb for the dense side too: measured with multilingual-e5-small, a
document title and chapter path repeated in every chunk of a document pull its chunks together and
drown what each provision says (search semantic nDCG@10 on the gold set 0.536 -> 0.552 without them,
0.488 -> 0.606 for English questions over the Dutch treaties; docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ingest.model import Chunk, LegalDocument, PageBreaks, PageText, Provision, page_at

Span = tuple[int, int]
SEP = " › "
_MARKER_LINE = re.compile(r"^[ \t]*(?:\(?\d{1,3}[.)°]\s|\(\w{1,4}\)|[a-z]\)\s|\d{1,3}\.\s)", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"”’)]?\s+(?=[\"“‘(\[]?[A-ZА-ЯЁ\d\u10D0-\u10FF\u0531-\u0556])")
_MIN_BUDGET = 16


def own_heading(unit: Provision) -> str:
    """ "Article 5 – Heading" (or whichever of the two the unit has)."""
    if unit.heading and unit.label and unit.heading != unit.label:
        return f"{unit.label} – {unit.heading}"
    return unit.label or unit.heading


def breadcrumb(title: str, unit: Provision) -> str:
    return SEP.join(p for p in (title, *unit.path, own_heading(unit)) if p)


def chunk_document(doc: LegalDocument, max_tokens: int, count_tokens: Callable[[str], int]) -> list[Chunk]:
    """Chunks in document order; the same document always gives the same chunks."""
    title = doc.meta.title or doc.meta.doc_id
    chunks: list[Chunk] = []
    for ordinal, unit in enumerate(doc.units()):
        crumb = breadcrumb(title, unit)
        head = own_heading(unit)
        text = unit.text or unit.heading or unit.label
        # the model's window bounds what the dense side reads: the heading line and the body
        budget = max(_MIN_BUDGET, max_tokens - count_tokens(head + "\n"))
        if count_tokens(f"{head}\n{text}") <= max_tokens:
            spans = [(0, len(text))]
        else:
            spans = split_text(text, budget, count_tokens, _child_starts(unit, text))
        parts = [(s, e) for s, e in spans if text[s:e].strip()] or [(0, len(text))]
        pages = _part_pages(text, parts, unit, doc.pages)
        for n, ((s, e), (p0, p1)) in enumerate(zip(parts, pages, strict=True)):
            body = text[s:e].strip()
            at = s + len(text[s:e]) - len(text[s:e].lstrip())
            chunks.append(
                Chunk(
                    provision_id=unit.id,
                    ordinal=ordinal,
                    kind=unit.kind,
                    number=unit.number,
                    label=unit.label,
                    heading=unit.heading,
                    path=unit.path,
                    page_start=p0,
                    page_end=p1,
                    text=body,
                    embed_text=f"{head}\n{body}" if head else body,
                    keyword_text=f"{crumb}\n{body}",
                    part=n,
                    parts=len(parts),
                    page_breaks=part_breaks(unit, at, len(body)) if unit.text else (),
                )
            )
    return chunks


def part_breaks(unit: Provision, start: int, length: int) -> PageBreaks:
    """The page breaks of ``unit.text[start:start + length]``, offsets counted from ``start``, led by
    the page its first character is printed on; () when the unit lies on one page."""
    if unit.page_end <= unit.page_start:
        return ()
    inside = tuple((at - start, page) for at, page in unit.page_breaks if start < at < start + length)
    return ((0, page_at(unit.page_breaks, start, unit.page_start)), *inside)


def _child_starts(unit: Provision, text: str) -> tuple[list[int], list[int]]:
    """Offsets in ``text`` where top-level children start, and where nested ones start."""
    top: list[int] = []
    nested: list[int] = []
    cursor = 0

    def find(p: Provision, into: list[int], depth: int) -> None:
        nonlocal cursor
        probe = p.text[:80]
        at = text.find(probe, cursor) if probe else -1
        if at >= 0:
            into.append(at)
            cursor = at + 1
        for c in p.children:
            find(c, nested, depth + 1)

    for child in unit.children:
        find(child, top, 0)
    return top, nested


def split_text(
    text: str, budget: int, count: Callable[[str], int], starts: tuple[list[int], list[int]] = ([], [])
) -> list[Span]:
    """Consecutive spans covering ``text`` exactly, each within ``budget`` tokens when possible."""
    levels: list[Callable[[int, int], list[int]]] = [
        lambda s, e: sorted({*(x for x in starts[0] if s < x < e), *_blank_breaks(text, s, e)}),
        lambda s, e: sorted({*(x for x in starts[1] if s < x < e), *_marker_breaks(text, s, e)}),
        lambda s, e: [m.end() for m in _SENTENCE_END.finditer(text, s, e) if s < m.end() < e],
        lambda s, e: _line_breaks(text, s, e),
    ]

    def rec(s: int, e: int, level: int) -> list[Span]:
        if count(text[s:e]) <= budget or level >= len(levels):
            return [(s, e)]
        cuts = levels[level](s, e)
        if not cuts:
            return rec(s, e, level + 1)
        bounds = [s, *cuts, e]
        pieces: list[Span] = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            pieces.extend(rec(a, b, level + 1))
        return _merge(text, pieces, budget, count)

    return rec(0, len(text), 0)


_BLANK = re.compile(r"\n[ \t]*\n")
_NEWLINE = re.compile(r"\n")


def _blank_breaks(text: str, s: int, e: int) -> list[int]:
    return [m.end() for m in _BLANK.finditer(text, s, e) if m.end() < e]


def _line_breaks(text: str, s: int, e: int) -> list[int]:
    return [m.end() for m in _NEWLINE.finditer(text, s, e) if s < m.end() < e]


def _marker_breaks(text: str, s: int, e: int) -> list[int]:
    return [m.start() for m in _MARKER_LINE.finditer(text, s, e) if m.start() > s]


def _merge(text: str, pieces: Sequence[Span], budget: int, count: Callable[[str], int]) -> list[Span]:
    """Greedily join neighbouring pieces while they fit."""
    out: list[Span] = []
    for s, e in pieces:
        if out and count(text[out[-1][0] : e]) <= budget:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _part_pages(
    text: str, parts: Sequence[Span], unit: Provision, pages: Sequence[PageText]
) -> list[tuple[int, int]]:
    """Page span of each part: where its first and last lines are printed."""
    if len(parts) == 1 or not pages or unit.page_start == unit.page_end:
        return [(unit.page_start, unit.page_end)] * len(parts)
    by_number = {p.number: p.text for p in pages}
    span = range(unit.page_start, unit.page_end + 1)

    def locate(line: str, start: int) -> int | None:
        for n in span:
            if n >= start and line in by_number.get(n, ""):
                return n
        return None

    out: list[tuple[int, int]] = []
    cursor = unit.page_start
    for s, e in parts:
        lines = [ln.strip() for ln in text[s:e].splitlines() if ln.strip()]
        # Short lines ("4 OF 2015") match anywhere: anchor on a longer one, then let the first line
        # move the start back by at most a page (the part may begin at the foot of a page).
        anchor = next((ln for ln in lines[:3] if len(ln) >= 20), lines[0] if lines else "")
        p0 = (locate(anchor, cursor) if anchor else None) or cursor
        if lines and lines[0] != anchor:
            p_first = locate(lines[0], max(cursor, p0 - 1))
            p0 = p_first if p_first in (p0 - 1, p0) else p0
        p1 = (locate(lines[-1], p0) if lines else None) or p0
        out.append((p0, max(p0, p1)))
        cursor = p0
    return out

"""Which headings make units: keyword articles, numbered sections/paragraphs, or outline headings;
annexes at the end; margin notes as headings; extra headings inside over-long stretches."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.model import DocumentMeta, PageText
from ingest.structure.headings import Cand, annex_candidates, keyword_candidates, numbered_candidates
from ingest.structure.lines import Line, MarginNote
from ingest.structure.outline import (
    LineStats,
    outline_candidates,
    part_above,
    running_text,
    select_outline,
    split_long,
)
from ingest.structure.select import select_containers, select_numbered, select_units, skipped_warnings

LAW_TYPES = frozenset({"law", "draft_law", "act", "code", "regulation", "decree", "amendment", "treaty"})
_ENACTING = ("enacted", "ENACTED", "Enacted", "This Act may be called", "This Act may be cited")


def choose_units(
    lines: list[Line], meta: DocumentMeta, n_pages: int, margins: bool, warnings: list[str]
) -> tuple[list[Cand], list[Cand], str]:
    """(units, containers, mode) with mode "keyword", "numbered" or "outline"."""
    kw = keyword_candidates(lines)
    conts = [c for c in kw if c.family in ("container", "roman")]
    units = select_units([c for c in kw if c.family == "unit"], conts, lines)
    numbered = select_numbered(numbered_candidates(lines, headings=not margins), conts, lines)
    early = [c for c in numbered if units and c.line < units[0].line]
    if units and len(early) >= 3 and 2 * len(early) >= len(units):
        units, mode = early, "numbered"  # an act whose schedule quotes a convention's articles
    elif len(units) >= 2 or (units and len(numbered) < 10):
        mode = "keyword"
        warnings += skipped_warnings([c for c in kw if c.family == "unit"], units, lines)
        conts = [c for c in conts if c.family != "roman" or c.word]  # "I. Overview" only in reports
    elif len(numbered) >= 3:
        units, mode = numbered, "numbered"
    else:
        units, mode, conts = select_outline(outline_candidates(lines), n_pages), "outline", []
    return units, select_containers(conts, units, lines), mode


def split_long_stretches(lines: list[Line], events: list[Cand], clauses: bool, law: bool) -> list[Cand]:
    """Over-long stretches that are not articles or sections (a preamble, a chapter introduction,
    a report paragraph) are split at the headings found inside them."""
    out: list[Cand] = []
    stats = LineStats.of(lines)
    bounds = [None, *events]
    for n, c in enumerate(bounds):
        lo = 0 if c is None else c.end + 1
        hi = events[n].line if n < len(events) else len(lines)
        if c is not None:
            out.append(c)
        found: list[Cand] = []
        if c is None or c.family in ("container", "roman") or (clauses and c.family != "annex"):
            # In laws and treaties only a very long preface is split (a report bound with the law).
            found = split_long(lines, lo, hi, 12000 if clauses else 40000, stats)
        elif c.family == "unit" and not law:  # "Article III" of guidelines: a chapter, not an article
            found = split_long(lines, lo, hi, 40000, stats)
        elif c.family == "annex" and not law and running_text(lines, lo, hi, stats):  # a report's long
            found = split_long(lines, lo, hi, 40000, stats)  # appendix of running text (not of tables)
        if not found and clauses and n < len(events) and events[n].family == "numbered":
            found = part_above(lines, lo, hi, stats)
        out.extend(found)
    return out


def cut_annexes(
    lines: list[Line], units: list[Cand], conts: list[Cand]
) -> tuple[list[Cand], list[Cand], list[Cand]]:
    """Schedules/annexes after the body: everything from the first one on belongs to annex units."""
    for a in annex_candidates(lines):
        if a.line <= units[0].line:
            continue
        after = sum(1 for u in units if u.line > a.line)
        if after <= max(2, len(units) // 4):
            annexes = [x for x in annex_candidates(lines) if x.line >= a.line]
            return [u for u in units if u.line < a.line], [c for c in conts if c.line < a.line], annexes
    return units, conts, []


def margin_headings(
    units: list[Cand], notes: list[MarginNote], pages: Sequence[PageText], lines: list[Line]
) -> dict[int, str]:
    """Margin notes of gazette acts become the heading of the unit they sit next to."""
    out: dict[int, str] = {}
    starts = {u.line: u for u in units}
    for note in notes:
        near = [s for s in starts if -2 <= s - note.at <= 3 and lines[s].page == note.page and s not in out]
        if near:
            out[min(near, key=lambda s: abs(s - note.at))] = note.text.rstrip(". ")
            continue
        before = [s for s in starts if s < note.at and lines[s].page == note.page]
        if before and max(before) not in out and not starts[max(before)].heading:
            out[max(before)] = note.text.rstrip(". ")
    for page in pages:  # readers that only give per-page notes: fill headingless units in order
        free = [
            u.line for u in units if lines[u.line].page == page.number and u.line not in out and not u.heading
        ]
        for line, text in zip(free, page.margin_notes if not notes else (), strict=False):
            out[line] = text.rstrip(". ")
    return out


def lawlike(meta: DocumentMeta, lines: list[Line]) -> bool:
    """Numbered units are sections in laws (doc_type, or an enacting formula) and clauses elsewhere."""
    if meta.doc_type:
        return meta.doc_type in LAW_TYPES
    return any(w in ln.text for ln in lines[:400] for w in _ENACTING)

"""Margin-note detection on positioned text runs (no PDF library here: pdf.py feeds it runs).

Gazette acts (Sri Lanka, India, ...) print each section's title in a narrow column beside the text.
A document has a margin column when, on a fair share of its odd or even pages, short lines start at one
x position that lies wholly left of the body's left edge or right of its right edge. Such lines are
lifted out of the body and emitted as ``MARGIN_MARK + note`` lines where each note starts vertically
(wrapped lines joined: one mark line is one whole note). Amending acts also set notes beside the
sections they quote, inside the text block: those are taken when they are in the notes' smaller size.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

MARGIN_MARK = "\x1f"

_NARROW_CHARS = 28  # a margin note line is short: the column is a few centimetres wide
_MIN_BODY_CHARS = 20  # lines that define the body block's edges
_X_TOL = 3.0  # points
_PAGE_X_TOL = 12.0
_MAX_SEGMENTS = 3000  # busier pages (huge tables, malicious files) are left as pypdf extracts them
# pypdf does not report character/word spacing or horizontal scaling, and gazettes set text tightly:
# estimated widths run long by up to ~15%, so only this share of them counts as certainly inked.
_INKED = 0.8
_MIN_LETTERS = re.compile(r"[^\W\d_]{3}")
_NOT_TERMINAL = re.compile(r"\b(?:No|Nos|s|ss|Art|Cap|Ch)\.$")


@dataclass(frozen=True)
class Run:
    """One piece of text as the PDF draws it: start x/y, estimated end x, font size (points)."""

    x: float
    y: float
    x_end: float
    size: float
    text: str
    upright: bool = True


@dataclass(frozen=True)
class Segment:
    """A visual line fragment: consecutive runs on one baseline (indices into the page's runs)."""

    x: float
    y: float
    x_end: float
    size: float
    text: str
    runs: tuple[int, ...]
    upright: bool = True


@dataclass(frozen=True)
class Column:
    """A margin column found for pages of one parity (0: pages 1, 3, ...; 1: pages 2, 4, ...)."""

    parity: int
    x: float
    side: str  # "left" | "right"


def segments(runs: Sequence[Run]) -> list[Segment]:
    """Split a page's runs into visual line fragments (on newlines and baseline changes)."""
    out: list[Segment] = []
    cur: list[int] = []
    texts: list[str] = []

    def flush() -> None:
        text = "".join(texts).strip()
        if cur and text:
            rs = [runs[i] for i in cur]
            first = next(r for r in rs if r.text.strip())
            out.append(
                Segment(
                    first.x, first.y, max(r.x_end for r in rs), first.size, text, tuple(cur), first.upright
                )
            )
        cur.clear()
        texts.clear()

    for i, run in enumerate(runs):
        parts = run.text.split("\n")
        for k, part in enumerate(parts):
            if k > 0:
                flush()
            if not part.strip():
                continue
            if cur and not _same_line(runs[cur[-1]], run):
                flush()
            if not cur or cur[-1] != i:
                cur.append(i)
            texts.append(part)
    flush()
    return out


def _same_line(a: Run, b: Run) -> bool:
    return abs(a.y - b.y) <= max(2.0, 0.5 * max(a.size, b.size)) and b.x >= a.x - 1.0


def _is_note_line(seg: Segment) -> bool:
    return len(seg.text) <= _NARROW_CHARS


def find_columns(pages: Sequence[Sequence[Segment]]) -> list[Column]:
    """Margin columns of a document, per page parity; empty for ordinary layouts."""
    columns: list[Column] = []
    for parity in (0, 1):
        group = [(i, segs) for i, segs in enumerate(pages) if i % 2 == parity]
        if len(group) < 2:
            continue
        by_x: dict[int, list[tuple[int, Segment]]] = defaultdict(list)
        for i, segs in group:
            if len(segs) > _MAX_SEGMENTS:
                continue
            for s in segs:
                if s.upright:
                    by_x[round(s.x)].append((i, s))
        for x in _cluster_centres(by_x):
            members = [m for k, v in by_x.items() if abs(k - x) <= _X_TOL for m in v]
            col = _judge_column(parity, x, members, dict(group), len(group))
            if col is not None:
                columns.append(col)
    return columns


def _cluster_centres(by_x: dict[int, list[tuple[int, Segment]]]) -> list[float]:
    """The most populated x positions, each taken once (neighbours within tolerance merge)."""
    centres: list[float] = []
    for x, _ in sorted(by_x.items(), key=lambda kv: -len(kv[1])):
        if all(abs(x - c) > _X_TOL for c in centres):
            centres.append(float(x))
    return centres[:12]


def _judge_column(
    parity: int,
    x: float,
    members: list[tuple[int, Segment]],
    pages: dict[int, Sequence[Segment]],
    n_pages: int,
) -> Column | None:
    """A column qualifies when its lines are short, worded, varied and outside the body block."""
    page_ids = {i for i, _ in members}
    if len(page_ids) < max(2, 0.2 * n_pages) or len(members) < 1.5 * len(page_ids):
        return None
    segs = [s for _, s in members]
    if sum(map(_is_note_line, segs)) < 0.95 * len(segs):
        return None
    if sum(bool(_MIN_LETTERS.search(s.text)) for s in segs) < 0.6 * len(segs):
        return None  # page numbers, figures
    if len({s.text for s in segs}) < 0.5 * len(segs):
        return None  # repeated table headers
    body = [s for i in page_ids for s in pages[i] if abs(s.x - x) > _X_TOL and len(s.text) >= _MIN_BODY_CHARS]
    if len(body) < 3 * len(page_ids):
        return None
    if statistics.median(s.size for s in segs) > statistics.median(s.size for s in body) + 0.5:
        return None
    others = [s for i in page_ids for s in pages[i] if abs(s.x - x) > _X_TOL]
    body_left = _quantile([s.x for s in body], 0.05)
    note_right = _quantile([_end(s) for s in segs], 0.9)
    if note_right <= body_left + _X_TOL:
        beyond = sum(s.x_end < x for s in others)  # nothing lies left of a left margin
        return Column(parity, x, "left") if beyond <= 0.1 * len(page_ids) else None
    body_right = _quantile([_end(s) for s in body], 0.8)
    crowded = sum(_row_count(s, pages[i]) > 2 for i, s in members)  # table rows have many cells
    if x >= body_right + _X_TOL and crowded <= 0.1 * len(members):
        beyond = sum(s.x > x + _X_TOL for s in others)  # nothing starts right of a right margin
        return Column(parity, x, "right") if beyond <= 0.1 * len(page_ids) else None
    return None


def _end(seg: Segment) -> float:
    return seg.x + _INKED * (seg.x_end - seg.x)


def _row_count(seg: Segment, segs: Sequence[Segment]) -> int:
    """Segments on the same baseline as ``seg`` (itself included)."""
    return sum(abs(s.y - seg.y) < 0.5 * seg.size for s in segs)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def note_segments(segs: Sequence[Segment], columns: Sequence[Column]) -> list[Segment]:
    """The segments of one page that are margin notes: in a column, short, clear of the body.

    Every column of the document is tried on every page (some acts break the odd/even pattern);
    the per-page tests keep body text out.
    """
    notes: list[Segment] = []
    if len(segs) > _MAX_SEGMENTS:
        return notes
    for col in columns:
        # notes are ragged: a page may set some a few points off the column's usual x
        cands = [s for s in segs if abs(s.x - col.x) <= _PAGE_X_TOL and _is_note_line(s) and s not in notes]
        body = [s for s in segs if s not in cands]
        long = [s for s in body if len(s.text) >= _MIN_BODY_CHARS]
        if not long:
            continue
        if col.side == "left":
            edge = _quantile([s.x for s in long], 0.1)
            notes += [s for s in cands if _end(s) <= edge + _X_TOL and not _collides(s, body)]
        else:
            edge = _quantile([_end(s) for s in long], 0.8)
            notes += [s for s in cands if s.x >= edge - _X_TOL and not _collides(s, body)]
    return notes


def _collides(note: Segment, body: Sequence[Segment]) -> bool:
    """True when a body line on the same row overlaps the note horizontally (a table, not a margin)."""
    slack = 0.5 * note.size
    return any(
        abs(b.y - note.y) < note.size and b.x < _end(note) - slack and _end(b) > note.x + slack for b in body
    )


def find_notes(pages: Sequence[Sequence[Segment]]) -> list[list[Segment]]:
    """Margin-note segments of every page: the margin columns, then, in acts that have them,
    notes set beside quoted (inserted) sections in the note type size."""
    columns = find_columns(pages)
    notes = [note_segments(segs, columns) for segs in pages]
    sizes = [s.size for page in notes for s in page]
    body = [s.size for segs in pages for s in segs if len(s.text) >= _MIN_BODY_CHARS]
    if len(sizes) < 3 or not body:
        return notes
    note_size, body_size = statistics.median(sizes), statistics.median(body)
    if note_size > body_size - 1.0:
        return notes  # notes not set smaller than the text: too risky to look inside the body
    for segs, found in zip(pages, notes, strict=True):
        if len(segs) <= _MAX_SEGMENTS:
            found += [s for s in segs if s not in found and _inner_note(s, segs, note_size, body_size)]
    return notes


def _inner_note(seg: Segment, segs: Sequence[Segment], note_size: float, body_size: float) -> bool:
    """A short line in the note size with body-size text beside it on its right, none overlapping."""
    if not (seg.upright and _is_note_line(seg) and abs(seg.size - note_size) < 0.3):
        return False
    row = [s for s in segs if s is not seg and abs(s.y - seg.y) < 1.2 * body_size]
    beside = any(s.size >= body_size - 0.5 and s.x >= _end(seg) for s in row)
    return beside and not _collides(seg, [s for s in row if s.size >= body_size - 0.5])


def join_notes(notes: Sequence[Segment]) -> list[tuple[float, str]]:
    """Merge wrapped note lines into whole notes: (y of the first line, text), top to bottom."""
    out: list[tuple[float, float, str]] = []  # (start y, last y, text)
    for seg in sorted(notes, key=lambda s: (round(s.x), -s.y)):
        if out:
            y0, last, text = out[-1]
            gap = last - seg.y
            if 0 < gap <= 1.6 * seg.size and not _ends_note(text):
                out[-1] = (y0, seg.y, _join_words(text, seg.text))
                continue
        out.append((seg.y, seg.y, seg.text))
    return sorted(((y0, " ".join(text.split())) for y0, _, text in out), key=lambda n: -n[0])


def _ends_note(text: str) -> bool:
    return text.endswith(".") and not _NOT_TERMINAL.search(text)


def _join_words(left: str, right: str) -> str:
    if left.endswith("-") and right[:1].islower() and not left.endswith(" -"):
        return left[:-1] + right
    return f"{left} {right}"


def compose(runs: Sequence[Run], notes: Sequence[Segment]) -> tuple[str, tuple[str, ...]]:
    """Page text without the note runs, each note as a ``MARGIN_MARK`` line where it starts."""
    skip = {i for s in notes for i in s.runs}
    lines: list[tuple[float | None, str]] = []
    buf: list[str] = []
    y: float | None = None
    for i, run in enumerate(runs):
        if i in skip:
            if "\n" in run.text and buf:
                lines.append((y, "".join(buf)))
                buf, y = [], None
            continue
        parts = run.text.split("\n")
        for k, part in enumerate(parts):
            if k > 0:
                lines.append((y, "".join(buf)))
                buf, y = [], None
            if part.strip() and y is None:
                y = run.y
            buf.append(part)
    if buf:
        lines.append((y, "".join(buf)))
    joined = join_notes(notes)
    slots: dict[int, list[str]] = defaultdict(list)
    tail: list[str] = []
    for note_y, text in joined:
        below = [(ly, k) for k, (ly, _) in enumerate(lines) if ly is not None and ly <= note_y + 2.0]
        if below:
            slots[max(below, key=lambda t: (t[0], -t[1]))[1]].append(MARGIN_MARK + text)
        else:
            tail.append(MARGIN_MARK + text)
    out: list[str] = []
    for k, (_, text) in enumerate(lines):
        out.extend(slots.get(k, ()))
        out.append(text)
    out.extend(tail)
    return "\n".join(out), tuple(text for _, text in joined)

"""Pages → a flat list of lines that remember their page; margin notes set aside with a position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.model import PageText

try:  # the reader package defines it; keep a fallback so parsing works on plain text alone
    from ingest.readers import MARGIN_MARK
except ImportError:  # pragma: no cover - only before the reader exists
    MARGIN_MARK = "\x1f"


@dataclass(frozen=True)
class Line:
    text: str  # stripped
    page: int

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class MarginNote:
    """A gazette margin note, placed before line ``at`` (the line it sits next to)."""

    at: int
    page: int
    text: str


def flatten(pages: Sequence[PageText]) -> tuple[list[Line], list[MarginNote]]:
    """All lines of all pages in order; consecutive margin-mark lines are joined into one note."""
    lines: list[Line] = []
    notes: list[MarginNote] = []
    for page in pages:
        last_was_note = False
        for raw in page.text.split("\n"):
            bare = raw.lstrip(" \t")  # not strip(): Python counts "\x1f" as whitespace
            if bare.startswith(MARGIN_MARK):
                note = bare.lstrip(MARGIN_MARK).strip()
                if not note:
                    continue
                prev = notes[-1] if notes else None
                # A note continues the previous one when nothing came between or it starts lower-case
                # (a two-line note interleaved with the section text).
                if (
                    prev
                    and prev.page == page.number
                    and (last_was_note or note[:1].islower() and not "\u10d0" <= note[0] <= "\u10ff")
                ):
                    joined = prev.text[:-1] + note if prev.text.endswith("-") else f"{prev.text} {note}"
                    notes[-1] = MarginNote(prev.at, prev.page, joined)
                else:
                    notes.append(MarginNote(len(lines), page.number, note))
                last_was_note = True
                continue
            last_was_note = False
            lines.append(Line(raw.strip(), page.number))
    return lines, notes


def next_nonblank(lines: Sequence[Line], i: int, limit: int = 4) -> int | None:
    """Index of the first non-blank line after ``i`` (within ``limit`` lines), else None."""
    j = i + 1
    while j < len(lines) and j <= i + limit:
        if not lines[j].blank:
            return j
        j += 1
    return None


def prev_nonblank(lines: Sequence[Line], i: int, limit: int = 4) -> int | None:
    j = i - 1
    while j >= 0 and j >= i - limit:
        if not lines[j].blank:
            return j
        j -= 1
    return None

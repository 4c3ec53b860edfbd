"""Pinpoint citations: the numbered paragraph (and lettered point) of a provision that holds the match.

A memo cites "Art. 6(1)", not "Art. 6", when the answer is paragraph 1. A provision's divisions are read
from its text: lines that open with a paragraph number ("1.", "(1)", "1)") or a point letter ("(a)",
"a)", "a."; also Cyrillic, Georgian and Armenian letters). Whichever style opens first is the top level,
the other one the level below. Markers count only in sequence (1, 2, 3 … or a, b, c …), and a text with
a number out of sequence at the start of a line (a section number such as "358A.", a second list numbered
from 1 in a commentary), or with letters out of sequence where letters are the top level, gets no
pinpoint: its structure is not the provision's own paragraphs, and a wrong pinpoint is worse than none.
Where letters are the top level, numbers may start afresh in each of them, with capital letters below
(the US Code's subsection (a), paragraph (1), subparagraph (A)). The last point of a list whose lead-in
runs into it without a colon or dash ("(a) Whoever knowingly" … "(2) …, shall be punished") is not cited:
the words after it finish the lead-in's sentence, even where they are printed on its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.model import PageBreaks, page_at
from search.snippet import WORD, stem

_NUMBER = re.compile(r"^[ \t]*(?:\((\d{1,3})\)|(\d{1,3})[.)])(?=\s)", re.M)
_LETTER = re.compile(r"^[ \t]*(?:\((\w)\)|(\w)[.)])(?=\s)", re.M)
_ALPHABET_STARTS = ("a", "\u0430", "\u10d0", "\u0561")  # Latin, Cyrillic, Georgian, Armenian
MAX_DIVISION = 2000  # characters; 95 % of the real texts' paragraphs have under 1,400
_POINT_END = re.compile(r"[;.](?:[ \t]+(?:and|or|et|ou|en|of))?[ \t]*\n")  # "…;\n", "…; and\n"
_LEAD_IN_END = re.compile(r"[:\u2013\u2014-][ \t]*\n[ \t\n]*\Z")  # "…the following:", "…knowingly—"
_NUMBER_LIKE = re.compile(r"^[ \t]*\(?\d+[A-Za-z]?[.)](?=\s)", re.M)  # "358A.", "(12)", "5."


@dataclass(frozen=True)
class Division:
    """A numbered paragraph or lettered point: its marker as cited ("1", "a") and its span in the text."""

    marker: str
    start: int
    end: int


def ordinal(marker: str) -> int | None:
    """A marker's place in its sequence: "3" is 3; "c", "в", "გ" and "գ" are 3 (Latin, Cyrillic,
    Georgian, Armenian alphabets)."""
    if marker.isdecimal():
        return int(marker)
    if len(marker) != 1:
        return None
    c = marker.lower()
    for first in _ALPHABET_STARTS:
        k = ord(c) - ord(first)
        if 0 <= k < 40:
            return k + 1
    return None


def divisions(text: str, start: int = 0, end: int | None = None, *, letters: bool = False) -> list[Division]:
    """The in-sequence paragraphs (or, with ``letters``, points) of ``text[start:end]``."""
    end = len(text) if end is None else end
    pattern = _LETTER if letters else _NUMBER
    found: list[tuple[str, int]] = []
    want = 1
    for m in pattern.finditer(text, start, end):
        marker = m.group(1) or m.group(2)
        if letters and not marker.isalpha():
            continue
        if letters and found and marker.islower() != found[0][0].islower():
            continue  # "(A)" under "(a)(1)" is a level below, not the point after "(a)"
        if ordinal(marker) == want:
            found.append((marker, m.start()))
            want += 1
    return [
        Division(marker, pos, found[k + 1][1] if k + 1 < len(found) else end)
        for k, (marker, pos) in enumerate(found)
    ]


def _points(text: str, paragraph: Division, letters: bool) -> list[Division]:
    """The points of a paragraph; the last one ends with its own sentence, since words after it
    ("…;\nshall be punished …") are the paragraph's."""
    points = divisions(text, paragraph.start, paragraph.end, letters=letters)
    if points:
        last = points[-1]
        inner = divisions(text, last.start, last.end, letters=last.marker.isdigit())  # "(2)" holding (A), (B)
        m = _POINT_END.search(text, inner[-1].start if inner else last.start, last.end)
        if m:
            points[-1] = Division(last.marker, last.start, m.end())
    return points


def named(text: str, path: tuple[str, ...]) -> list[Division]:
    """The divisions a citation names ("(2)(a)" as ``("2", "a")``, "(a)(1)(A)" as three), as far as the
    text has them: ``[paragraph 2, its point a]``, ``[paragraph 2]`` when it has no point a, ``[]`` when
    no paragraph 2."""
    found: list[Division] = []
    for marker in path[:3]:
        letters = not marker.isdigit()
        level = _points(text, found[-1], letters) if found else divisions(text, letters=letters)
        hit = next((d for d in level if d.marker.lower() == marker.lower()), None)
        if hit is None:
            break
        found.append(hit)
    return found


def cite(path: tuple[str, ...]) -> str:
    """A path of markers as cited: ``("2", "a")`` → ``"(2)(a)"``."""
    return "".join(f"({m})" for m in path)


def path_of(pin: str) -> tuple[str, ...]:
    """The markers of a cited pinpoint: ``"(2)(a)"`` → ``("2", "a")``."""
    return tuple(re.findall(r"\((\w{1,4})\)", pin))


def span_of(text: str, pin: str) -> tuple[int, int] | None:
    """Where in ``text`` the division a pinpoint names ("(2)(a)") lies, or None when it has none."""
    path = path_of(pin)
    found = named(text, path) if path else []
    if not found or len(found) != len(path):
        return None
    return found[-1].start, found[-1].end


def pages_of(text: str, pin: str, breaks: PageBreaks, first: int, last: int) -> tuple[int, int]:
    """The pages that print the division a pinpoint names, in a text over pages ``first``–``last`` that
    moves to its next pages at ``breaks``; ``(first, last)`` where that is not known (no such division,
    or a text over several pages without breaks: an index written before they were kept)."""
    span = span_of(text, pin) if pin else None
    if span is None:
        return first, last
    return _span_pages(span, breaks, first, last)


def passage_pages(
    text: str, window: tuple[int, int], breaks: PageBreaks, first: int, last: int
) -> tuple[int, int]:
    """The pages that print a passage of ``text`` (``window``: its [start, end) in the stripped text, as a
    snippet gives it); ``(first, last)`` where that is not known."""
    start, end = window
    if end <= start:
        return first, last
    lead = len(text) - len(text.lstrip())
    return _span_pages((lead + start, lead + end), breaks, first, last)


def _span_pages(span: tuple[int, int], breaks: PageBreaks, first: int, last: int) -> tuple[int, int]:
    if last > first and not breaks:  # several pages, where they change is not known
        return first, last

    def page(offset: int) -> int:
        return min(max(page_at(breaks, offset, first), first), last)

    return page(span[0]), page(max(span[0], span[1] - 1))


def passage_of(text: str, pin: str) -> str:
    """The text of the division a pinpoint names ("(2)(a)"), or "" when the text does not have it."""
    span = span_of(text, pin)
    return text[span[0] : span[1]].strip() if span else ""


def _terms_in(text: str, start: int, end: int, terms: set[str]) -> set[str]:
    return {stem(w) for w in WORD.findall(text[start:end])} & terms if end > start else set()


# What matches inside text[start:end]: a set of query terms, keywords …
Matches = Callable[[int, int], set[str]]


def _best(parts: list[Division], found: Matches) -> tuple[Division | None, int]:
    """The division with the most distinct matches (earliest on ties), and how many."""
    best: Division | None = None
    best_n = 0
    for d in parts:
        n = len(found(d.start, d.end))
        if n > best_n:
            best, best_n = d, n
    return best, best_n


def pinpoint(text: str, window: tuple[int, int], terms: set[str]) -> str:
    """``"(1)"``, ``"(1)(a)"``, ``"(b)"`` or ``""``: where the snippet ``window`` of ``text`` matches
    the query ``terms`` (see :func:`locate`)."""
    lo, hi = window
    if not terms or hi <= lo:
        return ""
    return cite(locate(text, lambda s, e: _terms_in(text, max(s, lo), min(e, hi), terms)))


def locate(text: str, found: Matches, minimum: int = 1) -> tuple[str, ...]:
    """The markers of the division of ``text`` that holds the most distinct matches
    (``found(start, end)``), at least ``minimum`` of them: ``("2", "a")``, ``("1",)`` or ``()``.

    The top-level division with the most; then its point with more of them than the paragraph's own
    words (before its first point and after its last one). Nothing when the words before the first
    division (a chapeau) match as many, or when the text has no divisions it can trust.
    """
    numbers = divisions(text)
    letters = divisions(text, letters=True)
    if not numbers and not letters:
        return ()
    if numbers and (not letters or numbers[0].start <= letters[0].start):
        top, sub_letters = numbers, True
        if len(_NUMBER_LIKE.findall(text)) != len(numbers):  # numbers out of sequence: another structure
            return ()
    else:
        top, sub_letters = letters, False
        if not _letters_in_sequence(text, letters):
            return ()
    chosen, n = _best(top, found)
    if chosen is None or n < minimum or len(found(0, top[0].start)) >= n:
        return ()
    if chosen.end - chosen.start > MAX_DIVISION:  # it ran on into what follows (a commentary, notes)
        return ()
    out: tuple[str, ...] = (chosen.marker,)
    # a point within the division; under "(a)(1)" (the US Code's subsection and paragraph), a
    # subparagraph "(A)" within the point too
    depth = 2 if sub_letters else 3
    while len(out) < depth:
        points = _points(text, chosen, chosen.marker.isdigit())  # letters under a number, and vice versa
        if not points:
            break
        own = found(chosen.start, points[0].start) | found(points[-1].end, chosen.end)
        point, k = _best(points, found)
        if point is None or k <= len(own) or k < minimum:
            break
        if point is points[-1] and not _LEAD_IN_END.search(text, chosen.start, points[0].start):
            # a lead-in that runs into its points ("(a) Whoever knowingly" … "(2) benefits …, shall be
            # punished"): the words after the last point may be printed on its line but are the lead-in's
            break
        out += (point.marker,)
        chosen = point
    return out


def _letters_in_sequence(text: str, letters: list[Division]) -> bool:
    """Whether lettered top-level divisions are the provision's own structure: every line opening with
    a letter of their case is one of them, no numbered line comes before the first, and numbers restart
    under each letter in sequence ("(a)" holding (1), (2), "(b)" holding (1) …: the US Code's
    subsections and paragraphs)."""
    lower = letters[0].marker.islower()
    markers = (m.group(1) or m.group(2) for m in _LETTER.finditer(text))
    if sum(1 for x in markers if x.isalpha() and x.islower() == lower) != len(letters):
        return False
    if _NUMBER_LIKE.search(text, 0, letters[0].start):
        return False
    return all(
        len(_NUMBER_LIKE.findall(text, d.start, d.end)) == len(divisions(text, d.start, d.end))
        for d in letters
    )

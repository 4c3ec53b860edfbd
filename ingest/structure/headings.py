"""Heading candidates: lines that may start a container, a unit or a numbered clause.

Detection is deliberately strict about *form* (line start, capitalised keyword, what follows the
number) so that cross-references in running text ("article 5 of this Protocol", "Article 3 of the
Convention" wrapped onto a new line) never qualify; numbering sanity is applied later (``select.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.structure.lines import Line, next_nonblank
from ingest.structure.patterns import (
    ANNEX_RE,
    CONTAINER_WORDS,
    NUMBER,
    PREAMBLE_WORDS,
    UNIT_WORDS,
    is_roman,
    toc_like,
)


@dataclass(frozen=True)
class Cand:
    """A possible heading at ``line``; the heading block ends at ``end`` (body starts after it)."""

    line: int
    family: str  # unit | container | roman (bare "II" chapters) | numbered | outline | caps | annex
    kind: str
    number: str = ""
    word: str = ""  # canonical label word ("Article", "§", "Chapter"...)
    heading: str = ""
    end: int = 0
    body_first: str = ""  # text on the heading line that belongs to the body ("(1) This Act ...")
    toc: bool = False  # looks like a table-of-contents entry (ends with a page number)


def _compile(words: Sequence[tuple[str, str, str]], space: str) -> list[tuple[re.Pattern[str], str, str]]:
    return [
        (re.compile(rf"^(?:{alts}){space}(?P<num>{NUMBER})(?P<tail>.*)$"), kind, word)
        for alts, kind, word in words
    ]


_UNIT_RES = _compile(UNIT_WORDS, r"\s*")
_CONTAINER_RES = _compile(CONTAINER_WORDS, r"\s+")
_SEP_RE = re.compile(r"^\s*[.:]?\s*[-–—]+\s*(?P<rest>.*)$|^\s*[.:]\s*(?P<rest2>.*)$")
_BARE_ROMAN_RE = re.compile(r"^(?P<num>[IVXLC]{1,6})\.?$")
_ROMAN_TITLE_RE = re.compile(r"^(?P<num>[IVXLC]{1,6})\.\s+(?P<rest>[A-Z][^a-z]{0,3}.*)$")
_NUMBERED_RE = re.compile(r"^(?P<num>\d{1,4}[A-Z]?)\.(?:\s+|(?=\(\d))(?P<rest>[\[(\"“‘'A-Z].*)$")
_PK_HEADING_RE = re.compile(r"^(?P<h>[A-Z][^()]{1,160}?)\.\s?[-–—]+\s*(?P<b>.*)$")
_MARKER_RE = re.compile(r"^(?:\(?\d{1,3}[.)°]|\(\w{1,4}\)|[a-z]\)|[a-z]\.\s|[-–•·*])")


def lower_start(s: str) -> bool:
    """Starts with a lower-case letter. Georgian (Mkhedruli) counts as caseless: Unicode files its
    letters as lower case since Mtavruli capitals were added, but running text never uses those."""
    return bool(s) and s[0].islower() and not "\u10d0" <= s[0] <= "\u10ff"


def _caseless(c: str) -> bool:
    """A letter of a script without capitals (Georgian), so a heading cannot be told by case."""
    return bool(c) and c.isalpha() and (c.lower() == c.upper() or "\u10d0" <= c <= "\u10ff")


def title_like(text: str, *, max_len: int = 120) -> bool:
    """A line that reads like a heading: capitalised, short, no sentence punctuation at its end."""
    t = text.strip()
    if not t or len(t) > max_len or _MARKER_RE.match(t):
        return False
    if lower_start(t):
        return False
    return not t.endswith((".", ";", ":", ",", "-", "—", "–")) and not toc_like(t)


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _take_heading(lines: Sequence[Line], i: int) -> tuple[str, int]:
    """Heading printed on the line(s) after a bare "Article 5" / "CHAPTER II"; ("", i) when none."""
    j = next_nonblank(lines, i, limit=3)
    if j is None:
        return "", i
    text = lines[j].text
    if any(r.match(text) for r, _, _ in _UNIT_RES + _CONTAINER_RES) or not title_like(text, max_len=250):
        return "", i
    k = j + 1
    follow = lines[k].text if k < len(lines) else ""
    parts, end = [text], j
    if lower_start(follow) and not is_caps(text):
        after = lines[k + 1].text if k + 1 < len(lines) else ""
        if len(follow) > 40 or follow.endswith((".", ";", ":", ",")) or lower_start(after):
            return "", i  # a wrapped first sentence of the body, not a heading
        parts, end, k = [f"{text} {follow}"], k, k + 1  # a heading wrapped in a PDF ("... of" / "in persons")
    # Capitalised headings wrap over a few lines in PDFs.
    while is_caps(parts[-1]) and k < len(lines) and is_caps(lines[k].text) and len(parts) < 4:
        if any(r.match(lines[k].text) for r, _, _ in _UNIT_RES + _CONTAINER_RES):
            break
        parts.append(lines[k].text)
        end = k
        k += 1
    return " ".join(parts), end


def _continue_heading(lines: Sequence[Line], i: int, heading: str) -> tuple[str, int] | None:
    """A same-line heading that wraps ("... of victims of" / "trafficking in persons").

    None when the line is running text (it continues into a lower-case sentence)."""
    k = i + 1
    if k >= len(lines) or lines[k].blank:
        return heading, i
    nxt = lines[k].text
    if not lower_start(nxt) and not heading.endswith("-"):
        return heading, i
    after = lines[k + 1].text if k + 1 < len(lines) else ""
    if len(nxt) > 80 or nxt.endswith((".", ";", ":", ",")) or _MARKER_RE.match(nxt) or lower_start(after):
        return None if not is_caps(heading) else (heading, i)
    joined = heading[:-1] + nxt if heading.endswith("-") else f"{heading} {nxt}"
    return joined, k


def _tail(lines: Sequence[Line], i: int, tail: str, *, unit: bool) -> tuple[bool, str, int, str, bool] | None:
    """Interpret what follows the number: (ok, heading, end, body_first, toc) or None to reject."""
    if not tail.strip():
        j = next_nonblank(lines, i, limit=3)
        if j is not None and lower_start(lines[j].text):
            return None  # "Article 3" + "of this Protocol ...": a wrapped cross-reference
        heading, end = _take_heading(lines, i)
        return True, heading, end, "", False
    m = _SEP_RE.match(tail)
    if m:
        rest = (m.group("rest") if m.group("rest") is not None else m.group("rest2") or "").strip()
        if not rest:
            heading, end = _take_heading(lines, i)
            return True, heading, end, "", False
        if lower_start(rest) and not unit:
            return None
        toc = toc_like(rest)
        sentence = rest.endswith((".", ";", ":")) and len(rest.split()) > 8
        if rest.startswith("(") or len(rest) > 200 or sentence:
            return (True, "", i, rest, toc) if unit else None
        if not unit and not (title_like(rest) or is_caps(rest)):
            return None
        cont = _continue_heading(lines, i, rest.rstrip(". "))
        if cont is None:
            return None
        return True, cont[0], cont[1], "", toc
    if tail[:1].isspace():
        rest = tail.strip()
        if (rest[:1].isupper() or _caseless(rest[:1])) and title_like(rest, max_len=100) and ";" not in rest:
            cont = _continue_heading(lines, i, rest)
            return None if cont is None else (True, cont[0], cont[1], "", False)
    return None


def keyword_candidates(lines: Sequence[Line]) -> list[Cand]:
    """Units ("Article 5", "§ 1592.", "Статья 5.") and containers ("CHAPTER II", "Part 3")."""
    out: list[Cand] = []
    for i, line in enumerate(lines):
        t = line.text
        if not t or len(t) > 300:
            continue
        for regexes, family in ((_UNIT_RES, "unit"), (_CONTAINER_RES, "container")):
            found = False
            for rx, kind, word in regexes:
                m = rx.match(t)
                if not m:
                    continue
                got = _tail(lines, i, m.group("tail"), unit=family == "unit")
                if got is None:
                    continue
                _, heading, end, body_first, toc = got
                num = m.group("num")
                if family == "unit" and is_roman(num) and not num.isupper():
                    continue
                out.append(Cand(i, family, kind, num, word, heading, end, body_first, toc))
                found = True
                break
            if found:
                break
        else:
            out.extend(_roman_candidate(lines, i))
    return out


def _roman_candidate(lines: Sequence[Line], i: int) -> list[Cand]:
    """Treaty chapters printed as a bare "II" + heading line, or report parts "II. Overview ..."."""
    t = lines[i].text
    m = _BARE_ROMAN_RE.match(t)
    if m:
        heading, end = _take_heading(lines, i)
        return [Cand(i, "roman", "chapter", m.group("num"), "Chapter", heading, end)] if heading else []
    m = _ROMAN_TITLE_RE.match(t)
    if m and len(t) < 160 and not toc_like(t) and not t.endswith("."):
        heading, end = m.group("rest").strip(), i
        while is_caps(heading) and end + 1 < len(lines) and is_caps(lines[end + 1].text):
            end += 1
            heading += " " + lines[end].text
        if not is_caps(heading):
            cont = _continue_heading(lines, i, heading)
            if cont is None:
                return []
            heading, end = cont
        return [Cand(i, "roman", "chapter", m.group("num"), "", heading, end)]
    return []


def typical_width(lines: Sequence[Line], quantile: float = 0.5) -> int:
    """Length of a body line (a quantile of non-blank line lengths): a heading is much shorter
    than a wrapped body line."""
    widths = sorted(len(ln.text) for ln in lines if ln.text)
    return widths[int(quantile * (len(widths) - 1))] if widths else 0


def numbered_candidates(lines: Sequence[Line], *, headings: bool = True) -> list[Cand]:
    """Gazette sections and numbered paragraphs: "5. (1) The Minister ...", "12. The Committee ...".

    ``headings``: whether "1. Introduction" may carry its heading on the line (not in gazette acts,
    whose headings are margin notes)."""
    out: list[Cand] = []
    width = typical_width(lines, 0.75)  # full lines; bullets make the median short
    for i, line in enumerate(lines):
        m = _NUMBERED_RE.match(line.text)
        if not m:
            continue
        rest = m.group("rest").strip()
        heading, body_first, end = "", rest, i
        pk = _PK_HEADING_RE.match(rest)
        wrapped = None if pk else _wrapped_run_in(lines, i, rest)
        if pk and len(pk.group("h")) <= 120:
            heading, body_first = pk.group("h").strip(), pk.group("b").strip()
        elif wrapped is not None:
            heading, body_first, end = wrapped
        elif headings and title_like(rest, max_len=80) and len(line.text) < 0.6 * width and rest[:1] != "(":
            nxt = lines[i + 1].text if i + 1 < len(lines) else ""
            if not (lower_start(nxt) and len(rest) > 40):
                heading, body_first = rest, ""
        toc = toc_like(rest)
        out.append(Cand(i, "numbered", "section", m.group("num"), "", heading, end, body_first, toc))
    return out


def _wrapped_run_in(lines: Sequence[Line], i: int, rest: str) -> tuple[str, str, int] | None:
    """A gazette heading that runs over lines before its ".–" ("10. Duty of" / "7" (a footnote mark) /
    "[District Coordination Officer] and other officers designated by" / "him.– (1) The"):
    (heading, body on the last line, index of the last line), or None."""
    if rest.endswith((".", ";", ":")):
        return None
    parts, j = [rest], i + 1
    while j < len(lines) and j <= i + 5 and len(parts) < 4:
        text = lines[j].text
        if text.isdigit() or not text:  # a footnote mark, a blank line
            j += 1
            continue
        if _NUMBERED_RE.match(text):
            return None
        parts.append(text)
        pk = _PK_HEADING_RE.match(" ".join(parts))
        if pk and len(pk.group("h")) <= 160:
            return " ".join(pk.group("h").split()), pk.group("b").strip(), j
        if text.endswith((".", ";", ":")):
            return None
        j += 1
    return None


def annex_candidates(lines: Sequence[Line]) -> list[Cand]:
    """ "SCHEDULE", "Annex I – ...", "APPENDIX B: ..."; a repeat of the previous one (a running
    header) is not a new annex."""
    out: list[Cand] = []
    for i, line in enumerate(lines):
        m = ANNEX_RE.match(line.text)
        if m and len(line.text) <= 120 and not toc_like(line.text):
            tail = m.group("tail").strip().lstrip("-–—:. ").strip()
            heading, end = (tail, i) if tail else _take_heading(lines, i)
            number, word = m.group("num") or "", m.group("kw").title()
            if out and (out[-1].number, out[-1].word) == (number, word) and number:
                continue
            out.append(Cand(i, "annex", "annex", number, word, heading, end))
    return out


def preamble_heading(lines: Sequence[Line], stop: int) -> int | None:
    """Line index of an explicit "Preamble" heading before ``stop``, if any."""
    for i in range(min(stop, len(lines))):
        if lines[i].text.strip(" .:").casefold() in PREAMBLE_WORDS:
            return i
    return None

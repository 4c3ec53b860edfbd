"""Headings of documents without articles (policies, guides, reports) and of over-long clauses.

Three kinds of heading, strongest first: numbered outline headings ("3.4.1 Screening", which
must follow each other as an outline does), ALL-CAPS lines, and short sentence-case lines that
stand alone between sentences ("Executive Summary", "What is victim identification?"). The number
kept is capped so that list items never turn into thousands of tiny units.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.structure.headings import Cand, is_caps, lower_start, title_like, typical_width
from ingest.structure.lines import Line, next_nonblank
from ingest.structure.patterns import toc_like

_OUTLINE_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}\.)\s+(?P<rest>[A-Z].{1,100})$")
_BULLET_RE = re.compile(r"^[-–•·*▪●○◦]")
_BARE_RE = re.compile(r"^(?P<num>[1-9]\d?)\s+(?P<rest>[A-Z].{1,100})$")  # "2 The concept in ..."
_LIST_MARK_RE = re.compile(r"^(?:\(?[a-z0-9]{1,4}[.)]\s|[-–•·*▪●○◦])")  # "a. ", "(ii) ", "• "
_LETTER_RE = re.compile(r"^[A-Z]\.\s+[A-Z]")  # "A. Introduction" in guidelines
# A line ending in an amount ("TOTAL 3,889", "Price Rs. 1.10") is a table row or a price, not a heading.
_AMOUNT_END = re.compile(r"\d[\d,]*[.,]\d+$")
_ENDS_SENTENCE = (".", ":", "!", "?", "”", '"', ")", "’")
# Words a heading does not end with: the sentence goes on on the next line.
_OPEN_ENDS = frozenset(
    {"the", "a", "an", "of", "and", "or", "to", "with", "by", "from", "that", "which", "whose"}
)
_QUESTION_WORDS = frozenset({"what", "who", "how", "why", "where", "when", "which"})
# Block labels that are not headings of their own (UNODC Model Law commentary, page captions).
_NOT_HEADINGS = frozenset({"page", "commentary", "optional provision", "option 1", "option 2", "option 3"})


@dataclass(frozen=True)
class LineStats:
    """What the heading rules compare a line with, measured once over the whole document."""

    width: int  # a body line's length
    full: int  # a full line's length (tables and bullets make the median short)
    repeated: frozenset[str]  # lines printed on many pages: running headers (when no cleaner ran)

    @classmethod
    def of(cls, lines: Sequence[Line]) -> LineStats:
        counts = Counter(ln.text for ln in lines if ln.text)
        repeated = frozenset(t for t, n in counts.items() if n >= 3)
        return cls(typical_width(lines), typical_width(lines, 0.75), repeated)


def outline_candidates(
    lines: Sequence[Line], lo: int = 0, hi: int | None = None, stats: LineStats | None = None
) -> list[Cand]:
    """Heading candidates among ``lines[lo:hi]`` (indices stay global); ``stats``: the document's,
    when the caller looks at many stretches of it."""
    hi = len(lines) if hi is None else hi
    stats = stats or LineStats.of(lines)
    width, full, repeated = stats.width, stats.full, stats.repeated
    table = table_lines(lines, lo, hi, full)
    out: list[Cand] = []
    i = lo
    while i < hi:
        t = lines[i].text
        if t in repeated or (i in table and not _OUTLINE_RE.match(t) and not _LETTER_RE.match(t)):
            i += 1
            continue
        m = _OUTLINE_RE.match(t)
        if (
            m
            and title_like(m.group("rest"), max_len=100)
            and len(m.group("rest").split()) <= 14
            and not _wrapped_item(lines, i, hi, full)
        ):
            heading, end = m.group("rest").strip(), i
            if _runs_on(lines, i, hi, full):  # "2.2 ... the “means” element of the" / "definition"
                heading, end = f"{heading} {lines[i + 1].text}", i + 1
            out.append(Cand(i, "outline", "clause", m.group("num").rstrip("."), "", heading, end))
            i = end
        elif (
            4 <= len(t) <= 90
            and is_caps(t)
            and not toc_like(t)
            and t[0].isalpha()
            and t[-1] not in ".,;"
            and not _AMOUNT_END.search(t)
            and not _continues(lines, i)
        ):
            end, heading = i, t
            while end + 1 < hi and is_caps(lines[end + 1].text) and end - i < 2:
                end += 1
                heading += " " + lines[end].text
            out.append(Cand(i, "caps", "clause", "", "", heading, end))
            i = end
        elif _LETTER_RE.match(t) and title_like(t[3:], max_len=90) and len(t.split()) <= 12:
            heading, end = _wrapped_heading(lines, i, hi, t[3:].strip())
            out.append(Cand(i, "soft", "clause", t[0], "", heading, end))
            i = end
        elif (chapter := _bare_chapter(lines, i, hi)) is not None:
            out.append(Cand(i, "outline", "clause", chapter[0], "", chapter[1], i))
        elif _soft(lines, i, hi, width):
            out.append(Cand(i, "soft", "clause", "", "", t, i))
        i += 1
    return _merge_adjacent(out)


_NUMBER_TOKEN = re.compile(r"^\(?[$€£]?\d[\d,.]*%?\)?\*?$")
_YEAR_TOKEN = re.compile(r"^(1[89]|20)\d\d\W?$")
_MONTH = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?)\b",
    re.IGNORECASE,
)


def _data_row(text: str, width: int) -> bool:
    """A table row: numbers in columns ("2011 967 557 223"), or a short label and its figure
    ("Texas RioGrande Legal Aid, Inc. 61")."""
    tokens = text.split()
    if not tokens or not _NUMBER_TOKEN.match(tokens[-1]) or _MONTH.search(text):  # "28 May 2019"
        return False
    numbers = sum(bool(_NUMBER_TOKEN.match(tok)) for tok in tokens)
    if numbers >= 2 and 2 * numbers > len(tokens):
        return True
    # not a date ("Published 28 May 2019", "Islamabad, the 1st June, 2018")
    label = len(tokens) >= 2 and len(text) < 0.6 * width and not text.endswith(".")
    return label and not _YEAR_TOKEN.match(tokens[-1])


def _prose(text: str, width: int) -> bool:
    """A line of running text: it fills most of the line and reads as a sentence (lower-case words)."""
    words = text.split()
    small = sum(w[:1].islower() for w in words)
    return len(text) >= 0.6 * width and small >= 0.4 * len(words)


def running_text(lines: Sequence[Line], lo: int, hi: int, stats: LineStats) -> bool:
    """Whether most non-blank lines of ``lines[lo:hi]`` are running text (not tables or lists)."""
    texts = [ln.text for ln in lines[lo:hi] if ln.text]
    return bool(texts) and 2 * sum(_prose(t, stats.full) for t in texts) >= len(texts)


def table_lines(lines: Sequence[Line], lo: int, hi: int, width: int) -> set[int]:
    """Lines of tables: runs of lines on one page with no running text among them that hold at least
    two data rows. Their caption, column heads and row labels ("Median Time", "T Nonimmigrant") are
    not headings."""
    out: set[int] = set()
    run: list[int] = []

    def close() -> None:
        texts = [lines[k].text for k in run if lines[k].text]
        if len(texts) >= 4 and sum(_data_row(t, width) for t in texts) >= 2:
            out.update(run)
        run.clear()

    for i in range(lo, hi):
        t = lines[i].text
        if _prose(t, width) or (run and lines[i].page != lines[run[0]].page):
            close()
        if not _prose(t, width):
            run.append(i)
    close()
    return out


def _bare_chapter(lines: Sequence[Line], i: int, hi: int, reach: int = 60) -> tuple[str, str] | None:
    """ "2 The concept in international law and policy": (number, heading) of a chapter printed
    without its full stop, taken only when the next numbered heading within ``reach`` lines is one
    of its sections ("2.1")."""
    m = _BARE_RE.match(lines[i].text)
    if not m or not title_like(m.group("rest"), max_len=100) or len(m.group("rest").split()) > 12:
        return None
    number = m.group("num")
    for j in range(i + 1, min(hi, i + reach)):
        nxt = _OUTLINE_RE.match(lines[j].text)
        if nxt:
            section = nxt.group("num").rstrip(".")
            return (number, m.group("rest").strip()) if section.startswith(f"{number}.") else None
    return None


def _block(lines: Sequence[Line], i: int, hi: int, limit: int = 6) -> list[str]:
    """The lines from ``i`` up to the next blank line (or page break), at most ``limit``."""
    out = [lines[i].text]
    j = i + 1
    while j < hi and len(out) < limit and lines[j].text and lines[j].page == lines[i].page:
        out.append(lines[j].text)
        j += 1
    return out


def _wrapped_item(lines: Sequence[Line], i: int, hi: int, width: int) -> bool:
    """ "1. Strengthen the rule of law and border control among" / "ASEAN Member States;": a list
    item that fills the line and runs on (its next line continues the sentence, or the item ends
    with a list's ";" within three lines), not a numbered heading. A heading followed at once by a
    sentence ("4. Interagency Coordination ..." / "HHS co-led ...") stays one."""
    block = _block(lines, i, hi)
    if len(block) < 2 or len(lines[i].text) < 0.6 * width:
        return False
    if _LIST_MARK_RE.match(block[1]):  # "2. Victims of Domestic Violence ..." / "a. Statement of Purpose"
        return False  # a heading whose first lettered item follows
    if lower_start(block[1]):
        return not _runs_on(lines, i, hi, width)
    last = block[-1].rstrip()
    return len(block) <= 3 and last.endswith((";", "; and", "; or", ", and", ", or"))


def _runs_on(lines: Sequence[Line], i: int, hi: int, width: int) -> bool:
    """A numbered heading's last words on the next line: short, lower-case, no punctuation at its end,
    and a new sentence (or a blank line) after it."""
    block = _block(lines, i, hi, limit=3)
    if len(block) < 2:
        return False
    nxt, after = block[1].rstrip(), (block[2] if len(block) > 2 else "")
    first = next((c for c in nxt if c.isalpha()), "")
    return (
        first.islower()
        and not _LIST_MARK_RE.match(nxt)  # "2. Criminal Division" / "a. CEOS": its first item
        and len(nxt) < 0.6 * width
        and not nxt.endswith((".", ";", ":", ",", " and", " or"))
        and not lower_start(after)
    )


def _wrapped_heading(lines: Sequence[Line], i: int, hi: int, heading: str) -> tuple[str, int]:
    """A lettered heading printed over two lines ("C. Law Enforcement and Prosecution of Crimes of" /
    "Trafficking in Persons"), joined when its second line stands alone before a blank line."""
    block = _block(lines, i, hi, limit=3)
    if len(block) == 2 and title_like(block[1], max_len=60) and not _LETTER_RE.match(block[1]):
        return f"{heading} {block[1]}", i + 1
    return heading, i


def _soft(lines: Sequence[Line], i: int, hi: int, width: int) -> bool:
    """A short capitalised line standing alone: the previous line ends a sentence (or the page
    starts), the next one starts a new sentence."""
    t = lines[i].text
    if not t or not title_like(t, max_len=80) or len(t) >= 0.6 * width or len(t.split()) > 12:
        return False
    if _BULLET_RE.match(t) or not t[0].isalpha() or t.casefold() in _NOT_HEADINGS or _AMOUNT_END.search(t):
        return False
    words = [w.casefold() for w in t.split()]
    if words[-1] in _OPEN_ENDS:  # "The mandate of the" / "COP originally applied ...": a
        return False  # sentence broken after a footnote mark, not a heading
    if words[-1] in ("is", "are") and words[0] not in _QUESTION_WORDS:  # "A relevant application is" / (a) …:
        return False  # a sentence introducing a list ("What it is" stays a heading)
    prev = lines[i - 1] if i > 0 else None
    if prev is not None and prev.text and prev.page == lines[i].page:
        # "... reads as follows:" / "Art. 182": what a colon introduces is quoted, not a heading
        ends = prev.text.endswith(_ENDS_SENTENCE) and not prev.text.endswith(":")
        if not ends and not prev.text.isdigit():
            return False
    j = next_nonblank(lines, i, limit=2)
    if j is not None and j < hi and lines[j].text.isdigit():  # a footnote mark: the sentence goes on
        j = next_nonblank(lines, j, limit=2)
    nxt = lines[j].text if j is not None and j < hi else ""
    # followed by a sentence, not by another heading (a title above "1. Introduction")
    return bool(nxt) and not lower_start(nxt) and not _BULLET_RE.match(nxt) and not _OUTLINE_RE.match(nxt)


def _continues(lines: Sequence[Line], i: int) -> bool:
    """Line ``i`` ends the sentence of the line before it ("... was vitiated by" / "APOV?")."""
    prev = lines[i - 1] if i > 0 else None
    if prev is None or not prev.text or prev.page != lines[i].page:
        return False
    words = prev.text.split()
    return prev.text.endswith(",") or words[-1].casefold() in _OPEN_ENDS


def _merge_adjacent(cands: list[Cand]) -> list[Cand]:
    """Headings on consecutive lines are one heading ("Obligations" / "Rantsev v. Cyprus")."""
    out: list[Cand] = []
    for c in cands:
        if out and c.line == out[-1].end + 1 and c.family in ("soft", "caps") and not out[-1].number:
            out[-1] = replace(out[-1], heading=f"{out[-1].heading} – {c.heading}", end=c.end)
        else:
            out.append(c)
    return out


def _successor(prev: tuple[int, ...] | None, cur: tuple[int, ...]) -> bool:
    """1 → 1.1 → 1.2 → 2 → 2.1.1 ...: the next heading of a well-formed outline. A first subsection
    may follow without its parent's heading (1.4 → 2.1: "2" printed in a way not recognised)."""
    if len(cur) > 1 and cur[-1] == 1 and prev is not None and _successor(prev, cur[:-1]):
        return True
    if prev is None:
        return len(cur) == 1 or all(v == 1 for v in cur[1:])
    if len(cur) == len(prev) + 1:
        return cur[:-1] == prev and cur[-1] == 1
    if len(cur) <= len(prev):
        return cur[:-1] == prev[: len(cur) - 1] and cur[-1] == prev[len(cur) - 1] + 1
    return False


def select_outline(cands: Sequence[Cand], pages: int) -> list[Cand]:
    """Numbered headings that form an outline, plus unnumbered ones; at most ~3 per page.
    A stand-alone line right before another heading (a form's field names) is not a heading; a
    lettered one is ("C. Department of Justice" / "1. Office of Justice Programs")."""
    cands = [
        c
        for n, c in enumerate(cands)
        if not (c.family == "soft" and not c.number and n + 1 < len(cands) and cands[n + 1].line <= c.end + 2)
    ]
    kept: list[Cand] = []
    prev: tuple[int, ...] | None = None
    restart = False  # after a lettered part, its sections may number from 1 again
    for c in cands:
        if not c.number[:1].isdigit():  # unnumbered, or lettered ("A. Prevention ...")
            kept.append(c)
            restart = restart or bool(c.number)
            continue
        cur = tuple(int(p) for p in c.number.split("."))
        if _successor(prev, cur) or (restart and cur == (1,)):
            kept.append(c)
            prev, restart = cur, False
    limit = max(30, 3 * pages)
    for drop in ("soft", "deep", "caps"):
        if len(kept) <= limit:
            break
        kept = [c for c in kept if not (c.family == drop or (drop == "deep" and "." in c.number))]
    return kept[:: max(1, -(-len(kept) // limit))] if len(kept) > limit else kept


def split_long(
    lines: Sequence[Line], lo: int, hi: int, max_chars: int = 12000, stats: LineStats | None = None
) -> list[Cand]:
    """Headings inside an over-long clause/preamble body (``lines[lo:hi]``), or [] to keep it whole."""
    size = sum(len(ln.text) for ln in lines[lo:hi])
    if size <= max_chars:
        return []
    found = select_outline(outline_candidates(lines, lo, hi, stats), max(1, size // 3000))
    return (
        [replace(c, family="split" if c.family != "caps" else "caps") for c in found]
        if len(found) >= 2
        else []
    )


def part_above(lines: Sequence[Line], lo: int, hi: int, stats: LineStats) -> list[Cand]:
    """The lettered part printed right above the numbered section at ``hi`` ("A. Department of Health
    and Human Services" / "1. Capacity and Leadership ..."), found in a stretch too short to split."""
    j = hi - 1
    while j >= lo and not lines[j].text:
        j -= 1
    if j < lo or hi - j > 3 or lines[j].page != lines[hi].page:
        return []
    # the part's heading may take two lines ("C. Law Enforcement and Prosecution of Crimes of" / ...)
    for i in (j, j - 1):
        if i >= lo and (i == lo or not lines[i - 1].text or lines[i - 1].text.endswith(_ENDS_SENTENCE)):
            found = [c for c in outline_candidates(lines, i, hi, stats) if c.line == i]
            if found and found[0].end == j and found[0].number.isalpha() and len(found[0].number) == 1:
                return [replace(found[0], family="split")]
    return []

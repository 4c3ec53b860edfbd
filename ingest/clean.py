"""clean stage: normalise page texts read from PDFs and other sources, line structure kept.

Rules, in order: characters (NFC, ligatures, soft hyphens, odd spaces, control characters), table of
contents lines (dot leaders), print job numbers, running headers/footers and page numbers, line-end
hyphenation, whitespace. One pass of the rules is applied until nothing changes, so cleaning is
idempotent. Lines starting with ``MARGIN_MARK`` (margin notes) are normalised but never removed,
joined or counted as headers. Pure functions: nothing here knows about PDFs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ingest.model import PageText
from ingest.readers.margins import MARGIN_MARK

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_SPACES = re.compile(r"[\t\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]")
_MULTI_SPACE = re.compile(r" {2,}")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1e\x7f-\x9f]")  # category Cc except newline and MARGIN_MARK
_STRAY_MARK = re.compile(r"(?m)^( *)\x1f|\x1f")
_SOFT_BREAK = re.compile(r"(\S)\u00ad[ \t]*\n[ \t]*([^\s\x1f]+)(?:[ \t]*\n|[ \t]+|$)")

ZONE_LINES = 4  # lines at the top and at the bottom of a page where running headers/footers live
HEADER_SHARE = 0.3  # a header repeats on at least this share of the pages...
HEADER_MIN_PAGES = 3  # ...and on at least this many pages

_TOC_PAGE = r"(?:\d{1,4}|[ivxlcdm]{1,7})"
# five or more leader dots (or two ellipses), or four before a page number, at the end of a line
_LEADER_END = re.compile(
    rf"(?:(?:(?:\. ?){{5,}}|…{{2,}}) *{_TOC_PAGE}?|(?:\. ?){{4,}} *{_TOC_PAGE}) *$", re.I
)
_SHORT_LEADER = re.compile(rf"\S ?(?:\. ?){{2,}}\s*{_TOC_PAGE}?\s*$", re.I)
_SPACED_TOC_LINE = re.compile(rf"^\D.*\S {{5,}}{_TOC_PAGE}$", re.I)
_JOB_NUMBER = re.compile(r"^(?:[A-Z]\.)?\d{2}-\d{5}(?: ?\([A-Z]\))?(?: ?\*\d{7,}\*)?$")
_PAGE_NUMBER = re.compile(
    r"^(?=.*[\divxlcdm])[-–— ]*(?:page |p\. ?)?(?:\d{1,4}|(?=[ivxlcdm]+\b)m{0,3}(?:c[md]|d?c{0,3})(?:x[cl]|l?x{0,3})"
    r"(?:i[xv]|v?i{0,3}))(?: ?(?:of|/) ?\d{1,4})?[-–— ]*$",
    re.I,
)
_EDGE_NUMBER = re.compile(
    r"^(?:[-–—]? ?\d{1,4}(?!\d) ?[-–—]? ?|[ivxlcdm]{1,4} )|\s+(?:\d{1,4}|[ivxlcdm]{1,4})$"
)
# Headings and numbered provisions repeat legitimately ("Article 5" on many page tops): only identical
# lines count as repeats for them, never "same after digit normalisation".
_STRUCTURAL = re.compile(
    r"^(?:article|art\.|section|sec\.|chapter|part|title|schedule|annex|appendix|rule|clause|§|"
    r"\(?\d+[.)]|\(?[a-z]\)|[ivxlcdm]+\.)",
    re.I,
)
_HYPHENS = "-\u2010"
_KEEP_HYPHEN = frozenset(
    {"non", "anti", "co", "self", "cross", "ex", "quasi", "well", "half", "all", "counter"}
)
_MAX_PASSES = 5
_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")


def clean_pages(pages: Sequence[PageText]) -> list[PageText]:
    """Cleaned copies of ``pages`` (same numbers and count; texts keep their line breaks)."""
    texts = [normalize_chars(p.text) for p in pages]
    for _ in range(_MAX_PASSES):
        cleaned = _one_pass(texts)
        if cleaned == texts:
            break
        texts = cleaned
    return [
        replace(p, text=t, margin_notes=tuple(_squeeze(normalize_chars(n)) for n in p.margin_notes))
        for p, t in zip(pages, texts, strict=True)
    ]


def _one_pass(texts: list[str]) -> list[str]:
    pages = [[_squeeze(line) for line in drop_toc_lines(t.split("\n"))] for t in texts]
    pages = [[ln for ln in lines if not _JOB_NUMBER.match(ln)] for lines in pages]
    pages = drop_running_lines(pages)
    vocab = vocabulary(pages)
    pages = [join_hyphenated(lines, vocab) for lines in pages]
    return [_tidy(lines) for lines in pages]


def normalize_chars(text: str) -> str:
    """NFC, ligatures expanded, soft hyphens and zero-width marks removed, odd spaces made plain,
    control characters other than newline and ``MARGIN_MARK`` dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _SOFT_BREAK.sub(lambda m: m.group(1) + m.group(2) + "\n", text)  # word split by a soft hyphen
    for lig, plain in LIGATURES.items():
        text = text.replace(lig, plain)
    text = _SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    # the mark means something only at the start of a line
    text = _STRAY_MARK.sub(lambda m: m.group(0) if m.group(1) is not None else "", text)
    # last, so that a removed ligature, soft hyphen or control character cannot leave a base
    # letter and its combining accent uncomposed
    text = unicodedata.normalize("NFC", text)
    return text


def _squeeze(line: str) -> str:
    # str.strip() would also eat MARGIN_MARK (U+001F counts as whitespace in Python)
    line = _MULTI_SPACE.sub(" ", line).strip(" ")
    return MARGIN_MARK + line[1:].strip(" ") if line.startswith(MARGIN_MARK) else line


def _is_note(line: str) -> bool:
    return line.startswith(MARGIN_MARK)


def drop_toc_lines(lines: list[str]) -> list[str]:
    """Remove table-of-contents lines: dot leaders (with or without a page number). On a contents
    page (three or more of them) also entries padded with spaces before a page number, short
    leaders (". ."), and the first lines of entries that wrap (up to two lines before a leader line
    that do not end a sentence)."""
    drop = [_is_leader_line(ln) for ln in lines]
    if sum(drop) + sum(bool(_SPACED_TOC_LINE.match(ln.strip())) for ln in lines) < 3:
        return [ln for ln, d in zip(lines, drop, strict=True) if not d]
    drop = [
        d or (not _is_note(ln) and bool(_SPACED_TOC_LINE.match(ln.strip()) or _SHORT_LEADER.search(ln)))
        for d, ln in zip(drop, lines, strict=True)
    ]
    for i in [i for i, d in enumerate(drop) if d]:
        k = i - 1
        while k >= 0 and i - k <= 2 and not drop[k] and _wraps(lines[k]):
            drop[k] = True
            k -= 1
    return [ln for ln, d in zip(lines, drop, strict=True) if not d]


def _is_leader_line(line: str) -> bool:
    return ("." in line or "…" in line) and not _is_note(line) and bool(_LEADER_END.search(line))


def _wraps(line: str) -> bool:
    text = line.strip()
    return bool(text) and not _is_note(line) and text[-1] not in ".;:!?"


def header_key(line: str) -> str:
    """What a running header/footer looks like on every page: case folded, the page number at
    either end dropped, other digits made '#'. Headings, numbered provisions and lines ending like a
    sentence keep their exact text: only identical copies of them count as repeats."""
    if _STRUCTURAL.match(line) or line.endswith((".", ",", ";", ":")):
        return "=" + line  # running headers are not sentences
    key = _EDGE_NUMBER.sub("", line.casefold()).strip()
    return re.sub(r"\d", "#", key)


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers and page numbers: lines in the top or bottom zone of a page
    whose key recurs in the zones of many pages (at least 3 and ``HEADER_SHARE`` of them)."""
    if len(pages) < HEADER_MIN_PAGES:
        return pages
    need = max(HEADER_MIN_PAGES, math.ceil(HEADER_SHARE * len(pages)))
    while True:
        zones = [_zone(lines) for lines in pages]
        slots: Counter[tuple[str, int]] = Counter()
        numbered = 0
        for lines, zone in zip(pages, zones, strict=True):
            slots.update({(header_key(lines[i]), slot) for slot, i in zone})
            numbered += any(_PAGE_NUMBER.match(lines[i]) for _, i in zone)
        # a running line keeps its place: count it per slot, letting it wobble by one line
        repeated = {
            key
            for (key, slot), n in slots.items()
            if n + slots[(key, slot + 1)] >= need and len(key.strip("=#")) >= 2
        }
        # A cover title set in capitals that later pages echo as a mixed-case running header
        # ("ASSISTANCE TO AND PROTECTION OF VICTIMS OF" / "Assistance to and Protection of Victims of")
        # is the document's title there, not a running line.
        mixed_case = {
            header_key(lines[i])
            for lines, zone in zip(pages[1:], zones[1:], strict=True)
            for _, i in zone
            if not _capitals(lines[i])
        }
        out: list[list[str]] = []
        changed = False
        for page_no, (lines, zone) in enumerate(zip(pages, zones, strict=True)):
            drop = set()
            for _, i in zone:
                key = header_key(lines[i])
                cover_title = page_no == 0 and key in mixed_case and _capitals(lines[i])
                if (key in repeated and not cover_title) or (
                    numbered >= need and _PAGE_NUMBER.match(lines[i])
                ):
                    drop.add(i)
            changed |= bool(drop)
            out.append([ln for i, ln in enumerate(lines) if i not in drop])
        pages = out
        if not changed:
            return pages


def _capitals(line: str) -> bool:
    """Set in capitals ("CRIME ACT, No. 10 OF 2023": a short word in lower case allowed)."""
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _zone(lines: list[str]) -> list[tuple[int, int]]:
    """(slot, index) of the first and last ``ZONE_LINES`` non-blank body lines (margin notes skipped).
    Slots count from the top (0, 1, ...) and from the bottom (-1, -2, ...)."""
    idx = [i for i, ln in enumerate(lines) if ln and not _is_note(ln)]
    top = [(slot, i) for slot, i in enumerate(idx[:ZONE_LINES])]
    bottom = [
        (-1 - slot, i) for slot, i in enumerate(reversed(idx[-ZONE_LINES:])) if i not in idx[:ZONE_LINES]
    ]
    return top + bottom


def join_hyphenated(lines: list[str], vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Re-join words hyphenated at a line end when the next body line starts in lower case and the
    fragment has no other hyphen ("traffick-/ing" -> "trafficking"). The hyphen stays, in this order,
    unless the document spells the joined word closed elsewhere (``vocabulary``): when the
    continuation is itself hyphenated ("year-/on-year"), when the document spells it hyphenated, after
    a compound prefix ('non-', 'self-', 'cross-'...), or when both halves are words of the document
    ("gender-/based"). The completed word moves up; the next line keeps the rest."""
    lines = list(lines)
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and _is_note(lines[j]):
            j += 1
        if j >= len(lines) or _is_note(lines[i]) or not _joinable(lines[i], lines[j]):
            i += 1
            continue
        word, _, rest = lines[j].partition(" ")
        fragment = lines[i].rsplit(" ", 1)[-1][:-1]
        keep = _keeps_hyphen(fragment, word, vocabulary)
        lines[i] = (lines[i] if keep else lines[i][:-1]) + word
        if rest:
            lines[j] = rest
        else:
            del lines[j]
    return lines


def _keeps_hyphen(fragment: str, word: str, vocabulary: frozenset[str]) -> bool:
    head = fragment.lstrip("(\"'“‘[").casefold()
    tail = _WORD.match(word.casefold())
    if tail is None or any(h in tail.group(0) for h in _HYPHENS):
        return True
    rest = tail.group(0)
    if head + rest in vocabulary:
        return False
    if f"{head}-{rest}" in vocabulary or head in _KEEP_HYPHEN:
        return True
    # both halves are words of their own elsewhere in the document: a compound ("gender-based")
    return len(head) > 1 and head in vocabulary and rest in vocabulary


def vocabulary(pages: Sequence[Sequence[str]]) -> frozenset[str]:
    """Case-folded words of a document (hyphenated compounds whole), leaving out the two halves of
    words broken at a line end, to settle line-end hyphens."""
    words: set[str] = set()
    for lines in pages:
        broken = False
        for ln in lines:
            tokens = _WORD.findall(ln.casefold())
            if broken and tokens and ln[:1].islower():
                tokens = tokens[1:]
            broken = ln[-1:] in _HYPHENS
            if broken and tokens:
                tokens = tokens[:-1]
            words.update(tokens)
    return frozenset(words)


def _joinable(line: str, following: str) -> bool:
    if len(line) < 2 or line[-1] not in _HYPHENS or not line[-2].isalpha():
        return False
    fragment = line.rsplit(" ", 1)[-1][:-1]
    if any(h in fragment for h in _HYPHENS):
        return False
    return following[:1].islower()


def _tidy(lines: list[str]) -> str:
    """Collapse runs of blank lines to one and trim blank lines at both ends."""
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    while out and not out[-1]:
        out.pop()
    text = "\n".join(out)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)

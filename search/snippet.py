"""The best passage of a provision for a query, with the query terms marked.

Marks are character spans into the snippet text, never inline HTML: each UI escapes the text its own
way (the CLI bolds, the app wraps in ``<mark>`` after escaping, JSON keeps the spans).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

WORD = re.compile(r"\w+", re.UNICODE)
_ENUMERATOR = re.compile(r"\(?[0-9a-zA-Z]{1,4}[.)]")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n+")
_STOP = frozenset(
    """a an and any are as at be been by can did do does for from had has have he her his how i if in into
    is it its may must no not of on or our shall she should so such than that the their them then there
    these they this to under upon was we were what when where which who whom why will with without would
    you your de het een en van voor""".split()
)
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s")


def stem(word: str) -> str:
    """A light stemmer for matching query words to text words (not BM25's: only for display)."""
    w = word.lower()
    for suf in _SUFFIXES:
        if len(w) - len(suf) >= 4 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def query_terms(query: str) -> set[str]:
    return {stem(w) for w in WORD.findall(query) if w.lower() not in _STOP and len(w) > 1}


@dataclass(frozen=True)
class Snippet:
    text: str
    marks: tuple[tuple[int, int], ...] = ()  # [start, end) spans of ``text`` to highlight
    # where the passage lies in the provision's text (stripped): [start, end); not part of the JSON
    window: tuple[int, int] = field(default=(0, 0), compare=False)

    def segments(self) -> Iterator[tuple[str, bool]]:
        """(piece, marked) pairs in order, for renderers that escape each piece."""
        pos = 0
        for s, e in self.marks:
            if s > pos:
                yield self.text[pos:s], False
            yield self.text[s:e], True
            pos = e
        if pos < len(self.text):
            yield self.text[pos:], False

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "marks": [list(m) for m in self.marks]}


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    # An enumerator ("2.", "(a)") belongs to the sentence it opens.
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for s, e in spans:
        if _ENUMERATOR.fullmatch(text[s:e].strip()):
            carry = s if carry is None else carry
            continue
        merged.append((s if carry is None else carry, e))
        carry = None
    if carry is not None:
        merged.append((carry, len(text)))
    return merged


def _marks(text: str, terms: set[str]) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in WORD.finditer(text) if stem(m.group()) in terms)


def _windows(sentences: list[tuple[int, int]], max_chars: int) -> Iterable[tuple[int, int]]:
    for i, (start, end) in enumerate(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - start <= max_chars:
            j += 1
            end = sentences[j][1]
        yield start, end


def make_snippet(text: str, query: str, max_chars: int = 320) -> Snippet:
    """The window of whole sentences (≤ ``max_chars`` where possible) with the most distinct query
    terms, earliest on ties; long sentences are cut around their first match."""
    text = text.strip()
    if not text:
        return Snippet("")
    terms = query_terms(query)
    best: tuple[int, int] = (0, min(len(text), max_chars))
    best_score = -1
    for start, end in _windows(_sentences(text), max_chars):
        found = {stem(w) for w in WORD.findall(text[start:end])} & terms
        if len(found) > best_score:
            best, best_score = (start, end), len(found)
    start, end = best
    if end - start > max_chars:
        first = next((s for s, _ in _marks(text[start:end], terms)), 0)
        start = max(start, start + first - max_chars // 3)
        end = min(end, start + max_chars)
        # whole words only
        while start > 0 and text[start - 1].isalnum() and start < end:
            start += 1
        while end < len(text) and text[end].isalnum() and end > start:
            end -= 1
    piece = " ".join(text[start:end].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    out = prefix + piece + suffix
    return Snippet(out, _marks(out, terms), (start, end))

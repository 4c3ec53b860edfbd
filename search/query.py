"""Parse a search query: does it name a provision ("Article 3 of the Palermo Protocol", "§ 1592")?

Pure functions over small values, eyecite-style: :func:`parse_query` returns the references it found
with their spans in the query, and the rest of the text (what is left to search by meaning).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from search.pinpoint import path_of

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

# Words that introduce a provision number, by the kind they name. Several languages: the corpus holds
# English, Dutch, Russian and Georgian texts, and people cite in their own language.
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "article": (
        "articles",
        "article",
        "artikelen",
        "artikel",
        "arts.",
        "arts",
        "art.",
        "art",
        "статья",
        "статьи",
        "ст.",
        "მუხლი",
    ),
    "section": ("sections", "section", "secs.", "sec.", "sec", "ss.", "s.", "§§", "§"),
    "rule": ("rules", "rule", "r."),
    "clause": ("clauses", "clause", "cl."),
    "paragraph": ("paragraphs", "paragraph", "paras.", "para.", "para"),
}
_KIND_BY_WORD = {w: kind for kind, words in _KIND_WORDS.items() for w in words}
_WORD_ALT = "|".join(re.escape(w) for w in sorted(_KIND_BY_WORD, key=len, reverse=True))

# A provision number: digits with an optional letter/superscript suffix ("1593A", "7104a", "143¹",
# "360 C", "143-1"), then optional sub-divisions "(2)(a)": the paragraph and point the hit is focused on.
_NUMBER = r"(?P<num>\d{1,5}(?:\s?[A-Za-z](?![A-Za-z]))?(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|-\d{1,2}(?!\d))?)(?P<sub>(?:\s?\([0-9a-zA-Z]{1,4}\))*)"
_REF_RE = re.compile(
    rf"(?<![\w.])(?P<word>{_WORD_ALT})(?=[\s\d]|$)\s*{_NUMBER}(?![\w])",
    re.IGNORECASE,
)
# "18 U.S.C. 1591", "22 USC § 7102": a US Code citation names the title as well as the section.
_USC_RE = re.compile(
    rf"(?P<title>\d{{1,2}})\s*U\.?\s?S\.?\s?C\.?(?:\s*A\.?)?\s*(?:§§?\s*)?{_NUMBER}(?![\w])",
    re.IGNORECASE,
)
# Words between the number and the document's name ("Article 3 of the Palermo Protocol").
_HINT_LEAD = re.compile(r"^\s*,?\s*(?:of|in|from|under|van|из)\s+(?:the\s+|de\s+|het\s+)?", re.IGNORECASE)
_HINT_STOP = re.compile(
    r"[?;:!]|\b(?:and|which|that|what|about|on|for|regarding|where|when|how)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class ProvisionRef:
    """A provision named in a query: kind (``article``/``section``/…, or ``""``), number as written
    (normalised by :func:`normalize_number` for matching), the words naming the document, and spans."""

    kind: str
    number: str
    doc_hint: str = ""
    start: int = 0
    end: int = 0
    # paragraph and point named after the number: "(2)(a)", "paragraph 2" -> ("2", "a"), ("2",)
    sub: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return normalize_number(self.number)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    refs: tuple[ProvisionRef, ...]
    remainder: str  # the query with the references (and the document names they carry) removed

    @property
    def is_reference(self) -> bool:
        return bool(self.refs)


def normalize_number(number: str) -> str:
    """A matching key for provision numbers: ``"143¹"`` ≡ ``"143-1"`` ≡ ``"143^1"``,
    ``"360 C"`` ≡ ``"360C"`` ≡ ``"360c"``."""
    # Superscripts first: NFKC would fold "143¹" into "1431", a different article.
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^" + m.group().translate(_SUPERSCRIPTS), number)
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\s.]+", "", text)
    m = re.fullmatch(r"(\d+)([a-z]?)(?:[-^](\d+))?", text)
    if not m:
        return text
    base, letter, sup = m.groups()
    return base + letter + (f"^{sup}" if sup else "")


def _merge_paragraphs(query: str, refs: list[ProvisionRef]) -> list[ProvisionRef]:
    """ "Article 6, paragraph 3" is one reference: paragraph 3 of Article 6."""
    out: list[ProvisionRef] = []
    for r in refs:
        prev = out[-1] if out else None
        if (
            prev is not None
            and r.kind == "paragraph"
            and prev.kind != "paragraph"
            and not prev.sub
            and re.fullmatch(r"[\s,]*", query[prev.end : r.start])
        ):
            out[-1] = replace(prev, sub=(r.number, *r.sub), end=r.end, doc_hint=prev.doc_hint or r.doc_hint)
            continue
        out.append(r)
    return out


def _display_number(raw: str) -> str:
    return re.sub(r"(\d)\s+([A-Za-z])$", r"\1\2", raw.strip())


def _hint_after(query: str, end: int) -> tuple[str, int]:
    """The document name that follows a reference ("… of the Palermo Protocol"), and where it ends."""
    rest = query[end:]
    lead = _HINT_LEAD.match(rest)
    if not lead:
        return "", end
    tail = rest[lead.end() :]
    stop = _HINT_STOP.search(tail)
    hint = (tail[: stop.start()] if stop else tail).strip(" ,.\"'“”")
    if not hint:
        return "", end
    return hint, end + lead.end() + len(tail[: stop.start()] if stop else tail)


def parse_query(query: str) -> ParsedQuery:
    """Find provision references in ``query``.

    >>> parse_query("Article 3 of the Palermo Protocol").refs[0].doc_hint
    'Palermo Protocol'
    """
    refs: list[ProvisionRef] = []
    cut: list[tuple[int, int]] = []
    for m in _USC_RE.finditer(query):
        refs.append(
            ProvisionRef(
                "section",
                _display_number(m["num"]),
                f"{m['title']} U.S.C.",
                m.start(),
                m.end(),
                path_of(m["sub"] or ""),
            )
        )
        cut.append((m.start(), m.end()))
    for m in _REF_RE.finditer(query):
        if any(s <= m.start() < e for s, e in cut):
            continue
        kind = _KIND_BY_WORD[m["word"].lower()]
        hint, hint_end = _hint_after(query, m.end())
        refs.append(
            ProvisionRef(kind, _display_number(m["num"]), hint, m.start(), m.end(), path_of(m["sub"] or ""))
        )
        cut.append((m.start(), hint_end))
    refs = _merge_paragraphs(query, sorted(refs, key=lambda r: r.start))
    remainder = query
    for s, e in sorted(cut, reverse=True):
        remainder = remainder[:s] + " " + remainder[e:]
    remainder = re.sub(r"\s+", " ", remainder).strip(" ,.?")
    return ParsedQuery(query, tuple(refs), remainder)

"""Heading vocabulary and number handling for legal structure parsing.

Keywords are listed per language with the canonical word used in labels ("Art." and "ARTICLE"
are cited as "Article"). Numbers are kept as printed in ``Provision.number``; ids use
:func:`id_number`:

* lower-case, ``143¹`` → ``143_1``, ``143-1`` → ``143_1``, ``3.4.1`` → ``3_4_1``, ``1593A`` → ``1593a``;
* roman container numbers become arabic (``Chapter II`` → ``chp_2``), so ids do not depend on
  whether a translation prints roman or arabic numerals.
"""

from __future__ import annotations

import re

# Unit keywords: (regex alternative, kind, canonical label word). Order matters for "Art.".
UNIT_WORDS: tuple[tuple[str, str, str], ...] = (
    (r"Article|ARTICLE|Art\.|ART\.", "article", "Article"),
    (r"Artikel|ARTIKEL", "article", "Artikel"),
    (r"Статья|СТАТЬЯ|Ст\.", "article", "Статья"),
    (r"მუხლი", "article", "მუხლი"),
    (r"Հոդված|ՀՈԴՎԱԾ", "article", "Հոդված"),
    (r"Maddə|MADDƏ|Madde", "article", "Maddə"),
    (r"Section|SECTION|Sec\.|SEC\.", "section", "Section"),
    (r"§§?", "section", "§"),
    (r"Rule|RULE", "rule", "Rule"),
)

# Container keywords: (regex alternative, kind, canonical label word).
CONTAINER_WORDS: tuple[tuple[str, str, str], ...] = (
    (r"Title|TITLE", "title", "Title"),
    (r"Titel|TITEL", "title", "Titel"),
    (r"Part|PART", "part", "Part"),
    (r"Deel|DEEL", "part", "Deel"),
    (r"Раздел|РАЗДЕЛ", "part", "Раздел"),
    (r"კარი", "part", "კარი"),
    (r"Բաժին|ԲԱԺԻՆ", "part", "Բաժին"),
    (r"Bölmə|BÖLMƏ", "part", "Bölmə"),
    (r"Subchapter|SUBCHAPTER", "subchapter", "Subchapter"),
    (r"Chapter|CHAPTER", "chapter", "Chapter"),
    (r"Hoofdstuk|HOOFDSTUK", "chapter", "Hoofdstuk"),
    (r"Глава|ГЛАВА", "chapter", "Глава"),
    (r"თავი", "chapter", "თავი"),
    (r"Գլուխ|ԳԼՈՒԽ", "chapter", "Գլուխ"),
    (r"Fəsil|FƏSİL|FƏSIL", "chapter", "Fəsil"),
    (r"Division|DIVISION", "division", "Division"),
    (r"Afdeling|AFDELING", "division", "Afdeling"),
)

# Nesting rank of containers: a new container closes open ones of equal or lower rank.
CONTAINER_RANK = {"title": 0, "part": 1, "chapter": 2, "subchapter": 3, "division": 4, "section_group": 5}

ID_PREFIX = {
    "title": "title",
    "part": "part",
    "chapter": "chp",
    "subchapter": "subchp",
    "division": "dvs",
    "section_group": "secgrp",
    "article": "art",
    "section": "sec",
    "rule": "rule",
    "clause": "clause",
    "annex": "annex",
    "paragraph": "para",
    "point": "point",
    "subpoint": "subpoint",
}

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

# A unit or container number: 5, 143¹, 143-1, 7103a, 1593A, 3.4, II.
NUMBER = r"(?:\d{1,5}(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|-\d{1,3}(?![\d.,])|\.\d{1,3}(?=[\s.:–—-]|$))?[A-Za-z]{0,2}(?![\w])|[IVXLC]{1,7}(?![\w]))"

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_RE = re.compile(r"^[IVXLCDM]+$", re.IGNORECASE)


def roman_to_int(s: str) -> int | None:
    """Value of a roman numeral, or None when ``s`` is not one."""
    if not s or not _ROMAN_RE.match(s):
        return None
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = _ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


_TO_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
    (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def int_to_roman(value: int) -> str:
    """1 → "I", 14 → "XIV" (upper case; "" for 0)."""
    out = ""
    for amount, digits in _TO_ROMAN:
        while value >= amount:
            out, value = out + digits, value - amount
    return out


def is_roman(s: str) -> bool:
    return roman_to_int(s) is not None


def id_number(number: str, *, roman: bool = True) -> str:
    """Normalise a printed number for ids (see the module docstring)."""
    n = number.strip()
    # A lone "C", "L" or "D" is a letter (Annex C), not a roman 100/50/500.
    if roman and (n.isupper() or n.islower()) and re.fullmatch(r"[IVX]+|[IVXLC]{2,}", n.upper()):
        if n.isupper() or len(n) > 1:
            return str(roman_to_int(n))
    out = []
    for i, ch in enumerate(n):
        if ch in SUPERSCRIPTS:
            if i and n[i - 1] not in SUPERSCRIPTS:
                out.append("_")
            out.append(ch.translate(_SUP_TO_DIGIT))
        elif ch.isalnum():
            out.append(ch.lower())
        else:
            out.append("_")
    return re.sub(r"_+", "_", "".join(out)).strip("_") or "0"


def number_key(number: str) -> tuple[int, int, str]:
    """Sort key for numbering sanity: (base, insertion index, letters). 143¹ > 143, 1593A > 1593."""
    n = number.strip()
    r = roman_to_int(n) if n.isupper() else None
    if r is not None:
        return (r, 0, "")
    m = re.match(r"(\d+)(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|[-.](\d+))?([A-Za-z]*)", n)
    if not m:
        return (0, 0, n.lower())
    sub = m.group(2).translate(_SUP_TO_DIGIT) if m.group(2) else (m.group(3) or "0")
    return (int(m.group(1)), int(sub), m.group(4).lower())


def letter_value(s: str) -> int:
    """a → 1, z → 26, aa → 27 (list letters)."""
    s = s.lower()
    if len(s) == 2 and s[0] == s[1]:
        return 26 + ord(s[0]) - 96
    return ord(s[0]) - 96 if len(s) == 1 else 0


# Lines that end a sentence: used to tell a heading from a wrapped cross-reference.
SENTENCE_END = tuple('.;:!?"”’)]—–-')
PREAMBLE_WORDS = frozenset({"preamble", "preambule", "преамбула", "პრეამბულა", "նախաբան", "preambula"})
ANNEX_RE = re.compile(
    r"^(?:(?:FIRST|SECOND|THIRD|First|Second|Third)\s+)?(?P<kw>ANNEX|Annex|SCHEDULE|Schedule|APPENDIX|Appendix|Bijlage|BIJLAGE|Приложение|ПРИЛОЖЕНИЕ)"
    r"(?:\s+(?P<num>[IVX]{1,5}|\d{1,2}|[A-Z]))?(?P<tail>\s*(?:[-–—:.(].*)?)$"
)
_LEADER_RE = re.compile(r"(?:\.{3,}|…|\. \. \.)\s*\d{1,3}\s*$")
_PAGE_NO_RE = re.compile(r"(\S+)\s+\d{1,3}$")
# "... from articles 3" ends with a number too, but a citation word before it means running text.
_CITES = frozenset(
    "article articles art arts section sections paragraph paragraphs para paras chapter part rule no of and to in under or".split()
)


def toc_like(text: str) -> bool:
    """A table-of-contents entry: a heading followed by its page number (after leader dots)."""
    t = text.strip()
    if _LEADER_RE.search(t):
        return True
    m = _PAGE_NO_RE.search(t)
    return m is not None and len(t) < 100 and m.group(1).strip(".,()").lower() not in _CITES

"""Repairs of the OCR misreadings that break a law's structure (pure; pages read by OCR only).

tesseract misreads the characters that matter most for citations: a section number at the start of a
line ("1." read as "i.", "11." as "lt.", "12." as "[2.", "5." as "5,") and paragraph markers ("(1)" read
as "{1}", "(!}" or "{c}"). Only what the context confirms is changed:

* a garbled number at the start of a line becomes the number the sequence expects next, when it has as
  many characters as that number, holds a digit or only look-alikes of "1" ("i", "l", "L", "t", "[", "|"),
  and is followed by ".", "," or ":" and a capital letter (a heading);
* a marker in curly or mismatched brackets ("{c}", "(1}") becomes a parenthesised one; "!" inside it
  becomes "1"; square brackets that match ("[1]", a footnote) are left alone;
* the number after a unit word at the start of a line ("Chapter", "Part", "Глава", "თავი"...) with "l",
  "i" or "|" read for "I" or "1": "Chapter Il", "Part lV", "Chapter Vil", "Chapter |". The document's
  other numbers after the same word say whether it numbers them in roman or arabic figures; a number that
  is a roman numeral only with V or X in it needs no such evidence; otherwise it is left alone;
* the heading after a container's number starting with a small letter ("Chapter III - identification"):
  its first letter is made a capital, as OCR read "I" as "i" (Latin, Cyrillic and Armenian script only:
  Georgian headings have no capitals).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_LOOKALIKES = "0123456789ilILt|![]{}OoSsBZz"
_NUMBERED = re.compile(rf"^[‘'\"_]?([{re.escape(_LOOKALIKES)}]{{1,3}})([.,:])\s*\|?\s+(?=[A-Z])")
_CONTAINER_WORDS = "Chapter|Part|Title|Book|Division|Глава|Раздел|თავი|კარი|Գլուխ|Բաժին|Fəsil|Bölmə"
_UNIT_NUMBER = re.compile(
    rf"^(?P<word>(?i:{_CONTAINER_WORDS}|Section))(?P<space>\s+)(?P<num>[^\s.:,\-–—]{{1,6}})"
    r"(?P<sep>\s*[-–—:.]\s+)?(?P<rest>.*)$"
)
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_LOOKALIKES = set("IVXl1|i")  # "I" read as "l", "1", "|" or "i"
_ONE_LOOKALIKES = set("l|iI1")
_MARKER = re.compile(r"[({\[]\s?([0-9]{1,3}|[!]|[a-z]{1,2}|[ivx]{1,5})\s?[)}\]]")


def repair_numbering(texts: list[str]) -> list[str]:
    """The pages' texts with garbled section numbers and brackets repaired, in reading order."""
    last = 0
    out: list[str] = []
    styles = _number_styles(texts)
    for text in texts:
        lines = []
        for line in text.split("\n"):
            line = _MARKER.sub(_marker, line)
            line = _unit_number(line, styles)
            m = _NUMBERED.match(line)
            if m:
                token = m.group(1)
                if token.isdigit():
                    if last < int(token) <= last + 3:  # "5," or "7. |" or "‘16," → "5. ", "7. ", "16. "
                        line = f"{token}. " + line[m.end() :]
                    last = max(last, int(token))
                elif len(token) == len(str(last + 1)) and _garbled_number(token):
                    last += 1
                    line = f"{last}. " + line[m.end() :]
            lines.append(line)
        out.append("\n".join(lines))
    return out


def _garbled_number(token: str) -> bool:
    """A digit with look-alikes ("[2", "1O"), or only the look-alikes of 1 ("i", "li", "lt"); a capital
    "I" alone is a roman numeral, not a misread 1."""
    return any(ch.isdigit() for ch in token) or all(ch in "ilL|![]t" for ch in token)


def _number_styles(texts: list[str]) -> dict[str, str]:
    """For each unit word, "roman" or "arabic": how the document's clean numbers after it are written."""
    votes: dict[str, Counter[str]] = {}
    for text in texts:
        for line in text.split("\n"):
            m = _UNIT_NUMBER.match(line)
            if m is None:
                continue
            num = m.group("num")
            style = "arabic" if num.isdigit() else "roman" if _ROMAN.match(num) else ""
            if style:
                votes.setdefault(m.group("word").lower(), Counter())[style] += 1
    return {word: count.most_common(1)[0][0] for word, count in votes.items()}


def _unit_number(line: str, styles: dict[str, str]) -> str:
    m = _UNIT_NUMBER.match(line)
    if m is None:
        return line
    word, num, sep, rest = m.group("word"), m.group("num"), m.group("sep"), m.group("rest")
    fixed = _repaired_number(num, styles.get(word.lower(), ""))
    if fixed is None:
        return line
    if sep and _small_capitalisable(rest[:1]) and word.lower() != "section":  # "Chapter III - identification"
        rest = rest[0].upper() + rest[1:]
    return f"{word}{m.group('space')}{fixed}{sep or ''}{rest}"


def _small_capitalisable(ch: str) -> bool:
    """A small letter of a script whose headings start with a capital (Georgian has none in use)."""
    return ch.islower() and unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC", "ARMENIAN"))


def _repaired_number(num: str, style: str) -> str | None:
    """The number as printed, or None when it is not one (or cannot be told)."""
    if num.isdigit() or _ROMAN.match(num):
        return num
    if not set(num) <= _ROMAN_LOOKALIKES:
        return None
    roman = "".join("I" if ch in _ONE_LOOKALIKES else ch for ch in num)
    if style == "arabic" and set(num) <= _ONE_LOOKALIKES:
        return "1" * len(num)
    if _ROMAN.match(roman) and (style == "roman" or set(num) & set("VX")):
        return roman
    return None


def _marker(m: re.Match[str]) -> str:
    whole, inner = m.group(0), m.group(1)
    if inner != "!" and (whole[0], whole[-1]) in {("(", ")"), ("[", "]")}:
        return whole  # already right, or a square-bracketed reference such as a footnote "[1]"
    return f"({'1' if inner == '!' else inner})"

"""Repairs of the OCR misreadings that break a law's structure (pure; pages read by OCR only).

tesseract misreads the characters that matter most for citations: a section number at the start of a
line ("1." read as "i.", "11." as "lt.", "12." as "[2.", "5." as "5,") and paragraph markers ("(1)" read
as "{1}", "(!}" or "{c}"). Only what the context confirms is changed:

* a garbled number at the start of a line becomes the number the sequence expects next, when it has as
  many characters as that number, holds a digit or only look-alikes of "1" ("i", "l", "L", "t", "[", "|"),
  and is followed by ".", "," or ":" and a capital letter (a heading);
* a marker in curly or mismatched brackets ("{c}", "(1}") becomes a parenthesised one; "!" inside it
  becomes "1"; square brackets that match ("[1]", a footnote) are left alone;
* a roman numeral after a unit word at the start of a line, with "l" or "1" read for "I" ("Chapter Il",
  "Part lV"), becomes the numeral, when the result is one and an "l" is in it; "l" alone and digits
  alone ("11") are left alone (they may be arabic).
"""

from __future__ import annotations

import re

_LOOKALIKES = "0123456789ilILt|![]{}OoSsBZz"
_NUMBERED = re.compile(rf"^[‘'\"_]?([{re.escape(_LOOKALIKES)}]{{1,3}})([.,:])\s*\|?\s+(?=[A-Z])")
_UNIT_WORDS = "Chapter|Part|Title|Book|Division|Section|Глава|Раздел|თავი|კარი|Գլուխ|Բաժին|Fəsil|Bölmə"
_ROMAN_UNIT = re.compile(rf"^((?i:{_UNIT_WORDS})\s+)([IVXLl1]{{2,6}})(?=$|[\s.:,\-–—])")
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_MARKER = re.compile(r"[({\[]\s?([0-9]{1,3}|[!]|[a-z]{1,2}|[ivx]{1,5})\s?[)}\]]")


def repair_numbering(texts: list[str]) -> list[str]:
    """The pages' texts with garbled section numbers and brackets repaired, in reading order."""
    last = 0
    out: list[str] = []
    for text in texts:
        lines = []
        for line in text.split("\n"):
            line = _MARKER.sub(_marker, line)
            line = _ROMAN_UNIT.sub(_roman, line)
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


def _marker(m: re.Match[str]) -> str:
    whole, inner = m.group(0), m.group(1)
    if inner != "!" and (whole[0], whole[-1]) in {("(", ")"), ("[", "]")}:
        return whole  # already right, or a square-bracketed reference such as a footnote "[1]"
    return f"({'1' if inner == '!' else inner})"


def _roman(m: re.Match[str]) -> str:
    numeral = m.group(2).replace("l", "I").replace("1", "I")
    misread = "l" in m.group(2)  # "11" alone may be arabic
    return m.group(1) + numeral if misread and _ROMAN.match(numeral) else m.group(0)

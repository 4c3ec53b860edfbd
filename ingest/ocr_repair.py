"""Repairs of the OCR misreadings that break a law's structure (pure; pages read by OCR only).

tesseract misreads the characters that matter most for citations: a section number at the start of a
line ("1." read as "i.", "11." as "lt.", "12." as "[2.", "5." as "5,") and paragraph markers ("(1)" read
as "{1}", "(!}" or "{c}"). Only what the context confirms is changed:

* a garbled number at the start of a line becomes the number the sequence expects next, when it has as
  many characters as that number, holds a digit or only look-alikes of "1" ("i", "l", "L", "t", "[", "|"),
  and is followed by ".", "," or ":" and a capital letter (a heading);
* a marker in curly or mismatched brackets ("{c}", "(1}") becomes a parenthesised one; "!" inside it
  becomes "1"; square brackets that match ("[1]", a footnote) are left alone;
* the number after a unit word at the start of a line ("Chapter", "Part", "Глава", "Գլուխ"...) misread:
  "Chapter Il", "Part lV", "Chapter Vil", "Chapter |", "Глава И", "Chapter ffl". How the document numbers
  them (roman or arabic) comes from its clean numbers after the same word; numbers that are all
  look-alikes of "1" in two lengths or more ("|", "||", "111": packs without Latin letters) are roman; a
  garbled number without digits is taken as roman when nothing else tells. The look-alikes are then read in
  that style, and a heading whose reading would go back (or cannot be read) gets the number after the
  last one; a number with digits and nothing to go by ("l1") is left alone;
* "Article 24, Prevention and awareness": the comma becomes a full stop when 24 follows the last article
  heading and a short heading with a capital follows ("Article 24, paragraph 2 applies" stays);
* a lone Armenian "ն" (no word on its own) becomes "և" ("and"), which the Armenian pack reads as "ն";
* the heading after a container's number starting with a small letter ("Chapter III - identification"):
  its first letter is made a capital, as OCR read "I" as "i" (Latin, Cyrillic and Armenian script only:
  Georgian headings have no capitals).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.structure.patterns import int_to_roman, roman_to_int

_LOOKALIKES = "0123456789ilILt|![]{}OoSsBZz"
_NUMBERED = re.compile(rf"^[‘'\"_]?([{re.escape(_LOOKALIKES)}]{{1,3}})([.,:])\s*\|?\s+(?=[A-Z])")
_CONTAINER_WORDS = "Chapter|Part|Title|Book|Division|Глава|Раздел|თავი|კარი|Գլուխ|Բաժին|Fəsil|Bölmə"
_UNIT_NUMBER = re.compile(
    rf"^(?P<word>(?i:{_CONTAINER_WORDS}|Section))(?P<space>\s+)(?P<num>[^\s.:,\-–—~]{{1,6}})"
    r"(?P<sep>\s*[-–—~:.]\s+)?(?P<rest>.*)$"
)
_ROMAN = re.compile(r"^(?=[IVX])(X{0,3})(IX|IV|V?I{0,3})$")
_ONE_LOOKALIKES = set("l|iI1!")  # "I" or "1" read as "l", "|", "i" or "!"
_NUMERAL_LOOKALIKES = _ONE_LOOKALIKES | set("VXHИft[]")  # "H" or "И" for "II", "ffl" for "III"...
_AS_ROMAN = {**dict.fromkeys(_ONE_LOOKALIKES, "I"), "H": "II", "И": "II"}
_ARTICLE = re.compile(
    r"^(?P<head>(?:Article|ARTICLE|Статья|СТАТЬЯ|მუხლი|Հոդված|Maddə)\s+(?P<num>\d{1,4}))(?P<mark>[.,])(?P<rest>\s+\S.*)$"
)
_ARMENIAN_AND = re.compile(r"(?<=\s)ն(?=\s)")  # "և" ("and") read as "ն", which is no word alone
_MARKER = re.compile(r"[({\[]\s?([0-9]{1,3}|[!]|[a-z]{1,2}|[ivx]{1,5})\s?[)}\]]")


def repair_numbering(texts: list[str]) -> list[str]:
    """The pages' texts with garbled section numbers and brackets repaired, in reading order."""
    last = 0
    out: list[str] = []
    containers = _ContainerNumbers(texts)
    last_article = 0
    for text in texts:
        lines = []
        for line in text.split("\n"):
            line = _MARKER.sub(_marker, line)
            line = _ARMENIAN_AND.sub("և", line)
            line = containers.repair(line)
            line, last_article = _article_heading(line, last_article)
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


def _article_heading(line: str, last: int) -> tuple[str, int]:
    """ "Article 24, Prevention" → "Article 24. Prevention" where 24 is the article after the last heading
    and what follows is a heading (a capital, short, no closing punctuation); with the last number."""
    m = _ARTICLE.match(line)
    if m is None:
        return line, last
    number, rest = int(m.group("num")), m.group("rest").strip()
    if m.group("mark") == ".":
        return line, number
    heading = rest[:1].isupper() and len(rest) < 100 and not rest.endswith((".", ",", ";", ":"))
    if number == last + 1 and heading:
        return f"{m.group('head')}.{m.group('rest')}", number
    return line, last


def _garbled_number(token: str) -> bool:
    """A digit with look-alikes ("[2", "1O"), or only the look-alikes of 1 ("i", "li", "lt"); a capital
    "I" alone is a roman numeral, not a misread 1."""
    return any(ch.isdigit() for ch in token) or all(ch in "ilL|![]t" for ch in token)


class _ContainerNumbers:
    """Repairs the numbers of container headings ("Chapter Il -", "Chapter ffl -") in reading order,
    knowing how the document writes them (roman or arabic) and which number each word had last."""

    def __init__(self, texts: list[str]) -> None:
        numbers: dict[str, list[str]] = {}
        for text in texts:
            for line in text.split("\n"):
                if (m := _UNIT_NUMBER.match(line)) is not None:
                    numbers.setdefault(m.group("word").lower(), []).append(m.group("num"))
        # Packs without Latin letters read roman I, II, III as "|", "||", "111" (Armenian) or as "|",
        # "И", "!!" (Russian): such numbers are roman numerals misread, not arabic ones.
        self._ones: set[str] = {word for word, nums in numbers.items() if _roman_read_as_ones(nums)}
        self._styles: dict[str, str] = {}
        for word, nums in numbers.items():
            clean = Counter(style for n in nums if (style := _style(n)))
            if word in self._ones:
                self._styles[word] = "roman"
            elif clean:
                self._styles[word] = clean.most_common(1)[0][0]
            elif any(set(n) <= _NUMERAL_LOOKALIKES and not any(ch.isdigit() for ch in n) for n in nums):
                self._styles[word] = "roman"  # only garbled numbers, one without digits: "|", "И", "!!"
        self._last: dict[str, int] = {}

    def repair(self, line: str) -> str:
        m = _UNIT_NUMBER.match(line)
        if m is None:
            return line
        word, num, sep, rest = m.group("word"), m.group("num"), m.group("sep") or "", m.group("rest")
        key, heading = word.lower(), bool(sep) or not rest  # "Chapter III - Title" or "CHAPTER III" alone
        clean = _style(num) and not (key in self._ones and set(num) <= _ONE_LOOKALIKES)
        fixed = num if clean else self._guess(key, num, heading)
        if fixed is None:
            return line
        if heading and (value := _value(fixed)) is not None:
            self._last[key] = value
        if sep and _small_capitalisable(rest[:1]) and key != "section":  # "Chapter III - identification"
            rest = rest[0].upper() + rest[1:]
        return f"{word}{m.group('space')}{fixed}{sep.replace('~', '-')}{rest}"  # "~": a misread dash

    def _guess(self, key: str, num: str, heading: bool) -> str | None:
        """A garbled number: its look-alikes read in the document's style, unless that would go back in
        a heading; else (in a heading) the number after the last one; None when neither can be told."""
        if not set(num) <= _NUMERAL_LOOKALIKES:
            return None
        style, last = self._styles.get(key, ""), self._last.get(key, 0)
        roman = "".join(_AS_ROMAN.get(ch, ch) for ch in num)
        if style == "arabic" and set(num) <= _ONE_LOOKALIKES:
            return "1" * len(num)
        forward = not heading or (_value(roman) or 0) > last
        if _ROMAN.match(roman) and forward and (style == "roman" or set(num) & set("VX")):
            return roman
        if heading and style:
            return str(last + 1) if style == "arabic" else int_to_roman(last + 1)
        return None


def _roman_read_as_ones(nums: list[str]) -> bool:
    """Numbers after one word that are all look-alikes of "1", of two lengths or more ("1", "11", "111"
    or "|", "||", "111"): I, II, III, as chapters are not numbered 1, 11, 111."""
    return all(set(n) <= _ONE_LOOKALIKES for n in nums) and len({len(n) for n in nums}) >= 2


def _style(num: str) -> str:
    """ "arabic" or "roman" for a clean number, "" for anything else."""
    return "arabic" if num.isdigit() else "roman" if _ROMAN.match(num) else ""


def _value(num: str) -> int | None:
    if num.isdigit():
        return int(num)
    return roman_to_int(num) if _ROMAN.match(num) else None


def _small_capitalisable(ch: str) -> bool:
    """A small letter of a script whose headings start with a capital (Georgian has none in use)."""
    return ch.islower() and unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC", "ARMENIAN"))


def _marker(m: re.Match[str]) -> str:
    whole, inner = m.group(0), m.group(1)
    if inner != "!" and (whole[0], whole[-1]) in {("(", ")"), ("[", "]")}:
        return whole  # already right, or a square-bracketed reference such as a footnote "[1]"
    return f"({'1' if inner == '!' else inner})"

"""Word's automatic numbering, rendered as the text a reader sees ("Article 3.", "(b)", "iv.").

Drafts of laws are often numbered by Word itself (``w:numPr`` on a paragraph or on its style, defined in
``numbering.xml``): the numbers are not in the text, so without this the parser would find no article.
Supported: direct and style numbering (with ``basedOn`` inheritance and ``numStyleLink``), multi-level
templates (``%1.%2``), ``start`` / ``startOverride`` / ``lvlRestart``, ``isLgl``, the suffix, and the
formats decimal, decimalZero, upper/lower letter and roman, Russian letters and ordinal; bullets and
``none`` give no label; other formats fall back to decimal.

Counters follow Word: lists that share an abstract definition continue one another, unless a list
instance overrides its start (then it counts on its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from docx.oxml.ns import qn

from ingest.structure.patterns import int_to_roman

_LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")
_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"  # Word's russianLower sequence (no ё, й, ъ, ы, ь)


def _val(el: Any, tag: str) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = " "
    restart: int | None = None  # lvlRestart: the 1-based level whose use restarts this one (None: any above)
    legal: bool = False  # isLgl: every referenced level shown as decimal

    @classmethod
    def parse(cls, lvl: Any) -> Level:
        suff = _val(lvl, "w:suff") or "tab"
        restart = _val(lvl, "w:lvlRestart")
        return cls(
            start=_int(_val(lvl, "w:start"), 1),  # the schema's default is 0; Word always writes it
            fmt=_val(lvl, "w:numFmt") or "decimal",
            text=_val(lvl, "w:lvlText") or "",
            suffix={"tab": " ", "space": " "}.get(suff, ""),
            restart=None if restart is None else _int(restart, 0),
            legal=lvl.find(qn("w:isLgl")) is not None,
        )


@dataclass
class _Counters:
    levels: dict[int, Level]
    values: list[int | None] = field(default_factory=lambda: [None] * _LEVELS)

    def advance(self, ilvl: int) -> None:
        level = self.levels.get(ilvl, Level())
        current = self.values[ilvl]
        self.values[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, _LEVELS):
            restart = self.levels.get(deeper, Level()).restart
            if restart is None or (restart > 0 and ilvl <= restart - 1):  # 1-based; 0: never
                self.values[deeper] = None

    def label(self, ilvl: int) -> str:
        level = self.levels.get(ilvl)
        if level is None or level.fmt == "bullet" or not level.text:
            return ""

        def number(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            ref = self.levels.get(i, Level())
            current = self.values[i]
            value = current if current is not None else ref.start
            return format_number(value, "decimal" if level.legal and i != ilvl else ref.fmt)

        text = _PLACEHOLDER.sub(number, level.text).strip()
        return f"{text}{level.suffix}" if text else ""


def format_number(value: int, fmt: str) -> str:
    """``value`` in one of Word's number formats (``ST_NumberFormat``); unknown formats: decimal."""
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("russianLower", "russianUpper") and value > 0:
        n = len(_RUSSIAN)
        letter = _RUSSIAN[(value - 1) % n] * ((value - 1) // n + 1)
        return letter if fmt == "russianLower" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = int_to_roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        return f"{value}{suffix}"
    return str(value)


class Numbering:
    """The numbering of one document; ``label(p)`` is called on every paragraph in reading order."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self._abstract: dict[str, Any] = {}
        # numId -> (abstractNumId, its lvlOverride elements by level)
        self._nums: dict[str, tuple[str, dict[int, Any]]] = {}
        self._style_num: dict[str, tuple[str | None, int | None]] = {}  # styleId -> (numId, ilvl)
        self._style_parent: dict[str, str] = {}
        self._counters: dict[str, _Counters] = {}
        if numbering is not None:
            for a in numbering.iterchildren(qn("w:abstractNum")):
                self._abstract[a.get(qn("w:abstractNumId"))] = a
            for n in numbering.iterchildren(qn("w:num")):
                overrides = {_int(o.get(qn("w:ilvl")), 0): o for o in n.iterchildren(qn("w:lvlOverride"))}
                self._nums[n.get(qn("w:numId"))] = (_val(n, "w:abstractNumId") or "", overrides)
        if styles is not None:
            for s in styles.iterchildren(qn("w:style")):
                sid = s.get(qn("w:styleId"))
                num_pr = s.find(qn("w:pPr") + "/" + qn("w:numPr"))
                if num_pr is not None:
                    ilvl = _val(num_pr, "w:ilvl")
                    self._style_num[sid] = (_val(num_pr, "w:numId"), None if ilvl is None else _int(ilvl, 0))
                parent = _val(s, "w:basedOn")
                if parent:
                    self._style_parent[sid] = parent

    @classmethod
    def of(cls, document: Any) -> Numbering:
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        return cls(numbering, document.styles.element)

    def label(self, p: Any, ppr: Any | None = None) -> str:
        """The label Word shows before paragraph ``p`` (advancing its list), or ""; ``ppr``: the paragraph's
        properties to number it by (default: its own ``w:pPr``)."""
        found = self._numbering_of(p.find(qn("w:pPr")) if ppr is None else ppr)
        if found is None:
            return ""
        num_id, ilvl = found
        counters = self._counters_of(num_id)
        if counters is None or not 0 <= ilvl < _LEVELS:
            return ""
        counters.advance(ilvl)
        return counters.label(ilvl)

    def _numbering_of(self, ppr: Any | None) -> tuple[str, int] | None:
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id = _val(num_pr, "w:numId") if num_pr is not None else None
        ilvl_text = _val(num_pr, "w:ilvl") if num_pr is not None else None
        style = _val(ppr, "w:pStyle") if ppr is not None else None
        if num_id is None and style is not None:
            style_num, style_ilvl = self._style_numbering(style)
            num_id = style_num
            if ilvl_text is None and style_ilvl is not None:
                ilvl_text = str(style_ilvl)
            elif ilvl_text is None and num_id is not None:
                ilvl_text = str(self._level_of_style(num_id, style))
        if num_id is None or num_id == "0":  # numId 0: numbering explicitly removed
            return None
        return num_id, _int(ilvl_text, 0)

    def _style_numbering(self, style: str) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        current: str | None = style
        while current is not None and current not in seen:
            seen.add(current)
            if current in self._style_num:
                return self._style_num[current]
            current = self._style_parent.get(current)
        return None, None

    def _abstract_of(self, num_id: str) -> Any | None:
        abstract_id = self._nums.get(num_id, ("", {}))[0]
        abstract = self._abstract.get(abstract_id)
        link = _val(abstract, "w:numStyleLink") if abstract is not None else None
        if link is not None:  # the definition lives with the numbering style it links to
            linked_num, _ = self._style_numbering(link)
            target = self._abstract.get(self._nums.get(linked_num or "", ("", {}))[0])
            abstract = target if target is not None else abstract
        return abstract

    def _level_of_style(self, num_id: str, style: str) -> int:
        abstract = self._abstract_of(num_id)
        if abstract is not None:
            for lvl in abstract.iterchildren(qn("w:lvl")):
                if _val(lvl, "w:pStyle") == style:
                    return _int(lvl.get(qn("w:ilvl")), 0)
        return 0

    def _counters_of(self, num_id: str) -> _Counters | None:
        if num_id not in self._nums:
            return None
        abstract = self._abstract_of(num_id)
        if abstract is None:
            return None
        _, overrides = self._nums[num_id]
        key = f"num:{num_id}" if overrides else f"abstract:{id(abstract)}"
        if key not in self._counters:
            levels = {
                _int(lvl.get(qn("w:ilvl")), 0): Level.parse(lvl) for lvl in abstract.iterchildren(qn("w:lvl"))
            }
            for i, override in overrides.items():
                levels[i] = _overridden(levels.get(i), override)
            self._counters[key] = _Counters(levels)
        return self._counters[key]


def _overridden(level: Level | None, override: Any) -> Level:
    """A level as a list's ``w:lvlOverride`` changes it: a whole new definition (``w:lvl``) replaces the
    shared one, and ``w:startOverride`` sets where it starts."""
    redefined = override.find(qn("w:lvl"))
    if redefined is not None:
        level = Level.parse(redefined)
    level = level if level is not None else Level()
    start = _val(override, "w:startOverride")
    return level if start is None else replace(level, start=_int(start, 1))

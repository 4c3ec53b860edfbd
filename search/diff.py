"""Text normalisation and word-level redlines for compared provisions.

Normalisation removes differences a drafter does not care about (whitespace, quote and dash styles,
hyphenation at line ends, page breaks) so that such edits read as ``unchanged``. The redline is a
word-level diff (``difflib.SequenceMatcher`` over words and punctuation) whose pieces are spans of the
original texts, so a renderer shows what the drafter wrote, not our normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

OpName = Literal["equal", "insert", "delete", "replace"]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\f": " ",
        "\u00ad": "",  # soft hyphen
        "\u200b": "",
    }
)
# "traf-\nficking" is one word broken across lines; "non-\npunishment" loses a real hyphen, which we accept.
_LINE_HYPHEN = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w)")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) ")
_TOKEN = re.compile(r"\w+(?:['\-]\w+)*|[^\w\s]")


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Canonical form for equality tests: formatting-only edits map to the same string."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    t = _LINE_HYPHEN.sub(r"\1\2", t)
    t = _SPACE.sub(" ", t).strip()
    t = _SPACE_BEFORE_PUNCT.sub(r"\1", t)
    return _SPACE_AFTER_OPEN.sub(r"\1", t)


def words(text: str) -> list[str]:
    """Lower-cased words of the normalised text (for similarity, not for display)."""
    return list(_words(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _TOKEN.findall(normalise(text).lower()) if w[0].isalnum())


@dataclass(frozen=True)
class DiffOp:
    """One piece of a redline: ``left``/``right`` are spans of the original texts."""

    op: OpName
    left: str = ""
    right: str = ""

    def as_json(self) -> dict[str, str]:
        return {"op": self.op, "left": self.left, "right": self.right}


def _spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Tokens (words and punctuation) with their spans in ``text``; keys are normalised."""
    keys: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        keys.append(unicodedata.normalize("NFKC", m.group(0)).translate(_QUOTES))
        spans.append(m.span())
    return keys, spans


def _cut(text: str, spans: list[tuple[int, int]], a: int, b: int) -> str:
    if a >= b:
        return ""
    return text[spans[a][0] : spans[b - 1][1]]


def word_diff(left: str, right: str) -> tuple[DiffOp, ...]:
    """Word-level redline of two texts in document order; empty when both are empty."""
    lk, ls = _spans(left)
    rk, rs = _spans(right)
    matcher = SequenceMatcher(a=lk, b=rk, autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        lt, rt = _cut(left, ls, i1, i2), _cut(right, rs, j1, j2)
        if tag == "equal":
            ops.append(DiffOp("equal", lt, rt))
        elif tag == "insert":
            ops.append(DiffOp("insert", "", rt))
        elif tag == "delete":
            ops.append(DiffOp("delete", lt, ""))
        else:
            ops.append(DiffOp("replace", lt, rt))
    return tuple(ops)

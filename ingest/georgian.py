"""A light Georgian stemmer for BM25: strips the case, plural and postposition endings of nouns.

No Snowball stemmer exists for Georgian, and without one BM25 matches only identical word forms:
"მსხვერპლი" (victim), "მსხვერპლის" (of the victim), "მსხვერპლებს" (to the victims) and "მსხვერპლთა"
(of the victims) would be four unrelated terms. This strips, in order, at most one fused postposition
(-ში, -ზე, -თან, -თვის, -დან, -მდე, -გან, ...), then at most one case or plural ending (-ი, -ის, -ს,
-მა / -მ, -ით / -თი, -ად / -დ, -ებ-..., -თა), then a final -ა or -ე of vowel stems, then an -ი left
before them (nouns in -ია: პოლიცია / პოლიციის; the copula: სასჯელია), then the -ებ of nouns in -ება
(whose genitive -ების looks like a plural), keeping at least three letters. It does not touch verbs'
morphology, and stems with vowel loss (ფანჯარა / ფანჯრის) stay apart.
"""

from __future__ import annotations

import re

_MIN_STEM = 3
_VOWELS = frozenset("აეიოუ")
# Longest first: "ისთვის" before "თვის".
_POSTPOSITIONS: tuple[str, ...] = ("ისათვის", "ისთვის", "ისაგან", "ისგან", "ისკენ", "იდან", "ამდე", "ივით")
_POSTPOSITIONS += ("თვის", "ში", "ზე", "თან", "დან", "მდე", "გან", "კენ", "ვით")
# (ending, what must precede it: "" anything, "C" a consonant, "V" a vowel), longest first.
_CASES = (
    ("ებისა", ""), ("ებმა", ""), ("ებით", ""), ("ებად", ""), ("ების", ""), ("ებს", ""), ("ები", ""),
    ("ისა", ""), ("ითა", ""), ("ის", ""), ("ით", ""), ("თი", "V"), ("ად", "C"), ("მა", "C"), ("თა", ""),
    ("ს", ""), ("ი", ""), ("დ", "V"), ("მ", "V"),
)  # fmt: skip
_GEORGIAN_WORD = re.compile(r"[\u10D0-\u10FF]+")


def _strip(word: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


def _strip_case(word: str) -> str:
    for ending, before in _CASES:
        rest = word[: -len(ending)]
        if word.endswith(ending) and len(rest) >= _MIN_STEM:
            if not before or (rest[-1] in _VOWELS) == (before == "V"):
                return rest
    return word


def stem(word: str) -> str:
    """The stem of one Georgian word (other words are returned unchanged)."""
    if not _GEORGIAN_WORD.fullmatch(word):
        return word
    base = _strip(_strip_case(_strip(word, _POSTPOSITIONS)), ("ა", "ე"))
    base = _strip(base, ("ი",))  # the -ი left by a copula (სასჯელია "is a penalty") or an -ია noun
    return _strip(base, ("ებ",))  # nouns in -ება: დახმარება / დახმარების (gen.) / დახმარებები (pl.)


def stem_text(text: str) -> str:
    """``text`` with every Georgian word replaced by its stem (everything else kept as it is)."""
    return _GEORGIAN_WORD.sub(lambda m: stem(m.group(0)), text)

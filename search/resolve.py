"""Which document does a query mean by "the Palermo Protocol" or "18 U.S.C."? And how may a named
provision number be spelled in the index?"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from search.glossary import Glossary
from search.query import normalize_number

_STOP = frozenset("the of a an and in on to for act law code convention protocol no".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in _STOP}


def _compact(text: str) -> str:
    return "".join(re.findall(r"[0-9a-z]+", unicodedata.normalize("NFKC", text).lower()))


def number_variants(number: str) -> list[str]:
    """Spellings a stored provision number may have: ``143¹`` → ``143¹``, ``143-1``, ``143^1``…"""
    raw = number.strip()
    key = normalize_number(raw)
    out = {raw, raw.upper(), raw.lower(), key, key.upper(), raw.replace(" ", "")}
    if "^" in key:
        base, sup = key.split("^", 1)
        sups = sup.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        out |= {f"{base}{sups}", f"{base}-{sup}", f"{base}.{sup}", f"{base} {sup}"}
    return sorted(v for v in out if v)


class DocumentResolver:
    """Scores the index's documents against a hint (title, file name, doc id, glossary names)."""

    def __init__(self, index: Any, glossary: Glossary) -> None:
        self.index = index
        self.glossary = glossary
        self._docs: list[tuple[str, set[str], str]] | None = None
        self._languages: frozenset[str] = frozenset()

    def refresh(self) -> None:
        self._docs = None

    def languages(self) -> frozenset[str]:
        """The languages of the index's documents (read with the document list, once)."""
        self._documents()
        return self._languages

    def _documents(self) -> list[tuple[str, set[str], str]]:
        if self._docs is None:
            docs = []
            languages = set()
            for d in self.index.documents():
                meta = getattr(d, "meta", d)
                if meta.language:
                    languages.add(meta.language)
                text = f"{meta.title} {meta.source.rsplit('.', 1)[0].replace('_', ' ')} {meta.doc_id.replace('-', ' ')}"
                docs.append(
                    (meta.doc_id, _words(text), _compact(f"{meta.title} {meta.source} {meta.doc_id}"))
                )
            self._docs, self._languages = docs, frozenset(languages)
        return self._docs

    def resolve(self, hint: str) -> list[str]:
        """The best-matching documents (ties kept), or [] when none shares a word with the hint."""
        names = [hint, *self.glossary.document_names(hint)]
        wanted = [_words(n) for n in names]
        compact = _compact(hint)
        best: list[str] = []
        best_score = 0.0
        for doc_id, words, comp in self._documents():
            score = max((len(w & words) / len(w) for w in wanted if w), default=0.0)
            if len(compact) >= 4 and compact in comp:  # "18 U.S.C." matches "us_18usc_ch77…"
                score = max(score, 1.0)
            if score > best_score + 1e-9:
                best, best_score = [doc_id], score
            elif score > 0 and abs(score - best_score) < 1e-9:
                best.append(doc_id)
        return best if best_score >= 0.5 else []

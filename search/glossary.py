"""Counter-trafficking glossary: query expansion and everyday names of instruments.

The data (``search/data/glossary.json``) is written by the project. Expansion adds the other phrases
of each concept group a query mentions; it feeds the keyword (BM25) side, where vocabulary mismatch
hurts most. Whether it helps is decided by ``ctkb eval``, not assumed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "data" / "glossary.json"
# More concepts in the same format: legal terminology in six languages (its "_about" says how written)
TERMS_PATH = Path(__file__).parent / "data" / "legal_terms.json"
_LANG = re.compile(r"^([a-z]{2}):")
# (text, language) -> the analysed term of each of its words, in order, stop words left out
Analyse = Callable[[str, str], Sequence[int]]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[tuple[str, ...], ...]
    documents: tuple[tuple[str, str], ...]  # (everyday name, words of the official title)

    @classmethod
    def load(cls, *paths: Path) -> Glossary:
        """The concepts and document names of the given files, in order (default: the project's two)."""
        concepts: list[tuple[str, ...]] = []
        documents: list[tuple[str, str]] = []
        for path in paths or (DEFAULT_PATH, TERMS_PATH):
            data = json.loads(path.read_text(encoding="utf-8"))
            concepts += [tuple(group) for group in data.get("concepts", [])]
            documents += list(data.get("documents", {}).items())
        return cls(tuple(concepts), tuple(documents))

    @cached_property
    def _english(self) -> tuple[tuple[str, ...], ...]:
        """Each concept's English phrases, normalised and padded once (matching runs on every query)."""
        return tuple(tuple(f" {_norm(p)} " for p in g if not _LANG.match(p)) for g in self.concepts)

    @cached_property
    def languages(self) -> frozenset[str]:
        """The languages the concepts have phrases in (English always)."""
        return frozenset({"en"} | {m.group(1) for g in self.concepts for p in g if (m := _LANG.match(p))})

    def matched_groups(self, query: str) -> list[tuple[str, ...]]:
        padded = f" {_norm(query)} "
        return [
            g
            for g, english in zip(self.concepts, self._english, strict=True)
            if any(p in padded for p in english)
        ]

    def expand(self, query: str) -> str:
        """The query followed by the same-language phrases of every concept it mentions (each once)."""
        padded = f" {_norm(query)} "
        extra: list[str] = []
        for group in self.matched_groups(query):
            for phrase in group:
                if _LANG.match(phrase):
                    continue
                if f" {_norm(phrase)} " not in padded and phrase not in extra:
                    extra.append(phrase)
        return query if not extra else f"{query} {' '.join(extra)}"

    def translations(
        self, query: str, language: str = "en", analyse: Analyse | None = None
    ) -> dict[str, list[str]]:
        """Language -> phrases of the concepts the query mentions, in the other languages.

        An English query is matched against the English phrases as written and gets the prefixed ones
        (``"nl:mensenhandel"``). A query in another language (``language``, e.g. "ka") is matched against
        that language's phrases by their analysed terms (``analyse(text, language)``: the BM25 stem of
        each word, so "ადამიანით ვაჭრობისთვის" matches "ka:ადამიანით ვაჭრობა"), and gets the English
        phrases (under "en") and those of every other language."""
        if language == "en" or analyse is None:
            groups, own = self.matched_groups(query), "en"
        else:
            groups, own = self._matched_in(query, language, analyse), language
        out: dict[str, list[str]] = {}
        for group in groups:
            for phrase in group:
                m = _LANG.match(phrase)
                lang, text = (m.group(1), phrase[m.end() :]) if m else ("en", phrase)
                if lang != own and text not in out.setdefault(lang, []):
                    out[lang].append(text)
        return {lang: phrases for lang, phrases in out.items() if phrases}

    def synonyms_in(self, phrase: str, language: str) -> list[str]:
        """The ``language`` phrases of the concepts that have ``phrase`` itself (not a part of it) as an
        English phrase: "victim means" gets nothing, though it contains "victim"."""
        key = f" {_norm(phrase)} "
        prefix = f"{language}:"
        out: list[str] = []
        for group, english in zip(self.concepts, self._english, strict=True):
            if key in english:
                out += [
                    p[len(prefix) :] for p in group if p.startswith(prefix) and p[len(prefix) :] not in out
                ]
        return out

    def _matched_in(self, query: str, language: str, analyse: Analyse) -> list[tuple[str, ...]]:
        terms = analyse(query, language)
        prefix = f"{language}:"
        found = []
        for group in self.concepts:
            for phrase in group:
                if phrase.startswith(prefix) and _contains(terms, analyse(phrase[len(prefix) :], language)):
                    found.append(group)
                    break
        return found

    def document_names(self, hint: str) -> list[str]:
        """Official-title words for an everyday document name ("Palermo Protocol" → its title)."""
        padded = f" {_norm(hint)} "
        return [title for name, title in self.documents if f" {_norm(name)} " in padded]


def _contains(terms: Sequence[int], phrase: Sequence[int]) -> bool:
    """``phrase`` occurs in ``terms`` as a contiguous run (an empty phrase never matches)."""
    n = len(phrase)
    return n > 0 and any(tuple(terms[i : i + n]) == tuple(phrase) for i in range(len(terms) - n + 1))


@lru_cache(maxsize=4)
def default_glossary() -> Glossary:
    return Glossary.load()

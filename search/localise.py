"""A checklist item looked for in a draft written in another language.

Across languages the embedding model alone ranks a reference item's provision first for about half
the items (measured with the Dutch translations of the treaties, ``bench/coverage_languages.py``), and
the English keywords rarely match. So, when the draft's language differs from the reference's, each
item's query is followed by the glossary's phrases in the draft's language for the concepts the item
names (``search/data/glossary.json`` and ``legal_terms.json``: English, Dutch, Russian, Georgian,
Armenian, Azerbaijani), and each keyword that is itself a glossary phrase gets that concept's phrases,
matched as written or by the draft language's BM25 stems ("торговлей людьми" meets "торговля людьми").
What is shown (title, description) stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from search.diff import normalise
from search.glossary import Glossary, default_glossary


@dataclass(frozen=True)
class ItemSearch:
    """What one checklist item is looked for by: the text to embed and the keywords that earn the bonus.
    Keywords match as written (at a word start, case folded) and, where ``language`` is set, also by that
    language's stems."""

    query: str
    keywords: tuple[str, ...]
    language: str = ""


class KeywordMatcher:
    """Keyword hits of item searches in provision texts; a text's stems are computed once."""

    def __init__(self) -> None:
        self._encoder: Any = None
        self._stems: dict[tuple[str, str], frozenset[int]] = {}

    def hits(self, search: ItemSearch, text: str) -> tuple[str, ...]:
        low = normalise(text).lower()
        written = [k for k in search.keywords if re.search(rf"\b{re.escape(k.lower())}", low)]
        if not search.language:
            return tuple(written)
        stems = self._text_stems(text, search.language)
        return tuple(
            k
            for k in search.keywords
            if k in written or ((t := self._query_stems(k, search.language)) and t <= stems)
        )

    def bm25(self) -> Any:
        """The BM25 analysers, created on first need (keyword-as-written matching never loads them)."""
        if self._encoder is None:
            from ingest.sparse import Bm25Encoder

            self._encoder = Bm25Encoder()
        return self._encoder

    def _text_stems(self, text: str, language: str) -> frozenset[int]:
        key = (text, language)
        if key not in self._stems:
            self._stems[key] = frozenset(self.bm25().encode_passages([text], language)[0].indices)
        return self._stems[key]

    def _query_stems(self, phrase: str, language: str) -> frozenset[int]:
        return frozenset(self.bm25().encode_query(phrase, language).indices)


def item_searches(
    items: Sequence[Any], source: str, target: str, glossary: Glossary | None = None
) -> list[ItemSearch]:
    """How to look for each item (a ``ChecklistItem``) written in ``source`` in a draft in ``target``.
    Same language (or one unknown): the item's own query and keywords."""
    if not source or not target or source == target:
        return [ItemSearch(it.query, tuple(it.keywords)) for it in items]
    from ingest.sparse import Bm25Encoder

    gloss = glossary or default_glossary()
    analyse = Bm25Encoder().word_terms
    out = []
    for it in items:
        phrases = gloss.translations(" ".join([it.query, *it.keywords]), source, analyse).get(target, [])
        query = f"{it.query} {'; '.join(phrases)}" if phrases else it.query
        # keywords are English (the shipped checklists'): each gets the concept it names exactly
        extra = [p for k in it.keywords for p in gloss.synonyms_in(k, target)] if source == "en" else []
        out.append(ItemSearch(query, tuple(dict.fromkeys([*it.keywords, *extra])), target))
    return out

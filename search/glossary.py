"""Counter-trafficking glossary: query expansion and everyday names of instruments.

The data (``search/data/glossary.json``) is written by the project. Expansion adds the other phrases
of each concept group a query mentions; it feeds the keyword (BM25) side, where vocabulary mismatch
hurts most. Whether it helps is decided by ``ctkb eval``, not assumed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "data" / "glossary.json"
_LANG = re.compile(r"^([a-z]{2}):")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[tuple[str, ...], ...]
    documents: tuple[tuple[str, str], ...]  # (everyday name, words of the official title)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Glossary:
        data = json.loads(path.read_text(encoding="utf-8"))
        concepts = tuple(tuple(group) for group in data.get("concepts", []))
        documents = tuple((k, v) for k, v in data.get("documents", {}).items())
        return cls(concepts, documents)

    def matched_groups(self, query: str) -> list[tuple[str, ...]]:
        padded = f" {_norm(query)} "
        return [g for g in self.concepts if any(f" {_norm(p)} " in padded for p in g if not _LANG.match(p))]

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

    def translations(self, query: str) -> dict[str, list[str]]:
        """Phrases in other languages (``"nl:mensenhandel"``) of the concepts the query mentions."""
        out: dict[str, list[str]] = {}
        for group in self.matched_groups(query):
            for phrase in group:
                m = _LANG.match(phrase)
                if m and phrase[m.end() :] not in out.setdefault(m.group(1), []):
                    out[m.group(1)].append(phrase[m.end() :])
        return out

    def document_names(self, hint: str) -> list[str]:
        """Official-title words for an everyday document name ("Palermo Protocol" → its title)."""
        padded = f" {_norm(hint)} "
        return [title for name, title in self.documents if f" {_norm(name)} " in padded]


@lru_cache(maxsize=4)
def default_glossary() -> Glossary:
    return Glossary.load(DEFAULT_PATH)

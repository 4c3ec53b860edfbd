"""Search filters as a small value, translated to the index's filter types at query time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def _key(name: str) -> str:
    """The payload key for a field, spelled by ``ingest.store.schema`` (the only module that may)."""
    from ingest.store import schema

    value = getattr(schema, name.upper(), None) or getattr(schema, f"K_{name.upper()}", None)
    return str(value) if value else name


def _tuple(values: str | Sequence[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,) if values else ()
    return tuple(v for v in values if v)


@dataclass(frozen=True)
class SearchFilters:
    """Every field is optional; several values of one field mean "any of them"."""

    jurisdictions: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        jurisdiction: str | Sequence[str] | None = None,
        doc_type: str | Sequence[str] | None = None,
        language: str | Sequence[str] | None = None,
        status: str | Sequence[str] | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        doc: str | Sequence[str] | None = None,
    ) -> SearchFilters:
        """From CLI-style arguments (a value, a list, or None)."""
        return cls(
            _tuple(jurisdiction),
            _tuple(doc_type),
            _tuple(language),
            _tuple(status),
            year_from,
            year_to,
            _tuple(doc),
        )

    @property
    def empty(self) -> bool:
        return self == SearchFilters()

    def to_filter(
        self,
        *,
        numbers: Sequence[str] | None = None,
        doc_ids: Sequence[str] | None = None,
        exclude_doc: str = "",
    ) -> Any:
        """An ``ingest.store.filters.Filter`` (None when nothing filters).

        ``numbers``/``doc_ids`` narrow further (reference lookup); ``exclude_doc`` drops one document
        (``similar``). A ``doc_ids`` narrowing is intersected with the user's ``--doc`` choice.
        """
        from ingest.store.filters import Filter, Match, MatchAny, Range

        must: list[Any] = []
        for name, values in (
            ("jurisdiction", self.jurisdictions),
            ("doc_type", self.doc_types),
            ("language", self.languages),
            ("status", self.statuses),
        ):
            if len(values) == 1:
                must.append(Match(_key(name), values[0]))
            elif values:
                must.append(MatchAny(_key(name), list(values)))
        if self.year_from is not None or self.year_to is not None:
            must.append(Range(_key("year"), gte=self.year_from, lte=self.year_to))
        ids = list(self.doc_ids)
        if doc_ids is not None:
            ids = [d for d in doc_ids if not self.doc_ids or d in self.doc_ids] or (
                list(doc_ids) if not self.doc_ids else ["\x00none"]
            )
        if ids:
            must.append(MatchAny(_key("doc_id"), ids) if len(ids) > 1 else Match(_key("doc_id"), ids[0]))
        if numbers:
            must.append(MatchAny(_key("number"), list(numbers)))
        must_not = [Match(_key("doc_id"), exclude_doc)] if exclude_doc else []
        if not must and not must_not:
            return None
        return Filter(must=must, must_not=must_not)

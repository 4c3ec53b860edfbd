"""Plain values the pages show: search state ↔ URL query parameters, table rows, labels.

Pure functions over library types, tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

MODES = ("hybrid", "semantic", "keyword")
FILTER_KEYS = ("jurisdiction", "doc_type", "language", "status", "doc")
TOP_K_CHOICES = (5, 10, 20, 50)
LANGUAGE_NAMES = {
    "en": "English",
    "ka": "Georgian",
    "ru": "Russian",
    "nl": "Dutch",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "az": "Azerbaijani",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "hy": "Armenian",
}


@dataclass(frozen=True)
class SearchState:
    """What a result list depends on; round-trips through ``st.query_params`` so it can be shared."""

    query: str = ""
    mode: str = "hybrid"
    top_k: int = 10
    year_from: int | None = None
    year_to: int | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def values(self, key: str) -> tuple[str, ...]:
        return tuple(self.filters.get(key, ()))

    def with_filter(self, key: str, values: Sequence[str]) -> SearchState:
        new = {k: v for k, v in self.filters.items() if k != key}
        if values:
            new[key] = tuple(values)
        return replace(self, filters=new)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def state_from_params(params: Mapping[str, Sequence[str]]) -> SearchState:
    """Read a state from query parameters (each key → all its values); unknown or bad values are dropped."""

    def first(key: str) -> str | None:
        vals = params.get(key) or ()
        return vals[0] if vals else None

    mode = first("mode") or "hybrid"
    top_k = _int(first("k"))
    filters = {k: tuple(dict.fromkeys(v for v in params.get(k, ()) if v)) for k in FILTER_KEYS}
    return SearchState(
        query=(first("q") or "").strip()[:500],
        mode=mode if mode in MODES else "hybrid",
        top_k=top_k if top_k is not None and 1 <= top_k <= 100 else 10,
        year_from=_int(first("year_from")),
        year_to=_int(first("year_to")),
        filters={k: v for k, v in filters.items() if v},
    )


def state_to_params(state: SearchState) -> dict[str, str | list[str]]:
    """Query parameters for a state; defaults are left out so links stay short."""
    out: dict[str, str | list[str]] = {}
    if state.query:
        out["q"] = state.query
    if state.mode != "hybrid":
        out["mode"] = state.mode
    if state.top_k != 10:
        out["k"] = str(state.top_k)
    if state.year_from is not None:
        out["year_from"] = str(state.year_from)
    if state.year_to is not None:
        out["year_to"] = str(state.year_to)
    for key in FILTER_KEYS:
        if state.values(key):
            out[key] = list(state.values(key))
    return out


def params_of(query_params: Any) -> dict[str, list[str]]:
    """``st.query_params`` as a plain mapping of key → all values."""
    return {k: list(query_params.get_all(k)) for k in query_params.keys()}  # noqa: SIM118


def facet_label(value: str, count: int | None, names: Mapping[str, str] | None = None) -> str:
    shown = (names or {}).get(value, value) or "(none)"
    return shown if count is None else f"{shown} ({count})"


def option_labeler(counts: Mapping[str, int], names: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """A ``format_func`` for a filter widget: the value's name and its count."""
    return lambda value: facet_label(value, counts.get(value, 0), names)


def facet_options(counts: Mapping[str, int], selected: Sequence[str]) -> list[str]:
    """Values to offer: the ones with results (most first), plus any selected value with none left."""
    ordered = sorted((v for v in counts if v), key=lambda v: (-counts[v], v))
    return ordered + [v for v in selected if v not in counts]


def pages_label(start: int, end: int) -> str:
    if not start:
        return ""
    return f"p. {start}" if end in (0, start) else f"pp. {start}–{end}"


# --- library -------------------------------------------------------------------------------------


def document_rows(records: Sequence[Any]) -> list[dict[str, Any]]:
    """One row per indexed document (``DocumentRecord``) for the library table."""
    rows = []
    for r in records:
        m = r.meta
        rows.append(
            {
                "id": m.doc_id,
                "title": m.title,
                "jurisdiction": m.jurisdiction,
                "type": m.doc_type,
                "language": LANGUAGE_NAMES.get(m.language, m.language),
                "year": m.year,
                "status": m.status,
                "version": m.version,
                "provisions": r.provisions,
                "pages": m.pages,
                "source": m.source,
            }
        )
    return rows


def outline_rows(outline: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Structure tree rows (``ui.render.outline_json``) with containers as their own indented rows."""
    rows: list[dict[str, str]] = []
    current: tuple[str, ...] = ()
    indent = "\u2003"
    for p in outline:
        path = tuple(p.get("path") or ())
        if path != current:
            common = 0
            while common < min(len(path), len(current)) and path[common] == current[common]:
                common += 1
            for depth in range(common, len(path)):
                rows.append({"structure": indent * depth + path[depth], "heading": "", "pages": ""})
            current = path
        label = p.get("label") or str(p.get("kind", "")).title()
        rows.append(
            {
                "structure": indent * len(path) + label,
                "heading": p.get("heading") or "",
                "pages": pages_label(int(p.get("page_start") or 0), int(p.get("page_end") or 0)),
            }
        )
    return rows


# --- search --------------------------------------------------------------------------------------

# URL key → SearchFilters field.
FACETS = {
    "jurisdiction": "jurisdictions",
    "doc_type": "doc_types",
    "language": "languages",
    "status": "statuses",
    "doc": "doc_ids",
}


def facet_payload_key(key: str) -> str:
    """The index payload key a filter's counts come from (spelled by ``ingest.store.schema``)."""
    from ingest.store import schema

    return {
        "jurisdiction": schema.JURISDICTION,
        "doc_type": schema.DOC_TYPE,
        "language": schema.LANGUAGE,
        "status": schema.STATUS,
        "doc": schema.DOC_ID,
    }[key]


def to_filters(state: SearchState, without: str = "") -> Any:
    """``search.filters.SearchFilters`` for a state; ``without`` leaves one facet out (for its counts)."""
    from search.filters import SearchFilters

    values = {field_: state.values(key) for key, field_ in FACETS.items() if key != without}
    return SearchFilters(year_from=state.year_from, year_to=state.year_to, **values)


def search_params_key(state: SearchState) -> str:
    """A stable string for caching a result list."""
    import json

    return json.dumps(state_to_params(state), sort_keys=True, ensure_ascii=False)


def term_marks(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` whose words match the query's terms (the snippet's own matching rule)."""
    import re

    from search.snippet import query_terms, stem

    terms = query_terms(query)
    return tuple((m.start(), m.end()) for m in re.finditer(r"\w+", text) if stem(m.group()) in terms)

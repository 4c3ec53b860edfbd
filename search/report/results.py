"""A search's results as a memo's list of sources: each hit's citation down to the paragraph, and the words
that citation covers, in Markdown or CSV.

The quoted words are the cited paragraph (or point) in full where the hit has a pinpoint, else the passage
shown, with "…" where it was cut; whitespace is folded, nothing else changed, so they can be quoted.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from search.pinpoint import passage_of

if TYPE_CHECKING:
    from search.engine import SearchResult
    from search.filters import SearchFilters
    from search.hits import Hit

CSV_COLUMNS = (
    "rank",
    "citation",
    "document",
    "source",
    "provision",
    "paragraph",
    "page_start",
    "page_end",
    "heading",
    "score",
    "named_in_query",
    "quote",
)


def quote(hit: Hit) -> str:
    """The words the hit's citation covers: its pinpointed paragraph, else the passage shown."""
    passage = passage_of(hit.text.strip(), hit.pinpoint) if hit.pinpoint else ""
    return " ".join((passage or hit.snippet.text).split())


def describe_filters(filters: SearchFilters | None) -> str:
    """The filters as a line of a memo ("jurisdiction: Georgia; years 2000–2010"), "" when none."""
    if filters is None or filters.empty:
        return ""
    parts = [
        f"{name}: {', '.join(values)}"
        for name, values in (
            ("jurisdiction", filters.jurisdictions),
            ("document type", filters.doc_types),
            ("language", filters.languages),
            ("status", filters.statuses),
            ("document", filters.doc_ids),
        )
        if values
    ]
    low, high = filters.year_from, filters.year_to
    if low is not None and high is not None:
        parts.append(f"years {low}–{high}")
    elif low is not None or high is not None:
        parts.append(f"years from {low}" if low is not None else f"years up to {high}")
    return "; ".join(parts)


def results_markdown(result: SearchResult, filters: SearchFilters | None = None) -> str:
    head = f"{result.mode} search, {len(result.hits)} provision{'s' if len(result.hits) != 1 else ''}"
    where = describe_filters(filters)
    lines = [f"# Search: “{_inline(result.query)}”", "", head + (f"; {_inline(where)}" if where else ""), ""]
    for rank, hit in enumerate(result.hits, 1):
        named = " (named in the query)" if hit.matched == "reference" else ""
        heading = f" – {_inline(hit.heading)}" if hit.heading else ""
        lines += [f"{rank}. **{_inline(hit.pinpoint_citation)}**{heading}{named}", ""]
        words = _inline(quote(hit))
        words = re.sub(r"^(\d+)\.", r"\1\\.", words)  # "1. Each Party …" is a quote, not a list
        lines += [f"   > {words}", ""]
    if not result.hits:
        lines.append("No provision matches.")
    return "\n".join(lines).rstrip() + "\n"


def results_csv(result: SearchResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for rank, hit in enumerate(result.hits, 1):
        first, last = hit.pinpoint_pages
        w.writerow(
            [
                rank,
                hit.pinpoint_citation,
                hit.title,
                hit.source,
                hit.label,
                hit.pinpoint,
                first,
                last,
                hit.heading,
                round(hit.score, 6),
                "yes" if hit.matched == "reference" else "",
                quote(hit),
            ]
        )
    return buf.getvalue()


def _inline(text: str) -> str:
    """One line of Markdown text: whitespace folded, HTML and emphasis characters neutralised."""
    folded = " ".join(text.split())
    for ch in "\\*_`[]":
        folded = folded.replace(ch, "\\" + ch)
    return folded.replace("<", "&lt;")

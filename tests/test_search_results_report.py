"""A result list as a memo's sources (search/report/results.py): citations and the words they cover."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from ingest.model import Chunk
from search.filters import SearchFilters
from search.hits import make_hit
from search.report.results import describe_filters, quote, results_csv, results_markdown

META = SimpleNamespace(
    doc_id="law",
    title="Law of Testland on Victims",
    source="law.pdf",
    jurisdiction="Testland",
    doc_type="law",
    language="en",
    year=2024,
)
TEXT = (
    "1. Victims shall receive safe accommodation and medical care.\n"
    "2. Victims shall receive legal aid free of charge.\n"
    "3. Victims shall receive interpretation in a language they understand."
)


def _hit(text: str, query: str, breaks: tuple[tuple[int, int], ...] = ()) -> object:
    chunk = Chunk(
        "art_2", 1, "article", "2", "Article 2", "Assistance", (), 3, 4, text, "", page_breaks=breaks
    )
    return make_hit(META, [chunk], 0.5, query)


def test_the_quote_is_the_cited_paragraph_else_the_passage_shown() -> None:
    hit = _hit(TEXT, "legal aid free of charge", breaks=((0, 3), (TEXT.index("2. Victims"), 4)))
    assert hit.pinpoint == "(2)"
    assert quote(hit) == "2. Victims shall receive legal aid free of charge."
    assert hit.pinpoint_citation == "Law of Testland on Victims, Art. 2(2), p. 4"
    plain = "Victims shall receive safe accommodation. " * 12  # no paragraphs: the passage, cut with "…"
    hit = _hit(plain.strip(), "safe accommodation")
    assert hit.pinpoint == "" and quote(hit) == hit.snippet.text and quote(hit).endswith("…")


def test_markdown_and_csv() -> None:
    hit = _hit(TEXT, "legal aid free of charge", breaks=((0, 3), (TEXT.index("2. Victims"), 4)))
    result = SimpleNamespace(query="legal *aid*", mode="hybrid", hits=(hit,))
    md = results_markdown(result, SearchFilters(jurisdictions=("Testland",), year_to=2025)).splitlines()  # type: ignore[arg-type]
    assert md[0] == "# Search: “legal \\*aid\\*”"  # Markdown characters of the query are shown, not applied
    assert md[2] == "hybrid search, 1 provision; jurisdiction: Testland; years up to 2025"
    assert md[4] == "1. **Law of Testland on Victims, Art. 2(2), p. 4** – Assistance"
    assert md[6] == "   > 2\\. Victims shall receive legal aid free of charge."  # a quote, not a list
    row = next(csv.DictReader(io.StringIO(results_csv(result))))  # type: ignore[arg-type]
    assert (row["paragraph"], row["page_start"], row["page_end"], row["named_in_query"]) == (
        "(2)",
        "4",
        "4",
        "",
    )
    empty = SimpleNamespace(query="nothing", mode="keyword", hits=())
    assert results_markdown(empty).splitlines()[-1] == "No provision matches."  # type: ignore[arg-type]


def test_filters_described() -> None:
    assert describe_filters(None) == describe_filters(SearchFilters()) == ""
    both = SearchFilters(doc_types=("law", "treaty"), year_from=2000, year_to=2010)
    assert describe_filters(both) == "document type: law, treaty; years 2000–2010"
    assert describe_filters(SearchFilters(year_from=2000)) == "years from 2000"

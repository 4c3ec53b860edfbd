"""``similar`` in an index of several languages: each language is queried on its own and merged."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from search.filters import SearchFilters
from search.similar import language_strata


def _doc(doc_id: str, language: str) -> SimpleNamespace:
    return SimpleNamespace(meta=SimpleNamespace(doc_id=doc_id, language=language))


def test_one_stratum_per_language_and_one_for_documents_without() -> None:
    docs = [_doc("a", "en"), _doc("b", "nl"), _doc("c", "en"), _doc("d", "")]
    base = SearchFilters(doc_types=("treaty",))
    assert language_strata(docs, base) == [
        SearchFilters(doc_types=("treaty",), doc_ids=("d",)),
        SearchFilters(doc_types=("treaty",), doc_ids=("a", "c")),
        SearchFilters(doc_types=("treaty",), doc_ids=("b",)),
    ]


def test_one_language_or_a_document_filter_within_one_is_a_single_query() -> None:
    docs = [_doc("a", "en"), _doc("b", "nl"), _doc("c", "en")]
    assert language_strata(docs[::2], SearchFilters()) == [SearchFilters()]
    only = SearchFilters(doc_ids=("a", "c"))
    assert language_strata(docs, only) == [only]
    both = SearchFilters(doc_ids=("a", "b"))
    assert language_strata(docs, both) == [SearchFilters(doc_ids=("a",)), SearchFilters(doc_ids=("b",))]


@pytest.mark.slow
def test_a_translation_is_found_before_same_language_neighbours(corpus_real: Path, tmp_path: Path) -> None:
    """The Dutch Palermo Protocol's articles on victims, next to its English original and the Dutch
    Smuggling Protocol: one query over the index put a Dutch Smuggling Protocol article first (Art. 16,
    18, 18 for Arts. 6-8, measured); per language, the English original's same article comes first."""
    from search.testing import EVAL_CACHE, build_index, corpus_files

    stems = [
        "un_palermo_protocol_2000",
        "un_palermo_protocol_2000_nl",
        "un_smuggling_of_migrants_protocol_2000_nl",
    ]
    built = build_index(corpus_files(corpus_real, stems), tmp_path / "data", cache_dir=EVAL_CACHE / "cache")
    try:
        engine = built.engine()
        for number in ("6", "7", "8"):
            for by_language, expected in (
                (True, "un_palermo_protocol_2000"),
                (False, "un_smuggling_of_migrants_protocol_2000_nl"),
            ):
                groups = engine.similar(
                    "un_palermo_protocol_2000_nl", number, top_k=5, by_language=by_language
                )
                top = max((h for g in groups for h in g.hits), key=lambda h: h.score)
                assert top.doc_id == expected, (number, by_language, top.doc_id, top.number)
            assert top.number != number  # the single query's first hit is another article
            assert {g.doc_id for g in groups} == {
                "un_palermo_protocol_2000",
                "un_smuggling_of_migrants_protocol_2000_nl",
            }
    finally:
        built.close()

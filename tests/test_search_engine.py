"""Search on real documents, the real model (MiniLM for speed) and both real Qdrant engines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from search.engine import SearchEngine, SearchRequest
from search.filters import SearchFilters
from search.hits import HIT_FIELDS

pytestmark = pytest.mark.slow

STEMS = (
    "ilo_c029_forced_labour_convention_1930",
    "un_palermo_protocol_2000",
    "us_18usc_ch77_peonage_slavery_trafficking",
    "lk_act30_2005_saarc_trafficking_convention",
)


@pytest.fixture(scope="module", params=["edge", "local"])
def engine(request: pytest.FixtureRequest, corpus_real: Path, tmp_path_factory: pytest.TempPathFactory):
    from search.testing import EVAL_CACHE, build_index, corpus_files

    data = tmp_path_factory.mktemp(f"search-{request.param}")
    qpath = str(data / "qdrant") if request.param == "local" else None
    built = build_index(
        corpus_files(corpus_real, STEMS),
        data,
        model="minilm",
        cache_dir=EVAL_CACHE / "cache",
        qdrant_path=qpath,
    )
    yield built.engine()
    built.close()


def _search(engine: SearchEngine, query: str, **kw) -> list:
    return list(engine.search(SearchRequest(query, **kw)).hits)


def test_ilo_article_4_first_with_citation(engine: SearchEngine) -> None:
    hits = _search(engine, "forced labour for the benefit of private companies")
    top = hits[0]
    assert (top.source, top.number, top.label) == (
        "ilo_c029_forced_labour_convention_1930.txt",
        "4",
        "Article 4",
    )
    # the text file has no pages (no form feeds): no page is cited, none invented
    assert top.citation == "Forced Labour Convention, 1930 (No. 29), Art. 4"
    assert (top.page_start, top.page_end) == (0, 0)
    assert "private individuals, companies or associations" in top.text
    assert any(top.snippet.text[s:e].lower() == "companies" for s, e in top.snippet.marks)
    # the passage is paragraph 1 of the article
    assert top.pinpoint_citation == "Forced Labour Convention, 1930 (No. 29), Art. 4(1)"
    assert "pinpoint" not in top.as_json()  # the JSON keeps exactly the documented fields


def test_pinpoints_on_real_treaties(engine: SearchEngine) -> None:
    hits = _search(engine, "exploitation of the prostitution of others or other forms of sexual exploitation")
    top = hits[0]
    assert (top.source, top.number) == ("un_palermo_protocol_2000.txt", "3")
    assert top.pinpoint == "(a)"  # Art. 3 defines in lettered subparagraphs a) to d)
    assert top.pinpoint_citation.endswith(", Art. 3(a)")
    hits = _search(
        engine, "children under eighteen recruited for the purpose of exploitation without any means"
    )
    palermo = next(h for h in hits if h.source == "un_palermo_protocol_2000.txt" and h.number == "3")
    assert palermo.pinpoint == "(c)"


def test_a_named_paragraph_is_the_passage_shown(engine: SearchEngine) -> None:
    top = _search(engine, "Article 3(c) of the Palermo Protocol")[0]
    assert (top.source, top.number, top.matched, top.pinpoint) == (
        "un_palermo_protocol_2000.txt",
        "3",
        "reference",
        "(c)",
    )
    assert top.snippet.text.startswith(
        "c) The recruitment, transportation, transfer, harbouring or receipt of a child"
    )
    assert top.pinpoint_citation.endswith(", Art. 3(c)")
    top = _search(engine, "Article 6 paragraph 3 of the Palermo Protocol")[0]
    assert (top.number, top.pinpoint) == ("6", "(3)")
    assert top.snippet.text.startswith("3. Each State Party shall consider implementing measures")
    assert _search(engine, "Article 6(9) of the Palermo Protocol")[0].pinpoint == ""  # Art. 6 has six


def test_pinpoints_in_the_us_code_subsection_paragraph_subparagraph(engine: SearchEngine) -> None:
    top = _search(engine, "18 U.S.C. 1591(e)(2)(A)")[0]
    assert (top.number, top.pinpoint, top.matched) == ("1591", "(e)(2)(A)", "reference")
    assert top.snippet.text.startswith("(A) threats of serious harm to or physical restraint")
    assert top.pinpoint_citation == "18 U.S.C. § 1591(e)(2)(A)"
    # found by its words: paragraphs (1) to (4) of subsection (a) are numbered afresh in (c)
    top = _search(engine, "forced labor obtained by the abuse or threatened abuse of law or legal process")[0]
    assert (top.number, top.pinpoint) == ("1589", "(a)(3)")


@pytest.mark.parametrize("mode", ["hybrid", "semantic", "keyword"])
def test_modes_return_provisions_once(engine: SearchEngine, mode: str) -> None:
    hits = _search(engine, "sale of a person into involuntary servitude", mode=mode, top_k=15)
    keys = [(h.doc_id, h.provision_id) for h in hits]
    assert hits and len(keys) == len(set(keys))  # chunks of one provision collapse into one hit
    assert all(h.number for h in hits if h.label != "Preamble")


def test_hit_number_and_page_match_the_source(engine: SearchEngine, corpus_real: Path) -> None:
    """LK Act No. 30 of 2005 is pypdf text with form feeds between pages: check each hit's page."""
    doc = "lk_act30_2005_saarc_trafficking_convention"
    pages = (corpus_real / f"{doc}.txt").read_text(encoding="utf-8").split("\f")
    hits = _search(
        engine, "extradition and jurisdiction of the High Court", filters=SearchFilters(doc_ids=(doc,))
    )
    assert len(hits) >= 3
    for hit in hits:
        if not hit.number:
            continue
        start = next(i + 1 for i, p in enumerate(pages) if re.search(rf"(?m)^{hit.number}\.\s", p))
        assert hit.page_start == start, hit.citation
        first_words = " ".join(hit.text.split()[:6])
        assert first_words in " ".join(" ".join(pages).split())
        assert hit.page_end >= hit.page_start


def test_split_provision_is_one_hit_with_whole_text(engine: SearchEngine) -> None:
    stored = [
        s for s in engine.index.chunks("us_18usc_ch77_peonage_slavery_trafficking") if s.chunk.parts > 1
    ]
    assert stored, "expected at least one provision split into parts with MiniLM's 256-token window"
    target = stored[0].chunk
    hits = _search(engine, f"{target.label} {target.heading}", top_k=5)
    hit = next(h for h in hits if h.provision_id == target.provision_id)
    for s in stored:
        if s.chunk.provision_id == target.provision_id:
            assert s.chunk.text[:80] in hit.text


def test_a_provision_of_many_pages_opens_where_it_matched(corpus_real: Path, tmp_path: Path) -> None:
    """A hit on a provision of several pages (the Model Law's definitions, pp. 10–24) keeps its page
    span and citation, and points to the page of the part that matched: a sentence from a later part
    lands on that part's page."""
    from search.testing import EVAL_CACHE, build_index, corpus_files

    built = build_index(
        corpus_files(corpus_real, ["unodc_model_law_tip_2009"]),
        tmp_path,
        model="minilm",
        cache_dir=EVAL_CACHE / "cache",
    )
    try:
        engine = built.engine()
        stored = [x.chunk for x in engine.index.chunks("unodc_model_law_tip_2009")]
        first_page = {
            c.provision_id: min(x.page_start for x in stored if x.provision_id == c.provision_id)
            for c in stored
        }
        late = next(
            c for c in stored if c.kind == "article" and c.page_start > first_page[c.provision_id] + 1
        )
        words = " ".join(late.text.split()[5:25])
        hits = _search(engine, words, top_k=5, mode="keyword")
        hit = next(h for h in hits if h.provision_id == late.provision_id)
        assert hit.page_start == first_page[late.provision_id] < late.page_start <= hit.page_end
        assert hit.best_page == late.page_start
        assert hit.citation.endswith(f"pp. {hit.page_start}–{hit.page_end}")
        # the citation of the passage shown (its paragraph's, or the snippet's own) names a page of the
        # part that matched, not the provision's fifteen
        first, last = hit.pinpoint_pages
        assert late.page_start <= first <= last <= late.page_end
        assert hit.pinpoint_citation.endswith(f"p. {first}" if first == last else f"pp. {first}–{last}")
    finally:
        built.close()


def test_a_long_provision_without_a_pinpoint_cites_the_page_of_the_passage(
    corpus_real: Path, tmp_path: Path
) -> None:
    """A passage of a provision over several pages that no paragraph number names (in the Sri Lankan Act,
    e.g. s. 13, pp. 18–23) is cited with its own pages, and the source prints the passage there."""
    import re

    from search.testing import EVAL_CACHE, build_index, corpus_files

    name = "lk_victims_witnesses_protection_act4_2015"
    built = build_index(
        corpus_files(corpus_real, [name]), tmp_path, model="minilm", cache_dir=EVAL_CACHE / "cache"
    )
    try:
        engine = built.engine()
        pages = (corpus_real / f"{name}.txt").read_text(encoding="utf-8").split("\f")
        long_units = [c for c in (x.chunk for x in engine.index.chunks(name)) if c.page_end > c.page_start]
        assert long_units
        checked = 0
        for unit in long_units:
            words = " ".join(unit.text.split()[-40:-20])  # from near its end: a later page
            hit = next(
                (h for h in _search(engine, words, mode="keyword") if h.provision_id == unit.provision_id),
                None,
            )
            if hit is None or hit.pinpoint:
                continue
            first, last = hit.pinpoint_pages
            assert (first, last) != (hit.page_start, hit.page_end), hit.key
            assert hit.pinpoint_citation.endswith(f"p. {first}" if first == last else f"pp. {first}–{last}")
            # the passage's words are on the pages cited (a few words at a time: cleaning may have moved a
            # margin note into the text)
            words = hit.snippet.text.strip("…").split()
            cited = "".join(re.sub(r"\W+", "", pages[p - 1]).lower() for p in range(first, last + 1))
            probes = [re.sub(r"\W+", "", " ".join(words[k : k + 5])).lower() for k in (0, 5, 10)]
            assert sum(probe in cited for probe in probes) >= 2, (hit.key, words[:15])
            checked += 1
        assert checked >= 8, checked
    finally:
        built.close()


@pytest.mark.parametrize(
    ("query", "source", "number"),
    [
        (
            "Article 3 of the Palermo Protocol",
            "un_palermo_protocol_2000.txt",
            "3",
        ),  # ILO has an Article 3 too
        ("article 25 of the forced labour convention", "ilo_c029_forced_labour_convention_1930.txt", "25"),
        ("§ 1592", "us_18usc_ch77_peonage_slavery_trafficking.txt", "1592"),
        ("18 U.S.C. 1593A", "us_18usc_ch77_peonage_slavery_trafficking.txt", "1593A"),
        (
            "section 4 of the Act on trafficking in women and children for prostitution",
            "lk_act30_2005_saarc_trafficking_convention.txt",
            "4",
        ),
    ],
)
def test_reference_lookup_comes_first(engine: SearchEngine, query: str, source: str, number: str) -> None:
    top = _search(engine, query)[0]
    assert (top.source, top.number) == (source, number)


def test_filters_really_filter(engine: SearchEngine) -> None:
    q = "trafficking of women and children"
    us = _search(engine, q, filters=SearchFilters(jurisdictions=("US",)), top_k=20)
    assert us and {h.jurisdiction for h in us} == {"US"}
    old = _search(engine, q, filters=SearchFilters(year_to=1999), top_k=20)
    assert old and {h.year for h in old} == {1930}
    span = _search(engine, q, filters=SearchFilters(year_from=2000, year_to=2005), top_k=20)
    assert {h.year for h in span} <= {2000, 2005} and len({h.doc_id for h in span}) == 2
    two = _search(engine, q, filters=SearchFilters(doc_types=("treaty",), statuses=("in_force",)), top_k=30)
    assert {h.doc_id for h in two} == {"ilo_c029_forced_labour_convention_1930", "un_palermo_protocol_2000"}
    none = _search(engine, q, filters=SearchFilters(languages=("ka",)))
    assert none == []


def test_json_shape(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest("peonage", top_k=3))
    data = result.as_json()
    assert set(data) == {"query", "hits"} and data["query"] == "peonage"
    assert data["hits"] and all(list(h) == list(HIT_FIELDS) for h in data["hits"])


def test_similar_is_grouped_by_other_documents(engine: SearchEngine) -> None:
    groups = engine.similar("un_palermo_protocol_2000", "3", top_k=5)
    assert groups and all(g.doc_id != "un_palermo_protocol_2000" for g in groups)
    assert len({g.doc_id for g in groups}) == len(groups)
    assert all(len({h.doc_id for h in g.hits}) == 1 for g in groups)


def test_evaluate_scores_the_subset(engine: SearchEngine) -> None:
    from search.evaluation import Qrel, evaluate

    qrels = [
        Qrel(
            "a",
            "forced labour for the benefit of private companies",
            {"ilo_c029_forced_labour_convention_1930:4": 2},
            "keyword",
        ),
        Qrel(
            "b",
            "the boss kept the workers' passports",
            {"us_18usc_ch77_peonage_slavery_trafficking:1592": 2},
            "paraphrase",
        ),
        Qrel("c", "Article 3 of the Palermo Protocol", {"un_palermo_protocol_2000:3": 2}, "keyword"),
    ]
    report = evaluate(engine, qrels, ("hybrid", "keyword"))
    hybrid = report.summary("hybrid")
    assert hybrid.n == 3 and hybrid.mrr10 >= 2 / 3
    assert report.summary("keyword", "keyword").n == 2
    assert "hybrid" in report.table() and set(report.as_json()["modes"]) == {"hybrid", "keyword"}


def test_default_model_ilo_article_4_first(corpus_real: Path, tmp_path: Path) -> None:
    """The acceptance case with the default multilingual model (RRF ties Art. 4 and Art. 5 here:
    the tie goes to the provision that contains more of the query's words)."""
    from search.testing import EVAL_CACHE, build_index, corpus_files

    built = build_index(
        corpus_files(corpus_real, ["ilo_c029_forced_labour_convention_1930"]),
        tmp_path,
        cache_dir=EVAL_CACHE / "cache",
    )
    try:
        result = built.engine().search(SearchRequest("forced labour for the benefit of private companies"))
        top = result.as_json()["hits"][0]
        assert (top["number"], top["label"], top["page_start"]) == ("4", "Article 4", 0)  # no pages
        assert top["citation"] == "Forced Labour Convention, 1930 (No. 29), Art. 4"
    finally:
        built.close()


def test_russian_question_reaches_english_text_through_the_glossary(engine: SearchEngine) -> None:
    """MiniLM cannot read Russian: the glossary's "ru:принудительный труд" carries the question to the
    concept's English phrases, added to BM25 at the weight for questions not in English."""
    question = "принудительный труд для частных компаний"
    english = set(engine.bm25.encode_query("compulsory labour", "en").indices)
    sparse = engine.vectors(question, "hybrid")[1]
    weights = dict(zip(sparse.indices, sparse.values, strict=True))
    assert english and all(weights[t] == engine.options.foreign_glossary_weight < 1.0 for t in english)
    hits = _search(engine, question, top_k=3)
    assert hits[0].source.startswith("ilo_c029_forced_labour_convention_1930")
    off = engine.with_options(translate_glossary=False)
    assert not english & set(off.vectors(question, "hybrid")[1].indices)
    # an English question gets the same phrases as its own words, at full weight
    own = engine.vectors("forced labour", "hybrid")[1]
    assert all(dict(zip(own.indices, own.values, strict=True))[t] == 1.0 for t in english)

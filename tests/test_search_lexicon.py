"""Cross-lingual keywords (search/lexicon.py): the real multilingual model over a real Dutch treaty."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.sparse import Bm25Encoder
from search.engine import SearchRequest
from search.lexicon import Lexicon, Lexicons, content_terms, fingerprint

QUERY = "security and control of travel documents"  # Palermo Protocol, Art. 12


def test_content_terms_drop_stop_words_and_add_pairs() -> None:
    terms = content_terms("The identification of victims, by the police", "en", Bm25Encoder())
    assert terms == [
        "identification",
        "victims",
        "police",
        "identification victims",
        "victims police",
    ]


def test_nearest_keeps_only_close_words() -> None:
    vecs = np.eye(3, dtype=np.float32)
    lex = Lexicon("nl", "fp", ("kind", "arbeid", "straf"), vecs)
    queries = np.array([[0.0, 0.95, 0.31], [0.6, 0.0, 0.8]], dtype=np.float32)
    assert lex.nearest(queries, threshold=0.84) == ["arbeid"]  # the second is 0.8 from "straf"
    assert lex.nearest(queries, threshold=0.5) == ["arbeid", "straf"]
    assert Lexicon("nl", "fp", (), np.zeros((0, 3), np.float32)).nearest(queries) == []


def test_nearest_skips_a_word_that_is_barely_closer_than_the_rest() -> None:
    words = tuple(f"w{i}" for i in range(11))
    lex = Lexicon("ka", "fp", words, np.eye(11, dtype=np.float32))
    flat = np.array([[0.32] + [0.31] * 9 + [0.2]], dtype=np.float32)  # close to everything alike
    peaked = np.array([[0.6] + [0.25] * 10], dtype=np.float32)
    flat /= np.linalg.norm(flat)
    peaked /= np.linalg.norm(peaked)
    assert lex.nearest(flat, threshold=0.0, margin=0.03) == []
    assert lex.nearest(flat, threshold=0.0, margin=0.0) == ["w0"]
    assert lex.nearest(peaked, threshold=0.0, margin=0.03) == ["w0"]


def test_save_load_round_trip_and_unreadable_file(tmp_path: Path) -> None:
    lex = Lexicon("nl", "abc", ("kind", "arbeid"), np.eye(2, 4, dtype=np.float32), "e5")
    lex.save(tmp_path / "nl.npz")
    back = Lexicon.load(tmp_path / "nl.npz")
    assert back is not None
    assert (back.language, back.fingerprint, back.words, back.model_id) == (
        "nl",
        "abc",
        ("kind", "arbeid"),
        "e5",
    )
    np.testing.assert_allclose(back.vectors, lex.vectors)
    assert [p.name for p in tmp_path.iterdir()] == ["nl.npz"]  # no temporary file left
    (tmp_path / "bad.npz").write_bytes(b"not a lexicon")
    assert Lexicon.load(tmp_path / "bad.npz") is None


def test_fingerprint_depends_on_model_and_documents_not_their_order() -> None:
    a = fingerprint("e5", [("palermo", "1"), ("cets", "2")])
    assert a == fingerprint("e5", [("cets", "2"), ("palermo", "1")])
    assert a != fingerprint("minilm", [("palermo", "1"), ("cets", "2")])
    assert a != fingerprint("e5", [("palermo", "1"), ("cets", "3")])


class CountingEmbedder:
    """The real embedder; counts the texts it embeds in batches (words of lexicons, query terms)."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.spec = real.spec  # type: ignore[attr-defined]
        self.embedded = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self.real.embed_queries(texts)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def dutch(corpus_real: Path, tmp_path_factory: pytest.TempPathFactory):
    """An index of the Dutch Palermo Protocol only, with the default multilingual model."""
    from search.testing import EVAL_CACHE, build_index, corpus_files

    data = tmp_path_factory.mktemp("lexicon")
    built = build_index(
        corpus_files(corpus_real, ["un_palermo_protocol_2000_nl"]), data, cache_dir=EVAL_CACHE / "cache"
    )
    yield built, data
    built.close()


@pytest.mark.slow
def test_english_query_gets_dutch_words_of_the_index(dutch) -> None:
    built, data = dutch
    rt = built.runtime
    lexicons = Lexicons(rt.index, rt.embedder, rt.spec.model_id, data / "lexicon")
    assert lexicons.languages() == ["nl"]
    found = lexicons.translate(QUERY, "en", rt.bm25)
    assert set(found) == {"nl"} and "reisdocumenten" in found["nl"]  # from the pair "travel documents"
    assert lexicons.translate(QUERY, "nl", rt.bm25) == {}  # nothing to translate into
    assert lexicons.translate(QUERY, "en", rt.bm25, only=["en"]) == {}  # filtered to English


@pytest.mark.slow
def test_hybrid_adds_them_to_bm25_and_marks_them_keyword_stays_literal(dutch) -> None:
    built, _ = dutch
    engine = built.engine()
    _, sparse = engine.vectors(QUERY, "hybrid")
    dutch_terms = set(built.runtime.bm25.encode_query("reisdocumenten", "nl").indices)
    weights = dict(zip(sparse.indices, sparse.values, strict=True))
    assert dutch_terms and all(weights.get(t) == engine.options.lexicon_weight for t in dutch_terms)

    hits = engine.search(SearchRequest(QUERY, top_k=10)).hits
    assert (hits[0].number, hits[0].label) == ("12", "Artikel 12")
    # Art. 8 and 10 speak of "reisdocumenten": the user sees the Dutch word the question matched
    with_word = [h for h in hits if "reisdocumenten" in h.text]
    assert {h.number for h in with_word} >= {"8", "10"}
    marked = [{h.snippet.text[s:e].lower() for s, e in h.snippet.marks} for h in with_word]
    assert any("reisdocumenten" in m for m in marked), marked

    _, literal = engine.vectors(QUERY, "keyword")
    assert not dutch_terms & set(literal.indices)
    off = engine.with_options(translate_lexicon=False)
    assert not dutch_terms & set(off.vectors(QUERY, "hybrid")[1].indices)


@pytest.mark.slow
def test_legal_terms_reach_the_dutch_article_the_old_glossary_missed(dutch) -> None:
    """search/data/legal_terms.json: "denunciation" -> "opzegging", the heading of the Dutch Art. 19."""
    from search.engine import SearchEngine
    from search.glossary import DEFAULT_PATH, Glossary

    built, _ = dutch
    engine = built.engine()
    question = "How can a state party withdraw from the protocol by denunciation?"
    _, sparse = engine.vectors(question, "hybrid")
    assert set(built.runtime.bm25.encode_query("opzegging", "nl").indices) <= set(sparse.indices)
    hits = engine.search(SearchRequest(question, top_k=5)).hits
    assert (hits[0].number, hits[0].heading) == ("19", "Opzegging")
    assert ", Art. 19" in hits[0].citation
    # the 36-concept glossary alone does not know the word: another article comes first
    old = SearchEngine(
        engine.index,
        engine.embedder,
        engine.bm25,
        engine.options,
        Glossary.load(DEFAULT_PATH),
        engine.lexicons,
        engine.latent,
    )
    assert old.search(SearchRequest(question, top_k=5)).hits[0].number != "19"


@pytest.mark.slow
def test_lexicon_is_kept_on_disk_and_rebuilt_only_for_new_words(corpus_real: Path, tmp_path: Path) -> None:
    from search.testing import EVAL_CACHE, build_index, corpus_files

    def index_of(stems: list[str]):
        return build_index(
            corpus_files(corpus_real, stems), tmp_path / "data", cache_dir=EVAL_CACHE / "cache"
        )

    folder = tmp_path / "lexicon"
    built = index_of(["un_palermo_protocol_2000_nl"])
    try:
        rt = built.runtime
        first = CountingEmbedder(rt.embedder)
        words = Lexicons(rt.index, first, rt.spec.model_id, folder).get("nl")
        assert words is not None and first.embedded == len(words.words) > 500
        again = CountingEmbedder(rt.embedder)
        reread = Lexicons(rt.index, again, rt.spec.model_id, folder).get("nl")
        assert again.embedded == 0 and reread is not None and reread.words == words.words  # from disk
        other = CountingEmbedder(rt.embedder)
        Lexicons(rt.index, other, "another-model", tmp_path / "other").get("nl")
        (tmp_path / "other" / "nl.npz").replace(folder / "nl.npz")  # a lexicon of another model
        mixed = CountingEmbedder(rt.embedder)
        rebuilt = Lexicons(rt.index, mixed, rt.spec.model_id, folder).get("nl")
        assert mixed.embedded == len(words.words) and rebuilt is not None  # nothing reused
        assert rebuilt.model_id == rt.spec.model_id
    finally:
        built.close()

    # A second Dutch document changes the fingerprint: only the words not seen yet are embedded.
    more = index_of(["un_palermo_protocol_2000_nl", "un_smuggling_of_migrants_protocol_2000_nl"])
    try:
        rt = more.runtime
        third = CountingEmbedder(rt.embedder)
        bigger = Lexicons(rt.index, third, rt.spec.model_id, folder).get("nl")
        assert bigger is not None and bigger.fingerprint != words.fingerprint
        assert set(words.words) < set(bigger.words)
        assert third.embedded == len(set(bigger.words) - set(words.words)) > 0
        i, j = words.words.index("reisdocumenten"), bigger.words.index("reisdocumenten")
        np.testing.assert_allclose(bigger.vectors[j], words.vectors[i], atol=1e-3)  # reused (float16)
    finally:
        more.close()


@pytest.mark.slow
def test_ctkb_ingest_prepares_the_lexicon(
    corpus_real: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from search.testing import EVAL_CACHE
    from ui.cli import main

    monkeypatch.setenv("CTKB_CACHE_DIR", str(EVAL_CACHE / "cache"))  # the model built once for all tests
    source = corpus_real / "un_palermo_protocol_2000_nl.txt"
    args = ["--data-dir", str(tmp_path / "data"), "--language", "nl"]
    assert main(["ingest", str(source), *args]) == 0
    saved = Lexicon.load(tmp_path / "data" / "lexicon" / "nl.npz")
    assert saved is not None and "reisdocumenten" in saved.words
    assert f"lexicons: nl {len(saved.words)} words" in capsys.readouterr().err
    assert main(["ingest", str(source), *args]) == 0  # unchanged: nothing to prepare
    assert "lexicons" not in capsys.readouterr().err


class GatedEmbedder(CountingEmbedder):
    """The real embedder, except that a batch of English words waits until ``release`` is set."""

    def __init__(self, real: object) -> None:
        import threading

        super().__init__(real)
        self.english_started = threading.Event()
        self.release = threading.Event()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if "trafficking" in texts:  # the English lexicon's words
            self.english_started.set()
            assert self.release.wait(60)
        return super().embed_queries(texts)


@pytest.mark.slow
def test_prepare_builds_every_language_english_last_and_none_waits_for_another(
    corpus_real: Path, tmp_path: Path
) -> None:
    import threading

    from search.testing import EVAL_CACHE, build_index, corpus_files

    stems = ["un_palermo_protocol_2000", "un_palermo_protocol_2000_nl"]
    built = build_index(corpus_files(corpus_real, stems), tmp_path / "data", cache_dir=EVAL_CACHE / "cache")
    try:
        rt = built.runtime
        prepared = Lexicons(rt.index, rt.embedder, rt.spec.model_id, tmp_path / "a").prepare()
        assert [lex.language for lex in prepared] == ["nl", "en"]
        assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["en.npz", "nl.npz"]

        gated = GatedEmbedder(rt.embedder)
        lexicons = Lexicons(rt.index, gated, rt.spec.model_id, tmp_path / "b")
        english = threading.Thread(target=lexicons.get, args=("en",))
        english.start()
        try:
            assert gated.english_started.wait(60)
            dutch = lexicons.get("nl")  # built while the English build is still held
            assert dutch is not None and "mensenhandel" in dutch.words
            assert english.is_alive()
        finally:
            gated.release.set()
            english.join(60)
        assert lexicons.get("en") is not None and not english.is_alive()
    finally:
        built.close()


@pytest.mark.slow
def test_a_dutch_question_is_stemmed_as_dutch(dutch) -> None:
    """search/language.py: read as English (before), a Dutch question's words missed the Dutch stems."""
    built, _ = dutch
    engine = built.engine()
    for question, article in (
        ("Hoe kan een staat het protocol opzeggen?", "19"),  # "opzeggen" ~ the heading "Opzegging"
        ("terugkeer van slachtoffers naar hun land", "8"),  # "slachtoffers" ~ "slachtoffer"
    ):
        assert engine.query_language(question) == "nl"
        hits = engine.search(SearchRequest(question, top_k=3, mode="keyword")).hits
        assert hits[0].number == article, (question, [h.number for h in hits])
        as_english = engine.with_options(detect_language=False)
        assert as_english.query_language(question) == "en"
        before = as_english.search(SearchRequest(question, top_k=3, mode="keyword")).hits
        assert not before or before[0].number != article


@pytest.mark.slow
def test_a_dutch_question_over_english_text_gets_english_words(corpus_real: Path, tmp_path: Path) -> None:
    """Dutch is one of the glossary's languages, so a Dutch question is read as Dutch over an English-only
    index too, and the lexicon adds the English words nearest to its own (read as English, it got none)."""
    from search.testing import EVAL_CACHE, build_index, corpus_files

    built = build_index(
        corpus_files(corpus_real, ["un_palermo_protocol_2000"]), tmp_path, cache_dir=EVAL_CACHE / "cache"
    )
    try:
        engine = built.engine()
        question = "de echtheid van reisdocumenten controleren"
        assert engine.query_language(question) == "nl"
        english = engine.translations(question, "hybrid")[1].get("en", [])
        assert {"documents", "control"} <= set(english), english
        hits = engine.search(SearchRequest(question, top_k=3)).hits
        assert {h.number for h in hits[:2]} == {"12", "13"}  # security / validity of documents
        as_english = engine.with_options(detect_language=False)
        assert as_english.query_language(question) == "en"
        assert as_english.translations(question, "hybrid")[1] == {}
    finally:
        built.close()

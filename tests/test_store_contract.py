"""The index contract, run on every backend: Qdrant Edge, qdrant-client in memory and on disk."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.errors import IndexError_, ModelMismatchError
from ingest.model import SparseVector
from ingest.store import schema as s
from ingest.store.base import RRF_K
from ingest.store.filters import Filter, Match, MatchAny, Range, all_of, where
from ingest.store.index import DocumentIndex
from tests.test_store_support import (
    DIM,
    MODEL,
    axis,
    check_invariants,
    embedded,
    meta,
    query_sparse,
    version_texts,
    write_version,
)

BACKENDS = ["edge", "server-memory", "server-path"]


def open_backend(kind: str, tmp_path: Path) -> DocumentIndex:
    if kind == "edge":
        from ingest.store.edge import EdgeBackend

        return DocumentIndex(EdgeBackend(tmp_path / "index"))
    from ingest.store.server import ServerBackend

    if kind == "server-memory":
        return DocumentIndex(ServerBackend(location=":memory:"))
    return DocumentIndex(ServerBackend(path=str(tmp_path / "qdrant")))


@pytest.fixture(scope="session")
def edge_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ensured, empty Edge index, copied for each test (creating payload indexes takes seconds)."""
    root = tmp_path_factory.mktemp("edge-template")
    idx = open_backend("edge", root)
    idx.ensure(MODEL, DIM)
    idx.close()
    return root / "index"


@pytest.fixture(params=BACKENDS)
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentIndex]:
    if request.param == "edge":
        shutil.copytree(request.getfixturevalue("edge_template"), tmp_path / "index")
    idx = open_backend(request.param, tmp_path)
    idx.ensure(MODEL, DIM)
    yield idx
    idx.close()


# --- ensure / info -----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", BACKENDS)
def test_new_index_is_empty_and_ensure_creates_it(kind: str, tmp_path: Path) -> None:
    idx = open_backend(kind, tmp_path)
    assert idx.info() is None
    assert idx.documents() == [] and idx.get_document("x") is None and idx.count_points() == 0
    assert idx.query(axis(0), None, mode="semantic") == []
    assert idx.recover() == []
    with pytest.raises(IndexError_, match="ensure"):
        write_version(idx, "a", 1, 2)
    idx.ensure(MODEL, DIM)
    assert idx.info() == s.IndexInfo(MODEL, DIM, s.SCHEMA_VERSION)
    idx.ensure(MODEL, DIM)  # idempotent
    assert idx.count_points() == 1
    idx.close()


@pytest.mark.parametrize("kind", ["edge", "server-path"])
def test_info_and_documents_survive_reopen(kind: str, tmp_path: Path) -> None:
    idx = open_backend(kind, tmp_path)
    idx.ensure(MODEL, DIM)
    write_version(idx, "a", 1, 3)
    idx.close()
    idx = open_backend(kind, tmp_path)
    assert idx.info() == s.IndexInfo(MODEL, DIM)
    assert [len(idx.chunks("a"))] == [3]
    with pytest.raises(
        ModelMismatchError, match=rf"built with model {MODEL} \(dim 8\); re-index to use other"
    ):
        idx.ensure("other", DIM)
    idx.close()


@pytest.mark.parametrize(("version", "message"), [(1, "older ctkb"), (99, "newer than this ctkb")])
def test_index_of_another_schema_is_refused_for_writing(
    index: DocumentIndex, version: int, message: str
) -> None:
    from ingest.store.base import IndexPoint

    info = s.IndexInfo(MODEL, DIM, version)
    index.backend.upsert([IndexPoint(s.INFO_POINT_ID, None, None, s.info_payload(info))])
    with pytest.raises(IndexError_, match=message):
        index.ensure(MODEL, DIM)


def test_model_mismatch(index: DocumentIndex) -> None:
    with pytest.raises(ModelMismatchError, match="re-index to use m2"):
        index.ensure("m2", DIM)
    with pytest.raises(ModelMismatchError, match=r"\(dim 8\)"):
        index.ensure(MODEL, 16)


def test_wrong_vector_dimension_is_refused(index: DocumentIndex) -> None:
    chunks = embedded(["x"], vectors=[(1.0, 0.0)])
    with pytest.raises(ValueError, match="2-d vector; the index expects 8"):
        index.replace_document(meta("a"), 1, chunks)
    assert index.get_document("a") is None


# --- replace / remove / listing ----------------------------------------------------------------
def test_replace_lists_and_counts(index: DocumentIndex) -> None:
    index.replace_document(meta("b", title="Beta law"), 2, embedded(["one", "two", "three"]))
    index.replace_document(meta("a", title="alpha law"), 1, embedded(["only"]))
    docs = index.documents()
    assert [d.meta.title for d in docs] == ["alpha law", "Beta law"]
    assert [(d.provisions, d.chunks) for d in docs] == [(1, 1), (2, 3)]
    assert index.get_document("b") == docs[1]
    assert docs[1].meta == meta("b", title="Beta law")
    assert index.find_by_sha256("sha-a") == docs[0]
    assert index.find_by_sha256("nope") is None and index.find_by_sha256("") is None
    assert index.count_points() == 1 + (3 + 1) + (1 + 1)


def test_replacing_same_content_is_idempotent(index: DocumentIndex) -> None:
    write_version(index, "a", 1, 5)
    before = index.count_points()
    ids = [c.point_id for c in index.chunks("a")]
    write_version(index, "a", 1, 5)
    assert index.count_points() == before
    assert [c.point_id for c in index.chunks("a")] == ids  # deterministic ids, nothing rewritten
    check_invariants(index)


def test_update_replaces_old_chunks(index: DocumentIndex) -> None:
    write_version(index, "a", 1, 5)
    write_version(index, "b", 1, 2)
    write_version(index, "a", 2, 3)
    assert [c.chunk.text for c in index.chunks("a")] == version_texts("a", 2, 3)
    assert index.get_document("a").chunks == 3  # type: ignore[union-attr]
    assert index.count_points() == 1 + 4 + 3
    assert check_invariants(index) == {"a": 2, "b": 1}


def test_remove(index: DocumentIndex) -> None:
    write_version(index, "a", 1, 3)
    write_version(index, "b", 1, 2)
    assert index.remove_document("a") is True
    assert index.remove_document("a") is False
    assert index.get_document("a") is None and index.chunks("a") == []
    assert [d.meta.doc_id for d in index.documents()] == ["b"]
    assert index.count_points() == 1 + 3


def test_chunks_in_document_order(index: DocumentIndex) -> None:
    from tests.test_store_support import chunk

    base = embedded(["c2p1", "c0", "c2p0", "c1"])
    order = [(2, 1), (0, 0), (2, 0), (1, 0)]
    chunks = [
        ec.__class__(chunk(ec.chunk.text, o, part=p, parts=2 if o == 2 else 1), ec.dense, ec.sparse)
        for ec, (o, p) in zip(base, order, strict=True)
    ]
    index.replace_document(meta("a"), 3, chunks)
    stored = index.chunks("a")
    assert [c.chunk.text for c in stored] == ["c0", "c1", "c2p0", "c2p1"]
    first = stored[0].chunk
    assert (first.label, first.path, first.page_start, first.page_end) == ("Article 1", ("Chapter I",), 1, 2)
    assert first.embed_text == ""  # not stored


# --- queries -----------------------------------------------------------------------------------
def _three_docs(index: DocumentIndex) -> None:
    index.replace_document(
        meta("ge", jurisdiction="GE", language="en", year=2006, title="Georgia"),
        2,
        embedded(["forced labour of migrants", "sexual exploitation offence"], vectors=[axis(0), axis(1)]),
    )
    index.replace_document(
        meta("am", jurisdiction="AM", language="en", year=2014, title="Armenia"),
        2,
        embedded(["victim assistance shelter", "compensation for victims"], vectors=[axis(2), axis(3)]),
    )
    index.replace_document(
        meta("ru", jurisdiction="RU", language="ru", year=2003, title="Russia"),
        1,
        embedded(["торговля людьми"], language="ru", vectors=[axis(4)]),
    )


def _docs(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.stored.meta.doc_id for h in hits]


def test_semantic_returns_nearest(index: DocumentIndex) -> None:
    _three_docs(index)
    hits = index.query(axis(2), None, mode="semantic", limit=2)
    assert hits[0].stored.chunk.text == "victim assistance shelter"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 2 and hits[0].score > hits[1].score
    assert index.query(axis(2), None, mode="semantic", limit=0) == []


def test_keyword_uses_sparse(index: DocumentIndex) -> None:
    _three_docs(index)
    hits = index.query(None, query_sparse("shelters"), mode="keyword")  # stemmed: shelter
    assert [h.stored.chunk.text for h in hits] == ["victim assistance shelter"]
    assert index.query(None, query_sparse("zebra"), mode="keyword") == []


def test_hybrid_fuses_both(index: DocumentIndex) -> None:
    _three_docs(index)
    # dense points at "forced labour"; the words point at "compensation".
    for fusion in ("rrf", "dbsf"):
        hits = index.query(axis(0), query_sparse("compensation"), mode="hybrid", limit=3, fusion=fusion)
        texts = [h.stored.chunk.text for h in hits]
        assert set(texts[:2]) == {"forced labour of migrants", "compensation for victims"}, fusion
    # No known term: hybrid degrades to semantic.
    hits = index.query(axis(4), query_sparse("zebra"), limit=1)
    assert _docs(hits) == ["ru"]


def test_rrf_weights_decide_between_the_two_sides(index: DocumentIndex) -> None:
    _three_docs(index)
    # Each side's best candidate only (prefetch 1): they tie at equal weights; the weights decide.
    q = (axis(0), query_sparse("compensation"))
    for weights, first in (
        ((1.0, 0.5), "forced labour of migrants"),
        ((0.5, 1.0), "compensation for victims"),
    ):
        hits = index.query(*q, mode="hybrid", limit=1, prefetch_limit=1, weights=weights)
        assert [h.stored.chunk.text for h in hits] == [first], weights
        assert hits[0].score == pytest.approx(1.0 / RRF_K), weights  # weight 1.0 at rank 0


def test_optimize_keeps_every_point_and_answer(index: DocumentIndex) -> None:
    _three_docs(index)
    write_version(index, "many", 1, 40)
    # words that no two chunks share: equal BM25 scores could come back in another order after a merge
    probes = [(axis(i), query_sparse(w)) for i, w in enumerate(["compensation", "shelter", "labour"])]
    before = [[h.stored.point_id for h in index.query(d, sp, limit=10)] for d, sp in probes]
    points, documents = index.count_points(), index.documents()
    assert isinstance(index.optimize(), bool)
    assert index.count_points() == points and index.documents() == documents
    assert [[h.stored.point_id for h in index.query(d, sp, limit=10)] for d, sp in probes] == before
    assert index.optimize() is False  # nothing left to do
    assert len(index.chunks("many")) == 40


def test_queries_never_return_records_or_pending(index: DocumentIndex) -> None:
    _three_docs(index)
    metas = meta("pend", title="Pending")
    run = "run-pending"
    points = index.pending_points(metas, 1, embedded(["compensation pending"], vectors=[axis(3)]), run)
    index.backend.upsert(points)
    for mode in ("semantic", "hybrid"):
        hits = index.query(axis(3), query_sparse("compensation"), mode=mode, limit=100)  # type: ignore[arg-type]
        assert len(hits) == 5 and "pend" not in _docs(hits)
        assert all(h.stored.chunk.text for h in hits)
    assert "pend" not in _docs(index.query(None, query_sparse("pending"), mode="keyword", limit=100))
    assert index.get_document("pend") is None and index.chunks("pend") == []


def test_filters(index: DocumentIndex) -> None:
    _three_docs(index)
    q = dict(mode="semantic", limit=10)

    def docs(flt: Filter) -> set[str]:
        return set(_docs(index.query(axis(0), None, flt=flt, **q)))  # type: ignore[arg-type]

    assert docs(Filter(must=[Match(s.JURISDICTION, "AM")])) == {"am"}
    assert docs(Filter(must=[MatchAny(s.JURISDICTION, ["AM", "RU"])])) == {"am", "ru"}
    assert docs(Filter(must=[MatchAny(s.JURISDICTION, [])])) == set()
    assert docs(Filter(must=[Range(s.YEAR, gte=2005)])) == {"ge", "am"}
    assert docs(Filter(must=[Range(s.YEAR, gte=2005, lte=2010)])) == {"ge"}
    assert docs(Filter(must=[Range(s.YEAR, lt=2006)])) == {"ru"}
    assert docs(Filter(must_not=[Match(s.LANGUAGE, "ru")])) == {"ge", "am"}
    assert docs(Filter(should=[Match(s.DOC_ID, "ge"), Range(s.YEAR, lte=2003)])) == {"ge", "ru"}
    assert docs(all_of(where(language="en"), Range(s.YEAR, gt=2006))) == {"am"}
    assert docs(where(jurisdiction=["GE", "AM"], year=None)) == {"ge", "am"}
    # A filter can never widen the query to other records.
    assert docs(Filter(must=[Match(s.RECORD, s.DOCUMENT)])) == set()
    assert docs(Filter(should=[Match(s.STATE, s.PENDING)])) == set()


def test_facets(index: DocumentIndex) -> None:
    _three_docs(index)
    assert index.facets(s.JURISDICTION) == {"GE": 2, "AM": 2, "RU": 1}
    assert index.facets(s.JURISDICTION, documents=True) == {"GE": 1, "AM": 1, "RU": 1}
    assert index.facets(s.LANGUAGE, where(year=2014)) == {"en": 2}
    assert index.facets(s.YEAR, documents=True) == {"2006": 1, "2014": 1, "2003": 1}
    write_version(index, "ge", 9, 1)  # replaced: counts follow, pending never counted
    assert index.facets(s.JURISDICTION)["TL"] == 1


def test_vectors_of_stored_chunks(index: DocumentIndex) -> None:
    _three_docs(index)
    ids = [c.point_id for c in index.chunks("am")]
    vecs = index.vectors(ids)
    assert [vecs[i] for i in ids] == [pytest.approx(axis(2)), pytest.approx(axis(3))]


# --- crash recovery: run the protocol's steps by hand, stop at each point, recover ---------------
def _steps(index: DocumentIndex, doc_id: str, version: int, n: int) -> tuple[str, list]:  # type: ignore[type-arg]
    from ingest.store import schema

    texts = version_texts(doc_id, version, n)
    m, chunks = meta(doc_id, version=str(version)), embedded(texts)
    run = schema.run_id(m, n, chunks)
    return run, index.pending_points(m, n, chunks, run)


def _old_deleted(index: DocumentIndex, doc_id: str) -> None:
    index.backend.delete(all_of(Match(s.DOC_ID, doc_id), Match(s.STATE, s.COMMITTED)))


def _commit(index: DocumentIndex, run: str) -> None:
    index.backend.set_payload(Filter(must=[Match(s.RUN, run)]), {s.STATE: s.COMMITTED})


# (name, had an old version, crash point) -> version expected after recover (None = absent)
CRASHES = [
    ("new doc, half the points written", False, "partial", None),
    ("new doc, only the document record missing", False, "all-but-one", None),
    ("new doc, all points pending", False, "pending", 2),
    ("update, half the points written", True, "partial", 1),
    ("update, all pending, old still there", True, "pending", 1),
    ("update, old deleted, new not committed", True, "deleted", 2),
    ("update, committed (crash after the last step)", True, "committed", 2),
]


@pytest.mark.parametrize(("name", "had_old", "point", "expected"), CRASHES, ids=[c[0] for c in CRASHES])
def test_recover_after_crash(
    index: DocumentIndex, name: str, had_old: bool, point: str, expected: int | None
) -> None:
    write_version(index, "other", 7, 3)
    if had_old:
        write_version(index, "a", 1, 4)
    run, points = _steps(index, "a", 2, 6)
    if point == "partial":
        index.backend.upsert(points[:3])
    elif point == "all-but-one":
        index.backend.upsert(points[:-1])
    else:
        index.backend.upsert(points)
    if point in ("deleted", "committed"):
        _old_deleted(index, "a")
    if point == "committed":
        _commit(index, run)
    # Before recovery readers already see a consistent document (absent between steps 2 and 3).
    visible = check_invariants(index, after_recover=False)
    before = {"committed": 2, "deleted": None}.get(point, 1 if had_old else None)
    assert visible.get("a") == before

    notes = index.recover()
    assert bool(notes) == (point != "committed")
    assert all(n.startswith("a: ") for n in notes)
    versions = check_invariants(index)
    assert versions.get("a") == expected
    assert versions["other"] == 7
    assert index.recover() == []  # nothing left to do
    # Writing after recovery works and leaves exactly one version.
    write_version(index, "a", 3, 2)
    assert check_invariants(index)["a"] == 3


def test_replace_cleans_up_leftovers_without_recover(index: DocumentIndex) -> None:
    write_version(index, "a", 1, 4)
    _, points = _steps(index, "a", 2, 6)
    index.backend.upsert(points[:3])  # crashed; recover() not called (e.g. a read-only opener)
    write_version(index, "a", 3, 2)
    assert check_invariants(index) == {"a": 3}


def test_retrying_an_interrupted_identical_write(index: DocumentIndex) -> None:
    """The same content after a crash mid-write gets the same run id: the retry must still finish."""
    write_version(index, "a", 1, 4)
    _, points = _steps(index, "a", 2, 6)
    index.backend.upsert(points[:3])
    write_version(index, "a", 2, 6)
    assert check_invariants(index) == {"a": 2}


def test_a_failed_write_leaves_the_old_version(index: DocumentIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    write_version(index, "a", 1, 4)
    real = index.backend.upsert
    calls = {"n": 0}

    def failing(points):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        real(points[: len(points) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(index.backend, "upsert", failing)
    with pytest.raises(OSError, match="disk full"):
        write_version(index, "a", 2, 6)
    monkeypatch.setattr(index.backend, "upsert", real)
    assert check_invariants(index) == {"a": 1}  # the failed run was discarded at once


def test_edge_optimize_builds_the_vector_index(tmp_path: Path) -> None:
    """Past Qdrant's indexing threshold (~6.5k vectors of 384 floats) optimize builds the HNSW index;
    Edge has no background optimizer, so an ingest run calls it (``Ingestor.ingest``)."""
    import numpy as np

    from ingest.store.edge import EdgeBackend

    n, dim = 8000, 384
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    rows = [tuple(float(x) for x in v) for v in vecs]
    idx = DocumentIndex(EdgeBackend(tmp_path / "index"))
    idx.ensure("test-384", dim)
    idx.replace_document(meta("big"), n, embedded([f"provision {i}" for i in range(n)], vectors=rows))
    shard = idx.backend.shard  # type: ignore[attr-defined]
    indexed = shard.info().indexed_vectors_count
    assert idx.optimize() is True
    assert shard.info().indexed_vectors_count > indexed
    assert idx.optimize() is False
    for i in (0, 4321, n - 1):
        assert idx.query(rows[i], None, mode="semantic", limit=1)[0].stored.chunk.text == f"provision {i}"
    idx.close()
    again = DocumentIndex(EdgeBackend(tmp_path / "index"))
    assert again.count_points() == n + 2 and len(again.chunks("big")) == n  # + document and info records
    again.close()


# --- latent terms --------------------------------------------------------------------------------
def _latent(i: int) -> SparseVector:
    return SparseVector((i,), (1.0,))


@pytest.mark.parametrize("kind", BACKENDS)
def test_latent_terms_are_a_third_prefetch_of_hybrid_queries(kind: str, tmp_path: Path) -> None:
    idx = open_backend(kind, tmp_path)
    idx.ensure(MODEL, DIM, latent_terms=True)
    assert idx.info() == s.IndexInfo(MODEL, DIM, latent_terms=True)
    texts = ["forced labour of migrants", "compensation for victims", "victim assistance shelter"]
    chunks = [
        replace(ec, latent=_latent(i))
        for i, ec in enumerate(embedded(texts, vectors=[axis(0), axis(1), axis(2)]))
    ]
    idx.replace_document(meta("ge"), 3, chunks)
    # dense says chunk 0, BM25 chunk 1, latent terms chunk 2: with one candidate each, the weights decide
    q = (axis(0), query_sparse("compensation"))
    for weights, first in (((1.0, 0.5, 2.0), 2), ((1.0, 0.5, 0.5), 0), ((0.5, 1.0, 0.5), 1)):
        hits = idx.query(*q, mode="hybrid", limit=1, prefetch_limit=1, weights=weights, latent=_latent(2))
        assert [h.stored.chunk.text for h in hits] == [texts[first]], weights
    # latent terms join hybrid queries only
    assert [
        h.stored.chunk.text for h in idx.query(axis(0), None, mode="semantic", limit=1, latent=_latent(2))
    ] == [texts[0]]
    assert [
        h.stored.chunk.text for h in idx.query(None, q[1], mode="keyword", limit=1, latent=_latent(2))
    ] == [texts[1]]
    idx.close()


@pytest.mark.parametrize("kind", ["edge", "server-path"])
def test_an_index_keeps_what_it_was_created_with(kind: str, tmp_path: Path) -> None:
    idx = open_backend(kind, tmp_path)
    idx.ensure(MODEL, DIM)  # as an index made before latent terms
    write_version(idx, "a", 1, 2)
    idx.close()
    idx = open_backend(kind, tmp_path)
    idx.ensure(MODEL, DIM, latent_terms=True)  # no error, and no latent terms either
    assert idx.info() == s.IndexInfo(MODEL, DIM, latent_terms=False)
    hits = idx.query(axis(0), query_sparse("trafficking"), mode="hybrid", limit=5, latent=None)
    assert len(hits) == 2
    idx.close()

"""CtkbDocumentStore against Haystack's own DocumentStore test suite, on Edge and qdrant-client."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from haystack import Document
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.types import DuplicatePolicy
from haystack.errors import FilterError
from haystack.testing.document_store import (
    CountDocumentsByFilterTest,
    DeleteAllTest,
    DeleteByFilterTest,
    DocumentStoreBaseTests,
    UpdateByFilterTest,
)

from ingest.store.haystack_filters import convert
from ingest.store.haystack_store import CtkbDocumentStore, point_id
from ingest.store.server import ServerBackend

DIM = 768  # Haystack's test documents


@pytest.fixture(scope="session")
def edge_768(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hs-edge") / "index"
    store = CtkbDocumentStore(str(root), embedding_dim=DIM)
    store.write_documents([Document(id="x", content="x")])
    store.delete_all_documents()
    store.backend.close()
    return root


def _normalised(v: list[float] | None) -> list[float] | None:
    if v is None:
        return None
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / n for x in v]


class TestCtkbDocumentStore(
    DocumentStoreBaseTests, DeleteAllTest, DeleteByFilterTest, UpdateByFilterTest, CountDocumentsByFilterTest
):
    @pytest.fixture(params=["edge", "server-memory"])
    def document_store(self, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CtkbDocumentStore]:
        if request.param == "edge":
            shutil.copytree(request.getfixturevalue("edge_768"), tmp_path / "index")
            store = CtkbDocumentStore(str(tmp_path / "index"), embedding_dim=DIM)
        else:
            store = CtkbDocumentStore(location=":memory:", embedding_dim=DIM)
        yield store
        store.backend.close()

    def assert_documents_are_equal(self, received: list[Document], expected: list[Document]) -> None:
        """Order is the store's (by point id); vectors come back cosine-normalised in float32."""
        got = sorted(received, key=lambda d: d.id)
        want = sorted(expected, key=lambda d: d.id)
        assert [(d.id, d.content, d.meta) for d in got] == [(d.id, d.content, d.meta) for d in want]
        for g, w in zip(got, want, strict=True):
            if w.embedding is None:
                assert g.embedding is None
            else:
                assert g.embedding == pytest.approx(_normalised(w.embedding), abs=1e-5)

    def test_write_documents(self, document_store: CtkbDocumentStore) -> None:
        doc = Document(content="test doc")
        assert document_store.write_documents([doc]) == 1
        with pytest.raises(Exception, match="already exist"):
            document_store.write_documents([doc])  # default policy: FAIL
        assert document_store.write_documents([doc], policy=DuplicatePolicy.OVERWRITE) == 1
        self.assert_documents_are_equal(document_store.filter_documents(), [doc])


def test_round_trip_with_sparse_and_to_dict(tmp_path: Path) -> None:
    store = CtkbDocumentStore(qdrant_path=str(tmp_path / "q"), embedding_dim=4)
    doc = Document(
        content="trafficking",
        meta={"doc_id": "ge", "year": 2006},
        embedding=[0.0, 3.0, 0.0, 4.0],
        sparse_embedding=SparseEmbedding(indices=[3, 7], values=[0.5, 1.5]),
    )
    assert store.write_documents([doc]) == 1
    (back,) = store.filter_documents({"field": "meta.year", "operator": ">=", "value": 2000})
    assert (back.id, back.content, back.meta) == (doc.id, "trafficking", {"doc_id": "ge", "year": 2006})
    assert back.embedding == pytest.approx([0.0, 0.6, 0.0, 0.8])
    assert (
        back.sparse_embedding is not None
        and back.sparse_embedding.to_dict() == doc.sparse_embedding.to_dict()
    )
    data = store.to_dict()
    assert data["init_parameters"]["qdrant_path"] == str(tmp_path / "q")
    store.backend.close()
    again = CtkbDocumentStore.from_dict(data)
    assert again.count_documents() == 1
    again.backend.close()


def test_reads_ctkb_chunks_written_by_document_index() -> None:
    from ingest.store.index import DocumentIndex
    from tests.test_store_support import DIM as D8
    from tests.test_store_support import MODEL, write_version

    backend = ServerBackend(location=":memory:")
    index = DocumentIndex(backend)
    index.ensure(MODEL, D8)
    write_version(index, "a", 1, 3)
    store = CtkbDocumentStore(backend=backend)
    assert store.count_documents() == 3  # chunks only: no document or info record
    docs = store.filter_documents({"field": "meta.doc_id", "operator": "==", "value": "a"})
    assert sorted(d.meta["ordinal"] for d in docs) == [0, 1, 2]
    assert all(d.id == point_id(d.id) and "state" not in d.meta for d in docs)


# Filter translation table: (haystack filter, error expected)
BAD = [
    ({"field": "meta.n", "operator": ">", "value": "abc"}, "ISO 8601"),  # a string that is no date
    ({"field": "meta.n", "operator": "in", "value": "abc"}, "needs a list"),
    ({"field": "meta.n", "operator": "~", "value": 1}, "unknown comparison"),
    ({"operator": "XOR", "conditions": []}, "unknown logical"),
    ({"conditions": []}, "no 'operator'"),
    ({"field": "id", "operator": ">", "value": "1"}, "'id' supports"),
]


@pytest.mark.parametrize(("flt", "message"), BAD)
def test_bad_filters(flt: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(FilterError, match=message):
        convert(flt, point_id)

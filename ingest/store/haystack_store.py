"""``CtkbDocumentStore``: the ctkb collection as a Haystack ``DocumentStore``.

Lets Haystack components (writers, custom retrievers, evaluation tools) use the same collection as
``DocumentIndex``. A Haystack ``Document`` is one committed chunk point: ``content`` = the ``text``
payload, ``meta`` = the other payload fields (internal protocol keys left out), ``embedding`` = the
dense vector (stored cosine-normalised), ``sparse_embedding`` = the ``bm25`` vector. Document ids
that are not UUIDs are mapped to UUID point ids (uuid5) and kept in the ``haystack_id`` payload key.

Documents written here are plain committed chunks: they skip the per-document atomic protocol and
have no ``document`` record, so ``DocumentIndex.documents()`` does not list them.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from haystack import Document, default_from_dict, default_to_dict
from haystack.dataclasses import SparseEmbedding
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy

from ingest.model import SparseVector
from ingest.store import schema as s
from ingest.store.base import IndexBackend, IndexPoint, Payload, Vectors
from ingest.store.filters import Filter, HasId, Match, all_of
from ingest.store.haystack_filters import convert

_VISIBLE = Filter(must=[Match(s.RECORD, s.CHUNK), Match(s.STATE, s.COMMITTED)])
_HIDDEN = frozenset({s.TEXT, s.RECORD, s.STATE, s.RUN, s.RUN_POINTS, s.HAYSTACK_ID})


def point_id(document_id: str) -> str:
    """The point id for a Haystack document id: itself if it is a UUID, else a uuid5 of it."""
    try:
        return str(uuid.UUID(document_id))
    except ValueError:
        return str(uuid.uuid5(s.NAMESPACE, f"haystack\0{document_id}"))


class CtkbDocumentStore:
    """Haystack DocumentStore over the Edge shard at ``path`` or a Qdrant server/local collection."""

    def __init__(
        self,
        path: str | None = None,
        *,
        url: str | None = None,
        location: str | None = None,
        qdrant_path: str | None = None,
        collection: str = s.COLLECTION,
        embedding_dim: int = 384,
        backend: IndexBackend | None = None,
    ) -> None:
        self.path, self.url, self.location, self.qdrant_path = path, url, location, qdrant_path
        self.collection, self.embedding_dim = collection, embedding_dim
        self._backend = backend

    @property
    def backend(self) -> IndexBackend:
        if self._backend is None:
            if self.url or self.location or self.qdrant_path:
                from ingest.store.server import ServerBackend

                self._backend = ServerBackend(
                    url=self.url, location=self.location, path=self.qdrant_path, collection=self.collection
                )
            elif self.path:
                from ingest.store.edge import EdgeBackend

                self._backend = EdgeBackend(Path(self.path))
            else:
                raise ValueError("CtkbDocumentStore needs path (Edge) or url/location/qdrant_path")
        return self._backend

    def _ready(self) -> bool:
        return self.backend.collection_exists()

    def _create(self) -> None:
        if not self._ready():
            self.backend.create_collection(self.embedding_dim)
            self.backend.create_payload_indexes()

    # --- serialisation ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self,
            path=self.path,
            url=self.url,
            location=self.location,
            qdrant_path=self.qdrant_path,
            collection=self.collection,
            embedding_dim=self.embedding_dim,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CtkbDocumentStore:
        return default_from_dict(cls, data)

    # --- reads --------------------------------------------------------------------------------
    def count_documents(self) -> int:
        return self.backend.count(_VISIBLE) if self._ready() else 0

    def count_documents_by_filter(self, filters: dict[str, Any]) -> int:
        return self.backend.count(self._filter(filters)) if self._ready() else 0

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        flt = self._filter(filters)  # validate even when empty
        if not self._ready():
            return []
        rows = list(self.backend.scroll(flt))
        vectors = self.backend.point_vectors([pid for pid, _ in rows]) if rows else {}
        return [_document(pid, payload, vectors.get(pid, (None, None, None))) for pid, payload in rows]

    # --- writes -------------------------------------------------------------------------------
    def write_documents(
        self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE
    ) -> int:
        if not isinstance(documents, list) or not all(isinstance(d, Document) for d in documents):
            raise ValueError("write_documents expects a list of Documents")
        if not documents:
            return 0
        self._create()
        unique: dict[str, Document] = {}
        for doc in documents:  # a later duplicate in the same call wins, as in Haystack's stores
            unique[point_id(doc.id)] = doc
        existing = {pid for pid, _ in self.backend.retrieve(list(unique))}
        if existing and policy in (DuplicatePolicy.NONE, DuplicatePolicy.FAIL):
            ids = sorted(d.id for pid, d in unique.items() if pid in existing)
            raise DuplicateDocumentError(f"documents with ids {ids} already exist")
        if policy == DuplicatePolicy.SKIP:
            unique = {pid: d for pid, d in unique.items() if pid not in existing}
        self.backend.upsert([_point(pid, d) for pid, d in unique.items()])
        return len(unique)

    def delete_documents(self, document_ids: list[str]) -> None:
        if document_ids and self._ready():
            self.backend.delete(all_of(_VISIBLE, HasId(point_id(i) for i in document_ids)))

    def delete_all_documents(self) -> None:
        if self._ready():
            self.backend.delete(_VISIBLE)

    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        if not self._ready():
            return 0
        flt = self._filter(filters)
        n = self.backend.count(flt)
        if n:
            self.backend.delete(flt)
        return n

    def update_by_filter(self, filters: dict[str, Any], meta: dict[str, Any]) -> int:
        if not self._ready():
            return 0
        flt = self._filter(filters)
        n = self.backend.count(flt)
        if n:
            self.backend.set_payload(flt, {k: v for k, v in meta.items() if k not in _HIDDEN})
        return n

    def _filter(self, filters: dict[str, Any] | None) -> Filter:
        return all_of(_VISIBLE, convert(filters, point_id))


def _point(pid: str, doc: Document) -> IndexPoint:
    payload: Payload = {k: v for k, v in (doc.meta or {}).items() if k not in _HIDDEN}
    payload |= {s.RECORD: s.CHUNK, s.STATE: s.COMMITTED, s.TEXT: doc.content}
    if pid != doc.id:
        payload[s.HAYSTACK_ID] = doc.id
    sparse = doc.sparse_embedding
    return IndexPoint(
        pid,
        tuple(doc.embedding) if doc.embedding is not None else None,
        SparseVector(tuple(sparse.indices), tuple(sparse.values)) if sparse is not None else None,
        payload,
    )


def _document(pid: str, payload: Payload, vectors: Vectors) -> Document:
    dense, sparse, _ = vectors
    return Document(
        id=str(payload.get(s.HAYSTACK_ID) or pid),
        content=payload.get(s.TEXT),
        meta={k: v for k, v in payload.items() if k not in _HIDDEN},
        embedding=list(dense) if dense is not None else None,
        sparse_embedding=SparseEmbedding(list(sparse.indices), list(sparse.values)) if sparse else None,
    )

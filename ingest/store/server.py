"""``ServerBackend``: the index as a collection on a Qdrant server (or qdrant-client local mode).

``url`` (+ ``api_key``) talks to a server; ``location=":memory:"`` or ``path=<folder>`` use
qdrant-client's local mode (tests, small single-user setups). Every write waits for the server
to apply it (``wait=True``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as m

from ingest.errors import IndexError_, IndexLockedError
from ingest.model import SparseVector
from ingest.store import schema as s
from ingest.store.base import (
    RRF_K,
    UPSERT_BATCH,
    FusionKind,
    IndexPoint,
    Mode,
    Payload,
    PayloadSelect,
    ScoredPoint,
    Search,
    Vectors,
    named_vectors,
    plan_query,
)
from ingest.store.filters import Condition, Filter, HasId, IsEmpty, Match, MatchAny, Range

_SCROLL_PAGE = 512


class ServerBackend:
    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        location: str | None = None,
        path: str | None = None,
        collection: str = s.COLLECTION,
        client: QdrantClient | None = None,
    ) -> None:
        self.collection = collection
        self.where = url or path or location or "qdrant"
        if client is not None:
            self.client = client
        else:
            try:
                self.client = QdrantClient(url=url, api_key=api_key, location=location, path=path)
            except RuntimeError as exc:  # local mode: the folder is locked by another client
                if "already accessed" in str(exc):
                    raise IndexLockedError(
                        f"index at {path} is in use by another ctkb process (is the app running?)"
                    ) from exc
                raise IndexError_(f"cannot open index at {self.where}: {exc}") from exc
        self._exists: bool | None = None

    # --- schema -------------------------------------------------------------------------------
    def collection_exists(self) -> bool:
        if not self._exists:
            try:
                self._exists = self.client.collection_exists(self.collection)
            except Exception as exc:
                raise IndexError_(f"cannot reach Qdrant at {self.where}: {exc}") from exc
        return bool(self._exists)

    def create_collection(self, dim: int, latent_terms: bool = False) -> None:
        sparse = {s.SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)}
        if latent_terms:  # learned weights, L2-normalised: plain dot product
            sparse[s.LATENT] = m.SparseVectorParams()
        self.client.create_collection(
            self.collection,
            vectors_config={s.DENSE: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
            sparse_vectors_config=sparse,
        )
        self._exists = True

    def create_payload_indexes(self) -> None:
        types = [(k, m.PayloadSchemaType.KEYWORD) for k in s.KEYWORD_INDEXES]
        types += [(k, m.PayloadSchemaType.INTEGER) for k in s.INTEGER_INDEXES]
        with warnings.catch_warnings():  # local mode: "payload indexes have no effect"
            warnings.simplefilter("ignore", UserWarning)
            for key, schema in types:
                self.client.create_payload_index(self.collection, key, schema, wait=True)

    # --- writes -------------------------------------------------------------------------------
    def upsert(self, points: Sequence[IndexPoint]) -> None:
        for start in range(0, len(points), UPSERT_BATCH):
            batch = [_point(p) for p in points[start : start + UPSERT_BATCH]]
            self.client.upsert(self.collection, batch, wait=True)

    def delete(self, flt: Filter) -> None:
        selector = m.FilterSelector(filter=to_server(flt))
        self.client.delete(self.collection, selector, wait=True)

    def set_payload(self, flt: Filter, payload: Payload) -> None:
        self.client.set_payload(self.collection, payload, points=to_server(flt), wait=True)

    # --- reads --------------------------------------------------------------------------------
    def count(self, flt: Filter | None = None) -> int:
        return int(self.client.count(self.collection, count_filter=_opt(flt), exact=True).count)

    def scroll(
        self, flt: Filter | None = None, limit: int | None = None, with_payload: PayloadSelect = True
    ) -> Iterator[tuple[str, Payload]]:
        select: Any = with_payload if isinstance(with_payload, bool) else list(with_payload)
        offset: Any = None
        seen = 0
        while limit is None or seen < limit:
            page = _SCROLL_PAGE if limit is None else min(_SCROLL_PAGE, limit - seen)
            records, offset = self.client.scroll(
                self.collection,
                scroll_filter=_opt(flt),
                limit=page,
                offset=offset,
                with_payload=select,
                with_vectors=False,
            )
            for r in records:
                yield str(r.id), dict(r.payload or {})
            seen += len(records)
            if offset is None or not records:
                return

    def query(
        self,
        dense: Sequence[float] | None,
        sparse: SparseVector | None,
        flt: Filter | None,
        limit: int,
        mode: Mode = "hybrid",
        fusion: FusionKind = "rrf",
        prefetch_limit: int = 100,
        weights: Sequence[float] = (1.0, 1.0),
        latent: SparseVector | None = None,
    ) -> list[ScoredPoint]:
        searches = plan_query(dense, sparse, mode, fusion, weights, latent)
        if limit <= 0 or not searches:
            return []
        f = _opt(flt)
        if len(searches) == 1:
            (one,) = searches
            response = self.client.query_points(
                self.collection,
                query=_vector(one),
                using=one.using,
                query_filter=f,
                limit=limit,
                with_payload=True,
            )
        else:
            n = max(prefetch_limit, limit)
            prefetch = [m.Prefetch(query=_vector(q), using=q.using, filter=f, limit=n) for q in searches]
            fuse: Any = (
                m.RrfQuery(rrf=m.Rrf(k=RRF_K, weights=[q.weight for q in searches]))
                if fusion == "rrf"
                else m.FusionQuery(fusion=m.Fusion.DBSF)
            )
            response = self.client.query_points(
                self.collection, prefetch=prefetch, query=fuse, query_filter=f, limit=limit, with_payload=True
            )
        return [ScoredPoint(str(p.id), float(p.score), dict(p.payload or {})) for p in response.points]

    def facet(self, key: str, flt: Filter | None = None, limit: int = 1000) -> dict[str, int]:
        response = self.client.facet(self.collection, key, facet_filter=_opt(flt), limit=limit, exact=True)
        return {str(h.value): int(h.count) for h in response.hits}

    def retrieve(self, ids: Sequence[str]) -> list[tuple[str, Payload]]:
        records = self.client.retrieve(self.collection, list(ids), with_payload=True, with_vectors=False)
        return [(str(r.id), dict(r.payload or {})) for r in records]

    def point_vectors(self, ids: Sequence[str]) -> dict[str, Vectors]:
        records = self.client.retrieve(self.collection, list(ids), with_payload=False, with_vectors=True)
        return {str(r.id): named_vectors(r.vector) for r in records}

    def flush(self) -> None:
        """Nothing to do: the server persists every acknowledged write (``wait=True``)."""

    def optimize(self) -> bool:
        """Nothing to do: a Qdrant server optimises in the background; local mode always scans."""
        return False

    def close(self) -> None:
        self.client.close()


def _point(p: IndexPoint) -> m.PointStruct:
    vector: dict[str, Any] = {}
    if p.dense is not None:
        vector[s.DENSE] = [float(x) for x in p.dense]
    if p.sparse is not None and p.sparse.indices:
        vector[s.SPARSE] = m.SparseVector(indices=list(p.sparse.indices), values=list(p.sparse.values))
    if p.latent is not None and p.latent.indices:
        vector[s.LATENT] = m.SparseVector(indices=list(p.latent.indices), values=list(p.latent.values))
    return m.PointStruct(id=p.id, vector=vector, payload=p.payload)


def _vector(search: Search) -> Any:
    v = search.vector
    if isinstance(v, SparseVector):
        return m.SparseVector(indices=list(v.indices), values=list(v.values))
    return [float(x) for x in v]


def _opt(flt: Filter | None) -> m.Filter | None:
    return None if flt is None or flt.is_empty else to_server(flt)


def to_server(flt: Filter) -> m.Filter:
    return m.Filter(
        must=[_cond(c) for c in flt.must] or None,
        must_not=[_cond(c) for c in flt.must_not] or None,
        should=[_cond(c) for c in flt.should] or None,
    )


def _cond(c: Condition) -> Any:
    if isinstance(c, Filter):
        return to_server(c)
    if isinstance(c, Match):
        return m.FieldCondition(key=c.key, match=m.MatchValue(value=c.value))
    if isinstance(c, MatchAny):
        return m.FieldCondition(key=c.key, match=m.MatchAny(any=list(c.values)))  # type: ignore[arg-type]
    if isinstance(c, Range):
        if c.is_datetime:
            rng: Any = m.DatetimeRange(gte=c.gte, gt=c.gt, lte=c.lte, lt=c.lt)  # type: ignore[arg-type]
        else:
            rng = m.Range(gte=c.gte, gt=c.gt, lte=c.lte, lt=c.lt)  # type: ignore[arg-type]
        return m.FieldCondition(key=c.key, range=rng)
    if isinstance(c, IsEmpty):
        return m.IsEmptyCondition(is_empty=m.PayloadField(key=c.key))
    if isinstance(c, HasId):
        return m.HasIdCondition(has_id=list(c.ids))
    raise TypeError(f"unsupported filter condition: {c!r}")

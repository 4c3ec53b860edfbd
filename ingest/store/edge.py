"""``EdgeBackend``: the index as an embedded Qdrant Edge shard in one folder (the default).

The shard is single-process: its WAL is locked by the process that opened it, and a second
opener gets ``IndexLockedError``. Document and index-info records are stored without vectors
(Edge accepts points that lack some named vectors; they never match a vector search).

Durability: every update is appended to the WAL before ``update`` returns; the WAL is memory-mapped,
so a killed process (SIGKILL) loses nothing that returned, and the WAL is replayed on the next
load. ``flush()`` writes segments and truncates the WAL; it is what protects against power loss.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy
import qdrant_edge as qe

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

CONFIG_FILE = "edge_config.json"
_SCROLL_PAGE = 512


def _open_error(path: Path, exc: Exception) -> IndexError_:
    text = str(exc)
    if "WouldBlock" in text or "lock" in text.lower():
        return IndexLockedError(f"index at {path} is in use by another ctkb process (is the app running?)")
    return IndexError_(f"cannot open index at {path}: {text}")


class EdgeBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._shard: qe.EdgeShard | None = None
        self._dirty = False  # updates since the last flush (a clean flush still costs ~0.1 s)
        if (self.path / CONFIG_FILE).exists():
            try:
                self._shard = qe.EdgeShard.load(str(self.path))
            except Exception as exc:  # the bindings raise plain Exception
                raise _open_error(self.path, exc) from exc

    @property
    def shard(self) -> qe.EdgeShard:
        if self._shard is None:
            raise IndexError_(f"no index at {self.path} yet (nothing has been ingested)")
        return self._shard

    # --- schema -------------------------------------------------------------------------------
    def collection_exists(self) -> bool:
        return self._shard is not None

    def create_collection(self, dim: int, latent_terms: bool = False) -> None:
        sparse = {s.SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)}
        if latent_terms:  # learned weights, L2-normalised: plain dot product
            sparse[s.LATENT] = qe.EdgeSparseVectorParams()
        config = qe.EdgeConfig(
            vectors={s.DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors=sparse,
        )
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._shard = qe.EdgeShard.create(str(self.path), config)
            self._dirty = True
        except Exception as exc:
            raise _open_error(self.path, exc) from exc

    def create_payload_indexes(self) -> None:
        existing = set(self.shard.info().payload_schema)
        for key in s.KEYWORD_INDEXES:
            if key not in existing:
                self._update(qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Keyword))
        for key in s.INTEGER_INDEXES:
            if key not in existing:
                self._update(qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Integer))

    # --- writes -------------------------------------------------------------------------------
    def _update(self, op: qe.UpdateOperation) -> None:
        self._dirty = True
        self.shard.update(op)

    def upsert(self, points: Sequence[IndexPoint]) -> None:
        for start in range(0, len(points), UPSERT_BATCH):
            batch = [_point(p) for p in points[start : start + UPSERT_BATCH]]
            self._update(qe.UpdateOperation.upsert_points(batch))

    def delete(self, flt: Filter) -> None:
        self._update(qe.UpdateOperation.delete_points_by_filter(to_edge(flt)))

    def set_payload(self, flt: Filter, payload: Payload) -> None:
        self._update(qe.UpdateOperation.set_payload_by_filter(to_edge(flt), payload))

    # --- reads --------------------------------------------------------------------------------
    def count(self, flt: Filter | None = None) -> int:
        return int(self.shard.count(qe.CountRequest(exact=True, filter=_opt(flt))))

    def scroll(
        self, flt: Filter | None = None, limit: int | None = None, with_payload: PayloadSelect = True
    ) -> Iterator[tuple[str, Payload]]:
        selector = _payload_selector(with_payload)
        offset: Any = None
        seen = 0
        while limit is None or seen < limit:
            page = _SCROLL_PAGE if limit is None else min(_SCROLL_PAGE, limit - seen)
            request = qe.ScrollRequest(
                offset=offset, limit=page, filter=_opt(flt), with_payload=selector, with_vector=False
            )
            records, offset = self.shard.scroll(request)
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
            request = qe.QueryRequest(limit=limit, query=_nearest(searches[0]), filter=f, with_payload=True)
        else:
            n = max(prefetch_limit, limit)
            prefetches = [qe.Prefetch(limit=n, query=_nearest(q), filter=f) for q in searches]
            fuse: Any = (
                qe.Fusion.Rrf(k=RRF_K, weights=[q.weight for q in searches])
                if fusion == "rrf"
                else qe.Fusion.Dbsf()
            )
            request = qe.QueryRequest(
                limit=limit, query=fuse, prefetches=prefetches, filter=f, with_payload=True
            )
        return [
            ScoredPoint(str(p.id), float(p.score), dict(p.payload or {})) for p in self.shard.query(request)
        ]

    def facet(self, key: str, flt: Filter | None = None, limit: int = 1000) -> dict[str, int]:
        response = self.shard.facet(qe.FacetRequest(key, limit=limit, exact=True, filter=_opt(flt)))
        return {str(h.value): int(h.count) for h in response}

    def retrieve(self, ids: Sequence[str]) -> list[tuple[str, Payload]]:
        records = self.shard.retrieve(list(ids), with_payload=True, with_vector=False)
        return [(str(r.id), dict(r.payload or {})) for r in records]

    def point_vectors(self, ids: Sequence[str]) -> dict[str, Vectors]:
        records = self.shard.retrieve(list(ids), with_payload=False, with_vector=True)
        return {str(r.id): named_vectors(r.vector) for r in records}

    def flush(self) -> None:
        if self._shard is not None and self._dirty:
            self._shard.flush()
            self._dirty = False

    def optimize(self) -> bool:
        """Run Qdrant's segment optimizers now (merge small segments, build the HNSW index of a segment
        past the indexing threshold); True if anything changed. Edge has no background optimizer: without
        this, every search scans all vectors (100k provisions: hybrid p50 103 -> 38 ms once optimised)."""
        if self._shard is None:
            return False
        self.flush()
        changed = bool(self._shard.optimize())
        self._dirty = self._dirty or changed
        return changed

    def close(self) -> None:
        if self._shard is not None:
            self.flush()
            shard, self._shard = self._shard, None
            shard.close()


def _nearest(search: Search) -> Any:
    v = search.vector
    if isinstance(v, SparseVector):
        return qe.Query.Nearest(qe.SparseVector(list(v.indices), list(v.values)), using=search.using)
    return qe.Query.Nearest([float(x) for x in v], using=search.using)


def _point(p: IndexPoint) -> qe.Point:
    vector: dict[str, Any] = {}
    if p.dense is not None:
        vector[s.DENSE] = [float(x) for x in p.dense]
    if p.sparse is not None and p.sparse.indices:
        vector[s.SPARSE] = qe.SparseVector(list(p.sparse.indices), list(p.sparse.values))
    if p.latent is not None and p.latent.indices:
        vector[s.LATENT] = qe.SparseVector(list(p.latent.indices), list(p.latent.values))
    return qe.Point(p.id, vector, p.payload)


def _payload_selector(with_payload: PayloadSelect) -> Any:
    if isinstance(with_payload, bool):
        return with_payload
    return qe.PayloadSelector.Include(list(with_payload))


def _opt(flt: Filter | None) -> qe.Filter | None:
    return None if flt is None or flt.is_empty else to_edge(flt)


def to_edge(flt: Filter) -> qe.Filter:
    return qe.Filter(
        must=[_cond(c) for c in flt.must] or None,
        must_not=[_cond(c) for c in flt.must_not] or None,
        should=[_cond(c) for c in flt.should] or None,
    )


def _cond(c: Condition) -> Any:
    if isinstance(c, Filter):
        return to_edge(c)
    if isinstance(c, Match):
        # The bindings read a Python bool as the integer 1/0 (bool is an int), which never matches a
        # stored true/false; numpy's bool_ is not an int and arrives as a bool.
        value = numpy.bool_(c.value) if isinstance(c.value, bool) else c.value
        return qe.FieldCondition(c.key, match=qe.MatchValue(value))  # type: ignore[arg-type]
    if isinstance(c, MatchAny):
        return qe.FieldCondition(c.key, match=qe.MatchAny(list(c.values)))  # type: ignore[arg-type]
    if isinstance(c, Range):
        if c.is_datetime:
            rng: Any = qe.RangeDateTime(gte=_s(c.gte), gt=_s(c.gt), lte=_s(c.lte), lt=_s(c.lt))
        else:
            rng = qe.RangeFloat(gte=_f(c.gte), gt=_f(c.gt), lte=_f(c.lte), lt=_f(c.lt))
        return qe.FieldCondition(c.key, range=rng)
    if isinstance(c, IsEmpty):
        return qe.IsEmptyCondition(c.key)
    if isinstance(c, HasId):
        return qe.HasIdCondition(set(c.ids))
    raise TypeError(f"unsupported filter condition: {c!r}")


def _f(v: float | str | None) -> float | None:
    return None if v is None else float(v)


def _s(v: float | str | None) -> str | None:
    return None if v is None else str(v)

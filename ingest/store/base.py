"""The backend protocol: the handful of Qdrant operations ``DocumentIndex`` is built from.

Both backends (Qdrant Edge, qdrant-client) implement it with the same semantics; the contract
tests in ``tests/test_store_contract.py`` run on each. Every operation that returns has been
applied (``wait=True`` on the server; the Edge WAL on the embedded shard).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ingest.model import SparseVector
from ingest.store import schema as s_names
from ingest.store.filters import Filter

Mode = Literal["hybrid", "semantic", "keyword"]
FusionKind = Literal["rrf", "dbsf"]
Payload = dict[str, Any]
PayloadSelect = bool | Sequence[str]
# (dense, BM25, latent terms) of one point; None where the point has no such vector
Vectors = tuple[tuple[float, ...] | None, SparseVector | None, SparseVector | None]

# Qdrant's own default for reciprocal rank fusion: score = sum(weight / (k + rank)), rank from 0.
RRF_K = 2
UPSERT_BATCH = 256


@dataclass(frozen=True)
class IndexPoint:
    """One point to write; ``None`` vectors are left out (document and info records)."""

    id: str
    dense: tuple[float, ...] | None
    sparse: SparseVector | None
    payload: Payload
    latent: SparseVector | None = None  # latent terms (only in a collection created with them)


@dataclass(frozen=True)
class ScoredPoint:
    id: str
    score: float
    payload: Payload


class IndexBackend(Protocol):
    def collection_exists(self) -> bool: ...

    def create_collection(self, dim: int, latent_terms: bool = False) -> None: ...

    def create_payload_indexes(self) -> None: ...

    def upsert(self, points: Sequence[IndexPoint]) -> None: ...

    def delete(self, flt: Filter) -> None: ...

    def set_payload(self, flt: Filter, payload: Payload) -> None: ...

    def count(self, flt: Filter | None = None) -> int: ...

    def scroll(
        self, flt: Filter | None = None, limit: int | None = None, with_payload: PayloadSelect = True
    ) -> Iterator[tuple[str, Payload]]: ...

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
    ) -> list[ScoredPoint]: ...

    def facet(self, key: str, flt: Filter | None = None, limit: int = 1000) -> dict[str, int]: ...

    def retrieve(self, ids: Sequence[str]) -> list[tuple[str, Payload]]: ...

    def point_vectors(self, ids: Sequence[str]) -> dict[str, Vectors]: ...

    def flush(self) -> None: ...

    def optimize(self) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Search:
    """One search of a query: a named vector of the collection, the query vector, its RRF weight."""

    using: str
    vector: Sequence[float] | SparseVector
    weight: float


def plan_query(
    dense: Sequence[float] | None,
    sparse: SparseVector | None,
    mode: Mode,
    fusion: FusionKind,
    weights: Sequence[float] = (1.0, 1.0),
    latent: SparseVector | None = None,
) -> list[Search]:
    """The searches a query runs (fused when more than one). Raises on bad arguments.

    ``weights``: (dense, BM25[, latent]) RRF weights; latent terms weigh 1.0 unless given. Latent terms
    join hybrid queries only. A hybrid query with an empty sparse vector (no known term) degrades to
    semantic, and without a dense vector to keyword, so callers need not special-case either.
    """
    if mode not in ("hybrid", "semantic", "keyword"):
        raise ValueError(f"unknown query mode {mode!r} (hybrid, semantic or keyword)")
    if fusion not in ("rrf", "dbsf"):
        raise ValueError(f"unknown fusion {fusion!r} (rrf or dbsf)")
    w_dense, w_sparse, w_latent = (*weights, 1.0)[:3]
    out: list[Search] = []
    if dense is not None and len(dense) > 0 and mode != "keyword":
        out.append(Search(s_names.DENSE, dense, w_dense))
    elif mode == "semantic":
        raise ValueError("a semantic query needs a dense vector")
    if sparse is not None and sparse.indices and mode != "semantic":
        out.append(Search(s_names.SPARSE, sparse, w_sparse))
    if mode == "hybrid":
        if not out:
            raise ValueError("a hybrid query needs a dense or a sparse vector")
        if latent is not None and latent.indices:
            out.append(Search(s_names.LATENT, latent, w_latent))
    return out


def named_vectors(vector: Any) -> Vectors:
    """A point's named vectors as returned by either client (sparse ones have ``indices``/``values``)."""
    named = vector if isinstance(vector, dict) else {}

    def sparse(name: str) -> SparseVector | None:
        v = named.get(name)
        return None if v is None else SparseVector(tuple(v.indices), tuple(v.values))

    dense = named.get(s_names.DENSE)
    return (
        None if dense is None else tuple(float(x) for x in dense),
        sparse(s_names.SPARSE),
        sparse(s_names.LATENT),
    )

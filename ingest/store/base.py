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
from ingest.store.filters import Filter

Mode = Literal["hybrid", "semantic", "keyword"]
FusionKind = Literal["rrf", "dbsf"]
Payload = dict[str, Any]
PayloadSelect = bool | Sequence[str]
Vectors = tuple[tuple[float, ...] | None, SparseVector | None]  # (dense, sparse) of one point

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


@dataclass(frozen=True)
class ScoredPoint:
    id: str
    score: float
    payload: Payload


class IndexBackend(Protocol):
    def collection_exists(self) -> bool: ...

    def create_collection(self, dim: int) -> None: ...

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
        weights: tuple[float, float] = (1.0, 1.0),
    ) -> list[ScoredPoint]: ...

    def facet(self, key: str, flt: Filter | None = None, limit: int = 1000) -> dict[str, int]: ...

    def retrieve(self, ids: Sequence[str]) -> list[tuple[str, Payload]]: ...

    def point_vectors(self, ids: Sequence[str]) -> dict[str, Vectors]: ...

    def flush(self) -> None: ...

    def optimize(self) -> bool: ...

    def close(self) -> None: ...


def check_query(
    dense: Sequence[float] | None, sparse: SparseVector | None, mode: Mode, fusion: FusionKind
) -> tuple[bool, bool]:
    """Which of the two searches a query runs: (use dense, use sparse). Raises on bad arguments.

    A hybrid query with an empty sparse vector (no known term) degrades to semantic, and without a
    dense vector to keyword, so callers need not special-case either.
    """
    if mode not in ("hybrid", "semantic", "keyword"):
        raise ValueError(f"unknown query mode {mode!r} (hybrid, semantic or keyword)")
    if fusion not in ("rrf", "dbsf"):
        raise ValueError(f"unknown fusion {fusion!r} (rrf or dbsf)")
    has_dense = dense is not None and len(dense) > 0
    has_sparse = sparse is not None and len(sparse.indices) > 0
    if mode == "semantic":
        if not has_dense:
            raise ValueError("a semantic query needs a dense vector")
        return True, False
    if mode == "keyword":
        return False, has_sparse
    if not (has_dense or has_sparse):
        raise ValueError("a hybrid query needs a dense or a sparse vector")
    return has_dense, has_sparse

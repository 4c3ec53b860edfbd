"""The index contract (collection, vectors, payload keys) and its two backends.

``open_index`` picks the backend; ``DocumentIndex`` is the API the rest of ctkb uses.
See ``docs/ARCHITECTURE.md`` (protocol) and ``docs/INDEX_SCHEMA.md`` (payload schema).
"""

from __future__ import annotations

from pathlib import Path

from ingest.store.base import IndexBackend, IndexPoint
from ingest.store.filters import (
    Filter,
    HasId,
    IsEmpty,
    Match,
    MatchAny,
    Range,
    all_of,
    any_of,
    none_of,
    where,
)
from ingest.store.index import DocumentIndex, ScoredChunk
from ingest.store.schema import COLLECTION, DocumentRecord, IndexInfo, StoredChunk

__all__ = [
    "COLLECTION",
    "DocumentIndex",
    "DocumentRecord",
    "Filter",
    "HasId",
    "IndexBackend",
    "IndexInfo",
    "IndexPoint",
    "IsEmpty",
    "Match",
    "MatchAny",
    "Range",
    "ScoredChunk",
    "StoredChunk",
    "all_of",
    "any_of",
    "none_of",
    "open_index",
    "where",
]


def open_index(
    data_dir: Path | None = None,
    *,
    qdrant_url: str | None = None,
    qdrant_api_key: str | None = None,
    qdrant_location: str | None = None,
    qdrant_path: str | None = None,
    collection: str = COLLECTION,
) -> DocumentIndex:
    """The index: a Qdrant server/local-mode collection when one is named, else the Edge shard
    at ``<data_dir>/index``. Opening never creates anything; ``ensure`` does."""
    if qdrant_url or qdrant_location or qdrant_path:
        from ingest.store.server import ServerBackend

        backend: IndexBackend = ServerBackend(
            url=qdrant_url,
            api_key=qdrant_api_key,
            location=qdrant_location,
            path=qdrant_path,
            collection=collection,
        )
    else:
        if data_dir is None:
            raise ValueError("open_index needs a data_dir (or a Qdrant url/location/path)")
        from ingest.store.edge import EdgeBackend

        backend = EdgeBackend(Path(data_dir) / "index")
    return DocumentIndex(backend)

"""``ctkb similar DOC PROVISION``: the closest provisions of other documents, grouped by document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.filters import SearchFilters
from search.hits import group_chunks
from search.query import normalize_number

if TYPE_CHECKING:
    from search.engine import SearchEngine, SimilarGroup


def similar_provisions(
    engine: SearchEngine,
    doc_id: str,
    provision: str,
    *,
    top_k: int = 10,
    per_document: int = 3,
    mode: str = "hybrid",
    filters: SearchFilters | None = None,
) -> list[SimilarGroup]:
    """``provision`` is a provision id (``art_26``) or number (``26``, ``1593A``) of ``doc_id``."""
    from ingest.errors import CtkbError
    from search.engine import group_by_document

    stored = list(engine.index.chunks(doc_id))
    if not stored:
        raise CtkbError(f"no document '{doc_id}' in the index")
    key = normalize_number(provision)
    parts = [s for s in stored if s.chunk.provision_id == provision] or [
        s for s in stored if s.chunk.number and normalize_number(s.chunk.number) == key
    ]
    if not parts:
        raise CtkbError(f"document '{doc_id}' has no provision '{provision}'")
    pid = parts[0].chunk.provision_id
    parts = sorted((s for s in parts if s.chunk.provision_id == pid), key=lambda s: s.chunk.part)
    chunk = parts[0].chunk
    # The provision as a query: its heading and text (the first window the model reads).
    text = " ".join(p for p in (chunk.heading, " ".join(s.chunk.text for s in parts)) if p)
    language = parts[0].meta.language or None
    dense, sparse = engine.vectors(text[:2000], mode, language)
    latent = engine.latent_vector(text[:2000], mode)
    flt = (filters or SearchFilters()).to_filter(exclude_doc=doc_id)
    limit = top_k * per_document * engine.options.chunk_factor
    scored = engine._query(dense, sparse, mode, flt, limit, latent)
    hits = group_chunks(
        scored, chunk.heading or text[:200], limit=top_k * per_document, all_parts=engine._all_parts
    )
    return group_by_document(hits, per_document)[:top_k]

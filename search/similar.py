"""``ctkb similar DOC PROVISION``: the closest provisions of other documents, grouped by document.

In an index of several languages, one query ranks the provision's own language first: its BM25 terms
match only there, and the model scores texts of one language closer to each other. Five treaties held in
English and in Dutch (``bench/similar_languages.py``): for 94 of their 280 articles the same article of the
other language's version came first; for 186 an article of another document in the same language did. So
the query runs once per language of the index (the same vectors, each time filtered to that language's
documents) and the hits are merged by their fused scores, each language's best competing on equal terms:
the translation comes first for 191 of the 280 and is among the results for all of them (277 before).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

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
    by_language: bool = True,
) -> list[SimilarGroup]:
    """``provision`` is a provision id (``art_26``) or number (``26``, ``1593A``) of ``doc_id``.
    ``by_language``: one query per language of the index, merged (False: one query over all)."""
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
    limit = top_k * per_document * engine.options.chunk_factor
    base = filters or SearchFilters()
    strata = language_strata(engine.index.documents(), base) if by_language else [base]
    scored = sorted(
        (
            sc
            for stratum in strata
            for sc in engine._query(dense, sparse, mode, stratum.to_filter(exclude_doc=doc_id), limit, latent)
        ),
        key=lambda sc: -sc.score,
    )
    hits = group_chunks(
        scored, chunk.heading or text[:200], limit=top_k * per_document, all_parts=engine._all_parts
    )
    return group_by_document(hits, per_document)[:top_k]


def language_strata(documents: Iterable[Any], filters: SearchFilters) -> list[SearchFilters]:
    """``filters`` narrowed to the documents of each language in turn (documents without a language form
    a group of their own); just ``filters`` where the index holds one language."""
    groups: dict[str, list[str]] = {}
    for record in documents:
        meta = getattr(record, "meta", record)
        if not filters.doc_ids or meta.doc_id in filters.doc_ids:
            groups.setdefault(meta.language or "", []).append(meta.doc_id)
    if len(groups) < 2:
        return [filters]
    return [replace(filters, doc_ids=tuple(ids)) for _, ids in sorted(groups.items())]

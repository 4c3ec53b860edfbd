"""``DocumentIndex``: the high-level index API every other package uses.

It owns the protocol from ``docs/ARCHITECTURE.md``: one atomic replace per document (pending
points, delete the old, commit the new) and ``recover()`` after a crash. Reads only ever see
committed chunks; callers' filters are always combined with ``record == chunk`` and
``state == committed`` here, never by the callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.errors import IndexError_, ModelMismatchError
from ingest.model import DocumentMeta, EmbeddedChunk, PageBreaks, SparseVector
from ingest.store import schema as s
from ingest.store.base import FusionKind, IndexBackend, IndexPoint, Mode
from ingest.store.filters import Filter, HasId, IsEmpty, Match, all_of
from ingest.store.schema import DocumentRecord, IndexInfo, StoredChunk

COMMITTED_CHUNKS = Filter(must=[Match(s.RECORD, s.CHUNK), Match(s.STATE, s.COMMITTED)])
COMMITTED_DOCUMENTS = Filter(must=[Match(s.RECORD, s.DOCUMENT), Match(s.STATE, s.COMMITTED)])
_INFO = Filter(must=[Match(s.RECORD, s.INDEX_INFO)])
_PENDING = Filter(must=[Match(s.STATE, s.PENDING)])


@dataclass(frozen=True)
class ScoredChunk:
    stored: StoredChunk
    score: float


class DocumentIndex:
    def __init__(self, backend: IndexBackend) -> None:
        self.backend = backend

    # --- model / schema -----------------------------------------------------------------------
    def info(self) -> IndexInfo | None:
        if not self.backend.collection_exists():
            return None
        for _, payload in self.backend.scroll(_INFO, limit=1):
            return s.index_info_from_payload(payload)
        return None

    def ensure(self, model_id: str, dim: int, latent_terms: bool = False) -> None:
        """Create the index for this model, or check that the existing one was built with it.

        ``latent_terms``: a new index gets the ``latent`` vector; an existing one keeps what it has
        (an index made before latent terms keeps working without them, see :attr:`IndexInfo.latent_terms`).
        """
        if dim <= 0:
            raise ValueError(f"dimension must be positive, got {dim}")
        if not self.backend.collection_exists():
            self.backend.create_collection(dim, latent_terms)
        info = self.info()
        if info is None:  # new, or created by a run killed before it wrote the info record
            self.backend.create_payload_indexes()  # idempotent; completes a half-created index
            info = IndexInfo(model_id, dim, latent_terms=latent_terms)
            self.backend.upsert([IndexPoint(s.INFO_POINT_ID, None, None, s.info_payload(info))])
            self.backend.flush()
            return
        if info.schema_version > s.SCHEMA_VERSION:
            raise IndexError_(
                f"index schema version {info.schema_version} is newer than this ctkb "
                f"({s.SCHEMA_VERSION}); upgrade ctkb"
            )
        if info.schema_version < s.SCHEMA_VERSION:  # its vectors embed other text: no mixing either
            raise IndexError_(
                f"index was built by an older ctkb (schema {info.schema_version}, now {s.SCHEMA_VERSION}) "
                "whose vectors embed different text; build a new index (an empty --data-dir / "
                "CTKB_DATA_DIR, or delete the old one) and ingest again"
            )
        if info.model_id != model_id or info.dim != dim:
            raise ModelMismatchError(
                f"index was built with model {info.model_id} (dim {info.dim}); re-index to use {model_id}"
            )

    # --- documents ----------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> DocumentRecord | None:
        return self._one_document(Match(s.DOC_ID, doc_id))

    def find_by_sha256(self, sha: str) -> DocumentRecord | None:
        return self._one_document(Match(s.SHA256, sha)) if sha else None

    def _one_document(self, cond: Match) -> DocumentRecord | None:
        if not self.backend.collection_exists():
            return None
        for _, payload in self.backend.scroll(all_of(COMMITTED_DOCUMENTS, cond), limit=1):
            return s.document_record_from_payload(payload)
        return None

    def documents(self) -> list[DocumentRecord]:
        """Every committed document, sorted by title (then id)."""
        if not self.backend.collection_exists():
            return []
        records = [s.document_record_from_payload(p) for _, p in self.backend.scroll(COMMITTED_DOCUMENTS)]
        return sorted(records, key=lambda r: (r.meta.title.casefold(), r.meta.doc_id))

    def chunks(self, doc_id: str) -> list[StoredChunk]:
        """A document's committed chunks in document order (ordinal, then part)."""
        if not self.backend.collection_exists():
            return []
        flt = all_of(COMMITTED_CHUNKS, Match(s.DOC_ID, doc_id))
        stored = [s.stored_chunk_from_payload(pid, p) for pid, p in self.backend.scroll(flt)]
        return sorted(stored, key=lambda c: (c.chunk.ordinal, c.chunk.part, c.chunk.provision_id))

    def replace_document(self, meta: DocumentMeta, provisions: int, chunks: Sequence[EmbeddedChunk]) -> None:
        """Atomically replace everything stored for ``meta.doc_id`` by these chunks.

        A reader (and a crash at any moment) sees the document either fully old or fully new.
        Writing identical content again is a no-op.
        """
        info = self._require_info()
        for ec in chunks:
            if len(ec.dense) != info.dim:
                raise ValueError(
                    f"{meta.doc_id}: chunk {ec.chunk.provision_id} has a {len(ec.dense)}-d vector; "
                    f"the index expects {info.dim}"
                )
        run = s.run_id(meta, provisions, chunks)
        current = self._committed_run(meta.doc_id)
        if current == run:
            return
        points = self.pending_points(meta, provisions, chunks, run)
        doc = Match(s.DOC_ID, meta.doc_id)
        # Left-overs of an earlier interrupted write of this document (when recover() was not run).
        self.backend.delete(all_of(doc, Match(s.STATE, s.PENDING)))
        try:
            self.backend.upsert(points)  # 1. new points, pending
        except BaseException:
            self._discard_run(run)
            raise
        self.backend.delete(all_of(doc, Match(s.STATE, s.COMMITTED)))  # 2. old points gone
        self.backend.set_payload(_run_filter(run), {s.STATE: s.COMMITTED})  # 3. new points visible

    def pending_points(
        self, meta: DocumentMeta, provisions: int, chunks: Sequence[EmbeddedChunk], run: str
    ) -> list[IndexPoint]:
        """Step 1's points (chunks then the document record), all ``pending`` in run ``run``."""
        n = len(chunks) + 1
        points = [
            IndexPoint(
                s.chunk_point_id(meta.doc_id, run, i),
                tuple(ec.dense),
                ec.sparse,
                s.chunk_payload(meta, ec.chunk, run=run, run_points=n),
                ec.latent,
            )
            for i, ec in enumerate(chunks)
        ]
        payload = s.document_payload(meta, provisions, len(chunks), run=run, run_points=n)
        points.append(IndexPoint(s.document_point_id(meta.doc_id, run), None, None, payload))
        return points

    def set_parser_revision(self, doc_id: str, revision: int) -> None:
        """Record that the current parser makes exactly the provisions stored for ``doc_id``."""
        flt = all_of(Match(s.DOC_ID, doc_id), Match(s.STATE, s.COMMITTED))
        self.backend.set_payload(flt, {s.PARSER_REVISION: revision})

    def set_pages(self, pages: dict[str, tuple[int, int, PageBreaks]]) -> None:
        """Store the pages of chunks already written (point id → page_start, page_end, breaks): what an
        index gains when the same provisions, parsed again, are placed on other pages (page breaks kept
        since parser revision 17; no page for a source without fixed pages since revision 19)."""
        for point_id, (start, end, breaks) in pages.items():
            self.backend.set_payload(
                Filter(must=[HasId([point_id])]),
                {s.PAGE_START: start, s.PAGE_END: end, s.PAGE_BREAKS: s.breaks_payload(breaks)},
            )

    def remove_document(self, doc_id: str) -> bool:
        """Delete every point of a document (one operation); False if there was none."""
        if not self.backend.collection_exists():
            return False
        flt = Filter(must=[Match(s.DOC_ID, doc_id)])
        if self.backend.count(flt) == 0:
            return False
        self.backend.delete(flt)
        return True

    def recover(self) -> list[str]:
        """Finish or undo writes interrupted by a crash; one line per document touched.

        A complete pending run (all ``run_points`` written) of a document with no committed points
        is committed (the crash came after step 2); any other pending point is deleted (the crash
        came before step 2, so the old version is still there, or the run is incomplete).
        """
        if not self.backend.collection_exists():
            return []
        runs: dict[str, tuple[str, int, int]] = {}
        for _, p in self.backend.scroll(_PENDING, with_payload=[s.RUN, s.RUN_POINTS, s.DOC_ID]):
            run = str(p.get(s.RUN, ""))
            doc_id, expected, seen = runs.get(
                run, (str(p.get(s.DOC_ID, "")), int(p.get(s.RUN_POINTS) or 0), 0)
            )
            runs[run] = (doc_id, expected, seen + 1)
        notes: list[str] = []
        for run, (doc_id, expected, seen) in sorted(runs.items(), key=lambda kv: kv[1][0]):
            committed = self.backend.count(all_of(Match(s.DOC_ID, doc_id), Match(s.STATE, s.COMMITTED)))
            if run and seen == expected and committed == 0:
                self.backend.set_payload(_run_filter(run), {s.STATE: s.COMMITTED})
                notes.append(f"{doc_id}: completed an interrupted update ({seen} points)")
            else:
                self._discard_run(run)
                why = "kept the previous version" if committed else "not written before"
                notes.append(f"{doc_id}: discarded an interrupted update ({seen}/{expected} points; {why})")
        if notes:
            self.backend.flush()
        return notes

    # --- search -------------------------------------------------------------------------------
    def query(
        self,
        dense: Sequence[float] | None,
        sparse: SparseVector | None,
        *,
        mode: Mode = "hybrid",
        flt: Filter | None = None,
        limit: int = 10,
        fusion: FusionKind = "rrf",
        prefetch_limit: int = 100,
        weights: Sequence[float] = (1.0, 1.0),
        latent: SparseVector | None = None,
    ) -> list[ScoredChunk]:
        """Best committed chunks for a query, best first (one fused Qdrant query in hybrid mode).

        ``weights`` are the (dense, BM25[, latent]) weights of reciprocal rank fusion; ``latent`` (latent
        terms) joins a hybrid query where the index has them."""
        if limit <= 0 or not self.backend.collection_exists():
            return []
        hits = self.backend.query(
            dense,
            sparse,
            all_of(COMMITTED_CHUNKS, flt),
            limit,
            mode,
            fusion,
            prefetch_limit,
            weights,
            latent,
        )
        return [ScoredChunk(s.stored_chunk_from_payload(h.id, h.payload), h.score) for h in hits]

    def facets(self, key: str, flt: Filter | None = None, *, documents: bool = False) -> dict[str, int]:
        """Value -> number of committed chunks (or documents) with it; empty values are left out."""
        if not self.backend.collection_exists():
            return {}
        base = COMMITTED_DOCUMENTS if documents else COMMITTED_CHUNKS
        counts = self.backend.facet(key, all_of(base, flt))
        return {value: n for value, n in counts.items() if value not in ("", "None")}

    def vectors(self, point_ids: Sequence[str]) -> dict[str, tuple[float, ...]]:
        """Dense vectors of stored chunks (e.g. to align two versions without re-embedding)."""
        found = self.backend.point_vectors(point_ids) if point_ids else {}
        return {pid: dense for pid, (dense, _, _) in found.items() if dense is not None}

    def sparse_vectors(self, point_ids: Sequence[str]) -> dict[str, SparseVector]:
        """BM25 vectors of stored chunks (to tell whether they were made by the current analysis)."""
        found = self.backend.point_vectors(point_ids) if point_ids else {}
        return {pid: sparse for pid, (_, sparse, _) in found.items() if sparse is not None}

    def latent_vectors(self, point_ids: Sequence[str]) -> dict[str, SparseVector]:
        """Latent-term vectors of stored chunks (none in an index without latent terms)."""
        found = self.backend.point_vectors(point_ids) if point_ids else {}
        return {pid: latent for pid, (_, _, latent) in found.items() if latent is not None}

    def count_points(self) -> int:
        """Every point in the collection (chunks, document records, info, pending)."""
        return self.backend.count(None) if self.backend.collection_exists() else 0

    def flush(self) -> None:
        self.backend.flush()

    def optimize(self) -> bool:
        """Let the engine merge segments and build its vector index now (after an ingest run)."""
        return self.backend.optimize()

    def close(self) -> None:
        self.backend.close()

    # --- internals ----------------------------------------------------------------------------
    def _require_info(self) -> IndexInfo:
        info = self.info()
        if info is None:
            raise IndexError_("the index has no model yet: call ensure(model_id, dim) first")
        return info

    def _committed_run(self, doc_id: str) -> str | None:
        flt = all_of(COMMITTED_DOCUMENTS, Match(s.DOC_ID, doc_id))
        for _, p in self.backend.scroll(flt, limit=1, with_payload=[s.RUN]):
            return str(p.get(s.RUN, ""))
        return None

    def _discard_run(self, run: str) -> None:
        if run:
            self.backend.delete(_run_filter(run))
        else:  # pending points without a run id cannot be completed
            self.backend.delete(all_of(_PENDING, IsEmpty(s.RUN)))


def _run_filter(run: str) -> Filter:
    return Filter(must=[Match(s.RUN, run)])

"""The index schema: vector names, payload keys and values, point ids, payload <-> model.

This is the only module that spells payload keys. Readers (``search/``, the app, users querying
the collection directly, see ``docs/INDEX_SCHEMA.md``) rely on exactly these names.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.model import Chunk, DocumentMeta, EmbeddedChunk, PageBreaks

COLLECTION = "ctkb"
DENSE = "dense"
SPARSE = "bm25"
LATENT = "latent"  # latent terms (ingest/latent_terms.py): only in indexes created with them
# 2: the dense side embeds "label – heading" + text (no title/path); BM25 keeps the whole breadcrumb.
SCHEMA_VERSION = 2

# --- payload keys ----------------------------------------------------------------------------
RECORD = "record"
STATE = "state"
RUN = "run"
RUN_POINTS = "run_points"
DOC_ID = "doc_id"
TITLE = "title"
SOURCE = "source"
SHA256 = "sha256"
JURISDICTION = "jurisdiction"
DOC_TYPE = "doc_type"
LANGUAGE = "language"
YEAR = "year"
STATUS = "status"
VERSION = "version"
WORK = "work"
PAGES = "pages"
OCR_PAGES = "ocr_pages"
PARSER_REVISION = "parser_revision"
PROVISIONS = "provisions"
CHUNKS = "chunks"
PROVISION_ID = "provision_id"
ORDINAL = "ordinal"
KIND = "kind"
NUMBER = "number"
LABEL = "label"
HEADING = "heading"
PATH = "path"
PAGE_START = "page_start"
PAGE_END = "page_end"
PAGE_BREAKS = "page_breaks"  # [[offset, page], …] in the chunk's text; absent within one page
PART = "part"
PARTS = "parts"
TEXT = "text"
MODEL_ID = "model_id"
DIM = "dim"
SCHEMA_VERSION_KEY = "schema_version"
LATENT_TERMS = "latent_terms"
HAYSTACK_ID = "haystack_id"  # original id of a document written through CtkbDocumentStore

# --- payload values --------------------------------------------------------------------------
CHUNK = "chunk"
DOCUMENT = "document"
INDEX_INFO = "index_info"
PENDING = "pending"
COMMITTED = "committed"

# DocumentMeta fields, in payload order (the payload key is the field name).
META_KEYS: tuple[str, ...] = (DOC_ID, TITLE, SOURCE, SHA256, JURISDICTION, DOC_TYPE, LANGUAGE, YEAR)
META_KEYS += (STATUS, VERSION, WORK, PAGES, OCR_PAGES, PARSER_REVISION)

KEYWORD_INDEXES: tuple[str, ...] = (
    RECORD,
    STATE,
    RUN,
    DOC_ID,
    SHA256,
    JURISDICTION,
    DOC_TYPE,
    LANGUAGE,
    STATUS,
)
KEYWORD_INDEXES += (NUMBER, PROVISION_ID, WORK)
INTEGER_INDEXES = (YEAR, ORDINAL)

# Fixed namespace so ids are the same on every machine and in every version of ctkb.
NAMESPACE = uuid.UUID("6f1c3c52-7d0e-5b8a-9f0e-2a4d1c0b7e11")
INFO_POINT_ID = str(uuid.uuid5(NAMESPACE, "index_info"))


@dataclass(frozen=True)
class IndexInfo:
    """What the index was built with (the ``index_info`` record)."""

    model_id: str
    dim: int
    schema_version: int = SCHEMA_VERSION
    latent_terms: bool = False  # the collection has the ``latent`` sparse vector (fixed at creation)


@dataclass(frozen=True)
class DocumentRecord:
    """One indexed document: its metadata and how many provisions/chunks it has."""

    meta: DocumentMeta
    provisions: int
    chunks: int


@dataclass(frozen=True)
class StoredChunk:
    """A committed chunk read back from the index (``chunk.embed_text`` is not stored: "")."""

    point_id: str
    meta: DocumentMeta
    chunk: Chunk


# --- ids -------------------------------------------------------------------------------------
def run_id(meta: DocumentMeta, provisions: int, chunks: Sequence[EmbeddedChunk]) -> str:
    """Fingerprint of one write of a document: same input (metadata, chunks, vectors) -> same run.

    Writing identical content again is then recognisable (the committed document record already
    carries this run) and becomes a no-op; any difference gives a new run, so the new points never
    overwrite the committed ones they replace.
    """
    h = hashlib.sha256()
    h.update(f"v{SCHEMA_VERSION}\0{provisions}\0".encode())
    h.update(repr(meta_payload(meta)).encode())
    for ec in chunks:
        c = ec.chunk
        fields = (c.provision_id, c.ordinal, c.kind, c.number, c.label, c.heading, c.path)
        stored = (fields, c.page_start, c.page_end, c.text, c.embed_text, c.keyword_text, c.part, c.parts)
        h.update(repr((*stored, c.page_breaks) if c.page_breaks else stored).encode())
        h.update(struct.pack(f"<{len(ec.dense)}f", *ec.dense))
        h.update(struct.pack(f"<{len(ec.sparse.indices)}I", *ec.sparse.indices))
        h.update(struct.pack(f"<{len(ec.sparse.values)}f", *ec.sparse.values))
        if ec.latent is not None:
            h.update(struct.pack(f"<{len(ec.latent.indices)}I", *ec.latent.indices))
            h.update(struct.pack(f"<{len(ec.latent.values)}f", *ec.latent.values))
    return str(uuid.uuid5(NAMESPACE, f"{meta.doc_id}\0{h.hexdigest()}"))


def chunk_point_id(doc_id: str, run: str, position: int) -> str:
    """Id of the chunk at ``position`` (in the written sequence) of one run of a document."""
    return str(uuid.uuid5(NAMESPACE, f"{doc_id}\0{run}\0chunk\0{position}"))


def document_point_id(doc_id: str, run: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{doc_id}\0{run}\0document"))


# --- payloads --------------------------------------------------------------------------------
def meta_payload(meta: DocumentMeta) -> dict[str, Any]:
    return {key: getattr(meta, key) for key in META_KEYS}


def _run_fields(run: str, run_points: int, state: str) -> dict[str, Any]:
    return {STATE: state, RUN: run, RUN_POINTS: run_points}


def chunk_payload(
    meta: DocumentMeta, chunk: Chunk, *, run: str, run_points: int, state: str = PENDING
) -> dict[str, Any]:
    return {
        RECORD: CHUNK,
        **_run_fields(run, run_points, state),
        **meta_payload(meta),
        PROVISION_ID: chunk.provision_id,
        ORDINAL: chunk.ordinal,
        KIND: chunk.kind,
        NUMBER: chunk.number,
        LABEL: chunk.label,
        HEADING: chunk.heading,
        PATH: list(chunk.path),
        PAGE_START: chunk.page_start,
        PAGE_END: chunk.page_end,
        PART: chunk.part,
        PARTS: chunk.parts,
        TEXT: chunk.text,
        **({PAGE_BREAKS: breaks_payload(chunk.page_breaks)} if chunk.page_breaks else {}),
    }


def breaks_payload(breaks: PageBreaks) -> list[list[int]]:
    return [[at, page] for at, page in breaks]


def document_payload(
    meta: DocumentMeta,
    provisions: int,
    chunks: int,
    *,
    run: str,
    run_points: int,
    state: str = PENDING,
) -> dict[str, Any]:
    return {
        RECORD: DOCUMENT,
        **_run_fields(run, run_points, state),
        **meta_payload(meta),
        PROVISIONS: provisions,
        CHUNKS: chunks,
    }


def info_payload(info: IndexInfo) -> dict[str, Any]:
    return {
        RECORD: INDEX_INFO,
        STATE: COMMITTED,
        MODEL_ID: info.model_id,
        DIM: info.dim,
        SCHEMA_VERSION_KEY: info.schema_version,
        LATENT_TERMS: info.latent_terms,
    }


def meta_from_payload(p: Mapping[str, Any]) -> DocumentMeta:
    year = p.get(YEAR)
    return DocumentMeta(
        doc_id=str(p.get(DOC_ID, "")),
        title=str(p.get(TITLE) or ""),
        source=str(p.get(SOURCE) or ""),
        sha256=str(p.get(SHA256) or ""),
        jurisdiction=str(p.get(JURISDICTION) or ""),
        doc_type=str(p.get(DOC_TYPE) or ""),
        language=str(p.get(LANGUAGE) or ""),
        year=None if year is None else int(year),
        status=str(p.get(STATUS) or ""),
        version=str(p.get(VERSION) or ""),
        work=str(p.get(WORK) or ""),
        pages=int(p.get(PAGES) or 0),
        ocr_pages=int(p.get(OCR_PAGES) or 0),  # absent from indexes written before OCR: none
        parser_revision=int(p.get(PARSER_REVISION, 1)),  # absent: written before revisions, i.e. 1
    )


def stored_chunk_from_payload(point_id: str, p: Mapping[str, Any]) -> StoredChunk:
    chunk = Chunk(
        provision_id=str(p.get(PROVISION_ID, "")),
        ordinal=int(p.get(ORDINAL) or 0),
        kind=str(p.get(KIND) or ""),
        number=str(p.get(NUMBER) or ""),
        label=str(p.get(LABEL) or ""),
        heading=str(p.get(HEADING) or ""),
        path=tuple(str(x) for x in p.get(PATH) or ()),
        page_start=int(p.get(PAGE_START) or 0),
        page_end=int(p.get(PAGE_END) or 0),
        text=str(p.get(TEXT) or ""),
        embed_text="",
        part=int(p.get(PART) or 0),
        parts=int(p.get(PARTS) or 1),
        page_breaks=tuple((int(at), int(page)) for at, page in p.get(PAGE_BREAKS) or ()),
    )
    return StoredChunk(point_id=point_id, meta=meta_from_payload(p), chunk=chunk)


def document_record_from_payload(p: Mapping[str, Any]) -> DocumentRecord:
    return DocumentRecord(
        meta=meta_from_payload(p),
        provisions=int(p.get(PROVISIONS) or 0),
        chunks=int(p.get(CHUNKS) or 0),
    )


def index_info_from_payload(p: Mapping[str, Any]) -> IndexInfo:
    return IndexInfo(
        model_id=str(p.get(MODEL_ID, "")),
        dim=int(p.get(DIM) or 0),
        schema_version=int(p.get(SCHEMA_VERSION_KEY) or 0),
        latent_terms=bool(p.get(LATENT_TERMS, False)),
    )

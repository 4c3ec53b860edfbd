"""Haystack components: thin adapters around ctkb's pure stages.

Each ``__init__`` is cheap; heavy state (models, the index) is passed in or loaded in ``warm_up``.
Chunks travel between components as Haystack ``Document``s whose ``meta["ctkb_chunk"]`` holds the
typed :class:`~ingest.model.Chunk`, so nothing is flattened into dict soup on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Document, component
from haystack.dataclasses import SparseEmbedding

from ingest.chunking import chunk_document
from ingest.clean import clean_pages
from ingest.metadata import LanguageDetector, MetadataOverrides, build_meta, infer_language
from ingest.model import EmbeddedChunk, LegalDocument, PageText, SparseVector, TrackedView, without_pages
from ingest.ocr import OcrOptions, OnPage, ReadContext, ocr_warning
from ingest.readers import has_fixed_pages, read_pages, tracked_changes_warning
from ingest.structure import parse_document

CHUNK_KEY = "ctkb_chunk"
LATENT_KEY = "ctkb_latent"  # a Document has one sparse_embedding (BM25): latent terms travel in meta


@component
class FileReader:
    """read: a source file (PDF, TXT, MD, DOCX) into page texts; a scanned PDF by OCR.

    ``on_page`` (set by the parse worker) hears of each page read by OCR, so that a long scan is not
    mistaken for a file that hangs. ``detector`` gives the language detector OCR may need (the parse
    pipeline passes the structure parser's, so that one is loaded, not two).
    """

    def __init__(self, detector: Callable[[], LanguageDetector] | None = None) -> None:
        self.on_page: OnPage | None = None
        self._detector = detector or StructureParser().detector

    @component.output_types(pages=list[PageText])
    def run(
        self, path: str, ocr: OcrOptions | None = None, sha256: str = "", tracked: TrackedView = "accepted"
    ) -> dict[str, Any]:
        context = ReadContext(
            ocr=ocr or OcrOptions(), detect=self._detect, on_page=self.on_page, sha256=sha256, tracked=tracked
        )
        return {"pages": read_pages(Path(path), context)}

    def _detect(self, text: str) -> str:
        """The language of a scanned page's first reading (the detector loads only when OCR needs it)."""
        return infer_language(text, self._detector())


@component
class PageCleaner:
    """clean: running headers/footers, hyphenation, ligatures, TOC leaders, NFC."""

    @component.output_types(pages=list[PageText])
    def run(self, pages: list[PageText]) -> dict[str, Any]:
        return {"pages": clean_pages(pages)}


@component
class StructureParser:
    """parse: metadata (explicit values first, then inference) and the provision tree."""

    def __init__(self) -> None:
        self._detector: LanguageDetector | None = None

    def warm_up(self) -> None:
        self.detector()

    def detector(self) -> LanguageDetector:
        """The language detector, loaded on first use."""
        if self._detector is None:
            self._detector = LanguageDetector()
        return self._detector

    @component.output_types(document=LegalDocument)
    def run(
        self,
        pages: list[PageText],
        path: str,
        sha256: str,
        given: MetadataOverrides,
        tracked: TrackedView = "accepted",
    ) -> dict[str, Any]:
        self.warm_up()
        meta = build_meta(path=Path(path), sha256=sha256, pages=pages, given=given, detector=self._detector)
        document = parse_document(pages, meta)
        if not has_fixed_pages(Path(path), pages):
            document = without_pages(document)  # no page a reader could check: none is cited
        for note in (ocr_warning(pages), tracked_changes_warning(pages, tracked)):
            if note:
                document = replace(document, warnings=(note, *document.warnings))
        return {"document": document}


@component
class ProvisionChunker:
    """chunk: one Haystack Document per provision (or per part of a long provision)."""

    def __init__(self, max_tokens: int, count_tokens: Any) -> None:
        self.max_tokens = max_tokens
        self.count_tokens = count_tokens

    @component.output_types(documents=list[Document])
    def run(self, document: LegalDocument) -> dict[str, Any]:
        chunks = chunk_document(document, self.max_tokens, self.count_tokens)
        docs = [
            Document(content=c.embed_text, meta={CHUNK_KEY: c, "language": document.meta.language})
            for c in chunks
        ]
        return {"documents": docs}


@component
class Bm25SparseEmbedder:
    """sparse: BM25 term weights with the document language's stemmer (qdrant_edge.Bm25)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        if not documents:
            return {"documents": []}
        language = str(documents[0].meta.get("language") or "")
        vectors = self.encoder.encode_passages([d.meta[CHUNK_KEY].bm25_text for d in documents], language)
        out = [
            replace(doc, sparse_embedding=SparseEmbedding(indices=list(vec.indices), values=list(vec.values)))
            for doc, vec in zip(documents, vectors, strict=True)
        ]
        return {"documents": out}


@component
class DenseLatentEmbedder:
    """dense + latent: for an index with latent terms, one pass of the model per chunk gives both its dense
    vector (what the sentence-transformers document embedder gives) and its latent terms
    (ingest/latent_terms.py)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def warm_up(self) -> None:
        self.encoder.warm_up()

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        encoded = self.encoder.encode_passages([d.content or "" for d in documents])
        out = [
            replace(d, embedding=list(e.dense), meta={**d.meta, LATENT_KEY: e.latent})
            for d, e in zip(documents, encoded, strict=True)
        ]
        return {"documents": out}


@component
class ProvisionWriter:
    """write: replace the document's points in the index in one atomic step."""

    def __init__(self, index: Any) -> None:
        self.index = index

    @component.output_types(written=int)
    def run(self, documents: list[Document], document: LegalDocument) -> dict[str, Any]:
        embedded = [
            EmbeddedChunk(
                chunk=d.meta[CHUNK_KEY],
                dense=tuple(float(x) for x in (d.embedding or ())),
                sparse=SparseVector(
                    tuple(d.sparse_embedding.indices) if d.sparse_embedding else (),
                    tuple(d.sparse_embedding.values) if d.sparse_embedding else (),
                ),
                latent=d.meta.get(LATENT_KEY),
            )
            for d in documents
        ]
        self.index.replace_document(document.meta, len(document.numbered_units()), embedded)
        return {"written": len(embedded)}

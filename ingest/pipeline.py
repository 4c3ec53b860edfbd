"""The two Haystack pipelines of ingestion.

* parse pipeline: read → clean → parse structure (runs in a worker process with a time limit);
* index pipeline: provision chunks → dense embedding (and latent terms, same pass) → BM25 sparse → write
  (main process, model warm).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from haystack import Pipeline

from ingest.components import (
    Bm25SparseEmbedder,
    FileReader,
    PageCleaner,
    ProvisionChunker,
    ProvisionWriter,
    StructureParser,
)
from ingest.metadata import MetadataOverrides
from ingest.model import LegalDocument, TrackedView
from ingest.ocr import OcrOptions


def build_parse_pipeline() -> Pipeline:
    pipe = Pipeline()
    parser = StructureParser()
    pipe.add_component("reader", FileReader(detector=parser.detector))  # one language detector for both
    pipe.add_component("cleaner", PageCleaner())
    pipe.add_component("parser", parser)
    pipe.connect("reader.pages", "cleaner.pages")
    pipe.connect("cleaner.pages", "parser.pages")
    return pipe


def run_parse_pipeline(
    pipe: Pipeline,
    path: Path,
    sha256: str,
    given: MetadataOverrides,
    ocr: OcrOptions | None = None,
    tracked: TrackedView = "accepted",
) -> LegalDocument:
    """``ocr``: how a scanned PDF is read; the document's language, when given, is the OCR language.
    ``tracked``: how a Word file's tracked changes are read."""
    ocr = replace(ocr or OcrOptions(), language=given.language or None)
    result = pipe.run(
        {
            "reader": {"path": str(path), "ocr": ocr, "sha256": sha256, "tracked": tracked},
            "parser": {"path": str(path), "sha256": sha256, "given": given, "tracked": tracked},
        }
    )
    document: LegalDocument = result["parser"]["document"]
    return document


def build_index_pipeline(
    *, dense: Any, bm25: Any, index: Any, max_tokens: int, count_tokens: Any
) -> Pipeline:
    """``dense`` embeds the chunks, already configured: the sentence-transformers document embedder, or
    for an index with latent terms :class:`~ingest.components.DenseLatentEmbedder` (one pass of the model
    gives both vectors)."""
    pipe = Pipeline()
    pipe.add_component("chunker", ProvisionChunker(max_tokens=max_tokens, count_tokens=count_tokens))
    pipe.add_component("dense", dense)
    pipe.add_component("sparse", Bm25SparseEmbedder(bm25))
    pipe.add_component("writer", ProvisionWriter(index))
    pipe.connect("chunker.documents", "dense.documents")
    pipe.connect("dense.documents", "sparse.documents")
    pipe.connect("sparse.documents", "writer.documents")
    return pipe


def run_index_pipeline(pipe: Pipeline, document: LegalDocument) -> int:
    from ingest.errors import CtkbError, unwrap_error

    try:
        result = pipe.run({"chunker": {"document": document}, "writer": {"document": document}})
    except Exception as exc:  # Haystack wraps component errors; ours carry the user's message
        inner = unwrap_error(exc)
        if isinstance(inner, CtkbError):
            raise inner from None
        raise
    written: int = result["writer"]["written"]
    return written

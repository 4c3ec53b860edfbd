"""Helpers for the store tests (no tests here): small documents with hand-made 8-d vectors and real
BM25 sparse vectors, the invariants every index must hold, and the writer a SIGKILL test kills."""

from __future__ import annotations

import math
import random
import sys
import zlib
from collections import Counter
from pathlib import Path

from ingest.model import Chunk, DocumentMeta, EmbeddedChunk, SparseVector
from ingest.sparse import Bm25Encoder
from ingest.store import schema as s
from ingest.store.filters import Filter, Match
from ingest.store.index import DocumentIndex

DIM = 8
MODEL = "test-model-8d"
_BM25 = Bm25Encoder()


def axis(i: int, dim: int = DIM) -> tuple[float, ...]:
    """Unit vector along axis ``i`` (mod dim): the nearest stored chunk is the one on that axis."""
    return tuple(1.0 if k == i % dim else 0.0 for k in range(dim))


def noisy(seed: int, dim: int = DIM) -> tuple[float, ...]:
    rng = random.Random(seed)
    v = [rng.gauss(0, 1) for _ in range(dim)]
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return tuple(x / n for x in v)


def meta(doc_id: str, **kw: object) -> DocumentMeta:
    base: dict[str, object] = {
        "title": f"Law {doc_id}",
        "source": f"{doc_id}.pdf",
        "sha256": f"sha-{doc_id}",
        "jurisdiction": "TL",
        "doc_type": "law",
        "language": "en",
        "year": 2020,
        "status": "in_force",
        "pages": 3,
    }
    base.update(kw)
    return DocumentMeta(doc_id=doc_id, **base)  # type: ignore[arg-type]


def chunk(text: str, ordinal: int, *, part: int = 0, parts: int = 1, number: str = "") -> Chunk:
    number = number or str(ordinal + 1)
    return Chunk(
        provision_id=f"art_{number}",
        ordinal=ordinal,
        kind="article",
        number=number,
        label=f"Article {number}",
        heading=f"Heading {number}",
        path=("Chapter I",),
        page_start=1,
        page_end=2,
        text=text,
        embed_text=f"Chapter I > Article {number}\n{text}",
        part=part,
        parts=parts,
    )


def embedded(
    texts: list[str], *, language: str = "en", vectors: list[tuple[float, ...]] | None = None
) -> list[EmbeddedChunk]:
    sparse = _BM25.encode_passages(texts, language)
    out = []
    for i, (text, sv) in enumerate(zip(texts, sparse, strict=True)):
        dense = vectors[i] if vectors else noisy(zlib.crc32(text.encode()))
        out.append(EmbeddedChunk(chunk(text, i), dense, sv))
    return out


def query_sparse(text: str, language: str = "en") -> SparseVector:
    return _BM25.encode_query(text, language)


def version_texts(doc_id: str, version: int, n: int) -> list[str]:
    return [f"{doc_id} version {version} provision {i} trafficking victims" for i in range(n)]


def write_version(index: DocumentIndex, doc_id: str, version: int, n: int) -> None:
    texts = version_texts(doc_id, version, n)
    index.replace_document(meta(doc_id, version=str(version)), n, embedded(texts))


def check_invariants(index: DocumentIndex, *, after_recover: bool = True) -> dict[str, int]:
    """Every document is exactly one version, complete, never duplicated. Returns doc -> version."""
    backend = index.backend
    if after_recover:
        assert backend.count(Filter(must=[Match(s.STATE, s.PENDING)])) == 0, "pending points left"
    versions: dict[str, int] = {}
    docs = index.documents()
    assert len({d.meta.doc_id for d in docs}) == len(docs), "document listed twice"
    for record in docs:
        doc_id = record.meta.doc_id
        chunks = index.chunks(doc_id)
        assert len(chunks) == record.chunks, f"{doc_id}: {len(chunks)} chunks, record says {record.chunks}"
        found = Counter(c.chunk.text.split(" version ")[1].split()[0] for c in chunks)
        assert set(found) == {record.meta.version}, f"{doc_id}: mixed versions {found}"
        texts = [c.chunk.text for c in chunks]
        assert texts == version_texts(doc_id, int(record.meta.version), len(texts)), doc_id
        versions[doc_id] = int(record.meta.version)
    committed_docs = Filter(must=[Match(s.RECORD, s.DOCUMENT), Match(s.STATE, s.COMMITTED)])
    assert backend.count(committed_docs) == len(docs)
    # No committed chunk without its document record.
    chunk_docs = index.facets(s.DOC_ID)
    assert set(chunk_docs) <= set(versions), f"orphan chunks: {set(chunk_docs) - set(versions)}"
    return versions


def writer(path: str, seed: int) -> None:
    """Replace/remove documents forever (the SIGKILL test kills this process at a random moment).

    Prints ``done <doc> <version>`` after each write returned, so the test knows what must survive.
    """
    from ingest.store.edge import EdgeBackend

    index = DocumentIndex(EdgeBackend(Path(path)))
    index.recover()
    index.ensure(MODEL, DIM)
    rng = random.Random(seed)
    version = 1000 * seed
    while True:
        version += 1
        doc_id = f"doc{rng.randrange(4)}"
        if rng.random() < 0.1:
            index.remove_document(doc_id)
            print(f"removed {doc_id}", flush=True)
        else:
            write_version(index, doc_id, version, rng.randrange(1, 60))
            print(f"done {doc_id} {version}", flush=True)


if __name__ == "__main__":
    writer(sys.argv[1], int(sys.argv[2]))

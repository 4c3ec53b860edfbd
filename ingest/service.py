"""Incremental, failure-isolated ingestion of files into the index.

A file is identified by its sha256: unchanged files (same content and metadata) are skipped, changed
ones replace their document atomically, and one bad file never stops the others. A file indexed by an
older parser revision is parsed again and re-indexed only if its chunks come out different.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from ingest.errors import CtkbError, InputError
from ingest.metadata import MetadataOverrides, load_manifest, slugify
from ingest.model import (
    Chunk,
    DocumentMeta,
    IngestReport,
    LegalDocument,
    Provision,
    TrackedView,
    joined_breaks,
)
from ingest.ocr import OcrOptions, OnPage
from ingest.ocr_cache import OcrCache
from ingest.readers import SUPPORTED_SUFFIXES
from ingest.runtime import Runtime
from ingest.structure import PARSER_REVISION
from ingest.worker import ParseWorker

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SourceFile:
    path: Path
    given: MetadataOverrides  # flags over manifest entry


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def collect_sources(paths: Iterable[Path], flags: MetadataOverrides) -> list[SourceFile]:
    """Expand folders (their supported files, sorted) and attach manifest metadata under the flags."""
    out: list[SourceFile] = []
    manifests: dict[Path, dict[str, MetadataOverrides]] = {}
    for raw in paths:
        path = Path(raw)
        files = sorted(p for p in path.iterdir() if _ingestible(p)) if path.is_dir() else [path]
        for file in files:
            folder = file.parent.resolve()
            if folder not in manifests:
                manifests[folder] = load_manifest(folder) if folder.is_dir() else {}
            entry = manifests[folder].get(file.name, MetadataOverrides())
            out.append(SourceFile(file, flags.merged_over(entry)))
    return out


# Files that describe a folder rather than belong to it; named explicitly, they are still ingested.
_FOLDER_DOCS = ("readme", "license", "licence", "changelog", "changes", "manifest")


def _ingestible(path: Path) -> bool:
    name = path.name.lower()
    return (
        path.is_file()
        and not name.startswith(".")
        and not name.startswith(_FOLDER_DOCS)
        and path.suffix.lower() in SUPPORTED_SUFFIXES
    )


def _same_meta(stored: DocumentMeta, given: MetadataOverrides) -> bool:
    """Whether every explicitly given value already matches what the index holds."""
    for key in ("title", "jurisdiction", "doc_type", "language", "year", "status", "version", "work"):
        value = getattr(given, key)
        if value is not None and value != getattr(stored, key):
            return False
    return True


def _page_progress(progress: Progress, i: int, total: int, name: str, done: int, pages: int) -> None:
    progress(i, total, f"{name} (OCR p. {done}/{pages})")


class Ingestor:
    """Runs files through the parse worker and the index pipeline of one runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def ingest(self, sources: Sequence[SourceFile], progress: Progress | None = None) -> list[IngestReport]:
        if self.runtime.settings.read_only:
            raise CtkbError("the index is read-only (--read-only); ingesting is disabled")
        self.runtime.check_model()
        reports: list[IngestReport] = []
        with ParseWorker(
            self.runtime.settings.parse_timeout_s, ocr=self.runtime.settings.ocr_options
        ) as worker:
            for i, source in enumerate(sources):
                if progress:
                    progress(i, len(sources), source.path.name)
                on_page = None
                if progress:
                    on_page = partial(_page_progress, progress, i, len(sources), source.path.name)
                reports.append(self._ingest_one(source, worker, on_page))
            if any(r.wrote for r in reports):
                self.runtime.index.optimize()  # searches after a large ingest use the HNSW index
            prune_copies(self.runtime)
            if progress:
                progress(len(sources), len(sources), "")
        return reports

    def _ingest_one(
        self, source: SourceFile, worker: ParseWorker, on_page: OnPage | None = None
    ) -> IngestReport:
        path = source.path
        reparsed = False  # same file and metadata, parsed by an older parser revision
        try:
            if not path.is_file():
                raise InputError("no such file")
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                raise InputError(f"unsupported file type '{path.suffix}' (supported: {supported})")
            sha = file_sha256(path)
            doc_id = source.given.doc_id or slugify(path.stem)
            existing = self.runtime.index.get_document(doc_id)
            same = (
                existing is not None
                and existing.meta.sha256 == sha
                and _same_meta(existing.meta, source.given)
                and self._keywords_current(existing.meta)
            )
            reparsed = same and existing is not None and existing.meta.parser_revision != PARSER_REVISION
            if same and not reparsed:
                self._keep_copy(path, sha)  # an earlier run may have been stopped before it kept one
                return IngestReport(
                    file=str(path),
                    doc_id=doc_id,
                    status="unchanged",
                    provisions=existing.provisions,
                    pages=existing.meta.pages,
                )
            document = worker.parse(path, sha, source.given, on_page)
            if not document.units():
                raise InputError("no text found to index")
            if reparsed and existing is not None and self._same_chunks(existing.meta, document):
                self._keep_copy(path, sha)
                self.runtime.index.set_parser_revision(document.meta.doc_id, PARSER_REVISION)
                return IngestReport(  # the new parser makes the same provisions: nothing to embed again
                    file=str(path),
                    doc_id=doc_id,
                    status="unchanged",
                    provisions=existing.provisions,
                    pages=existing.meta.pages,
                )
            self._keep_copy(path, sha)  # content-addressed: harmless if the index write then fails
            self.index_document(document)
            if existing is not None and existing.meta.sha256 != sha:
                drop_unused_copy(self.runtime, existing.meta)  # the replaced version's file
            return IngestReport(
                file=str(path),
                doc_id=document.meta.doc_id,
                status="updated" if existing else "added",
                provisions=len(document.numbered_units()),
                pages=document.meta.pages,
                warnings=document.warnings,
            )
        except CtkbError as exc:
            return IngestReport(file=str(path), doc_id="", status="failed", error=str(exc))
        except OSError as exc:
            return IngestReport(file=str(path), status="failed", error=f"cannot read file ({exc.strerror})")

    def index_document(self, document: LegalDocument) -> int:
        from ingest.pipeline import run_index_pipeline

        return run_index_pipeline(self.runtime.index_pipeline, document)

    def _same_chunks(self, stored: DocumentMeta, document: LegalDocument) -> bool:
        """Whether ``document`` (parsed again) would be stored as it is: same metadata apart from the
        parser revision, same chunks (ids, labels, headings, paths, text). Chunks that differ only in their
        pages (an index written before chunks kept page breaks, or before a source without fixed pages lost
        its invented "p. 1") get the new ones: pages are neither embedded nor in the BM25 text."""
        from ingest.components import CHUNK_KEY

        if replace(document.meta, parser_revision=stored.parser_revision) != stored:
            return False
        chunker = self.runtime.index_pipeline.get_component("chunker")
        made = [d.meta[CHUNK_KEY] for d in chunker.run(document=document)["documents"]]
        # the embedded and BM25 texts are not stored: they follow from the fields compared
        now = sorted(
            (replace(c, embed_text="", keyword_text="") for c in made),
            key=lambda c: (c.ordinal, c.part, c.provision_id),
        )
        old = self.runtime.index.chunks(stored.doc_id)
        if [_pageless(c) for c in now] != [_pageless(o.chunk) for o in old]:
            return False
        fresh = {
            o.point_id: (c.page_start, c.page_end, c.page_breaks)
            for c, o in zip(now, old, strict=True)
            if (c.page_start, c.page_end, c.page_breaks)
            != (o.chunk.page_start, o.chunk.page_end, o.chunk.page_breaks)
        }
        self.runtime.index.set_pages(fresh)
        return True

    def _keywords_current(self, meta: DocumentMeta, sample: int = 3) -> bool:
        """Whether the document's BM25 vectors come from the current analysis of its language: each of
        its first chunks' stored terms must hold those of its text as analysed now. False for a document
        indexed before an analyser changed (e.g. Georgian before ctkb's stemmer): it is indexed again."""
        index = self.runtime.index
        chunks = [c for c in index.chunks(meta.doc_id) if c.chunk.text.strip()][:sample]
        stored = index.sparse_vectors([c.point_id for c in chunks])
        texts = [c.chunk.text for c in chunks]
        for c, now in zip(chunks, self.runtime.bm25.encode_passages(texts, meta.language), strict=True):
            if not set(now.indices) <= set(stored.get(c.point_id, now).indices):
                return False
        return True

    def _keep_copy(self, path: Path, sha: str) -> None:
        """A copy of the source by content hash, so the app can show the cited page later."""
        files = self.runtime.settings.files_dir
        files.mkdir(parents=True, exist_ok=True)
        target = files / f"{sha}{path.suffix.lower()}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(target)


def ingest_paths(
    runtime: Runtime,
    paths: Iterable[Path],
    flags: MetadataOverrides | None = None,
    progress: Progress | None = None,
) -> list[IngestReport]:
    """Library entry point used by the CLI and the app."""
    sources = collect_sources(paths, flags or MetadataOverrides())
    return Ingestor(runtime).ingest(sources, progress)


def source_copy(runtime: Runtime, meta: DocumentMeta) -> Path | None:
    """The kept copy of a document's source file, if any."""
    suffix = Path(meta.source).suffix.lower()
    path = runtime.settings.files_dir / f"{meta.sha256}{suffix}"
    return path if path.is_file() else None


def remove_document(runtime: Runtime, doc_id: str) -> bool:
    """Delete a document from the index, and its kept source copy unless another document is the same
    file (what is removed must not stay behind on disk); False if there was no such document."""
    if runtime.settings.read_only:
        raise CtkbError("the index is read-only")
    record = runtime.index.get_document(doc_id)
    if not runtime.index.remove_document(doc_id):
        return False
    if record is not None:
        drop_unused_copy(runtime, record.meta)
    return True


def drop_unused_copy(runtime: Runtime, meta: DocumentMeta) -> None:
    """Delete the kept copy of ``meta``'s source file, and the text OCR read from it, when no document in
    the index is that file."""
    if not meta.sha256 or runtime.index.find_by_sha256(meta.sha256) is not None:
        return
    copy = source_copy(runtime, meta)
    if copy is not None:
        copy.unlink(missing_ok=True)
    OcrCache(runtime.settings.files_dir, meta.sha256).file.unlink(missing_ok=True)


def prune_copies(runtime: Runtime) -> int:
    """Delete the kept copies (and kept OCR text) of files that no document in the index is: left by
    removals and updates before ctkb deleted them with the document, or by a run stopped between
    keeping a copy and indexing it. Only with the embedded index, which one process holds at a time
    (a server index may be written by another ctkb process that has kept its copy and not yet
    indexed the document). Returns the number of files deleted."""
    files = runtime.settings.files_dir
    if runtime.settings.uses_server or not files.is_dir():
        return 0
    indexed = {r.meta.sha256 for r in runtime.index.documents()}
    stale = [f for f in files.iterdir() if f.is_file() and f.name.split(".", 1)[0] not in indexed]
    for f in stale:
        f.unlink(missing_ok=True)
    return len(stale)


def _overrides_from(meta: DocumentMeta) -> MetadataOverrides:
    return MetadataOverrides(
        doc_id=meta.doc_id,
        title=meta.title,
        jurisdiction=meta.jurisdiction,
        doc_type=meta.doc_type,
        language=meta.language,
        year=meta.year,
        status=meta.status,
        version=meta.version,
        work=meta.work,
    )


def document_from_chunks(meta: DocumentMeta, chunks: Sequence[Any]) -> LegalDocument:
    """Rebuild the citeable provisions of an indexed document from its stored chunks (parts joined)."""
    parts: dict[str, list[Any]] = {}
    for stored in chunks:
        parts.setdefault(stored.chunk.provision_id, []).append(stored.chunk)
    units = []
    for group in sorted(parts.values(), key=lambda cs: cs[0].ordinal):
        group.sort(key=lambda c: c.part)
        first = group[0]
        units.append(
            Provision(
                id=first.provision_id,
                kind=first.kind,
                number=first.number,
                label=first.label,
                heading=first.heading,
                text="\n".join(c.text for c in group),
                page_start=min((c.page_start for c in group if c.page_start), default=0),
                page_end=max(c.page_end for c in group),
                path=tuple(first.path),
                page_breaks=joined_breaks(group),
            )
        )
    return LegalDocument(meta=meta, pages=(), provisions=tuple(units))


def load_document(runtime: Runtime, doc_id: str) -> LegalDocument:
    """An indexed document as a full provision tree: re-parsed from the kept source copy when there is
    one (same parser, same ids; a scan from the text OCR read at ingest, never read again), else
    rebuilt from the stored chunks."""
    from ingest.worker import parse_in_process

    record = runtime.index.get_document(doc_id)
    if record is None:
        raise CtkbError(f"no document '{doc_id}' in the index (see `ctkb docs`)")
    current = record.meta.parser_revision == PARSER_REVISION  # else its ids may differ from the index's
    copy = source_copy(runtime, record.meta) if current else None
    # OCR off for a document with a text layer: its blank pages are not tried again (from an index
    # written before ocr_pages, a scan raises and is rebuilt from its chunks)
    ocr = (
        OcrOptions(cache_dir=str(runtime.settings.files_dir), kept_only=True)
        if record.meta.ocr_pages
        else OcrOptions(enabled=False)
    )
    if copy is not None:
        try:
            parsed = parse_in_process(copy, record.meta.sha256, _overrides_from(record.meta), ocr)
            return replace(parsed, meta=record.meta)
        except InputError:
            pass
    return document_from_chunks(record.meta, runtime.index.chunks(doc_id))


def _pageless(chunk: Chunk) -> Chunk:
    return replace(chunk, page_start=0, page_end=0, page_breaks=())


def parse_file(
    path: Path, given: MetadataOverrides | None = None, tracked: TrackedView = "accepted", *, sha256: str = ""
) -> LegalDocument:
    """A file that is not in the index, parsed on the fly and not stored (compare, coverage); ``tracked``:
    how a Word file's tracked changes are read; ``sha256``: the file's, when already known."""
    from ingest.worker import parse_in_process

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return parse_in_process(
            path, sha256 or file_sha256(path), given or MetadataOverrides(), tracked=tracked
        )
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from None


# The two versions a Word draft's tracked changes hold: (view, doc_id suffix, version label).
TRACKED_VERSIONS: tuple[tuple[TrackedView, str, str], ...] = (
    ("original", "before_changes", "before the tracked changes"),
    ("accepted", "changes_accepted", "tracked changes accepted"),
)


@dataclass(frozen=True)
class TrackedDraft:
    """A Word draft's text before its tracked changes and with all of them accepted, and who made the
    changes each provision shows (provision id → authors, sorted) in each."""

    before: LegalDocument
    after: LegalDocument
    changed_before: dict[str, tuple[str, ...]]
    changed_after: dict[str, tuple[str, ...]]


def tracked_versions(path: Path, given: MetadataOverrides | None = None) -> TrackedDraft:
    """A Word draft's two versions to compare, before its tracked changes and after them. ``InputError``
    (one line naming the file) when it is not a Word file or holds no tracked changes."""
    from ingest.readers import changed_paragraphs

    if path.suffix.lower() != ".docx":
        raise InputError(f"{path.name}: tracked changes are read from Word files (.docx) only")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        touched = changed_paragraphs(path)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from None
    sha = file_sha256(path)
    before, after = (
        _as_version(parse_file(path, given, view, sha256=sha), suffix, label)
        for view, suffix, label in TRACKED_VERSIONS
    )
    if not any(page.tracked_changes for page in after.pages):
        raise InputError(f"{path.name}: no tracked changes to compare")
    return TrackedDraft(
        before, after, changed_by(before, touched["original"]), changed_by(after, touched["accepted"])
    )


def changed_by(
    document: LegalDocument, paragraphs: Sequence[tuple[str, tuple[str, ...]]]
) -> dict[str, tuple[str, ...]]:
    """Provision id → the authors of the changed ``paragraphs`` (text, authors) it holds: a paragraph is
    the provision's label or heading line, or (20 characters at least, so that a short line does not
    match everywhere) a piece of its text."""
    found: dict[str, set[str]] = {}
    units = [
        (u, _folded(u.text), {_folded(u.label), _folded(u.heading), _folded(f"{u.label} {u.heading}")})
        for u in document.units()
    ]
    for text, authors in paragraphs:
        key = _folded(text)
        for unit, body, lines in units:
            if key in lines or (len(key) >= 20 and key in body):
                found.setdefault(unit.id, set()).update(authors)
    return {pid: tuple(sorted(names)) for pid, names in found.items()}


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _as_version(document: LegalDocument, suffix: str, label: str) -> LegalDocument:
    meta = document.meta
    title = f"{meta.title or meta.doc_id} ({label})"
    return replace(document, meta=replace(meta, doc_id=f"{meta.doc_id}_{suffix}", title=title, version=label))

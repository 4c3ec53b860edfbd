"""What the app's buttons do to the index: add uploads, remove and re-ingest documents.

Callers hold ``AppContext.writing()``; these functions only call the ``ingest`` library.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import CtkbError
from ingest.metadata import MetadataOverrides
from ingest.model import DocumentMeta, IngestReport
from ui.app.uploads import UploadCheck, base_name, check_upload, discard_upload, save_upload

FileProgress = Callable[[int, str], None]  # (file index, stage) for one progress bar per file


def ingest_uploads(
    ingestor: Any,
    uploads: Sequence[tuple[str, bytes]],
    given: MetadataOverrides,
    progress: FileProgress | None = None,
) -> list[IngestReport]:
    """Check, save and ingest uploaded ``(name, data)`` files; a bad file gets a failed report, the rest go in.

    ``ingestor`` is the process's ``ingest.service.Ingestor``. Reports are in upload order; ``file``
    holds the uploaded base name (never a path).
    """
    from ingest.service import SourceFile

    checks: list[UploadCheck] = [check_upload(name, data) for name, data in uploads]
    reports: dict[int, IngestReport] = {}
    saved: list[tuple[int, Path]] = []
    for i, (check, (_, data)) in enumerate(zip(checks, uploads, strict=True)):
        if check.ok:
            saved.append((i, save_upload(check, data)))
        else:
            reports[i] = IngestReport(file=check.name, status="failed", error=check.error)
            if progress:
                progress(i, "failed")
    try:
        if saved:
            sources = [SourceFile(path, given) for _, path in saved]

            def on_step(k: int, total: int, name: str) -> None:
                if progress is None:
                    return
                if k > 0:
                    progress(saved[k - 1][0], "indexed")
                if k < total:
                    progress(saved[k][0], "parsing")

            done = ingestor.ingest(sources, on_step)
            for (i, _), report in zip(saved, done, strict=True):
                reports[i] = _renamed(report, checks[i].name)
    finally:
        for _, path in saved:
            discard_upload(path)
    return [reports[i] for i in range(len(uploads))]


def _renamed(report: IngestReport, name: str) -> IngestReport:
    error = report.error.replace(report.file, name) if report.error else ""
    return IngestReport(
        file=name,
        doc_id=report.doc_id,
        status=report.status,
        provisions=report.provisions,
        pages=report.pages,
        error=error,
        warnings=report.warnings,
    )


def overrides_of(meta: DocumentMeta) -> MetadataOverrides:
    """The stored metadata as explicit values, so a re-ingest keeps what the user gave."""

    def opt(v: str) -> str | None:
        return v or None

    return MetadataOverrides(
        doc_id=meta.doc_id,
        title=opt(meta.title),
        jurisdiction=opt(meta.jurisdiction),
        doc_type=opt(meta.doc_type),
        language=opt(meta.language),
        year=meta.year,
        status=opt(meta.status),
        version=opt(meta.version),
        work=opt(meta.work),
    )


def reingest(ingestor: Any, meta: DocumentMeta) -> IngestReport:
    """Parse a document again from its kept source copy and replace it in the index (atomically)."""
    from ingest.service import source_copy
    from ingest.worker import ParseWorker

    runtime = ingestor.runtime
    kept = source_copy(runtime, meta)
    if kept is None:
        raise CtkbError(f"{meta.doc_id}: the source file was not kept; add the file again")
    runtime.check_model()
    folder = Path(tempfile.mkdtemp(prefix="ctkb-reingest-"))
    try:
        path = folder / base_name(meta.source or kept.name)
        shutil.copyfile(kept, path)
        with ParseWorker(runtime.settings.parse_timeout_s, ocr=runtime.settings.ocr_options) as worker:
            document = worker.parse(path, meta.sha256, overrides_of(meta))
        if not document.units():
            raise CtkbError(f"{meta.doc_id}: no text found to index")
        ingestor.index_document(document)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return IngestReport(
        file=meta.source,
        doc_id=meta.doc_id,
        status="updated",
        provisions=len(document.numbered_units()),
        pages=document.meta.pages,
        warnings=document.warnings,
    )


def remove(runtime: Any, doc_id: str) -> None:
    from ingest.service import remove_document

    if not remove_document(runtime, doc_id):
        raise CtkbError(f"no document '{doc_id}' in the index")

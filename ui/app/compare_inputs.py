"""The two sides of a comparison as ``LegalDocument``s: an indexed document or an uploaded file.

An indexed document is rebuilt from its stored chunks (the parts of a long provision joined again),
so comparing two indexed drafts needs no parsing. An upload is checked, parsed in this process and
never stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import CtkbError, InputError
from ingest.metadata import MetadataOverrides
from ingest.model import LegalDocument
from ui.app.uploads import check_upload, discard_upload, save_upload

if TYPE_CHECKING:
    from ingest.service import TrackedDraft
    from search.compare import Comparison


def document_from_index(index: Any, doc_id: str) -> LegalDocument:
    """A document's citeable provisions, in order, from the index."""
    from ingest.service import document_from_chunks

    record = index.get_document(doc_id)
    if record is None:
        raise CtkbError(f"no document '{doc_id}' in the index")
    return document_from_chunks(record.meta, index.chunks(doc_id))


@contextmanager
def _saved(name: str, data: bytes) -> Iterator[tuple[str, Path]]:
    """An upload checked and written to a private temporary file (its shown name, its path), removed
    afterwards; ``InputError`` with a one-line reason if it is refused."""
    check = check_upload(name, data)
    if not check.ok:
        raise InputError(check.error)
    path = save_upload(check, data)
    try:
        yield check.name, path
    finally:
        discard_upload(path)


def document_from_upload(name: str, data: bytes) -> LegalDocument:
    """Parse an uploaded file without indexing it; ``InputError`` with a one-line reason if it is bad."""
    from ingest.worker import parse_in_process

    with _saved(name, data) as (shown, path):
        try:
            document = parse_in_process(path, hashlib.sha256(data).hexdigest(), MetadataOverrides(title=None))
        except InputError as exc:
            raise InputError(f"{shown}: {exc}") from None
    if not document.units():
        raise InputError(f"{shown}: no provisions found")
    return document


def tracked_from_upload(name: str, data: bytes) -> TrackedDraft:
    """An uploaded Word draft's text before its tracked changes and after them (not indexed)."""
    from ingest.service import tracked_versions

    with _saved(name, data) as (shown, path):
        try:
            draft = tracked_versions(path)
        except InputError as exc:  # named after the upload, not its temporary copy
            raise InputError(f"{shown}: {str(exc).removeprefix(f'{path.name}: ')}") from None
    if not draft.after.units():
        raise InputError(f"{shown}: no provisions found")
    return draft


def load_side(ctx: Any, side: tuple[str, Any]) -> LegalDocument:
    """``("doc", doc_id)`` from the app's index or ``("file", (name, bytes))`` from an upload."""
    kind, value = side
    if kind == "doc":
        return document_from_index(ctx.index, value)
    return document_from_upload(*value)


def compare_sides(ctx: Any, left: tuple[str, Any], right: tuple[str, Any]) -> Comparison:
    """The comparison of the two chosen sides; a ``("tracked", (name, bytes))`` side (one Word upload,
    chosen for both) compares its text before the tracked changes (left) with the text after them
    (right), each pair with who made its changes."""
    from search.compare import compare_documents, compare_tracked

    if left[0] == "tracked":
        return compare_tracked(tracked_from_upload(*left[1]), ctx.runtime.embedder)
    return compare_documents(load_side(ctx, left), load_side(ctx, right), ctx.runtime.embedder)


def side_key(side: tuple[str, Any] | None) -> str:
    """A short stable key for a chosen side (its kind and the content hash for an upload)."""
    if side is None:
        return ""
    kind, value = side
    if kind == "doc":
        return f"doc:{value}"
    return f"{kind}:{hashlib.sha256(value[1]).hexdigest()}"

"""read stage: a source file into page texts, dispatched on the file suffix.

``READERS`` maps a lower-case suffix to a reader; a new format plugs in by adding one entry.
A reader takes the file and a ``ReadContext`` (OCR options, a language detector, a progress callback,
used by the PDF reader for scanned files; the view of tracked changes, used by the DOCX reader). Every reader raises ``InputError`` with a one-line
reason (the caller prefixes the file name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import InputError
from ingest.model import PageText
from ingest.ocr import ReadContext
from ingest.readers.docx import read_docx, tracked_change_count, tracked_changes_warning
from ingest.readers.margins import MARGIN_MARK
from ingest.readers.pdf import pdf_page_count, read_pdf
from ingest.readers.text import read_markdown, read_text

Reader = Callable[[Path, ReadContext], list[PageText]]


def _file_only(read: Callable[[Path], list[PageText]]) -> Reader:
    """A reader that needs nothing but the file (the text formats have no OCR)."""
    return lambda path, _context: read(path)


READERS: dict[str, Reader] = {
    ".pdf": read_pdf,
    ".txt": _file_only(read_text),
    ".md": _file_only(read_markdown),
    ".docx": lambda path, context: read_docx(path, context.tracked),
}
SUPPORTED_SUFFIXES = READERS.keys()  # a live view: registering a reader extends it

__all__ = [
    "MARGIN_MARK",
    "READERS",
    "tracked_change_count",
    "tracked_changes_warning",
    "SUPPORTED_SUFFIXES",
    "ReadContext",
    "Reader",
    "pdf_page_count",
    "read_pages",
]


def read_pages(path: Path, context: ReadContext | None = None) -> list[PageText]:
    """The file's pages (1-based numbers), read by the reader registered for its suffix."""
    suffix = Path(path).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted(READERS))
        raise InputError(f"unsupported file type '{suffix or Path(path).name}' (supported: {supported})")
    return reader(Path(path), context or ReadContext())

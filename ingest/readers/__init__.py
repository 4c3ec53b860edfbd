"""read stage: a source file into page texts, dispatched on the file suffix.

``READERS`` maps a lower-case suffix to a reader; a new format plugs in by adding one entry.
A reader takes the file and a ``ReadContext`` (OCR options, a language detector, a progress callback,
used by the PDF reader for scanned files; the view of tracked changes, used by the DOCX reader). Every
reader raises ``InputError`` with a one-line reason (the caller prefixes the file name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import InputError
from ingest.model import PageText
from ingest.ocr import ReadContext
from ingest.readers.docx import changed_paragraphs, read_docx, tracked_changes_warning
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
    "changed_paragraphs",
    "tracked_changes_warning",
    "SUPPORTED_SUFFIXES",
    "ReadContext",
    "has_fixed_pages",
    "Reader",
    "pdf_page_count",
    "read_pages",
]


def has_fixed_pages(path: Path, pages: list[PageText] | tuple[PageText, ...]) -> bool:
    """Whether the pages read are the pages a reader of the source sees, so that a citation may name
    them: a PDF's are; a Word file's are not (Word lays pages out when it shows the file: ctkb splits only
    at explicit page breaks); a text file's are where it was written with form feeds between pages (as
    pdftotext writes a PDF's text), i.e. when it has more than one."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return True
    if suffix == ".docx":
        return False
    return len(pages) > 1


def read_pages(path: Path, context: ReadContext | None = None) -> list[PageText]:
    """The file's pages (1-based numbers), read by the reader registered for its suffix."""
    suffix = Path(path).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted(READERS))
        raise InputError(f"unsupported file type '{suffix or Path(path).name}' (supported: {supported})")
    return reader(Path(path), context or ReadContext())

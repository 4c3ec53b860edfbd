"""read stage: a source file into page texts, dispatched on the file suffix.

``READERS`` maps a lower-case suffix to a reader; a new format plugs in by adding one entry.
Every reader raises ``InputError`` with a one-line reason (the caller prefixes the file name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import InputError
from ingest.model import PageText
from ingest.readers.docx import read_docx
from ingest.readers.margins import MARGIN_MARK
from ingest.readers.pdf import pdf_page_count, read_pdf
from ingest.readers.text import read_markdown, read_text

Reader = Callable[[Path], list[PageText]]

READERS: dict[str, Reader] = {
    ".pdf": read_pdf,
    ".txt": read_text,
    ".md": read_markdown,
    ".docx": read_docx,
}
SUPPORTED_SUFFIXES = READERS.keys()  # a live view: registering a reader extends it

__all__ = ["MARGIN_MARK", "READERS", "SUPPORTED_SUFFIXES", "Reader", "pdf_page_count", "read_pages"]


def read_pages(path: Path) -> list[PageText]:
    """The file's pages (1-based numbers), read by the reader registered for its suffix."""
    suffix = Path(path).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted(READERS))
        raise InputError(f"unsupported file type '{suffix or Path(path).name}' (supported: {supported})")
    return reader(Path(path))

"""Scanned PDFs for tests: an image-only copy of a typed PDF, as a scanner would make it."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


def scan_copy(src: Path, out: Path, dpi: int) -> Path:
    """An image-only copy of a PDF: every page a grey picture, no text layer."""
    doc = pdfium.PdfDocument(str(src))
    images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    doc.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out

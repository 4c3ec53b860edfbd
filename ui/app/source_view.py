"""The cited page of a source document, for "open at page": a PNG of a PDF page (pypdfium2).

Other formats have no fixed pages; the page shows the provision text instead.
"""

from __future__ import annotations

import io
from pathlib import Path


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pdf_page(path: Path, page: int, width_px: int = 1000) -> bytes:
    """PNG bytes of 1-based ``page`` of a PDF, about ``width_px`` wide; ``ValueError`` if out of range."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"page {page} is outside the document (1–{len(pdf)})")
        pg = pdf[page - 1]
        try:
            width_pt = pg.get_width() or 595.0
            bitmap = pg.render(scale=max(0.5, min(4.0, width_px / width_pt)))
            image = bitmap.to_pil()
        finally:
            pg.close()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()

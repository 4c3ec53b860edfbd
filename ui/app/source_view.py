"""The cited page of a source document, for "open at page": a PNG of a PDF page (pypdfium2), with the
provision's lines highlighted (where they are is found by ``search.page_marks``).

Other formats have no fixed pages; the page shows the provision text instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from search.page_marks import Box

_MARK = (255, 214, 0, 90)  # translucent yellow, like a highlighter
_PASSAGE = (200, 30, 30, 255)  # a red frame around the paragraph that a pinpoint cites


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pdf_page(
    path: Path, page: int, width_px: int = 1000, marks: Sequence[Box] = (), passage: Sequence[Box] = ()
) -> bytes:
    """PNG bytes of 1-based ``page`` of a PDF, about ``width_px`` wide, ``marks`` highlighted and the
    ``passage`` (the paragraph a pinpoint names) outlined; ``ValueError`` if the page is out of range."""
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
    if marks or passage:
        image = _highlight(image, marks, passage)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _highlight(image: object, marks: Sequence[Box], passage: Sequence[Box] = ()) -> object:
    from PIL import Image, ImageDraw

    assert isinstance(image, Image.Image)
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    w, h = base.size
    pad = max(1, round(0.002 * h))
    for m in marks:
        draw.rectangle((m.left * w - pad, m.top * h - pad, m.right * w + pad, m.bottom * h + pad), fill=_MARK)
    if passage:  # one frame around the paragraph's lines
        edge = 2 * pad + 2
        box = (
            min(b.left for b in passage) * w - edge,
            min(b.top for b in passage) * h - edge,
            max(b.right for b in passage) * w + edge,
            max(b.bottom for b in passage) * h + edge,
        )
        draw.rectangle(box, outline=_PASSAGE, width=max(2, round(0.003 * h)))
    return Image.alpha_composite(base, layer).convert("RGB")

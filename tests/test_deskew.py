"""Pages scanned askew: the skew is measured, the page turned level before OCR, and word boxes mapped back
onto the page as scanned (the sample law rendered as pictures and turned, read by the real tesseract)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from ingest.deskew import skew_angle, straighten, unturn
from ingest.metadata import MetadataOverrides
from ingest.ocr import OcrOptions, Tesseract
from ingest.worker import parse_in_process
from search.page_marks import ocr_reader, provision_boxes

LAW = Path(__file__).resolve().parent.parent / "corpus" / "veloria_ctip_law_draft_v1.pdf"


def _page(number: int, dpi: int = 150) -> Image.Image:
    doc = pdfium.PdfDocument(str(LAW))
    try:
        return doc[number - 1].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        doc.close()


@pytest.mark.parametrize("turned", [-5.0, -2.5, -0.3, 1.2, 4.0])
def test_the_skew_of_a_turned_page_is_found(turned: float) -> None:
    page = _page(2).rotate(turned, fillcolor=255)
    assert skew_angle(page) == pytest.approx(-turned, abs=0.11)


def test_a_level_or_blank_page_is_left_as_it_is() -> None:
    page = _page(2)
    assert straighten(page) == (page, 0.0)
    blank = Image.new("L", (1240, 1754), 255)
    assert skew_angle(blank) == 0.0
    assert straighten(page.rotate(0.5, fillcolor=255))[1] == 0.0  # tesseract reads this as well unturned


def test_a_point_of_the_level_page_is_found_on_the_page_as_scanned() -> None:
    import numpy as np

    image = Image.new("L", (1000, 1400), 255)
    ImageDraw.Draw(image).rectangle((200, 300, 210, 310), fill=0)  # its middle: (205, 305)
    for degrees in (3.0, -4.0):
        ys, xs = np.nonzero(np.asarray(image.rotate(degrees, fillcolor=255)) < 128)
        # the page was turned by ``degrees``: straightening turns it back by -degrees
        x, y = unturn(205, 305, -degrees, 1000, 1400)
        assert x == pytest.approx(float(xs.mean()), abs=1) and y == pytest.approx(float(ys.mean()), abs=1)


def _turned_scan(out: Path, degrees: float, dpi: int = 200) -> Path:
    doc = pdfium.PdfDocument(str(LAW))
    images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    doc.close()
    turned = [im.rotate(degrees, fillcolor=255) for im in images]
    turned[0].save(out, save_all=True, append_images=turned[1:], resolution=dpi)
    return out


def test_a_scan_turned_4_degrees_reads_like_the_typed_law(tesseract: Tesseract, tmp_path: Path) -> None:
    """Measured without straightening: 12 of 32 provisions at -3°, 16 at +5°, most chapters lost."""
    scan = _turned_scan(tmp_path / "turned.pdf", -4.0)
    typed = parse_in_process(LAW, "a", MetadataOverrides())
    read = parse_in_process(scan, "b", MetadataOverrides())
    assert [(u.label, u.page_start, u.path) for u in read.units()] == [
        (u.label, u.page_start, u.path) for u in typed.units()
    ]
    # The highlight lies on the turned page: the middle of Article 3's first line, where the typed page
    # has it, turned as the scan was, falls inside the first rectangle placed by OCR.
    a3_typed = next(u for u in typed.units() if u.label == "Article 3")
    a3_read = next(u for u in read.units() if u.label == "Article 3")
    page = a3_typed.page_start
    want = provision_boxes(LAW, page, text=a3_typed.text, heading="Article 3 Principles", last_page=False)[0]
    got = provision_boxes(
        scan,
        page,
        text=a3_read.text,
        heading="Article 3 Principles",
        last_page=False,
        ocr=ocr_reader(scan, page, OcrOptions(), "en"),
    )[0]
    doc = pdfium.PdfDocument(str(scan))
    width, height = doc[page - 1].get_size()  # points: any uniform scale of the page will do
    doc.close()
    x, y = unturn(
        width * (want.left + want.right) / 2, height * (want.top + want.bottom) / 2, 4.0, width, height
    )
    assert got.left < x / width < got.right and got.top < y / height < got.bottom
    assert got.bottom - got.top > 1.5 * (want.bottom - want.top)  # it holds the whole slanted line

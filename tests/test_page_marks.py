"""Where a provision lies on its page: real PDFs (the sample law, a Sri Lankan act, the Georgian
regulation), checked by reading back the text under the rectangles; scans (a real one, and the sample
law rendered as pictures), placed by OCR and checked against the typed original's rectangles."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from ingest.metadata import MetadataOverrides
from ingest.model import LegalDocument, Provision
from ingest.ocr import OcrOptions, OcrWord, Tesseract, page_words
from ingest.worker import parse_in_process
from search.page_marks import Box, ReadByOcr, provision_boxes
from tests.support.scans import scan_copy
from ui.app.source_view import render_pdf_page


def _parse(path: Path) -> LegalDocument:
    return parse_in_process(path, "sha", MetadataOverrides())


def _boxes(path: Path, unit: Provision, page: int, ocr: ReadByOcr | None = None) -> list[Box]:
    return provision_boxes(
        path,
        page,
        text=unit.text,
        heading=f"{unit.label} {unit.heading}",
        first_page=page == unit.page_start,
        last_page=page == unit.page_end,
        ocr=ocr,
    )


class _OcrPages:
    """Each page of a scan read by OCR once (as the app caches it), for every provision on it."""

    def __init__(self, path: Path, language: str = "en") -> None:
        self.path, self.language = path, language
        self.read: dict[int, tuple[list[OcrWord], int, int]] = {}

    def reader(self, page: int) -> ReadByOcr:
        def read() -> tuple[list[OcrWord], int, int]:
            if page not in self.read:
                self.read[page] = page_words(self.path, page, OcrOptions(), self.language)
            return self.read[page]

        return read


def _under(path: Path, page: int, boxes: list[Box]) -> list[str]:
    """The text of the page inside each rectangle, one string per line."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pg = pdf[page - 1]
        width, height = pg.get_size()
        textpage = pg.get_textpage()
        return [
            " ".join(
                textpage.get_text_bounded(
                    b.left * width, (1 - b.bottom) * height, b.right * width, (1 - b.top) * height
                ).split()
            )
            for b in boxes
        ]
    finally:
        pdf.close()


def _placed(path: Path, doc: LegalDocument, ocr: _OcrPages | None = None) -> tuple[int, int]:
    """(pages where the provision was found, pages in all) over every provision's page span."""
    found = total = 0
    for unit in doc.units():
        for page in range(unit.page_start, unit.page_end + 1):
            total += 1
            found += bool(_boxes(path, unit, page, ocr.reader(page) if ocr else None))
    return found, total


@pytest.fixture(scope="module")
def law_v1(repo_root: Path) -> tuple[Path, LegalDocument]:
    path = repo_root / "corpus" / "veloria_ctip_law_draft_v1.pdf"
    return path, _parse(path)


def test_a_provision_across_a_page_break(law_v1: tuple[Path, LegalDocument]) -> None:
    path, doc = law_v1
    art2 = next(u for u in doc.units() if u.label == "Article 2")
    assert (art2.page_start, art2.page_end) == (1, 2)
    first = _under(path, 1, _boxes(path, art2, 1))
    assert first[0] == "Article 2. Definitions"
    assert first[-1].endswith("transportation, transfer, harbouring or receipt for the")
    assert not any("Page 1" in line for line in first)  # the footer is not part of it
    second = _under(path, 2, _boxes(path, art2, 2))
    assert second[0].startswith("purpose of exploitation shall be considered trafficking")
    assert second[-1] == "has been used."
    assert not any("Republic of Veloria" in line for line in second)  # nor the running header


def test_the_next_provision_starts_where_the_last_one_ended(law_v1: tuple[Path, LegalDocument]) -> None:
    path, doc = law_v1
    art3 = next(u for u in doc.units() if u.label == "Article 3")
    lines = _under(path, art3.page_start, _boxes(path, art3, art3.page_start))
    assert lines[0] == "Article 3. Principles"
    assert not any("has been used" in line for line in lines)  # Article 2's end, just above it
    assert not any(line.startswith("Article 4") for line in lines)


def test_every_provision_of_the_sample_law_is_placed(law_v1: tuple[Path, LegalDocument]) -> None:
    path, doc = law_v1
    assert _placed(path, doc) == (35, 35)


def test_georgian_provisions_are_placed(repo_root: Path) -> None:
    path = repo_root / "corpus" / "veloria_ctip_law_ka.pdf"
    doc = _parse(path)
    assert _placed(path, doc) == (15, 15)
    art1 = doc.units()[1]
    assert _under(path, 1, _boxes(path, art1, 1))[0] == "მუხლი 1. რეგულირების სფერო"


def test_real_act_with_margin_headings(corpus_real: Path) -> None:
    path = corpus_real / "pdf" / "lk_victims_witnesses_protection_act4_2015.pdf"
    doc = _parse(path)
    found, total = _placed(path, doc)
    assert found == total and total > 80  # measured: 93 of 93
    sec3 = next(u for u in doc.units() if u.label == "Section 3")
    first = _under(path, sec3.page_start, _boxes(path, sec3, sec3.page_start))
    assert "A victim of crime shall have the right" in first[0]


def test_a_scan_without_ocr_has_nothing_to_place(corpus_real: Path) -> None:
    path = corpus_real / "pdf" / "pk_prevention_of_trafficking_in_persons_act_2018_scanned.pdf"
    text = "This Act may be called the Prevention of Trafficking in Persons Act, 2018."
    assert provision_boxes(path, 2, text=text) == []
    off = partial(page_words, path, 2, OcrOptions(enabled=False), "en")
    missing = partial(page_words, path, 2, OcrOptions(command="no-such-tesseract-here"), "en")
    assert provision_boxes(path, 2, text=text, ocr=off) == []
    assert provision_boxes(path, 2, text=text, ocr=missing) == []


def test_scanned_pages_are_placed_by_ocr_where_the_typed_original_has_them(
    repo_root: Path, tesseract: Tesseract, tmp_path: Path
) -> None:
    """The sample law's first three pages rendered as pictures (150 dpi), read by OCR: each provision's
    rectangles lie where the typed original's text layer puts them, line for line."""
    from pypdf import PdfReader, PdfWriter

    typed = tmp_path / "typed.pdf"
    first_pages = PdfWriter()
    for page in PdfReader(repo_root / "corpus" / "veloria_ctip_law_draft_v1.pdf").pages[:3]:
        first_pages.add_page(page)
    first_pages.write(typed)
    scan = scan_copy(typed, tmp_path / "scan.pdf", dpi=150)
    original, read = _parse(typed), _parse(scan)  # the scan's provisions carry the OCR'd text
    pages = _OcrPages(scan)
    compared = 0
    for a, b in zip(original.units(), read.units(), strict=True):
        assert (a.label, a.page_start, a.page_end) == (b.label, b.page_start, b.page_end)
        for page in range(a.page_start, a.page_end + 1):
            want, got = _boxes(typed, a, page), _boxes(scan, b, page, pages.reader(page))
            assert len(got) == len(want), (a.label, page)
            for w, g in zip(want, got, strict=True):
                assert abs(w.top - g.top) < 0.005 and abs(w.bottom - g.bottom) < 0.005, (a.label, page)
                assert abs(w.left - g.left) < 0.005 and abs(w.right - g.right) < 0.005, (a.label, page)
            compared += 1
    assert compared == 14  # the preamble and Articles 1–12 (Article 2 on two pages), up to 25 lines each
    assert sorted(pages.read) == [1, 2, 3]  # each page read once


@pytest.fixture(scope="module")
def real_scan(corpus_real: Path, tesseract: Tesseract) -> tuple[Path, LegalDocument]:
    path = corpus_real / "pdf" / "pk_prevention_of_trafficking_in_persons_act_2018_scanned.pdf"
    return path, _parse(path)


def test_every_section_of_a_real_scan_is_placed(real_scan: tuple[Path, LegalDocument]) -> None:
    path, doc = real_scan
    pages = _OcrPages(path)
    assert _placed(path, doc, pages) == (21, 21)  # 16 sections and the preamble over 5 pages
    sec2, sec3 = (next(u for u in doc.units() if u.label == label) for label in ("Section 2", "Section 3"))
    assert sec2.page_end == sec3.page_start == 2
    end_of_2 = _boxes(path, sec2, 2, pages.reader(2))[-1]
    start_of_3 = _boxes(path, sec3, 2, pages.reader(2))[0]
    assert end_of_2.bottom <= start_of_3.top  # one after the other, not overlapping


def test_the_app_highlights_a_provision_of_a_scan(
    real_scan: tuple[Path, LegalDocument], tmp_path: Path
) -> None:
    from dataclasses import replace
    from types import SimpleNamespace

    from ingest.config import Settings
    from ui.app import resources

    path, doc = real_scan
    sec13 = next(u for u in doc.units() if u.label == "Section 13")
    hit = SimpleNamespace(
        label=sec13.label,
        heading=sec13.heading,
        text=sec13.text,
        page_start=sec13.page_start,
        page_end=sec13.page_end,
        language=doc.meta.language,
    )
    settings = Settings(data_dir=tmp_path, cache_dir=tmp_path)
    ctx = SimpleNamespace(settings=settings)
    marks = resources.page_marks(ctx, path, sec13.page_start, hit)  # type: ignore[arg-type]
    assert marks and all(isinstance(m, Box) for m in marks)
    off = SimpleNamespace(settings=replace(settings, ocr=False))
    assert resources.page_marks(off, path, sec13.page_start, hit) == ()  # type: ignore[arg-type]


def test_text_that_is_not_on_the_page(law_v1: tuple[Path, LegalDocument]) -> None:
    path, _ = law_v1
    assert provision_boxes(path, 1, text="Nothing of this sentence is printed anywhere in the law.") == []
    assert provision_boxes(path, 99, text="Article 1") == []


def test_the_page_image_shows_the_marks(law_v1: tuple[Path, LegalDocument]) -> None:
    path, doc = law_v1
    art3 = next(u for u in doc.units() if u.label == "Article 3")
    marks = _boxes(path, art3, art3.page_start)
    plain = Image.open(io.BytesIO(render_pdf_page(path, art3.page_start))).convert("RGB")
    marked = Image.open(io.BytesIO(render_pdf_page(path, art3.page_start, marks=marks))).convert("RGB")
    assert plain.size == marked.size
    w, h = plain.size
    inside = (round((marks[0].left + 0.002) * w), round((marks[0].top + marks[0].bottom) / 2 * h))
    r, g, b = marked.getpixel(inside)  # type: ignore[misc]
    assert b < r - 40 and b < g - 40  # yellow where the provision is
    assert plain.getpixel((5, 5)) == marked.getpixel((5, 5))  # the margin is untouched


def test_the_paragraph_a_pinpoint_cites_is_framed(law_v1: tuple[Path, LegalDocument], tmp_path: Path) -> None:
    from types import SimpleNamespace

    from ingest.config import Settings
    from ui.app import resources

    path, doc = law_v1
    ctx = SimpleNamespace(settings=Settings(data_dir=tmp_path, cache_dir=tmp_path))

    def framed(unit: Provision, pin: str, page: int) -> list[str]:
        hit = SimpleNamespace(text=unit.text, pinpoint=pin, language="en")
        return _under(path, page, list(resources.passage_marks(ctx, path, page, hit)))  # type: ignore[arg-type]

    art21 = next(u for u in doc.units() if u.label == "Article 21")
    lines = framed(art21, "(2)", art21.page_start)
    assert lines[0].startswith("2. The victim may bring a civil claim")
    assert lines[-1].endswith("in the judgment.")
    assert not any("material" in line for line in lines)  # paragraph 1 is not framed
    assert framed(art21, "", art21.page_start) == []  # no pinpoint, no frame
    assert framed(art21, "(7)", art21.page_start) == []  # a paragraph the article does not have
    # a paragraph across a page break: its part on each page
    art2 = next(u for u in doc.units() if u.label == "Article 2")
    first = framed(art2, "(2)", 1)
    assert first[0].startswith("2. The consent of a victim") and first[-1].endswith("receipt for the")
    assert framed(art2, "(2)", 2)[-1] == "has been used."
    # drawn as a red frame around those lines
    boxes = resources.passage_marks(
        ctx, path, art21.page_start, SimpleNamespace(text=art21.text, pinpoint="(2)", language="en")
    )  # type: ignore[arg-type]
    image = Image.open(io.BytesIO(render_pdf_page(path, art21.page_start, passage=boxes))).convert("RGB")
    w, h = image.size
    left = min(b.left for b in boxes) * w
    mid = (min(b.top for b in boxes) + max(b.bottom for b in boxes)) / 2 * h
    edge = [image.getpixel((round(left) - k, round(mid))) for k in range(1, 12)]
    assert any(r > 150 and g < 90 and b < 90 for r, g, b in edge)  # type: ignore[misc]


def test_the_source_opens_where_the_cited_paragraph_starts(
    law_v1: tuple[Path, LegalDocument], tmp_path: Path
) -> None:
    from types import SimpleNamespace

    from ingest.config import Settings
    from ui.app.hit_view import _paragraph_page

    path, doc = law_v1
    ctx = SimpleNamespace(settings=Settings(data_dir=tmp_path, cache_dir=tmp_path))
    art2 = next(u for u in doc.units() if u.label == "Article 2")  # pages 1-2; paragraph 2 starts on page 1
    hit = SimpleNamespace(
        text=art2.text, language="en", page_start=1, page_end=2, best_page=2, pinpoint="(2)"
    )
    assert _paragraph_page(ctx, path, hit) == 1
    assert _paragraph_page(ctx, path, SimpleNamespace(**{**vars(hit), "pinpoint": ""})) == 0

"""read stage: real PDFs, generated bad inputs (each a one-line InputError), margin notes, TXT/MD/DOCX."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.errors import InputError
from ingest.model import PageText
from ingest.ocr import OcrOptions, ReadContext
from ingest.readers import MARGIN_MARK, READERS, SUPPORTED_SUFFIXES, pdf_page_count, read_pages
from ingest.readers.pdf import read_pdf
from ingest.readers.text import strip_markdown

SCANNED = [
    "pk_prevention_of_trafficking_in_persons_act_2018_scanned",
    "pk_employment_of_children_act_1991_scanned",
]
LK_2015 = "lk_victims_witnesses_protection_act4_2015"


def _error(path: Path, **kwargs: int) -> str:
    reader = read_pdf if kwargs else read_pages
    with pytest.raises(InputError) as info:
        reader(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message, "errors are one line"
    return message


def _notes(pages: list[PageText]) -> list[str]:
    return [ln[1:] for p in pages for ln in p.text.split("\n") if ln.startswith(MARGIN_MARK)]


# --- real documents ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_pages(corpus_real: Path) -> dict[Path, list[PageText]]:
    """Every real PDF with a text layer, read once for this module (pypdf is the slow part)."""
    paths = sorted(p for p in (corpus_real / "pdf").glob("*.pdf") if p.stem not in SCANNED)
    return {path: read_pages(path) for path in paths}


def test_real_pdfs_read_every_page_with_text(real_pages: dict[Path, list[PageText]]) -> None:
    assert len(real_pages) == 17
    for path, pages in real_pages.items():
        expected = len(PdfReader(path).pages)
        assert [p.number for p in pages] == list(range(1, expected + 1)), path.name
        assert pdf_page_count(path) == expected
        assert sum(len(p.text) for p in pages) > 200 * expected * 0.5, path.name


# Scanned PDFs (OCR) are tested in test_ocr.py.


def test_word_generated_pakistani_act_reads(
    corpus_real: Path, real_pages: dict[Path, list[PageText]]
) -> None:
    pages = real_pages[corpus_real / "pdf" / "pk_bonded_labour_system_abolition_act_1992.pdf"]
    text = "\n".join(p.text for p in pages).lower()
    assert len(pages) == 8 and "bonded labour" in text and MARGIN_MARK not in text


def test_ordinary_pdfs_get_no_margin_notes(real_pages: dict[Path, list[PageText]]) -> None:
    """Treaties, reports and guides: the margin detector must stay off."""
    for path, pages in real_pages.items():
        if not path.stem.startswith("lk_"):
            assert not _notes(pages) and not any(p.margin_notes for p in pages), path.name


# --- margin notes -----------------------------------------------------------------------------------


def test_gazette_margin_notes_become_marked_lines(
    corpus_real: Path, real_pages: dict[Path, list[PageText]]
) -> None:
    pages = real_pages[corpus_real / "pdf" / f"{LK_2015}.pdf"]
    by_page = {p.number: p for p in pages}
    # (page, note joined from its wrapped lines, start of the body line the note stands beside)
    expected = [
        (2, "Short title.", "1. (1) This Act may be cited"),  # right margin, one line
        (2, "Objects of the Act.", "2. The objects of this Act"),  # right margin, wrapped over 2 lines
        (3, "Rights of Victims of Crime.", "3. A victim of crime shall"),  # left margin, 3 lines
    ]
    for number, note, body_start in expected:
        lines = by_page[number].text.split("\n")
        assert MARGIN_MARK + note in lines, (number, note)
        following = lines[lines.index(MARGIN_MARK + note) + 1]
        assert following.startswith(body_start), (note, following)
        assert note in by_page[number].margin_notes
    for page in pages:
        body = [ln for ln in page.text.split("\n") if not ln.startswith(MARGIN_MARK)]
        for note in page.margin_notes:
            assert not any(note in ln for ln in body), (page.number, note)
    assert len(_notes(pages)) >= 45  # the Act has ~50 sections, each with a note


def test_every_lk_act_has_notes_and_clean_body(real_pages: dict[Path, list[PageText]]) -> None:
    lk = {path: pages for path, pages in real_pages.items() if path.stem.startswith("lk_")}
    assert len(lk) == 4
    for path, pages in lk.items():
        notes = _notes(pages)
        assert len(notes) >= 10, path.name
        assert any(n.startswith("Short title") for n in notes[:3]), notes[:3]
        body = [ln for p in pages for ln in p.text.split("\n") if not ln.startswith(MARGIN_MARK)]
        assert not any(ln.strip() in {"Short title.", "Short title and", "date of"} for ln in body), path.name


def test_notes_beside_inserted_sections_of_an_amending_act(
    corpus_real: Path, real_pages: dict[Path, list[PageText]]
) -> None:
    """The amending act quotes new sections with their own notes, set inside the text block."""
    pages = real_pages[corpus_real / "pdf" / "lk_penal_code_amendment_act16_2006.pdf"]
    lines = pages[2].text.split("\n")
    note = MARGIN_MARK + "“Duty of person providing service by computer to prevent sexual abuse of a child."
    assert lines[lines.index(note) + 1].startswith("286B. (1) A person who provides a service")
    body = [ln for p in pages for ln in p.text.split("\n") if not ln.startswith(MARGIN_MARK)]
    assert not any(ln.strip() in {"“Duty of", "providing", "Soliciting a", "“Debt"} for ln in body)


def _gazette_pdf(path: Path, *, notes: bool) -> None:
    """Four pages of body text at x=72 with (optionally) one-word-per-line notes at x=470, 8 pt."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(4):
        y = 760.0
        for section in range(5):
            number = page * 5 + section + 1
            if notes:
                c.setFont("Helvetica", 8)
                c.drawString(470, y, f"Heading of section {number}")
                c.drawString(470, y - 10, "continued.")
            c.setFont("Helvetica", 10)
            for k in range(6):
                words = f"{number}. Body line {k} of section {number} with enough words to span the column"
                c.drawString(72, y, words if k == 0 else words[len(f"{number}. ") :])
                y -= 13
            y -= 12
        c.showPage()
    c.save()


def test_synthetic_margin_column_is_detected_and_placed(tmp_path: Path) -> None:
    path = tmp_path / "gazette.pdf"
    _gazette_pdf(path, notes=True)
    pages = read_pages(path)
    assert _notes(pages) == [f"Heading of section {n} continued." for n in range(1, 21)]
    lines = pages[0].text.split("\n")
    at = lines.index(MARGIN_MARK + "Heading of section 2 continued.")
    assert lines[at + 1].startswith("2. Body line 0")


def test_synthetic_plain_layout_has_no_notes(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    _gazette_pdf(path, notes=False)
    pages = read_pages(path)
    assert not _notes(pages)
    assert pages[0].text == PdfReader(path).pages[0].extract_text()  # untouched plain extraction


# --- bad PDFs ----------------------------------------------------------------------------------------


def test_empty_pdf(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"")
    assert _error(tmp_path / "a.pdf") == "empty file"


def test_text_renamed_to_pdf(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_text("Article 1. This is not a PDF.\n")
    assert _error(tmp_path / "a.pdf") == "not a PDF (starts with b'Article 1. This ')"


def test_truncated_pdf(tmp_path: Path, corpus_real: Path) -> None:
    data = (corpus_real / "pdf" / f"{LK_2015}.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    assert _error(tmp_path / "cut.pdf").startswith("corrupt or truncated PDF: ")


def test_garbage_after_pdf_header(tmp_path: Path) -> None:
    (tmp_path / "g.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert _error(tmp_path / "g.pdf").startswith("corrupt or truncated PDF: ")


def _sample_pdf(path: Path, pages: int = 2) -> None:
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        c.drawString(
            72, 760, f"Article {n + 1}. Every State Party shall adopt such measures as may be necessary."
        )
        c.showPage()
    c.save()


def test_encrypted_pdf_needs_password(tmp_path: Path) -> None:
    _sample_pdf(tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=tmp_path / "plain.pdf")
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    assert _error(tmp_path / "locked.pdf") == "encrypted PDF (password required)"


def test_owner_password_only_pdf_opens(tmp_path: Path) -> None:
    _sample_pdf(tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=tmp_path / "plain.pdf")
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    writer.write(tmp_path / "restricted.pdf")
    pages = read_pages(tmp_path / "restricted.pdf")
    assert len(pages) == 2 and pages[1].text.startswith("Article 2.")


def test_page_and_size_caps(tmp_path: Path) -> None:
    _sample_pdf(tmp_path / "three.pdf", pages=3)
    assert _error(tmp_path / "three.pdf", max_pages=2) == "too many pages: 3 (limit 2)"
    size = (tmp_path / "three.pdf").stat().st_size
    assert _error(tmp_path / "three.pdf", max_bytes=100) == f"file too large: {size} bytes (limit 100 bytes)"


def test_pdf_without_any_text_needs_ocr(tmp_path: Path) -> None:
    c = canvas.Canvas(str(tmp_path / "img.pdf"), pagesize=A4)
    for _ in range(3):
        c.rect(72, 72, 300, 300, fill=1)
        c.showPage()
    c.save()
    with pytest.raises(InputError, match=r"^no text layer; OCR needed \(OCR is turned off\)$"):
        read_pages(tmp_path / "img.pdf", ReadContext(ocr=OcrOptions(enabled=False)))


# --- registry, text, markdown, docx ----------------------------------------------------------------


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "law.xyz").write_text("x")
    assert _error(tmp_path / "law.xyz") == "unsupported file type '.xyz' (supported: .docx, .md, .pdf, .txt)"


def test_registry_is_the_source_of_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == set(READERS) == {".pdf", ".txt", ".md", ".docx"}


def test_text_pages_split_on_form_feed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffArticle 1\nText one.\fArticle 2\r\nText two.".encode())
    pages = read_pages(tmp_path / "a.txt")
    assert pages == [PageText(1, "Article 1\nText one."), PageText(2, "Article 2\nText two.")]
    (tmp_path / "b.txt").write_text("one\fTwo\f\n")  # a trailing form feed opens no empty page
    assert [p.text for p in read_pages(tmp_path / "b.txt")] == ["one", "Two"]


def test_text_in_cp1252_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("Article 1 – Définitions: “victim” costs €5".encode("cp1252"))
    assert read_pages(tmp_path / "a.txt")[0].text == "Article 1 – Définitions: “victim” costs €5"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),  # nothing at all
        (b" \n\n\t ", "empty file"),  # whitespace only
        (
            b"PK\x03\x04\x00\x00binary\x00stuff",
            "not a text file (binary data: NUL bytes)",
        ),  # a zip renamed .txt
    ],
)
def test_bad_text_files(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "a.txt").write_bytes(data)
    assert _error(tmp_path / "a.txt") == reason


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("# Article 1 #", "Article 1"),  # ATX heading: marker gone, text kept
        ("## Chapter II. **Definitions**", "Chapter II. Definitions"),  # heading with bold
        (
            "See [the Protocol](https://example.org/p) and <https://x.org>",
            "See the Protocol and https://x.org",
        ),
        ("*emphasis* and __strong__ and `code`", "emphasis and strong and code"),  # inline markup
        ("> quoted text", "quoted text"),  # block quote marker
        ("Title\n=====\nBody", "Title\n\nBody"),  # setext underline becomes a blank line, lines stay
        ("- item one\n- item two", "- item one\n- item two"),  # bullets are content
        ("a * b * c", "a * b * c"),  # lone asterisks are not emphasis
        ("```\n# not a heading\n```", "\n# not a heading\n"),  # fenced code kept verbatim
        ("[1]: https://example.org", ""),  # link definitions are not content
    ],
)
def test_strip_markdown(markdown: str, plain: str) -> None:
    assert strip_markdown(markdown) == plain


def test_markdown_file(tmp_path: Path) -> None:
    (tmp_path / "law.md").write_text(
        "# Law on X\n\n## Article 1\nThe **State** shall act.\f## Article 2\nMore."
    )
    pages = read_pages(tmp_path / "law.md")
    assert [p.text for p in pages] == ["Law on X\n\nArticle 1\nThe State shall act.", "Article 2\nMore."]


def test_docx_paragraphs_tables_and_page_breaks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Law on Combating Trafficking", level=1)
    document.add_paragraph("Article 1. Purpose")
    document.add_paragraph("This Law sets out measures.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Term", "Meaning"
    table.cell(1, 0).text, table.cell(1, 1).text = "Child", "A person under 18"
    document.add_page_break()
    document.add_heading("Article 2. Definitions", level=2)
    document.save(str(tmp_path / "law.docx"))
    pages = read_pages(tmp_path / "law.docx")
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].text.split("\n") == [
        "Law on Combating Trafficking",
        "Article 1. Purpose",
        "This Law sets out measures.",
        "Term",
        "Meaning",
        "Child",
        "A person under 18",
    ]
    assert pages[1].text == "Article 2. Definitions"


def test_docx_without_page_breaks_is_one_page(tmp_path: Path) -> None:
    document = docx.Document()
    for n in range(1, 40):
        document.add_paragraph(f"Article {n}. Text of article {n}.")
    document.save(str(tmp_path / "long.docx"))
    pages = read_pages(tmp_path / "long.docx")
    assert len(pages) == 1 and pages[0].text.count("\n") == 38


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"", "empty file"),
        (b"this is plain text, not a zip", "corrupt DOCX: "),
        (b"PK\x03\x04" + b"\x00" * 40, "corrupt DOCX: "),  # a zip header and nothing behind it
    ],
)
def test_bad_docx(tmp_path: Path, data: bytes, start: str) -> None:
    (tmp_path / "a.docx").write_bytes(data)
    assert _error(tmp_path / "a.docx").startswith(start)


def test_docx_that_is_a_zip_of_something_else(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.docx", "w") as z:
        z.writestr("hello.txt", "not a word document")
    assert _error(tmp_path / "a.docx").startswith("corrupt DOCX: ")


LAW = "LAW OF TESTLAND ON VICTIMS\n\nArticle 1\nScope\nThis Law protects victims.\n{ff}Article 2\nShelters\nThe State funds shelters.\n"


@pytest.mark.parametrize(
    ("name", "pages"),
    [
        ("paged.txt", [(1, 1), (2, 2)]),  # form feeds between pages, as pdftotext writes them
        ("unpaged.txt", [(0, 0), (0, 0)]),  # one run of text: no page to cite
        ("draft.docx", [(0, 0), (0, 0)]),  # Word lays out its own pages: none is cited, page breaks or not
    ],
)
def test_pages_are_cited_only_where_the_source_has_them(tmp_path: Path, name: str, pages: list) -> None:
    from ingest.service import parse_file
    from search.citation import provision_label

    path = tmp_path / name
    if path.suffix == ".docx":
        d = docx.Document()
        for line in LAW.format(ff="").splitlines():
            paragraph = d.add_paragraph(line)
            if line == "Article 2":
                paragraph.paragraph_format.page_break_before = True
        d.save(str(path))
        assert len(read_pages(path)) == 2  # the page break splits the text, as before
    else:
        path.write_text(LAW.format(ff="\f" if name == "paged.txt" else ""), encoding="utf-8")
    units = parse_file(path).numbered_units()
    assert [(u.page_start, u.page_end) for u in units] == pages
    assert provision_label(units[1], pages=True) == ("Article 2, p. 2" if pages[1][0] else "Article 2")

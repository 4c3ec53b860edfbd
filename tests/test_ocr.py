"""OCR of scanned PDFs with the real tesseract: real scanned acts, a Georgian scan, the parse worker, the CLI.

tesseract is a Debian program (``run.sh test`` installs it with its English, Russian, Georgian, Armenian
and Azerbaijani packs); the tests that run it skip with a reason where it is absent.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.config import Settings
from ingest.errors import InputError
from ingest.metadata import MetadataOverrides
from ingest.model import PageText
from ingest.ocr import OcrOptions, ReadContext, Tesseract
from ingest.ocr_cache import OcrCache, cache_key
from ingest.ocr_repair import repair_numbering
from ingest.readers import read_pages
from ingest.runtime import Runtime
from ingest.service import file_sha256, load_document
from ingest.worker import ParseWorker, parse_in_process
from tests.support.scans import scan_copy
from ui.cli import main

PK_2018 = "pk_prevention_of_trafficking_in_persons_act_2018"
PK_1991 = "pk_employment_of_children_act_1991"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{4,}", text.lower())


def _recall(reference: str, text: str) -> float:
    """Share of the reference's words (4 letters or more) that the text also has."""
    ref, have = _words(reference), set(_words(text))
    return sum(w in have for w in ref) / len(ref)


# --- without OCR: a clear message ------------------------------------------------------------------


@pytest.mark.parametrize("stem", [f"{PK_2018}_scanned", f"{PK_1991}_scanned"])
def test_scanned_pdf_without_ocr_says_what_to_do(corpus_real: Path, stem: str) -> None:
    path = corpus_real / "pdf" / f"{stem}.pdf"
    with pytest.raises(InputError, match=r"^no text layer; OCR needed \(OCR is turned off\)$"):
        read_pages(path, ReadContext(ocr=OcrOptions(enabled=False)))
    with pytest.raises(InputError) as info:
        read_pages(path, ReadContext(ocr=OcrOptions(command="no-such-tesseract-here")))
    assert str(info.value) == (
        "no text layer; OCR needed: install tesseract (Debian: apt install tesseract-ocr tesseract-ocr-eng)"
    )


def test_a_language_without_its_pack_names_the_package() -> None:
    engine = Tesseract("/usr/bin/tesseract", frozenset({"eng"}))
    assert engine.pack_for("en") == "eng"
    with pytest.raises(
        InputError, match=r"OCR in 'hy' needs .*apt install tesseract-ocr tesseract-ocr-hye\)$"
    ):
        engine.pack_for("hy")


# --- numbering repairs (pure) ----------------------------------------------------------------------


def test_repair_numbering_fixes_what_the_sequence_confirms() -> None:
    pages = [
        "i. Short title.—(1} This Act may be called\n2: Definitions:—In this Act,\n{c} a point",
        "5, Abetment.—(!} Any person\n7. | Presumption.—Where\n9, Cognizance.—An offence\nli. Trial\nlt. Safety.—(1)",
        "[2. Protection\n‘14, Procedure.—(1) Any person",
    ]
    assert repair_numbering(pages) == [
        "1. Short title.—(1) This Act may be called\n2. Definitions:—In this Act,\n(c) a point",
        "5. Abetment.—(1) Any person\n7. Presumption.—Where\n9. Cognizance.—An offence\n10. Trial\n11. Safety.—(1)",
        "12. Protection\n14. Procedure.—(1) Any person",
    ]


def test_repair_numbering_leaves_what_it_cannot_confirm() -> None:
    text = (
        "I. PRELIMINARY\n3. Scope.—This Act [1]\nIs. Something\n40. Far ahead\n(l) a point\nS. Not a number"
    )
    # a capital I alone is a roman numeral; "Is" cannot be 4; "(l)" may be a real point (l); "[1]" a footnote
    assert repair_numbering([text]) == [text]


def test_chapter_numbers_are_repaired_in_the_documents_style() -> None:
    roman = [
        "Chapter | ~ General Provisions\nArticle 1",
        "Chapter Il - Offences\nChapter ffl - identification and Referral\nChapter lV - Assistance\n"
        "Chapter V - Return\nChapter VI - Prevention\nChapter VH - Final Provisions\nChapter II! - Annex",
        "PART lV\nГлава Vl.\nთავი II – ზოგადი დებულებები",
    ]
    assert repair_numbering(roman) == [
        "Chapter I - General Provisions\nArticle 1",
        "Chapter II - Offences\nChapter III - Identification and Referral\nChapter IV - Assistance\n"
        "Chapter V - Return\nChapter VI - Prevention\nChapter VII - Final Provisions\nChapter VIII - Annex",
        "PART IV\nГлава VI.\nთავი II – ზოგადი დებულებები",  # Georgian has no capitals in headings
    ]
    articles = [
        "Article 23. Return\nArticle 24, Prevention and awareness\nArticle 24, paragraph 2, applies.\nArticle 26, Far"
    ]
    assert repair_numbering(articles) == [
        "Article 23. Return\nArticle 24. Prevention and awareness\nArticle 24, paragraph 2, applies.\nArticle 26, Far"
    ]
    # Packs without Latin letters: the Armenian pack reads I, II, III as "|", "||", "111"; the Russian one
    # as "|", "И", "!!" ("!!" would go back to II after II: it is the next one).
    armenian = [
        "Գլուխ |. Ընդհանուր դրույթներ\nԳլուխ ||. Փոխհատուցման չափը ն դիմումը",
        "Գլուխ 111. Եզրափակիչ դրույթներ",
    ]
    assert repair_numbering(armenian) == [
        "Գլուխ I. Ընդհանուր դրույթներ\nԳլուխ II. Փոխհատուցման չափը և դիմումը",  # "ն" alone: "և"
        "Գլուխ III. Եզրափակիչ դրույթներ",
    ]
    russian = ["Глава |. Общие положения\nГлава И. Выявление", "Глава !!. Передача"]
    assert repair_numbering(russian) == [
        "Глава I. Общие положения\nГлава II. Выявление",
        "Глава III. Передача",
    ]
    arabic = ["Chapter l - General\nChapter 2 - Offences\nChapter li: Final\nSection 3 - definitions"]
    assert repair_numbering(arabic) == [
        "Chapter 1 - General\nChapter 2 - Offences\nChapter 11: Final\nSection 3 - definitions"
    ]
    # Nothing to go by: "l1" may be II or 11; "lll1" is no numeral.
    unknown = ["Chapter l1\nPart lll1\nArticle 4 of this Law"]
    assert repair_numbering(unknown) == unknown


def test_ocr_cache_is_keyed_by_what_decides_the_reading(tmp_path: Path) -> None:
    """Texts read by OCR come back only for the same tesseract, packs, language and pages."""
    tess = Tesseract("tesseract", frozenset({"eng", "rus"}), "tesseract 5.3.0")
    cache = OcrCache(tmp_path, "abc")
    key = cache_key(tess, "en", [1, 2], 300)
    pages = [PageText(1, "Section 1 – Пример", ocr_confidence=91.5), PageText(2, "", ocr_confidence=None)]
    assert cache.get(key) is None
    cache.put(key, pages)
    assert cache.get(key) == pages
    others = [
        cache_key(tess, "ru", [1, 2], 300),
        cache_key(tess, "en", [1], 300),
        cache_key(replace(tess, version="tesseract 5.5.0"), "en", [1, 2], 300),
        cache_key(replace(tess, packs=frozenset({"eng"})), "en", [1, 2], 300),
    ]
    assert [cache.get(k) for k in others] == [None] * 4
    cache.file.write_text("{not json", encoding="utf-8")
    assert cache.get(key) is None  # a damaged entry is read again, not an error


# --- with OCR: real scanned acts, a Georgian scan ---------------------------------------------------


def test_scanned_act_is_read_by_ocr(corpus_real: Path, tesseract: Tesseract) -> None:
    doc = parse_in_process(corpus_real / "pdf" / f"{PK_2018}_scanned.pdf", "sha", MetadataOverrides())
    assert doc.meta.language == "en" and doc.meta.pages == 5
    assert doc.meta.title == "Prevention of Trafficking in Persons Act, 2018"  # its short-title clause
    units = doc.units()
    assert [u.label for u in units] == ["Preamble"] + [f"Section {n}" for n in range(1, 17)]
    pages = {u.number: u.page_start for u in units}
    assert (pages["1"], pages["3"], pages["5"], pages["7"], pages["12"], pages["13"]) == (2, 2, 3, 4, 4, 5)
    sec3 = next(u for u in units if u.number == "3")
    assert "recruits, harbours" in sec3.text
    assert all(p.ocr_confidence is not None and p.ocr_confidence > 80 for p in doc.pages)
    assert doc.warnings[0].startswith("text read by OCR (all pages, mean word confidence ")


@pytest.mark.parametrize("stem", [PK_2018, PK_1991])
def test_ocr_text_agrees_with_a_reference_ocr(corpus_real: Path, tesseract: Tesseract, stem: str) -> None:
    """The repository's LlamaParse OCR of the same scans (third-party, with its own errors): measured
    0.983 and 0.978 of its words are in ours."""
    text = " ".join(p.text for p in read_pages(corpus_real / "pdf" / f"{stem}_scanned.pdf"))
    reference = (corpus_real / f"{stem}_llamaparse_ocr.txt").read_text(encoding="utf-8")
    assert _recall(reference, text) > 0.95


@pytest.mark.parametrize(
    ("stem", "language", "pack"),
    [
        ("veloria_ctip_law_ka", "ka", "kat"),
        ("veloria_border_instruction_ru", "ru", "rus"),
        ("veloria_compensation_procedure_hy", "hy", "hye"),
        ("veloria_hotline_rules_az", "az", "aze"),
    ],
)
def test_a_scan_in_each_language_reads_like_its_text_layer(
    repo_root: Path, tesseract: Tesseract, tmp_path: Path, stem: str, language: str, pack: str
) -> None:
    """Measured before the repairs for packs without Latin letters: the Russian scan lost all three
    chapters ("Глава |", "Глава И", "Глава !!"), the Armenian one numbered them 1, 11, 111."""
    if not {pack, "eng"} <= tesseract.packs:
        pytest.skip(f"tesseract's {pack} pack is not installed (Debian: tesseract-ocr-{pack})")
    src = repo_root / "corpus" / f"{stem}.pdf"
    scan = scan_copy(src, tmp_path / "scan.pdf", dpi=200)
    original = parse_in_process(src, "a", MetadataOverrides())
    read = parse_in_process(scan, "b", MetadataOverrides())  # no language given: found from the page
    assert read.meta.language == language
    assert [(u.label, u.page_start, u.path) for u in read.units()] == [
        (u.label, u.page_start, u.path) for u in original.units()
    ]
    assert _recall(" ".join(p.text for p in original.pages), " ".join(p.text for p in read.pages)) > 0.98


def test_scanned_pages_of_a_pdf_with_a_text_layer(
    repo_root: Path, tesseract: Tesseract, tmp_path: Path
) -> None:
    """Pages 1–2 typed, 3–7 scanned (29 % of the pages have text: not a "scanned PDF"). Before, the
    scanned pages were silently empty; now they are read by OCR in the text layer's language."""
    from pypdf import PdfReader, PdfWriter

    src = repo_root / "corpus" / "veloria_ctip_law_draft_v1.pdf"
    scan = PdfReader(scan_copy(src, tmp_path / "scan.pdf", dpi=200))
    mixed = PdfWriter()
    for i, page in enumerate(PdfReader(src).pages):
        mixed.add_page(page if i < 2 else scan.pages[i])
    mixed.write(tmp_path / "mixed.pdf")
    original = parse_in_process(src, "a", MetadataOverrides())
    read = parse_in_process(tmp_path / "mixed.pdf", "b", MetadataOverrides())
    assert [p.ocr_confidence is None for p in read.pages] == [True, True, False, False, False, False, False]
    assert [(u.label, u.page_start, u.path) for u in read.units()] == [
        (u.label, u.page_start, u.path) for u in original.units()
    ]
    assert read.warnings[0].startswith("text read by OCR (5 of 7 pages")
    # blank pages of real PDFs stay blank (their OCR finds nothing), so nothing changes for them
    assert read_pages(tmp_path / "mixed.pdf", ReadContext(ocr=OcrOptions(enabled=False)))[3].text == ""


def test_a_page_with_nothing_to_read(tesseract: Tesseract, tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.pdf"
    Image.new("L", (1240, 1754), 255).save(
        blank, save_all=True, append_images=[Image.new("L", (1240, 1754), 255)]
    )
    with pytest.raises(InputError, match=r"^no text layer, and OCR found no text$"):
        read_pages(blank)


# --- the parse worker and the CLI ------------------------------------------------------------------


def test_worker_time_limit_counts_from_the_last_page_read(
    corpus_real: Path, tesseract: Tesseract, tmp_path: Path
) -> None:
    """A limit longer than the slowest page but shorter than the whole scan: each page read by OCR
    resets it. The limit comes from this machine's own page times, measured in a first run, so the
    test means the same on a slow machine and on a fast one."""
    path = corpus_real / "pdf" / f"{PK_1991}_scanned.pdf"
    warm = tmp_path / "warm.txt"
    warm.write_text("Article 1\nScope\nThis applies.\n", encoding="utf-8")
    pages: list[tuple[int, int]] = []
    stamps: list[float] = []

    def on_page(done: int, total: int) -> None:
        pages.append((done, total))
        stamps.append(time.monotonic())

    with ParseWorker(timeout_s=600) as worker:
        worker.parse(warm, "sha", MetadataOverrides())  # the worker's start-up is not the file's time
        start = time.monotonic()
        worker.parse(path, "sha", MetadataOverrides(), on_page)
        marks = [start, *stamps, time.monotonic()]
    assert pages[-1] == (10, 10) and len(pages) >= 9  # every page is reported
    slowest = max(b - a for a, b in zip(marks, marks[1:], strict=False))
    limit, whole = 2 * slowest, marks[-1] - marks[0]
    if limit >= whole:
        pytest.skip(f"the slowest page ({slowest:.1f} s) is too much of the whole scan ({whole:.1f} s)")
    with ParseWorker(timeout_s=limit) as worker:
        doc = worker.parse(path, "sha", MetadataOverrides())
    assert doc.meta.pages == 10
    assert doc.meta.title == "Employment of Children Act, 1991"
    labels = [u.label for u in doc.units()]
    assert {"Section 1", "Section 2", "Section 3", "Section 21"} <= set(labels)  # a law: sections


def test_cli_ingests_a_scan_and_finds_its_sections(
    corpus_real: Path,
    tesseract: Tesseract,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """... and reads it by OCR once: its text is kept beside the source copy, a second parse of the same
    file (here after a metadata change) reads no page again, and removing the document deletes both."""
    calls = tmp_path / "tesseract-calls.txt"
    counting = tmp_path / "tesseract"
    counting.write_text(
        f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{tesseract.command}" "$@"\n', encoding="utf-8"
    )
    counting.chmod(0o755)
    monkeypatch.setenv("CTKB_TESSERACT", str(counting))

    def page_reads() -> int:  # tesseract's runs on page images (not --list-langs / --version)
        lines = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
        return sum("--list-langs" not in ln and "--version" not in ln for ln in lines)

    data = tmp_path / "data"
    args = ["--data-dir", str(data), "--model", "minilm"]
    scan = corpus_real / "pdf" / f"{PK_2018}_scanned.pdf"
    assert main(["ingest", str(scan), "--json", *args]) == 0
    report = json.loads(capsys.readouterr().out)
    (entry,) = report if isinstance(report, list) else report["files"]
    assert (
        entry["status"] == "added" and entry["provisions"] == 16
    )  # sections 1–16 (the preamble is not counted)
    assert any(w.startswith("text read by OCR") for w in entry["warnings"])
    assert main(["docs", "--json", *args]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["pages"], listed["ocr_pages"]) == (5, 5)  # recorded, so the scan is never read twice
    assert main(["search", "compensation to victims when the offender is convicted", "--json", *args]) == 0
    top = json.loads(capsys.readouterr().out)["hits"][0]
    assert (top["label"], top["page_start"]) == ("Section 13", 5)
    assert top["citation"] == "Prevention of Trafficking in Persons Act, 2018, s. 13, p. 5"

    read_once = page_reads()
    assert read_once >= 5  # five pages
    sha = file_sha256(scan)
    assert sorted(p.name for p in (data / "files").iterdir()) == [f"{sha}.ocr.json", f"{sha}.pdf"]
    assert main(["ingest", str(scan), "--title", "PTPA 2018", "--json", *args]) == 0
    (again,) = json.loads(capsys.readouterr().out)
    assert (again["status"], again["provisions"]) == ("updated", 16)
    assert page_reads() == read_once  # no page was read again
    # the app's view of the document is parsed from the kept text, not rebuilt from its chunks
    runtime = Runtime(Settings.from_env({}, data_dir=data, model="minilm"))
    try:
        shown = load_document(runtime, again["doc_id"])
    finally:
        runtime.close()
    assert len(shown.pages) == 5 and len(shown.numbered_units()) == 16  # pages: parsed, not from chunks
    assert any(u.children for u in shown.numbered_units())  # with its subsections
    assert page_reads() == read_once
    assert main(["remove", again["doc_id"], *args]) == 0
    assert list((data / "files").iterdir()) == []

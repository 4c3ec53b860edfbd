"""Structure of real documents: golden outlines (ids, numbers, headings, page spans; no text) and
targeted checks. Set CTKB_UPDATE_GOLDEN=1 to rewrite the golden files, then review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest.model import SUB_KINDS, DocumentMeta, LegalDocument, PageText
from ingest.structure import parse_document

GOLDEN = Path(__file__).parent / "golden" / "structure"
UPDATE = os.environ.get("CTKB_UPDATE_GOLDEN") == "1"

TXT_DOCS = sorted(
    [
        "asean_plan_of_action_tip_2015",
        "bali_process_nexus_practitioner_guide_victim_id_2021",
        "bali_process_policy_guide_victim_identification_2015",
        "coe_cets197_convention_2005",
        "coe_cets197_convention_2005_nl",
        "echr_factsheet_trafficking_2024",
        "greta_guidance_note_international_protection_2020",
        "greta_uk_third_round_evaluation_2021",
        "ilo_c029_forced_labour_convention_1930",
        "ilo_c029_forced_labour_convention_1930_nl",
        "lk_act30_2005_saarc_trafficking_convention",
        "lk_penal_code_amendment_act16_2006",
        "lk_victims_witnesses_protection_act10_2023",
        "lk_victims_witnesses_protection_act4_2015",
        "nl_wetboek_van_strafrecht_art273f_mensenhandel",
        "pk_bonded_labour_system_abolition_act_1992",
        "uk_cps_legal_guidance_modern_slavery_offences_defences",
        "uk_haughey_modern_slavery_act_review_2016",
        "uk_home_office_nrm_first_responder_guidance_page",
        "un_crc_general_comment_6_2005",
        "un_palermo_protocol_2000",
        "un_palermo_protocol_2000_nl",
        "un_smuggling_of_migrants_protocol_2000",
        "un_smuggling_of_migrants_protocol_2000_nl",
        "un_supplementary_slavery_convention_1956",
        "un_supplementary_slavery_convention_1956_nl",
        "unodc_issue_paper_abuse_of_vulnerability_2013",
        "unodc_model_law_tip_2009",
        "us_18usc_ch77_peonage_slavery_trafficking",
        "us_22usc_ch78_tvpa",
        "us_ag_annual_report_congress_tip_fy2015",
        "us_ag_guidelines_victim_witness_assistance_2022",
    ]
)
PDF_DOCS = [
    "lk_act30_2005_saarc_trafficking_convention",
    "lk_penal_code_amendment_act16_2006",
    "lk_victims_witnesses_protection_act4_2015",
    "lk_victims_witnesses_protection_act10_2023",
    "unodc_model_law_tip_2009",
    "pk_bonded_labour_system_abolition_act_1992",
]


def txt_pages(corpus: Path, stem: str) -> list[PageText]:
    text = (corpus / f"{stem}.txt").read_text(encoding="utf-8")
    return [PageText(i + 1, page) for i, page in enumerate(text.split("\f"))]


def pdf_pages(corpus: Path, stem: str, folder: Path | None = None) -> list[PageText]:
    readers = pytest.importorskip("ingest.readers", reason="PDF reader not available")
    pages = readers.read_pages((folder or corpus / "pdf") / f"{stem}.pdf")
    try:
        from ingest.clean import clean_pages
    except ImportError:
        pytest.skip("ingest.clean not available yet")
    return clean_pages(pages)


def parse_txt(corpus: Path, stem: str) -> LegalDocument:
    return parse_document(txt_pages(corpus, stem), DocumentMeta(doc_id=stem, source=f"{stem}.txt"))


def parse_pdf(corpus: Path, stem: str) -> LegalDocument:
    return parse_document(pdf_pages(corpus, stem), DocumentMeta(doc_id=stem, source=f"{stem}.pdf"))


def outline(doc: LegalDocument, *, chars: bool = True) -> dict[str, object]:
    """The tree without text. ``chars`` (text length per unit) is left out for PDFs, whose text
    depends on the cleaner as well."""
    rows = []
    for p in doc.walk():
        if p.kind in SUB_KINDS:
            continue
        row: dict[str, object] = {
            "id": p.id,
            "kind": p.kind,
            "number": p.number,
            "label": p.label,
            "heading": p.heading[:100],
            "pages": [p.page_start, p.page_end],
        }
        if p.path:
            row["path"] = list(p.path)
        if p.is_unit and chars:
            row["chars"] = len(p.text)
        if p.is_unit:
            row["subs"] = sum(1 for x in p.walk() if x.kind in SUB_KINDS)
        rows.append(row)
    return {
        "units": len(doc.units()),
        "numbered": len(doc.numbered_units()),
        "warnings": list(doc.warnings),
        "outline": rows,
    }


def check_golden(name: str, doc: LegalDocument, *, chars: bool = True) -> None:
    path = GOLDEN / f"{name}.json"
    got = outline(doc, chars=chars)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no golden outline {path.name}: run with CTKB_UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", TXT_DOCS)
def test_golden_txt(corpus_real: Path, stem: str) -> None:
    check_golden(stem, parse_txt(corpus_real, stem))


@pytest.mark.parametrize("stem", PDF_DOCS)
def test_golden_pdf(corpus_real: Path, stem: str) -> None:
    check_golden(f"{stem}.pdf", parse_pdf(corpus_real, stem), chars=False)


# ---- targeted checks ------------------------------------------------------------------------


def by_chapter(doc: LegalDocument) -> dict[str, list[str]]:
    return {c.number: [u.number for u in c.children if u.is_unit] for c in doc.provisions if not c.is_unit}


def test_palermo(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "un_palermo_protocol_2000")
    arts = doc.numbered_units()
    assert [a.label for a in arts] == [f"Article {n}" for n in range(1, 21)]
    rng = lambda a, b: [str(n) for n in range(a, b + 1)]  # noqa: E731
    assert by_chapter(doc) == {"I": rng(1, 5), "II": rng(6, 8), "III": rng(9, 13), "IV": rng(14, 20)}
    art3 = arts[2]
    assert art3.id == "chp_1__art_3" and art3.heading == "Use of terms"
    assert [p.id for p in art3.children] == [f"chp_1__art_3__point_{x}" for x in "abcd"]
    assert art3.path == ("Chapter I – General Provisions",)
    assert doc.units()[0].kind == "preamble" and doc.units()[0].text.startswith("The States Parties")
    # the cross-reference "in accordance with article 5 of this Protocol" stays in Article 1
    assert "article 5 of this Protocol" in arts[0].text


def test_palermo_dutch(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "un_palermo_protocol_2000_nl")
    assert [a.label for a in doc.numbered_units()] == [f"Artikel {n}" for n in range(1, 21)]
    assert [p.number for p in doc.numbered_units()[1].children] == ["a", "b", "c"]


def test_cets197(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "coe_cets197_convention_2005")
    assert [a.number for a in doc.numbered_units()] == [str(n) for n in range(1, 48)]
    chapters = by_chapter(doc)
    assert list(chapters) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    assert chapters["III"] == [str(n) for n in range(10, 18)] and chapters["X"] == [
        str(n) for n in range(42, 48)
    ]
    assert doc.numbered_units()[38].heading.startswith("Relationship with the Protocol")  # a 200-char heading


def test_us_18usc_ch77(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "us_18usc_ch77_peonage_slavery_trafficking")
    numbers = [u.number for u in doc.numbered_units()]
    assert numbers == [str(n) for n in range(1581, 1594)] + ["1593A", "1594", "1595", "1595A", "1596", "1597"]
    s = {u.number: u for u in doc.numbered_units()}
    assert s["1593A"].label == "§ 1593A" and s["1593A"].id == "title_18__chp_77__sec_1593a"
    assert s["1592"].heading.startswith("Unlawful conduct with respect to documents")
    assert s["1591"].path == (
        "Title 18 – CRIMES AND CRIMINAL PROCEDURE",
        "Chapter 77 – PEONAGE, SLAVERY, AND TRAFFICKING IN PERSONS",
    )


def test_us_22usc_ch78(corpus_real: Path) -> None:
    numbers = {u.number for u in parse_txt(corpus_real, "us_22usc_ch78_tvpa").numbered_units()}
    assert {"7101", "7102", "7103a", "7105", "7109b", "7115"} <= numbers and len(numbers) == 26


@pytest.mark.parametrize(
    ("stem", "count"),
    [
        ("ilo_c029_forced_labour_convention_1930", 33),
        ("ilo_c029_forced_labour_convention_1930_nl", 33),
        ("un_smuggling_of_migrants_protocol_2000", 25),
        ("un_smuggling_of_migrants_protocol_2000_nl", 25),
        ("un_supplementary_slavery_convention_1956", 15),
        ("un_supplementary_slavery_convention_1956_nl", 15),
    ],
)
def test_treaty_article_counts(corpus_real: Path, stem: str, count: int) -> None:
    assert [u.number for u in parse_txt(corpus_real, stem).numbered_units()] == [
        str(n) for n in range(1, count + 1)
    ]


def test_model_law_txt_commentary_is_not_an_article(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "unodc_model_law_tip_2009")
    arts = [u for u in doc.units() if u.kind == "article"]
    assert [a.number for a in arts] == [str(n) for n in range(1, 39)]
    assert [c.number for c in doc.provisions if c.kind == "chapter"] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
    ]
    art1 = arts[0]
    assert art1.page_start == 8 and "Article 1 is redundant" in art1.text  # commentary stays with its article
    assert all(a.page_start >= 8 for a in arts)  # the table of contents (pages 5-6) gives no units


def test_greta_numbered_paragraphs(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "greta_uk_third_round_evaluation_2021")
    paras = [u for u in doc.units() if u.kind == "clause" and u.number]
    assert [u.number for u in paras[:3]] == ["1", "2", "3"] and len(paras) >= 300
    assert paras[12].page_start == 12 and paras[12].path[0].startswith("II – Overview")


def test_asean_plan_action_plans(corpus_real: Path) -> None:
    """Chapter IV: its list "1.–3." stays in the introduction; A–D are its parts, cited IV.A–IV.D,
    with headings printed over two lines kept whole."""
    doc = parse_pdf(corpus_real, "asean_plan_of_action_tip_2015")
    chapter = next(p for p in doc.provisions if p.number == "IV")
    intro, *parts = chapter.children
    assert "ASEAN Member States;" in intro.text and "that leads to trafficking." in intro.text
    assert [(u.label, u.heading, u.page_start) for u in parts] == [
        ("IV.A", "Prevention of Trafficking in Persons", 4),
        ("IV.B", "Protection of Victims", 6),
        ("IV.C", "Law Enforcement and Prosecution of Crimes of Trafficking in Persons", 8),
        ("IV.D", "Regional and International Cooperation and Coordination", 10),
    ]
    assert [x.number for x in parts[0].children][:3] == ["a", "b", "c"]


def test_ag_report_pdf_lettered_parts(corpus_real: Path) -> None:
    """The AG report PDF: chapter IV's first part "A. Department of Health and Human Services" stands
    right after a short introduction; it is a heading and its sections are cited IV.A.1 …, with the
    pages of the printed report (as in the text file of the same report)."""
    doc = parse_pdf(corpus_real, "us_ag_annual_report_congress_tip_fy2015")
    chapter = next(p for p in doc.provisions if p.number == "IV")
    rows = [(u.label, u.heading[:40], u.page_start) for u in chapter.children[1:8]]
    assert rows == [
        ("IV.A", "Department of Health and Human Services", 27),
        ("IV.A.1", "Capacity and Leadership on Trafficking i", 27),
        ("IV.A.2", "Benefits and Services for Foreign Nation", 28),
        ("IV.A.3", "Benefits and Services for U.S. Citizens ", 34),
        ("IV.A.4", "Interagency Coordination and Collaborati", 36),
        ("IV.A.5", "National Human Trafficking Resource Cent", 36),
        ("IV.B", "Department of Homeland Security", 39),
    ]
    assert chapter.children[2].path[-1] == "IV.A – Department of Health and Human Services"


def test_unodc_issue_paper_outline(corpus_real: Path) -> None:
    """A report's numbered outline: chapters printed "2 Title", sections to four levels, headings
    wrapped onto a second line kept whole."""
    doc = parse_txt(corpus_real, "unodc_issue_paper_abuse_of_vulnerability_2013")
    numbered = {u.number: u for u in doc.units() if u.number}
    assert {"1", "2", "3", "4", "1.4", "2.5", "3.4.5.2", "4.8"} <= set(numbered)
    heading = {n: " ".join(u.heading.split()) for n, u in numbered.items()}  # the text has no-break spaces
    assert heading["2.2"] == "The Trafficking in Persons Protocol and the “means” element of the definition"
    assert heading["3.1.2"] == "The Republic of Moldova" and numbered["3.1.2"].page_start == 39
    assert not any(u.heading.endswith(" the") for u in doc.units())  # "The mandate of the" is text
    # a subsection says which country it is about; what a colon introduces, a case name and "APOV?"
    # (the end of a question) are text, not headings
    assert [" ".join(c.split()) for c in numbered["3.1.2.1"].path] == [
        "3 – National Law and Practice: Overview",
        "3.1 – States that have included abuse of vulnerability and related “means” within the definition",
        "3.1.2 – The Republic of Moldova",
    ]
    assert not {"Art. 182", "APOV?", "R v Khan, Khan v Khan"} & {
        " ".join(u.heading.split()) for u in doc.units()
    }
    assert "Art. 182" in " ".join(numbered["3.4.4"].text.split())


def test_us_ag_guidelines_lettered_parts(corpus_real: Path) -> None:
    """Guidelines whose Articles are chapters: a lettered part is cited "III.B" and carries its Article
    in its path, and its numbered sections carry both ("III.D.2")."""
    doc = parse_txt(corpus_real, "us_ag_guidelines_victim_witness_assistance_2022")
    units = {u.label: u for u in doc.units()}
    assert {f"III.{x}" for x in "ABCDEFGHIJKLM"} <= set(units)
    assert [units[f"III.L.{n}"].page_start for n in range(1, 9)] == [33, 41, 45, 48, 50, 50, 51, 52]
    assert units["III.D"].heading == "Harm" and units["III.D"].path == ("Article III – WHO IS A VICTIM",)
    harm = next(u for u in doc.units() if u.heading == "Types of Harm")
    assert (harm.label, harm.number) == ("III.D.2", "2")
    assert harm.path == ("Article III – WHO IS A VICTIM", "III.D – Harm")


def test_pk_act_sections_skip_contents(corpus_real: Path) -> None:
    doc = parse_txt(corpus_real, "pk_bonded_labour_system_abolition_act_1992")
    secs = doc.numbered_units()
    assert [s.number for s in secs] == [str(n) for n in range(1, 22)]
    assert (
        secs[0].heading == "Short title, extent and commencement" and secs[0].page_start == 2
    )  # page 1 is the contents list
    assert all(s.heading for s in secs)  # headings run over lines before their ".–", past footnote marks
    assert secs[9].heading == "Duty of [District Coordination Officer] and other officers designated by him"
    assert secs[9].text.startswith("(1) The") and secs[12].heading.endswith("property to, bonded labourer")


# ---- PDFs through the reader and cleaner ----------------------------------------------------


def _page_of(pages: list[PageText], snippet: str) -> list[int]:
    return [p.number for p in pages if snippet in p.text]


def test_model_law_pdf(corpus_real: Path) -> None:
    doc = parse_pdf(corpus_real, "unodc_model_law_tip_2009")
    arts = [u for u in doc.units() if u.kind == "article"]
    assert [a.number for a in arts] == [str(n) for n in range(1, 39)]
    assert arts[7].heading == "Trafficking in persons" and arts[7].path[0].startswith("Chapter V")
    assert not any(a.heading.lower().startswith("commentary") for a in arts)


def test_sri_lanka_2015_pdf(corpus_real: Path) -> None:
    pages = pdf_pages(corpus_real, "lk_victims_witnesses_protection_act4_2015")
    doc = parse_document(pages, DocumentMeta(doc_id="lk2015", doc_type="law"))
    secs = doc.numbered_units()
    assert [s.number for s in secs if s.kind == "section"] == [str(n) for n in range(1, 47)]
    assert secs[0].heading == "Short title" and secs[1].heading == "Objects of the Act"
    assert all("Short title" not in s.text for s in secs)
    assert not any(
        "Assistance to and Protection of Victims of\nCrime" in s.text for s in secs
    )  # running header
    # page spans, checked against the page texts: where each section's first body line is printed
    for n in (3, 13, 28):
        s = secs[n - 1]
        first_line = s.text.splitlines()[0]
        assert s.page_start in _page_of(pages, first_line)
        assert s.page_end >= s.page_start


def test_sri_lanka_2023_pdf(corpus_real: Path) -> None:
    pages = pdf_pages(corpus_real, "lk_victims_witnesses_protection_act10_2023")
    secs = parse_document(pages, DocumentMeta(doc_id="lk2023", doc_type="law")).numbered_units()
    assert [s.number for s in secs if s.kind == "section"] == [str(n) for n in range(1, 106)]
    for s in secs:
        assert s.page_start in _page_of(pages, s.text.splitlines()[0][:40]) or s.page_start + 1 in _page_of(
            pages, s.text.splitlines()[0][:40]
        ), s.label


# ---- the fictional Veloria sample corpus shipped in the repo (corpus/) ------------------------

VELORIA = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("stem", "meta", "labels"),
    [
        ("veloria_ctip_law_draft_v1", {"doc_type": "draft_law"}, [f"Article {n}" for n in range(1, 32)]),
        ("veloria_ctip_law_draft_v2", {"doc_type": "draft_law"}, [f"Article {n}" for n in range(1, 33)]),
        (
            "veloria_ctip_law_ka",
            {"doc_type": "regulation", "language": "ka"},
            [f"მუხლი {n}" for n in range(1, 13)],
        ),
        (
            "veloria_border_instruction_ru",
            {"doc_type": "regulation", "language": "ru"},
            [f"Статья {n}" for n in range(1, 8)],
        ),
        (
            "veloria_compensation_procedure_hy",
            {"doc_type": "regulation", "language": "hy"},
            [f"Հոդված {n}" for n in range(1, 8)],
        ),
        (
            "veloria_hotline_rules_az",
            {"doc_type": "regulation", "language": "az"},
            [f"Maddə {n}" for n in range(1, 12)],
        ),
        ("veloria_labour_inspection_guide", {"doc_type": "guide"}, [f"Paragraph {n}" for n in range(1, 9)]),
        (
            "veloria_nrm_sop",
            {"doc_type": "sop"},
            [f"Paragraph {n}" for n in range(1, 8)] + ["Annex A", "Annex B"],
        ),
    ],
)
def test_veloria_sample_corpus(stem: str, meta: dict[str, str], labels: list[str]) -> None:
    if not (VELORIA / f"{stem}.pdf").exists():
        pytest.skip("sample corpus not built")
    doc = parse_document(pdf_pages(VELORIA.parent, stem, folder=VELORIA), DocumentMeta(doc_id=stem, **meta))
    assert [u.label for u in doc.numbered_units()] == labels
    assert all(u.heading for u in doc.numbered_units() if u.kind != "annex" or u.number)


@pytest.mark.parametrize("stem", PDF_DOCS)
def test_page_breaks_put_each_paragraph_on_its_printed_page(corpus_real: Path, stem: str) -> None:
    """A unit over several pages records where its text moves to the next page: the page it gives for
    each numbered paragraph is the one whose printed text (pypdf's, uncleaned) holds that paragraph's
    first line, where that line is printed on one page only."""
    import re

    import pypdf

    from ingest.model import page_at
    from search.pinpoint import divisions

    def norm(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    doc = parse_pdf(corpus_real, stem)
    printed = [
        norm(p.extract_text() or "") for p in pypdf.PdfReader(corpus_real / "pdf" / f"{stem}.pdf").pages
    ]
    checked, later = 0, 0
    for unit in doc.units():
        if unit.page_end == unit.page_start:
            assert unit.page_breaks == ()
            continue
        assert unit.page_breaks and all(unit.page_start < p <= unit.page_end for _, p in unit.page_breaks)
        for d in divisions(unit.text):
            line = next((x for x in unit.text[d.start : d.end].splitlines() if len(x.strip()) >= 15), "")
            on = [n + 1 for n, text in enumerate(printed) if line and norm(line)[:25] in text]
            if len(on) != 1:
                continue
            page = page_at(unit.page_breaks, d.start, unit.page_start)
            assert page == on[0], f"{unit.label}, paragraph {d.marker}: page {page}, printed on page {on[0]}"
            checked += 1
            later += page > unit.page_start
    assert checked >= 5 and later >= 1, (checked, later)

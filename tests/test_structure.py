"""Structure parser on small synthetic documents: heading detection (table), languages,
sub-structure, ids and numbers, margin notes, TOCs, and Hypothesis invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.model import DocumentMeta, LegalDocument, PageText
from ingest.structure import parse_document
from ingest.structure.lines import Line
from ingest.structure.outline import table_lines
from ingest.structure.patterns import id_number, number_key

META = DocumentMeta(doc_id="t", title="Test Act", language="en")


def parse(text: str, meta: DocumentMeta = META) -> LegalDocument:
    return parse_document([PageText(i + 1, p) for i, p in enumerate(text.split("\f"))], meta)


def labels(doc: LegalDocument) -> list[str]:
    return [u.label for u in doc.numbered_units()]


# A report's body paragraph: two full lines that run on, then a short one (outline tests).
REPORT_LINE = "The survey covered twelve States and their courts over a period of two years, and"
REPORT_PARA = f"{REPORT_LINE}\n{REPORT_LINE}\nended with a report.\n"


# (text, expected unit labels) — one row per case, the comment says what it guards.
HEADING_CASES = [
    # treaty style: number line, heading on the next line
    (
        "Article 1\n\nScope\n\nThis applies.\n\nArticle 2\n\nDefinitions\n\nIn this Act:",
        ["Article 1", "Article 2"],
    ),
    # lower-case cross-reference wrapped to a line start is running text
    (
        "Article 1\nPurpose\nThe offences established in accordance with\narticle 5 of this Protocol shall be offences.\n"
        "Article 2\nScope\nText.",
        ["Article 1", "Article 2"],
    ),
    # capitalised cross-reference at a line start ("Article 3 of this Protocol")
    (
        "Article 1\nPurpose\nThe conduct set forth in\nArticle 3 of this Protocol, when committed.\nArticle 2\nScope\nText.",
        ["Article 1", "Article 2"],
    ),
    # the wrap falls right after the number: "Article 3" + "of this Protocol"
    (
        "Article 1\nPurpose\nThe conduct set forth in\nArticle 3\nof this Protocol shall be punished.\nArticle 2\nScope\nText.",
        ["Article 1", "Article 2"],
    ),
    # "Article 6, paragraph 3, of the Protocol" in commentary
    (
        "Article 1. Title\nText.\nArticle 6, paragraph 3, of the Protocol obliges States.\nArticle 2. Scope\nText.",
        ["Article 1", "Article 2"],
    ),
    # a stray heading-like line far ahead in the numbering does not break the sequence
    (
        "Article 1\nA\nText.\nArticle 2\nB\nText.\nArticle 45\nQuoted\nText.\nArticle 3\nC\nText.\nArticle 4\nD\nText.",
        ["Article 1", "Article 2", "Article 3", "Article 4"],
    ),
    # a backwards "Article 1" (quoted by an amendment) is not a new unit
    (
        "Article 1\nA\nText.\nArticle 2\nB\nText.\nArticle 1\nQuoted\nText.\nArticle 3\nC\nText.",
        ["Article 1", "Article 2", "Article 3"],
    ),
    # abbreviations and capitals are cited canonically
    ("Art. 1 – Scope\nText.\nART. 2 – Terms\nText.", ["Article 1", "Article 2"]),
    ("ARTICLE 5 – Criminalization\nText.\nARTICLE 6 – Jurisdiction\nText.", ["Article 5", "Article 6"]),
    # US Code sections with insertions
    (
        "§ 1592. Documents\nText.\n§ 1593. Mandatory restitution\nText.\n§ 1593A. Benefitting\nText.\n§ 1594. General\nText.",
        ["§ 1592", "§ 1593", "§ 1593A", "§ 1594"],
    ),
    (
        "§ 7103. Task Force\nText.\n§ 7103a. Partnerships\nText.\n§ 7109b. Award\nText.",
        ["§ 7103", "§ 7103a", "§ 7109b"],
    ),
    # "under section 1591" and "Section 1591 of title 18" never start a unit
    (
        "Section 1. Offence\nA person who acts under section 1591\nSection 1591 of title 18 applies.\nSection 2. Penalty\nText.",
        ["Section 1", "Section 2"],
    ),
    # superscript and dashed insertions (Georgian/Russian codes)
    (
        "Article 143\nA\nText.\nArticle 143¹\nB\nText.\nArticle 143-2\nC\nText.\nArticle 144\nD\nText.",
        ["Article 143", "Article 143¹", "Article 143-2", "Article 144"],
    ),
    # model-law commentary: "Article 1 is redundant ..." stays in the text
    (
        "Article 1. [Title]\nThe Law.\nCommentary\nArticle 1 is redundant when there is a separate law.\nArticle 2. Commencement\nText.",
        ["Article 1", "Article 2"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), HEADING_CASES)
def test_heading_detection(text: str, expected: list[str]) -> None:
    assert labels(parse(text)) == expected


def test_heading_on_next_line_and_same_line() -> None:
    doc = parse("Article 1\n\nUse of terms\n\nFor the purposes:\n\nArticle 2 – Scope\nThis applies.")
    a1, a2 = doc.numbered_units()
    assert (a1.heading, a1.text) == ("Use of terms", "For the purposes:")
    assert (a2.heading, a2.text) == ("Scope", "This applies.")


def test_body_on_the_heading_line() -> None:
    doc = parse(
        "Article 1. The States Parties shall adopt such measures as may be necessary.\nArticle 2. Scope\nText."
    )
    a1, a2 = doc.numbered_units()
    assert (a1.heading, a1.text) == ("", "The States Parties shall adopt such measures as may be necessary.")
    assert (a2.heading, a2.text) == ("Scope", "Text.")


def test_body_first_line_is_not_a_heading_when_it_wraps() -> None:
    doc = parse(
        "Article 1\nThe States Parties shall adopt such measures as may be necessary to\nestablish offences.\nArticle 2\nScope\nText."
    )
    assert doc.numbered_units()[0].heading == ""


def test_heading_wrapped_over_two_lines() -> None:
    doc = parse(
        "Article 6\nAssistance to and protection of victims of trafficking\nin persons\n1. In appropriate cases.\nArticle 7\nStatus\nText."
    )
    art6 = doc.numbered_units()[0]
    assert art6.heading == "Assistance to and protection of victims of trafficking in persons"
    assert art6.text == "1. In appropriate cases."


def test_out_of_sequence_heading_is_reported() -> None:
    doc = parse("Article 1\nA\nText.\nArticle 2\nB\nText.\nArticle 1\nQuoted\nText.\nArticle 3\nC\nText.")
    assert any("'Article 1' on page 1 ignored" in w for w in doc.warnings)


def test_toc_entries_are_not_units() -> None:
    doc = parse(
        "Contents\nArticle 1. Title 3\nArticle 2. Scope 4\nArticle 3. Final 5\n\fArticle 1. Title\nBody one.\nArticle 2. Scope\nBody two.\nArticle 3. Final\nBody three."
    )
    units = doc.numbered_units()
    assert [u.label for u in units] == ["Article 1", "Article 2", "Article 3"]
    assert all(u.page_start == 2 for u in units)


def test_chapters_and_paths() -> None:
    doc = parse(
        "Title of treaty\n\nPreamble\n\nThe Parties agree.\n\nCHAPTER I\n\nGENERAL\n\nArticle 1\n\nPurpose\n\nText.\n\nCHAPTER II\n\nOFFENCES\n\nArticle 2\n\nOffence\n\nText."
    )
    pre, a1, a2 = doc.units()
    assert (pre.id, pre.kind, pre.text) == ("preamble", "preamble", "The Parties agree.")
    assert (a1.id, a1.path) == ("chp_1__art_1", ("Chapter I – GENERAL",))
    assert (a2.id, a2.path) == ("chp_2__art_2", ("Chapter II – OFFENCES",))


def test_toc_and_running_header_chapters_are_not_containers() -> None:
    toc = "Contents\nChapter I. General 1\nArticle 1. Purpose 1\nChapter II. Offences 2\nArticle 2. Offence 2\nArticle 3. Penalty 3\n"
    body = (
        "\fChapter I. General\nArticle 1. Purpose\nText.\nChapter II. Offences\nArticle 2. Offence\nText begins\n"
        "\fChapter II. Offences\nand continues.\nArticle 3. Penalty\nText."
    )
    doc = parse(toc + body)
    assert [(c.label, c.page_start, c.page_end) for c in doc.provisions if c.kind == "chapter"] == [
        ("Chapter I", 2, 2),
        ("Chapter II", 2, 3),
    ]
    assert [u.id for u in doc.numbered_units()] == ["chp_1__art_1", "chp_2__art_2", "chp_2__art_3"]


def test_bare_roman_chapters_of_treaties() -> None:
    doc = parse(
        "I\n\nGeneral provisions\n\nArticle 1\n\nPurpose\n\nText.\n\nII\n\nFinal provisions\n\nArticle 2\n\nEntry into force\n\nText."
    )
    assert [c.label for c in doc.provisions] == ["Chapter I", "Chapter II"]
    assert [u.id for u in doc.units()] == ["chp_1__art_1", "chp_2__art_2"]


def test_paragraphs_and_points() -> None:
    doc = parse(
        "Article 5\nCriminalization\n1. Each State shall act.\n2. Each State shall also:\na) attempting;\nb) participating; and\nc) organizing.\nArticle 6\nScope\nText."
    )
    art5 = doc.numbered_units()[0]
    assert [c.id for c in art5.children] == ["art_5__para_1", "art_5__para_2"]
    points = art5.children[1].children
    assert [p.id for p in points] == [
        "art_5__para_2__point_a",
        "art_5__para_2__point_b",
        "art_5__para_2__point_c",
    ]
    assert points[0].label == "Article 5(2)(a)" and points[2].text == "c) organizing."
    assert art5.text.startswith("1. Each State") and "c) organizing." in art5.text


def test_roman_points_after_h_are_letters() -> None:
    body = "\n".join(f"({c}) item {c};" for c in "abcdefghij")
    doc = parse(f"Article 1\nTerms\n{body}\nArticle 2\nScope\nText.")
    assert [c.number for c in doc.numbered_units()[0].children] == list("abcdefghij")


def test_us_code_levels() -> None:
    doc = parse(
        "§ 1591. Sex trafficking\n(a) Whoever knowingly\n(1) recruits; or\n(2) benefits,\nshall be punished.\n(b) The punishment is\n(1) a fine; and\n(A) more;\n§ 1592. Documents\nText."
    )
    sec = doc.numbered_units()[0]
    assert [c.id for c in sec.children] == ["sec_1591__point_a", "sec_1591__point_b"]
    assert [c.number for c in sec.children[1].children] == ["1"]
    assert sec.children[1].children[0].children[0].id == "sec_1591__point_b__subpoint_1__subpoint_a"


def test_gazette_sections_with_margin_notes() -> None:
    text = (
        "AN ACT TO PROVIDE FOR THINGS.\nBE it enacted by the Parliament as follows:-\n\x1fShort title.\n"
        "1. (1) This Act may be cited as the Test Act.\n(2) It comes into force on a date.\nPART I\nOBJECTS\n"
        "\x1fObjects of the\n\x1fAct.\n2. The objects of this Act shall be to-\n(a) do one thing;\n(b) do another.\n"
        '\f\x1fInterpretation.\n3. In this Act, unless the context otherwise requires-\n"Minister" means the Minister.'
    )
    doc = parse(text)
    s1, s2, s3 = doc.numbered_units()
    assert [(s.label, s.heading) for s in (s1, s2, s3)] == [
        ("Section 1", "Short title"),
        ("Section 2", "Objects of the Act"),
        ("Section 3", "Interpretation"),
    ]
    assert s2.id == "part_1__sec_2" and s2.path == ("Part I – OBJECTS",)
    assert "\x1f" not in "".join(p.text for p in doc.walk()) and "Short title" not in s1.text
    assert (s3.page_start, s3.page_end) == (2, 2)
    assert [c.id for c in s1.children] == ["sec_1__para_1", "sec_1__para_2"]


def test_pages_span_across_page_breaks() -> None:
    doc = parse("Article 1\nA\nStarts here\fand ends here.\nArticle 2\nB\nText.")
    a1, a2 = doc.numbered_units()
    assert (a1.page_start, a1.page_end, a2.page_start) == (1, 2, 2)


def test_empty_and_headingless_documents() -> None:
    empty = parse("\f  \f")
    assert (empty.provisions, empty.warnings) == ((), ("no text to parse",))
    plain = parse("Just some prose without any heading at all.\fMore prose.")
    (unit,) = plain.units()
    assert (unit.kind, unit.page_start, unit.page_end) == ("preamble", 1, 2)
    assert plain.warnings == ("no headings found: the whole text is one preamble unit",)


def test_numbering_gap_warning() -> None:
    doc = parse("Article 1\nA\nText.\nArticle 2\nB\nText.\nArticle 4\nD\nText.")
    assert labels(doc) == ["Article 1", "Article 2", "Article 4"]
    assert any("gap" in w for w in doc.warnings)


# Synthetic snippets (written for these tests) in the project's languages.
LANGUAGE_CASES = [
    (
        "ru",
        "Глава 1. Общие положения\nСтатья 1. Основные понятия\nТекст.\nСтатья 2. Цели\nТекст.",
        ["Статья 1", "Статья 2"],
        "chp_1__art_2",
        "Глава 1 – Общие положения",
    ),
    (
        "ru",
        "Раздел I\nОБЩАЯ ЧАСТЬ\nГлава 2\nСтатья 127¹. Торговля людьми\nТекст.\nСтатья 127². Использование рабского труда\nТекст.",
        ["Статья 127¹", "Статья 127²"],
        "part_1__chp_2__art_127_2",
        "Глава 2",
    ),
    (
        "ka",
        "თავი I. ზოგადი დებულებები\nმუხლი 1. კანონის მიზანი\nტექსტი.\nმუხლი 143¹. ადამიანით ვაჭრობა\nტექსტი.",
        ["მუხლი 1", "მუხლი 143¹"],
        "chp_1__art_143_1",
        "თავი I – ზოგადი დებულებები",
    ),
    (
        "ka",
        "კარი II\nთავი III\nმუხლი 5. ტერმინები\nტექსტი.\nმუხლი 6. მიზნები\nტექსტი.",
        ["მუხლი 5", "მუხლი 6"],
        "part_2__chp_3__art_6",
        "თავი III",
    ),
    (
        "hy",
        "Գլուխ 2. Հիմնական դրույթներ\nՀոդված 5. Մարդկանց թրաֆիքինգ\nՏեքստ.\nՀոդված 6. Տուժողներ\nՏեքստ.",
        ["Հոդված 5", "Հոդված 6"],
        "chp_2__art_6",
        "Գլուխ 2 – Հիմնական դրույթներ",
    ),
    (
        "az",
        "Fəsil 2. Ümumi müddəalar\nMaddə 5. İnsan alveri\nMətn.\nMaddə 6. Qurbanlar\nMətn.",
        ["Maddə 5", "Maddə 6"],
        "chp_2__art_6",
        "Fəsil 2 – Ümumi müddəalar",
    ),
    (
        "nl",
        "Hoofdstuk II\nStrafbepalingen\nAfdeling 1\nArtikel 5\nMensenhandel\nTekst.\nArtikel 6\nUitbuiting\nTekst.",
        ["Artikel 5", "Artikel 6"],
        "chp_2__dvs_1__art_6",
        "Afdeling 1",
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected", "last_id", "last_crumb"), LANGUAGE_CASES)
def test_languages(lang: str, text: str, expected: list[str], last_id: str, last_crumb: str) -> None:
    doc = parse(text, META.with_(language=lang))
    units = doc.numbered_units()
    assert [u.label for u in units] == expected
    assert units[-1].id == last_id and units[-1].path[-1] == last_crumb


def test_non_latin_list_letters_and_caseless_headings() -> None:
    ru = parse("Статья 1. Понятия\n1. В настоящем законе:\nа) первое;\nб) второе.\nСтатья 2. Цели\nТекст.")
    points = ru.numbered_units()[0].children[0].children
    assert [(p.number, p.id) for p in points] == [
        ("а", "art_1__para_1__point_1"),
        ("б", "art_1__para_1__point_2"),
    ]
    ka = parse(
        "თავი I ზოგადი დებულებები\nმუხლი 1 ტერმინები\nა) პირველი;\nბ) მეორე.\nმუხლი 2 მიზნები\nტექსტი."
    )
    art1 = ka.numbered_units()[0]
    assert (art1.id, art1.heading, art1.path) == (
        "chp_1__art_1",
        "ტერმინები",
        ("თავი I – ზოგადი დებულებები",),
    )
    assert [p.number for p in art1.children] == ["ა", "ბ"]


def test_report_numbered_paragraphs_and_preface() -> None:
    paras = "\n".join(f"{n}. The Committee notes point {n} at some length here." for n in range(1, 8))
    doc = parse(
        f"GENERAL COMMENT\nFinal version\n\nI. OBJECTIVES\n{paras}",
        DocumentMeta(doc_id="r", doc_type="report"),
    )
    units = doc.units()
    assert units[0].kind == "preamble" and units[0].text == "GENERAL COMMENT\nFinal version"
    assert [u.label for u in units[1:3]] == ["Paragraph 1", "Paragraph 2"] and units[1].kind == "clause"
    assert units[1].id == "chp_1__clause_1"


def test_numbered_paragraph_ending_in_a_citation_is_not_a_toc_entry() -> None:
    paras = [f"{n}. The Committee notes point {n} at some length here." for n in range(1, 5)]
    paras.insert(
        2, "3. State obligations deriving from article 38 and from articles 3\nand 4 of the Protocol apply."
    )
    paras.pop(3)
    doc = parse("\n".join(paras), DocumentMeta(doc_id="r", doc_type="report"))
    assert [u.number for u in doc.numbered_units()] == ["1", "2", "3", "4"]


def test_policy_outline_headings() -> None:
    text = "Guide\n\n1. Introduction\nThis guide explains things at length.\n1.1 Background\nMore text here.\n2. Identification\nText.\nANNEXED FORMS\nForms."
    doc = parse(text, DocumentMeta(doc_id="g", doc_type="guide"))
    assert [(u.id, u.heading) for u in doc.units()] == [
        ("preamble", ""),
        ("clause_1", "Introduction"),
        ("clause_1_1", "Background"),
        ("clause_2", "Identification"),
        ("clause_h1", "ANNEXED FORMS"),
    ]


def test_wrapped_list_items_and_lettered_headings_of_a_plan() -> None:
    """A list item that fills its line and runs on is not a heading cut at the line's end; a
    lettered heading printed over two lines keeps both; the letter is its number."""
    body = "Member States shall take the measures set out below in good faith, each according to its law."
    text = (
        f"Plan of Action\n\n{body}\n\n"
        "1. Strengthen the rule of law and border control among all\nMember States of the region;\n\n"
        "2. Intensify efforts to prosecute trafficking in persons cases\nbefore the courts; and\n\n"
        f"A. Prevention of Trafficking in Persons\n\n{body}\n\n"
        f"B. Law Enforcement and Prosecution of Crimes of\nTrafficking in Persons\n\n{body}\n"
    )
    doc = parse(text, DocumentMeta(doc_id="p", doc_type="policy"))
    units = doc.units()
    assert [(u.number, u.label, u.heading) for u in units[1:]] == [
        ("A", "A. Prevention of Trafficking in Persons", "Prevention of Trafficking in Persons"),
        (
            "B",
            "B. Law Enforcement and Prosecution of Crimes of Trafficking in Persons",
            "Law Enforcement and Prosecution of Crimes of Trafficking in Persons",
        ),
    ]
    assert "border control among all\nMember States of the region;" in units[0].text  # the items stay whole


def test_a_sentence_broken_after_a_footnote_mark_is_not_a_heading() -> None:
    """ "... the Convention." / "5" (a footnote mark) / "The mandate of the" / "COP originally ...":
    a heading does not end with "the"."""
    line = "The survey covered twelve States and their courts over a period of two years,"
    text = (
        f"1.1 Background\n{line}\n{line}\nand the Conference was set up to promote the Convention.\n5\n"
        f"The mandate of the\nCOP originally applied only to the Convention, later to the Protocols.\n{line}\n"
        f"1.2 Methodology\n{line}\n{line}\nwith interviews."
    )
    doc = parse(text, DocumentMeta(doc_id="g", doc_type="guide"))
    assert [u.heading for u in doc.units()] == ["Background", "Methodology"]


def test_quoted_lines_table_heads_and_sentence_ends_are_not_headings() -> None:
    """Short stand-alone lines of a report that are not headings: what a colon introduces ("... reads
    as follows:" / "Human trafficking"), a case name whose sentence goes on after a footnote mark ("R v Khan" /
    "167" / "concerned ..."), and the end of a sentence in capitals ("... vitiated by" / "APOV?")."""
    para = REPORT_PARA
    text = (
        f"1 Background\n{para}1.1 Switzerland\n{para}The Penal Code reads as follows:\nHuman trafficking\n"
        f"Any person who trades in a human being is liable to a custodial sentence.\n{para}"
        f"1.2 United Kingdom\nThe following cases bear on this question.\nR v Khan, Khan v Khan\n167\n"
        f"concerned the exploitation of workers.\n{para}"
        f"1.3 Consent\n{para}• Does the finding that consent was vitiated depend on the means used by\n"
        f"APOV?\nHow can the concept be explained to juries and judges in cases of this kind?\n{para}"
        f"CONCLUSIONS\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    assert [u.heading for u in doc.units()] == [
        "Background",
        "Switzerland",
        "United Kingdom",
        "Consent",
        "CONCLUSIONS",
    ]
    assert "Human trafficking\nAny person" in doc.units()[1].text


def test_a_line_introducing_a_list_is_not_a_heading_but_a_question_is() -> None:
    """ "A relevant application is" / "(a) an application for ..." goes on into its list; "What it is" is a
    guide's heading."""
    para = REPORT_PARA * 3
    text = (
        f"1 Background\n{para}1.1 Applications\n{para}A relevant application is\n"
        f"(a)an application for a residence permit made by the separated child or another person under the\n"
        f"rules for leave to enter, or\n(b)an application for asylum.\n\n{para}"
        f"1.2 Identification\n{para}What it is\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    assert [u.heading for u in doc.units()] == ["Background", "Applications", "Identification", "What it is"]


def test_a_tables_caption_column_heads_and_row_labels_are_not_headings() -> None:
    """The AG report's tables: a caption in capitals, column heads and row labels on lines of their
    own ("Median Time", "T Nonimmigrant"), then rows of figures, stay in the section's text."""
    para = REPORT_PARA
    table = (
        "FY 2015 MEAN AND MEDIAN PROCESSING TIMES\n\nType Mean Time\nReceipt to\nAdjudication\n"
        "Median Time\nReceipt to\nAdjudication\nT Nonimmigrant\n(Principal)\n7.99 7.3 3.99 3.6\n"
        "U Nonimmigrant\n(Principal)\n12.43 11.2 6.01 5.8\n\n"
    )
    text = f"1 Benefits\n{para}1.1 T and U Nonimmigrant Status\n{para}{table}{para}\n1.2 Adjustment\n{para}"
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    assert [u.heading for u in doc.units()] == ["Benefits", "T and U Nonimmigrant Status", "Adjustment"]
    assert "Median Time" in doc.units()[1].text and "12.43 11.2" in doc.units()[1].text


@pytest.mark.parametrize(
    ("rows", "table"),
    [
        (
            [
                "LSC Grantee Name LSC Staff Closures",
                "Central Minnesota Legal Services, Inc. 93",
                "Texas Legal Aid 61",
                "Legal Aid of Western Ohio, Inc. 17",
            ],
            True,
        ),
        (["FY VICTIMS TOTALS", "2011 967 557 223", "2012 885 674 194", "* prior filings"], True),
        # dates and a telephone number are not a table ("Published" / "28 May 2019" on a web page)
        (["Published", "28 May 2019", "Last updated", "3 June 2024", "Telephone: 0207 035 5689"], False),
        (
            ["Islamabad, the 1st June, 2018", "ISLAMABAD, SATURDAY JUNE 2, 2018", "PART I", "Price 5.00"],
            False,
        ),
    ],
)
def test_table_lines(rows: list[str], table: bool) -> None:
    prose = "The survey covered twelve States and their courts over a period of two years, and more."
    lines = [Line(prose, 1), *(Line(r, 1) for r in rows), Line(prose, 1)]
    found = table_lines(lines, 0, len(lines), len(prose))
    assert found == (set(range(1, len(rows) + 1)) if table else set())


def test_report_outline_with_bare_chapter_numbers_and_wrapped_headings() -> None:
    """ "2 The concept ..." (no full stop) is a chapter when its "2.1" follows; "2.2 ... of the" /
    "definition" is one heading; "2.1" after "1.2" is taken even if its chapter line is not."""
    para = REPORT_PARA
    text = (
        f"1 Background\n{para}1.1 Context of this study\n{para}1.2 Mandate\n{para}"
        f"2 The concept in international law and policy\n{para}2.1 Introduction\n{para}"
        f"2.2 The Trafficking in Persons Protocol and the means element of the\ndefinition\n{para}"
        f"2.3 Regional instruments\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    assert [(u.number, u.heading) for u in doc.units()] == [
        ("1", "Background"),
        ("1.1", "Context of this study"),
        ("1.2", "Mandate"),
        ("2", "The concept in international law and policy"),
        ("2.1", "Introduction"),
        ("2.2", "The Trafficking in Persons Protocol and the means element of the definition"),
        ("2.3", "Regional instruments"),
    ]
    without_chapter = parse(text.replace("2 The concept in international law and policy\n", ""))
    assert [u.number for u in without_chapter.units()] == ["1", "1.1", "1.2", "2.1", "2.2", "2.3"]


def test_outline_sections_carry_the_sections_above_them_in_their_path() -> None:
    """ "2.1.1 Understanding" under "2.1 Egypt" under "2 Practice": a hit on it must say which country
    it is about. Units stay side by side (ids unchanged); a section that is not above ("2.1" for
    "2.2.1") is closed."""
    para = REPORT_PARA
    text = (
        f"1 Background\n{para}1.1 Context\n{para}"
        f"2 National practice\n{para}2.1 Egypt\n{para}2.1.1 Understanding of the law\n{para}"
        f"2.2 Moldova\n{para}2.2.1 Understanding of the law\n{para}3 Conclusions\n{para}3.1 Findings\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    assert [(u.id, u.path) for u in doc.units()] == [
        ("clause_1", ()),
        ("clause_1_1", ("1 – Background",)),
        ("clause_2", ()),
        ("clause_2_1", ("2 – National practice",)),
        ("clause_2_1_1", ("2 – National practice", "2.1 – Egypt")),
        ("clause_2_2", ("2 – National practice",)),
        ("clause_2_2_1", ("2 – National practice", "2.2 – Moldova")),
        ("clause_3", ()),
        ("clause_3_1", ("3 – Conclusions",)),
    ]


def test_lettered_parts_hold_the_numbered_sections_that_follow_them() -> None:
    """A report: "B. Department of Justice" printed right above its "1. Office of Justice Programs" is
    a heading (not a form's field name); sections that number from 1 again under each lettered part
    carry it in their path and their citation label ("B.1"; "IV.C.1" in chapter IV), their number
    stays "1"."""
    para = REPORT_PARA
    text = (
        f"Annual report\n\n{para}A. Department of Health\n{para}1. Capacity and leadership\n{para}"
        f"B. Department of Justice\n1. Office of Justice Programs\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    assert [(u.label, u.number, u.path) for u in doc.units()[1:]] == [
        ("A. Department of Health", "A", ()),
        ("A.1", "1", ("A. Department of Health",)),
        ("B. Department of Justice", "B", ()),
        ("B.1", "1", ("B. Department of Justice",)),
    ]


def test_a_lettered_part_right_after_a_short_chapter_introduction() -> None:
    """The AG report PDF: chapter IV's introduction is short, so nothing splits it, and its first
    lettered part "A. Department of Health" stands right above the numbered section "1." that ends
    it. The part is still a heading, and the sections under it are cited "IV.A.1" … "IV.A.3"."""
    para = REPORT_PARA + "\n"
    text = (
        f"I. Introduction\n{para}II. Activities\n{para}III. Recommendations\n{para}"
        f"IV. Benefits and Services\n{para}A. Department of Health\n\n1. Capacity and leadership\n{para}"
        f"2. Benefits for foreign nationals\n{para}3. Interagency coordination\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    part_a = "IV.A – Department of Health"
    chapter = "IV – Benefits and Services"
    assert [(u.label, u.path) for u in doc.units() if u.number] == [
        ("IV.A", (chapter,)),
        ("IV.A.1", (chapter, part_a)),
        ("IV.A.2", (chapter, part_a)),
        ("IV.A.3", (chapter, part_a)),
    ]


def test_a_long_appendix_of_running_text_is_split_at_its_headings() -> None:
    """A report's appendix that lists conclusions by topic over many pages is split at its topic
    headings, cited "Appendix 1, Compensation" with the appendix in their path; a long appendix of
    tables stays one unit (its cells are not headings)."""
    para = REPORT_PARA + "\n"
    topics = ["Right to information", "Compensation", "Non-punishment provision"]
    appendix = "".join(f"{t}\n\n{para * 80}" for t in topics)
    rows = "".join(
        f"Grantee Organisation {n} Kastelmar Veloria Shelter Services NGO $ {n},000 FY 15 x\n"
        for n in range(600)
    )
    body = "".join(f"{n}. {para}" for n in range(1, 6))  # paragraphs numbered through the report
    text = f"{body}Appendix 1 - List of conclusions\n\n{para}{appendix}Appendix 2 - Funds obligated\n\n{rows}"
    doc = parse(text, DocumentMeta(doc_id="r", doc_type="report"))
    annex = "Appendix 1 – List of conclusions"
    assert [(u.label, u.path) for u in doc.units() if not u.number or u.kind == "annex"] == [
        ("Appendix 1", ()),
        ("Appendix 1, Right to information", (annex,)),
        ("Appendix 1, Compensation", (annex,)),
        ("Appendix 1, Non-punishment provision", (annex,)),
        ("Appendix 2", ()),
    ]


def test_a_guides_article_split_into_lettered_parts_and_their_sections() -> None:
    """A guide's long Article II with parts "A.", "B.", "C.": each part is cited "II.B", its sections
    number from 1 again ("II.C.1" after "II.B.2"), a long section heading followed by its first
    lettered item ("a. Statement of purpose") is a heading, not a list item that runs on, and a table's
    "TOTAL 3,889" is not a heading."""
    para = REPORT_PARA + "\n"
    block = para * 45
    long = "2. Victims of Domestic Violence, Sexual Assault, Stalking, and Human Trafficking"
    text = (
        f"Article I\nGENERAL\n{para}Article II\nWHO IS A VICTIM\n"
        f"A. Introduction\n{block}B. Harm\n1. Direct harm\n{block}{long}\na. Statement of purpose\n{block}"
        f"C. Specific populations\n1. Child victims\n{block}2. Older victims\nTOTAL 3,889\n{block}"
        f"Article III\nRIGHTS\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="g", doc_type="guide"))
    article = "Article II – WHO IS A VICTIM"
    assert [(u.label, u.path) for u in doc.units() if u.kind == "clause"] == [
        ("II.A", (article,)),
        ("II.B", (article,)),
        ("II.B.1", (article, "II.B – Harm")),
        ("II.B.2", (article, "II.B – Harm")),
        ("II.C", (article,)),
        ("II.C.1", (article, "II.C – Specific populations")),
        ("II.C.2", (article, "II.C – Specific populations")),
    ]


def test_paragraphs_numbered_through_a_report_keep_their_labels_under_a_lettered_part() -> None:
    """A report whose paragraphs run 1, 2, 3 … through the document, with lettered parts between them:
    a paragraph under "B." sits in it (path) but is still cited "Paragraph 2", not "B.2"."""
    para = REPORT_PARA + "\n"
    block = para * 35
    text = (
        f"1. The Committee adopted this general comment.\n{block}A. Identification of victims\n\n{block}"
        f"B. Referral of victims\n\n{block}"
        f"2. States should identify victims promptly.\n{para}3. States should refer victims.\n{para}"
    )
    doc = parse(text, DocumentMeta(doc_id="gc", doc_type="report"))
    assert [(u.label, u.path) for u in doc.units()] == [
        ("Paragraph 1", ()),
        ("A. Identification of victims", ()),
        ("B. Referral of victims", ()),
        ("Paragraph 2", ("B. Referral of victims",)),
        ("Paragraph 3", ("B. Referral of victims",)),
    ]


def test_gazette_run_in_headings_over_several_lines() -> None:
    """ "10. Duty of" / "7" (a footnote mark) / "[Officer] and others designated by" / "him.– (1) The ...":
    the heading runs to the ".–", and what follows it is the body."""
    text = (
        "9. Power to make rules.– The Government may make rules.\n"
        "10. Duty of\n7\n[District Officer] and other officers designated by\nhim.– (1) The officer shall act.\n"
        "(2) He may inquire.\n"
        "11. Punishment for omission or failure to restore property to,\nbonded labourer.– Whoever fails.\n"
    )
    doc = parse(text, DocumentMeta(doc_id="pk", doc_type="act"))
    assert [(u.number, u.heading) for u in doc.numbered_units()] == [
        ("9", "Power to make rules"),
        ("10", "Duty of [District Officer] and other officers designated by him"),
        ("11", "Punishment for omission or failure to restore property to, bonded labourer"),
    ]
    assert doc.numbered_units()[1].text.startswith("(1) The officer shall act.")


@pytest.mark.parametrize(
    ("number", "ident", "key"),
    [
        ("5", "5", (5, 0, "")),
        ("143¹", "143_1", (143, 1, "")),
        ("143-1", "143_1", (143, 1, "")),
        ("7103a", "7103a", (7103, 0, "a")),
        ("1593A", "1593a", (1593, 0, "a")),
        ("II", "2", (2, 0, "")),  # roman chapter numbers become arabic in ids
    ],
)
def test_numbers(number: str, ident: str, key: tuple[int, int, str]) -> None:
    assert id_number(number) == ident and number_key(number) == key


# ---- Hypothesis invariants -------------------------------------------------------------------

_words = st.sampled_from(
    [
        "the",
        "State",
        "shall",
        "article 5",
        "Article 3 of this Protocol",
        "(a)",
        "1.",
        "victims",
        "§ 1591",
        "CHAPTER",
    ]
)
_sentence = st.lists(_words, min_size=1, max_size=12).map(lambda w: " ".join(w) + ".")
_para = st.lists(_sentence, min_size=1, max_size=4).map(" ".join)


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = []
    for n in range(1, draw(st.integers(1, 8)) + 1):
        if draw(st.booleans()):
            parts.append(f"CHAPTER {n}\nPART TITLE {n}")
        marker = draw(
            st.sampled_from(
                ["Article {n}\nHeading {n}", "Article {n}. Heading", "§ {n}. Heading", "{n}. (1) Body"]
            )
        )
        parts.append(marker.format(n=n))
        for m, para in enumerate(draw(st.lists(_para, min_size=0, max_size=4)), 1):
            parts.append(f"{m}. {para}" if draw(st.booleans()) else para)
            if draw(st.integers(0, 4)) == 0:
                parts.append("\f")
    return "\n".join(parts).replace("\n\f\n", "\f")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_invariants_on_generated_documents(text: str) -> None:
    doc = parse(text)
    ids = [p.id for p in doc.walk()]
    assert len(ids) == len(set(ids))
    n_pages = text.count("\f") + 1
    for p in doc.walk():
        assert 1 <= p.page_start <= p.page_end <= n_pages, p.id
    assert parse(text) == doc  # deterministic


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_parses(text: str) -> None:
    doc = parse(text)
    assert len({p.id for p in doc.walk()}) == len(list(doc.walk()))

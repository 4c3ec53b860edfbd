"""Metadata: manifest parsing, precedence, and inference that leaves unknowns empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import InputError
from ingest.metadata import (
    LanguageDetector,
    MetadataOverrides,
    build_meta,
    infer_language,
    infer_title,
    infer_year,
    load_manifest,
    slugify,
)
from ingest.model import PageText


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("lk_victims_witnesses_protection_act4_2015", "lk_victims_witnesses_protection_act4_2015"),  # kept
        ("Draft Law v2 (final)", "draft_law_v2_final"),  # spaces and brackets
        ("Müller–Gesetz", "muller_gesetz"),  # accents folded, dash replaced
        (
            "კანონი",
            "doc_" + __import__("hashlib").sha1("კანონი".encode()).hexdigest()[:10],
        ),  # no ASCII: hashed, never empty
    ],
)
def test_slugify(stem: str, expected: str) -> None:
    assert slugify(stem) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Assistance to and Protection of Victims of Crime and Witnesses Act, No. 4 of 2015", 2015),
        ("Forced Labour Convention, 1930 (No. 29)", 1930),
        ("National Policy on Assistance to Victims 2025–2028", 2028),  # a period: its last year
        ("Law on Combating Trafficking in Human Beings", None),  # no year: stays empty
    ],
)
def test_infer_year(title: str, expected: int | None) -> None:
    assert infer_year(title) == expected


def test_infer_title_skips_page_numbers_and_stops_at_sentence() -> None:
    pages = [
        PageText(1, "3\nLAW OF THE REPUBLIC OF VELORIA\nON COMBATING TRAFFICKING\n\nChapter I\nArticle 1.")
    ]
    title = infer_title(pages)
    assert title.startswith("LAW OF THE REPUBLIC OF VELORIA ON COMBATING TRAFFICKING")
    assert "3" not in title.split()[0]


_HEADER = "Veloriya Respublikası — İnsan alverinə qarşı qaynar xəttin Qaydaları — 2025"
_FIRST_PAGE = (
    f"{_HEADER}\n Veloriya Respublikası\n İnsan alverinə qarşı qaynar xəttin fəaliyyəti Qaydaları\n"
    " Layihə — 2025-ci il 15 dekabr\nFəsil I. Ümumi müddəalar\nMaddə 1. Qaydaların məqsədi\n1. Bu Qaydalar ..."
)


@pytest.mark.parametrize(
    ("second_page", "expected"),
    [
        # the header line again on top of page 2: a running header (cleaning keeps it in a 2-page
        # document), so the title block below it names the document
        (
            f"{_HEADER}\nMaddə 8. Zənglərin yazılması\n1. Zənglər ...",
            "İnsan alverinə qarşı qaynar xəttin fəaliyyəti Qaydaları",
        ),
        # page 2 starts with something else: the first line is the title block as before
        ("Maddə 8. Zənglərin yazılması\n1. Zənglər ...", _HEADER),
    ],
)
def test_infer_title_skips_a_running_header_of_a_short_document(second_page: str, expected: str) -> None:
    assert infer_title([PageText(1, _FIRST_PAGE), PageText(2, second_page)]) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # a treaty's long title line above "Preamble" (too long for an ordinary title block)
        (
            "Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the United "
            "Nations Convention against Transnational Organized Crime\n\nPreamble\n\nThe States Parties,",
            "Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the United "
            "Nations Convention against Transnational Organized Crime",
        ),
        # Dutch, its title line ending with a period, the heading in capitals; the preamble not taken
        (
            "Protocol tegen de smokkel van migranten over land, tot aanvulling van het Verdrag.\n\n"
            "PREAMBULE\n\nDe Staten die partij zijn bij dit Protocol,",
            "Protocol tegen de smokkel van migranten over land, tot aanvulling van het Verdrag",
        ),
        (
            "Verdrag van de Raad van Europa inzake bestrijding van mensenhandel\n\nPreambule\n\n"
            "De lidstaten van de Raad van Europa, Overwegend dat",
            "Verdrag van de Raad van Europa inzake bestrijding van mensenhandel",
        ),
    ],
)
def test_infer_title_above_a_preamble(head: str, expected: str) -> None:
    assert infer_title([PageText(1, head + " het doel ...\n\nArtikel 1\n\nTekst.")]) == expected


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ადამიანით ვაჭრობა არის ადამიანის ყიდვა ან გაყიდვა ექსპლუატაციის მიზნით. " * 3, "ka"),  # script
        ("Մարդկանց թրաֆիքինգը պատժվում է ազատազրկմամբ, ինչպես նախատեսված է օրենքով: " * 3, "hy"),
        ("Торговля людьми наказывается лишением свободы на срок от восьми до пятнадцати лет. " * 3, "ru"),
        ("Trafficking in persons shall be punished by imprisonment of eight to fifteen years. " * 3, "en"),
        ("Mensenhandel wordt gestraft met een gevangenisstraf van ten hoogste twaalf jaren. " * 3, "nl"),
        ("İnsan alveri cinayətdir və qanunla cəzalandırılır, zərərçəkənlərə yardım göstərilir. " * 3, "az"),
        ("12 34 56 -- §§", ""),  # too little text: unknown, not a guess
    ],
)
def test_infer_language(text: str, expected: str, detector: LanguageDetector) -> None:
    assert infer_language(text, detector) == expected


def test_manifest_and_flag_precedence(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        '[documents."law.txt"]\ntitle = "Manifest title"\njurisdiction = "Veloria"\nyear = 2025\n',
        encoding="utf-8",
    )
    manifest = load_manifest(tmp_path)
    flags = MetadataOverrides(jurisdiction="Georgia")
    given = flags.merged_over(manifest["law.txt"])
    pages = [
        PageText(
            1, "Some Other Heading\n\nArticle 1\nText of the law in English, long enough to detect. " * 3
        )
    ]
    meta = build_meta(path=tmp_path / "law.txt", sha256="abc", pages=pages, given=given, detector=None)
    assert meta.title == "Manifest title"  # manifest beats inference
    assert meta.jurisdiction == "Georgia"  # flag beats manifest
    assert meta.year == 2025
    assert meta.doc_id == "law"
    assert meta.source == "law.txt"
    assert meta.doc_type == ""  # never guessed


def test_invalid_manifest_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text("[documents\n", encoding="utf-8")
    with pytest.raises(InputError, match="invalid manifest"):
        load_manifest(tmp_path)


@pytest.mark.parametrize(
    ("pdf", "expected"),
    [
        # gazette cover: the act's name, not "PARLIAMENT OF THE ..." or the printer's notice
        (
            "lk_victims_witnesses_protection_act4_2015.pdf",
            "ASSISTANCE TO AND PROTECTION OF VICTIMS OF CRIME AND WITNESSES ACT, No. 4 OF 2015",
        ),
        # its first title line is also the running header of later pages (in mixed case)
        (
            "lk_victims_witnesses_protection_act10_2023.pdf",
            "ASSISTANCE TO AND PROTECTION OF VICTIMS OF CRIME AND WITNESSES ACT, No. 10 OF 2023",
        ),
        ("lk_penal_code_amendment_act16_2006.pdf", "PENAL CODE (AMENDMENT) ACT, No. 16 OF 2006"),
        # two-line title, stops before "I. Introduction"
        (
            "asean_plan_of_action_tip_2015.pdf",
            "ASEAN Plan of Action Against Trafficking in Persons, Especially Women and Children",
        ),
        # "U.S." at a line end is an abbreviation, not the end of a sentence
        (
            "us_ag_annual_report_congress_tip_fy2015.pdf",
            "Attorney General’s Annual Report to Congress and Assessment of U.S. Government Activities to Combat "
            "Trafficking in Persons",
        ),
        ("unodc_model_law_tip_2009.pdf", "Model Law against Trafficking in Persons"),
        # the issuing department and its address above the title, the date of effect below it
        (
            "us_ag_guidelines_victim_witness_assistance_2022.pdf",
            "The Attorney General Guidelines for Victim and Witness Assistance 2022 Edition",
        ),
        # the committee, its session and dates above the title
        ("un_crc_general_comment_6_2005.pdf", "GENERAL COMMENT NO. 6 (2005)"),
    ],
)
def test_title_of_real_pdfs(corpus_real: Path, pdf: str, expected: str) -> None:
    from ingest.clean import clean_pages
    from ingest.readers import read_pages

    pages = clean_pages(read_pages(corpus_real / "pdf" / pdf))
    assert infer_title(pages) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the state above the title and the draft mark below it are not part of it (ru, ka)
        (
            "Республика Велория\nИнструкция о порядке выявления жертв\nторговли людьми на границе\n"
            "Проект — 3 ноября 2025 года\n\nСтатья 1. Предмет",
            "Инструкция о порядке выявления жертв торговли людьми на границе",
        ),
        (
            "ველორიის რესპუბლიკა\nდებულება ტრეფიკინგის მსხვერპლთა თავშესაფრის შესახებ\n"
            "პროექტი — 2025 წლის 10 ოქტომბერი\nშრომის სამინისტრო\n\nმუხლი 1. მიზანი",
            "დებულება ტრეფიკინგის მსხვერპლთა თავშესაფრის შესახებ",
        ),
        # ... and the approval line under an English one; a state's name in the title line itself stays
        (
            "REPUBLIC OF VELORIA\nStandard Operating Procedures of the National Referral Mechanism\n"
            "Approved by the National Coordination Council\n\n1. Purpose",
            "Standard Operating Procedures of the National Referral Mechanism",
        ),
        (
            "Republic of Armenia Law on Combating Trafficking\n\nArticle 1. Subject",
            "Republic of Armenia Law on Combating Trafficking",
        ),
        # a date of effect under the title is not part of it; a title that starts with the word is
        (
            "REPUBLIC OF VELORIA\nEffective Remedies for Victims Act\nEffective 1 May 2024\n\nSection 1. Title",
            "Effective Remedies for Victims Act",
        ),
    ],
)
def test_title_without_masthead_or_draft_mark(text: str, expected: str) -> None:
    assert infer_title([PageText(1, text)]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a tagline printed with the title is not part of it ("A ..." and the lines that go on with it)
        (
            "A practical handbook\nfor labour inspectors and\nsocial workers\nGuide on Referring\n"
            "Victims of Forced Labour\n\n1. Introduction\nThis guide explains referral.",
            "Guide on Referring Victims of Forced Labour",
        ),
        (
            "SCREENING OF WORKERS\nA Joint Office of the Labour Inspectorate and the\nNational Referral Centre\n"
            "Trainers' Guide\n\n1. Introduction\nThis guide explains screening.",
            "SCREENING OF WORKERS Trainers' Guide",
        ),
        # the body issuing it above an instrument named in capitals; the title goes on while its phrase does
        (
            "Office of the National Rapporteur\non Trafficking\nGUIDANCE NOTE\non the referral of\n"
            "child victims,\nand children at risk\nof exploitation\nNR(2025)01\n\n1. Introduction\nText.",
            "GUIDANCE NOTE on the referral of child victims, and children at risk of exploitation",
        ),
        # ... but a subject above it is the title ("Access to shelter" / "MONITORING REPORT")
        (
            "Access to shelter\nfor adult victims\nMONITORING REPORT\nVELORIA\nNR(2025)02\n\n1. Introduction\nText.",
            "Access to shelter for adult victims MONITORING REPORT VELORIA",
        ),
        # a saved web page: its title, then the same line as the page's heading
        (
            "Referral of victims: guidance for first responders, including the duty to notify\n"
            "Referral of victims: guidance for first responders, including the duty to notify\n"
            "Updated: 1 May 2025\nGuidance\nContents\nIntroduction\n",
            "Referral of victims: guidance for first responders, including the duty to notify",
        ),
    ],
)
def test_title_without_tagline_or_issuer(text: str, expected: str) -> None:
    assert infer_title([PageText(1, text)]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an article heading is never the title, and nothing after it is
        ("LEAGUE OF NATIONS.\n\nArticle 1\n1. Each Member undertakes...\nShort line", ""),
        ("§ 1581. Peonage\n(a) Whoever holds...", ""),
        ("მუხლი 1. მიზანი\nეს კანონი...", ""),
        # a title set in emphasis at the start of a line of running text
        (
            "VOLKENBOND.\n\n*Verdrag betreffende den gedwongen arbeid.*De algemeene Conferentie...",
            "Verdrag betreffende den gedwongen arbeid",
        ),
        # a long first line naming an instrument, right above the first article
        (
            "Wetboek van Strafrecht (Netherlands Criminal Code), Titel XVIII Misdrijven tegen de persoonlijke "
            "vrijheid\n\nArtikel 273f\n1. Als schuldig aan mensenhandel...",
            "Wetboek van Strafrecht (Netherlands Criminal Code), Titel XVIII Misdrijven tegen de persoonlijke "
            "vrijheid",
        ),
    ],
)
def test_infer_title_stops_at_the_first_article(text: str, expected: str) -> None:
    assert infer_title([PageText(1, text)]) == expected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        (
            "ilo_c029_forced_labour_convention_1930_nl",
            "Verdrag betreffende den gedwongen of verplichten arbeid",
        ),
        # the title is a sentence of its own under the League's masthead, before the preamble
        ("ilo_c029_forced_labour_convention_1930", "Convention concerning forced or compulsory labour"),
        (
            "us_18usc_ch77_peonage_slavery_trafficking",
            "Title 18— CRIMES AND CRIMINAL PROCEDURE CHAPTER 77— PEONAGE, SLAVERY, AND TRAFFICKING IN PERSONS",
        ),
    ],
)
def test_title_of_real_texts(corpus_real: Path, stem: str, expected: str) -> None:
    from ingest.readers import read_pages

    assert infer_title(read_pages(corpus_real / f"{stem}.txt")) == expected

"""clean stage: one table per rule (input, expected, why), Hypothesis invariants, real-PDF checks."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import LIGATURES, clean_pages
from ingest.model import PageText
from ingest.readers import MARGIN_MARK, read_pages

M = MARGIN_MARK


def clean(*texts: str) -> list[str]:
    return [p.text for p in clean_pages([PageText(i + 1, t) for i, t in enumerate(texts)])]


def clean_one(text: str) -> str:
    return clean(text)[0]


# --- characters and whitespace -------------------------------------------------------------------

CHARACTERS = [
    ("ﬁnal ﬂow eﬀect oﬃce baﬄe ﬅ ﬆ", "final flow effect office baffle st st"),  # ligatures expanded
    ("Cafe\u0301", "Café"),  # NFC: combining accent composed
    ("traf\u00adficking", "trafficking"),  # soft hyphen inside a word
    ("traf\u00ad\nficking of persons", "trafficking\nof persons"),  # soft hyphen at a line end joins
    ("traf\u00ad\nficking\nnext", "trafficking\nnext"),  # ...and leaves no empty line behind
    ("a\u00a0b\u2009c\u202fd\te", "a b c d e"),  # non-breaking, thin, narrow, tab -> plain space
    ("zero\u200bwidth\ufeff", "zerowidth"),  # zero-width space and BOM removed
    ("a\x00b\x07c\x1bd", "abcd"),  # control characters dropped
    (f"{M}Short title.", f"{M}Short title."),  # ...but MARGIN_MARK is kept
    ("line one\r\nline two\rthree", "line one\nline two\nthree"),  # CR/CRLF are line breaks
    ("a   b    c", "a b c"),  # runs of spaces collapse
    ("  indented line   ", "indented line"),  # spaces at both ends stripped
    ("para one\n\n\n\npara two", "para one\n\npara two"),  # blank runs collapse to one blank line
    ("\n\nbody\n\n", "body"),  # blank lines at the ends trimmed
    ("Article 1\nText", "Article 1\nText"),  # line breaks are kept
]


@pytest.mark.parametrize(("raw", "expected"), CHARACTERS)
def test_characters_and_whitespace(raw: str, expected: str) -> None:
    assert clean_one(raw) == expected


def test_margin_notes_tuple_is_normalised_too() -> None:
    (page,) = clean_pages(
        [PageText(1, f"{M}Objects of the\u00a0 Act.\nBody", ("Objects of the\u00a0 Act.",))]
    )
    assert page.margin_notes == ("Objects of the Act.",)
    assert page.text == f"{M}Objects of the Act.\nBody"


# --- hyphenation -----------------------------------------------------------------------------------

HYPHENATION = [
    ("the traffick-\ning of persons", "the trafficking\nof persons"),  # the completed word moves up
    ("the traffick-\ning", "the trafficking"),  # a one-word line disappears
    ("self-\nemployed persons", "self-employed\npersons"),  # compound prefix keeps the hyphen
    ("the non-\npunishment principle", "the non-punishment\nprinciple"),  # ditto
    ("cross-\nborder", "cross-border"),  # ditto
    ("the Anti-\nSlavery Commissioner", "the Anti-\nSlavery Commissioner"),  # capital: not a split word
    ("from 2015-\n2020", "from 2015-\n2020"),  # numbers are not words
    ("year-\non-year", "year-on-year"),  # the continuation is hyphenated: a compound
    ("e-mail-\naddress", "e-mail-\naddress"),  # the fragment already has a hyphen: left alone
    ("shall be-\n(a) removed", "shall be-\n(a) removed"),  # a dash before an enumeration
    (f"traffick-\n{M}Note.\ning persons", f"trafficking\n{M}Note.\npersons"),  # across a margin note
    (f"{M}Rights of-\nvictims", f"{M}Rights of-\nvictims"),  # margin notes are never joined
]


@pytest.mark.parametrize(("raw", "expected"), HYPHENATION)
def test_hyphenation(raw: str, expected: str) -> None:
    assert clean_one(raw) == expected


def test_hyphenation_follows_the_documents_own_spelling() -> None:
    pages = clean(
        "gender-based violence and co-operation and cooperation are words here",
        "a gender-\nbased approach",  # spelt hyphenated elsewhere: keep
        "international co-\noperation",  # 'cooperation' occurs closed: join (beats the 'co-' prefix rule)
        "child-\nsensitive and child or sensitive",  # both halves are words of the document: keep
        "delimita-\ntion",  # 'delimita' is no word of the document: join
    )
    assert pages[1:] == [
        "a gender-based\napproach",
        "international cooperation",
        "child-sensitive\nand child or sensitive",
        "delimitation",
    ]


# --- tables of contents and print job numbers ------------------------------------------------------------

TOC = [
    (
        "Article 5 Criminalization ........ 12\nArticle 5 Criminalization\nText.",
        "Article 5 Criminalization\nText.",
    ),
    ("Chapter II .... 7\nbody", "body"),  # four dots before a page number
    ("Article 23. Protection of victims.....................\nbody", "body"),  # leader without a number
    ("1. Introduction . . . . . . . 5\nbody", "body"),  # spaced dots
    ("Contents ………… iv\nbody", "body"),  # ellipsis leaders, roman page number
    ("He said... and left.\nand so on....", "He said... and left.\nand so on...."),  # ellipses in text
    ("Total cases      42", "Total cases 42"),  # one space-padded line is not a TOC
    (
        "Contents\nArticle 1 Scope      3\nArticle 2 Terms      4\nArticle 3 Offences      5\nbody",
        "body",  # three space-padded entries make a contents page ("Contents" wraps into the first)
    ),
    (
        "Art. 9 Aggravation ...... 5\nArticle 10. Non-liability of victims of trafficking in\npersons ........ 14\n"
        "Article 11. Forced labour ....... 15\nThe body starts.",
        "The body starts.",  # a wrapped entry goes with its leader line on a contents page
    ),
    ("V.09-81990 (E)\nModel Law", "Model Law"),  # UN print job number
    ("09-81990\nbody", "body"),  # ditto, bare
    ("See case 09-81990 of 2009", "See case 09-81990 of 2009"),  # inside a sentence: content
]


@pytest.mark.parametrize(("raw", "expected"), TOC)
def test_toc_and_job_numbers(raw: str, expected: str) -> None:
    assert clean_one(raw) == expected


# --- running headers and footers ---------------------------------------------------------------------------


_WORDS = "victims shall receive assistance protection information States Parties measures".split()


def _body(n: int) -> str:
    """Six lines of body text that differ from page to page in words, not only in numbers."""
    return "\n".join(f"{k}. The {_WORDS[(n + k) % 9]} of {_WORDS[(n * k) % 9]} in case {n}" for k in range(6))


def test_running_header_with_alternating_page_number() -> None:
    pages = [
        f"{n} GRETA(2021)12\n{_body(n)}" if n % 2 == 0 else f"GRETA(2021)12 {n}\n{_body(n)}"
        for n in range(1, 9)
    ]
    assert clean(*pages) == [_body(n) for n in range(1, 9)]


@pytest.mark.parametrize(
    "footer",
    [
        "- {n} -",  # dashed page numbers
        "-{n}-",  # ditto, tight (UN documents)
        "{n}",  # bare page numbers
        "Page {n} of 12",  # "Page x of y"
        "Assistance to and Protection of Victims of Crime and Witnesses Act, No. 4 of 2015",  # running title
    ],
)
def test_running_footers(footer: str) -> None:
    pages = [f"{_body(n)}\n{footer.format(n=n)}" for n in range(1, 13)]
    assert clean(*pages) == [_body(n) for n in range(1, 13)]


def test_two_line_running_title_with_page_number() -> None:
    """Sri Lankan gazette acts: title over two lines, page number before it or on its own line."""
    title = "Assistance to and Protection of Victims of\nCrime and Witnesses Act, No. 4 of 2015"
    pages = [
        f"{n} {title}\n{_body(n)}" if n % 2 == 0 else f"{title}\n{n}\n{M}Short title.\n{_body(n)}"
        for n in range(2, 10)
    ]
    expected = [_body(n) if n % 2 == 0 else f"{M}Short title.\n{_body(n)}" for n in range(2, 10)]
    assert clean(*pages) == expected


def test_cover_title_in_capitals_survives_its_running_header() -> None:
    """The gazette's cover sets the title in capitals; later pages repeat it as a mixed-case header.
    The cover keeps its title, the inner pages lose the header; a header in the same case as on the
    cover (a document code) is still removed there."""
    cover = "PARLIAMENT OF SRI LANKA\nASSISTANCE TO AND PROTECTION OF VICTIMS OF\nCRIME ACT, No. 10 OF 2023"
    title = "Assistance to and Protection of Victims of\nCrime Act, No. 10 of 2023"
    pages = [f"{cover}\n{_body(1)}"] + [f"{n} {title}\n{_body(n)}" for n in range(2, 9)]
    out = clean(*pages)
    assert out[0].startswith("PARLIAMENT OF SRI LANKA\nASSISTANCE TO AND PROTECTION OF VICTIMS OF\nCRIME ACT")
    assert out[1:] == [_body(n) for n in range(2, 9)]
    coded = [f"V.09-81990 (E)\n{_body(n)}" for n in range(1, 9)]
    assert clean(*coded) == [_body(n) for n in range(1, 9)]


@pytest.mark.parametrize(
    "pages",
    [
        [f"Chapter II. Definitions\n{_body(1)}", _body(2), _body(3), _body(4)],  # a heading seen once
        ["Same first line\n" + _body(1), "Same first line\n" + _body(2)],  # two pages: too few to tell
        [f"Article {n}\n{_body(n)}" for n in range(1, 6)],  # numbered headings differ by number only
        [f"{M}Short title.\n{_body(n)}" for n in range(1, 6)],  # margin notes are never headers
        [f"The Minister shall act.\n{_body(n)}" if n == 1 else _body(n) for n in range(1, 12)],  # once in 11
    ],
)
def test_content_lines_are_not_headers(pages: list[str]) -> None:
    assert clean(*pages) == [clean_one(p) for p in pages]
    assert all(p.split("\n")[0] in c for p, c in zip(pages, clean(*pages), strict=True))


def test_header_repeated_on_a_small_share_of_pages_is_kept() -> None:
    pages = [("Commentary\n" if n % 5 == 0 else "") + _body(n) for n in range(1, 21)]  # 4 pages of 20
    assert clean(*pages) == pages


def test_pages_keep_numbers_and_count() -> None:
    pages = [PageText(7, "a"), PageText(8, ""), PageText(9, "c")]
    assert [p.number for p in clean_pages(pages)] == [7, 8, 9]


# --- invariants ------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("abcXY z09.-\n\n  ()")
    + list(LIGATURES)
    + ["\u00ad", "\u00a0", "\t", "\x00", "\x07", M, "é", "\u0301"]
)
_LINE_POOL = [
    "GRETA(2021)12 5",
    "- 3 -",
    "Article 1 .......... 4",
    "traffick-",
    "ing of",
    "Page 2 of 9",
    "V.09-81990",
]
_TEXT = st.lists(st.one_of(st.text(_ALPHABET, max_size=40), st.sampled_from(_LINE_POOL)), max_size=12).map(
    "\n".join
)
_PAGES = st.lists(_TEXT, max_size=7).map(lambda ts: [PageText(i + 1, t) for i, t in enumerate(ts)])


@settings(max_examples=300, deadline=None)
@given(_PAGES)
def test_cleaning_is_idempotent(pages: list[PageText]) -> None:
    once = clean_pages(pages)
    assert clean_pages(once) == once


def _visible(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cc")


@settings(max_examples=300, deadline=None)
@given(_PAGES)
def test_cleaning_never_adds_characters(pages: list[PageText]) -> None:
    for before, after in zip(pages, clean_pages(pages), strict=True):
        source = before.text
        for lig, plain in LIGATURES.items():
            source = source.replace(lig, plain)
        # compared decomposed: composing "i" + U+0301 into "í" is not adding a character
        decomposed = unicodedata.normalize("NFD", source)
        assert not _visible(unicodedata.normalize("NFD", after.text)) - _visible(decomposed)
        assert after.number == before.number


@settings(max_examples=300, deadline=None)
@given(_PAGES)
def test_cleaned_text_shape(pages: list[PageText]) -> None:
    for page in clean_pages(pages):
        assert not re.search(r"[\x00-\x09\x0b-\x1e\x7f\u00ad\u00a0]", page.text)
        assert "  " not in page.text and not any(ln != ln.strip(" ") for ln in page.text.split("\n"))
        assert not any(lig in page.text for lig in LIGATURES)
        assert unicodedata.is_normalized("NFC", page.text)
        assert M not in page.text.replace("\n" + M, "").removeprefix(M)  # the mark only starts lines


# --- real documents ------------------------------------------------------------------------------------------


def _read_clean(corpus: Path, stem: str) -> tuple[list[PageText], list[PageText]]:
    raw = read_pages(corpus / "pdf" / f"{stem}.pdf")
    return raw, clean_pages(raw)


def _lines(pages: list[PageText], first: int = 1) -> list[tuple[int, str]]:
    return [(p.number, ln) for p in pages if p.number >= first for ln in p.text.split("\n")]


def test_greta_running_header_is_gone(corpus_real: Path) -> None:
    raw, cleaned = _read_clean(corpus_real, "greta_uk_third_round_evaluation_2021")
    header = re.compile(r"^\d*\s*GRETA\(2021\)12\s*\d*$")
    assert sum(bool(header.match(ln.strip())) for _, ln in _lines(raw)) > 90  # the reader still has them
    assert [x for x in _lines(cleaned, first=2) if header.match(x[1])] == []  # page 1 is the cover
    assert not [x for x in _lines(cleaned) if re.search(r"\.{5,}", x[1])]  # its contents pages
    assert len(cleaned) == len(raw) and sum(len(p.text) for p in cleaned) > 0.9 * sum(
        len(p.text) for p in raw
    )


def test_unodc_model_law_toc_and_symbol_are_gone(corpus_real: Path) -> None:
    _, cleaned = _read_clean(corpus_real, "unodc_model_law_tip_2009")
    lines = _lines(cleaned)
    assert not [x for x in lines if re.search(r"(?:\. ?){4,}\s*\S{0,4}$", x[1])]
    assert not [x for x in lines if "V.09-81990" in x[1]]
    # no wrapped contents entry is left behind to pose as a provision (pages 4-6 are the contents)
    assert not [x for x in lines if x[0] in (4, 5, 6) and re.match(r"(Article \d+|Chapter [IVX]+)\.", x[1])]
    assert sum(ln == "Commentary" for _, ln in lines) >= 20  # a repeated real heading survives


def test_lk_running_titles_are_gone_and_notes_kept(corpus_real: Path) -> None:
    titles = {
        "lk_victims_witnesses_protection_act4_2015": "Crime and Witnesses Act, No. 4 of 2015",
        "lk_victims_witnesses_protection_act10_2023": "Crime and Witnesses Act, No. 10 of 2023",
        "lk_act30_2005_saarc_trafficking_convention": "Prostitution Act, No. 30 of 2005",
        "lk_penal_code_amendment_act16_2006": "Penal Code (Amendment) Act, No. 16 of 2006",
    }
    for stem, title in titles.items():
        raw, cleaned = _read_clean(corpus_real, stem)
        assert [x for x in _lines(cleaned, first=2) if x[1].strip().endswith(title)] == [], stem
        notes = [ln for _, ln in _lines(raw) if ln.startswith(M)]
        assert [ln for _, ln in _lines(cleaned) if ln.startswith(M)] == [
            M + " ".join(n[1:].split()) for n in notes
        ]

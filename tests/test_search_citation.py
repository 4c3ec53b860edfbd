"""Citation strings: ``<title>, <short label>, p. N`` and US Code style."""

from __future__ import annotations

import pytest

from search.citation import citation, page_span, short_label

COE = "Council of Europe Convention on Action against Trafficking in Human Beings"


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        # the example
        ((COE, "Article 13", 6, 6), {}, f"{COE}, Art. 13, p. 6"),
        ((COE, "Article 12", 5, 6), {}, f"{COE}, Art. 12, pp. 5–6"),
        # gazette acts cite sections as "s."
        (
            ("Penal Code (Amendment) Act, No. 16 of 2006", "Section 8", 7, 8),
            {},
            "Penal Code (Amendment) Act, No. 16 of 2006, s. 8, pp. 7–8",
        ),
        # a chapter of the US Code: cite the section by title number, from the title or the file name
        (
            ("Title 18 — Crimes and Criminal Procedure, Chapter 77", "§ 1591", 1, 1),
            {},
            "18 U.S.C. § 1591, p. 1",
        ),
        (
            ("Peonage, Slavery, and Trafficking in Persons", "§ 1593A", 2, 2),
            {"source": "us_18usc_ch77_x.txt"},
            "18 U.S.C. § 1593A, p. 2",
        ),
        # unknown page: no page part; a trailing full stop of the title is dropped
        (("Some Act.", "Rule 4", 0, 0), {}, "Some Act, r. 4"),
        # a Dutch label keeps the short form
        (("Wetboek van Strafrecht", "Artikel 273f", 1, 1), {}, "Wetboek van Strafrecht, Art. 273f, p. 1"),
    ],
)
def test_citation(args: tuple, kwargs: dict, expected: str) -> None:
    assert citation(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("label", "short"),
    [
        ("Article 3", "Art. 3"),
        ("Section 7102", "s. 7102"),
        ("§ 1592", "§ 1592"),
        ("Preamble", "Preamble"),
        ("Paragraph 4", "para. 4"),
    ],
)
def test_short_label(label: str, short: str) -> None:
    assert short_label(label) == short


def test_page_span() -> None:
    assert page_span(0, 0) == ""
    assert page_span(3, 3) == "p. 3"
    assert page_span(3, 2) == "p. 3"  # an inverted span never prints backwards
    assert page_span(3, 5) == "pp. 3–5"

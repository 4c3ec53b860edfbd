"""Reference parsing: a query that names a provision. Table of (query, expected refs)."""

from __future__ import annotations

import pytest

from search.query import normalize_number, parse_query


@pytest.mark.parametrize(
    ("query", "expected", "remainder"),
    [
        # the example of the issue: number + everyday name of the instrument
        ("Article 3 of the Palermo Protocol", [("article", "3", "Palermo Protocol")], ""),
        # Georgian criminal code style: superscript article numbers
        ("art. 143¹", [("article", "143¹", "")], ""),
        ("§ 1592", [("section", "1592", "")], ""),
        ("section 7102", [("section", "7102", "")], ""),
        # a US Code citation carries its title as the document hint
        ("what does 18 U.S.C. 1591 say", [("section", "1591", "18 U.S.C.")], "what does say"),
        ("22 USC § 7102(9)", [("section", "7102", "22 U.S.C.")], ""),
        # sub-divisions are kept apart from the number (see below); the hint stops at a function word
        ("section 3(2)(a) of the Act", [("section", "3", "Act")], ""),
        (
            "Art 26 of the CoE Convention on non-punishment",
            [("article", "26", "CoE Convention")],
            "on non-punishment",
        ),
        ("s. 360C of the Penal Code", [("section", "360C", "Penal Code")], ""),
        ("article 1593A", [("article", "1593A", "")], ""),
        # other languages
        ("Artikel 273f", [("article", "273f", "")], ""),
        ("მუხლი 143¹", [("article", "143¹", "")], ""),
        ("статья 127", [("article", "127", "")], ""),
        # no reference: words like "article" without a number, numbers without a provision word
        ("the article on consent of the victim", [], "the article on consent of the victim"),
        ("victims under 18 years", [], "victims under 18 years"),
    ],
)
def test_parse_query(query: str, expected: list[tuple[str, str, str]], remainder: str) -> None:
    parsed = parse_query(query)
    assert [(r.kind, r.number, r.doc_hint) for r in parsed.refs] == expected
    assert parsed.remainder == remainder
    for ref in parsed.refs:
        assert query[ref.start : ref.end].strip()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("143¹", "143-1", True),  # superscript and hyphen spellings of one article
        ("143¹", "1431", False),  # NFKC would fold these together: they are different articles
        ("360 C", "360C", True),
        ("1593A", "1593a", True),
        ("7104a", "7104", False),
        ("3", "3.", True),
    ],
)
def test_normalize_number(a: str, b: str, same: bool) -> None:
    assert (normalize_number(a) == normalize_number(b)) is same


@pytest.mark.parametrize(
    ("query", "number", "sub"),
    [
        ("Article 3(a) of the Palermo Protocol", "3", ("a",)),
        ("section 3(2)(a) of the Act", "3", ("2", "a")),
        ("22 USC § 7102(9)", "7102", ("9",)),
        ("Article 6 paragraph 3 of the Palermo Protocol", "6", ("3",)),
        ("Art. 6, para. 3", "6", ("3",)),
        ("Article 12", "12", ()),
    ],
)
def test_paragraph_and_point_named_after_the_number(query: str, number: str, sub: tuple[str, ...]) -> None:
    (ref,) = parse_query(query).refs
    assert (ref.number, ref.sub) == (number, sub)


def test_a_paragraph_alone_stays_a_reference_of_its_own() -> None:
    assert [(r.kind, r.number, r.sub) for r in parse_query("paragraph 3").refs] == [("paragraph", "3", ())]
    refs = parse_query("Article 6 and paragraph 3").refs  # not adjacent: two references
    assert [(r.kind, r.number) for r in refs] == [("article", "6"), ("paragraph", "3")]

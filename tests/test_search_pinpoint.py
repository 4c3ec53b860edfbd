"""Pinpoint citations: which paragraph (and point) of a provision holds the passage shown."""

from __future__ import annotations

from search.pinpoint import MAX_DIVISION, divisions, named, pinpoint
from search.snippet import make_snippet, query_terms

ARTICLE = """1. Trafficking in human beings shall be punishable by imprisonment for a term of
five to ten years.
2. The penalty shall be eight to fifteen years where:
(a) the offence is committed against a child;
(b) the offence is committed by a public official in the performance of his or her duties;
(c) the offence endangered the life of the victim;
shall be punishable by imprisonment and confiscation of assets.
3. A legal person shall be liable to a fine."""


def _pin(text: str, query: str) -> str:
    snippet = make_snippet(text, query, max_chars=120)
    return pinpoint(text.strip(), snippet.window, query_terms(query))


def test_divisions_count_only_markers_in_sequence() -> None:
    assert [d.marker for d in divisions(ARTICLE)] == ["1", "2", "3"]
    assert [d.marker for d in divisions(ARTICLE, letters=True)] == ["a", "b", "c"]
    text = "Preamble.\n5. A stray number.\n1. First.\n3. Skipped two.\n2. Second."
    assert [(d.marker, text[d.start : d.start + 2]) for d in divisions(text)] == [("1", "1."), ("2", "2.")]


def test_paragraph_and_point() -> None:
    assert _pin(ARTICLE, "legal person fine") == "(3)"
    assert _pin(ARTICLE, "public official duties") == "(2)(b)"
    assert _pin(ARTICLE, "imprisonment five to ten years") == "(1)"


def test_words_after_the_last_point_belong_to_the_paragraph() -> None:
    # "confiscation of assets" closes paragraph 2; it is not part of point (c)
    assert _pin(ARTICLE, "confiscation assets victim life") == "(2)"


def test_letters_as_top_level_in_any_script() -> None:
    english = "For the purposes of this Law:\na) victim means a person;\nb) child means any person under 18."
    assert _pin(english, "child under 18") == "(b)"
    georgian = "ამ დებულების მიზნებისათვის:\nა) მსხვერპლი – პირი;\nბ) ბავშვი – 18 წლამდე ასაკის პირი."
    assert _pin(georgian, "ბავშვი 18 წლამდე") == "(ბ)"


def test_no_pinpoint_where_the_structure_is_not_the_provisions_own() -> None:
    # a chapeau that matches as well as any point
    assert _pin("Each Party shall protect victims:\na) in court;\nb) at home.", "protect victims") == ""
    # a section number opening a line: the points are the inserted section's, not this one's
    inserted = (
        "The following section is inserted:\n358A. (1) Any person who—\n(a) sells a child;\n(b) buys a child"
    )
    assert _pin(inserted, "buys child") == ""
    # no divisions at all
    assert _pin("A victim shall not be punished for offences committed under compulsion.", "punished") == ""
    # a paragraph that runs on into a commentary
    long = "1. A victim shall be assisted.\n" + "Commentary on the assistance of victims. " * (
        MAX_DIVISION // 30
    )
    assert _pin(long, "commentary assistance") == ""


def test_named_divisions_as_far_as_the_text_has_them() -> None:
    def markers(path: tuple[str, ...]) -> list[str]:
        return [d.marker for d in named(ARTICLE, path)]

    assert markers(("2", "b")) == ["2", "b"]
    assert markers(("2",)) == ["2"]
    assert markers(("3", "a")) == ["3"]  # paragraph 3 has no points
    assert markers(("7",)) == []
    last = named(ARTICLE, ("2", "c"))[-1]
    assert ARTICLE[last.start : last.end].rstrip() == "(c) the offence endangered the life of the victim;"


def test_passage_of_a_pinpoint() -> None:
    from search.pinpoint import passage_of

    assert passage_of(ARTICLE, "(2)(b)") == (
        "(b) the offence is committed by a public official in the performance of his or her duties;"
    )
    assert passage_of(ARTICLE, "(3)") == "3. A legal person shall be liable to a fine."
    assert passage_of(ARTICLE, "(3)(a)") == ""  # paragraph 3 has no points
    assert passage_of(ARTICLE, "") == ""


def test_ordinals_of_markers() -> None:
    from search.pinpoint import ordinal

    assert [ordinal(m) for m in ("3", "c", "в", "გ", "գ", "C")] == [3, 3, 3, 3, 3, 3]
    assert ordinal("iv") is None and ordinal("²") is None and ordinal("-") is None


# The US Code's layout: subsections (a), paragraphs (1) numbered afresh in each, subparagraphs (A).
SECTION = """(a) Whoever knowingly obtains the labor of a person by any of the following means:

(1) by force or threats of force against that person;

(2) by serious harm or threats of serious harm;

(3) by the abuse or threatened abuse of legal process,

shall be fined or imprisoned not more than 20 years.

(b) Whoever knowingly benefits from participation in a venture engaged in such labor shall be punished
as provided in subsection (a).

(c) In this section:

(1) The term "serious harm" means any harm, whether physical or nonphysical.

(2) The term "coercion" means:

(A) threats of serious harm to any person;

(B) any scheme intended to cause a person to believe that failing to perform would result in harm.

(d) Whoever knowingly

(1) recruits or transports a person; or

(2) profits from a venture which has recruited a person, knowing that the person was under 18, shall be
fined."""


def test_paragraphs_numbered_afresh_in_each_subsection() -> None:
    assert [d.marker for d in divisions(SECTION, letters=True)] == ["a", "b", "c", "d"]  # "(A)" is below
    assert _pin(SECTION, "abuse of legal process") == "(a)(3)"
    assert _pin(SECTION, "venture benefits participation") == "(b)"
    assert _pin(SECTION, "serious harm means physical or nonphysical") == "(c)(1)"
    assert _pin(SECTION, "scheme intended to cause a person to believe failing to perform") == "(c)(2)(B)"
    assert [d.marker for d in named(SECTION, ("c", "2", "A"))] == ["c", "2", "A"]
    # numbers out of sequence within a subsection: not the section's own structure
    assert _pin(SECTION.replace("(2) by serious", "(5) by serious"), "abuse of legal process") == ""


def test_words_after_a_lead_in_that_runs_into_its_points_are_not_the_last_points() -> None:
    # "(d) Whoever knowingly" runs on into (1) and (2), and "knowing … shall be fined", printed on the
    # line of (2), finishes the lead-in's sentence: the passage is cited as (d), not (d)(2)
    assert _pin(SECTION, "knowing that the person was under 18") == "(d)"
    assert _pin(SECTION, "recruits or transports a person") == "(d)(1)"

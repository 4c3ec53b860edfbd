"""Snippets: best passage and structured marks (no markup in the text)."""

from __future__ import annotations

from search.snippet import make_snippet, query_terms

ART4 = (
    "1. The competent authority shall not impose or permit the imposition of forced or compulsory labour "
    "for the benefit of private individuals, companies or associations.\n"
    "2. Where such forced or compulsory labour for the benefit of private individuals, companies or "
    "associations exists at the date on which a Member's ratification of this Convention is registered by "
    "the Director-General of the International Labour Office, the Member shall completely suppress such "
    "forced or compulsory labour from the date on which this Convention comes into force for that Member."
)


def test_marks_are_spans_of_query_terms() -> None:
    snip = make_snippet(ART4, "forced labour for the benefit of private companies")
    marked = [snip.text[s:e].lower() for s, e in snip.marks]
    assert {"forced", "labour", "benefit", "private", "companies"} <= set(marked)
    assert "<" not in snip.text
    # segments rebuild the text exactly
    assert "".join(piece for piece, _ in snip.segments()) == snip.text


def test_best_passage_is_chosen() -> None:
    snip = make_snippet(ART4, "ratification registered by the Director-General", max_chars=200)
    assert "Director-General" in snip.text
    assert snip.text.startswith("…")


def test_html_like_text_is_left_for_the_ui_to_escape() -> None:
    snip = make_snippet("Victims <script> shall receive assistance.", "assistance")
    assert snip.text == "Victims <script> shall receive assistance."
    assert [snip.text[s:e] for s, e in snip.marks] == ["assistance"]


def test_stop_words_are_not_terms() -> None:
    assert query_terms("what is the definition of trafficking") == {"definition", "trafficking"[:-3]}
    assert make_snippet("", "x").text == ""

"""Glossary expansion: same-language phrases to the BM25 text, other languages by their own analyser."""

from __future__ import annotations

import json
import re

from search.glossary import DEFAULT_PATH, TERMS_PATH, Glossary, default_glossary


def test_expansion_adds_the_other_phrases_of_a_concept() -> None:
    g = default_glossary()
    out = g.expand("people smuggling across the mountains")
    assert out.startswith("people smuggling across the mountains ")
    assert "smuggling of migrants" in out and "irregular border crossing" in out
    assert "nl:" not in out and "smokkel" not in out  # other languages never enter the English text


def test_words_match_whole_words_only() -> None:
    g = Glossary(concepts=(("girl", "child"),), documents=())
    assert g.expand("girls") == "girls"  # no substring match
    assert g.expand("a girl") == "a girl child"
    assert g.expand("nothing here") == "nothing here"


def test_translations_come_from_the_matched_concepts() -> None:
    g = default_glossary()
    nl = g.translations("residence permit for a victim")["nl"]
    assert "verblijfsvergunning" in nl and "slachtoffer" in nl
    assert g.translations("the weather today") == {}


def test_document_names() -> None:
    g = default_glossary()
    assert g.document_names("the Palermo Protocol") == [
        "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children"
    ]
    assert g.document_names("some other text") == []


def test_data_files_are_well_formed() -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert all(isinstance(group, list) and len(group) >= 2 for group in data["concepts"])
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data["documents"].items())
    terms = json.loads(TERMS_PATH.read_text(encoding="utf-8"))
    assert len(terms["concepts"]) >= 300 and "documents" not in terms
    english: list[str] = []
    for group in data["concepts"] + terms["concepts"]:
        tagged = [p for p in group if re.match(r"^[a-z]{2}:", p)]
        assert {p[:3] for p in tagged} <= {"nl:", "ru:", "ka:", "hy:", "az:"}, group
        assert all(p[3:].strip() for p in tagged), group
        english += {" ".join(re.findall(r"\w+", p.lower())) for p in group if p not in tagged}
    # every concept is reachable from English, and an English phrase names one concept only
    assert len(english) == len(set(english))
    assert all(any(not re.match(r"^[a-z]{2}:", p) for p in g) for g in terms["concepts"])


def test_default_glossary_holds_both_files() -> None:
    g, base, terms = default_glossary(), Glossary.load(DEFAULT_PATH), Glossary.load(TERMS_PATH)
    assert g.concepts == base.concepts + terms.concepts
    assert g.documents == base.documents
    found = g.translations("can a state refuse extradition of its own nationals?")
    assert "uitlevering" in found["nl"] and "выдача" in found["ru"]


def test_a_georgian_or_russian_question_gets_the_concepts_english_phrases() -> None:
    from ingest.sparse import Bm25Encoder

    bm25 = Bm25Encoder()

    def analyse(text: str, language: str) -> list[int]:  # the engine's: each word's BM25 stem
        return [ids[0] for w in text.split() if (ids := bm25.encode_passages([w], language)[0].indices)]

    g = default_glossary()
    # an inflected form: "ადამიანით ვაჭრობისთვის" (for trafficking) matches "ka:ადამიანით ვაჭრობა"
    ka = g.translations("რა სასჯელია ადამიანით ვაჭრობისთვის", "ka", analyse)
    assert "trafficking in persons" in ka["en"] and "penalty" in ka["en"]
    assert "mensenhandel" in ka["nl"] and "торговля людьми" in ka["ru"]
    assert "ka" not in ka  # nothing in the question's own language
    ru = g.translations("помощь жертвам торговли людьми", "ru", analyse)
    assert {"trafficking in persons", "assistance to victims", "victim"} <= set(ru["en"])
    # words of a phrase must stand together and in order; English matching is unchanged
    assert "assistance to victims" not in g.translations("жертвам нужна помощь", "ru", analyse).get("en", [])
    assert g.translations("residence permit", "en", analyse) == g.translations("residence permit")
    assert g.translations("ამინდი დღეს", "ka", analyse) == {}


def test_synonyms_need_the_whole_phrase() -> None:
    """A checklist keyword gets the concept it names, not one of its words' ("victim means" is no
    concept of its own: it would otherwise get every translation of "victim")."""
    g = default_glossary()
    assert "персональные данные" in g.synonyms_in("personal data", "ru")
    assert "Personal Data" not in g.synonyms_in("personal data", "ru")  # only the asked language
    assert g.synonyms_in("victim means", "ru") == []
    assert g.synonyms_in("personal data", "xx") == []

"""Which language a question is read in (search/language.py), with the real BM25 stop-word lists."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.sparse import Bm25Encoder
from search.evaluation import GOLD_DIR, load_qrels
from search.language import query_language, query_languages, script_language

LATIN = ["az", "de", "en", "es", "fr", "nl", "tr"]
OPEN = ("en", "az", "de", "es", "fr", "nl", "tr")  # no stop word of any of them


@pytest.fixture(scope="module")
def count():
    return Bm25Encoder().stopword_count


def test_the_glossary_languages_are_candidates_even_without_their_documents() -> None:
    from search.glossary import default_glossary

    assert default_glossary().languages == {"en", "nl", "ru", "ka", "hy", "az"}


def test_stop_words_are_counted_per_language(count) -> None:
    text = "Welke straf stelt het Wetboek van Strafrecht op mensenhandel van een kind?"
    assert count(text, "nl") == 4  # het, van, op, een (each distinct word once)
    assert count(text, "en") == 0
    assert count("What penalty does the Penal Code set for trafficking a child?", "en") == 5
    assert count("anything", "ka") == 0  # no stop-word list


def test_script_decides_outside_latin(count) -> None:
    assert script_language("ტრეფიკინგის მსხვერპლი") == "ka"
    assert query_language("торговля людьми", LATIN, count) == "ru"
    assert query_language("Article 3 и статья 4", LATIN, count) == "ru"  # any Cyrillic letter
    assert query_language("մարդկանց թրաֆիքինգ", LATIN, count) == "hy"


def test_latin_questions_by_their_stop_words(count) -> None:
    assert query_language("Moet een staat slachtoffers van mensenhandel beschermen?", LATIN, count) == "nl"
    assert query_language("Must a state protect victims of trafficking?", LATIN, count) == "en"
    assert query_language("Is the article in force?", LATIN, count) == "en"  # "in", "is" are Dutch too
    # "ə" is Azerbaijani's own letter: decided even without a stop word
    assert query_language("insan alveri cinayəti", LATIN, count) == "az"
    assert query_language("insan alveri cinayəti", ["en", "tr"], count) == "en"  # no Azerbaijani documents


def test_only_languages_of_the_index_are_candidates(count) -> None:
    dutch = "Moet een staat slachtoffers van mensenhandel beschermen?"
    assert query_languages(dutch, [], count) == ("en",)
    assert query_languages(dutch, ["en", "ru", "ka"], count) == ("en",)  # no other Latin-script language
    assert query_languages(dutch, ["nl"], None) == ("en",)  # nothing to count with


def test_no_stop_word_of_any_candidate_leaves_it_open(count) -> None:
    assert query_languages("schuldslavernij lijfeigenschap", ["en", "nl"], count) == ("en", "nl")
    assert query_languages("forced labour penalties", ["nl", "de"], count) == ("en", "de", "nl")
    # "en" is a stop word in Dutch, French, Spanish and Turkish alike
    assert query_languages("herstel- en bedenktijd", LATIN, count) == ("en", "es", "fr", "nl", "tr")
    assert query_languages("is dwangarbeid in mijnen toegestaan?", LATIN, count) == ("en", "nl")


def test_every_english_gold_question_is_read_as_english(count) -> None:
    """569 English questions of the shipped gold sets, over an index with seven Latin-script languages."""
    first = Counter()
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        for q in load_qrels(path):
            if q.lang == "en":
                first[query_languages(q.query, LATIN, count)[0]] += 1
    assert set(first) == {"en"} and first["en"] >= 569


def test_dutch_gold_questions_are_read_as_dutch_or_left_open(count) -> None:
    """gold_nl_in_nl: 85 questions translated into Dutch; none may be taken for English or German."""
    read = Counter(
        query_languages(q.query, LATIN, count) for q in load_qrels(GOLD_DIR / "gold_nl_in_nl.jsonl")
    )
    assert read[("nl",)] >= 78, read
    assert set(read) <= {("nl",), ("en", "nl"), ("en", "es", "fr", "nl", "tr"), OPEN}, read

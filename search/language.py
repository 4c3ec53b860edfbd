"""The language a query is written in: how its words are analysed for BM25 and what they are translated from.

A letter of the Georgian, Armenian or Cyrillic script decides (ka, hy, ru). A query in Latin script is
read in the candidate language of which it has the most stop words ("welke straf stelt het wetboek op
mensenhandel van een kind": four Dutch ones, no English one). The candidates are English and the
Latin-script languages of the indexed documents and of the glossary (Dutch, Azerbaijani): a Dutch question
over English text is read as Dutch too, so the glossary and the lexicon translate it into English. "ə", a
letter only Azerbaijani writes, decides for Azerbaijani. Where languages tie (or the query has no stop word
at all), it is read as English and its BM25 terms are the union of its analyses in each tied language.
An English question stays English: every English question of the gold sets is read so
(tests/test_search_language.py). Before this, a Dutch or Azerbaijani question was stemmed as English and
missed the words of its own language's documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ingest.script import letter_language

# Languages written in Latin script that ctkb's BM25 has a stop-word list for (ingest/sparse.py).
LATIN_SCRIPT = frozenset(
    {"en", "nl", "az", "tr", "de", "fr", "es", "it", "pt", "sv", "da", "no", "nb", "fi", "hu", "ro"}
    | {"ca", "id", "sl"}
)

StopwordCount = Callable[[str, str], int]  # (text, language) -> how many of its words are stop words


def script_language(text: str, default: str = "en") -> str:
    """The language of a query's first non-Latin letter (Georgian, Armenian, Cyrillic), else ``default``."""
    for ch in text:
        language = letter_language(ch)
        if language and language != "en":
            return language
    return default


def query_language(text: str, candidates: Iterable[str] = (), stopwords: StopwordCount | None = None) -> str:
    """The language the query is read in: by script, else among English and the Latin-script
    ``candidates`` by its stop words."""
    return query_languages(text, candidates, stopwords)[0]


def query_languages(
    text: str, candidates: Iterable[str] = (), stopwords: StopwordCount | None = None
) -> tuple[str, ...]:
    """The languages the query may be written in, the one it is read in first: one where the script or
    the stop words decide; where several candidates tie for the most stop words (all of them when it has
    none: "mensenhandel uitbuiting", "forced labour penalties"), English and the tied ones."""
    by_script = script_language(text, "")
    if by_script:
        return (by_script,)
    others = sorted(c for c in set(candidates) if c in LATIN_SCRIPT and c != "en")
    if not others or stopwords is None:
        return ("en",)
    if "az" in others and ("ə" in text or "Ə" in text):
        return ("az",)
    counts = {lang: stopwords(text, lang) for lang in ("en", *others)}
    most = max(counts.values())
    tied = [lang for lang, n in counts.items() if n == most]
    return (tied[0],) if len(tied) == 1 else ("en", *(lang for lang in tied if lang != "en"))

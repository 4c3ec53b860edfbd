"""BM25 sparse vectors (``qdrant_edge.Bm25``), with the document language's stemmer and stopwords.

Indices are Qdrant's BM25 term ids (``abs(murmur3_32(token))``, as Qdrant server and fastembed
compute them) and the vectors are data we send, so one index works with both backends. Document
values are BM25 term-frequency weights (k=1.2, b=0.75, avg_len=256, Qdrant's defaults); query values
are 1.0 per distinct term. The index's sparse vector uses ``Modifier.IDF``, so the server adds the
IDF at search time.

Queries must be analysed like the documents they should match. ``encode_query(text, language)``:

* ``language`` given (the language the user chose or filters on) → that language's analyser, the one
  its documents were indexed with;
* several languages (those of the indexed documents, when the query's own is unknown) → the union
  of their analyses;
* ``None`` → each word is analysed by the language of its script (Latin → English, Cyrillic →
  Russian, Armenian → Armenian, Georgian → ctkb's light stemmer), and also unstemmed with that language's stopwords
  removed, so documents indexed without a stemmer (Georgian, unknown language) match too. The terms
  are united (a term appearing twice counts once). A query in one language never matches words of
  another language lexically; the dense vector covers that.
  The search engine passes the language a Latin-script question is written in where it can tell
  (search/language.py), so a Dutch question is not analysed as English.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from qdrant_edge import (
    Bm25,
    Bm25Config,
    DisabledStemmer,
    Language,
    SnowballLanguage,
    SnowballParams,
    StopwordsSet,
)

from ingest import georgian
from ingest.model import SparseVector
from ingest.script import letter_language


@dataclass(frozen=True)
class Analyzer:
    """How words of one language become terms. ``None`` parts are switched off."""

    stemmer: str | None  # SnowballLanguage member name
    stopwords: str | None  # Language member name
    light_stemmer: str | None = None  # a stemmer of ours applied before Qdrant's analysis (LIGHT_STEMMERS)

    @property
    def name(self) -> str:
        stem = f"snowball-{self.stemmer.lower()}" if self.stemmer else "nostem"
        stop = f"stop-{self.stopwords.lower()}" if self.stopwords else "nostop"
        light = f"+light-{self.light_stemmer}" if self.light_stemmer else ""
        return f"{stem}+{stop}{light}"

    def prepare(self, text: str) -> str:
        return LIGHT_STEMMERS[self.light_stemmer](text) if self.light_stemmer else text


# Languages without a Snowball stemmer that ctkb stems itself (ingest/georgian.py).
LIGHT_STEMMERS = {"georgian": georgian.stem_text}


PLAIN = Analyzer(None, None)

# ISO 639-1 code -> analyser. No Snowball stemmer exists for Azerbaijani: the Turkish one (a close
# Oghuz language) merges common inflections (cinayət/cinayətin, insan/insanlar) and never loses an
# exact-form match. Georgian gets ctkb's light noun stemmer and no stopword list; Ukrainian neither.
LANGUAGES: dict[str, Analyzer] = {
    "en": Analyzer("English", "English"),
    "ru": Analyzer("Russian", "Russian"),
    "hy": Analyzer("Armenian", None),
    "az": Analyzer("Turkish", "Azerbaijani"),
    "tr": Analyzer("Turkish", "Turkish"),
    "nl": Analyzer("Dutch", "Dutch"),
    "de": Analyzer("German", "German"),
    "fr": Analyzer("French", "French"),
    "es": Analyzer("Spanish", "Spanish"),
    "it": Analyzer("Italian", "Italian"),
    "pt": Analyzer("Portuguese", "Portuguese"),
    "sv": Analyzer("Swedish", "Swedish"),
    "da": Analyzer("Danish", "Danish"),
    "no": Analyzer("Norwegian", "Norwegian"),
    "nb": Analyzer("Norwegian", "Norwegian"),
    "fi": Analyzer("Finnish", "Finnish"),
    "hu": Analyzer("Hungarian", "Hungarian"),
    "ro": Analyzer("Romanian", "Romanian"),
    "el": Analyzer("Greek", "Greek"),
    "ar": Analyzer("Arabic", "Arabic"),
    "kk": Analyzer(None, "Kazakh"),
    "ca": Analyzer(None, "Catalan"),
    "he": Analyzer(None, "Hebrew"),
    "id": Analyzer(None, "Indonesian"),
    "sl": Analyzer(None, "Slovene"),
    "ka": Analyzer(None, None, "georgian"),
    "uk": PLAIN,
}
_ISO3 = {"eng": "en", "rus": "ru", "hye": "hy", "arm": "hy", "aze": "az", "kat": "ka", "geo": "ka"}
_ISO3 |= {"nld": "nl", "dut": "nl", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es"}

# Script of a word (first letter's Unicode name) -> language whose analyser a no-language query uses.
_WORD = re.compile(r"\w+", re.UNICODE)


def analyzer_for(language: str | None) -> Analyzer:
    """Analyser for an ISO code ("en", "EN", "en-GB", "eng"); unknown or empty → plain."""
    if not language:
        return PLAIN
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return LANGUAGES.get(_ISO3.get(code, code), PLAIN)


def _script_language(word: str) -> str | None:
    for ch in word:
        if ch.isalpha():
            return letter_language(ch)
    return None


def _to_model(vec: object) -> SparseVector:
    pairs = sorted(zip(vec.indices, vec.values, strict=True))  # type: ignore[attr-defined]
    return SparseVector(tuple(int(i) for i, _ in pairs), tuple(float(v) for _, v in pairs))


class Bm25Encoder:
    """Language-aware BM25 encoder; one ``qdrant_edge.Bm25`` per analyser, created on first use."""

    def __init__(self, k: float = 1.2, b: float = 0.75, avg_len: float = 256.0) -> None:
        self.k, self.b, self.avg_len = k, b, avg_len
        self._models: dict[Analyzer, Bm25] = {}
        self._lock = threading.Lock()

    def _model(self, analyzer: Analyzer) -> Bm25:
        with self._lock:
            model = self._models.get(analyzer)
            if model is None:
                stemmer = (
                    SnowballParams(getattr(SnowballLanguage, analyzer.stemmer))
                    if analyzer.stemmer
                    else DisabledStemmer()
                )
                stopwords = (
                    getattr(Language, analyzer.stopwords)
                    if analyzer.stopwords
                    else StopwordsSet(custom=set())
                )
                config = Bm25Config(
                    k=self.k, b=self.b, avg_len=self.avg_len, stemmer=stemmer, stopwords=stopwords
                )
                model = self._models[analyzer] = Bm25(config)
            return model

    def encode_passages(self, texts: Sequence[str], language: str) -> list[SparseVector]:
        """Document vectors (BM25 term-frequency weights) for texts in ``language`` (ISO 639-1)."""
        analyzer = analyzer_for(language)
        model = self._model(analyzer)
        return [_to_model(model.embed_document(analyzer.prepare(t))) for t in texts]

    def encode_query(self, text: str, language: str | Sequence[str] | None = None) -> SparseVector:
        """Query vector (1.0 per distinct term); see the module docstring for the ``language`` forms."""
        terms: set[int] = set()
        if isinstance(language, str) and language:
            self._add_terms(terms, analyzer_for(language), text)
        elif language:  # several languages
            for a in {analyzer_for(lang) for lang in language}:
                self._add_terms(terms, a, text)
        else:
            groups: dict[str | None, list[str]] = {}
            for word in _WORD.findall(text):
                groups.setdefault(_script_language(word), []).append(word)
            for lang, words in groups.items():
                analyzer = analyzer_for(lang)
                for a in {analyzer, Analyzer(None, analyzer.stopwords)}:
                    self._add_terms(terms, a, " ".join(words))
        ordered = tuple(sorted(terms))
        return SparseVector(ordered, (1.0,) * len(ordered))

    def word_terms(self, text: str, language: str) -> tuple[int, ...]:
        """The term of each word of ``text`` as a document in ``language`` indexes it, in order (stop words
        left out): how glossary phrases are matched within a question or a checklist item."""
        words = (self.encode_passages([w], language)[0].indices for w in _WORD.findall(text))
        return tuple(ids[0] for ids in words if ids)

    def stopword_count(self, text: str, language: str) -> int:
        """How many distinct words of ``text`` are stop words of ``language`` (0 if it has no list)."""
        analyzer = analyzer_for(language)
        if not analyzer.stopwords:
            return 0
        words = " ".join({w.lower() for w in _WORD.findall(text)})
        every = self._model(PLAIN).embed_query(words).indices
        kept = self._model(Analyzer(None, analyzer.stopwords)).embed_query(words).indices
        return len(every) - len(kept)

    def _add_terms(self, terms: set[int], analyzer: Analyzer, text: str) -> None:
        model = self._model(analyzer)
        terms.update(int(i) for i in model.embed_query(analyzer.prepare(text)).indices)
        if analyzer.light_stemmer:  # also the words as written: documents indexed before the stemmer
            terms.update(int(i) for i in model.embed_query(text).indices)

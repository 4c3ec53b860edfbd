"""Cross-lingual keywords: a query's words mapped to the words the index holds in other languages.

BM25 matches words as written, so an English question finds nothing in a Dutch or Georgian text except
through the glossary. The multilingual embedding model places a word close to its translations, so
ctkb embeds the vocabulary of each document language once (a *lexicon*: every word of three letters or
more in that language's documents) and, for a hybrid query, adds to the BM25 side the nearest word of
each other language in the index for every content word and every pair of adjacent content words of
the query ("travel documents" -> "reisdocumenten"), when their cosine reaches the model's calibrated
threshold and clearly beats the next candidates (multilingual-e5 only: other models get no lexicon).
Keyword mode stays literal. Measured in docs/BENCHMARKS.md (cross-lingual sets, with held-out questions).

Lexicons are built after ingest (``ctkb ingest``), at app start or on first need, and kept under the
data directory, keyed by the model and by the documents (id and sha256) of that language; a rebuild
after a change embeds only the words not seen yet.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

WORD = re.compile(r"[^\W\d_]{3,}")
THRESHOLD = 0.84  # cosine of multilingual-e5-small "query: word" pairs (ModelSpec.word_threshold)
# ... and the margin over the mean of the next NEIGHBOURS words: cosines run higher in some languages
# (Georgian words score 0.85-0.94 against almost any English word), the margin holds across them.
MARGIN = 0.03
NEIGHBOURS = 9


def words_of(text: str) -> list[str]:
    """Lower-cased words of three letters or more, in order (numbers and underscores split words)."""
    return [w.lower() for w in WORD.findall(text)]


@dataclass(frozen=True)
class Lexicon:
    """The words of one language in the index, with their embeddings (L2-normalised rows)."""

    language: str
    fingerprint: str
    words: tuple[str, ...]
    vectors: np.ndarray  # (len(words), dim) float32
    model_id: str = ""  # vectors are reused for a rebuild only with the same model

    def nearest(self, queries: np.ndarray, threshold: float = THRESHOLD, margin: float = MARGIN) -> list[str]:
        """For each query row, the closest word, when its cosine is at least ``threshold`` and stands
        ``margin`` above the mean of the next nine (a word close to many words is no translation)."""
        if not self.words or len(queries) == 0:
            return []
        sims = queries @ self.vectors.T
        best = sims.argmax(axis=1)
        top = min(NEIGHBOURS + 1, sims.shape[1])  # the best and its next nine: no full sort per query
        ranked = -np.sort(np.partition(-sims, top - 1, axis=1)[:, :top], axis=1)
        others = ranked[:, 1:].mean(axis=1) if top > 1 else np.full(len(sims), -1.0)
        return [
            self.words[j]
            for i, j in enumerate(best)
            if sims[i, j] >= threshold and sims[i, j] - others[i] >= margin
        ]

    def save(self, path: Path) -> None:
        """Written to a temporary file and renamed: a reader never sees half a lexicon."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(
                    f,
                    language=self.language,
                    fingerprint=self.fingerprint,
                    model_id=self.model_id,
                    words=np.array(self.words, dtype=str),
                    vectors=self.vectors.astype(np.float16),
                )
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Lexicon | None:
        """The saved lexicon, or ``None`` if there is none or it cannot be read (it is rebuilt)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(
                    str(data["language"]),
                    str(data["fingerprint"]),
                    tuple(str(w) for w in data["words"]),
                    data["vectors"].astype(np.float32),
                    str(data["model_id"]),
                )
        except (OSError, ValueError, KeyError):
            return None


def fingerprint(model_id: str, documents: Iterable[tuple[str, str]]) -> str:
    """Identifies a lexicon's inputs: the model and the (doc_id, sha256) of its documents."""
    h = hashlib.sha256(model_id.encode())
    for doc_id, sha in sorted(documents):
        h.update(f"\n{doc_id}:{sha}".encode())
    return h.hexdigest()


class Lexicons:
    """The lexicons of one index, one per document language, built on first need.

    ``folder`` keeps them between processes (``None``: in memory only, e.g. a read-only setup). The
    set of documents is read once per instance: the app makes a new engine when the index changes.
    """

    def __init__(
        self,
        index: Any,
        embedder: Any,
        model_id: str,
        folder: Path | None = None,
        threshold: float = THRESHOLD,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.model_id = model_id
        self.folder = folder
        self.threshold = threshold
        self._docs: dict[str, list[Any]] | None = None
        self._loaded: dict[str, Lexicon] = {}
        # the app's warm-up thread and a search may ask at once: one build per language at a time
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @classmethod
    def for_runtime(cls, runtime: Any) -> Lexicons | None:
        """The lexicons of a runtime's index, kept in ``<data_dir>/lexicon``; ``None`` for a model
        without a calibrated word threshold (e.g. the English-only MiniLM)."""
        spec = runtime.spec
        if spec.word_threshold is None:
            return None
        folder = runtime.settings.data_dir / "lexicon"
        return cls(runtime.index, runtime.embedder, spec.model_id, folder, spec.word_threshold)

    def languages(self) -> list[str]:
        return sorted(self._documents())

    def _documents(self) -> dict[str, list[Any]]:
        if self._docs is None:
            docs: dict[str, list[Any]] = {}
            for rec in self.index.documents():
                if rec.meta.language:
                    docs.setdefault(rec.meta.language, []).append(rec.meta)
            self._docs = docs
        return self._docs

    def prepare(self) -> list[Lexicon]:
        """Build (or load) now the lexicon of every document language: after ingest and at app start,
        so that no search waits for one. English comes last: English questions over documents in
        other languages are the usual case, Georgian or Russian questions over English text the next."""
        order = sorted(self.languages(), key=lambda lang: (lang == "en", lang))
        found = [self.get(lang) for lang in order]
        return [lex for lex in found if lex is not None]

    def get(self, language: str) -> Lexicon | None:
        """The lexicon of ``language`` (``None`` if the index holds no document in it)."""
        with self._lock:  # one lock per language: a search needing Georgian never waits for English
            lock = self._locks.setdefault(language, threading.Lock())
        with lock:
            return self._get(language)

    def _get(self, language: str) -> Lexicon | None:
        if language in self._loaded:
            return self._loaded[language]
        metas = self._documents().get(language)
        if not metas:
            return None
        fp = fingerprint(self.model_id, ((m.doc_id, m.sha256) for m in metas))
        path = self.folder / f"{_safe(language)}.npz" if self.folder else None
        old = Lexicon.load(path) if path and path.exists() else None
        if old is None or old.fingerprint != fp:
            lexicon = self._build(language, fp, metas, old)
            if path is not None:
                try:
                    lexicon.save(path)
                except OSError:
                    pass  # read-only data directory: keep it in memory for this process
        else:
            lexicon = old
        self._loaded[language] = lexicon
        return lexicon

    def _build(self, language: str, fp: str, metas: Sequence[Any], old: Lexicon | None) -> Lexicon:
        vocab: set[str] = set()
        for meta in metas:
            for stored in self.index.chunks(meta.doc_id):
                vocab.update(words_of(stored.chunk.text))
                vocab.update(words_of(stored.chunk.heading))
        words = tuple(sorted(vocab))
        if old is not None and old.model_id != self.model_id:
            old = None  # another model's vectors: embed everything again
        known = {w: i for i, w in enumerate(old.words)} if old is not None else {}
        new = [w for w in words if w not in known]
        fresh = dict(zip(new, self.embedder.embed_queries(new), strict=True)) if new else {}
        dim = self.embedder.spec.dim
        vectors = np.zeros((len(words), dim), dtype=np.float32)
        for i, w in enumerate(words):
            vectors[i] = fresh[w] if w in fresh else old.vectors[known[w]]  # type: ignore[union-attr]
        return Lexicon(language, fp, words, vectors, self.model_id)

    def translate(
        self, text: str, query_language: str, bm25: Any, only: Sequence[str] = ()
    ) -> dict[str, list[str]]:
        """Language -> the index's words nearest to the query's content words and word pairs.

        ``only`` restricts the target languages (a language filter); the query's own language and
        languages without documents are skipped.
        """
        targets = [lang for lang in (only or self.languages()) if lang != query_language]
        lexicons = [lex for lex in map(self.get, targets) if lex is not None]
        if not lexicons:
            return {}
        terms = content_terms(text, query_language, bm25)
        if not terms:
            return {}
        queries = self.embedder.embed_queries(terms)
        out = {}
        for lex in lexicons:
            found = list(dict.fromkeys(lex.nearest(queries, self.threshold)))
            if found:
                out[lex.language] = found
        return out


def content_terms(text: str, language: str, bm25: Any) -> list[str]:
    """The query's words that are not stop words of its language, then each adjacent pair of them."""
    words = [w for w in words_of(text) if bm25.encode_query(w, language).indices]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _safe(language: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "_", language.lower()) or "unknown"

"""Hybrid provision search over the index: one Qdrant query per search, hits grouped by provision.

``SearchEngine(index, embedder, bm25).search(SearchRequest(...)) -> SearchResult``. The index does the
prefetch + fusion (RRF or DBSF) in a single query on both backends; this module builds the query
vectors and the filter, pins provisions named in the query, and groups chunks into hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from search.filters import SearchFilters
from search.glossary import Glossary, default_glossary
from search.hits import Hit, equalize_copies, focus, group_chunks, to_json
from search.language import LATIN_SCRIPT, query_languages
from search.lexicon import Lexicons
from search.query import ParsedQuery, parse_query
from search.resolve import DocumentResolver, number_variants

MODES = ("hybrid", "semantic", "keyword")
FUSIONS = ("rrf", "dbsf")

Reranker = Callable[[str, list[Hit]], list[Hit]]


@dataclass(frozen=True)
class SearchOptions:
    """How the engine searches; the defaults are what ``ctkb eval`` showed works best."""

    fusion: str = "rrf"
    prefetch_limit: int = 60  # candidates per prefetch (dense and BM25) before fusion
    # (dense, BM25) weights of RRF. 1.0 / 0.8 scored best on the gold set (nDCG@10 0.625 vs 0.620), but it
    # turns the ILO acceptance query's tie (Art. 4 first by BM25, Art. 5 by dense) to the wrong article.
    # Equal scores are ordered by ``_break_ties``.
    rrf_weights: tuple[float, float] = (1.0, 1.0)
    chunk_factor: int = 3  # chunks fetched per wanted hit (several chunks may share a provision)
    # Glossary phrases added to the BM25 side of *hybrid* queries (keyword mode stays literal).
    # Measured on the gold set: +0.01 nDCG@10 overall, +0.01-0.02 on paraphrases (small, kept).
    expand_glossary: bool = True
    translate_glossary: bool = True  # ... with the concept's phrases in other languages (own analyser)
    # BM25 weight of those phrases when the question is in English (0.5-1.5 within noise over Dutch)
    glossary_weight: float = 1.0
    # BM25 weight of those phrases when the question is not in English (Georgian, Russian...): at 1.0 the
    # English phrases pulled English documents above the Georgian answers of a Georgian question in a
    # mixed index (sample corpus, gold_ka 0.787 -> 0.686); 0.25 keeps that and still helps Georgian and
    # Russian questions over English text (0.434 -> 0.564, 0.582 -> 0.671; docs/BENCHMARKS.md).
    foreign_glossary_weight: float = 0.25
    # ... and with the index's own words in other languages nearest to the query's (search/lexicon.py)
    translate_lexicon: bool = True
    # BM25 weight of those words (the query's own terms weigh 1.0): 0.25 keeps the mixed gold index
    # where it was without them (0.614 vs 0.616; 1.0 once cost 0.05 there) while a Dutch-only index
    # gains (blind held-out questions 0.556 -> 0.646); docs/BENCHMARKS.md has the figures.
    lexicon_weight: float = 0.25
    expand_dense: bool = False  # also to the text the dense model embeds: measured worse in hybrid
    # Latent terms (ingest/latent_terms.py) as a third prefetch of hybrid queries, where the index has
    # them, with this RRF weight (dense and BM25 weigh ``rrf_weights``). Chosen with the first encoder: at
    # 0.5 the gold set stayed at 0.616 (paraphrases 0.384 -> 0.404) and English over Dutch gained (mean
    # 0.690 -> 0.732); 1.0 gained ~0.006 more over Dutch but cost the gold set 0.025. Final code (latent
    # terms from the dense pass): gold 0.608 (0.617 without), mean over 311 Dutch-set questions 0.724
    # (with the legal terms of 2026-12-04: gold 0.613, 431 Dutch-set questions 0.753).
    latent_terms: bool = True
    latent_weight: float = 0.5
    reference_lookup: bool = True
    # A Latin-script question in another language of the index or the glossary (Dutch, Azerbaijani...) is
    # analysed and translated as that language (search/language.py); off: Latin script is read as English.
    detect_language: bool = True
    reranker: Reranker | None = field(default=None, compare=False)  # off unless a local model is set


@dataclass(frozen=True)
class SearchRequest:
    query: str
    top_k: int = 10
    mode: str = "hybrid"
    filters: SearchFilters = SearchFilters()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown search mode '{self.mode}' (expected one of {', '.join(MODES)})")
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")


@dataclass(frozen=True)
class SearchResult:
    query: str
    mode: str
    hits: tuple[Hit, ...]
    parsed: ParsedQuery

    def as_json(self) -> dict[str, Any]:
        return to_json(self.query, self.hits)


class SearchEngine:
    """Searches one index with one embedding model and one BM25 encoder (all opened by the caller)."""

    def __init__(
        self,
        index: Any,
        embedder: Any,
        bm25: Any,
        options: SearchOptions | None = None,
        glossary: Glossary | None = None,
        lexicons: Lexicons | None = None,
        latent: Any = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.bm25 = bm25
        self.latent = latent  # LatentTermEncoder where the index has latent terms, else None
        self.options = options if options is not None else SearchOptions()
        self.glossary = glossary if glossary is not None else default_glossary()
        self.lexicons = lexicons  # None: no cross-lingual keywords beyond the glossary
        self.resolver = DocumentResolver(index, self.glossary)
        self._dense_cache: dict[str, tuple[float, ...]] = {}  # query text -> vector (app reruns, eval)
        self._dense_probe: tuple[float, ...] | None = None  # any vector: fetching parts by filter
        self._translation_cache: dict[tuple[str, tuple[str, ...]], Any] = {}
        self._terms_cache: dict[tuple[str, str], tuple[int, ...]] = {}
        self._latent_cache: dict[str, Any] = {}
        self._language_cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_runtime(cls, runtime: Any, options: SearchOptions | None = None) -> SearchEngine:
        """An engine over a runtime's index and model, its lexicons kept in the data directory
        (none for a model without a calibrated word threshold, e.g. the English-only MiniLM)."""
        lexicons = Lexicons.for_runtime(runtime)
        return cls(
            runtime.index,
            runtime.embedder,
            runtime.bm25,
            options,
            lexicons=lexicons,
            latent=runtime.latent_terms,
        )

    def with_options(self, **changes: Any) -> SearchEngine:
        """The same engine with other options (shares the index, model and resolver cache)."""
        engine = SearchEngine(
            self.index,
            self.embedder,
            self.bm25,
            replace(self.options, **changes),
            self.glossary,
            self.lexicons,
            self.latent,
        )
        engine.resolver = self.resolver
        engine._dense_cache = self._dense_cache
        engine._latent_cache = self._latent_cache
        engine._language_cache = self._language_cache
        return engine

    # --- vectors ---------------------------------------------------------------------------
    def vectors(
        self, text: str, mode: str, language: str | None = None, languages: Sequence[str] = ()
    ) -> tuple[Any, Any]:
        """(dense, BM25) query vectors; ``languages``: the documents' languages the filter allows."""
        o = self.options
        dense_text = self.glossary.expand(text) if o.expand_dense and mode == "hybrid" else text
        dense = self._embed(dense_text, self._uses_latent(mode)) if mode != "keyword" else None
        sparse = None
        if mode != "semantic":
            expand = o.expand_glossary and mode == "hybrid"
            bm25_text = self.glossary.expand(text) if expand else text
            sparse = self.bm25.encode_query(bm25_text, language or self._analysis(text))
            glossary, lexicon = self.translations(text, mode, languages)
            english = self.query_language(text) == "en"
            weight = o.glossary_weight if english else o.foreign_glossary_weight
            sparse = _union(
                sparse, [self.bm25.encode_query(" ".join(p), g) for g, p in glossary.items()], weight
            )
            sparse = _union(
                sparse,
                [self.bm25.encode_query(" ".join(w), lang) for lang, w in lexicon.items()],
                o.lexicon_weight,
            )
        return dense, sparse

    def _uses_latent(self, mode: str) -> bool:
        return mode == "hybrid" and self.latent is not None and self.options.latent_terms

    def latent_vector(self, text: str, mode: str) -> Any:
        """The query's latent terms: hybrid queries only, where the index has them (else None)."""
        if not self._uses_latent(mode):
            return None
        if text not in self._latent_cache:
            self._embed(text, latent=True)
        return self._latent_cache[text]

    def translations(
        self, text: str, mode: str, languages: Sequence[str] = ()
    ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The query's words in other languages that a hybrid query adds to its BM25 side:
        (glossary phrases, lexicon words), each language -> words. Empty in the other modes."""
        o = self.options
        if mode != "hybrid":
            return {}, {}
        key = (text, tuple(languages))
        cached = self._translation_cache.get(key)
        if cached is None:
            glossary: dict[str, list[str]] = {}
            if o.expand_glossary and o.translate_glossary:
                found = self.glossary.translations(text, self.query_language(text), self._terms)
                glossary = {lang: list(p) for lang, p in found.items()}
            lexicon: dict[str, list[str]] = {}
            if o.translate_lexicon and self.lexicons is not None:
                lexicon = self.lexicons.translate(text, self.query_language(text), self.bm25, languages)
            cached = _remember(self._translation_cache, key, (glossary, lexicon))
        return cached

    def query_language(self, text: str) -> str:
        """The language the question is read in (search/language.py): by script, else among English and
        the Latin-script languages of the index and the glossary."""
        return self.query_languages(text)[0]

    def query_languages(self, text: str) -> tuple[str, ...]:
        """The languages the question may be written in, likeliest first (search/language.py)."""
        if not self.options.detect_language:
            return query_languages(text)
        found = self._language_cache.get(text)
        if found is None:
            # the documents' languages and those the glossary translates
            candidates = self.resolver.languages() | self.glossary.languages
            found = _remember(
                self._language_cache, text, query_languages(text, candidates, self.bm25.stopword_count)
            )
        return found

    def _analysis(self, text: str) -> tuple[str, ...] | None:
        """How the BM25 side analyses a question when no language was chosen: in the Latin-script
        language(s) it may be written in; ``None`` (word by word, by script) for English or another script."""
        langs = self.query_languages(text)
        return None if langs == ("en",) or langs[0] not in LATIN_SCRIPT else langs

    def _terms(self, text: str, language: str) -> tuple[int, ...]:
        """The BM25 term of each word of ``text`` as a document in ``language`` would index it, in order
        (stop words left out): how glossary phrases in other languages are matched."""
        key = (text, language)
        found = self._terms_cache.get(key)
        if found is None:
            found = _remember(self._terms_cache, key, self.bm25.word_terms(text, language), size=4096)
        return found

    def _embed(self, text: str, latent: bool = False) -> tuple[float, ...]:
        """The query's dense vector; with ``latent``, its latent terms too, from the same pass of the model."""
        vec = self._dense_cache.get(text)
        if latent and text not in self._latent_cache:
            both = self.latent.encode_query(text)
            _remember(self._latent_cache, text, both.latent)
            vec = _remember(self._dense_cache, text, both.dense)
        elif vec is None:
            vec = _remember(self._dense_cache, text, tuple(float(x) for x in self.embedder.embed_query(text)))
        self._dense_probe = vec
        return vec

    def _query(
        self, dense: Any, sparse: Any, mode: str, flt: Any, limit: int, latent: Any = None
    ) -> list[Any]:
        o = self.options
        return list(
            self.index.query(
                dense,
                sparse,
                mode=mode,
                flt=flt,
                limit=limit,
                fusion=o.fusion,
                prefetch_limit=o.prefetch_limit,
                weights=(*o.rrf_weights, o.latent_weight),
                latent=latent,
            )
        )

    def _all_parts(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[Any]]:
        """Every chunk of the given (doc_id, provision_id) pairs, in one filtered query."""
        from ingest.store.filters import Filter, Match
        from search.filters import _key

        flt = Filter(
            should=[Filter(must=[Match(_key("doc_id"), d), Match(_key("provision_id"), p)]) for d, p in keys]
        )
        probe = self._dense_probe
        if probe is None:
            probe = self._embed(" ")
        scored = self.index.query(probe, None, mode="semantic", flt=flt, limit=64 * len(keys))
        out: dict[tuple[str, str], list[Any]] = {}
        for sc in scored:
            st = sc.stored
            out.setdefault((st.meta.doc_id, st.chunk.provision_id), []).append(st.chunk)
        return out

    # --- search ----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        from search.snippet import query_terms

        parsed = parse_query(request.query)
        language = request.filters.languages[0] if len(request.filters.languages) == 1 else None
        dense, sparse = self.vectors(request.query, request.mode, language, request.filters.languages)
        latent = self.latent_vector(request.query, request.mode)
        flt = request.filters.to_filter()
        limit = request.top_k * self.options.chunk_factor * (2 if self.options.reranker is not None else 1)
        scored = self._query(dense, sparse, request.mode, flt, limit, latent)
        wanted = request.top_k * (2 if self.options.reranker is not None else 1)
        # the words marked in snippets and counted on ties: the query's and their translations
        marked = " ".join(
            [request.query]
            + [
                w
                for found in self.translations(request.query, request.mode, request.filters.languages)
                for words in found.values()
                for w in words
            ]
        )
        terms = query_terms(marked)
        scored = equalize_copies(scored, terms)
        hits = _break_ties(group_chunks(scored, marked, limit=wanted, all_parts=self._all_parts), terms)
        if self.options.reranker is not None and hits:
            hits = self.options.reranker(request.query, hits)
        if self.options.reference_lookup and parsed.refs:
            pinned = self._reference_hits(parsed, request, dense, sparse, latent)
            seen = {(h.doc_id, h.provision_id) for h in pinned}
            hits = pinned + [h for h in hits if (h.doc_id, h.provision_id) not in seen]
        return SearchResult(request.query, request.mode, tuple(hits[: request.top_k]), parsed)

    def _reference_hits(
        self, parsed: ParsedQuery, request: SearchRequest, dense: Any, sparse: Any, latent: Any
    ) -> list[Hit]:
        """Provisions named in the query, best first: the named document, then relevance to the words."""
        out: list[Hit] = []
        for ref in parsed.refs:
            doc_ids = self.resolver.resolve(ref.doc_hint) if ref.doc_hint else []
            flt = request.filters.to_filter(numbers=number_variants(ref.number), doc_ids=doc_ids or None)
            limit = request.top_k * self.options.chunk_factor
            scored = self._query(dense, sparse, request.mode, flt, limit, latent)
            if not scored and doc_ids:  # the hint named nothing we hold under this number: any document
                flt = request.filters.to_filter(numbers=number_variants(ref.number))
                scored = self._query(dense, sparse, request.mode, flt, limit, latent)
            hits = group_chunks(scored, request.query, limit=request.top_k, all_parts=self._all_parts)
            # a named kind ("Article") outranks other kinds that share the number ("Section 3")
            hits.sort(key=lambda h: not _kind_matches(ref.kind, h.label))
            out.extend(focus(replace(h, matched="reference"), ref.sub, request.query) for h in hits)
        return out

    # --- similar ---------------------------------------------------------------------------
    def similar(
        self,
        doc_id: str,
        provision: str,
        *,
        top_k: int = 10,
        per_document: int = 3,
        mode: str = "hybrid",
        filters: SearchFilters | None = None,
    ) -> list[SimilarGroup]:
        """Provisions of *other* documents closest to one provision, grouped by document."""
        from search.similar import similar_provisions

        return similar_provisions(
            self, doc_id, provision, top_k=top_k, per_document=per_document, mode=mode, filters=filters
        )


@dataclass(frozen=True)
class SimilarGroup:
    doc_id: str
    title: str
    score: float  # the best hit's score
    hits: tuple[Hit, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "score": round(self.score, 6),
            "hits": [h.as_json() for h in self.hits],
        }


def _break_ties(hits: list[Hit], terms: set[str]) -> list[Hit]:
    """Equal fused scores are common with RRF (rank 1 + rank 2 on one side, 2 + 1 on the other):
    among equals, the provision containing more of the query's words (and their translations:
    ``terms``) comes first, then document and provision order."""
    from search.snippet import stem

    def coverage(h: Hit) -> int:
        return len(terms & {stem(w) for w in re.findall(r"\w+", h.text)})

    # last, a fixed order: Qdrant returns equal scores in an order that can differ between runs
    return sorted(hits, key=lambda h: (-round(h.score, 6), -coverage(h), h.doc_id, h.provision_id))


def _remember(cache: dict[Any, Any], key: Any, value: Any, size: int = 512) -> Any:
    """Store ``value`` in a bounded cache (the oldest entry goes first) and return it."""
    if len(cache) >= size:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def _union(base: Any, others: Sequence[Any], weight: float = 1.0) -> Any:
    """One BM25 query vector with the terms of several: ``base``'s at their own weight, each other
    term at ``weight`` (a term in both keeps the larger)."""
    if not others:
        return base
    from ingest.model import SparseVector

    terms = dict(zip(base.indices, base.values, strict=True))
    for vec in others:
        for i in vec.indices:
            terms[i] = max(terms.get(i, 0.0), weight)
    ordered = tuple(sorted(terms))
    return SparseVector(ordered, tuple(terms[i] for i in ordered))


def _kind_matches(kind: str, label: str) -> bool:
    head = label.split(" ", 1)[0].lower()
    if kind == "section":
        return head in {"§", "section", "s.", "sec."}
    if kind == "article":
        return head in {"article", "artikel", "art.", "статья", "მუხლი"}
    return head.startswith(kind[:4])


def group_by_document(hits: Sequence[Hit], per_document: int) -> list[SimilarGroup]:
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.doc_id, [])
        if len(groups[h.doc_id]) < per_document:
            groups[h.doc_id].append(h)
    return [SimilarGroup(d, hs[0].title, hs[0].score, tuple(hs)) for d, hs in groups.items()]

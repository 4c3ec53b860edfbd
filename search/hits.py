"""Search results are provisions, not fragments: chunks of one provision collapse into one Hit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.model import PageBreaks, joined_breaks
from search.citation import citation
from search.pinpoint import cite, named, pages_of, passage_pages, pinpoint
from search.snippet import Snippet, make_snippet, query_terms

# The field names of ``ctkb search --json`` hits, in order (issue 5, item 2).
HIT_FIELDS = (
    "doc_id",
    "title",
    "source",
    "jurisdiction",
    "doc_type",
    "language",
    "year",
    "provision_id",
    "number",
    "label",
    "heading",
    "path",
    "page_start",
    "page_end",
    "score",
    "text",
    "snippet",
    "citation",
)


@dataclass(frozen=True)
class Hit:
    doc_id: str
    title: str
    source: str
    jurisdiction: str
    doc_type: str
    language: str
    year: int | None
    provision_id: str
    number: str
    label: str
    heading: str
    path: tuple[str, ...]
    page_start: int
    page_end: int
    score: float
    text: str
    snippet: Snippet
    citation: str
    matched: str = field(default="", compare=False)  # "reference" when pinned by a named provision
    # the page of the part that matched best, within page_start–page_end: where a provision of many
    # pages (an annex, a long definitions article) is opened and what the text output points to
    best_page: int = field(default=0, compare=False)
    # the paragraph (and point) of the provision that holds the snippet, as cited: "(1)", "(2)(b)", ""
    pinpoint: str = field(default="", compare=False)
    # where ``text`` moves to its next pages (ingest.model.PageBreaks); () on one page, or unknown
    page_breaks: PageBreaks = field(default=(), compare=False)

    @property
    def pinpoint_pages(self) -> tuple[int, int]:
        """The pages that print the pinpointed paragraph, or without a pinpoint the passage shown (the
        snippet); the provision's pages where that is not known (an index written before page breaks
        were kept)."""
        if self.pinpoint:
            return pages_of(self.text, self.pinpoint, self.page_breaks, self.page_start, self.page_end)
        return passage_pages(self.text, self.snippet.window, self.page_breaks, self.page_start, self.page_end)

    @property
    def pinpoint_citation(self) -> str:
        """The citation down to the paragraph that matched, with that paragraph's pages ("…, Art. 6(2),
        p. 3" where Art. 6 runs over pp. 2–3); without a pinpoint, of a provision over several pages, with
        the pages of the passage shown ("…, Appendix D, p. 123")."""
        first, last = self.pinpoint_pages
        if not self.pinpoint and (first, last) == (self.page_start, self.page_end):
            return self.citation
        return citation(
            self.title,
            self.label + self.pinpoint,
            first,
            last,
            source=self.source,
            number=self.number + self.pinpoint if self.number else "",
        )

    @property
    def key(self) -> str:
        """``<source-file-stem>:<number>``: how gold judgments name a provision."""
        return f"{Path(self.source).stem}:{self.number}"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in HIT_FIELDS:
            value = getattr(self, name)
            if name == "snippet":
                value = value.as_json()
            elif name == "path":
                value = list(value)
            elif name == "score":
                value = round(float(value), 6)
            out[name] = value
        return out


def to_json(query: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """The ``--json`` shape: ``{"query": …, "hits": […]}`` with exactly the documented field names."""
    return {"query": query, "hits": [h.as_json() for h in hits]}


def equalize_copies(scored: Sequence[Any], terms: set[str]) -> list[Any]:
    """``ScoredChunk``s, best first, with each chunk stored more than once (an article unchanged from
    draft v1 to v2) given the mean score of its copies.

    Copies score the same on every side of a hybrid query, but each side ranks them one after the
    other in whatever order the engine holds them, and RRF turns ranks 1 and 2 into different scores:
    another provision could land between the copies, and results changed when the index was rebuilt.
    The copies hold the same ranks on every side whatever their order, so the mean of their fused
    scores is the same in every index. Copies are chunks with the same label, heading, path and text
    (so the same dense and BM25 text apart from their document's title); they are left alone when
    the query (``terms``: its words, ``search.snippet.query_terms``) names a word of one copy's title and
    not of the other's ("draft v2"): BM25 tells those apart."""
    from search.snippet import query_terms

    groups: dict[tuple[Any, ...], list[int]] = {}
    for n, sc in enumerate(scored):
        c = sc.stored.chunk  # what both sides index, apart from the title: label, heading, path, text
        groups.setdefault((c.label, c.heading, c.path, c.text), []).append(n)
    out = list(scored)
    for members in groups.values():
        if len(members) < 2:
            continue
        words = [query_terms(scored[n].stored.meta.title) for n in members]
        if terms & (set().union(*words) - words[0].intersection(*words[1:])):
            continue
        mean = sum(scored[n].score for n in members) / len(members)
        for n in members:
            out[n] = replace(scored[n], score=mean)
    return sorted(out, key=lambda sc: -sc.score)  # stable: equal scores keep the engine's order


def group_chunks(
    scored: Iterable[Any],
    query: str,
    *,
    limit: int,
    all_parts: Callable[[list[tuple[str, str]]], dict[tuple[str, str], list[Any]]] | None = None,
) -> list[Hit]:
    """Collapse ``ScoredChunk``s (best first) into provision hits, keeping each provision's best score.

    ``all_parts([(doc_id, provision_id), …])`` returns every stored chunk of provisions split in
    several parts (one call per search), so a hit carries the whole provision text and its full page
    span, not just the part found.
    """
    order: list[tuple[str, str]] = []
    best: dict[tuple[str, str], Any] = {}
    found: dict[tuple[str, str], list[Any]] = {}
    for sc in scored:
        stored = sc.stored
        key = (stored.meta.doc_id, stored.chunk.provision_id)
        if key not in best:
            if len(order) >= limit:
                continue
            order.append(key)
            best[key] = sc
            found[key] = []
        found[key].append(stored.chunk)
    missing = [k for k in order if found[k][0].parts > 1 and len(found[k]) < found[k][0].parts]
    fetched = all_parts(missing) if missing and all_parts is not None else {}
    hits: list[Hit] = []
    for key in order:
        sc = best[key]
        chunks = fetched.get(key) or found[key]
        ordered = sorted(chunks, key=lambda c: c.part)
        hits.append(make_hit(sc.stored.meta, ordered, sc.score, query, best_page=sc.stored.chunk.page_start))
    return hits


def make_hit(
    meta: Any, chunks: Sequence[Any], score: float, query: str, matched: str = "", best_page: int = 0
) -> Hit:
    """One hit from a document's metadata and the (ordered) chunks of one provision; ``best_page``: the
    page where the part that matched best starts (else the provision's first page)."""
    first = chunks[0]
    text = "\n".join(c.text for c in chunks) if len(chunks) > 1 else first.text
    page_start = min((c.page_start for c in chunks if c.page_start > 0), default=0)
    page_end = max((c.page_end for c in chunks), default=page_start)
    snippet = make_snippet(text, query)
    return Hit(
        doc_id=meta.doc_id,
        title=meta.title,
        source=meta.source,
        jurisdiction=meta.jurisdiction,
        doc_type=meta.doc_type,
        language=meta.language,
        year=meta.year,
        provision_id=first.provision_id,
        number=first.number,
        label=first.label,
        heading=first.heading,
        path=tuple(first.path),
        page_start=page_start,
        page_end=max(page_end, page_start),
        score=float(score),
        text=text,
        snippet=snippet,
        citation=citation(
            meta.title,
            first.label,
            page_start,
            max(page_end, page_start),
            source=meta.source,
            number=first.number,
        ),
        matched=matched,
        best_page=best_page if page_start <= best_page <= page_end else page_start,
        pinpoint=pinpoint(text.strip(), snippet.window, query_terms(query)),
        page_breaks=joined_breaks(chunks),
    )


def focus(hit: Hit, path: tuple[str, ...], query: str) -> Hit:
    """A hit narrowed to the paragraph (and point) that a query names ("Article 3(a) of …"): its snippet
    is taken from that division and its pinpoint names it, as far as the provision has it. A paragraph
    the provision does not have leaves no pinpoint (another paragraph must not pass for the one named)."""
    if not path:
        return hit
    body = hit.text.strip()
    found = named(body, path)
    if not found:
        return replace(hit, pinpoint="")
    part = found[-1]
    snippet = make_snippet(body[part.start : part.end], query)
    lo, hi = snippet.window
    return replace(
        hit,
        snippet=replace(snippet, window=(part.start + lo, part.start + hi)),
        pinpoint=cite(tuple(d.marker for d in found)),
    )

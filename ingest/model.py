"""Core legal data model: documents, provisions and the chunks that go into the index.

A law is a *work*; each draft, version or translation is an *expression* of it (Akoma Ntoso).
Every type here is a small frozen dataclass so the pure stages (clean, parse, chunk, align)
can be tested without a model or an index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

# How a Word file's tracked changes are read: all accepted (as Word shows the draft without markup), or the
# original text before them (all rejected).
TrackedView = Literal["accepted", "original"]
TRACKED_VIEWS: tuple[TrackedView, ...] = ("accepted", "original")

# Containers group units; units are the citeable provisions that become chunks.
CONTAINER_KINDS = frozenset({"part", "title", "chapter", "subchapter", "division", "section_group"})
UNIT_KINDS = frozenset({"preamble", "article", "section", "rule", "clause", "annex"})
SUB_KINDS = frozenset({"paragraph", "point", "subpoint"})

# Where a text's pages begin: ``(offset, page)`` pairs in offset order, each the first character of the
# text printed on that page. Empty where the text lies on one page or its pages are not known.
PageBreaks = tuple[tuple[int, int], ...]


def joined_breaks(parts: Sequence[Any]) -> PageBreaks:
    """The page breaks of the parts' texts (``Chunk``s) joined by newlines, as one provision's text; ()
    unless every part has them (all parts of a provision over several pages have, or none: an older
    index)."""
    if not all(getattr(p, "page_breaks", ()) for p in parts):
        return ()
    out: list[tuple[int, int]] = []
    base = 0
    for p in parts:
        out.extend((base + at, page) for at, page in p.page_breaks)
        base += len(p.text) + 1
    return tuple(out)


def page_at(breaks: PageBreaks, offset: int, first: int) -> int:
    """The page that prints ``offset`` of a text whose breaks are ``breaks`` (``first``: the page of
    its start when no break comes before the offset)."""
    page = first
    for at, number in breaks:
        if at > offset:
            break
        page = number
    return page


@dataclass(frozen=True)
class PageText:
    """The text of one page as read from the source (1-based page number)."""

    number: int
    text: str
    margin_notes: tuple[str, ...] = ()
    ocr_confidence: float | None = None  # tesseract's mean word confidence (0–100) for a page read by OCR
    # a Word file's tracked changes (insertions, deletions, moves), read in one view (``TrackedView``);
    # counted for the whole document on its first page
    tracked_changes: int = 0


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about one expression of a legal text."""

    doc_id: str
    title: str = ""
    source: str = ""  # file name only, never a path
    sha256: str = ""
    jurisdiction: str = ""
    doc_type: str = ""  # law | draft_law | treaty | policy | sop | guide | report | ...
    language: str = ""  # ISO 639-1 ("en", "ka", "ru", ...); empty when unknown
    year: int | None = None
    status: str = ""  # in_force | draft | repealed | ...
    version: str = ""
    work: str = ""  # groups expressions of the same law (drafts, translations)
    pages: int = 0
    ocr_pages: int = 0  # pages whose text was read by OCR
    parser_revision: int = 0  # the structure parser's revision that made the provisions (0: unknown)

    def with_(self, **changes: object) -> DocumentMeta:
        return replace(self, **changes)  # type: ignore[arg-type]


def label_heading(label: str, heading: str) -> str:
    """ "Chapter II – Prevention"; the label alone when it holds the heading ("C. Department of Justice"),
    the heading alone when there is no label: how a provision is named in paths and outlines."""
    return f"{label} – {heading}" if heading and label and not label.endswith(heading) else (label or heading)


@dataclass(frozen=True)
class Provision:
    """One node of a document's structure tree.

    ``id`` is an Akoma-Ntoso-style eId built from the ancestors (``chp_2__art_5__para_1``).
    ``text`` is the node's full body (for an article: all its paragraphs, without the heading line).
    """

    id: str
    kind: str
    number: str = ""
    label: str = ""  # how a lawyer cites it: "Article 5", "§ 1592", "Section 7"
    heading: str = ""
    text: str = ""
    page_start: int = 0
    page_end: int = 0
    children: tuple[Provision, ...] = ()
    path: tuple[str, ...] = ()  # display labels of the containers (and outline sections) above it
    page_breaks: PageBreaks = ()  # where ``text`` moves to its next pages (units spanning pages only)

    @property
    def is_unit(self) -> bool:
        return self.kind in UNIT_KINDS

    def walk(self) -> Iterator[Provision]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class LegalDocument:
    """A parsed document: metadata, cleaned page texts and the provision tree."""

    meta: DocumentMeta
    pages: tuple[PageText, ...]
    provisions: tuple[Provision, ...]
    warnings: tuple[str, ...] = ()

    def walk(self) -> Iterator[Provision]:
        for p in self.provisions:
            yield from p.walk()

    def units(self) -> list[Provision]:
        """Citeable provisions (articles, sections, clauses...) in document order."""
        out: list[Provision] = []

        def visit(nodes: tuple[Provision, ...]) -> None:
            for n in nodes:
                if n.is_unit:
                    out.append(n)
                else:
                    visit(n.children)

        visit(self.provisions)
        return out

    def numbered_units(self) -> list[Provision]:
        """Articles/sections with a number: what ``provisions`` counts in reports."""
        return [u for u in self.units() if u.number and u.kind != "preamble"]


def without_pages(document: LegalDocument) -> LegalDocument:
    """The document with the pages of its provisions unknown (0, no page breaks): for a source without
    fixed pages (a Word file, a text file without form feeds), where a page number would be invented."""

    def strip(p: Provision) -> Provision:
        return replace(p, page_start=0, page_end=0, page_breaks=(), children=tuple(map(strip, p.children)))

    return replace(document, provisions=tuple(map(strip, document.provisions)))


@dataclass(frozen=True)
class Chunk:
    """The piece of a provision that is embedded and stored as one index point.

    A provision becomes one chunk unless it is longer than the model's window; then it is
    split at paragraph boundaries into ``parts`` chunks that share ``provision_id``.
    ``embed_text`` (dense side) is ``text`` preceded by the provision's label and heading;
    ``keyword_text`` (BM25 side) by the whole breadcrumb (title > chapter > article heading).
    """

    provision_id: str
    ordinal: int  # position of the provision in the document's units
    kind: str
    number: str
    label: str
    heading: str
    path: tuple[str, ...]
    page_start: int
    page_end: int
    text: str
    embed_text: str
    part: int = 0
    parts: int = 1
    keyword_text: str = ""  # "" -> embed_text
    page_breaks: PageBreaks = ()  # where ``text`` moves to its next pages; () within one page

    @property
    def bm25_text(self) -> str:
        return self.keyword_text or self.embed_text


@dataclass(frozen=True)
class SparseVector:
    indices: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class EmbeddedChunk:
    chunk: Chunk
    dense: tuple[float, ...]
    sparse: SparseVector
    latent: SparseVector | None = None  # latent terms, where the index has them (ingest/latent_terms.py)


@dataclass(frozen=True)
class IngestReport:
    """Outcome for one input file, as printed by ``ctkb ingest --json``."""

    file: str
    doc_id: str = ""
    status: str = "failed"  # added | updated | unchanged | failed
    provisions: int = 0
    pages: int = 0
    error: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def wrote(self) -> bool:
        """Whether this file changed the index (added or updated)."""
        return self.status in ("added", "updated")

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "doc_id": self.doc_id,
            "status": self.status,
            "provisions": self.provisions,
            "pages": self.pages,
            "error": self.error or None,
            "warnings": list(self.warnings),
        }

"""Coverage of a draft against a reference: which obligations does the draft address, partly or not at all?

The reference is a checklist shipped in ``search/data/checklists/`` (the project's own paraphrases of the
core obligations of the UN Trafficking Protocol and the Council of Europe Convention) or any parsed
document, provision by provision (``Checklist.from_document``).

Calibration: cosines are not comparable across models (MiniLM puts unrelated legal text near 0.3, e5 near
0.8), so each item's best score is read as a robust z-score against the background of *this* report, the
whole item x provision matrix (most cells are unrelated). Keyword hits in the provision add a fixed
bonus. ``covered``/``partial`` thresholds are in those z units and were set on real texts (see
``tests/test_coverage.py``) for both MiniLM and multilingual-e5-small. A draft in another language than
the reference is searched with the items' glossary translations (``search/localise.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from ingest.model import DocumentMeta, LegalDocument, Provision
from search.compare import embed_text
from search.localise import ItemSearch, KeywordMatcher, item_searches
from search.pinpoint import cite, locate, named

CoverageStatus = Literal["covered", "partial", "missing"]
CHECKLISTS = ("un_trafficking_protocol", "coe_convention")


class QueryPassageEmbedder(Protocol):
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    article: str  # citation in the reference instrument ("Art. 6(3)")
    description: str = ""
    keywords: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        return f"{self.title}. {self.description}".strip()


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    source: str = ""
    language: str = "en"  # of the items' text ("" unknown: never translated)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Checklist:
        raw = data.get("items")
        if not isinstance(raw, list):
            raise ValueError("checklist has no 'items' list")
        items = tuple(
            ChecklistItem(
                id=str(it["id"]),
                title=str(it["title"]),
                article=str(it.get("article", "")),
                description=str(it.get("description", "")),
                keywords=tuple(str(k) for k in it.get("keywords", ())),
            )
            for it in raw
        )
        return cls(
            id=str(data.get("id", "")),
            title=str(data.get("title", "")),
            items=items,
            source=str(data.get("source", "")),
            language=str(data.get("language", "en")),
        )

    @classmethod
    def from_document(cls, doc: LegalDocument) -> Checklist:
        """Each numbered provision of a parsed reference document becomes one item (no keywords)."""
        items = tuple(
            ChecklistItem(
                id=u.id,
                title=" ".join(x for x in (u.label, u.heading) if x),
                article=u.label,
                description=u.text[:1500],
            )
            for u in doc.units()
            if u.kind != "preamble" and u.text.strip()
        )
        return cls(
            id=doc.meta.doc_id,
            title=doc.meta.title or doc.meta.doc_id,
            items=items,
            source=doc.meta.source,
            language=doc.meta.language or "",
        )


def load_checklist(name_or_path: str | Path) -> Checklist:
    """A shipped checklist by name (``un_trafficking_protocol``, ``coe_convention``) or a JSON file."""
    name = str(name_or_path)
    if name in CHECKLISTS:
        text = (
            resources.files("search")
            .joinpath("data", "checklists", f"{name}.json")
            .read_text(encoding="utf-8")
        )
    else:
        path = Path(name)
        if not path.is_file():
            raise FileNotFoundError(
                f"checklist {name!r}: not a shipped checklist ({', '.join(CHECKLISTS)}) nor a file"
            )
        text = path.read_text(encoding="utf-8")
    return Checklist.from_json(json.loads(text))


@dataclass(frozen=True)
class CoverageConfig:
    covered: float = 3.0  # z units over the report's background
    partial: float = 1.8
    keyword_bonus: float = 1.0
    top_k: int = 3
    min_background: int = 30


@dataclass(frozen=True)
class ProvisionMatch:
    provision: Provision
    score: float  # calibrated (z units, keyword bonus included)
    cosine: float
    keywords: tuple[str, ...] = ()
    # the paragraph (or point) that holds every keyword the provision matches, as cited: "(1)", "(2)(b)", ""
    pinpoint: str = ""


@dataclass(frozen=True)
class ItemCoverage:
    item: ChecklistItem
    status: CoverageStatus
    score: float
    matches: tuple[ProvisionMatch, ...]


@dataclass(frozen=True)
class CoverageReport:
    draft_meta: DocumentMeta
    checklist_id: str
    checklist_title: str
    items: tuple[ItemCoverage, ...]
    summary: dict[str, int] = field(default_factory=dict)
    calibration: dict[str, float] = field(default_factory=dict)
    # the draft's language when it differs from the reference's: items were searched in translation
    translated_to: str = ""

    @property
    def language_note(self) -> str:
        """One line for reports and the app; empty when draft and reference share a language."""
        if not self.translated_to:
            return ""
        return (
            f"The draft is in another language ({self.translated_to}): each item was also searched by the "
            "glossary's terms in that language; scores across languages are less certain."
        )


def _z(m: np.ndarray, min_background: int) -> tuple[np.ndarray, float, float]:
    med = float(np.median(m))
    mad = float(np.median(np.abs(m - med))) * 1.4826
    spread = max(mad, float(m.std()) * 0.5, 1e-3)
    if m.size < min_background:  # too few cells to estimate a background: assume a wide one
        spread = max(spread, 0.05)
    return (m - med) / spread, med, spread


def _keyword_paragraph(matcher: KeywordMatcher, look: ItemSearch, match: ProvisionMatch) -> str:
    """Where in the provision the item's keywords are: the paragraph (or point) that holds every keyword
    the provision's text matches, two at least. One generic keyword ("offence") is no evidence of where
    an obligation sits, and an item whose keywords are spread over paragraphs ("attempt" in one,
    "aiding" in the next) gets no pinpoint rather than one that hides the others."""
    if len(match.keywords) < 2:
        return ""
    text = match.provision.text.strip()

    def found(start: int, end: int) -> set[str]:
        return set(matcher.hits(look, text[start:end])) if end > start else set()

    everything = found(0, len(text))
    path = locate(text, found, minimum=2)
    while path:  # the point, else its paragraph, else none
        part = named(text, path)[-1]
        if everything <= found(part.start, part.end):
            return cite(path)
        path = path[:-1]
    return ""


def coverage_from_vectors(
    draft: LegalDocument | None,
    provisions: list[Provision],
    checklist: Checklist,
    item_vecs: np.ndarray,
    prov_vecs: np.ndarray,
    config: CoverageConfig | None = None,
    searches: Sequence[ItemSearch] | None = None,
) -> CoverageReport:
    """Pure core of :func:`coverage` (vectors given). ``searches``: how each item was looked for (its
    keywords), by default as written."""
    cfg = config or CoverageConfig()
    looks = list(searches) if searches is not None else item_searches(checklist.items, "", "")
    matcher = KeywordMatcher()
    translated = next((s.language for s in looks if s.language), "")
    meta = draft.meta if draft is not None else DocumentMeta(doc_id="draft")
    cos = np.asarray(item_vecs, dtype=np.float32) @ np.asarray(prov_vecs, dtype=np.float32).T
    out: list[ItemCoverage] = []
    med = spread = 0.0
    if cos.size:
        z, med, spread = _z(cos, cfg.min_background)
    for k, item in enumerate(checklist.items):
        cands: list[ProvisionMatch] = []
        for j, p in enumerate(provisions):
            hits = matcher.hits(looks[k], f"{p.heading} {p.text}")
            s = float(z[k, j]) + (cfg.keyword_bonus if hits else 0.0)
            cands.append(ProvisionMatch(p, round(s, 3), round(float(cos[k, j]), 4), hits))
        cands.sort(key=lambda c: -c.score)
        best = cands[0].score if cands else float("-inf")
        status: CoverageStatus = (
            "covered" if best >= cfg.covered else "partial" if best >= cfg.partial else "missing"
        )
        top = tuple(c for c in cands[: cfg.top_k] if c.score >= cfg.partial) or tuple(cands[:1])
        top = tuple(replace(c, pinpoint=_keyword_paragraph(matcher, looks[k], c)) for c in top)
        out.append(ItemCoverage(item, status, round(best, 3) if cands else 0.0, top))
    summary = {s: sum(i.status == s for i in out) for s in ("covered", "partial", "missing")}
    return CoverageReport(
        draft_meta=meta,
        checklist_id=checklist.id,
        checklist_title=checklist.title,
        items=tuple(out),
        summary=summary,
        calibration={
            "background_median": round(med, 4),
            "background_spread": round(spread, 4),
            "covered": cfg.covered,
            "partial": cfg.partial,
        },
        translated_to=translated,
    )


def coverage(
    draft: LegalDocument,
    checklist: Checklist | LegalDocument,
    embedder: QueryPassageEmbedder,
    config: CoverageConfig | None = None,
) -> CoverageReport:
    """For each reference item: the best draft provision(s), a calibrated score and a status."""
    ref = Checklist.from_document(checklist) if isinstance(checklist, LegalDocument) else checklist
    provisions = [u for u in draft.units() if u.text.strip()]
    if not provisions or not ref.items:
        return coverage_from_vectors(
            draft, provisions, ref, np.zeros((len(ref.items), 1)), np.zeros((0, 1)), config
        )
    looks = item_searches(ref.items, ref.language, draft.meta.language or "")
    item_vecs = np.stack([np.asarray(embedder.embed_query(s.query), dtype=np.float32) for s in looks])
    prov_vecs = np.asarray(embedder.embed_passages([embed_text(p) for p in provisions]), dtype=np.float32)
    return coverage_from_vectors(draft, provisions, ref, item_vecs, prov_vecs, config, looks)

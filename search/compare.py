"""Compare two expressions of a law: a crosswalk of provisions with status, flags and redlines.

``compare_documents`` is what the CLI and the app call; ``compare_provisions`` is the pure core (vectors
given), used by tests and the benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from rapidfuzz import fuzz

from ingest.model import DocumentMeta, LegalDocument, Provision
from search.align import AlignConfig, Matching, align_indices, longest_nondecreasing, provision_text
from search.diff import DiffOp, normalise, word_diff

if TYPE_CHECKING:
    from ingest.service import TrackedDraft

Status = Literal["unchanged", "modified", "added", "removed"]
STATUSES: tuple[Status, ...] = ("unchanged", "modified", "added", "removed")
CROSS_LANGUAGE_NOTE = (
    "Different languages: provisions are paired by meaning, position and the numbers and list items "
    "they share, and shown side by side without a word diff."
)
FLAGS = ("renumbered", "moved", "split", "merged")


class PassageEmbedder(Protocol):
    """What comparison needs from ``ingest.embedding.Embedder``: L2-normalised passage vectors."""

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Pair:
    """One row of the crosswalk. A split has one Pair per part sharing ``left``; a merge shares ``right``."""

    left: Provision | None
    right: Provision | None
    status: Status
    renumbered: bool = False
    moved: bool = False
    split: bool = False
    merged: bool = False
    similarity: float = 0.0
    diff: tuple[DiffOp, ...] = ()
    # comparing a Word draft's tracked changes: the authors of the changes either side shows
    changed_by: tuple[str, ...] = ()


Alignment = Pair


@dataclass(frozen=True)
class Comparison:
    left_meta: DocumentMeta
    right_meta: DocumentMeta
    pairs: tuple[Pair, ...]
    summary: dict[str, int] = field(default_factory=dict)
    cross_language: bool = False


def embed_text(p: Provision, limit: int = 1000) -> str:
    """Passage text for the embedder: heading then body, cut to about 250 tokens (MiniLM reads 256;
    longer inputs cost time and the opening of an article carries its subject)."""
    body = f"{p.heading}. {p.text}" if p.heading else p.text
    return normalise(body)[:limit]


def _number_key(n: str) -> str:
    return n.strip().strip(".").lower()


def _same(lp: Provision, rp: Provision) -> bool:
    return normalise(lp.text) == normalise(rp.text) and normalise(lp.heading) == normalise(rp.heading)


LENGTH_Z = 2.5  # robust z of a pair's length ratio beyond which it was shortened or lengthened
LENGTH_SPREAD = 0.08  # the least spread of the log length ratios (translations vary this much anyway)
LENGTH_CHARS = 60  # and the difference from the expected length must be at least this many characters


def _deviations(vals: np.ndarray, floor: float) -> np.ndarray:
    """How far each value lies from the median, in robust spreads (MAD, at least ``floor``)."""
    med = float(np.median(vals))
    return (vals - med) / max(float(np.median(np.abs(vals - med))) * 1.4826, floor)


def _cross_modified(
    matched: list[tuple[int, int]], cos: np.ndarray, left: Sequence[Provision], right: Sequence[Provision]
) -> set[tuple[int, int]]:
    """Across languages text equality is meaningless. A pair is modified when its cosine is a low
    outlier, or when its length ratio is: a translation keeps its original's length up to a steady
    factor (Dutch runs about 10 % longer than English), so a paragraph cut or added shows."""
    if len(matched) < 4:
        return set()
    low = _deviations(np.array([cos[i, j] for i, j in matched]), 0.01) < -3.0
    lengths = np.array([[max(len(left[i].text), 1), max(len(right[j].text), 1)] for i, j in matched], float)
    ratio = np.log(lengths[:, 1] / lengths[:, 0])
    expected = lengths[:, 0] * float(np.exp(np.median(ratio)))
    changed = (np.abs(_deviations(ratio, LENGTH_SPREAD)) > LENGTH_Z) & (
        np.abs(lengths[:, 1] - expected) >= LENGTH_CHARS
    )
    return {pair for pair, a, b in zip(matched, low, changed, strict=True) if a or b}


def build_pairs(left: Sequence[Provision], right: Sequence[Provision], m: Matching) -> tuple[Pair, ...]:
    """Turn an index-level matching into crosswalk rows in right-document order."""
    split_left = {i for i, _ in m.splits}
    merge_right = {j for _, j in m.merges}
    matched = sorted([*m.pairs, *m.splits, *m.merges], key=lambda p: (p[1], p[0]))
    in_order = longest_nondecreasing([i for i, _ in matched])
    stable = {matched[k] for k in in_order}
    cross_mod = _cross_modified(list(m.pairs), m.cosine, left, right) if m.cross_language else set()
    rows: list[tuple[float, Pair]] = []
    for i, j in matched:
        lp, rp = left[i], right[j]
        if m.cross_language:
            sim = float(m.cosine[i, j])
            status: Status = (
                "modified" if (i, j) in cross_mod or (i in split_left or j in merge_right) else "unchanged"
            )
            diff: tuple[DiffOp, ...] = ()
        else:
            sim = fuzz.ratio(provision_text(lp), provision_text(rp)) / 100.0
            status = "unchanged" if _same(lp, rp) else "modified"
            diff = word_diff(lp.text, rp.text) if status == "modified" else ()
        pair = Pair(
            left=lp,
            right=rp,
            status=status,
            renumbered=_number_key(lp.number) != _number_key(rp.number),
            moved=(i, j) not in stable,
            split=i in split_left,
            merged=j in merge_right,
            similarity=round(sim, 4),
            diff=diff,
        )
        rows.append((float(j), pair))
    # Removed provisions go where they stood: right after the row of their nearest stable left predecessor.
    anchor: dict[int, float] = {}
    for i, j in stable:
        anchor[i] = max(anchor.get(i, -1.0), float(j))
    used_left = {i for i, _ in matched}
    last = -1.0
    for i, lp in enumerate(left):
        if i in anchor:
            last = anchor[i]
        if i not in used_left:
            rows.append((last + 0.5 + i * 1e-6, Pair(left=lp, right=None, status="removed")))
    used_right = {j for _, j in matched}
    rows.extend(
        (float(j), Pair(left=None, right=rp, status="added"))
        for j, rp in enumerate(right)
        if j not in used_right
    )
    rows.sort(key=lambda r: r[0])
    return tuple(p for _, p in rows)


def summarise(pairs: Sequence[Pair]) -> dict[str, int]:
    out: dict[str, int] = {s: sum(p.status == s for p in pairs) for s in STATUSES}
    for f in FLAGS:
        out[f] = sum(bool(getattr(p, f)) for p in pairs)
    return out


def compare_provisions(
    left: Sequence[Provision],
    right: Sequence[Provision],
    left_vecs: np.ndarray | None,
    right_vecs: np.ndarray | None,
    left_meta: DocumentMeta | None = None,
    right_meta: DocumentMeta | None = None,
    *,
    cross_language: bool | None = None,
    config: AlignConfig | None = None,
) -> Comparison:
    """Pure core: align two provision lists whose vectors are already computed."""
    m = align_indices(left, right, left_vecs, right_vecs, cross_language=cross_language, config=config)
    pairs = build_pairs(left, right, m)
    return Comparison(
        left_meta=left_meta or DocumentMeta(doc_id="left"),
        right_meta=right_meta or DocumentMeta(doc_id="right"),
        pairs=pairs,
        summary=summarise(pairs),
        cross_language=m.cross_language,
    )


def _languages_differ(a: DocumentMeta, b: DocumentMeta) -> bool | None:
    if a.language and b.language:
        return a.language != b.language
    return None  # unknown: decided from the texts


def compare_documents(
    left: LegalDocument,
    right: LegalDocument,
    embedder: PassageEmbedder | None,
    config: AlignConfig | None = None,
) -> Comparison:
    """Crosswalk of the article-level provisions (``LegalDocument.units()``) of two documents."""
    lu, ru = left.units(), right.units()
    lv = rv = None
    if embedder is not None and lu and ru:
        vecs = np.asarray(embedder.embed_passages([embed_text(p) for p in [*lu, *ru]]), dtype=np.float32)
        lv, rv = vecs[: len(lu)], vecs[len(lu) :]
    return compare_provisions(
        lu,
        ru,
        lv,
        rv,
        left.meta,
        right.meta,
        cross_language=_languages_differ(left.meta, right.meta),
        config=config,
    )


def compare_tracked(
    draft: TrackedDraft, embedder: PassageEmbedder | None, config: AlignConfig | None = None
) -> Comparison:
    """The crosswalk of a Word draft's tracked changes (its text before them → after them), each pair
    with who made the changes its two sides show."""
    comparison = compare_documents(draft.before, draft.after, embedder, config)

    def authors(pair: Pair) -> tuple[str, ...]:
        names = set(draft.changed_before.get(pair.left.id, ())) if pair.left is not None else set()
        if pair.right is not None:
            names.update(draft.changed_after.get(pair.right.id, ()))
        return tuple(sorted(names))

    return replace(comparison, pairs=tuple(replace(p, changed_by=authors(p)) for p in comparison.pairs))

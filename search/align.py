"""Provision alignment: which provision of the left document became which of the right one.

The score of a candidate pair combines embedding cosine and word-level text similarity, each turned into
a robust z-score against the background of *all* pairs of this comparison (most pairs are unrelated, so
the median and MAD of the matrix describe "unrelated" for whatever model produced the vectors: MiniLM
cosines of unrelated articles sit near 0.3, e5 ones near 0.8; after this rescaling one threshold serves
both). Number agreement and relative position are weak priors that only break near-ties.
Across languages words cannot be compared; what a translation keeps is the provision's skeleton (the
numbers it contains, its list items by their place in the alphabet, its paragraph count), scored the same
way next to the cosine.
An optimal one-to-one assignment (``scipy.optimize.linear_sum_assignment``) is then filtered by a threshold
with a margin test; unmatched provisions whose text is contained in a matched neighbour's partner become
split/merge parts where the evidence is clear.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process
from scipy.optimize import linear_sum_assignment

from ingest.model import Provision
from search.diff import normalise, words
from search.pinpoint import ordinal


@dataclass(frozen=True)
class AlignConfig:
    """Weights and thresholds, in units of background z-scores (model-independent)."""

    accept: float = 3.5  # a pair this many robust SDs above background is a match outright
    doubt: float = 2.0  # between doubt and accept a pair must also be the mutual best by ``margin``
    margin: float = 0.5
    number_weight: float = 0.3
    position_weight: float = 1.5  # penalty per unit of relative-position distance
    # Across languages (chosen on seeded edits of five treaties' Dutch texts, bench/compare.py --languages):
    cross_accept: float = 3.0
    cross_doubt: float = 2.0
    cross_margin: float = 0.25
    cross_position_weight: float = 1.0
    support_weight: float = 0.3  # weight of the diagonal neighbours' evidence
    skeleton_weight: float = 0.5  # weight of the skeleton similarity's z-score
    # the assignment ignores what a pair scores below this, so no weak pair is traded for another
    assign_floor: float | None = 1.0
    split_containment: float = 0.8  # share of the part found (fuzzily) inside the other side
    split_gain: float = 0.005  # the union must explain the counterpart better than the matched part alone
    min_background: int = 16  # fewer pairs than this: no reliable background distribution


@dataclass(frozen=True)
class Matching:
    """Index-level result: one-to-one pairs plus extra split/merge parts."""

    pairs: tuple[tuple[int, int], ...]
    splits: tuple[tuple[int, int], ...]  # (left i, right j): j is a further part of left i
    merges: tuple[tuple[int, int], ...]  # (left i, right j): i is a further part merged into right j
    score: np.ndarray  # combined score matrix (left x right)
    cosine: np.ndarray  # raw embedding cosines (zeros when no vectors)
    cross_language: bool


def provision_text(p: Provision) -> str:
    """What is compared: heading and body, normalised."""
    return normalise(f"{p.heading}\n{p.text}" if p.heading else p.text)


def _robust_z(m: np.ndarray) -> np.ndarray:
    med = float(np.median(m))
    mad = float(np.median(np.abs(m - med))) * 1.4826
    spread = max(mad, float(m.std()) * 0.5, 1e-3)
    return (m - med) / spread


def vocabulary_overlap(left: Sequence[Provision], right: Sequence[Provision]) -> float:
    """Jaccard overlap of the two documents' vocabularies: ~0.5+ for versions, <0.1 across languages."""
    lv = {w for p in left for w in words(p.text) if not w.isdigit()}
    rv = {w for p in right for w in words(p.text) if not w.isdigit()}
    if not lv or not rv:
        return 0.0
    return len(lv & rv) / len(lv | rv)


def encode_words(texts: Sequence[str]) -> list[str]:
    """Each distinct word becomes one character, so rapidfuzz's character metrics work on words
    (and run several times faster than on the letters)."""
    vocab: dict[str, str] = {}
    out = []
    for t in texts:
        out.append("".join(vocab.setdefault(w, chr(0x4E00 + len(vocab))) for w in words(t)))
    return out


def text_similarity(left: Sequence[str], right: Sequence[str]) -> np.ndarray:
    """Word-level similarity matrix in [0, 1]: mean of order-aware and bag-of-words Indel ratios."""
    enc = encode_words([*left, *right])
    lw, rw = enc[: len(left)], enc[len(left) :]
    a = process.cdist(lw, rw, scorer=fuzz.ratio, dtype=np.float32)
    ls = ["".join(sorted(x)) for x in lw]
    rs = ["".join(sorted(x)) for x in rw]
    b = process.cdist(ls, rs, scorer=fuzz.ratio, dtype=np.float32)
    return (a + b) / 200.0


def _number_key(n: str) -> str:
    return n.strip().strip(".").lower()


_DIGITS = re.compile(r"\d+")
_PARAGRAPH_NUMBER = re.compile(r"^(\s*)\d+[.)]", re.M)
_ITEM = re.compile(r"^\s*\(?(\w)[).]", re.M)  # a), a., (a), а), ა) … at the start of a line


def _item_ordinal(ch: str) -> str | None:
    """A list item's letter as its place in its alphabet ("b", "б", "ბ", "բ" are all 2)."""
    k = ordinal(ch) if ch.isalpha() else None
    return str(k) if k else None


def skeleton(text: str, paragraph_numbers: bool = True) -> Counter[str]:
    """What survives translation: the numbers in the text, list items (by ordinal) and the paragraph count.

    Without ``paragraph_numbers`` the paragraphs' own numbers ("1." at the start of a line) are left out:
    merging two articles renumbers them, so split and merge parts are judged without them."""
    out: Counter[str] = Counter(
        _DIGITS.findall(text if paragraph_numbers else _PARAGRAPH_NUMBER.sub(r"\1", text))
    )
    out.update(f"item {k}" for k in map(_item_ordinal, _ITEM.findall(text)) if k)
    out["paragraphs"] = text.count("\n") + 1
    return out


def _weighted_jaccard(a: Counter[str], b: Counter[str]) -> float:
    """Sum of minima over sum of maxima."""
    both = (a & b).total()
    return both / (a | b).total() if both else 0.0


def skeleton_similarity(left: Sequence[Provision], right: Sequence[Provision]) -> np.ndarray:
    """Weighted Jaccard similarity of every pair of the provisions' skeletons."""
    ls = [skeleton(p.text) for p in left]
    rs = [skeleton(p.text) for p in right]
    return np.array([[_weighted_jaccard(a, b) for b in rs] for a in ls], dtype=np.float32).reshape(
        len(ls), len(rs)
    )


def _diagonal_support(z: np.ndarray) -> np.ndarray:
    """Evidence from the neighbours: (i, j) is likelier when (i-1, j-1) or (i+1, j+1) also match.

    Translations keep their order, so a weakly scored translated article between two clearly matched
    neighbours is lifted; a moved one must stand on its own score.
    """
    pad = np.full((z.shape[0] + 2, z.shape[1] + 2), -np.inf, dtype=np.float64)
    pad[1:-1, 1:-1] = z
    before = pad[:-2, :-2]
    after = pad[2:, 2:]
    return np.clip(np.maximum(before, after), 0.0, None)


def _priors(
    left: Sequence[Provision], right: Sequence[Provision], pos_weight: float, cfg: AlignConfig
) -> np.ndarray:
    n, m = len(left), len(right)
    pl = np.arange(n) / max(n - 1, 1)
    pr = np.arange(m) / max(m - 1, 1)
    prior = -pos_weight * np.abs(pl[:, None] - pr[None, :])
    ln = [_number_key(p.number) for p in left]
    rn = [_number_key(p.number) for p in right]
    same = np.array([[bool(a) and a == b for b in rn] for a in ln], dtype=bool).reshape(n, m)
    return prior + cfg.number_weight * same


def score_matrix(
    left: Sequence[Provision],
    right: Sequence[Provision],
    left_vecs: np.ndarray | None,
    right_vecs: np.ndarray | None,
    cross_language: bool,
    cfg: AlignConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Combined score (z units) and raw cosine matrices."""
    n, m = len(left), len(right)
    cos = np.zeros((n, m), dtype=np.float32)
    has_vecs = left_vecs is not None and right_vecs is not None and n and m
    if has_vecs:
        cos = np.asarray(left_vecs, dtype=np.float32) @ np.asarray(right_vecs, dtype=np.float32).T
    small = n * m < cfg.min_background
    if cross_language:
        measured = has_vecs and not small
        z = _robust_z(cos) if measured else np.full((n, m), cfg.cross_accept)
        out = (
            z
            + cfg.support_weight * _diagonal_support(z)
            + _priors(left, right, cfg.cross_position_weight, cfg)
        )
        if measured and cfg.skeleton_weight:
            out += cfg.skeleton_weight * _robust_z(skeleton_similarity(left, right))
        return out, cos
    text = text_similarity([provision_text(p) for p in left], [provision_text(p) for p in right])
    # Tiny documents have no background to speak of: map the text ratio onto the z scale directly.
    zt = (text - 0.35) / 0.08 if small else _robust_z(text)
    if has_vecs and not small:
        z = (_robust_z(cos) + zt) / 2.0
    else:
        z = zt
    return z + _priors(left, right, cfg.position_weight, cfg), cos


def longest_nondecreasing(seq: Sequence[int]) -> set[int]:
    """Positions (in ``seq``) of one longest non-decreasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    tails_pos: list[int] = []
    prev = [-1] * len(seq)
    for pos, v in enumerate(seq):
        k = bisect.bisect_right(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_pos.append(pos)
        else:
            tails[k] = v
            tails_pos[k] = pos
        prev[pos] = tails_pos[k - 1] if k else -1
    keep: set[int] = set()
    p = tails_pos[-1] if tails_pos else -1
    while p >= 0:
        keep.add(p)
        p = prev[p]
    return keep


def _identical(left: Sequence[Provision], right: Sequence[Provision]) -> list[tuple[int, int]]:
    """Provisions whose normalised heading and text are identical pair up first (k-th copy with k-th copy)."""
    slots: dict[str, list[int]] = {}
    for j, p in enumerate(right):
        slots.setdefault(provision_text(p), []).append(j)
    out: list[tuple[int, int]] = []
    for i, p in enumerate(left):
        free = slots.get(provision_text(p))
        if free:
            out.append((i, free.pop(0)))
    return out


def _assign(score: np.ndarray, cfg: AlignConfig, floor: float | None = None) -> list[tuple[int, int]]:
    if score.size == 0:
        return []
    rows, cols = _solve(score if floor is None else np.maximum(score - floor, 0.0))
    kept: list[tuple[int, int]] = []
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        s = score[i, j]
        if s >= cfg.accept:
            kept.append((i, j))
        elif s >= cfg.doubt:
            row = np.delete(score[i, :], j)
            col = np.delete(score[:, j], i)
            rival = max(row.max(initial=-np.inf), col.max(initial=-np.inf))
            if s - rival >= cfg.margin:
                kept.append((i, j))
    return kept


def _solve(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return linear_sum_assignment(score, maximize=True)


def _contained(part: str, whole: str) -> float:
    """How much of ``part`` appears (fuzzily, in order) inside ``whole``, in [0, 1]."""
    if not part or len(part) > len(whole) * 1.1:
        return 0.0
    return fuzz.partial_ratio(part, whole) / 100.0


def _parts(
    extra: list[int],
    partner_of: dict[int, int],
    extra_texts: Sequence[str],
    whole_texts: Sequence[str],
    part_texts: Sequence[str],
    score_col: np.ndarray,
    cfg: AlignConfig,
) -> list[tuple[int, int]]:
    """Unmatched provisions (``extra``, indices on the 'parts' side) that continue a matched provision.

    ``score_col[x]`` is the score row of extra x against the 'whole' side; ``partner_of`` maps a whole-side
    index to its matched part-side index. Returns (whole index, extra index).
    """
    found: list[tuple[int, int]] = []
    for x in extra:
        near = [w for w, k in partner_of.items() if abs(k - x) <= 2]
        best: tuple[float, int] | None = None
        for w in dict.fromkeys([*np.argsort(-score_col[x])[:5].tolist(), *near]):
            if w not in partner_of:
                continue
            k = partner_of[w]
            c = _contained(extra_texts[x], whole_texts[w])
            if c < cfg.split_containment:
                continue
            if abs(k - x) > 2 and c < 0.95:
                continue
            union = part_texts[k] + extra_texts[x] if k < x else extra_texts[x] + part_texts[k]
            gain = fuzz.ratio(union, whole_texts[w]) - fuzz.ratio(part_texts[k], whole_texts[w])
            if gain / 100.0 < cfg.split_gain:
                continue
            if best is None or c > best[0]:
                best = (c, w)
        if best is not None:
            found.append((best[1], x))
    return found


def _cross_parts(
    extra: list[int], partner_of: dict[int, int], whole: Sequence[Counter[str]], parts: Sequence[Counter[str]]
) -> list[tuple[int, int]]:
    """Across languages words cannot be compared, but skeletons can: an unmatched provision next to a
    matched one is a further part of that one's partner when the two skeletons together resemble the
    partner's more than the matched part's alone (a deleted neighbour adds numbers the whole lacks)."""
    found: list[tuple[int, int]] = []
    for x in extra:
        best: tuple[float, int] | None = None
        for w, k in partner_of.items():
            if abs(k - x) != 1:
                continue
            gain = _weighted_jaccard(parts[k] + parts[x], whole[w]) - _weighted_jaccard(parts[k], whole[w])
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, w)
        if best is not None:
            found.append((best[1], x))
    return found


def align_indices(
    left: Sequence[Provision],
    right: Sequence[Provision],
    left_vecs: np.ndarray | None = None,
    right_vecs: np.ndarray | None = None,
    *,
    cross_language: bool | None = None,
    config: AlignConfig | None = None,
) -> Matching:
    """Match provisions of two versions; vectors are L2-normalised rows (one per provision) or None."""
    cfg = config or AlignConfig()
    if cross_language is None:
        cross_language = bool(left and right) and vocabulary_overlap(left, right) < 0.12
    score, cos = score_matrix(left, right, left_vecs, right_vecs, cross_language, cfg)
    floor = None
    if cross_language:
        floor = cfg.assign_floor
        cfg = replace(cfg, accept=cfg.cross_accept, doubt=cfg.cross_doubt, margin=cfg.cross_margin)
    fixed = [] if cross_language else _identical(left, right)
    rows = [i for i in range(len(left)) if i not in {a for a, _ in fixed}]
    cols = [j for j in range(len(right)) if j not in {b for _, b in fixed}]
    sub = _assign(score[np.ix_(rows, cols)], cfg, floor)
    pairs = fixed + [(rows[a], cols[b]) for a, b in sub]
    l2r = dict(pairs)
    r2l = {j: i for i, j in pairs}
    free_right = [j for j in range(len(right)) if j not in r2l]
    free_left = [i for i in range(len(left)) if i not in l2r]
    if cross_language:
        ls = [skeleton(p.text, paragraph_numbers=False) for p in left]
        rs = [skeleton(p.text, paragraph_numbers=False) for p in right]
        splits = _cross_parts(free_right, l2r, ls, rs)
        merges = [(x, w) for w, x in _cross_parts(free_left, r2l, rs, ls)]
    else:
        enc = encode_words([provision_text(p) for p in [*left, *right]])
        lt, rt = enc[: len(left)], enc[len(left) :]
        splits = _parts(free_right, l2r, rt, lt, rt, score.T, cfg)
        merges = [(x, w) for w, x in _parts(free_left, r2l, lt, rt, lt, score, cfg)]
    return Matching(
        pairs=tuple(sorted(pairs, key=lambda p: p[1])),
        splits=tuple(splits),
        merges=tuple(merges),
        score=score,
        cosine=cos,
        cross_language=cross_language,
    )

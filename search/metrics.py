"""Ranking metrics over graded relevance judgments (pure functions; hand-checked in tests).

Grades: 2 = primary answer, 1 = also relevant, absent = not relevant. Gains are ``2**grade - 1``
(the usual TREC convention), so a primary answer weighs three times a related one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of a ranking of keys against graded judgments (0.0 when nothing is relevant)."""
    gains = [2 ** rel.get(key, 0) - 1 for key in _dedupe(ranked)[:k]]
    ideal = sorted((2**g - 1 for g in rel.values() if g > 0), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def recall_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 5, grade: int = 2) -> float:
    """Share of the provisions graded ``grade`` or higher found in the top ``k`` (1.0 if none exist)."""
    wanted = {key for key, g in rel.items() if g >= grade}
    if not wanted:
        return 1.0
    return len(wanted & set(_dedupe(ranked)[:k])) / len(wanted)


def mrr_at(ranked: Sequence[str], rel: Mapping[str, int], k: int = 10) -> float:
    """Reciprocal rank of the first relevant (grade ≥ 1) key within the top ``k``."""
    for i, key in enumerate(_dedupe(ranked)[:k]):
        if rel.get(key, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def _dedupe(ranked: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for key in ranked:
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out

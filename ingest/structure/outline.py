"""Fallback for documents without articles (policies, guides, reports): clause headings."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.structure.headings import Cand


def _successor(prev: tuple[int, ...] | None, cur: tuple[int, ...]) -> bool:
    """1 → 1.1 → 1.2 → 2 → 2.1.1 ...: the next heading of a well-formed outline."""
    if prev is None:
        return len(cur) == 1 or all(v == 1 for v in cur[1:])
    if len(cur) == len(prev) + 1:
        return cur[:-1] == prev and cur[-1] == 1
    if len(cur) <= len(prev):
        return cur[:-1] == prev[: len(cur) - 1] and cur[-1] == prev[len(cur) - 1] + 1
    return False


def select_outline(cands: Sequence[Cand], pages: int) -> list[Cand]:
    """Numbered headings that form an outline, plus ALL-CAPS headings; capped so that list items
    never turn into thousands of tiny units."""
    kept: list[Cand] = []
    prev: tuple[int, ...] | None = None
    for c in cands:
        if c.family == "caps":
            kept.append(c)
            continue
        cur = tuple(int(p) for p in c.number.split("."))
        if _successor(prev, cur):
            kept.append(c)
            prev = cur
    limit = max(30, 3 * pages)
    if len(kept) > limit:
        kept = [c for c in kept if c.family == "caps" or "." not in c.number]
    if len(kept) > limit:
        kept = [c for c in kept if c.family != "caps"] or kept[:: max(1, len(kept) // limit)]
    return kept

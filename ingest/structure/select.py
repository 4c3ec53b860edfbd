"""Numbering sanity: keep the heading candidates that form a plausible, increasing numbering.

The kept units are the heaviest strictly increasing chain of numbers (weighted longest increasing
subsequence): a stray "Article 45" line inside Article 10, a backwards cross-reference, or a
table of contents (entries with no body, weighted near zero) cannot win against the real sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ingest.structure.headings import Cand
from ingest.structure.lines import Line
from ingest.structure.patterns import CONTAINER_RANK, number_key, roman_to_int

Key = tuple[int, int, str]


def body_chars(cands: Sequence[Cand], lines: Sequence[Line]) -> list[int]:
    """Characters of body text between each candidate's heading block and the next candidate."""
    out = []
    for n, c in enumerate(cands):
        stop = cands[n + 1].line if n + 1 < len(cands) else len(lines)
        out.append(len(c.body_first) + sum(len(lines[j].text) for j in range(c.end + 1, stop)))
    return out


def heaviest_chain(cands: Sequence[Cand], weights: Sequence[float], key: Callable[[Cand], Key]) -> list[Cand]:
    """Subsequence with strictly increasing keys and maximal total weight (O(n log n))."""
    if not cands:
        return []
    keys = [key(c) for c in cands]
    ranks = {k: r + 1 for r, k in enumerate(sorted(set(keys)))}
    size = len(ranks)
    # Entries are (score, -index): among equal scores the earliest heading wins (running headers
    # repeat a heading on later pages).
    tree: list[tuple[float, int]] = [(0.0, 1)] * (size + 1)
    parent = [-1] * len(cands)
    score = [0.0] * len(cands)
    for i, k in enumerate(keys):
        r = ranks[k] - 1
        best = (0.0, 1)
        while r > 0:
            best = max(best, tree[r])
            r -= r & -r
        score[i] = best[0] + weights[i]
        parent[i] = -best[1]
        r = ranks[k]
        while r <= size:
            tree[r] = max(tree[r], (score[i], -i))
            r += r & -r
    i = max(range(len(cands)), key=lambda n: (score[n], -n))
    chain = []
    while i >= 0:
        chain.append(cands[i])
        i = parent[i]
    return chain[::-1]


def unit_weights(cands: Sequence[Cand], everything: Sequence[Cand], lines: Sequence[Line]) -> list[float]:
    """TOC-like entries (page number at the end, or no body before the next heading) weigh ~0."""
    sizes = dict(zip((c.line for c in everything), body_chars(everything, lines), strict=True))
    return [0.05 if c.toc or sizes.get(c.line, 0) == 0 else 1.0 for c in cands]


def select_units(cands: Sequence[Cand], containers: Sequence[Cand], lines: Sequence[Line]) -> list[Cand]:
    """Keyword units of the dominant kind, in a plausible order."""
    if not cands:
        return []
    counts: dict[str, int] = {}
    for c in cands:
        if not c.toc:
            counts[c.kind] = counts.get(c.kind, 0) + 1
    if not counts:
        return []
    kind = max(counts, key=lambda k: (counts[k], k == "article"))
    mine = [c for c in cands if c.kind == kind]
    everything = sorted([*mine, *containers], key=lambda c: c.line)
    chain = heaviest_chain(mine, unit_weights(mine, everything, lines), lambda c: number_key(c.number))
    return [c for c in chain if not c.toc]


def select_numbered(cands: Sequence[Cand], containers: Sequence[Cand], lines: Sequence[Line]) -> list[Cand]:
    """Gazette sections / numbered paragraphs: an increasing chain without wild jumps."""
    ceiling = 2 * len(cands) + 10
    plausible = [c for c in cands if number_key(c.number)[0] <= ceiling]
    everything = sorted([*plausible, *containers], key=lambda c: c.line)
    # Contents entries: no text before the next entry, which carries the next number. A numbered
    # heading whose text starts with a list ("5. Immediate protection" / "1. From ...") is not one,
    # and it beats a list item with the same number.
    sizes = body_chars(everything, lines)
    size_at = {c.line: n for c, n in zip(everything, sizes, strict=True)}
    weights = []
    for n, c in enumerate(plausible):
        nxt = plausible[n + 1] if n + 1 < len(plausible) else None
        empty = (
            size_at.get(c.line, 0) == 0
            and nxt is not None
            and number_key(nxt.number)[0] == number_key(c.number)[0] + 1
        )
        weights.append((0.05 if c.toc or empty else 1.0) + (0.05 if c.heading else 0.0))
    chain = heaviest_chain(plausible, weights, lambda c: number_key(c.number))
    # A number far ahead of its predecessor is a stray line unless the next one continues from it.
    kept: list[Cand] = []
    chain = [c for c in chain if not c.toc]
    for n, c in enumerate(chain):
        base = number_key(c.number)[0]
        prev = number_key(kept[-1].number)[0] if kept else 0
        after = number_key(chain[n + 1].number)[0] if n + 1 < len(chain) else None
        if base - prev > 5 and not (after is not None and 0 < after - base <= 2):
            continue
        kept.append(c)
    return kept


def select_containers(cands: Sequence[Cand], units: Sequence[Cand], lines: Sequence[Line]) -> list[Cand]:
    """Containers that head something: the next heading is a kept unit, a lower-rank container,
    or real text comes first (a chapter with only an introduction). Table-of-contents entries and
    running headers fail this; numbers of one kind increase until a higher-rank container resets them."""
    live = sorted([*(c for c in cands if not c.toc), *units], key=lambda c: c.line)
    unit_lines = {u.line for u in units}
    heads: set[int] = set()
    for n, c in enumerate(live):
        if c.line in unit_lines:
            continue
        nxt = live[n + 1] if n + 1 < len(live) else None
        if nxt is None or nxt.line in unit_lines:
            heads.add(c.line)
        elif (
            CONTAINER_RANK.get(nxt.kind, 9) > CONTAINER_RANK.get(c.kind, 9)
            or sum(len(lines[j].text) for j in range(c.end + 1, nxt.line)) > 100
        ):
            heads.add(c.line)
    kept: list[Cand] = []
    seen: dict[str, Key] = {}
    roman_seen = 0
    for c in cands:
        if c.line not in heads:
            continue
        if c.family == "roman":  # bare "II" / "II. Overview": only as I, II, III ... in order
            if roman_to_int(c.number) != roman_seen + 1:
                continue
            roman_seen += 1
        k = number_key(c.number)
        roman = roman_to_int(c.number) if c.number.isupper() else None
        if roman is not None:
            k = (roman, 0, "")
        if c.kind in seen and k <= seen[c.kind]:
            continue
        seen[c.kind] = k
        for other in list(seen):
            if CONTAINER_RANK.get(other, 9) > CONTAINER_RANK.get(c.kind, 9):
                del seen[other]
        kept.append(c)
    return kept


def gap_warnings(units: Sequence[Cand], lines: Sequence[Line]) -> list[str]:
    out = []
    for a, b in zip(units, units[1:], strict=False):
        ka, kb = number_key(a.number), number_key(b.number)
        if kb[0] - ka[0] > 1 and not kb[1] and not kb[2]:
            out.append(f"numbering gap: {b.number} follows {a.number} (page {lines[b.line].page})")
    return out


def skipped_warnings(
    cands: Sequence[Cand], units: Sequence[Cand], lines: Sequence[Line], limit: int = 5
) -> list[str]:
    """Heading-like lines of the units' kind left out of the numbering (quoted, cross-reference
    or running header): reported so that a real misparse can be noticed."""
    if not units:
        return []
    kept = {u.line for u in units}
    kind = units[0].kind
    skipped = [
        c for c in cands if c.kind == kind and c.line not in kept and not c.toc and c.line > units[0].line
    ]
    out = [
        f"heading-like line '{lines[c.line].text[:40]}' on page {lines[c.line].page} ignored (out of sequence)"
        for c in skipped[:limit]
    ]
    if len(skipped) > limit:
        out.append(f"{len(skipped) - limit} more heading-like lines ignored (out of sequence)")
    return out

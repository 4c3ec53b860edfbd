"""Rows and labels for the compare page: crosswalk, summary, coverage (pure functions, tested)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from search.citation import provision_label

STATUS_ORDER = ("unchanged", "modified", "added", "removed")


def flags_of(pair: Any) -> list[str]:
    return [f for f in ("renumbered", "moved", "split", "merged") if getattr(pair, f, False)]


def _ref(p: Any, pinpoint: str = "") -> str:
    if p is None:
        return "—"
    return provision_label(p, pinpoint, pages=True, name=p.label or p.number or p.id)


def crosswalk_rows(pairs: Sequence[Any], statuses: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The crosswalk table (left → right, status, flags, similarity), optionally filtered by status."""
    keep = set(statuses) if statuses is not None else None
    authored = any(getattr(p, "changed_by", ()) for p in pairs)  # a Word draft's tracked changes
    rows = []
    for i, pair in enumerate(pairs):
        if keep is not None and pair.status not in keep:
            continue
        lp, rp = pair.left, pair.right
        row = {
            "#": i + 1,
            "left": _ref(lp),
            "right": _ref(rp),
            "status": pair.status,
            "flags": ", ".join(flags_of(pair)),
            "similarity": round(float(pair.similarity), 3) if lp is not None and rp is not None else None,
            "heading": (rp.heading if rp is not None else lp.heading if lp is not None else "") or "",
        }
        if authored:
            row["changed by"] = ", ".join(pair.changed_by)
        rows.append(row)
    return rows


def pair_title(pair: Any) -> str:
    """``Article 4 → Article 5 (modified; renumbered)`` for an expander label."""
    flags = flags_of(pair)
    extra = f"; {', '.join(flags)}" if flags else ""
    return f"{_ref(pair.left)} → {_ref(pair.right)} ({pair.status}{extra})"


def default_pair(records: Sequence[Any]) -> tuple[str, str] | None:
    """Two expressions of one work (earliest and latest version) to preselect, else the first two."""
    by_work: dict[str, list[Any]] = {}
    for r in records:
        if r.meta.work:
            by_work.setdefault(r.meta.work, []).append(r)
    for group in by_work.values():
        if len(group) >= 2:
            group = sorted(group, key=lambda r: (r.meta.version, r.meta.year or 0, r.meta.doc_id))
            return group[0].meta.doc_id, group[-1].meta.doc_id
    if len(records) >= 2:
        return records[0].meta.doc_id, records[1].meta.doc_id
    return None


def summary_items(summary: Mapping[str, int]) -> list[tuple[str, int]]:
    """Counts by change type, then the flags that occurred."""
    items = [(s, int(summary.get(s, 0))) for s in STATUS_ORDER]
    items += [(f, int(summary[f])) for f in ("renumbered", "moved", "split", "merged") if summary.get(f)]
    return items


# --- coverage ------------------------------------------------------------------------------------

COVERAGE_ORDER = ("covered", "partial", "missing")


def coverage_rows(report: Any, statuses: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per checklist item: the obligation, where the reference states it, status, best matches."""
    keep = set(statuses) if statuses is not None else None
    rows = []
    for ic in report.items:
        if keep is not None and ic.status not in keep:
            continue
        shown = ic.matches if ic.status != "missing" else ()
        rows.append(
            {
                "obligation": ic.item.title,
                "reference": ic.item.article,
                "status": ic.status,
                "score": round(float(ic.score), 2),
                "draft provisions": ", ".join(_ref(m.provision, m.pinpoint) for m in shown) or "—",
            }
        )
    return rows

"""Citation strings a lawyer can paste into a memo.

``<title>, <short label>, p. N`` (or ``pp. N–M``); a US Code section reads ``18 U.S.C. § 1591``.
"""

from __future__ import annotations

import re
from typing import Any

# Long labels and the short forms used in citations (Bluebook/OSCOLA-style abbreviations).
_SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("articles", "Arts."),
    ("article", "Art."),
    ("artikel", "Art."),
    ("sections", "ss."),
    ("section", "s."),
    ("paragraphs", "paras."),
    ("paragraph", "para."),
    ("clause", "cl."),
    ("rule", "r."),
    ("annex", "Annex"),
    ("chapter", "ch."),
    ("part", "Pt."),
    ("schedule", "Sch."),
)
_USC_TITLE = re.compile(r"\b(?:title\s+)?(\d{1,2})\s*U\.?\s?S\.?\s?C\b|^title\s+(\d{1,2})\b", re.IGNORECASE)
_USC_SOURCE = re.compile(r"(?:^|_)us_?(\d{1,2})_?usc", re.IGNORECASE)


def short_label(label: str) -> str:
    """``"Article 13"`` → ``"Art. 13"``; ``"Section 7"`` → ``"s. 7"``; ``"§ 1592"`` stays."""
    label = " ".join(label.split())
    head, _, rest = label.partition(" ")
    for long, short in _SHORT_FORMS:
        if head.lower() == long and rest:
            return f"{short} {rest}"
    return label


def page_span(page_start: int, page_end: int) -> str:
    """``p. 6`` / ``pp. 6–7``; empty when the page is unknown (0)."""
    if page_start <= 0:
        return ""
    if page_end > page_start:
        return f"pp. {page_start}–{page_end}"
    return f"p. {page_start}"


def us_code_title(title: str, source: str = "") -> int | None:
    """The US Code title number when the document is a chapter of the US Code, else None."""
    m = _USC_TITLE.search(title)
    if m:
        return int(m.group(1) or m.group(2))
    m = _USC_SOURCE.search(source)
    return int(m.group(1)) if m else None


def citation(
    title: str, label: str, page_start: int = 0, page_end: int = 0, *, source: str = "", number: str = ""
) -> str:
    """The citation of one provision of one document."""
    usc = us_code_title(title, source)
    if usc is not None and (label.startswith("§") or label.lower().startswith("section")):
        num = number or label.lstrip("§").split(maxsplit=1)[-1]
        head = f"{usc} U.S.C. § {num}"
        pages = page_span(page_start, page_end)
        return f"{head}, {pages}" if pages else head
    parts = [
        p for p in (title.strip().rstrip(",."), short_label(label), page_span(page_start, page_end)) if p
    ]
    return ", ".join(parts)


def provision_pages(p: Any, pin: str = "") -> str:
    """``p. 4`` / ``pp. 4–5``: where a provision (``ingest.model.Provision``), or the paragraph of it a
    pinpoint names, is printed; empty when its pages are unknown."""
    from search.pinpoint import pages_of

    return page_span(*pages_of(p.text, pin, p.page_breaks, p.page_start, p.page_end))


def provision_label(p: Any, pin: str = "", *, pages: bool = False, name: str = "") -> str:
    """How a report names a provision, or the paragraph of it a pinpoint names: "Article 13(1)"; with
    ``pages``, where it is printed: "Article 13(1), p. 4". ``name``: the label (default: its label, else
    its number)."""
    where = provision_pages(p, pin) if pages else ""
    label = (name or p.label or p.number) + pin
    return f"{label}, {where}" if where else label

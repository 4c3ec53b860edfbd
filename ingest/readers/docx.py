"""DOCX reader (python-docx): body paragraphs and table cells in order, with Word's automatic numbering
written out ("Article 3." before a paragraph numbered by a list definition: ``docx_numbering.py``).

Word files carry no reliable page numbers (Word lays out pages when it shows the file), so the whole text is
page 1 unless the author put explicit page breaks (``w:br w:type="page"`` or ``pageBreakBefore``); then
pages split there. Citations name none of these pages (``ingest.readers.has_fixed_pages``).

Tracked changes are read as accepted by default, as Word shows a draft without markup: inserted text is
kept, deleted text dropped, moved text read at its new place only (Word stores it at both, the old place as
ordinary text runs), a deleted paragraph mark joins its paragraph to the next one, and a deleted table row
is left out. The ``original`` view reads the text as it was before the changes (all of them rejected):
insertions dropped, deleted text kept, moved text at its old place, an inserted paragraph mark joining its
paragraph to the next, and a changed paragraph numbered as it was (``w:pPrChange``), so that a draft's
tracked changes can be compared as two versions. How many changes there were is counted
(``PageText.tracked_changes``), so ingestion can say so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from ingest.errors import InputError
from ingest.model import TRACKED_VIEWS, PageText, TrackedView
from ingest.readers.docx_numbering import Numbering

_PAGE_BREAK = "\f"
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _DEL_TEXT, _TAB, _BR, _CR = qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NB_HYPHEN, _TYPE = qn("w:noBreakHyphen"), qn("w:type")
_PPR, _BREAK_BEFORE = qn("w:pPr"), qn("w:pageBreakBefore")
_RPR, _TRPR, _PPR_CHANGE, _AUTHOR = qn("w:rPr"), qn("w:trPr"), qn("w:pPrChange"), qn("w:author")
# what is counted as a tracked change: insertions, deletions, moves, and changed paragraph properties
_REVISIONS = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"), _PPR_CHANGE)


@dataclass(frozen=True)
class _View:
    """How one view of the tracked changes reads a file."""

    removed: frozenset[str]  # revision elements whose content (and paragraph marks, rows) it leaves out
    text: tuple[str, ...]  # elements whose text it reads (deleted text is stored as w:delText)
    old_properties: bool  # whether a paragraph keeps the properties it had before a tracked change


_VIEWS: dict[str, _View] = {
    "accepted": _View(frozenset({qn("w:del"), qn("w:moveFrom")}), (_T,), False),
    "original": _View(frozenset({qn("w:ins"), qn("w:moveTo")}), (_T, _DEL_TEXT), True),
}


def read_docx(path: Path, view: TrackedView = "accepted") -> list[PageText]:
    """Paragraph and table text of a ``.docx``, one line per paragraph; ``view``: the tracked changes
    accepted (as Word shows the draft without markup) or the original text before them."""
    if view not in _VIEWS:
        raise ValueError(f"unknown view of tracked changes: {view!r} (one of {', '.join(TRACKED_VIEWS)})")
    try:
        if path.stat().st_size == 0:
            raise InputError("empty file")
        document = docx.Document(str(path))
        body = document.element.body
        text = "\n".join(_blocks(body, Numbering.of(document), _VIEWS[view]))
        tracked = _count_revisions(body)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from exc
    except Exception as exc:  # zipfile, lxml and python-docx errors on broken packages
        raise InputError(f"corrupt DOCX: {_reason(exc)}") from exc
    if not text.replace(_PAGE_BREAK, "").strip():
        raise InputError("no text in document")
    return [
        PageText(number=i + 1, text=page.strip("\n"), tracked_changes=tracked if i == 0 else 0)
        for i, page in enumerate(text.split(_PAGE_BREAK))
    ]


def changed_paragraphs(path: Path) -> dict[TrackedView, list[tuple[str, tuple[str, ...]]]]:
    """For each view, the paragraphs a tracked change touches, each as that view reads it (without its list
    label) with the authors of the changes in it, sorted: who changed what, to be matched to provisions by
    their text. ``InputError`` when the file cannot be read."""
    out: dict[TrackedView, list[tuple[str, tuple[str, ...]]]] = {view: [] for view in TRACKED_VIEWS}
    for p in _body(path).iter(_P):
        authors = sorted({a.strip() for el in p.iter(*_REVISIONS) if (a := el.get(_AUTHOR) or "").strip()})
        if not authors:
            continue
        for view, found in out.items():
            text = " ".join(_paragraph(p, _VIEWS[view]).split())
            if text:
                found.append((text, tuple(authors)))
    return out


def _body(path: Path) -> Any:
    """The body element of a Word file; ``InputError`` when it cannot be read."""
    try:
        return docx.Document(str(path)).element.body
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from exc
    except Exception as exc:  # zipfile, lxml and python-docx errors on broken packages
        raise InputError(f"corrupt DOCX: {_reason(exc)}") from exc


def _count_revisions(body: Any) -> int:
    return sum(1 for _ in body.iter(*_REVISIONS))


def _blocks(parent: Any, numbering: Numbering, view: _View) -> Iterator[str]:
    """Lines of the block-level children (paragraphs, tables, content controls) in order."""
    joined = ""  # what is left of paragraphs whose mark the view removes: it joins the next paragraph
    for child in parent.iterchildren():
        if child.tag == _P and _mark_removed(child, view):
            joined += _paragraph(child, view)
            continue
        if child.tag == _P:
            ppr = _properties(child, view)
            yield _paragraph(child, view, numbering.label(child, ppr), joined)
            joined = ""
            continue
        if joined:
            yield joined
            joined = ""
        if child.tag == _TBL:
            for row in child.iterchildren(_TR):
                if _row_removed(row, view):
                    continue
                seen: set[str] = set()
                for cell in row.iterchildren(_TC):
                    lines = [line for line in _blocks(cell, numbering, view) if line.strip()]
                    key = "\n".join(lines)
                    if key and key not in seen:  # horizontally merged cells repeat their text
                        seen.add(key)
                        yield from lines
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, numbering, view)
    if joined:
        yield joined


def tracked_changes_warning(pages: Sequence[PageText], view: TrackedView = "accepted") -> str:
    """The note a document carries when a Word file had tracked changes ("" when it had none)."""
    count = sum(p.tracked_changes for p in pages)
    if not count:
        return ""
    changes = f"{count} tracked change{'s' if count != 1 else ''}"
    if view == "original":
        return (
            f"{changes} read as rejected: this is the text before them (insertions dropped, deletions "
            "kept, moved text at its old place)"
        )
    return (
        f"{changes} read as accepted (insertions kept, deletions dropped, moved text at its new place): "
        "accept or reject them in Word to index another version"
    )


def _mark_removed(p: Any, view: _View) -> bool:
    """Whether the view removes a paragraph's mark (a tracked deletion or move source when accepted, an
    insertion or move target in the original): the paragraph is then no longer one of its own."""
    rpr = p.find(f"{_PPR}/{_RPR}")
    return rpr is not None and any(rpr.find(tag) is not None for tag in view.removed)


def _row_removed(row: Any, view: _View) -> bool:
    trpr = row.find(_TRPR)
    return trpr is not None and any(trpr.find(tag) is not None for tag in view.removed)


def _properties(p: Any, view: _View) -> Any | None:
    """A paragraph's properties (``w:pPr``) in the view: before a tracked change of them in the original."""
    ppr = p.find(_PPR)
    if view.old_properties and ppr is not None:
        old = ppr.find(f"{_PPR_CHANGE}/{_PPR}")
        if old is not None:
            return old
    return ppr


def _removed(el: Any, p: Any, view: _View) -> bool:
    """Whether ``el`` lies in content the view takes away from paragraph ``p``."""
    for ancestor in el.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag in view.removed:
            return True
    return False


def _paragraph(p: Any, view: _View, label: str = "", lead: str = "") -> str:
    """Text of one paragraph after its list label (and ``lead``, the text of paragraphs joined to it);
    page breaks become form feeds, line breaks newlines."""
    parts: list[str] = []
    ppr = _properties(p, view)
    if ppr is not None and ppr.find(_BREAK_BEFORE) is not None:
        parts.append(_PAGE_BREAK)
    parts += [label, lead]
    for el in p.iter(*view.text, _TAB, _BR, _CR, _NB_HYPHEN):
        if _removed(el, p, view):
            continue
        if el.tag in view.text:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            if el.getparent() is not None and el.getparent().tag != _PPR and not _in_tabs(el):
                parts.append("\t")
        elif el.tag == _BR:
            parts.append(_PAGE_BREAK if el.get(_TYPE) == "page" else "\n")
        elif el.tag == _CR:
            parts.append("\n")
        elif el.tag == _NB_HYPHEN:
            parts.append("-")
    return "".join(parts)


def _in_tabs(el: Any) -> bool:
    """``w:tab`` also appears as a tab-stop definition inside ``w:pPr/w:tabs``."""
    parent = el.getparent()
    return parent is not None and parent.tag == qn("w:tabs")


def _reason(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg if len(msg) <= 160 else msg[:157] + "..."

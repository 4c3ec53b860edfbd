"""DOCX reader (python-docx): body paragraphs and table cells in order, with Word's automatic numbering
written out ("Article 3." before a paragraph numbered by a list definition: ``docx_numbering.py``).

Word files carry no reliable page numbers, so the whole text is page 1 unless the author put explicit
page breaks (``w:br w:type="page"`` or ``pageBreakBefore``); then pages split there.

Tracked changes are read as accepted, as Word shows a draft without markup: inserted text is kept, deleted
text dropped, moved text read at its new place only (Word stores it at both, the old place as ordinary
text runs), a deleted paragraph mark joins its paragraph to the next one, and a deleted table row is left
out. How many there were is counted (``PageText.tracked_changes``), so ingestion can say so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from ingest.errors import InputError
from ingest.model import PageText
from ingest.readers.docx_numbering import Numbering

_PAGE_BREAK = "\f"
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_NB_HYPHEN, _TYPE = qn("w:noBreakHyphen"), qn("w:type")
_PPR, _BREAK_BEFORE = qn("w:pPr"), qn("w:pageBreakBefore")
_RPR, _TRPR = qn("w:rPr"), qn("w:trPr")
_REMOVED = frozenset({qn("w:del"), qn("w:moveFrom")})  # content that accepting the changes takes away
_REVISIONS = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"))


def read_docx(path: Path) -> list[PageText]:
    """Paragraph and table text of a ``.docx``, one line per paragraph."""
    try:
        if path.stat().st_size == 0:
            raise InputError("empty file")
        document = docx.Document(str(path))
        body = document.element.body
        text = "\n".join(_blocks(body, Numbering.of(document)))
        tracked = sum(1 for _ in body.iter(*_REVISIONS))
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


def _blocks(parent: Any, numbering: Numbering) -> Iterator[str]:
    """Lines of the block-level children (paragraphs, tables, content controls) in order."""
    joined = ""  # what is left of paragraphs whose mark was deleted: it joins the next paragraph
    for child in parent.iterchildren():
        if child.tag == _P and _mark_removed(child):
            joined += _paragraph(child)
            continue
        if child.tag == _P:
            yield _paragraph(child, numbering.label(child), joined)
            joined = ""
            continue
        if joined:
            yield joined
            joined = ""
        if child.tag == _TBL:
            for row in child.iterchildren(_TR):
                if _row_removed(row):
                    continue
                seen: set[str] = set()
                for cell in row.iterchildren(_TC):
                    lines = [line for line in _blocks(cell, numbering) if line.strip()]
                    key = "\n".join(lines)
                    if key and key not in seen:  # horizontally merged cells repeat their text
                        seen.add(key)
                        yield from lines
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, numbering)
    if joined:
        yield joined


def tracked_changes_warning(pages: Sequence[PageText]) -> str:
    """The note a document carries when a Word file had tracked changes ("" when it had none)."""
    count = sum(p.tracked_changes for p in pages)
    if not count:
        return ""
    return (
        f"{count} tracked change{'s' if count != 1 else ''} read as accepted (insertions kept, deletions "
        "dropped, moved text at its new place): accept or reject them in Word to index another version"
    )


def _mark_removed(p: Any) -> bool:
    """Whether a paragraph's mark is a tracked deletion (or the source of a move): accepted, the
    paragraph is no longer one of its own."""
    rpr = p.find(f"{_PPR}/{_RPR}")
    return rpr is not None and any(rpr.find(tag) is not None for tag in _REMOVED)


def _row_removed(row: Any) -> bool:
    trpr = row.find(_TRPR)
    return trpr is not None and any(trpr.find(tag) is not None for tag in _REMOVED)


def _removed(el: Any, p: Any) -> bool:
    """Whether ``el`` lies in content a tracked deletion or move takes away from paragraph ``p``."""
    for ancestor in el.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag in _REMOVED:
            return True
    return False


def _paragraph(p: Any, label: str = "", lead: str = "") -> str:
    """Text of one paragraph after its list label (and ``lead``, the text of paragraphs joined to it);
    page breaks become form feeds, line breaks newlines."""
    parts: list[str] = []
    ppr = p.find(_PPR)
    if ppr is not None and ppr.find(_BREAK_BEFORE) is not None:
        parts.append(_PAGE_BREAK)
    parts += [label, lead]
    for el in p.iter(_T, _TAB, _BR, _CR, _NB_HYPHEN):
        if _removed(el, p):
            continue
        if el.tag == _T:
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

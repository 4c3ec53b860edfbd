"""DOCX reader (python-docx): body paragraphs and table cells in order, with Word's automatic numbering
written out ("Article 3." before a paragraph numbered by a list definition: ``docx_numbering.py``).

Word files carry no reliable page numbers, so the whole text is page 1 unless the author put explicit
page breaks (``w:br w:type="page"`` or ``pageBreakBefore``); then pages split there.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def read_docx(path: Path) -> list[PageText]:
    """Paragraph and table text of a ``.docx``, one line per paragraph."""
    try:
        if path.stat().st_size == 0:
            raise InputError("empty file")
        document = docx.Document(str(path))
        body = document.element.body
        text = "\n".join(_blocks(body, Numbering.of(document)))
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from exc
    except Exception as exc:  # zipfile, lxml and python-docx errors on broken packages
        raise InputError(f"corrupt DOCX: {_reason(exc)}") from exc
    if not text.replace(_PAGE_BREAK, "").strip():
        raise InputError("no text in document")
    return [PageText(number=i + 1, text=page.strip("\n")) for i, page in enumerate(text.split(_PAGE_BREAK))]


def _blocks(parent: Any, numbering: Numbering) -> Iterator[str]:
    """Lines of the block-level children (paragraphs, tables, content controls) in order."""
    for child in parent.iterchildren():
        if child.tag == _P:
            yield _paragraph(child, numbering.label(child))
        elif child.tag == _TBL:
            for row in child.iterchildren(_TR):
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


def _paragraph(p: Any, label: str = "") -> str:
    """Text of one paragraph after its list label; page breaks become form feeds, line breaks newlines."""
    parts: list[str] = []
    ppr = p.find(_PPR)
    if ppr is not None and ppr.find(_BREAK_BEFORE) is not None:
        parts.append(_PAGE_BREAK)
    parts.append(label)
    for el in p.iter():
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

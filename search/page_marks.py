"""Where a provision lies on a page of its source PDF: the line rectangles to highlight.

The page's words come from its text layer (pypdfium2) or, for a page without one (a scan), from OCR,
read as ingest read it (``ingest.ocr.page_words``: same resolution, the document's language pack). They
are matched against the provision's own text, letters and digits only (so line breaks, hyphenation,
ligatures and spacing do not matter). On the provision's first page the highlight starts at its heading
(or at its text's first words), on its last page it ends at its text's last words; on a page in between,
it runs from the first to the last passage that belongs to the provision, which leaves out running
headers and page numbers. Text that cannot be placed, or a scan when OCR is not at hand, gives no
rectangles: the page is shown as it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InputError
from ingest.ocr import OcrWord, has_text_layer

_WINDOW = 40  # letters and digits a passage must share with the provision to count as part of it
_PREFIXES = (120, 60, 30)  # how much of the provision's start/end is looked for, longest first
_HEADING_REACH = 400  # how far before the text its heading may start (letters and digits)


# Reads a page by OCR: its words, and the image's width and height in pixels (InputError if it cannot).
ReadByOcr = Callable[[], tuple[list[OcrWord], int, int]]


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in fractions of its width and height, from the top-left corner."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class _Glyphs:
    """A page's characters, and the rectangle of each (None for spaces and line breaks)."""

    chars: str
    box: Callable[[int], Box | None]


def provision_boxes(
    path: Path,
    page: int,
    *,
    text: str,
    heading: str = "",
    first_page: bool = True,
    last_page: bool = True,
    ocr: ReadByOcr | None = None,
) -> list[Box]:
    """Rectangles, one per line, covering the provision on 1-based ``page`` of the PDF at ``path``.

    ``heading`` is the line that opens the provision ("Article 3. Principles"); ``first_page`` /
    ``last_page`` say whether the provision starts / ends on this page. A page without a text layer is
    read by ``ocr`` when it is given (``ingest.ocr.page_words`` for the page)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            return []
        glyphs = _text_layer(pdf[page - 1])
        if has_text_layer(glyphs.chars):  # ingest's rule: 25 characters or more
            return _place(glyphs, text, heading, first_page, last_page)
    finally:
        pdf.close()
    if ocr is None:
        return []
    try:
        glyphs = _ocr_layer(*ocr())
    except InputError:  # OCR is off, tesseract or the language pack is missing, the page cannot be read
        return []
    return _place(glyphs, text, heading, first_page, last_page)


def _place(glyphs: _Glyphs, text: str, heading: str, first_page: bool, last_page: bool) -> list[Box]:
    chars = glyphs.chars
    page_norm, where = _normalise(chars)
    words = _Words(
        starts=[w == 0 or not chars[w - 1].isalnum() for w in where],
        ends=[w + 1 == len(chars) or not chars[w + 1].isalnum() for w in where],
    )
    span = _locate(page_norm, words, _normalise(text)[0], _normalise(heading)[0], first_page, last_page)
    if span is None:
        return []
    first, last = _whole_words(chars, where[span[0]], where[span[1] - 1])
    return _lines([b for i in range(first, last + 1) if (b := glyphs.box(i)) is not None])


def _text_layer(pg: object) -> _Glyphs:
    """The page's characters from its text layer, boxes turned from PDF points (y up) into fractions."""
    width, height = pg.get_size()  # type: ignore[attr-defined]
    textpage = pg.get_textpage()  # type: ignore[attr-defined]
    chars: str = textpage.get_text_range()

    def box(i: int) -> Box | None:
        if chars[i].isspace():
            return None
        left, bottom, right, top = textpage.get_charbox(i)
        return Box(left / width, 1 - top / height, right / width, 1 - bottom / height)

    return _Glyphs(chars, box)


def _ocr_layer(words: list[OcrWord], width: int, height: int) -> _Glyphs:
    """The page's words read by OCR (each character has its word's box), lines joined by line breaks."""
    parts: list[str] = []
    boxes: list[Box | None] = []
    for k, word in enumerate(words):
        if k:
            parts.append("\n" if word.line != words[k - 1].line else " ")
            boxes.append(None)
        parts.append(word.text)
        box = Box(word.left / width, word.top / height, word.right / width, word.bottom / height)
        boxes.extend([box] * len(word.text))
    return _Glyphs("".join(parts), boxes.__getitem__)


def _whole_words(chars: str, first: int, last: int) -> tuple[int, int]:
    """The span widened over the punctuation that clings to its ends: "(d)", "used."."""
    while first > 0 and not chars[first - 1].isspace() and not chars[first - 1].isalnum():
        first -= 1
    while last + 1 < len(chars) and not chars[last + 1].isspace() and not chars[last + 1].isalnum():
        last += 1
    return first, last


def _normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case letters and digits of ``text`` (compatibility-decomposed: "ﬁ" → "fi"), each with the
    index of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            if c.isalnum():
                out.append(c)
                where.append(i)
    return "".join(out), where


@dataclass(frozen=True)
class _Words:
    """For each normalised character of the page: whether it starts / ends a word."""

    starts: list[bool]
    ends: list[bool]


def _locate(
    page: str, words: _Words, text: str, heading: str, first_page: bool, last_page: bool
) -> tuple[int, int] | None:
    """(start, end) of the provision in the page's normalised text, or None where it cannot be placed."""
    if not page or len(text) < 10:
        return None
    start = _find_start(page, words, text) if first_page else _first_shared(page, words, text)
    if start is None:
        return None
    if first_page and heading:
        at = page.rfind(heading, max(0, start - _HEADING_REACH - len(heading)), start + len(heading))
        if at != -1:
            start = min(start, at)
    end = _find_end(page, words, text, start) if last_page else _last_shared(page, words, text, start)
    if end is None or end <= start:
        return None
    return start, end


def _find_start(page: str, words: _Words, text: str) -> int | None:
    for n in _PREFIXES:
        at = page.find(text[:n])
        if at != -1:
            return at
    return _first_shared(page, words, text)


def _find_end(page: str, words: _Words, text: str, start: int) -> int | None:
    for n in _PREFIXES:
        at = page.rfind(text[-n:], start)
        if at != -1:
            return at + min(n, len(text))
    return _last_shared(page, words, text, start)


def _first_shared(page: str, words: _Words, text: str) -> int | None:
    """The first word of the page from which a passage also occurs in the provision."""
    window = min(_WINDOW, len(text))
    for i in range(0, len(page) - window + 1):
        if words.starts[i] and page[i : i + window] in text:
            return i
    return None


def _last_shared(page: str, words: _Words, text: str, start: int) -> int | None:
    """The end of the last word of the page (after ``start``) that ends a passage of the provision."""
    window = min(_WINDOW, len(text))
    for j in range(len(page), start + window - 1, -1):
        if words.ends[j - 1] and page[j - window : j] in text:
            return j
    return None


def _lines(boxes: list[Box]) -> list[Box]:
    """Character boxes merged into one box per line of text."""
    lines: list[list[float]] = []
    for b in boxes:
        if b.right <= b.left or b.bottom <= b.top:
            continue
        if lines:
            line = lines[-1]
            overlap = min(b.bottom, line[3]) - max(b.top, line[1])
            if overlap > 0.5 * min(b.bottom - b.top, line[3] - line[1]):
                line[0], line[1] = min(line[0], b.left), min(line[1], b.top)
                line[2], line[3] = max(line[2], b.right), max(line[3], b.bottom)
                continue
        lines.append([b.left, b.top, b.right, b.bottom])
    return [Box(*line) for line in lines]

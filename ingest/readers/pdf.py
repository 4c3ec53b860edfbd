"""PDF reader: the only module that imports pypdf.

Text comes from pypdf's plain extraction; a ``visitor_text`` callback records where each run is
drawn so that margin notes (see ``margins.py``) can be lifted out of the body. A scanned PDF (no text
layer), or the picture-only pages of a PDF that has one, is read by OCR (``ingest/ocr.py``) when
tesseract is installed. Every pypdf failure becomes a
one-line ``InputError``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from ingest.errors import InputError
from ingest.model import PageText
from ingest.ocr import (
    DPI,
    TESSERACT_CODES,
    ReadContext,
    Tesseract,
    has_text_layer,
    install_hint,
    ocr_pdf,
)
from ingest.ocr_cache import OcrCache, cache_key
from ingest.readers import margins
from ingest.readers.margins import Run

MAX_PAGES = 2000
MAX_BYTES = 200 * 1024 * 1024
_MIN_TEXT_SHARE = 0.1  # below this share of pages with text, the PDF is treated as scanned
_MIN_FILL_CONFIDENCE = 60.0  # an OCR'd page of a PDF with a text layer is kept from this confidence on


def read_pdf(
    path: Path, context: ReadContext | None = None, *, max_pages: int = MAX_PAGES, max_bytes: int = MAX_BYTES
) -> list[PageText]:
    """One ``PageText`` per page (1-based); margin notes become ``MARGIN_MARK`` lines."""
    context = context or ReadContext()
    reader = _open(path, max_bytes=max_bytes)
    count = _page_count(reader)
    if count > max_pages:
        raise InputError(f"too many pages: {count} (limit {max_pages})")
    runs = [_page_runs(reader, i) for i in range(count)]
    has_text = [has_text_layer("".join(r.text for r in page)) for page in runs]
    scanned = sum(has_text) == 0 or sum(has_text) < _MIN_TEXT_SHARE * count
    pages: list[PageText] = []
    if scanned:  # the few pages with text are taken as they come, without margin-note analysis
        pages = [PageText(number=i + 1, text="".join(r.text for r in page)) for i, page in enumerate(runs)]
    else:
        segs = [margins.segments(page) for page in runs]
        for i, (page, notes) in enumerate(zip(runs, margins.find_notes(segs), strict=True)):
            if notes:
                text, found = margins.compose(page, notes)
                pages.append(PageText(number=i + 1, text=text, margin_notes=found))
            else:
                pages.append(PageText(number=i + 1, text="".join(r.text for r in page)))
    missing = [i + 1 for i, ok in enumerate(has_text) if not ok]
    return _with_ocr(path, pages, missing, context, scanned=scanned) if missing else pages


def _with_ocr(
    path: Path, pages: list[PageText], missing: list[int], context: ReadContext, *, scanned: bool
) -> list[PageText]:
    """The pages without a text layer read by OCR.

    A scanned PDF needs it: no OCR is an error, and all it reads is kept. A PDF with a text layer whose
    other pages are pictures (a scanned annex, a signed last page) gets them read in the text layer's
    language; a blank page stays blank, and without OCR (no tesseract, no pack) it keeps what it has.
    With ``kept_only`` no page is read: the text kept when the file was ingested is used, or InputError."""
    read = (
        _kept_text(missing, context)
        if context.ocr.kept_only
        else _read(path, pages, missing, context, scanned)
    )
    if read is None:
        return pages
    found = {p.number: p for p in read if scanned or _worth_keeping(p)}
    merged = [found.get(p.number, p) for p in pages]
    if scanned and not any(p.text.strip() for p in merged):
        raise InputError("no text layer, and OCR found no text")
    return merged


def _read(
    path: Path, pages: list[PageText], missing: list[int], context: ReadContext, scanned: bool
) -> list[PageText] | None:
    """``missing`` pages read by OCR (or as read before); None when a PDF with a text layer has to do
    without them (no tesseract, no pack, OCR failed)."""
    tesseract = Tesseract.find(context.ocr.command) if context.ocr.enabled else None
    if tesseract is None:
        if not scanned:
            return None
        if not context.ocr.enabled:
            raise InputError("no text layer; OCR needed (OCR is turned off)")
        raise InputError(f"no text layer; OCR needed: {install_hint()}")
    language = context.ocr.language
    if language is None and not scanned and context.detect is not None:
        language = context.detect("\n".join(p.text for p in pages)[:20000]) or None
        if language is not None and TESSERACT_CODES.get(language) not in tesseract.packs:
            language = None  # no pack for it: the first scanned page decides, as for a scan
    try:
        return _read_or_cached(path, missing, tesseract, language, context)
    except InputError:
        if scanned:
            raise
        return None


def _kept_text(missing: list[int], context: ReadContext) -> list[PageText]:
    """The text OCR read from ``missing`` when the file was ingested (``ingest.ocr_cache``)."""
    folder, sha = context.ocr.cache_dir, context.sha256
    read = OcrCache(Path(folder), sha).kept() if folder and sha else None
    if read is None or not set(missing) <= {p.number for p in read}:
        raise InputError("the text OCR read at ingest is not kept")
    return read


def _read_or_cached(
    path: Path, missing: list[int], tesseract: Tesseract, language: str | None, context: ReadContext
) -> list[PageText]:
    """``missing`` pages read by OCR, or as read before (``ingest.ocr_cache``) when the same file was."""
    cache = (
        OcrCache(Path(context.ocr.cache_dir), context.sha256)
        if context.ocr.cache_dir and context.sha256
        else None
    )
    key = cache_key(tesseract, language, missing, DPI)
    read = cache.get(key) if cache is not None else None
    if read is not None:
        if context.on_page is not None:
            context.on_page(len(missing), len(missing))
        return read
    read = ocr_pdf(
        path, missing, tesseract, language=language, detect=context.detect, on_page=context.on_page
    )
    if cache is not None:
        cache.put(key, read)
    return read


def _worth_keeping(page: PageText) -> bool:
    """Whether OCR found text on a page of a PDF with a text layer (not a blank page, not noise)."""
    return has_text_layer(page.text) and (page.ocr_confidence or 0) >= _MIN_FILL_CONFIDENCE


def pdf_page_count(path: Path, *, max_bytes: int = MAX_BYTES) -> int:
    """Number of pages, with the same checks and messages as ``read_pdf``."""
    return _page_count(_open(path, max_bytes=max_bytes))


def _open(path: Path, *, max_bytes: int) -> PdfReader:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise InputError("empty file")
    if size > max_bytes:
        raise InputError(f"file too large: {_size(size)} (limit {_size(max_bytes)})")
    if b"%PDF-" not in head:
        raise InputError(f"not a PDF (starts with {head[:16]!r})")
    try:
        reader = PdfReader(path, strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many types (and RecursionError) on broken files
        raise InputError(f"corrupt or truncated PDF: {_reason(exc)}") from exc
    if encrypted:
        _decrypt(reader)
    return reader


def _decrypt(reader: PdfReader) -> None:
    """Owner-password-only PDFs open with the empty user password; others need a password."""
    try:
        ok = reader.decrypt("")
    except Exception as exc:  # DependencyError: AES needs the 'cryptography' package
        raise InputError(f"encrypted PDF (cannot decrypt: {_reason(exc)})") from exc
    if not ok:
        raise InputError("encrypted PDF (password required)")


def _page_count(reader: PdfReader) -> int:
    try:
        count = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise InputError("encrypted PDF (password required)") from exc
    except Exception as exc:
        raise InputError(f"corrupt or truncated PDF: {_reason(exc)}") from exc
    if count == 0:
        raise InputError("corrupt or truncated PDF: no pages found")
    return count


def _page_runs(reader: PdfReader, index: int) -> list[Run]:
    """The page's text runs in pypdf's output order; their texts concatenate to ``extract_text()``."""
    runs: list[Run] = []
    widths: dict[int, _Metrics] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text:
            return
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        em = size * math.hypot(c, d)
        width = _text_width(text, font, widths) * size * math.hypot(a, b)
        runs.append(Run(x, y, x + width, em, text, abs(b) < 1e-6 and abs(c) < 1e-6))

    try:
        reader.pages[index].extract_text(visitor_text=visit)
    except Exception as exc:
        raise InputError(f"corrupt PDF: cannot extract text from page {index + 1}: {_reason(exc)}") from exc
    return runs


def _text_width(text: str, font: Any, cache: dict[int, _Metrics]) -> float:
    """Width of ``text`` in ems: from the font's /Widths when present, else a per-character estimate."""
    line = text.strip("\n").split("\n")[0]
    if font is None:
        return _estimate_width(line, "")
    metrics = cache.get(id(font))
    if metrics is None:
        try:
            table = [float(w) for w in font.get("/Widths", [])]
            known = [w for w in table if w > 0]
            metrics = _Metrics(
                int(font.get("/FirstChar", 0)),
                table,
                (sum(known) / len(known)) if known else 500.0,
                str(font.get("/BaseFont", "")),
            )
        except Exception:
            metrics = _Metrics(0, [], 500.0, "")
        cache[id(font)] = metrics
    if not metrics.widths:  # the 14 standard fonts carry no widths
        return _estimate_width(line, metrics.name)
    total = 0.0
    for ch in line:
        k = ord(ch) - metrics.first
        w = metrics.widths[k] if 0 <= k < len(metrics.widths) else 0.0
        total += w if w > 0 else metrics.default
    return total / 1000.0


class _Metrics(NamedTuple):
    first: int
    widths: list[float]
    default: float
    name: str


def _estimate_width(line: str, font_name: str) -> float:
    """Times-like average widths per character class, slightly generous."""
    if "Courier" in font_name:
        return 0.6 * len(line)
    total = 0.0
    for ch in line:
        if ch == " ":
            total += 0.25
        elif ch.islower():
            total += 0.45
        elif ch.isupper() or ch.isdigit():
            total += 0.65
        else:
            total += 0.33
    return total * (1.1 if any(n in font_name for n in ("Helvetica", "Arial")) else 1.0)


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n} bytes"


def _reason(exc: BaseException) -> str:
    """A one-line, bounded description of a pypdf exception."""
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg if len(msg) <= 160 else msg[:157] + "..."

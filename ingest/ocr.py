"""OCR for scanned PDFs: pages rendered by pdfium, read by the tesseract program (Debian ``tesseract-ocr``).

The only module that runs tesseract. Nothing leaves the machine: tesseract is a local program and its
language packs are local files (``tesseract-ocr-eng``, ``-kat``, ``-rus``, ``-hye``, ``-aze``...).

The OCR language is the document's language when the user gave one; otherwise the first page with text
is read with the packs of all four scripts at once (English, Russian, Georgian, Armenian), and the
language of what comes out (its script, refined by a language detector: Azerbaijani or Dutch in Latin
script) chooses the pack for the whole document.
A page scanned askew is turned level first (``deskew``); a page that reads badly is checked for lying
on its side or upside down (tesseract's orientation detection) and turned upright. Each page's text carries tesseract's mean
word confidence, so the document can warn that its text is machine-read.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from ingest.deskew import straighten, unquarter, unturn
from ingest.errors import InputError
from ingest.model import PageText, TrackedView
from ingest.ocr_repair import repair_numbering
from ingest.script import letter_language

DPI = 300
_PAGE_TIMEOUT_S = 300.0
# ISO 639-1 (what ctkb stores) → tesseract's language pack.
TESSERACT_CODES = {
    "en": "eng",
    "ka": "kat",
    "ru": "rus",
    "hy": "hye",
    "az": "aze",
    "uk": "ukr",
    "nl": "nld",
    "fr": "fra",
    "de": "deu",
    "es": "spa",
    "tr": "tur",
}
# One pack per script ctkb expects: together they read a first page of unknown language.
_PROBE_PACKS = ("eng", "rus", "kat", "hye")
_MIN_TEXT = 40  # characters: less is a blank page (or a stamp), nothing to judge a language or orientation by
_UPRIGHT_FROM = 60.0  # mean word confidence from which a page is taken as read the right way up
_R = TypeVar("_R")
_INSTALL_HINT = "install tesseract (Debian: apt install tesseract-ocr tesseract-ocr-{pack})"
# Fewer non-space characters than this on a PDF page: it has no usable text layer (a picture, a scan).
MIN_PAGE_CHARS = 25

Detect = Callable[[str], str]  # text → ISO 639-1 code, "" when unsure
OnPage = Callable[[int, int], None]  # (pages done, pages to do)


@dataclass(frozen=True)
class OcrOptions:
    """Whether and how scanned PDFs are read (picklable: it travels to the parse worker)."""

    enabled: bool = True
    language: str | None = None  # ISO 639-1, when the user gave the document's language
    command: str = "tesseract"
    cache_dir: str = ""  # where read texts are kept by the file's sha256 (``ingest.ocr_cache``); "": nowhere
    kept_only: bool = False  # read no page: take the text kept when the file was ingested, or fail


@dataclass(frozen=True)
class ReadContext:
    """What a reader may use besides the file: OCR options, a language detector, a progress callback,
    the file's sha256, the view of a Word file's tracked changes."""

    ocr: OcrOptions = OcrOptions()
    detect: Detect | None = None
    on_page: OnPage | None = None
    sha256: str = ""  # the file's, when known: the key of its OCR cache
    tracked: TrackedView = "accepted"  # how a Word file's tracked changes are read


@dataclass(frozen=True)
class OcrWord:
    """One word read by OCR: its text, its line, and its rectangle in pixels of the page image."""

    text: str
    line: tuple[int, int, int]  # (block, paragraph, line) numbers: words of one line share them
    conf: float  # tesseract's confidence, 0–100 (negative: none given)
    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class Tesseract:
    """The tesseract program and the language packs it has."""

    command: str
    packs: frozenset[str]
    version: str = ""  # "tesseract 5.5.0": part of the OCR cache's key

    @classmethod
    def find(cls, command: str = "tesseract") -> Tesseract | None:
        """The installed tesseract, or None when there is none."""
        path = shutil.which(command)
        if path is None:
            return None
        try:
            out = subprocess.run(
                [path, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        lines = out.stdout.splitlines()
        packs = frozenset(line.strip() for line in lines[1:] if line.strip())  # first line: "List of ..."
        try:
            about = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=30, check=False
            )
            version = next(
                (ln.strip() for ln in (about.stdout + about.stderr).splitlines() if ln.strip()), ""
            )
        except (OSError, subprocess.SubprocessError):
            version = ""
        return cls(path, packs, version)

    def pack_for(self, language: str) -> str:
        """The pack that reads ``language`` (ISO 639-1), or InputError naming the package to install."""
        pack = TESSERACT_CODES.get(language, language)
        if pack not in self.packs:
            raise InputError(f"no text layer; OCR in '{language}' needs {install_hint(pack)}")
        return pack

    def read(self, image: bytes, pack: str) -> tuple[str, float]:
        """The page's text (lines in reading order, blocks separated by a blank line) and mean confidence."""
        return _from_tsv(self._tsv(image, pack))

    def read_words(self, image: bytes, pack: str) -> list[OcrWord]:
        """The page's words in reading order, each with its place on the image (read as ``read`` reads)."""
        return list(_tsv_words(self._tsv(image, pack)))

    def _tsv(self, image: bytes, pack: str) -> str:
        return self._run(image, ["-l", pack, "--psm", "3", "tsv"])

    def quarter_turn(self, image: bytes) -> int:
        """The clockwise turn (90, 180 or 270) that sets a page lying on its side or upside down upright,
        by tesseract's orientation detection (the ``osd`` pack); 0 when upright or when it cannot tell."""
        if "osd" not in self.packs:
            return 0
        try:
            out = self._run(image, ["--psm", "0"])
        except InputError:  # too little text to tell
            return 0
        found = re.search(r"^Rotate: (\d+)$", out, re.MULTILINE)
        turn = int(found.group(1)) if found else 0
        return turn if turn in (90, 180, 270) else 0

    def _run(self, image: bytes, args: list[str]) -> str:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # pages run in parallel instead
        try:
            out = subprocess.run(
                [self.command, "stdin", "stdout", *args],
                input=image,
                capture_output=True,
                timeout=_PAGE_TIMEOUT_S,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(f"OCR of a page took longer than {_PAGE_TIMEOUT_S:g} s") from exc
        except OSError as exc:
            raise InputError(f"cannot run tesseract: {exc.strerror or exc}") from exc
        if out.returncode != 0:
            reason = " ".join(out.stderr.decode("utf-8", "replace").split())[-200:]
            raise InputError(f"tesseract failed: {reason or f'exit status {out.returncode}'}")
        return out.stdout.decode("utf-8", "replace")


def ocr_pdf(
    path: Path,
    numbers: Sequence[int],
    tesseract: Tesseract,
    *,
    language: str | None = None,
    detect: Detect | None = None,
    on_page: OnPage | None = None,
) -> list[PageText]:
    """OCR the given pages (1-based) of a PDF; ``language`` (ISO 639-1) when known (given by the user, or
    that of the PDF's text layer), else found from the first page with text. Each page read carries
    tesseract's mean word confidence (``ocr_confidence``)."""
    images = _PageImages(path)
    try:
        read: dict[int, tuple[str, float]] = {}
        pack = (
            tesseract.pack_for(language)
            if language
            else _choose_pack(images, numbers, tesseract, detect, read)
        )
        if read and on_page is not None:
            on_page(len(read), len(numbers))  # the pages read to find the language are done
        todo = [n for n in numbers if n not in read]
        workers = max(1, min(os.cpu_count() or 1, 4))
        with ThreadPoolExecutor(workers) as pool:
            for start in range(0, len(todo), workers):  # render a few pages ahead, not the whole file
                batch = [(n, images.render(n)[0]) for n in todo[start : start + workers]]
                results = pool.map(lambda item: _read_text(tesseract, item[1], pack)[0], batch)
                for (n, _), result in zip(batch, results, strict=True):
                    read[n] = result
                    if on_page is not None:
                        on_page(len(read), len(numbers))
    finally:
        images.close()
    numbers_read = sorted(read)
    texts = repair_numbering([read[n][0] for n in numbers_read])
    return [PageText(n, text, ocr_confidence=read[n][1]) for n, text in zip(numbers_read, texts, strict=True)]


def install_hint(pack: str = "eng") -> str:
    """What to install for OCR with tesseract's ``pack``."""
    return _INSTALL_HINT.format(pack=pack)


def has_text_layer(text: str) -> bool:
    """Whether a PDF page's own text is enough to read it by (else it is a picture, for OCR)."""
    return len("".join(text.split())) >= MIN_PAGE_CHARS


def ocr_warning(pages: Sequence[PageText]) -> str:
    """The note a document carries when some of its text is machine-read ("" when none is)."""
    read = [p for p in pages if p.ocr_confidence is not None]
    if not read:
        return ""
    chars = sum(len(p.text) for p in read) or 1
    mean = sum((p.ocr_confidence or 0.0) * len(p.text) for p in read) / chars
    where = "all pages" if len(read) == len(pages) else f"{len(read)} of {len(pages)} pages"
    return (
        f"text read by OCR ({where}, mean word confidence {mean:.0f}%): "
        "check numbers and quotations against the scan"
    )


def _choose_pack(
    images: _PageImages,
    numbers: Sequence[int],
    tesseract: Tesseract,
    detect: Detect | None,
    read: dict[int, tuple[str, float]],
) -> str:
    """The pack for a document of unknown language; the pages read on the way go into ``read``.

    The first page with text is read once with every script's pack at once; the language of that text
    (its script, refined by ``detect``) chooses the pack that reads it again and then the document. A
    blank page read before it is kept as the probe read it.
    """
    probe = "+".join(p for p in _PROBE_PACKS if p in tesseract.packs)
    if not probe:
        raise InputError(f"no text layer; OCR needs {install_hint()}")
    for n in numbers[:3]:  # a blank cover page says nothing: try the next one
        (text, conf), image = _read_text(tesseract, images.render(n)[0], probe)
        if len(text.strip()) < _MIN_TEXT:
            read[n] = (text, conf)
            continue
        pack = _pack_of(text, tesseract, detect)
        read[n] = tesseract.read(_png(image), pack) if pack != probe else (text, conf)
        return pack
    return probe


def _read_text(tesseract: Tesseract, image: Any, pack: str) -> tuple[tuple[str, float], Any]:
    """A page's text and confidence, read upright (``_upright``), and the image read."""
    reading, image, _ = _upright(
        tesseract,
        image,
        lambda png: tesseract.read(png, pack),
        lambda r: r[1] if len(r[0].strip()) >= _MIN_TEXT else 100.0,
    )
    return reading, image


def _upright(
    tesseract: Tesseract, image: Any, read: Callable[[bytes], _R], confidence: Callable[[_R], float]
) -> tuple[_R, Any, Callable[[float, float], tuple[float, float]]]:
    """Read a (straightened) page. When it reads badly and lies on its side or upside down (tesseract's
    orientation detection), turn it upright, straighten it again and read it again, keeping the better
    reading. Returns the reading, the image read, and how a point of that image maps back to ``image``."""
    png = _png(image)
    first = read(png)
    if confidence(first) >= _UPRIGHT_FROM:
        return first, image, _same
    turn = tesseract.quarter_turn(png)
    if not turn:
        return first, image, _same
    level, angle = straighten(image.rotate(-turn, expand=True))
    again = read(_png(level))
    if confidence(again) <= confidence(first):
        return first, image, _same

    def back(x: float, y: float) -> tuple[float, float]:
        if angle:
            x, y = unturn(x, y, angle, level.width, level.height)
        return unquarter(x, y, turn, image.width, image.height)

    return again, level, back


def _same(x: float, y: float) -> tuple[float, float]:
    return x, y


def _pack_of(text: str, tesseract: Tesseract, detect: Detect | None) -> str:
    """The installed pack for the language of ``text``: the detector's answer, else the main script's."""
    counts = Counter(lang for ch in text if (lang := letter_language(ch)) is not None)
    by_script = counts.most_common(1)[0][0] if counts else "en"
    detected = detect(text) if detect is not None else ""
    for language in (detected, by_script, "en"):
        pack = TESSERACT_CODES.get(language, "")
        if pack in tesseract.packs:
            return pack
    return sorted(tesseract.packs - {"osd"})[0]


def _from_tsv(tsv: str) -> tuple[str, float]:
    """Text and length-weighted mean confidence from tesseract's TSV."""
    blocks: list[list[list[str]]] = []
    last: tuple[int, int, int] | None = None
    weighted = 0.0
    letters = 0
    for word in _tsv_words(tsv):
        if last is None or word.line[0] != last[0]:
            blocks.append([])
        if last is None or word.line != last:
            blocks[-1].append([])
        blocks[-1][-1].append(word.text)
        last = word.line
        if word.conf >= 0:
            weighted += word.conf * len(word.text)
            letters += len(word.text)
    text = "\n\n".join("\n".join(" ".join(line) for line in block) for block in blocks)
    return text, (weighted / letters if letters else 0.0)


def _tsv_words(tsv: str) -> Iterator[OcrWord]:
    """The words of tesseract's TSV (its level 5 rows), in reading order."""
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        yield OcrWord(
            text=text,
            line=(int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            conf=float(row.get("conf") or 0),
            left=left,
            top=top,
            right=left + int(row["width"]),
            bottom=top + int(row["height"]),
        )


def page_words(path: Path, page: int, options: OcrOptions, language: str) -> tuple[list[OcrWord], int, int]:
    """The words of 1-based ``page`` of a PDF read by OCR as ingest reads them (same resolution and
    language pack), with the image's width and height in pixels; InputError when OCR is off, tesseract
    or the language's pack is missing, or the page cannot be read."""
    if not options.enabled:
        raise InputError("OCR is turned off")
    tesseract = Tesseract.find(options.command)
    if tesseract is None:
        raise InputError(f"no OCR: {install_hint(TESSERACT_CODES.get(language, 'eng'))}")
    pack = tesseract.pack_for(language or "en")
    images = _PageImages(path)
    try:
        if not 1 <= page <= images.count:
            raise InputError(f"page {page} is outside the document (1–{images.count})")
        image, angle = images.render(page)
    finally:
        images.close()
    words, _, upright = _upright(
        tesseract, image, lambda png: tesseract.read_words(png, pack), _words_confidence
    )

    def back(x: float, y: float) -> tuple[float, float]:  # onto the page as scanned
        x, y = upright(x, y)
        return unturn(x, y, angle, image.width, image.height) if angle else (x, y)

    return [_mapped(w, back) for w in words], image.width, image.height


def _words_confidence(words: list[OcrWord]) -> float:
    letters = sum(len(w.text) for w in words if w.conf >= 0)
    if sum(len(w.text) for w in words) < _MIN_TEXT or not letters:
        return 100.0  # too little to judge: as good as it gets
    return sum(w.conf * len(w.text) for w in words if w.conf >= 0) / letters


def _mapped(word: OcrWord, back: Callable[[float, float], tuple[float, float]]) -> OcrWord:
    corners = [back(x, y) for x in (word.left, word.right) for y in (word.top, word.bottom)]
    xs, ys = [round(x) for x, _ in corners], [round(y) for _, y in corners]
    return replace(word, left=min(xs), top=min(ys), right=max(xs), bottom=max(ys))


class _PageImages:
    """Pages of a PDF rendered as grey PNG images (pdfium: one thread renders, tesseract runs in parallel)."""

    def __init__(self, path: Path) -> None:
        import pypdfium2 as pdfium

        try:
            self._doc = pdfium.PdfDocument(str(path))
        except Exception as exc:  # pdfium raises PdfiumError with a reason
            raise InputError(f"cannot render the scanned pages for OCR: {exc}") from exc

    @property
    def count(self) -> int:
        return len(self._doc)

    def render(self, number: int) -> tuple[Any, float]:
        """The page as a grey PIL image, turned level (``deskew``), and the angle it was turned by."""
        try:
            image = self._doc[number - 1].render(scale=DPI / 72, grayscale=True).to_pil()
        except Exception as exc:
            raise InputError(f"cannot render page {number} for OCR: {exc}") from exc
        return straighten(image)

    def close(self) -> None:
        self._doc.close()


def _png(image: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()

"""Text read by OCR, kept beside the index's copy of the source file, so that a scan is read once.

A scanned page takes tesseract a second or more; without this, every new parser revision, and every
re-ingest after a metadata edit in the app, would read every scan again. The cache is one file per
source, ``<files dir>/<sha256>.ocr.json``, next to the kept copy ``<sha256>.pdf`` and deleted with it
(``ingest.service.drop_unused_copy``): it holds nothing the kept copy does not. Its key is everything
that decides what OCR reads: ctkb's OCR revision, the tesseract version and language packs, the OCR
language and the pages read; an entry made under another key is read again (and replaced).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.model import PageText

# Bump when a change to ctkb's OCR (rendering, straightening, turning, reading order, number repair)
# changes what a page reads: texts cached by an older revision are then read again.
OCR_REVISION = 1


@dataclass(frozen=True)
class OcrCache:
    """The cached OCR text of one source file (by its sha256) in ``folder``."""

    folder: Path
    sha256: str

    @property
    def file(self) -> Path:
        return self.folder / f"{self.sha256}.ocr.json"

    def get(self, key: dict[str, Any]) -> list[PageText] | None:
        """The pages read under ``key``; None when there are none (or the file is unreadable)."""
        found = self._load()
        return found[1] if found is not None and found[0] == key else None

    def kept(self) -> list[PageText] | None:
        """The pages kept, whatever they were read under: the text the indexed document was made from
        (each ingest that reads the file again replaces it)."""
        found = self._load()
        return found[1] if found is not None else None

    def _load(self) -> tuple[Any, list[PageText]] | None:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            pages = [
                PageText(int(n), str(text), ocr_confidence=None if conf is None else float(conf))
                for n, text, conf in data["pages"]
            ]
            return data.get("key"), pages
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, key: dict[str, Any], pages: list[PageText]) -> None:
        """Keep ``pages`` (written whole or not at all; a cache that cannot be written is skipped)."""
        rows = [[p.number, p.text, p.ocr_confidence] for p in pages]
        tmp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"key": key, "pages": rows}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.file)
        except OSError:
            tmp.unlink(missing_ok=True)


def cache_key(tesseract: Any, language: str | None, pages: list[int], dpi: int) -> dict[str, Any]:
    """What decides the text OCR reads from ``pages`` of one file."""
    return {
        "revision": OCR_REVISION,
        "tesseract": tesseract.version,
        "packs": sorted(tesseract.packs),
        "language": language or "",
        "pages": list(pages),
        "dpi": dpi,
    }

"""Explicit configuration, built once at an entry point (CLI, app) and passed down.

No module reads the environment on import; :meth:`Settings.from_env` is called by entry points only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.ocr import OcrOptions


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ctkb"


def _default_cache_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ctkb"


@dataclass(frozen=True)
class Settings:
    """Where the index lives, which model embeds, how long one file may take."""

    data_dir: Path
    cache_dir: Path
    model: str | None = None  # None = the offline multilingual-e5-small
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_path: str | None = None  # qdrant-client local mode (a folder), mainly for tests
    read_only: bool = False
    parse_timeout_s: float = 180.0
    # A new index gets latent terms where the model has them (CTKB_LATENT_TERMS=0: not).
    latent_terms: bool = True
    # Scanned PDFs are read by OCR when tesseract is installed (CTKB_OCR=0: refused instead).
    ocr: bool = True
    tesseract: str = "tesseract"  # the program (CTKB_TESSERACT), a name on PATH or a path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        timeout = env.get("CTKB_PARSE_TIMEOUT")
        settings = cls(
            data_dir=Path(env.get("CTKB_DATA_DIR") or _default_data_dir(env)),
            cache_dir=Path(env.get("CTKB_CACHE_DIR") or _default_cache_dir(env)),
            model=env.get("CTKB_MODEL") or None,
            qdrant_url=env.get("CTKB_QDRANT_URL") or None,
            qdrant_api_key=env.get("CTKB_QDRANT_API_KEY") or None,
            qdrant_path=env.get("CTKB_QDRANT_PATH") or None,
            read_only=env.get("CTKB_READ_ONLY", "").lower() in {"1", "true", "yes"},
            parse_timeout_s=float(timeout) if timeout else 180.0,
            latent_terms=env.get("CTKB_LATENT_TERMS", "").lower() not in {"0", "false", "no"},
            ocr=env.get("CTKB_OCR", "").lower() not in {"0", "false", "no"},
            tesseract=env.get("CTKB_TESSERACT") or "tesseract",
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("data_dir", "cache_dir"):
            if key in clean:
                clean[key] = Path(str(clean[key]))
        return replace(settings, **clean)  # type: ignore[arg-type]

    @property
    def ocr_options(self) -> OcrOptions:
        """OCR as settings say; texts read are kept beside the source copies (``ingest.ocr_cache``)."""
        return OcrOptions(enabled=self.ocr, command=self.tesseract, cache_dir=str(self.files_dir))

    @property
    def uses_server(self) -> bool:
        return bool(self.qdrant_url or self.qdrant_path)

    @property
    def files_dir(self) -> Path:
        """Copies of ingested source files (by sha256), so the app can show a cited page."""
        return self.data_dir / "files"

"""Shared fixtures. Real documents live in ../shared/corpus-real (not in the repo): tests that need
them skip with a clear reason when the folder is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.ocr import Tesseract

# Nothing may leave the machine, in tests either.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS_REAL = Path(os.environ.get("CTKB_CORPUS_REAL", REPO.parent / "shared" / "corpus-real"))


@pytest.fixture(scope="session")
def corpus_real() -> Path:
    """Folder of real third-party texts and PDFs; skip when absent."""
    if not CORPUS_REAL.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS_REAL} (set CTKB_CORPUS_REAL)")
    return CORPUS_REAL


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def tesseract() -> Tesseract:
    """The installed tesseract (Debian tesseract-ocr); skip when absent."""
    found = Tesseract.find()
    if found is None:
        pytest.skip("tesseract is not installed (Debian: tesseract-ocr; ./run.sh test installs it)")
    return found

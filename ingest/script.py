"""Which language a letter's script stands for when ctkb analyses text for BM25 (no heavy imports)."""

from __future__ import annotations

import unicodedata

_SCRIPTS = {"LATIN": "en", "CYRILLIC": "ru", "ARMENIAN": "hy", "GEORGIAN": "ka"}


def letter_language(ch: str) -> str | None:
    """The language a letter's script is analysed as (Latin → en, Cyrillic → ru, Armenian, Georgian);
    None for another script or a character that is not a letter."""
    return _SCRIPTS.get(unicodedata.name(ch, "").split(" ", 1)[0]) if ch.isalpha() else None

"""Embedding models: resolution and offline build (light), Haystack embedders (loaded on first use).

``from ingest.embedding import Embedder`` imports haystack only when that name is asked for, so the
chunker can take :func:`token_counter` without paying for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.embedding.models import (
    ModelSpec,
    load_sentence_transformer,
    pick_device,
    resolve_model,
    token_counter,
)
from ingest.embedding.offline import enforce_offline

if TYPE_CHECKING:
    from ingest.embedding.haystack import Embedder, document_embedder, text_embedder

_LAZY = frozenset({"Embedder", "document_embedder", "text_embedder"})

__all__ = [
    "Embedder",
    "ModelSpec",
    "document_embedder",
    "enforce_offline",
    "load_sentence_transformer",
    "pick_device",
    "resolve_model",
    "text_embedder",
    "token_counter",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ingest.embedding import haystack

        return getattr(haystack, name)
    raise AttributeError(f"module 'ingest.embedding' has no attribute {name!r}")

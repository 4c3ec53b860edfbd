"""Haystack embedders (sentence-transformers-haystack) configured from a :class:`ModelSpec`.

Prompts are applied as the components' ``prefix``, once, for every model alike; the model folders'
own ``prompts`` are never applied implicitly (no ``default_prompt_name``), so nothing doubles.
All components built here with the same device share one loaded model: sentence-transformers-haystack
caches its backends by their parameters, and :class:`Embedder` borrows that same backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from haystack.utils import ComponentDevice
from haystack_integrations.components.embedders.sentence_transformers import (
    SentenceTransformersDocumentEmbedder,
    SentenceTransformersTextEmbedder,
)

from ingest.embedding.models import ModelSpec, pick_device

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def _device(device: str | None) -> ComponentDevice:
    return ComponentDevice.from_str(pick_device(device))


def document_embedder(
    spec: ModelSpec,
    batch_size: int = 32,
    *,
    device: str | None = None,
    progress_bar: bool = False,
) -> SentenceTransformersDocumentEmbedder:
    """Embeds ``Document.content`` as passages (passage prompt, L2-normalised)."""
    return SentenceTransformersDocumentEmbedder(
        model=spec.path,
        device=_device(device),
        token=None,  # local files only: never resolve an HF token
        prefix=spec.passage_prompt,
        batch_size=batch_size,
        progress_bar=progress_bar,
        normalize_embeddings=True,
        local_files_only=True,
    )


def text_embedder(spec: ModelSpec, *, device: str | None = None) -> SentenceTransformersTextEmbedder:
    """Embeds one query string (query prompt, L2-normalised)."""
    return SentenceTransformersTextEmbedder(
        model=spec.path,
        device=_device(device),
        token=None,
        prefix=spec.query_prompt,
        progress_bar=False,
        normalize_embeddings=True,
        local_files_only=True,
    )


class Embedder:
    """Query and passage embeddings outside a pipeline (search, compare), one model per process.

    ``__init__`` is cheap; ``warm_up()`` loads the model (shared with the components above).
    """

    def __init__(self, spec: ModelSpec, *, device: str | None = None, batch_size: int = 32) -> None:
        self.spec = spec
        self.device = device
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None

    def warm_up(self) -> None:
        if self._model is None:
            component = text_embedder(self.spec, device=self.device)
            component.warm_up()
            assert component.embedding_backend is not None
            self._model = component.embedding_backend.model

    @property
    def model(self) -> SentenceTransformer:
        self.warm_up()
        assert self._model is not None
        return self._model

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.spec.dim), dtype=np.float32)
        vecs = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, passage prompt applied."""
        return self._encode([self.spec.passage_prompt + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised, query prompt applied (words of a lexicon, query terms)."""
        return self._encode([self.spec.query_prompt + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised, query prompt applied."""
        return self._encode([self.spec.query_prompt + text])[0]

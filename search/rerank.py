"""Optional cross-encoder reranking of the top hits; off unless a local model folder is configured.

No cross-encoder ships its weights on PyPI (``/work/shared/MODELS.md``), so ctkb never downloads one:
``CTKB_RERANKER=/path/to/cross-encoder`` (read by the entry points) turns it on.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.errors import ModelUnavailableError
from search.hits import Hit


class CrossEncoderReranker:
    """Re-scores (query, heading + text) pairs with a sentence-transformers ``CrossEncoder``."""

    def __init__(self, folder: str | Path, max_chars: int = 2000) -> None:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise ModelUnavailableError(f"reranker folder {str(path)!r} not found")
        self.path = path
        self.max_chars = max_chars
        self._model = None

    def warm_up(self) -> None:
        if self._model is None:
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(str(self.path), local_files_only=True)

    def __call__(self, query: str, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        self.warm_up()
        assert self._model is not None
        pairs = [(query, f"{h.heading}\n{h.text}"[: self.max_chars]) for h in hits]
        scores = self._model.predict(pairs)
        rescored = [replace(h, score=float(s)) for h, s in zip(hits, scores, strict=True)]
        return sorted(rescored, key=lambda h: h.score, reverse=True)

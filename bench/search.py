"""Search latency: p50/p95 per mode at 10k and 100k provisions, Qdrant Edge vs qdrant-client local mode.

    python bench/search.py            # 10k and 100k
    python bench/search.py --quick    # 2k and 10k, fewer queries
    python bench/search.py --sizes 100000 --queries 6 --local-in-memory   # local mode at 100k

qdrant-client local mode persists every write to SQLite (~19 points/s here), so at 100k its collection
is better built with ``--local-in-memory`` (``:memory:``): its queries run the same in-process code
either way (local mode always searches from memory), only the build skips the disk.

The real corpus (the eval index built by ``python -m search.tuning``, or built here) is scaled up by
copying its documents with perturbed dense vectors (Gaussian noise, cosine ≈ 0.93 to the original):
no text is embedded again. Sparse vectors are re-encoded from the stored text. The Edge shard is timed
as written and again after ``optimize()`` (what an ingest run does last: it builds the HNSW index). Timings:
* ``search``: ``SearchEngine.search`` (one fused query + grouping + snippets + citations) with the
  query vectors computed beforehand;
* ``e2e``: the same including query embedding (multilingual-e5-small on this CPU), latent terms and the
  cross-lingual lexicon lookup (the lexicons are built first and their build time printed);
* ``cold start``: a fresh ``ctkb search`` process (imports, model load, index open, one query).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.model import EmbeddedChunk  # noqa: E402
from ingest.sparse import Bm25Encoder  # noqa: E402
from ingest.store import DocumentIndex, open_index  # noqa: E402
from search.engine import MODES, SearchEngine, SearchRequest  # noqa: E402
from search.evaluation import GOLD_DIR, load_qrels  # noqa: E402
from search.lexicon import Lexicons  # noqa: E402
from search.testing import CORPUS_META, EVAL_CACHE, build_index, corpus_files  # noqa: E402

CORPUS = Path(os.environ.get("CTKB_CORPUS_REAL", ROOT.parent / "shared" / "corpus-real"))


class Precomputed:
    """Query vectors computed beforehand (dense, or dense + latent terms), so ``search`` timings exclude
    the model."""

    def __init__(self, vectors: dict[str, Any]) -> None:
        self.vectors = vectors

    def embed_query(self, text: str) -> Any:
        return self.vectors[text]

    encode_query = embed_query


def load_base(index: DocumentIndex) -> list[tuple[Any, int, list[EmbeddedChunk]]]:
    """(meta, provisions, embedded chunks) of every document of the eval index, vectors included."""
    bm25 = Bm25Encoder()
    docs = []
    for rec in index.documents():
        stored = index.chunks(rec.meta.doc_id)
        dense = index.vectors([s.point_id for s in stored])
        latent = index.latent_vectors([s.point_id for s in stored])
        sparse = bm25.encode_passages([s.chunk.text for s in stored], rec.meta.language or "en")
        chunks = [
            EmbeddedChunk(s.chunk, tuple(dense[s.point_id]), sp, latent.get(s.point_id))
            for s, sp in zip(stored, sparse, strict=True)
        ]
        docs.append((rec.meta, rec.provisions, chunks))
    return docs


def fill(
    index: DocumentIndex,
    base: list[tuple[Any, int, list[EmbeddedChunk]]],
    target: int,
    dim: int,
    model_id: str,
    latent_terms: bool,
) -> int:
    """Write copies of the base documents until ``target`` provisions; returns provisions written.

    Points are built by ``DocumentIndex.pending_points`` (the real payloads) and written already
    committed in large batches: the per-document replace protocol is not what is measured here.
    """
    from ingest.store import schema

    rng = np.random.default_rng(7)
    index.ensure(model_id, dim, latent_terms=latent_terms)
    written, copy = 0, 0
    batch: list[Any] = []
    while written < target:
        for meta, provisions, chunks in base:
            if written >= target:
                break
            noisy = []
            for ec in chunks:
                v = np.asarray(ec.dense, dtype=np.float32) + rng.normal(0, 0.02, dim).astype(np.float32)
                v /= np.linalg.norm(v)
                noisy.append(replace(ec, dense=tuple(float(x) for x in v)))
            m = meta if copy == 0 else meta.with_(doc_id=f"{meta.doc_id}-x{copy}", sha256=f"{copy}")
            for p in index.pending_points(m, provisions, noisy, run=f"bench-{copy}"):
                p.payload[schema.STATE] = schema.COMMITTED
                batch.append(p)
            if len(batch) >= 2048:
                index.backend.upsert(batch)
                batch = []
            written += provisions
        copy += 1
    if batch:
        index.backend.upsert(batch)
    index.flush()
    return written


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_searches(
    engine: SearchEngine, queries: list[str], mode: str, repeat: int, fresh: bool = False, warmup: int = 3
) -> list[float]:
    for q in queries[:warmup]:  # warm caches
        engine.search(SearchRequest(q, mode=mode))
    out = []
    for _ in range(repeat):
        for q in queries:
            if fresh:  # end-to-end: the query embedding and latent terms must really be computed
                engine._dense_cache.clear()
                engine._latent_cache.clear()
            t0 = time.perf_counter()
            engine.search(SearchRequest(q, mode=mode))
            out.append((time.perf_counter() - t0) * 1000)
    return out


def cold_start(data_dir: Path, cache_dir: Path) -> float | None:
    env = dict(os.environ, CTKB_DATA_DIR=str(data_dir), CTKB_CACHE_DIR=str(cache_dir), HF_HUB_OFFLINE="1")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "search",
            "forced labour for the benefit of private companies",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        print(
            f"  (cold start not measured: ctkb search exited {proc.returncode}: {proc.stderr.strip()[-200:]})"
        )
        return None
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2k and 10k provisions, fewer queries")
    ap.add_argument("--sizes", type=int, nargs="*", default=None)
    ap.add_argument("--work", type=Path, default=Path("/tmp/ctkb-bench"))
    ap.add_argument("--cache", type=Path, default=EVAL_CACHE)
    ap.add_argument(
        "--local-max",
        type=int,
        default=None,
        help="skip qdrant-client local mode above this many provisions (its writes are slow on 2 cores)",
    )
    ap.add_argument("--queries", type=int, default=None, help="number of gold queries to time")
    ap.add_argument(
        "--local-in-memory",
        action="store_true",
        help="build qdrant-client local mode in ':memory:' instead of a folder (same query path)",
    )
    ap.add_argument("--warmup", type=int, default=3, help="untimed queries per mode before timing")
    args = ap.parse_args(argv)
    sizes = args.sizes or ([2_000, 10_000] if args.quick else [10_000, 100_000])
    repeat = 1

    src = build_index(
        corpus_files(CORPUS, list(CORPUS_META)), args.cache / "en-e5-lt", cache_dir=args.cache / "cache"
    )
    rt = src.runtime
    info = rt.index.info()
    base = load_base(rt.index)
    embedder = rt.embedder
    queries = [q.query for q in load_qrels(GOLD_DIR / "gold.jsonl")]
    queries = queries[: args.queries or (20 if args.quick else 30)]
    t0 = time.perf_counter()
    qvecs = {q: embedder.embed_query(q) for q in queries}
    embed_ms = (time.perf_counter() - t0) / len(queries) * 1000
    latent = rt.latent_terms  # None: an index without latent terms
    t0 = time.perf_counter()
    qlatent = {q: latent.encode_query(q) for q in queries} if latent is not None else {}
    latent_ms = (time.perf_counter() - t0) / len(queries) * 1000
    print(
        f"base corpus: {len(base)} documents, {sum(p for _, p, _ in base)} provisions; "
        f"query embedding {embed_ms:.0f} ms/query (mean, {info.model_id}); "
        f"dense + latent terms in one pass {latent_ms:.0f} ms/query ({'on' if latent is not None else 'off'})"
    )
    src.close()

    rows: list[str] = []
    e2e: dict[str, list[float]] = {}
    for size in sizes:
        results: dict[str, dict[str, list[float]]] = {}
        backends = ("edge", "local") if args.local_max is None or size <= args.local_max else ("edge",)
        for backend in backends:
            folder = args.work / f"{backend}-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            label = backend
            if backend == "edge":
                index = open_index(folder)
            elif args.local_in_memory:
                index = open_index(qdrant_location=":memory:")
                label = "local (:memory:)"
            else:
                index = open_index(qdrant_path=str(folder / "qdrant"))
            t0 = time.perf_counter()
            n = fill(index, base, size, info.dim, info.model_id, info.latent_terms)
            print(
                f"{label:<5} {size:>7}: {n} provisions, {index.count_points()} points written in {time.perf_counter() - t0:.0f}s"
            )
            engine = SearchEngine(
                index, Precomputed(qvecs), Bm25Encoder(), latent=Precomputed(qlatent) if latent else None
            )
            if backend == "edge":  # as written, then as an ingest run leaves it (optimised)
                results["edge-raw"] = {
                    m: time_searches(engine, queries, m, repeat, warmup=args.warmup) for m in MODES
                }
                t0 = time.perf_counter()
                index.optimize()
                print(f"edge  {size:>7}: optimised (HNSW index built) in {time.perf_counter() - t0:.0f}s")
            results[backend] = {
                m: time_searches(engine, queries, m, repeat, warmup=args.warmup) for m in MODES
            }
            if backend == "edge" and size == sizes[-1]:
                lexicons = Lexicons(index, embedder, info.model_id, folder / "lexicon")
                t0 = time.perf_counter()
                built = lexicons.prepare()
                print(
                    f"lexicons ({', '.join(f'{x.language}: {len(x.words)} words' for x in built)}) "
                    f"built in {time.perf_counter() - t0:.0f}s (once per index change; kept on disk)"
                )
                real = SearchEngine(index, embedder, Bm25Encoder(), lexicons=lexicons, latent=latent)
                e2e = {m: time_searches(real, queries[:15], m, 1, fresh=True) for m in ("hybrid",)}
            index.close()
            shutil.rmtree(folder, ignore_errors=True)
        for mode in MODES:
            e, raw = results["edge"][mode], results["edge-raw"][mode]
            if "local" in results:
                l_ = results["local"][mode]
                local = f"{pct(l_, 50):7.1f} | {pct(l_, 95):7.1f} | {statistics.median(l_) / statistics.median(e):5.1f}×"
            else:
                local = "skipped | skipped | –"
            rows.append(
                f"| {size:>7,} | {mode:<8} | {pct(e, 50):7.1f} | {pct(e, 95):7.1f} | {pct(raw, 50):7.1f} | {local} |"
            )
            print(rows[-1], flush=True)
    print(
        "\n| provisions | mode | Edge p50 ms | Edge p95 ms | Edge p50 before optimize | local p50 ms "
        "| local p95 ms | local/Edge (p50) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    for mode, values in e2e.items():
        print(
            f"\nend-to-end incl. query embedding, Edge, {sizes[-1]:,} provisions, {mode}: "
            f"p50 {pct(values, 50):.0f} ms, p95 {pct(values, 95):.0f} ms"
        )
    cold = cold_start(args.cache / "en-e5-lt", args.cache / "cache")
    if cold is not None:
        print(f"cold start of `ctkb search` (new process, real corpus index): {cold:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``ctkb similar`` across languages: is a provision's translation the closest provision of another document?

    python bench/similar_languages.py

Five treaties of ../shared/corpus-real exist in English and in Dutch (``*_nl.txt``). All ten go into one
index (default model, under /tmp/ctkb-eval-cache). For every article of each, ``similar`` (hybrid, top 5
documents, 3 provisions each) should put the same article of the other language's version first: it says
the same thing. Printed for one query over the whole index (the baseline, ``by_language=False``) and for
one query per language merged (the default): how often the translation comes first, how often it is
among the results, what came first instead, and the time per call (each variant with its own engine, so
each embeds its queries itself).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.testing import EN_TREATIES, EVAL_CACHE, NL_TREATIES, build_index, corpus_files  # noqa: E402

CORPUS = Path(os.environ.get("CTKB_CORPUS_REAL", ROOT.parent / "shared" / "corpus-real"))


def main() -> int:
    if not CORPUS.is_dir():
        print(f"{CORPUS}: not found (set CTKB_CORPUS_REAL)")
        return 1
    files = corpus_files(CORPUS, NL_TREATIES) + corpus_files(CORPUS, EN_TREATIES)
    built = build_index(files, EVAL_CACHE / "both5-e5-lt", cache_dir=EVAL_CACHE / "cache")
    try:
        index = built.engine().index
        docs = sorted(r.meta.doc_id for r in index.documents())
        articles = {
            d: sorted(
                {
                    s.chunk.number
                    for s in index.chunks(d)
                    if s.chunk.number and "art_" in s.chunk.provision_id
                },
                key=lambda n: (len(n), n),
            )
            for d in docs
        }
        print(
            "| query | articles | translation first | translation in results | first instead | ms per call |"
        )
        print("|---|---|---|---|---|---|")
        for label, by_language in (("one over the index", False), ("one per language", True)):
            engine = built.engine()  # fresh caches: each variant embeds its queries itself
            engine.similar(docs[0], articles[docs[0]][0], by_language=by_language)  # warm-up
            first = found = total = 0
            instead: Counter[str] = Counter()
            t0 = time.perf_counter()
            for doc in docs:
                twin = doc.removesuffix("_nl") if doc.endswith("_nl") else f"{doc}_nl"
                for number in articles[doc]:
                    groups = engine.similar(doc, number, top_k=5, per_document=3, by_language=by_language)
                    hits = sorted((h for g in groups for h in g.hits), key=lambda h: -h.score)
                    total += 1
                    found += any(h.doc_id == twin and h.number == number for h in hits)
                    top = hits[0] if hits else None
                    if top is not None and top.doc_id == twin and top.number == number:
                        first += 1
                    elif top is not None:
                        same = top.doc_id.endswith("_nl") == doc.endswith("_nl")
                        instead[
                            "its translation's other article"
                            if top.doc_id == twin
                            else "same language"
                            if same
                            else "other language"
                        ] += 1
            ms = (time.perf_counter() - t0) * 1000 / max(total, 1)
            what = ", ".join(f"{k} {v}" for k, v in instead.most_common())
            print(f"| {label} | {total} | {first} ({first / total:.3f}) | {found} | {what} | {ms:.0f} |")
    finally:
        built.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

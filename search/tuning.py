"""The measured quality work behind the engine's defaults: ``python -m search.tuning``.

Builds (or reopens) the eval indexes under ``/tmp/ctkb-eval-cache`` with the default multilingual
model, then prints: every mode on the gold set (overall and per kind), fusion, prefetch, glossary and
lexicon variants, and the cross-lingual sets (``gold_nl.jsonl`` and the held-out
``gold_nl_holdout*.jsonl``) over the Dutch treaties, with and without the cross-lingual helpers, next
to the same questions over the English texts, and Georgian and Russian questions over the English texts.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

from search.engine import SearchEngine
from search.evaluation import GOLD_DIR, EvalReport, Qrel, evaluate, load_qrels
from search.filters import SearchFilters
from search.testing import (
    CORPUS_META,
    EN_TREATIES,
    EVAL_CACHE,
    NL_TREATIES,
    build_index,
    corpus_files,
    sample_files,
)

DEFAULT_CORPUS = Path(
    os.environ.get("CTKB_CORPUS_REAL", Path(__file__).resolve().parents[2] / "shared" / "corpus-real")
)


def _row(name: str, report: EvalReport, mode: str, kind: str | None = None) -> str:
    s = report.summary(mode, kind)
    return f"| {name} | {kind or 'all'} | {s.n} | {s.ndcg10:.3f} | {s.recall5:.3f} | {s.mrr10:.3f} |"


def _variants(engine: SearchEngine, qrels: list[Qrel]) -> list[str]:
    lines = ["| hybrid variant | subset | n | nDCG@10 | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    base = engine.options
    for name, opts in (
        ("rrf, prefetch 60 (default)", base),
        ("rrf, prefetch 20", replace(base, prefetch_limit=20)),
        ("rrf, prefetch 150", replace(base, prefetch_limit=150)),
        ("dbsf, prefetch 60", replace(base, fusion="dbsf")),
        ("dbsf, prefetch 150", replace(base, fusion="dbsf", prefetch_limit=150)),
        ("rrf, weights dense 1.0 / BM25 0.8", replace(base, rrf_weights=(1.0, 0.8))),
        ("rrf, no glossary", replace(base, expand_glossary=False)),
        ("rrf, no lexicon", replace(base, translate_lexicon=False)),
        ("rrf, lexicon weight 1.0", replace(base, lexicon_weight=1.0)),
        ("rrf, no latent terms", replace(base, latent_terms=False)),
        ("rrf, latent weight 0.5", replace(base, latent_weight=0.5)),
        ("rrf, latent weight 1.5", replace(base, latent_weight=1.5)),
    ):
        eng = engine.with_options(**opts.__dict__)
        rep = evaluate(eng, qrels, ("hybrid",))
        lines += [_row(name, rep, "hybrid"), _row(name, rep, "hybrid", "paraphrase")]
    return lines


def _sample_languages(engine: SearchEngine) -> dict[str, object]:
    """The sample corpus's Russian, Armenian and Azerbaijani documents: questions in their language
    (with the language filter and without) and in English (filtered to the three languages)."""
    out: dict[str, object] = {}
    native = load_qrels(GOLD_DIR / "gold_sample_langs.jsonl")
    for lang in ("ru", "hy", "az"):
        subset = [q for q in native if q.lang == lang]
        for label, flt in (
            (f"language = {lang}", SearchFilters(languages=(lang,))),
            ("no filter", SearchFilters()),
        ):
            rep = evaluate(engine, subset, filters=flt)
            print("\n".join(_mode_table(f"gold_sample_langs ({lang} over {lang}, {label})", rep)))
            out[f"gold_sample_langs {lang} ({label})"] = rep.as_json(verbose=True)
    english = load_qrels(GOLD_DIR / "gold_sample_langs_en.jsonl")
    rep = evaluate(engine, english, filters=SearchFilters(languages=("ru", "hy", "az")))
    print("\n".join(_mode_table("gold_sample_langs_en (English over ru/hy/az, language filter)", rep)))
    out["gold_sample_langs_en"] = rep.as_json(verbose=True)
    return out


def _mode_table(name: str, report: EvalReport) -> list[str]:
    lines = [f"| {name}: mode | subset | n | nDCG@10 | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for mode in report.modes:
        for kind in [None, *report.kinds()]:
            lines.append(_row(mode, report, mode, kind))
    return lines


def _english_twin(q: Qrel) -> Qrel:
    """The same question judged on the English original (same article numbers)."""
    return Qrel(q.id, q.query, {k.replace("_nl:", ":"): g for k, g in q.rel.items()}, q.kind, q.lang)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--model", default=None, help="embedding model (default: multilingual-e5-small)")
    ap.add_argument("--cache", type=Path, default=EVAL_CACHE)
    ap.add_argument("--skip-variants", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the reports as JSON here")
    args = ap.parse_args(argv)
    # "-lt": indexes built with latent terms (an index keeps what it was created with)
    tag = (args.model or "e5").replace("/", "_") + "-lt"
    out: dict[str, object] = {}

    t0 = time.perf_counter()
    en = build_index(
        corpus_files(args.corpus, list(CORPUS_META)) + sample_files(Path(__file__).resolve().parents[1]),
        args.cache / f"en-{tag}",
        model=args.model,
        cache_dir=args.cache / "cache",
    )
    print(f"# English index ready in {time.perf_counter() - t0:.0f}s")
    gold = load_qrels(GOLD_DIR / "gold.jsonl")
    engine = en.engine()
    report = evaluate(engine, gold)
    print("\n".join(_mode_table("gold (English corpus)", report)))
    out["gold"] = report.as_json(verbose=True)
    held_out = evaluate(engine, load_qrels(GOLD_DIR / "gold_holdout.jsonl"))
    print("\n".join(_mode_table("gold_holdout (English corpus, written blind)", held_out)))
    out["gold_holdout"] = held_out.as_json(verbose=True)
    if not args.skip_variants:
        print("\n".join(_variants(engine, gold)))
    georgian = load_qrels(GOLD_DIR / "gold_ka_en.jsonl")
    only_ka = SearchFilters(languages=("ka",))
    for label, eng in (
        ("", engine),
        (", without the lexicon", engine.with_options(translate_lexicon=False)),
        (", without latent terms", engine.with_options(latent_terms=False)),
    ):
        rep = evaluate(eng, georgian, filters=only_ka)
        print("\n".join(_mode_table(f"gold_ka_en (English over Georgian, language = ka){label}", rep)))
        out[f"gold_ka_en{label}"] = rep.as_json(verbose=True)
    in_georgian = load_qrels(GOLD_DIR / "gold_ka.jsonl")
    for label, flt in (("language = ka", only_ka), ("no filter", SearchFilters())):
        rep = evaluate(engine, in_georgian, filters=flt)
        print("\n".join(_mode_table(f"gold_ka (Georgian over Georgian, {label})", rep)))
        out[f"gold_ka ({label})"] = rep.as_json(verbose=True)
        variant = evaluate(engine.with_options(latent_terms=False), in_georgian, ("hybrid",), filters=flt)
        print(_row(f"gold_ka ({label}): hybrid without latent terms", variant, "hybrid"))
    out.update(_sample_languages(engine))
    en.close()

    sets = {
        name: load_qrels(GOLD_DIR / f"{name}.jsonl")
        for name in (
            "gold_nl",
            "gold_nl_holdout",
            "gold_nl_holdout2",
            "gold_nl_holdout3",
            "gold_nl_holdout4",
            "gold_nl_holdout5",
            "gold_nl_holdout6",
            "gold_nl_holdout7",
            "gold_nl_holdout8",
            "gold_nl_holdout9",
            "gold_nl_holdout10",
            "gold_nl_holdout11",
            "gold_nl_holdout12",
            "gold_nl_holdout13",
        )
    }
    for name, stems, twin in (
        ("Dutch treaties", NL_TREATIES, False),
        ("English treaties", EN_TREATIES, True),
    ):
        t0 = time.perf_counter()
        built = build_index(
            corpus_files(args.corpus, stems),
            args.cache / f"{name.split()[0].lower()}5-{tag}",
            model=args.model,
            cache_dir=args.cache / "cache",
        )
        print(f"# {name} index in {time.perf_counter() - t0:.0f}s")
        engine = built.engine()
        for set_name, qrels in sets.items():
            rep = evaluate(engine, [_english_twin(q) for q in qrels] if twin else qrels)
            print("\n".join(_mode_table(f"{set_name} over {name}", rep)))
            out[f"{set_name} / {name}"] = rep.as_json(verbose=True)
            if not args.skip_variants:
                for label, opts in (
                    ("hybrid without latent terms", {"latent_terms": False}),
                    ("hybrid without the lexicon", {"translate_lexicon": False}),
                    (
                        "hybrid without glossary or lexicon",
                        {"translate_lexicon": False, "expand_glossary": False},
                    ),
                ):
                    if twin and "latent" not in label:
                        continue
                    qs = [_english_twin(q) for q in qrels] if twin else qrels
                    variant = evaluate(engine.with_options(**opts), qs, ("hybrid",))
                    print(_row(f"{set_name}: {label}", variant, "hybrid"))
        if twin:  # Georgian, Russian, Armenian and Azerbaijani questions over the English texts
            for set_name in ("gold_ka_over_en", "gold_ru_over_en", "gold_hy_over_en", "gold_az_over_en"):
                qrels = load_qrels(GOLD_DIR / f"{set_name}.jsonl")
                rep = evaluate(engine, qrels)
                print("\n".join(_mode_table(f"{set_name} over {name}", rep)))
                out[f"{set_name} / {name}"] = rep.as_json(verbose=True)
                for label, opts in (
                    ("hybrid without the lexicon", {"translate_lexicon": False}),
                    ("hybrid without latent terms", {"latent_terms": False}),
                ):
                    variant = evaluate(engine.with_options(**opts), qrels, ("hybrid",))
                    print(_row(f"{set_name}: {label}", variant, "hybrid"))
        # Dutch questions over each, read as Dutch and (as before 2026-12-04) as English
        qrels = load_qrels(GOLD_DIR / "gold_nl_in_nl.jsonl")
        if twin:
            qrels = [_english_twin(q) for q in qrels]
        for label, eng in (("", engine), (", read as English", engine.with_options(detect_language=False))):
            rep = evaluate(eng, qrels)
            print("\n".join(_mode_table(f"gold_nl_in_nl over {name}{label}", rep)))
            out[f"gold_nl_in_nl / {name}{label}"] = rep.as_json(verbose=True)
        built.close()
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

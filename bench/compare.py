"""Draft comparison benchmark: align two ~200-provision documents (model load excluded).

    python bench/compare.py                 # all-MiniLM-L6-v2, 3 seeds
    python bench/compare.py --model default # multilingual-e5-small (slower embedding)
    python bench/compare.py --no-embed      # text similarity only
    python bench/compare.py --languages     # across languages: five treaties, English against Dutch

The left document is the articles/sections of seven real instruments from ../shared/corpus-real, long ones
cut at a paragraph until there are 200 provisions; the right one is a seeded edit of it
(tests/editgen.py: insertions, deletions, light/heavy rewording, moves, splits, merges, renumbering).
Reported: embedding time (separately), alignment time (``compare_provisions`` with the vectors given:
scores, assignment, split/merge detection, flags, redlines), the same for a naive number-matching
baseline in the same run, and the quality of both against the truth.

``--languages`` measures alignment across languages instead: each of the five treaties held in English and
Dutch against its translation with seeded structural edits (insertions from another treaty's translation,
deletions, a move, splits, merges, renumbering; no rewording), in both directions, with
multilingual-e5-small. The baseline pairs provisions by number, as above. Then the same translations
with a sixth of their articles cut by a third of their sentences and nothing else changed: how many of
the pairs marked "modified" were cut (precision), and how many cut ones were marked (recall).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.model import Provision  # noqa: E402
from search.compare import Comparison, Pair, compare_provisions, embed_text, summarise  # noqa: E402
from search.diff import normalise, word_diff  # noqa: E402
from tests.editgen import (  # noqa: E402
    CachingEmbedder,
    load_units,
    make_version,
    modified_counts,
    real_embedder,
    score,
)

CORPUS = Path(os.environ.get("CTKB_CORPUS_REAL", ROOT.parent / "shared" / "corpus-real"))
TEXTS = [
    "coe_cets197_convention_2005",
    "us_22usc_ch78_tvpa",
    "us_18usc_ch77_peonage_slavery_trafficking",
    "ilo_c029_forced_labour_convention_1930",
    "un_palermo_protocol_2000",
    "un_smuggling_of_migrants_protocol_2000",
    "un_supplementary_slavery_convention_1956",
]


def build_left(n: int = 200) -> list[Provision]:
    units: list[Provision] = []
    for k, name in enumerate(TEXTS):
        units += load_units(CORPUS / f"{name}.txt", prefix=f"d{k}_")
    while len(units) < n:  # cut the longest multi-paragraph provision in two
        k = max((i for i, u in enumerate(units) if "\n" in u.text), key=lambda i: len(units[i].text))
        u = units[k]
        paras = u.text.split("\n")
        half = len(paras) // 2
        a = replace(u, id=u.id + "a", text="\n".join(paras[:half]))
        b = replace(u, id=u.id + "b", heading="", text="\n".join(paras[half:]))
        units[k : k + 1] = [a, b]
    units = units[:n]
    return [replace(u, number=str(i + 1), label=f"Article {i + 1}") for i, u in enumerate(units)]


def number_baseline(left: list[Provision], right: list[Provision]) -> Comparison:
    """What a bill-diff tool does: pair provisions by number, then compare texts."""
    by_number = {p.number: p for p in right}
    pairs: list[Pair] = []
    used: set[str] = set()
    for lp in left:
        rp = by_number.get(lp.number)
        if rp is None:
            pairs.append(Pair(lp, None, "removed"))
            continue
        used.add(rp.number)
        same = normalise(lp.text) == normalise(rp.text) and normalise(lp.heading) == normalise(rp.heading)
        pairs.append(
            Pair(
                lp, rp, "unchanged" if same else "modified", diff=() if same else word_diff(lp.text, rp.text)
            )
        )
    pairs += [Pair(None, rp, "added") for rp in right if rp.number not in used]
    return Comparison(left_meta=None, right_meta=None, pairs=tuple(pairs), summary=summarise(pairs))  # type: ignore[arg-type]


PARALLEL = [
    "un_palermo_protocol_2000",
    "ilo_c029_forced_labour_convention_1930",
    "coe_cets197_convention_2005",
    "un_smuggling_of_migrants_protocol_2000",
    "un_supplementary_slavery_convention_1956",
]
CROSS_EDITS = frozenset({"insert", "delete", "move", "split", "merge"})


def cuts(emb: CachingEmbedder, seeds: range) -> dict[str, float]:
    """Across languages, English against its Dutch translation with a sixth of the articles cut by a
    third of their sentences (nothing else changed): precision and recall of "modified"."""
    tp = fp = fn = 0
    for name in PARALLEL:
        en = load_units(CORPUS / f"{name}.txt", "en_")
        nl = load_units(CORPUS / f"{name}_nl.txt", "nl_")
        lv = emb.embed_passages([embed_text(p) for p in en])
        for seed in seeds:
            right, truth = make_version(en, seed, translation=nl, kinds=frozenset({"cut"}), word="Artikel")
            c = compare_provisions(en, right, lv, emb.embed_passages([embed_text(p) for p in right]))
            a, b, d = modified_counts(c, en, right, truth)
            tp, fp, fn = tp + a, fp + b, fn + d
    return {
        "cut": tp + fn,
        "flagged": tp + fp,
        "precision": round(tp / max(tp + fp, 1), 3),
        "recall": round(tp / max(tp + fn, 1), 3),
    }


def languages(emb: CachingEmbedder, seeds: range) -> dict[str, dict[str, dict[str, float]]]:
    """Mean pair F1, added/removed F1 and status accuracy per direction, ours and the baseline."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for direction in ("en->nl", "nl->en"):
        scores: dict[str, list[dict[str, float]]] = {"ours": [], "baseline": []}
        for k, name in enumerate(PARALLEL):
            en = load_units(CORPUS / f"{name}.txt", "en_")
            nl = load_units(CORPUS / f"{name}_nl.txt", "nl_")
            other = PARALLEL[(k + 1) % len(PARALLEL)]
            left, translation = (en, nl) if direction == "en->nl" else (nl, en)
            donors = load_units(CORPUS / (f"{other}_nl.txt" if direction == "en->nl" else f"{other}.txt"))
            word = "Artikel" if direction == "en->nl" else "Article"
            lv = emb.embed_passages([embed_text(p) for p in left])
            for seed in seeds:
                right, truth = make_version(
                    left, seed, donors, translation=translation, word=word, kinds=CROSS_EDITS
                )
                rv = emb.embed_passages([embed_text(p) for p in right])
                ours = compare_provisions(left, right, lv, rv, cross_language=True)
                scores["ours"].append(score(ours, left, right, truth))
                scores["baseline"].append(score(number_baseline(left, right), left, right, truth))
        out[direction] = {
            key: {m: round(sum(r[m] for r in rs) / len(rs), 3) for m in rs[0]} for key, rs in scores.items()
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="minilm", help="minilm (default) or default (multilingual-e5-small)")
    ap.add_argument("--no-embed", action="store_true", help="text similarity only")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--languages", action="store_true", help="across languages (English and Dutch treaties)")
    args = ap.parse_args()
    if args.languages:
        emb = real_embedder(None)  # multilingual-e5-small, loaded once for both measurements
        table = languages(emb, range(1, args.seeds + 1))
        cut = cuts(emb, range(1, args.seeds + 1))
        if args.json:
            print(json.dumps({"structural": table, "cuts": cut}, indent=1))
            return
        print(f"{len(PARALLEL)} treaties x {args.seeds} seeds; pair F1 / added-removed F1 / status accuracy")
        for direction, rows in table.items():
            for key, m in rows.items():
                print(f"{direction}  {key:8}  " + " / ".join(f"{v:.3f}" for v in m.values()))
        print(
            f"articles cut by a third (en->nl): {cut['cut']}, flagged modified {cut['flagged']}, "
            f"precision {cut['precision']:.3f}, recall {cut['recall']:.3f}"
        )
        return

    left = build_left()
    donors = load_units(CORPUS / "un_palermo_protocol_2000_nl.txt")  # never in the left document
    emb = None
    load_s = 0.0
    if not args.no_embed:
        t = time.perf_counter()
        emb = real_embedder(None if args.model == "default" else args.model)
        load_s = time.perf_counter() - t
    rows = []
    for seed in range(1, args.seeds + 1):
        right, truth = make_version(left, seed, [replace(d, text=f"{d.text}\n(new matter)") for d in donors])
        lv = rv = None
        t = time.perf_counter()
        if emb is not None:
            lv = emb.embed_passages([embed_text(p) for p in left])
            rv = emb.embed_passages([embed_text(p) for p in right])
        embed_s = time.perf_counter() - t
        t = time.perf_counter()
        ours = compare_provisions(left, right, lv, rv)
        align_s = time.perf_counter() - t
        t = time.perf_counter()
        base = number_baseline(left, right)
        base_s = time.perf_counter() - t
        rows.append(
            {
                "seed": seed,
                "left": len(left),
                "right": len(right),
                "embed_s": round(embed_s, 2),
                "align_s": round(align_s, 3),
                "baseline_s": round(base_s, 3),
                "ratio": round(align_s / base_s, 1) if base_s else None,
                "ours": {k: round(v, 3) for k, v in score(ours, left, right, truth).items()},
                "baseline": {k: round(v, 3) for k, v in score(base, left, right, truth).items()},
            }
        )
    out = {
        "model": None if args.no_embed else args.model,
        "model_load_s": round(load_s, 1),
        "runs": rows,
        "load_avg": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"model {out['model']} (load {load_s:.1f}s, excluded); load average {out['load_avg']:.1f}")
    for r in rows:
        print(
            f"seed {r['seed']}: {r['left']}x{r['right']} provisions  embed {r['embed_s']}s  align {r['align_s']}s  "
            f"number-baseline {r['baseline_s']}s (x{r['ratio']})  ours {r['ours']}  baseline {r['baseline']}"
        )


if __name__ == "__main__":
    main()

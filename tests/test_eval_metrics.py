"""Metrics with hand-computed values."""

from __future__ import annotations

import math

import pytest

from search.metrics import mrr_at, ndcg_at, recall_at

REL = {"a": 2, "b": 1, "c": 2}


@pytest.mark.parametrize(
    ("ranked", "expected"),
    [
        (["a", "c", "b"], 1.0),  # ideal order
        # gains 1,3,3 vs ideal 3,3,1: (1 + 3/log2 3 + 3/2) / (3 + 3/log2 3 + 1/2)
        (["b", "a", "c"], (1 + 3 / math.log2(3) + 1.5) / (3 + 3 / math.log2(3) + 0.5)),
        (["x", "y"], 0.0),
        (["a", "a", "c", "b"], 1.0),  # duplicates count once
    ],
)
def test_ndcg(ranked: list[str], expected: float) -> None:
    assert ndcg_at(ranked, REL) == pytest.approx(expected)


def test_ndcg_cutoff() -> None:
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    assert ndcg_at(ranked, REL, k=10) == 0.0


def test_recall_of_grade_2() -> None:
    assert recall_at(["a", "b", "x", "y", "z", "c"], REL, k=5) == 0.5
    assert recall_at(["b"], {"b": 1}, k=5) == 1.0  # nothing graded 2: vacuous


def test_mrr() -> None:
    assert mrr_at(["x", "b", "a"], REL) == 0.5
    assert mrr_at(["x"] * 3, REL) == 0.0


def test_load_qrels(tmp_path) -> None:
    from ingest.errors import InputError
    from search.evaluation import GOLD_DIR, load_qrels

    gold = load_qrels(GOLD_DIR / "gold.jsonl")
    assert len(gold) >= 60
    assert sum(q.kind == "paraphrase" for q in gold) >= len(gold) / 3 - 1
    assert all(max(q.rel.values()) == 2 for q in gold)  # every query has a primary answer
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "query": "q", "rel": {"a:1": 2}}\n{"id": "y"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2"):
        load_qrels(bad)


def test_every_gold_file_names_known_documents_and_real_articles(corpus_real) -> None:
    """Each shipped set: unique ids across files, a primary answer per query, and every judged
    provision exists in its source (``Artikel N`` in the Dutch treaty texts, for the Dutch sets)."""
    import re

    from search.evaluation import GOLD_DIR, load_qrels
    from search.testing import CORPUS_META, EN_TREATIES, NL_TREATIES

    known = (
        set(CORPUS_META) | set(NL_TREATIES) | {p.stem for p in (GOLD_DIR.parents[2] / "corpus").glob("*.pdf")}
    )
    ids: set[str] = set()
    files = sorted(GOLD_DIR.glob("*.jsonl"))
    assert {f.stem for f in files} >= {
        "gold",
        "gold_nl",
        "gold_nl_holdout",
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
        "gold_nl_in_nl",
        "gold_ka_en",
        "gold_ka",
        "gold_ka_over_en",
        "gold_ru_over_en",
        "gold_hy_over_en",
        "gold_az_over_en",
        "gold_sample_langs",
        "gold_sample_langs_en",
    }
    for f in files:
        for q in load_qrels(f):
            assert q.id not in ids, (f.name, q.id)
            ids.add(q.id)
            assert max(q.rel.values()) == 2, (f.name, q.id)
            for key in q.rel:
                stem, number = key.split(":")
                assert stem in known, (f.name, q.id, key)
                if stem.endswith("_nl"):
                    text = (corpus_real / f"{stem}.txt").read_text(encoding="utf-8")
                    assert re.search(rf"^Artikel {number}\s*$", text, re.M), (f.name, q.id, key)
                elif stem in EN_TREATIES and f.stem.endswith("_over_en"):
                    text = (corpus_real / f"{stem}.txt").read_text(encoding="utf-8")
                    assert re.search(rf"^Article {number}\b", text, re.M), (f.name, q.id, key)

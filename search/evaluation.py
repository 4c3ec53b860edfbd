"""``ctkb eval``: nDCG@10, Recall@5 of grade-2 provisions and MRR@10 per search mode.

A qrels file has one JSON object a line: ``{"id", "query", "rel": {"<source-stem>:<number>": grade}}``
(optional ``kind``: keyword | natural | paraphrase, and ``lang``). Hits are keyed the same way
(:attr:`search.hits.Hit.key`), so judgments survive re-ingestion.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

from ingest.errors import InputError
from search.engine import MODES, SearchEngine, SearchRequest
from search.filters import SearchFilters
from search.metrics import mrr_at, ndcg_at, recall_at

GOLD_DIR = Path(__file__).parent / "data" / "gold"


@dataclass(frozen=True)
class Qrel:
    id: str
    query: str
    rel: dict[str, int]
    kind: str = ""
    lang: str = ""


@dataclass(frozen=True)
class QueryScore:
    id: str
    mode: str
    kind: str
    ndcg10: float
    recall5: float
    mrr10: float
    seconds: float
    ranked: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    n: int
    ndcg10: float
    recall5: float
    mrr10: float


@dataclass
class EvalReport:
    modes: tuple[str, ...]
    scores: list[QueryScore] = field(default_factory=list)

    def summary(self, mode: str, kind: str | None = None) -> Summary:
        rows = [s for s in self.scores if s.mode == mode and (kind is None or s.kind == kind)]
        if not rows:
            return Summary(0, 0.0, 0.0, 0.0)
        return Summary(
            len(rows),
            mean(r.ndcg10 for r in rows),
            mean(r.recall5 for r in rows),
            mean(r.mrr10 for r in rows),
        )

    def kinds(self) -> list[str]:
        return sorted({s.kind for s in self.scores if s.kind})

    def as_json(self, verbose: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"modes": {}}
        for mode in self.modes:
            entry: dict[str, Any] = {"all": _summary_json(self.summary(mode))}
            for kind in self.kinds():
                entry[kind] = _summary_json(self.summary(mode, kind))
            out["modes"][mode] = entry
        if verbose:
            out["queries"] = [
                {
                    "id": s.id,
                    "mode": s.mode,
                    "kind": s.kind,
                    "ndcg@10": round(s.ndcg10, 4),
                    "recall@5": round(s.recall5, 4),
                    "mrr@10": round(s.mrr10, 4),
                    "top": list(s.ranked[:5]),
                }
                for s in self.scores
            ]
        return out

    def table(self, verbose: bool = False) -> str:
        """A plain-text table: one row per mode (and per mode × kind)."""
        lines = [f"{'mode':<10} {'subset':<11} {'n':>3}  {'nDCG@10':>7}  {'R@5(2)':>6}  {'MRR@10':>6}"]
        for mode in self.modes:
            for kind in [None, *self.kinds()]:
                s = self.summary(mode, kind)
                label = kind or "all"
                lines.append(
                    f"{mode:<10} {label:<11} {s.n:>3}  {s.ndcg10:>7.3f}  {s.recall5:>6.3f}  {s.mrr10:>6.3f}"
                )
        if verbose:
            lines.append("")
            for q in self.scores:
                lines.append(
                    f"{q.id:<8} {q.mode:<9} nDCG={q.ndcg10:.3f} R@5={q.recall5:.2f} MRR={q.mrr10:.2f}  "
                    f"top: {', '.join(q.ranked[:3])}"
                )
        return "\n".join(lines)


def _summary_json(s: Summary) -> dict[str, Any]:
    return {
        "n": s.n,
        "ndcg@10": round(s.ndcg10, 4),
        "recall@5": round(s.recall5, 4),
        "mrr@10": round(s.mrr10, 4),
    }


def load_qrels(path: Path) -> list[Qrel]:
    """Read a qrels JSONL file; a malformed line is an error naming the file and line."""
    out: list[Qrel] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read qrels ({exc.strerror})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            rel = {str(k): int(v) for k, v in obj["rel"].items()}
            out.append(
                Qrel(str(obj.get("id", n)), str(obj["query"]), rel, obj.get("kind", ""), obj.get("lang", ""))
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not a qrels line ({exc})") from exc
    if not out:
        raise InputError(f"{path}: no queries")
    return out


def evaluate(
    engine: SearchEngine,
    qrels: Sequence[Qrel],
    modes: Iterable[str] = MODES,
    *,
    filters: SearchFilters | None = None,
    k: int = 10,
) -> EvalReport:
    """Run every query in every mode and score the provision rankings."""
    modes = tuple(modes)
    report = EvalReport(modes)
    for mode in modes:
        for q in qrels:
            t0 = time.perf_counter()
            result = engine.search(
                SearchRequest(q.query, top_k=k, mode=mode, filters=filters or SearchFilters())
            )
            seconds = time.perf_counter() - t0
            ranked = tuple(h.key for h in result.hits)
            report.scores.append(
                QueryScore(
                    q.id,
                    mode,
                    q.kind,
                    ndcg_at(ranked, q.rel, k),
                    recall_at(ranked, q.rel, 5),
                    mrr_at(ranked, q.rel, k),
                    seconds,
                    ranked,
                )
            )
    return report

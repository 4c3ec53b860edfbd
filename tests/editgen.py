"""Seeded edits of real legal texts with recorded truth, for alignment tests and the benchmark.

``make_version(units, seed, donors)`` applies insertions, deletions, light and heavy rewording, a move,
splits, merges, formatting-only changes and a final renumbering (and, when asked, cuts: a third of an
article's sentences dropped, which works on a translation too), and returns the new provisions with the
truth: which left provision(s) each right provision came from and the expected status.
``units_from_text`` is a tiny test-only splitter for the clean treaty/statute texts of the real corpus,
used until ``ingest.structure.parse_document`` can be relied on for them.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.model import Provision

_UNIT = re.compile(r"^(?:(Article|Artikel|ARTICLE)\s+(\d+[a-z]?)\s*$|§\s*(\d+[a-z]?)\.\s*(.*)$)")
_CONTAINER = re.compile(r"^(?:CHAPTER|Chapter|HOOFDSTUK|Hoofdstuk|PART|Part|Titel|TITEL)\b.*$|^[IVXL]+$")


def units_from_text(text: str, prefix: str = "") -> list[Provision]:
    """Article/section units of a clean text (headings: the first short line after the number)."""
    units: list[Provision] = []
    lines = [ln.rstrip() for ln in text.replace("\f", "\n").splitlines()]
    cur: dict[str, object] | None = None
    skip_title = False
    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        m = _UNIT.match(s)
        if m:
            if cur is not None:
                units.append(_unit(cur, prefix))
            word = m.group(1) or "§"
            num = m.group(2) or m.group(3)
            cur = {
                "num": num,
                "word": word,
                "heading": (m.group(4) or "").strip(),
                "body": [],
                "want_heading": not m.group(3),
            }
            continue
        if _CONTAINER.match(s):
            skip_title = True
            continue
        if skip_title:
            skip_title = False
            if len(s) < 120 and not s.endswith((".", ":", ";")):
                continue
        if cur is None:
            continue
        body = cur["body"]
        assert isinstance(body, list)
        if (
            cur["want_heading"]
            and not body
            and len(s) < 150
            and not s.endswith((".", ":", ";", ","))
            and not re.match(r"^(\d+\.|\(?[a-z0-9]\))", s)
        ):
            cur["heading"] = s
            cur["want_heading"] = False
            continue
        cur["want_heading"] = False
        body.append(s)
    if cur is not None:
        units.append(_unit(cur, prefix))
    return units


def _unit(cur: dict[str, object], prefix: str) -> Provision:
    num = str(cur["num"])
    word = str(cur["word"])
    label = f"§ {num}" if word == "§" else f"{word.capitalize()} {num}"
    body = cur["body"]
    assert isinstance(body, list)
    kind = "section" if word == "§" else "article"
    return Provision(
        id=f"{prefix}{kind[:3]}_{num}",
        kind=kind,
        number=num,
        label=label,
        heading=str(cur["heading"]),
        text="\n".join(body),
    )


def load_units(path: Path, prefix: str = "") -> list[Provision]:
    return units_from_text(path.read_text(encoding="utf-8"), prefix)


# --- edits -------------------------------------------------------------------------------------------

_LIGHT = [
    ("shall", "must"),
    ("persons", "individuals"),
    ("appropriate", "suitable"),
    ("measures", "steps"),
    ("ensure", "guarantee"),
    ("provide", "afford"),
    ("necessary", "required"),
    ("in accordance with", "in line with"),
    ("any", "every"),
    ("may", "can"),
]
_HEAVY_ADD = [
    "The competent ministry shall report on the implementation of this provision every two years.",
    "Such measures shall be reviewed periodically in consultation with civil society organisations.",
    "This obligation applies without prejudice to the rights of victims under national law.",
]


@dataclass
class Item:
    origins: tuple[int, ...]  # left indices this right provision comes from (empty: inserted)
    heading: str
    text: str
    edited: str = ""  # "", light, heavy, split, merge, format, insert
    translated: bool = False


@dataclass(frozen=True)
class Truth:
    pairs: frozenset[tuple[int, int]]  # (left index, right index); split/merge: one per part
    added: frozenset[int]
    removed: frozenset[int]
    status: dict[tuple[int, int], str] = field(default_factory=dict)  # for matched pairs
    splits: frozenset[tuple[int, int]] = frozenset()
    merges: frozenset[tuple[int, int]] = frozenset()


def _light(text: str, rng: random.Random) -> str:
    subs = [(a, b) for a, b in _LIGHT if re.search(rf"\b{a}\b", text)]
    rng.shuffle(subs)
    for a, b in subs[:3]:
        text = re.sub(rf"\b{a}\b", b, text, count=1)
    if not subs:
        text = text.rstrip(".") + ", as appropriate."
    return text


def _heavy(text: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    if len(sentences) > 2:
        drop = rng.sample(range(len(sentences)), k=len(sentences) // 3)
        sentences = [s for k, s in enumerate(sentences) if k not in drop]
    text = " ".join(sentences)
    for a, b in _LIGHT:
        text = re.sub(rf"\b{a}\b", b, text)
    return text + " " + rng.choice(_HEAVY_ADD)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;:])\s+", text)


def _cut(text: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    drop = set(rng.sample(range(len(sentences)), k=len(sentences) // 3))
    return " ".join(x for k, x in enumerate(sentences) if k not in drop)


def _format_only(text: str) -> str:
    t = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
    t = t.replace(", ", ",  ").replace(" - ", " \u2013 ")
    return t + "\n"


def _split_point(text: str) -> int | None:
    paras = text.split("\n")
    return len(paras) // 2 if len(paras) >= 2 else None


def make_version(
    units: Sequence[Provision],
    seed: int,
    donors: Sequence[Provision] = (),
    *,
    translation: Sequence[Provision] | None = None,
    reword: bool = True,
    word: str = "Article",
    kinds: frozenset[str] = frozenset({"split", "merge", "delete", "reword", "format", "move", "insert"}),
) -> tuple[list[Provision], Truth]:
    """A seeded second version of ``units`` (or of its parallel ``translation``) and the truth.

    ``kinds`` selects the edits; renumbering always happens (every right provision is numbered anew).
    """
    reword = reword and "reword" in kinds
    rng = random.Random(seed)
    base = translation if translation is not None else units
    items = [Item((k,), p.heading, p.text, translated=translation is not None) for k, p in enumerate(base)]
    n = len(items)
    per = max(1, n // 12)

    def pick(pred: object = None) -> int | None:
        cands = [
            k for k, it in enumerate(items) if not it.edited and len(it.origins) == 1 and len(it.text) > 40
        ]
        if pred is not None:
            cands = [k for k in cands if pred(items[k])]  # type: ignore[operator]
        return rng.choice(cands) if cands else None

    for _ in range(per if "split" in kinds else 0):  # splits first: they need multi-paragraph originals
        k = pick(lambda it: _split_point(it.text) is not None)
        if k is not None:
            it = items[k]
            cut = _split_point(it.text)
            paras = it.text.split("\n")
            a = Item(it.origins, it.heading, "\n".join(paras[:cut]), "split", it.translated)
            b = Item(it.origins, "", "\n".join(paras[cut:]), "split", it.translated)
            items[k : k + 1] = [a, b]
    for _ in range(per if "merge" in kinds else 0):
        cands = [
            k
            for k in range(len(items) - 1)
            if not items[k].edited
            and not items[k + 1].edited
            and len(items[k].origins) == 1
            and len(items[k + 1].origins) == 1
        ]
        if cands:
            k = rng.choice(cands)
            a, b = items[k], items[k + 1]
            items[k : k + 2] = [
                Item(a.origins + b.origins, a.heading, a.text + "\n" + b.text, "merge", a.translated)
            ]
    for _ in range(per if "delete" in kinds else 0):
        k = pick()
        if k is not None:
            del items[k]
    if reword:
        for _ in range(2 * per):
            k = pick()
            if k is not None:
                items[k].text, items[k].edited = _light(items[k].text, rng), "light"
        for _ in range(per):
            k = pick()
            if k is not None:
                items[k].text, items[k].edited = _heavy(items[k].text, rng), "heavy"
    for _ in range(per if "cut" in kinds else 0):  # a third of the sentences dropped (works in any language)
        k = pick(lambda it: len(_sentences(it.text)) >= 3)
        if k is not None:
            items[k].text, items[k].edited = _cut(items[k].text, rng), "cut"
    for _ in range(per if "format" in kinds else 0):
        k = pick(lambda it: '"' in it.text or ", " in it.text)
        if k is not None:
            items[k].text, items[k].edited = _format_only(items[k].text), "format"
    for _ in range(per if "move" in kinds else 0):
        k = pick()
        if k is not None and len(items) > 6:
            it = items.pop(k)
            dest = rng.choice([d for d in range(len(items) + 1) if abs(d - k) >= 3])
            items.insert(dest, it)
            if not it.edited:
                it.edited = "move"
    pool = list(donors)
    rng.shuffle(pool)
    for d in pool[: per if "insert" in kinds else 0]:
        items.insert(rng.randrange(len(items) + 1), Item((), d.heading, d.text, "insert"))
    right = [
        Provision(
            id=f"r_{k + 1}",
            kind="article",
            number=str(k + 1),
            label=f"{word} {k + 1}",
            heading=it.heading,
            text=it.text,
        )
        for k, it in enumerate(items)
    ]
    return right, _truth(units, items)


def _truth(units: Sequence[Provision], items: Sequence[Item]) -> Truth:
    pairs: set[tuple[int, int]] = set()
    status: dict[tuple[int, int], str] = {}
    splits: set[tuple[int, int]] = set()
    merges: set[tuple[int, int]] = set()
    added: set[int] = set()
    for j, it in enumerate(items):
        if not it.origins:
            added.add(j)
        for i in it.origins:
            pairs.add((i, j))
            same = it.edited in ("", "format", "move")
            status[(i, j)] = "unchanged" if same else "modified"
            if it.edited == "split":
                splits.add((i, j))
            if it.edited == "merge":
                merges.add((i, j))
    used = {i for i, _ in pairs}
    removed = {i for i in range(len(units)) if i not in used}
    return Truth(
        frozenset(pairs), frozenset(added), frozenset(removed), status, frozenset(splits), frozenset(merges)
    )


# --- scoring -----------------------------------------------------------------------------------------


def _f1(pred: set[object], gold: set[object]) -> float:
    if not pred and not gold:
        return 1.0
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def score(
    comparison: object, left: Sequence[Provision], right: Sequence[Provision], truth: Truth
) -> dict[str, float]:
    """Pair F1, added/removed F1 and status accuracy of a Comparison against the truth."""
    li = {p.id: k for k, p in enumerate(left)}
    ri = {p.id: k for k, p in enumerate(right)}
    pairs: set[object] = set()
    ar: set[object] = set()
    pred_status: dict[object, str] = {}
    for p in comparison.pairs:  # type: ignore[attr-defined]
        i = li[p.left.id] if p.left is not None else None
        j = ri[p.right.id] if p.right is not None else None
        if i is not None and j is not None:
            pairs.add((i, j))
            pred_status[(i, j)] = p.status
        elif j is not None:
            ar.add(("added", j))
            pred_status[("added", j)] = "added"
        elif i is not None:
            ar.add(("removed", i))
            pred_status[("removed", i)] = "removed"
    gold_ar = {("added", j) for j in truth.added} | {("removed", i) for i in truth.removed}
    gold_status: dict[object, str] = dict(truth.status)
    gold_status.update({k: str(k[0]) for k in gold_ar})
    correct = sum(pred_status.get(k) == v for k, v in gold_status.items())
    return {
        "pair_f1": _f1(pairs, set(truth.pairs)),
        "added_removed_f1": _f1(ar, gold_ar),
        "status_accuracy": correct / len(gold_status) if gold_status else 1.0,
    }


def modified_counts(
    comparison: object, left: Sequence[Provision], right: Sequence[Provision], truth: Truth
) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of the status "modified" over the paired rows."""
    li = {p.id: k for k, p in enumerate(left)}
    ri = {p.id: k for k, p in enumerate(right)}
    tp = fp = fn = 0
    for p in comparison.pairs:  # type: ignore[attr-defined]
        if p.left is None or p.right is None:
            continue
        changed = truth.status.get((li[p.left.id], ri[p.right.id])) == "modified"
        flagged = p.status == "modified"
        tp, fp, fn = (
            tp + (changed and flagged),
            fp + (flagged and not changed),
            fn + (changed and not flagged),
        )
    return tp, fp, fn


# --- real models, loaded once per process ----------------------------------------------------------


class CachingEmbedder:
    """Wraps ``ingest.embedding.Embedder``: each distinct passage is embedded once per process."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.cache: dict[str, object] = {}

    def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import numpy as np

        miss = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if miss:
            vecs = self.inner.embed_passages(miss)  # type: ignore[attr-defined]
            self.cache.update(zip(miss, vecs, strict=True))
        return np.stack([self.cache[t] for t in texts]) if texts else self.inner.embed_passages([])  # type: ignore[attr-defined]

    def embed_query(self, text: str):  # type: ignore[no-untyped-def]
        key = "\x00query\x00" + text
        if key not in self.cache:
            self.cache[key] = self.inner.embed_query(text)  # type: ignore[attr-defined]
        return self.cache[key]


@functools.lru_cache(maxsize=2)
def real_embedder(setting: str | None) -> CachingEmbedder:
    """ "minilm" (English) or None (offline multilingual-e5-small, built into a temporary cache)."""
    import atexit
    import os
    import shutil
    import tempfile

    from ingest.embedding import Embedder, resolve_model
    from ingest.embedding.offline import enforce_offline

    enforce_offline()
    cache_env = os.environ.get("CTKB_CACHE_DIR")
    if cache_env:
        cache = Path(cache_env)
    else:  # the rebuilt model is ~470 MB: removed when the test session ends
        cache = Path(tempfile.mkdtemp(prefix="ctkb-compare-"))
        atexit.register(shutil.rmtree, cache, True)
    emb = Embedder(resolve_model(setting, cache), device="cpu")
    emb.warm_up()
    return CachingEmbedder(emb)

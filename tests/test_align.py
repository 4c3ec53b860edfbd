"""Alignment on text alone (no model): small tables and Hypothesis invariants."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.model import Provision
from search.align import align_indices, skeleton, skeleton_similarity, vocabulary_overlap
from search.align import longest_nondecreasing as _longest_nondecreasing
from search.compare import compare_provisions

TEXTS = [
    "Each Party shall adopt legislative measures to establish trafficking in persons as a criminal offence.",
    "Victims shall receive safe housing, counselling, medical care and information in a language they understand.",
    "A victim may obtain a renewable residence permit where the competent authority considers it necessary.",
    "The State shall facilitate the return of victims with due regard for their safety and dignity.",
    "Law enforcement officials shall receive training on the identification of victims of trafficking.",
    "Information on recruitment methods and routes shall be exchanged between the competent authorities.",
]


def _art(n: int, text: str, heading: str = "") -> Provision:
    return Provision(
        id=f"art_{n}", kind="article", number=str(n), label=f"Article {n}", heading=heading, text=text
    )


def _doc(texts: list[str]) -> list[Provision]:
    return [_art(k + 1, t) for k, t in enumerate(texts)]


def test_insertion_renumbers_but_pairs_by_content() -> None:
    left = _doc(TEXTS)
    new = "Every person who uses the services of a victim knowing of the exploitation commits an offence."
    right = _doc([*TEXTS[:2], new, *TEXTS[2:]])
    c = compare_provisions(left, right, None, None)
    rows = [
        (p.left.number if p.left else None, p.right.number if p.right else None, p.status, p.renumbered)
        for p in c.pairs
    ]
    assert rows == [
        ("1", "1", "unchanged", False),
        ("2", "2", "unchanged", False),
        (None, "3", "added", False),
        ("3", "4", "unchanged", True),
        ("4", "5", "unchanged", True),
        ("5", "6", "unchanged", True),
        ("6", "7", "unchanged", True),
    ]


def test_deletion_is_listed_where_it_stood() -> None:
    c = compare_provisions(_doc(TEXTS), _doc([TEXTS[0], *TEXTS[2:]]), None, None)
    assert [(p.left.number if p.left else None, p.status) for p in c.pairs][:3] == [
        ("1", "unchanged"),
        ("2", "removed"),
        ("3", "unchanged"),
    ]
    assert c.summary["removed"] == 1 and c.summary["unchanged"] == 5


def test_move_flags_only_the_moved_provision() -> None:
    right = _doc([TEXTS[1], TEXTS[2], TEXTS[3], TEXTS[4], TEXTS[0], TEXTS[5]])
    c = compare_provisions(_doc(TEXTS), right, None, None)
    moved = [p.left.number for p in c.pairs if p.moved]
    assert moved == ["1"]
    assert all(p.status == "unchanged" for p in c.pairs)


def test_formatting_only_edit_is_unchanged_and_rewording_is_modified() -> None:
    right = list(_doc(TEXTS))
    right[0] = _art(1, TEXTS[0].replace("persons", "persons ").replace(" a ", "  a\n"))
    right[1] = _art(2, TEXTS[1].replace("safe housing", "safe and appropriate housing"))
    c = compare_provisions(_doc(TEXTS), right, None, None)
    assert [p.status for p in c.pairs][:3] == ["unchanged", "modified", "unchanged"]
    ops = c.pairs[1].diff
    assert [o.right for o in ops if o.op == "insert"] == ["and appropriate"]


def test_split_and_merge_are_detected() -> None:
    long_text = (
        TEXTS[1]
        + "\n"
        + "Assistance shall not be made conditional on the victim's willingness to act as a witness."
    )
    left = _doc([TEXTS[0], long_text, TEXTS[2], TEXTS[3], TEXTS[4], TEXTS[5]])
    part_a, part_b = long_text.split("\n")
    right = _doc([TEXTS[0], part_a, part_b, TEXTS[2] + "\n" + TEXTS[3], TEXTS[4], TEXTS[5]])
    c = compare_provisions(left, right, None, None)
    split = [(p.left.number, p.right.number) for p in c.pairs if p.split]
    merged = [(p.left.number, p.right.number) for p in c.pairs if p.merged]
    assert split == [("2", "2"), ("2", "3")]
    assert merged == [("3", "4"), ("4", "4")]
    assert c.summary["added"] == c.summary["removed"] == 0


def test_vocabulary_overlap_tells_languages_apart() -> None:
    nl = _doc(["Iedere Partij neemt de nodige wettelijke maatregelen om mensenhandel strafbaar te stellen."])
    assert vocabulary_overlap(_doc(TEXTS), _doc(TEXTS)) == 1.0
    assert vocabulary_overlap(_doc(TEXTS), nl) < 0.12


def test_skeleton_keeps_what_a_translation_keeps() -> None:
    english = (
        "1. Each Party shall, within 30 days:\na) inform the victim;\nb) refer the case under Article 12."
    )
    georgian = "1. თითოეული მხარე 30 დღის ვადაში:\nა) აცნობებს მსხვერპლს;\nბ) გადასცემს საქმეს მე-12 მუხლით."
    russian = "1. Каждая Сторона в течение 30 дней:\nа) информирует жертву;\nб) передаёт дело по статье 12."
    want = Counter({"1": 1, "30": 1, "12": 1, "item 1": 1, "item 2": 1, "paragraphs": 3})
    assert skeleton(english) == skeleton(georgian) == skeleton(russian) == want
    del want["1"]  # the paragraph's own number, renumbered when articles merge
    assert skeleton(english, paragraph_numbers=False) == skeleton(georgian, paragraph_numbers=False) == want
    other = _art(2, "Victims shall be informed of their rights in a language they understand.")
    sim = skeleton_similarity([_art(1, english), other], [_art(1, russian), _art(2, "Одна фраза.")])
    assert sim[0, 0] == 1.0 and sim[1, 1] == 1.0
    assert sim[0, 1] < 0.5 and sim[1, 0] < 0.5


def test_longest_nondecreasing() -> None:
    assert _longest_nondecreasing([0, 1, 5, 2, 3, 4]) == {0, 1, 3, 4, 5}
    assert _longest_nondecreasing([]) == set()
    assert len(_longest_nondecreasing([3, 3, 1, 2])) == 2


_WORDS = st.sampled_from(
    "victim trafficking state party shall measures protection person child labour exploitation court "
    "permit return assistance training border document offence penalty consent means act purpose".split()
)
_TEXT = st.lists(_WORDS, min_size=0, max_size=30).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=0, max_size=14))
def test_self_alignment_is_all_unchanged(texts: list[str]) -> None:
    doc = _doc(texts)
    c = compare_provisions(doc, doc, None, None)
    assert all(p.status == "unchanged" for p in c.pairs)
    assert len(c.pairs) == len(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=0, max_size=12), st.lists(_TEXT, min_size=0, max_size=12))
def test_every_provision_appears_once_per_side(a: list[str], b: list[str]) -> None:
    left, right = (
        _doc(a),
        [Provision(id=f"r{k}", kind="article", number=str(k), text=t) for k, t in enumerate(b)],
    )
    c = compare_provisions(left, right, None, None)
    lcount = Counter(p.left.id for p in c.pairs if p.left is not None)
    rcount = Counter(p.right.id for p in c.pairs if p.right is not None)
    assert set(lcount) == {p.id for p in left} and set(rcount) == {p.id for p in right}
    for p in c.pairs:
        if p.left is not None and lcount[p.left.id] > 1:
            assert p.split  # only a split shares a left provision
        if p.right is not None and rcount[p.right.id] > 1:
            assert p.merged  # only a merge shares a right provision
    m = align_indices(left, right)
    assert len({i for i, _ in m.pairs}) == len(m.pairs) == len({j for _, j in m.pairs})

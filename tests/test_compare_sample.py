"""Whole-document comparisons: the sample corpus drafts (known changes) and the real Sri Lanka acts.

Documents go through the real reader, cleaner and parser; the English model keeps the run short.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.model import DocumentMeta, LegalDocument
from search.compare import compare_documents
from search.coverage import coverage, load_checklist
from search.report import to_html, to_json
from tests.editgen import real_embedder

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def _parse(path: Path, **meta: object) -> LegalDocument:
    from ingest.clean import clean_pages
    from ingest.readers import read_pages
    from ingest.structure import parse_document

    return parse_document(
        clean_pages(read_pages(path)), DocumentMeta(doc_id=path.stem, title=path.stem, **meta)
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def drafts() -> tuple[LegalDocument, LegalDocument]:
    v1 = REPO / "corpus" / "veloria_ctip_law_draft_v1.pdf"
    v2 = REPO / "corpus" / "veloria_ctip_law_draft_v2.pdf"
    if not v1.is_file() or not v2.is_file():
        pytest.skip("sample corpus drafts not built")
    return _parse(v1, language="en", version="v1"), _parse(v2, language="en", version="v2")


def _num(n: object) -> str | None:
    return None if n is None else str(n)


def test_sample_drafts_show_every_intended_change_and_nothing_else(drafts) -> None:  # type: ignore[no-untyped-def]
    v1, v2 = drafts
    c = compare_documents(v1, v2, real_embedder("minilm"))
    changes = json.loads((REPO / "corpus" / "CHANGES_v1_v2.json").read_text(encoding="utf-8"))["changes"]
    truth = {(_num(x["v1"]), _num(x["v2"])): x for x in changes}
    # the untitled preamble/enacting block is not an article; CHANGES lists articles only
    got = {
        (p.left.number if p.left else None, p.right.number if p.right else None): p
        for p in c.pairs
        if not (p.left and not p.left.number) and not (p.right and not p.right.number)
    }
    assert set(got) == set(truth)
    for key, x in truth.items():
        p = got[key]
        assert p.status == x["change"], (key, x["note"])
        assert p.renumbered == x["renumbered"], key
        assert p.moved == x["moved"], key
        assert p.split == bool(x.get("split_into")), key
        assert p.merged == bool(x.get("merged_from")), key
    out = to_json(c)
    assert out["left"]["version"] == "v1" and len(out["pairs"]) == len(c.pairs)
    assert "<script" not in to_html(c)


def test_sample_draft_coverage_flags_the_omitted_obligations(drafts) -> None:  # type: ignore[no-untyped-def]
    """With the default multilingual model, as ``ctkb coverage`` runs it."""
    v1, v2 = drafts
    emb = real_embedder(None)
    coe1 = {i.item.id: i for i in coverage(v1, load_checklist("coe_convention"), emb).items}
    coe2 = {i.item.id: i for i in coverage(v2, load_checklist("coe_convention"), emb).items}
    for omitted in ("reflection_period", "residence_permit", "data_protection"):
        assert coe1[omitted].status == "missing", (omitted, coe1[omitted].score)
    assert (
        coe2["reflection_period"].status == "covered"
        and coe2["reflection_period"].matches[0].provision.number == "13"
    )
    assert (
        coe2["residence_permit"].status == "covered"
        and coe2["residence_permit"].matches[0].provision.number == "22"
    )
    assert coe2["data_protection"].status == "missing"
    proto1 = {i.item.id: i for i in coverage(v1, load_checklist("un_trafficking_protocol"), emb).items}
    assert proto1["residence_status"].status == "missing"  # the Protocol's Art. 7 is the one it lacks
    for present in (
        "criminalisation",
        "assistance",
        "compensation",
        "repatriation",
        "prevention",
        "training",
    ):
        assert proto1[present].status == "covered", present


# 2015 -> 2023 pairs checked by hand (headings and texts read side by side):
# s.1 short title; s.9 attempt/instigation (now also "abets", cites ss.14-22); s.11 the National Authority
# (now s.39, same two subsections); s.37 credibility of testimony (now s.97, near-identical); s.40
# public officers seconded to the Authority (now s.53); s.45 Sinhala text prevails (now s.105).
SRI_LANKA_PAIRS = [("1", "1"), ("9", "23"), ("11", "39"), ("37", "97"), ("40", "53"), ("45", "105")]


def test_sri_lanka_2015_act_against_its_2023_replacement(corpus_real: Path) -> None:
    old = corpus_real / "pdf" / "lk_victims_witnesses_protection_act4_2015.pdf"
    new = corpus_real / "pdf" / "lk_victims_witnesses_protection_act10_2023.pdf"
    c = compare_documents(_parse(old, language="en"), _parse(new, language="en"), real_embedder("minilm"))
    assert not c.cross_language
    pairs = {(p.left.number, p.right.number) for p in c.pairs if p.left and p.right}
    for pair in SRI_LANKA_PAIRS:
        assert pair in pairs, pair
    added = {p.right.number for p in c.pairs if p.status == "added" and p.right}
    assert "103" in added  # "Repeal and savings" is new in 2023
    assert c.summary["added"] > 40  # the 2023 Act has more than twice as many sections

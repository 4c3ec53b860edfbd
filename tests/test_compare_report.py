"""Renderers: the JSON shape of issue 4, escaping in HTML, Markdown and CSV (no model)."""

from __future__ import annotations

import csv
import io
import json

from ingest.model import DocumentMeta, LegalDocument, Provision
from search.compare import compare_documents, compare_provisions
from search.coverage import Checklist, ChecklistItem, coverage_from_vectors
from search.report import to_csv, to_html, to_json, to_markdown

A = "Each Party shall establish trafficking in persons as a criminal offence punishable by imprisonment."
B = "Victims shall receive safe housing, counselling and medical care in a language they understand."
C = "The competent authority shall issue a renewable residence permit to victims who cooperate."
EVIL = 'Article text with <script>alert("x")</script> & <b>tags</b> in it.'


def _p(n: str, text: str, heading: str = "", pages: tuple[int, int] = (1, 1)) -> Provision:
    return Provision(
        id=f"art_{n}",
        kind="article",
        number=n,
        label=f"Article {n}",
        heading=heading,
        text=text,
        page_start=pages[0],
        page_end=pages[1],
    )


def _comparison():  # type: ignore[no-untyped-def]
    left = [_p("1", A, "Criminalisation"), _p("2", B), _p("3", C)]
    right = [
        _p("1", A.replace("shall", "must"), "Criminalisation"),
        _p("2", EVIL, "<i>new</i>"),
        _p("3", B, pages=(2, 3)),
    ]
    return compare_provisions(
        left, right, None, None, DocumentMeta(doc_id="v1", title="Draft <v1>"), DocumentMeta(doc_id="v2")
    )


def test_json_shape_follows_issue_4() -> None:
    out = to_json(_comparison())
    json.dumps(out)  # serialisable
    assert set(out) >= {"left", "right", "pairs", "summary"}
    assert out["left"]["doc_id"] == "v1"
    pair = out["pairs"][0]
    assert set(pair) >= {
        "left",
        "right",
        "status",
        "renumbered",
        "moved",
        "similarity",
        "diff",
        "split",
        "merged",
    }
    assert set(pair["left"]) == {"number", "label", "heading", "text", "page_start"}
    assert pair["status"] == "modified"
    assert {"op": "replace", "left": "shall", "right": "must"} in pair["diff"]
    statuses = [p["status"] for p in out["pairs"]]
    assert statuses == ["modified", "added", "unchanged", "removed"]  # right order; removed where it stood
    assert out["pairs"][1]["left"] is None and out["pairs"][3]["right"] is None
    assert out["summary"]["added"] == 1 and out["summary"]["removed"] == 1


def test_html_escapes_document_text() -> None:
    html = to_html(_comparison())
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<i>new</i>" not in html and "Draft &lt;v1&gt;" in html
    assert "<del>shall</del>" in html and "<ins>must</ins>" in html
    assert "<td>Article 2, p. 1</td><td>Article 3, pp. 2–3</td>" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", "")  # no external assets


def test_markdown_and_csv() -> None:
    c = _comparison()
    md = to_markdown(c)
    # each side cited with where it is printed, as a memo quotes it
    assert "| Article 1, p. 1 (Criminalisation) | Article 1, p. 1 (Criminalisation) | modified |" in md
    assert "| Article 2, p. 1 | Article 3, pp. 2–3 | unchanged | renumbered |" in md
    assert "### Article 1, p. 1 (Criminalisation) → Article 1, p. 1 (Criminalisation)" in md
    assert "~~shall~~ **must**" in md
    assert "<script>" not in md
    rows = list(csv.reader(io.StringIO(to_csv(c))))
    assert rows[0][:5] == ["left_number", "left_heading", "right_number", "right_heading", "status"]
    assert rows[0][-3:] == ["left_pages", "right_pages", "changed_by"]
    assert [r[4] for r in rows[1:]] == ["modified", "added", "unchanged", "removed"]
    assert [r[-3:-1] for r in rows[1:]] == [["p. 1", "p. 1"], ["", "p. 1"], ["p. 1", "pp. 2–3"], ["p. 1", ""]]
    assert {r[-1] for r in rows[1:]} == {""}  # no tracked changes compared: nobody named
    assert "Changed by" not in md


def test_cross_language_report_has_no_word_diff() -> None:
    left = LegalDocument(DocumentMeta(doc_id="en", language="en"), (), (_p("1", A), _p("2", B)))
    right = LegalDocument(
        DocumentMeta(doc_id="nl", language="nl"),
        (),
        (
            _p("1", "Iedere Partij stelt mensenhandel strafbaar."),
            _p("2", "Slachtoffers krijgen veilige huisvesting."),
        ),
    )
    c = compare_documents(left, right, None)
    assert c.cross_language and all(p.diff == () for p in c.pairs)
    assert [(p.left.number, p.right.number) for p in c.pairs if p.left and p.right] == [
        ("1", "1"),
        ("2", "2"),
    ]
    assert "Different languages" in to_html(c)


def test_coverage_renderers() -> None:
    import numpy as np

    items = (
        ChecklistItem("crim", "Criminalisation <x>", "Art. 5"),
        ChecklistItem("permit", "Residence permit", "Art. 7"),
    )
    provs = [_p("1", A), _p("2", EVIL)]
    r = coverage_from_vectors(
        None,
        provs,
        Checklist("t", "Test", items),
        np.eye(2, 3, dtype=np.float32),
        np.eye(2, 3, dtype=np.float32),
    )
    out = to_json(r)
    assert [i["id"] for i in out["items"]] == ["crim", "permit"]
    assert set(out["items"][0]) >= {"status", "score", "matches", "article"}
    html = to_html(r)
    assert "<script>" not in html and "Criminalisation &lt;x&gt;" in html
    assert to_markdown(r).count("\n| ") == 3 and to_csv(r).startswith("item,")

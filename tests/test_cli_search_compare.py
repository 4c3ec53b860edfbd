"""The read-side commands end to end on the sample corpus (real PDFs, MiniLM, Qdrant Edge)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ui.cli import main

HIT_FIELDS = {
    "doc_id",
    "title",
    "source",
    "jurisdiction",
    "doc_type",
    "language",
    "year",
    "provision_id",
    "number",
    "label",
    "heading",
    "path",
    "page_start",
    "page_end",
    "score",
    "text",
    "snippet",
    "citation",
}


@pytest.fixture(scope="module")
def index_args(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> list[str]:
    data = tmp_path_factory.mktemp("cli-index")
    args = ["--data-dir", str(data), "--model", "minilm"]
    corpus = repo_root / "corpus"
    docs = ["veloria_ctip_law_draft_v1.pdf", "veloria_ctip_law_draft_v2.pdf", "veloria_nrm_sop.pdf"]
    assert main(["ingest", *[str(corpus / d) for d in docs], *args]) == 0
    return args


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> object:
    capsys.readouterr()
    assert main(argv) == code
    return json.loads(capsys.readouterr().out)


def test_search_json_shape_and_citation(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        [
            "search",
            "recovery and reflection period for presumed victims",
            "--top-k",
            "3",
            "--json",
            *index_args,
        ],
    )
    assert isinstance(out, dict) and out["query"].startswith("recovery")
    top = out["hits"][0]
    assert set(top) == HIT_FIELDS
    # Only draft v2 has the reflection period (Article 13, page 4): the manifest metadata is in the hit.
    assert (top["doc_id"], top["number"], top["label"], top["page_start"]) == (
        "veloria_ctip_law_draft_v2",
        "13",
        "Article 13",
        4,
    )
    assert top["jurisdiction"] == "Veloria"
    assert top["citation"].endswith("Art. 13, p. 4")
    assert top["snippet"]["marks"], "query terms are marked in the snippet"


def test_search_text_names_the_paragraph(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    argv = ["search", "recovery and reflection period for presumed victims", "--top-k", "1", *index_args]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    # draft v2, Article 13, paragraph 1 grants the period (the sample's source: corpus/src)
    assert lines[0].strip().endswith("Art. 13, p. 4")
    assert lines[1].strip().startswith("Article 13(1) – ")


def test_eval_takes_the_search_filters(
    index_args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gold = tmp_path / "gold.jsonl"
    rel = {"veloria_ctip_law_draft_v2:12": 2}
    gold.write_text(json.dumps({"id": "q1", "query": "Article 12", "rel": rel}) + "\n", encoding="utf-8")
    argv = ["eval", str(gold), "--mode", "hybrid", "--json", *index_args]
    only_v2 = _json(capsys, [*argv, "--doc", "veloria_ctip_law_draft_v2"])
    elsewhere = _json(capsys, [*argv, "--doc", "veloria_nrm_sop"])
    assert isinstance(only_v2, dict) and isinstance(elsewhere, dict)
    assert only_v2["modes"]["hybrid"]["all"]["mrr@10"] == 1.0
    assert elsewhere["modes"]["hybrid"]["all"]["ndcg@10"] == 0.0


def test_search_filters_and_reference(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["search", "Article 12", "--doc", "veloria_ctip_law_draft_v1", "--json", *index_args])
    assert isinstance(out, dict)
    assert {h["doc_id"] for h in out["hits"]} == {"veloria_ctip_law_draft_v1"}
    assert out["hits"][0]["label"] == "Article 12"  # the named provision comes first
    assert out["hits"][0]["heading"] == "National Referral Mechanism"
    none = _json(capsys, ["search", "shelter", "--jurisdiction", "Atlantis", "--json", *index_args])
    assert none == {"query": "shelter", "hits": []}


def test_compare_json_and_html(
    index_args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path, repo_root: Path
) -> None:
    import csv

    from pypdf import PdfReader

    html, table = tmp_path / "report.html", tmp_path / "crosswalk.csv"
    out = _json(
        capsys,
        [
            "compare",
            "veloria_ctip_law_draft_v1",
            "veloria_ctip_law_draft_v2",
            "--json",
            "--html",
            str(html),
            "--csv",
            str(table),
            *index_args,
        ],
    )
    assert isinstance(out, dict)
    pairs = out["pairs"]
    by_right = {p["right"]["number"]: p for p in pairs if p["right"]}
    assert by_right["13"]["status"] == "added"  # the new reflection-period article
    assert by_right["20"]["left"]["number"] == "13" and by_right["20"]["moved"]  # presumption of age moved
    removed = sorted(p["left"]["number"] for p in pairs if p["status"] == "removed")
    assert removed == ["10", "30"]
    assert out["summary"]["added"] == 3 and out["summary"]["removed"] == 2
    assert "<table" in html.read_text(encoding="utf-8")
    # Every side of the crosswalk names where it is printed: the first page given holds its heading.
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == len(pairs)
    for side, draft in (("left", "v1"), ("right", "v2")):
        pdf = PdfReader(repo_root / "corpus" / f"veloria_ctip_law_draft_{draft}.pdf")
        cited = [(r[f"{side}_number"], r[f"{side}_pages"]) for r in rows if r[f"{side}_number"]]
        assert cited and all(re.fullmatch(r"pp?\. \d+(–\d+)?", pages) for _, pages in cited), cited
        for number, pages in cited:
            first = int(re.findall(r"\d+", pages)[0])
            held = re.search(rf"Article {number}\b", pdf.pages[first - 1].extract_text())
            assert held, (draft, number, pages)


def test_coverage_flags_omitted_obligations(
    index_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _json(
        capsys,
        ["coverage", "veloria_ctip_law_draft_v1", "--against", "coe-convention", "--json", *index_args],
    )
    assert isinstance(out, dict)
    status = {item["title"]: item["status"] for item in out["items"]}
    # The three obligations draft v1 deliberately omits (corpus/README.md) ...
    for omitted in ("Recovery and reflection period", "Residence permit", "Private life and data protection"):
        assert status[omitted] == "missing", omitted
    # ... while obligations it does cover are found.
    assert status["Non-punishment of victims"] == "covered"
    assert status["Criminalisation of trafficking"] == "covered"


def test_coverage_report_cites_where_each_provision_is_printed(
    index_args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import csv

    table = tmp_path / "coverage.csv"
    argv = ["coverage", "veloria_ctip_law_draft_v1", "--against", "coe-convention", "--csv", str(table)]
    assert main([*argv, *index_args]) == 0
    rows = {r["item"]: r for r in csv.DictReader(table.open(encoding="utf-8"))}
    best = [r["best_provision"] for r in rows.values() if r["best_provision"]]
    # each best provision with its pages, and a pinpointed one with its paragraph's page: Article 2 runs
    # over pp. 1–2, its paragraph 1 is on p. 1
    assert best and all(re.match(r"^Article \d+\S*, pp?\. \d", b) for b in best), best
    assert "Article 2, pp. 1–2 (Definitions)" in best
    assert any(re.match(r"^Article 2\(1\)(\([a-z]\))?, p\. 1 \(Definitions\)$", b) for b in best), best


def test_unknown_document_is_one_line(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["compare", "no_such_doc", "veloria_ctip_law_draft_v2", *index_args]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "ctkb: error: 'no_such_doc' is neither a file nor a document id in the index (see `ctkb docs`)"
    ]


def test_an_article_unchanged_between_drafts_ranks_as_one(
    index_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Article 15 (Shelter) reads the same in draft v1 and v2: hybrid search gives both copies one score
    and puts them side by side, v1 first, in every index (before, RRF ranked them apart in an order that
    could change when the index was rebuilt)."""
    out = _json(capsys, ["search", "shelter for victims of trafficking", "--json", *index_args])
    hits = [(h["doc_id"], h["label"], h["score"]) for h in out["hits"]]  # type: ignore[index]
    at = [n for n, h in enumerate(hits) if h[1] == "Article 15"]
    assert [hits[n][0] for n in at] == ["veloria_ctip_law_draft_v1", "veloria_ctip_law_draft_v2"], hits
    assert at[1] == at[0] + 1 and hits[at[0]][2] == hits[at[1]][2]


def test_search_results_as_a_memos_list_of_sources(
    index_args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import csv

    md, table = tmp_path / "sources.md", tmp_path / "sources.csv"
    query = "recovery and reflection period for presumed victims"
    argv = ["search", query, "--top-k", "3", "--md", str(md), "--csv", str(table), "--doc-type", "draft_law"]
    capsys.readouterr()
    assert main([*argv, *index_args]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [f"wrote {md}", f"wrote {table}"]
    lines = md.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# Search: “{query}”"
    assert lines[2] == "hybrid search, 3 provisions; document type: draft\\_law"
    # the citation down to the paragraph, then that paragraph's words in full, as a quote
    assert lines[4].startswith("1. **") and lines[4].endswith(
        "(Draft v2), Art. 13(1), p. 4** – Recovery and reflection period"
    )
    assert lines[6].startswith("   > 1\\. ") and "reflection period" in lines[6]
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == 3
    first = rows[0]
    assert (
        first["rank"],
        first["provision"],
        first["paragraph"],
        first["page_start"],
        first["page_end"],
    ) == (
        "1",
        "Article 13",
        "(1)",
        "4",
        "4",
    )
    assert first["citation"].endswith("Art. 13(1), p. 4")
    assert first["quote"].startswith("1. ") and "reflection period" in first["quote"]
    # a file that cannot be written: one line naming it, nothing else written
    bad = tmp_path / "missing" / "sources.md"
    capsys.readouterr()
    assert main(["search", query, "--md", str(bad), *index_args]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("ctkb: ") and f"{bad}: cannot write report" in err and "\n" not in err

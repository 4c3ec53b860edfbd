"""End-to-end ingestion on the real stack: readers, parser, model (MiniLM for speed), Qdrant engines."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.config import Settings
from ingest.errors import ModelMismatchError
from ingest.runtime import Runtime
from ingest.service import file_sha256, ingest_paths
from tests.support.laws import LAW_V1, write_laws
from ui.cli import main

BACKENDS = ["edge", "server-local"]


def _settings(tmp_path: Path, backend: str, model: str | None = "minilm") -> Settings:
    extra = {"qdrant_path": str(tmp_path / "qdrant-local")} if backend == "server-local" else {}
    return Settings.from_env(
        {}, data_dir=tmp_path / "data", cache_dir=tmp_path.parent / "ctkb-cache", model=model, **extra
    )


def _cli_index_args(settings: Settings) -> list[str]:
    args = ["--data-dir", str(settings.data_dir)]
    if settings.model:
        args += ["--model", settings.model]
    if settings.qdrant_path:
        args += ["--qdrant-path", settings.qdrant_path]
    return args


@pytest.mark.parametrize("backend", BACKENDS)
def test_ingest_is_incremental(tmp_path: Path, backend: str) -> None:
    files = write_laws(tmp_path / "src")
    runtime = Runtime(_settings(tmp_path, backend))
    optimized: list[bool] = []  # what the real optimize() returned, one entry per call
    real_optimize = runtime.index.optimize
    runtime.index.optimize = lambda: optimized.append(real_optimize()) or optimized[-1]  # type: ignore[method-assign]
    try:
        first = ingest_paths(runtime, [tmp_path / "src"])
        assert len(optimized) == 1  # after a run that wrote something
        assert [(r.doc_id, r.status, r.provisions) for r in first] == [
            ("testland_guide", "added", 3),
            ("testland_law", "added", 6),
        ]
        points = runtime.index.count_points()
        chunks = [c for c in runtime.index.chunks("testland_law") if c.chunk.kind != "preamble"]
        assert runtime.index.chunks("testland_law")[0].chunk.kind == "preamble"  # the title block
        assert [c.chunk.number for c in chunks] == ["1", "2", "3", "4", "5", "6"]
        art5 = next(c.chunk for c in chunks if c.chunk.number == "5")
        assert art5.page_start == 2 and art5.heading == "Assistance to victims"
        assert "Chapter III" in " ".join(art5.path)

        # copies of files no document is (left by an older ctkb's removals, or a run stopped after
        # keeping a copy) are deleted by the next run with the embedded index, the others kept
        kept = _kept_copies(runtime.settings)
        stray = [runtime.settings.files_dir / f"{'ab' * 32}{suffix}" for suffix in (".pdf", ".ocr.json")]
        for f in stray:
            f.write_text("victim statement", encoding="utf-8")
        again = ingest_paths(runtime, [tmp_path / "src"])
        assert [r.status for r in again] == ["unchanged", "unchanged"]
        expected = kept if backend == "edge" else sorted([*kept, *(f.name for f in stray)])
        assert _kept_copies(runtime.settings) == expected
        for f in stray:
            f.unlink(missing_ok=True)
        assert runtime.index.count_points() == points
        assert len(optimized) == 1  # nothing written: nothing to optimise

        # A changed file replaces its document: article 6 is gone, nothing of it stays behind.
        old_copy = f"{file_sha256(files['law'])}.txt"
        assert old_copy in _kept_copies(runtime.settings)
        files["law"].write_text(LAW_V1.split("Article 6")[0], encoding="utf-8")
        changed = ingest_paths(runtime, [files["law"]])
        assert [(r.status, r.provisions) for r in changed] == [("updated", 5)]
        assert len(optimized) == 2
        numbers = [c.chunk.number for c in runtime.index.chunks("testland_law")]
        assert numbers == ["", "1", "2", "3", "4", "5"]
        assert runtime.index.count_points() < points
        # the replaced version's kept copy is deleted, the new one kept
        assert _kept_copies(runtime.settings) == sorted(
            f"{file_sha256(f)}.txt" for f in (files["law"], files["guide"])
        )
    finally:
        runtime.close()


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    bad = {
        "empty": folder / "empty.pdf",
        "not_pdf": folder / "notes.pdf",
        "truncated": folder / "truncated.pdf",
    }
    bad["empty"].write_bytes(b"")
    bad["not_pdf"].write_text("this is plain text pretending to be a PDF", encoding="utf-8")
    bad["truncated"].write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Ty"
    )
    return bad


def test_bad_inputs_fail_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_laws(tmp_path / "src")["law"]
    bad = _bad_files(tmp_path / "bad")
    settings = _settings(tmp_path, "edge")
    code = main(
        [
            "ingest",
            str(bad["empty"]),
            str(good),
            str(bad["not_pdf"]),
            str(bad["truncated"]),
            str(tmp_path / "missing.pdf"),
            "--json",
            *_cli_index_args(settings),
        ]
    )
    captured = capsys.readouterr()
    reports = {Path(r["file"]).name: r for r in json.loads(captured.out)}
    assert code == 1
    assert reports["testland_law.txt"]["status"] == "added"
    assert reports["testland_law.txt"]["provisions"] == 6
    assert reports["empty.pdf"]["error"] == "empty file"
    assert reports["notes.pdf"]["error"].startswith("not a PDF")
    assert "corrupt or truncated" in reports["truncated.pdf"]["error"]
    assert reports["missing.pdf"]["error"] == "no such file"
    assert all(r["status"] == "failed" for name, r in reports.items() if name != "testland_law.txt")
    # one line on stderr per failed file, naming it
    assert sum(1 for line in captured.err.splitlines() if line.startswith("ctkb: ")) == 4

    # Nothing of the failed files is in the index.
    assert main(["docs", "--json", *_cli_index_args(settings)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["doc_id"] for d in listed] == ["testland_law"]


def _kept_copies(settings: Settings) -> list[str]:
    """The kept source copies, named ``<sha256><suffix>``."""
    return sorted(p.name for p in settings.files_dir.iterdir()) if settings.files_dir.is_dir() else []


def test_show_and_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = write_laws(tmp_path / "src")
    settings = _settings(tmp_path, "edge")
    args = _cli_index_args(settings)
    assert main(["ingest", str(tmp_path / "src"), *args]) == 0
    law_copy = f"{file_sha256(files['law'])}.txt"
    guide_copy = f"{file_sha256(files['guide'])}.txt"
    assert _kept_copies(settings) == sorted([law_copy, guide_copy])
    capsys.readouterr()
    assert main(["show", "testland_law", "--json", *args]) == 0
    outline = json.loads(capsys.readouterr().out)
    assert [(p["label"], p["page_start"]) for p in outline["provisions"]] == [
        ("Preamble", 1),
        ("Article 1", 1),
        ("Article 2", 1),
        ("Article 3", 1),
        ("Article 4", 1),
        ("Article 5", 2),
        ("Article 6", 2),
    ]
    assert main(["show", "testland_law", *args]) == 0
    text = capsys.readouterr().out
    assert "Chapter II" in text and "Article 3 – Trafficking in persons  (p. 1)" in text

    # the same file under a second id: removing one keeps the copy the other still cites
    assert main(["ingest", str(files["law"]), "--doc-id", "law_again", *args]) == 0
    assert main(["remove", "testland_law", *args]) == 0
    assert _kept_copies(settings) == sorted([law_copy, guide_copy])
    assert main(["remove", "testland_law", *args]) == 1
    assert "no document 'testland_law'" in capsys.readouterr().err
    assert main(["remove", "law_again", *args]) == 0
    assert _kept_copies(settings) == [guide_copy]  # a removed document leaves nothing on disk
    capsys.readouterr()
    assert main(["docs", "--json", *args]) == 0
    assert [d["doc_id"] for d in json.loads(capsys.readouterr().out)] == ["testland_guide"]


def test_other_model_is_refused(tmp_path: Path) -> None:
    write_laws(tmp_path / "src")
    runtime = Runtime(_settings(tmp_path, "edge"))
    try:
        ingest_paths(runtime, [tmp_path / "src"])
    finally:
        runtime.close()
    other = Runtime(_settings(tmp_path, "edge", model="multilingual-e5-small"))
    try:
        with pytest.raises(ModelMismatchError, match="re-index"):
            ingest_paths(other, [tmp_path / "src"])
    finally:
        other.close()


def test_parse_time_limit(tmp_path: Path, corpus_real: Path) -> None:
    """A file that takes too long fails alone with the time-limit reason; the next file still goes in."""
    big = corpus_real / "pdf" / "us_ag_annual_report_congress_tip_fy2015.pdf"  # 266 pages
    good = write_laws(tmp_path / "src")["guide"]
    runtime = Runtime(
        replace(_settings(tmp_path, "edge"), parse_timeout_s=3.0)
    )  # the big PDF needs far longer; the small file far less
    try:
        reports = ingest_paths(runtime, [big, good])
    finally:
        runtime.close()
    assert reports[0].status == "failed" and "time limit" in reports[0].error
    assert reports[1].status == "added"


def test_folder_skips_its_readme(tmp_path: Path) -> None:
    from ingest.metadata import MetadataOverrides
    from ingest.service import collect_sources

    folder = tmp_path / "src"
    write_laws(folder)
    (folder / "README.md").write_text("# About this folder\n", encoding="utf-8")
    (folder / "notes.xyz").write_text("not a document type", encoding="utf-8")
    names = [s.path.name for s in collect_sources([folder], MetadataOverrides())]
    assert names == ["testland_guide.txt", "testland_law.txt"]
    # named explicitly, it is ingested like any file
    assert [s.path.name for s in collect_sources([folder / "README.md"], MetadataOverrides())] == [
        "README.md"
    ]


def test_owner_password_aes_pdf_is_read(tmp_path: Path, repo_root: Path) -> None:
    """Government PDFs often lock editing with an AES owner password; they must still be read."""
    from pypdf import PdfWriter

    from ingest.readers import read_pages

    writer = PdfWriter(clone_from=repo_root / "corpus" / "veloria_nrm_sop.pdf")
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-256")
    target = tmp_path / "locked.pdf"
    writer.write(target)
    pages = read_pages(target)
    assert len(pages) == 5 and "Referral" in " ".join(p.text for p in pages)


GEORGIAN_LAW = """ტესტლანდის კანონი ადამიანით ვაჭრობის წინააღმდეგ ბრძოლის შესახებ

მუხლი 1
მიზანი
ეს კანონი განსაზღვრავს ადამიანით ვაჭრობის მსხვერპლთა დაცვისა და დახმარების ღონისძიებებს.

მუხლი 2
მსხვერპლის უფლებები
მსხვერპლს აქვს უფლება მიიღოს თავშესაფარი, სამედიცინო დახმარება და თარჯიმნის მომსახურება.
"""


def test_a_document_indexed_before_its_languages_stemmer_is_indexed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Georgian document whose BM25 vectors hold the words as written (ctkb before its Georgian
    stemmer) is not "unchanged": ingesting the same file again re-indexes it, once."""
    from ingest import sparse
    from ingest.metadata import MetadataOverrides

    src = tmp_path / "src" / "ka_law.txt"
    src.parent.mkdir()
    src.write_text(GEORGIAN_LAW, encoding="utf-8")
    georgian = MetadataOverrides(language="ka")
    stem = set(sparse.Bm25Encoder().encode_passages(["მსხვერპლის"], "ka")[0].indices)

    def has_stem() -> bool:
        chunks = runtime.index.chunks("ka_law")
        stored = runtime.index.sparse_vectors([c.point_id for c in chunks])
        return any(stem <= set(v.indices) for v in stored.values())

    runtime = Runtime(_settings(tmp_path, "edge"))
    try:
        with monkeypatch.context() as old_ctkb:  # Georgian analysed as before the stemmer
            old_ctkb.setitem(sparse.LANGUAGES, "ka", sparse.PLAIN)
            assert [r.status for r in ingest_paths(runtime, [src], georgian)] == ["added"]
        assert not has_stem()
        assert [r.status for r in ingest_paths(runtime, [src], georgian)] == ["updated"]
        assert has_stem()
        assert [r.status for r in ingest_paths(runtime, [src], georgian)] == ["unchanged"]
    finally:
        runtime.close()


def test_a_document_parsed_by_an_older_parser_revision_is_parsed_again(tmp_path: Path) -> None:
    """The index records which parser revision made a document's provisions. A document of an older
    revision is parsed again by the next run, even though its file is unchanged: re-indexed when the
    provisions differ, only re-stamped when they are the same. Until then it is shown from its stored
    chunks, whose ids are the index's."""
    from ingest import service
    from ingest.store import schema
    from ingest.store.filters import Filter, Match
    from ingest.structure import PARSER_REVISION

    write_laws(tmp_path / "src")
    runtime = Runtime(_settings(tmp_path, "edge"))
    index = runtime.index

    def revision(doc_id: str) -> int:
        record = index.get_document(doc_id)
        assert record is not None
        return record.meta.parser_revision

    try:
        ingest_paths(runtime, [tmp_path / "src"])
        assert revision("testland_law") == PARSER_REVISION
        assert service.load_document(runtime, "testland_law").pages  # re-parsed from the kept copy
        # As an older parser left them: both documents stamped revision 1; the law written by another
        # run, in which Article 5's heading was read differently.
        for doc_id, run in (("testland_law", {schema.RUN: "an older run"}), ("testland_guide", {})):
            index.backend.set_payload(
                Filter(must=[Match(schema.DOC_ID, doc_id)]), {schema.PARSER_REVISION: 1, **run}
            )
        art5 = next(c for c in index.chunks("testland_law") if c.chunk.number == "5")
        index.backend.set_payload(
            Filter(must=[Match(schema.PROVISION_ID, art5.chunk.provision_id)]), {schema.HEADING: "Assistance"}
        )
        assert service.load_document(runtime, "testland_law").pages == ()  # from the stored chunks
        reports = {r.doc_id: r.status for r in ingest_paths(runtime, [tmp_path / "src"])}
        assert reports == {"testland_law": "updated", "testland_guide": "unchanged"}
        assert revision("testland_law") == revision("testland_guide") == PARSER_REVISION
        art5 = next(c for c in index.chunks("testland_law") if c.chunk.number == "5")
        assert art5.chunk.heading == "Assistance to victims"
        assert [r.status for r in ingest_paths(runtime, [tmp_path / "src"])] == ["unchanged", "unchanged"]
    finally:
        runtime.close()


PAGED_LAW = """LAW OF TESTLAND ON THE PROTECTION OF VICTIMS

Article 1
Scope
This Law applies to every person identified as a victim of trafficking.

Article 2
Assistance
1. Victims shall receive safe accommodation and medical care.
2. Victims shall receive legal aid free of charge.
\f
3. Victims shall receive interpretation in a language they understand
at every stage of criminal proceedings.

Article 3
Residence
Victims may remain in Testland during a recovery and reflection period of ninety days.
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_pinpoint_cites_the_page_of_its_paragraph_also_after_an_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: str
) -> None:
    """Article 2 runs over pages 1–2, its paragraph 3 is on page 2: the paragraph's citation names page
    2. An index written before chunks kept their page breaks gains them by the next ingest run, without
    embedding anything again, and cites the provision's pages until then."""
    from ingest.store import schema
    from ingest.store.filters import Filter, Match
    from search.engine import SearchEngine, SearchRequest

    src = tmp_path / "src"
    src.mkdir()
    (src / "paged_law.txt").write_text(PAGED_LAW, encoding="utf-8")
    runtime = Runtime(_settings(tmp_path, backend))
    index = runtime.index

    def top(query: str):
        return SearchEngine.from_runtime(runtime).search(SearchRequest(query)).hits[0]

    try:
        ingest_paths(runtime, [src])
        art2 = next(c for c in index.chunks("paged_law") if c.chunk.number == "2")
        assert (art2.chunk.page_start, art2.chunk.page_end) == (1, 2)
        assert art2.chunk.page_breaks == ((0, 1), (art2.chunk.text.index("3. Victims"), 2))
        hit = top("Article 2(3) of the Law of Testland on the protection of victims")
        assert (hit.number, hit.pinpoint) == ("2", "(3)")
        assert hit.citation.endswith("Art. 2, pp. 1–2")
        assert hit.pinpoint_citation.endswith("Art. 2(3), p. 2")
        assert top("Article 2(1) of the Law of Testland").pinpoint_citation.endswith("Art. 2(1), p. 1")
        # a document rebuilt from its stored chunks (compare, coverage without a kept copy) keeps them too
        from ingest.service import document_from_chunks
        from search.citation import provision_pages

        record = index.get_document("paged_law")
        rebuilt = document_from_chunks(record.meta, index.chunks("paged_law"))
        art2_rebuilt = next(u for u in rebuilt.units() if u.number == "2")
        assert (provision_pages(art2_rebuilt, "(3)"), provision_pages(art2_rebuilt)) == ("p. 2", "pp. 1–2")

        # as the previous parser revision left it: no page breaks stored
        points = {c.point_id for c in index.chunks("paged_law")}
        doc = Filter(must=[Match(schema.DOC_ID, "paged_law")])
        index.backend.set_payload(doc, {schema.PARSER_REVISION: 16, schema.PAGE_BREAKS: []})
        assert top("Article 2(3) of the Law of Testland").pinpoint_citation.endswith("Art. 2(3), pp. 1–2")
        assert [r.status for r in ingest_paths(runtime, [src])] == ["unchanged"]
        assert {c.point_id for c in index.chunks("paged_law")} == points  # nothing written again
        assert top("Article 2(3) of the Law of Testland").pinpoint_citation.endswith("Art. 2(3), p. 2")
    finally:
        runtime.close()
    capsys.readouterr()
    assert main(["search", "Article 2(3) of the Law of Testland", *_cli_index_args(runtime.settings)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].strip().endswith("Art. 2, pp. 1–2  [named in the query]")
    assert lines[1].strip().startswith("Article 2(3), p. 2 – Assistance")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_text_without_pages_loses_its_invented_page_without_embedding_again(
    tmp_path: Path, backend: str
) -> None:
    """A text file without form feeds has no pages to cite. An index written by parser revision 18 gave
    its provisions "p. 1"; the next ingest run sets their pages to unknown (0) in place: same points,
    nothing embedded, and the citation names no page."""
    from ingest.store import schema
    from ingest.store.filters import Filter, Match
    from search.engine import SearchEngine, SearchRequest

    src = tmp_path / "src"
    src.mkdir()
    (src / "unpaged_law.txt").write_text(PAGED_LAW.replace("\f\n", ""), encoding="utf-8")
    runtime = Runtime(_settings(tmp_path, backend))
    index = runtime.index

    def citation() -> str:
        hit = (
            SearchEngine.from_runtime(runtime)
            .search(SearchRequest("Article 2 of the Law of Testland"))
            .hits[0]
        )
        return hit.citation

    try:
        ingest_paths(runtime, [src])
        assert {(c.chunk.page_start, c.chunk.page_end) for c in index.chunks("unpaged_law")} == {(0, 0)}
        assert citation().endswith(", Art. 2")
        points = {c.point_id for c in index.chunks("unpaged_law")}
        doc = Filter(must=[Match(schema.DOC_ID, "unpaged_law")])
        index.backend.set_payload(doc, {schema.PARSER_REVISION: 18, schema.PAGE_START: 1, schema.PAGE_END: 1})
        assert citation().endswith(", Art. 2, p. 1")  # as revision 18 cited it
        assert [r.status for r in ingest_paths(runtime, [src])] == ["unchanged"]
        assert {c.point_id for c in index.chunks("unpaged_law")} == points  # nothing written again
        assert {(c.chunk.page_start, c.chunk.page_end) for c in index.chunks("unpaged_law")} == {(0, 0)}
        assert citation().endswith(", Art. 2")
    finally:
        runtime.close()

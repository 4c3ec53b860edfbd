"""The sample corpus (corpus/): PDFs exist, match their sources, manifest and CHANGES_v1_v2.json agree."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SRC = CORPUS / "src"
ARTICLE = re.compile(r"^### Article (\d+)\. (.+)$", re.M)
CHAPTER = re.compile(r"^## (Chapter [IVX]+)\b", re.M)


def _build_module():
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _manifest() -> dict[str, dict]:
    return tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["documents"]


def _pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(pdf)).pages]


def _articles(stem: str) -> dict[int, dict[str, str]]:
    """number -> {title, body, chapter} from a draft source."""
    text = (SRC / f"{stem}.md").read_text(encoding="utf-8")
    out: dict[int, dict[str, str]] = {}
    marks = sorted(
        [(m.start(), "a", m) for m in ARTICLE.finditer(text)]
        + [(m.start(), "c", m) for m in CHAPTER.finditer(text)],
        key=lambda t: t[0],
    )
    chapter = ""
    for i, (_pos, kind, m) in enumerate(marks):
        if kind == "c":
            chapter = m.group(1)
            continue
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        out[int(m.group(1))] = {
            "title": m.group(2).strip(),
            "chapter": chapter,
            "body": text[m.end() : end].strip(),
        }
    return out


def _changes() -> dict:
    return json.loads((CORPUS / "CHANGES_v1_v2.json").read_text(encoding="utf-8"))


def test_every_source_and_manifest_entry_has_a_pdf() -> None:
    manifest = _manifest()
    stems = {p.stem for p in SRC.glob("*.md")}
    assert stems, "no corpus sources"
    for stem in stems:
        assert (CORPUS / f"{stem}.pdf").is_file(), f"{stem}.pdf not built: run python corpus/build.py"
        assert f"{stem}.pdf" in manifest, f"{stem}.pdf has no manifest entry"
    for name, entry in manifest.items():
        assert (CORPUS / name).is_file(), f"manifest entry without a file: {name}"
        assert entry["jurisdiction"] == "Veloria"
        for key in ("title", "doc_type", "language", "year", "status", "version", "work"):
            assert entry.get(key), f"{name}: manifest lacks {key}"
    assert {p.name for p in CORPUS.glob("*.pdf")} == set(manifest), "PDF without manifest entry"


def test_every_page_has_running_header_and_page_footer() -> None:
    for pdf in sorted(CORPUS.glob("*.pdf")):
        pages = _pages(pdf)
        # provisions must cross page breaks: the laws and policies span 3 pages or more, the short
        # Russian, Armenian and Azerbaijani regulations 2
        assert len(pages) >= 2, f"{pdf.name}: sample documents should span several pages"
        header = _build_module().parse((SRC / f"{pdf.stem}.md").read_text(encoding="utf-8"))[0]["header"]
        for n, text in enumerate(pages, 1):
            assert header in text, f"{pdf.name} p.{n}: running header missing"
            assert f"Page {n} of {len(pages)}" in text, f"{pdf.name} p.{n}: footer missing"


def test_pdfs_are_up_to_date_with_sources(tmp_path: Path) -> None:
    build = _build_module()
    if not build.fonts_available():
        pytest.skip(
            f"DejaVu Sans fonts missing ({build.FONT}); cannot rebuild, committed PDFs are used as-is"
        )
    for src in build.sources():
        fresh = build.render(src, tmp_path / f"{src.stem}.pdf")
        committed = CORPUS / f"{src.stem}.pdf"
        new_pages, old_pages = _pages(fresh), _pages(committed)
        assert len(new_pages) == len(old_pages), f"{committed.name} stale: run python corpus/build.py"
        for n, (a, b) in enumerate(zip(new_pages, old_pages, strict=True), 1):
            assert a == b, f"{committed.name} p.{n} differs from its source: run python corpus/build.py"


def test_draft_articles_are_numbered_consecutively() -> None:
    for stem in ("veloria_ctip_law_draft_v1", "veloria_ctip_law_draft_v2"):
        numbers = list(_articles(stem))
        assert numbers == list(range(1, len(numbers) + 1)), stem
        assert len(numbers) >= 25


def test_changes_cover_every_article_once() -> None:
    changes = _changes()["changes"]
    v1, v2 = _articles("veloria_ctip_law_draft_v1"), _articles("veloria_ctip_law_draft_v2")
    v1_seen = [c["v1"] for c in changes if c["v1"] is not None]
    v2_seen = [c["v2"] for c in changes if c["v2"] is not None]
    assert set(v1_seen) == set(v1), "every v1 article must appear (and only existing ones)"
    assert set(v2_seen) == set(v2), "every v2 article must appear (and only existing ones)"
    for n in set(v1_seen):
        entries = [c for c in changes if c["v1"] == n]
        if len(entries) > 1:  # only a split source may repeat
            assert all(c.get("split_into") for c in entries), f"v1 {n} listed twice without split_into"
            assert sorted(c["v2"] for c in entries) == sorted(entries[0]["split_into"])
    for n in set(v2_seen):
        entries = [c for c in changes if c["v2"] == n]
        if len(entries) > 1:  # only a merge target may repeat
            assert all(c.get("merged_from") for c in entries), f"v2 {n} listed twice without merged_from"
            assert sorted(c["v1"] for c in entries) == sorted(entries[0]["merged_from"])


def test_changes_agree_with_the_texts() -> None:
    v1, v2 = _articles("veloria_ctip_law_draft_v1"), _articles("veloria_ctip_law_draft_v2")
    kinds = set()
    for c in _changes()["changes"]:
        a, b = v1.get(c["v1"]), v2.get(c["v2"])
        kinds.add(c["change"])
        if c["change"] == "added":
            assert c["v1"] is None and b is not None
        elif c["change"] == "removed":
            assert c["v2"] is None and a is not None
        else:
            assert a is not None and b is not None, c
            same = (a["title"], a["body"]) == (b["title"], b["body"])
            assert same == (c["change"] == "unchanged"), f"{c}: text {'identical' if same else 'differs'}"
            assert c["renumbered"] == (c["v1"] != c["v2"]), c
            assert c["moved"] == (a["chapter"] != b["chapter"]), c
        if c["change"] in ("added", "removed"):
            assert c["renumbered"] is False and c["moved"] is False
    assert kinds == {"unchanged", "modified", "added", "removed"}


def test_gaps_are_as_recorded() -> None:
    """v1 omits reflection period, residence permit and data protection; v2 fills the first two."""
    titles1 = " | ".join(a["title"].lower() for a in _articles("veloria_ctip_law_draft_v1").values())
    titles2 = " | ".join(a["title"].lower() for a in _articles("veloria_ctip_law_draft_v2").values())
    for word in ("reflection", "residence permit", "data"):
        assert word not in titles1
    assert "reflection" in titles2 and "residence permit" in titles2 and "data" not in titles2
    recorded = _changes()
    assert len(recorded["omitted_in_v1"]) == 3 and len(recorded["omitted_in_v2"]) == 1
    for gap in recorded["omitted_in_v1"]:
        if gap["filled_in_v2"] is not None:
            added = [c for c in recorded["changes"] if c["v2"] == gap["filled_in_v2"]]
            assert added and added[0]["change"] == "added"


def test_georgian_document_uses_georgian_headings() -> None:
    text = (SRC / "veloria_ctip_law_ka.md").read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"^### მუხლი (\d+)\. ", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
    assert re.search(r"^## თავი I\. ", text, re.M)
    assert "მუხლი 1." in "".join(_pages(CORPUS / "veloria_ctip_law_ka.pdf"))
    assert _manifest()["veloria_ctip_law_ka.pdf"]["language"] == "ka"

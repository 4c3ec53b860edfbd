"""AppTest for the search, compare and library pages over a real small index (real model, real Edge).

The index is built once per module in a temporary data dir from two drafts of a fictional law (TXT)
and a two-page policy PDF. One provision carries script/img markup that must render as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

pytestmark = pytest.mark.slow

EVIL = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
MAIN = Path(__file__).resolve().parent.parent / "ui" / "app" / "main.py"

DRAFT_V1 = f"""LAW OF VELORIA ON COMBATING TRAFFICKING IN PERSONS

Chapter I
General provisions

Article 1
Purpose
This Law establishes measures to prevent trafficking in persons and to protect victims.

Article 2
Definitions
"Trafficking in persons" means the recruitment or transport of persons by means of threat or deception
for the purpose of exploitation.

Article 3
Non-punishment of victims
Victims shall not be punished for unlawful acts they were compelled to commit as a direct consequence
of being trafficked. {EVIL}

Article 4
Reflection period
A presumed victim shall be granted a recovery and reflection period of at least thirty days.

Article 5
Data protection
Personal data of victims shall be processed only for the purposes of this Law.
"""

DRAFT_V2 = f"""LAW OF VELORIA ON COMBATING TRAFFICKING IN PERSONS

Chapter I
General provisions

Article 1
Purpose
This Law establishes measures to prevent trafficking in persons and to protect victims.

Article 2
Definitions
"Trafficking in persons" means the recruitment, transport, transfer or harbouring of persons by means
of threat, force or deception for the purpose of exploitation, including forced labour.

Article 3
Compensation
Victims have the right to compensation from the offender and from the State Victims Fund.

Article 4
Non-punishment of victims
Victims shall not be punished or prosecuted for unlawful acts they were compelled to commit as a direct
consequence of being trafficked. {EVIL}

Article 5
Reflection period
A presumed victim shall be granted a recovery and reflection period of at least ninety days.
"""

MANIFEST = """
[documents."veloria_v1.txt"]
title = "Veloria Trafficking Law (draft)"
jurisdiction = "Veloria"
doc_type = "draft_law"
language = "en"
year = 2023
status = "draft"
work = "veloria-tip-law"
version = "v1"

[documents."veloria_v2.txt"]
title = "Veloria Trafficking Law (draft)"
jurisdiction = "Veloria"
doc_type = "draft_law"
language = "en"
year = 2024
status = "draft"
work = "veloria-tip-law"
version = "v2"

[documents."betaland_policy.pdf"]
title = "Betaland Victim Identification Policy"
jurisdiction = "Betaland"
doc_type = "policy"
language = "en"
year = 2020
status = "in_force"
"""

POLICY_PAGES = [
    [
        "BETALAND VICTIM IDENTIFICATION POLICY",
        "",
        "Section 1",
        "Scope",
        "This policy applies to labour inspectors, police officers and social workers.",
        "",
        "Section 2",
        "Indicators",
        "Signs of trafficking include confiscated passports and debts that can never be repaid.",
    ],
    [
        "Section 3",
        "Non-punishment",
        "Presumed victims shall not be prosecuted for offences committed as a consequence of trafficking.",
        "",
        "Section 4",
        "Referral",
        "A first responder refers a possible victim to the coordination centre within one day.",
    ],
]


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "veloria_v1.txt").write_text(DRAFT_V1, encoding="utf-8")
    (folder / "veloria_v2.txt").write_text(DRAFT_V2, encoding="utf-8")
    write_pdf(folder / "betaland_policy.pdf", POLICY_PAGES)
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    return folder


def build_index(data_dir: Path, folder: Path) -> None:
    from ingest.config import Settings
    from ingest.runtime import Runtime
    from ingest.service import ingest_paths

    runtime = Runtime(Settings.from_env(data_dir=data_dir, model="minilm"))
    try:
        reports = ingest_paths(runtime, [folder])
    finally:
        runtime.close()
    failed = [r for r in reports if r.status == "failed"]
    assert not failed, failed


def release_app() -> None:
    """Close the app's shared runtime (Qdrant Edge lets one opener at a time)."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("app")
    data_dir = root / "data"
    build_index(data_dir, write_corpus(root / "corpus"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CTKB_DATA_DIR", str(data_dir))
        mp.setenv("CTKB_MODEL", "minilm")
        mp.delenv("CTKB_READ_ONLY", raising=False)
        mp.delenv("CTKB_QDRANT_URL", raising=False)
        yield data_dir
    release_app()


def new_app(**params: str):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def html_of(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.value for m in at.markdown)


def assert_inert(at) -> None:  # type: ignore[no-untyped-def]
    """Document markup never reaches the page as markup, and the text is there, escaped."""
    page = html_of(at)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_search_from_a_shared_link(app_env: Path, mode: str) -> None:
    at = new_app(q="non-punishment of victims", mode=mode).run()
    assert not at.exception, at.exception
    page = html_of(at)
    assert 'class="ctkb-card"' in page
    assert "Veloria Trafficking Law (draft), Art." in page or "Betaland" in page
    if mode != "semantic":
        assert "<mark>" in page  # query terms highlighted in snippets
    assert at.text_input(key="q").value == "non-punishment of victims"
    assert any(f"· {mode} ·" in c.value for c in at.caption)
    assert_inert(at)


def test_filters_narrow_results_and_go_into_the_url(app_env: Path) -> None:
    at = new_app(q="victims", mode="keyword").run()
    juris = at.multiselect(key="f_jurisdiction")
    assert set(juris.options) >= {"Veloria (2)", "Betaland (1)"}  # counts are documents
    juris.set_value(["Betaland"]).run()
    assert not at.exception, at.exception
    assert at.query_params["jurisdiction"] in ("Betaland", ["Betaland"])
    cards = [m.value for m in at.markdown if 'class="ctkb-card"' in m.value]
    assert cards and all("Betaland" in c for c in cards)
    # The document facet now offers only the Betaland policy.
    assert at.multiselect(key="f_doc").options == ["Betaland Victim Identification Policy (4)"]


def test_hit_opens_full_text_page_image_and_similar(app_env: Path) -> None:
    at = new_app(q="presumed victims prosecuted offences", mode="keyword", jurisdiction="Betaland").run()
    assert not at.exception, at.exception
    first = next(t for t in at.toggle if t.label == "Full provision")
    first.set_value(True).run()
    assert any('class="ctkb-prov"' in m.value and "prosecuted" in m.value for m in at.markdown)
    page = next(t for t in at.toggle if t.label.startswith("Open at p. 2"))
    page.set_value(True).run()
    assert not at.exception, at.exception
    images = at.get("image")
    assert images and "page 2" in images[0].captions[0], "the cited PDF page is shown as an image"
    assert "the provision is highlighted" in images[0].captions[0]
    sim = next(t for t in at.toggle if t.label == "Similar in other documents")
    sim.set_value(True).run()
    assert not at.exception, at.exception
    assert any('class="ctkb-sim"' in m.value and "Veloria" in m.value for m in at.markdown)


def test_empty_query_shows_the_index_size(app_env: Path) -> None:
    at = new_app().run()
    assert not at.exception
    assert any("3 documents indexed" in c.value for c in at.caption)


# --- compare ------------------------------------------------------------------------------------


def test_compare_two_drafts(app_env: Path) -> None:
    at = new_app().run()
    at.switch_page(str(MAIN.parent / "views" / "compare.py")).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="left_doc").value == "veloria_v1"  # two versions of one work preselected
    assert at.selectbox(key="right_doc").value == "veloria_v2"
    at.button(key="run_compare").click().run()
    assert not at.exception, at.exception
    counts = {m.label: m.value for m in at.metric}
    assert counts["Added"] == "1" and counts["Removed"] == "1" and int(counts["Modified"]) >= 2
    rows = at.dataframe[0].value
    moved = rows[rows["left"] == "Article 3"].iloc[0]  # a text file without form feeds: no page to cite
    assert moved["right"] == "Article 4" and "renumbered" in moved["flags"]
    page = html_of(at)
    assert "<del>thirty</del>" in page and "<ins>ninety</ins>" in page
    assert_inert(at)
    at.multiselect(key="cmp_status").set_value(["added"]).run()
    rows = at.dataframe[0].value
    assert list(rows["status"]) == ["added"] and list(rows["right"]) == ["Article 3"]


def test_compare_a_word_drafts_tracked_changes(app_env: Path, tmp_path: Path) -> None:
    from tests.test_docx_numbering import amended_draft

    at = new_app().run()
    at.switch_page(str(MAIN.parent / "views" / "compare.py")).run()
    at.toggle(key="cmp_tracked").set_value(True).run()
    assert not at.exception, at.exception
    assert {b.key for b in at.selectbox}.isdisjoint({"left_doc", "right_doc"})  # one file gives both sides
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    at.file_uploader(key="tracked_file").set_value(
        ("amended.docx", amended_draft(tmp_path).read_bytes(), mime)
    ).run()
    at.button(key="run_compare").click().run()
    assert not at.exception, at.exception
    counts = {m.label: m.value for m in at.metric}
    assert (counts["Added"], counts["Removed"], counts["Renumbered"]) == ("1", "1", "2")
    assert "\\(before the tracked changes\\)** → **" in "\n".join(m.value for m in at.markdown)
    rows = at.dataframe[0].value
    assert list(rows["status"]) == ["modified", "removed", "unchanged", "unchanged", "added"]
    assert list(rows["changed by"]) == ["IOM Georgia", "Ministry of Justice", "", "", "Ministry of Justice"]
    # a Word file without tracked changes: one line naming it
    plain = docx.Document()
    plain.add_paragraph("Article 1")
    plain.add_paragraph("Victims shall be protected.")
    plain.save(str(tmp_path / "plain.docx"))
    at.file_uploader(key="tracked_file").set_value(
        ("plain.docx", (tmp_path / "plain.docx").read_bytes(), mime)
    ).run()
    at.button(key="run_compare").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == ["plain.docx: no tracked changes to compare"]


# --- library ------------------------------------------------------------------------------------


def test_library_lists_documents_and_structure(app_env: Path) -> None:
    at = new_app(doc="betaland_policy").run()
    at.switch_page(str(MAIN.parent / "views" / "library.py")).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert set(table["id"]) == {"veloria_v1", "veloria_v2", "betaland_policy"}
    assert dict(zip(table["id"], table["provisions"], strict=True))["veloria_v1"] == 5
    at.selectbox(key="library_doc").set_value("betaland_policy").run()
    structure = at.dataframe[-1].value
    pages = dict(zip(structure["structure"].str.strip("\u2003"), structure["pages"], strict=True))
    assert pages["Section 1"] == "p. 1" and pages["Section 3"] == "p. 2"
    assert at.button(key="remove") is not None  # not read-only here


def test_coverage_against_the_protocol_checklist(app_env: Path) -> None:
    from search.coverage import load_checklist

    items = len(load_checklist("un_trafficking_protocol").items)
    at = new_app().run()
    at.switch_page(str(MAIN.parent / "views" / "compare.py")).run()
    at.selectbox(key="draft_doc").set_value("veloria_v2")
    at.selectbox(key="cov_ref").set_value("un_trafficking_protocol")
    at.button(key="run_coverage").click().run()
    assert not at.exception, at.exception
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts["Covered"] + counts["Partial"] + counts["Missing"] == items
    assert counts["Missing"] > 0  # a five-article draft leaves most obligations out
    rows = at.dataframe[-1].value
    assert len(rows) == items and set(rows["status"]) <= {"covered", "partial", "missing"}
    at.multiselect(key="cov_status").set_value(["missing"]).run()
    rows = at.dataframe[-1].value
    assert len(rows) == counts["Missing"] and set(rows["draft provisions"]) == {"—"}

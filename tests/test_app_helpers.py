"""The app's pure helpers: escaping and highlights, URL state, upload checks, table rows."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest

from ui.app import compare_rows, markup, uploads, view_models
from ui.app.view_models import SearchState

EVIL = "<script>alert(1)</script> & <img src=x onerror=alert(1)>"


# --- markup -------------------------------------------------------------------------------------


def test_esc_makes_markup_inert_and_one_line() -> None:
    out = markup.esc(EVIL + "\n\nnext")
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in out
    assert "\n" not in out and out.endswith("<br><br>next")


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        ("forced labour", [(0, 6)], "<mark>forced</mark> labour"),  # one mark at the start
        ("a <b> c", [(2, 5)], "a <mark>&lt;b&gt;</mark> c"),  # marked text is escaped too
        ("abc", [(1, 2), (0, 2)], "<mark>ab</mark>c"),  # overlapping spans merge forward
        ("abc", [(5, 9)], "abc"),  # out of range: ignored
        ("", [], ""),
    ],
)
def test_highlight_html(text: str, marks: list[tuple[int, int]], expected: str) -> None:
    assert markup.highlight_html(text, marks) == expected


def test_card_escapes_every_field() -> None:
    hit = SimpleNamespace(
        heading=EVIL,
        citation=EVIL,
        path=(EVIL, "3.1 – Egypt"),
        score=0.5,
        snippet=SimpleNamespace(text=EVIL, marks=((1, 7),)),
        pinpoint="(1)",
        pinpoint_citation=f"{EVIL}(1)",
    )
    out = markup.card_html(hit)
    assert "<script" not in out and "<img" not in out
    assert out.count("&lt;script&gt;") == 4  # citation, path, heading and the passage's citation
    assert "Cite the passage: &lt;script&gt;" in out
    assert "› 3.1 – Egypt</div>" in out  # where the provision sits
    assert "&lt;<mark>script</mark>&gt;" in out  # the snippet, marked inside the escaped text


def test_redline_sides_colour_insertions_and_deletions() -> None:
    ops = [
        SimpleNamespace(op="equal", left="The victim", right="The victim"),
        SimpleNamespace(op="replace", left="may", right="shall"),
        SimpleNamespace(op="insert", left="", right="<b>promptly</b>"),
        SimpleNamespace(op="delete", left="perhaps", right=""),
    ]
    left, right = markup.redline_sides(ops)
    assert left == "The victim <del>may</del> <del>perhaps</del>"
    assert right == "The victim <ins>shall</ins> <ins>&lt;b&gt;promptly&lt;/b&gt;</ins>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("held\nliable", "held liable"),  # a PDF line wrap inside a sentence
        ("order:\n(a) exclusion", "order:\n(a) exclusion"),  # a lettered item starts a line
        ("fine.\n2. The court", "fine.\n2. The court"),  # a numbered paragraph too
        ("end.\n\nNext", "end.\n\nNext"),  # paragraph breaks stay
        ("list\n- item", "list\n- item"),  # and bullets
    ],
)
def test_reflow_joins_wrapped_lines_only(text: str, expected: str) -> None:
    assert markup.reflow(text) == expected
    assert len(markup.reflow(text)) == len(text)  # highlight spans stay valid


def test_md_escape_neutralises_markdown() -> None:
    out = markup.md_escape("[click](javascript:alert(1)) **bold** :red[x] $x$")
    assert "[" not in out.replace("\\[", "")
    assert "\\*\\*bold\\*\\*" in out and "\\$x\\$" in out


# --- URL state ----------------------------------------------------------------------------------


def test_state_round_trips_through_query_params() -> None:
    state = SearchState(
        query="non-punishment of victims",
        mode="keyword",
        top_k=20,
        year_from=2000,
        year_to=2024,
        filters={"jurisdiction": ("Veloria", "UN"), "language": ("en",)},
    )
    params = view_models.state_to_params(state)
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert view_models.state_from_params(as_lists) == state


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, SearchState()),  # defaults
        ({"mode": ["nonsense"], "k": ["x"]}, SearchState()),  # bad values dropped
        ({"k": ["0"]}, SearchState()),  # top-k 0 is not "default": it is rejected explicitly
        ({"q": ["  x  "], "doc": ["a", "a", ""]}, SearchState(query="x", filters={"doc": ("a",)})),
    ],
)
def test_state_from_bad_params(params: dict[str, list[str]], expected: SearchState) -> None:
    assert view_models.state_from_params(params) == expected


def test_defaults_are_left_out_of_links() -> None:
    assert view_models.state_to_params(SearchState(query="q")) == {"q": "q"}


def test_facet_options_keep_selected_values_with_no_results() -> None:
    counts = {"en": 3, "ka": 5, "": 1}
    assert view_models.facet_options(counts, ["ru"]) == ["ka", "en", "ru"]
    label = view_models.option_labeler(counts, view_models.LANGUAGE_NAMES)
    assert label("ka") == "Georgian (5)" and label("ru") == "Russian (0)"


# --- uploads ------------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("law.pdf", b"%PDF-1.7\n...", ""),
        ("law.PDF", b"%PDF-1.4", ""),  # suffix case does not matter
        ("draft.docx", _docx_bytes(), ""),
        ("notes.txt", "Article 1 — ბავშვი".encode(), ""),
        ("law.pdf", b"MZ\x90\x00 not a pdf", "not a PDF"),  # magic bytes disagree with the name
        ("draft.docx", b"PK\x03\x04broken", "not a DOCX"),
        ("notes.txt", b"\x00\x01\x02binary", "not a TXT"),
        ("tool.exe", b"MZ", "unsupported file type"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_check_upload(name: str, data: bytes, error: str) -> None:
    check = uploads.check_upload(name, data)
    assert (check.error == "") == (error == "")
    assert error in check.error


def test_size_limit() -> None:
    check = uploads.check_upload("big.txt", b"a" * (1024 * 1024 + 1), max_mb=1)
    assert "1 MB limit" in check.error


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../../etc/passwd.txt", "passwd"),
        ("C:\\Users\\x\\..\\law v2.pdf", "law_v2"),
        ("..", "upload"),
        ("კანონი.pdf", "upload"),  # no ASCII letters: a neutral name
        ("a\x00b\n.txt", "ab"),
    ],
)
def test_uploaded_names_never_become_paths(name: str, stem: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert uploads.safe_stem(name) == stem
    check = uploads.UploadCheck(uploads.base_name(name), ".txt")
    path = uploads.save_upload(check, b"text", folder=tmp_path)
    assert path.parent.parent == tmp_path and path.name == f"{stem}.txt"
    uploads.discard_upload(path)
    assert not path.parent.exists()


# --- tables -------------------------------------------------------------------------------------


def _prov(label: str, heading: str = "", **pages: object) -> SimpleNamespace:
    where = {"text": "", "page_start": 0, "page_end": 0, "page_breaks": (), **pages}
    return SimpleNamespace(label=label, number=label.split()[-1], id=label, heading=heading, **where)


def test_crosswalk_rows_and_status_filter() -> None:
    pairs = [
        SimpleNamespace(
            left=_prov("Article 1"), right=_prov("Article 1"), status="unchanged", similarity=1.0
        ),
        SimpleNamespace(
            left=_prov("Article 2"),
            right=_prov("Article 3", "Victims", page_start=4, page_end=5),
            status="modified",
            similarity=0.8,
            renumbered=True,
        ),
        SimpleNamespace(left=None, right=_prov("Article 2", "New"), status="added", similarity=0.0),
        SimpleNamespace(left=_prov("Article 5", "Gone"), right=None, status="removed", similarity=0.0),
    ]
    rows = compare_rows.crosswalk_rows(pairs)
    assert [r["status"] for r in rows] == ["unchanged", "modified", "added", "removed"]
    assert rows[1] | {} == {
        "#": 2,
        "left": "Article 2",
        "right": "Article 3, pp. 4–5",
        "status": "modified",
        "flags": "renumbered",
        "similarity": 0.8,
        "heading": "Victims",
    }
    assert rows[2]["left"] == "—" and rows[2]["similarity"] is None
    assert rows[3]["heading"] == "Gone"
    only = compare_rows.crosswalk_rows(pairs, ["added", "removed"])
    assert [r["#"] for r in only] == [3, 4]
    assert compare_rows.pair_title(pairs[1]) == "Article 2 → Article 3, pp. 4–5 (modified; renumbered)"


def test_outline_rows_show_containers_once() -> None:
    outline = [
        {
            "kind": "article",
            "label": "Article 1",
            "heading": "Scope",
            "path": ["Chapter I"],
            "page_start": 1,
            "page_end": 1,
        },
        {
            "kind": "article",
            "label": "Article 2",
            "heading": "",
            "path": ["Chapter I"],
            "page_start": 1,
            "page_end": 2,
        },
        {
            "kind": "article",
            "label": "Article 3",
            "heading": "",
            "path": ["Chapter II"],
            "page_start": 3,
            "page_end": 3,
        },
    ]
    rows = view_models.outline_rows(outline)
    assert [r["structure"].strip("\u2003") for r in rows] == [
        "Chapter I",
        "Article 1",
        "Article 2",
        "Chapter II",
        "Article 3",
    ]
    assert rows[2]["pages"] == "pp. 1–2" and rows[1]["pages"] == "p. 1"


# --- ctkb ui ------------------------------------------------------------------------------------


def test_ctkb_ui_passes_settings_through_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from ui.cli import main

    seen: dict[str, object] = {}

    def fake_call(cmd: list[str], env: dict[str, str]) -> int:  # stands in for the blocking server
        seen.update(cmd=cmd, env=env)
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    monkeypatch.delenv("CTKB_QDRANT_URL", raising=False)
    code = main(
        [
            "ui",
            "--no-browser",
            "--port",
            "8765",
            "--read-only",
            "--data-dir",
            str(tmp_path),
            "--model",
            "minilm",
        ]
    )
    assert code == 0
    cmd, env = seen["cmd"], seen["env"]
    assert isinstance(cmd, list) and isinstance(env, dict)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("ui/app/main.py")
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags["--server.port"] == "8765" and flags["--server.headless"] == "true"
    assert flags["--browser.gatherUsageStats"] == "false"
    # served on loopback by default, and no external-IP lookup (it needs a set browser address)
    assert flags["--server.address"] == "localhost" and flags["--browser.serverAddress"] == "localhost"
    assert env["CTKB_DATA_DIR"] == str(tmp_path) and env["CTKB_MODEL"] == "minilm"
    assert env["CTKB_READ_ONLY"] == "1" and "CTKB_QDRANT_URL" not in env
    assert (
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
        and env["HAYSTACK_TELEMETRY_ENABLED"] == "False"
    )


def _rec(doc_id: str, work: str = "", version: str = "", year: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(meta=SimpleNamespace(doc_id=doc_id, work=work, version=version, year=year))


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        (
            [_rec("sop"), _rec("v2", "law", "v2"), _rec("v1", "law", "v1")],
            ("v1", "v2"),
        ),  # one work, in version order
        ([_rec("a"), _rec("b"), _rec("c")], ("a", "b")),  # no shared work: the first two
        ([_rec("a")], None),  # nothing to compare
    ],
)
def test_default_pair(records: list[SimpleNamespace], expected: tuple[str, str] | None) -> None:
    assert compare_rows.default_pair(records) == expected


def test_summary_items_and_coverage_rows() -> None:
    summary = {"unchanged": 3, "modified": 2, "added": 1, "removed": 0, "renumbered": 4, "moved": 0}
    assert compare_rows.summary_items(summary) == [
        ("unchanged", 3), ("modified", 2), ("added", 1), ("removed", 0), ("renumbered", 4)
    ]  # fmt: skip
    item = SimpleNamespace(title="Non-punishment", article="Art. 26")
    text = "1. Victims shall not be punished.\n2. Nor shall they be detained."
    art9 = _prov("Article 9", text=text, page_start=3, page_end=4, page_breaks=((text.index("2."), 4),))
    match = SimpleNamespace(provision=art9, pinpoint="(2)")
    report = SimpleNamespace(
        items=[
            SimpleNamespace(item=item, status="covered", score=4.2, matches=(match,)),
            SimpleNamespace(item=item, status="missing", score=0.3, matches=(match,)),
        ]
    )
    rows = compare_rows.coverage_rows(report)
    # with the paragraph that holds the keywords, and its page
    assert rows[0]["draft provisions"] == "Article 9(2), p. 4"
    assert rows[1]["draft provisions"] == "—"  # a missing obligation names no provision
    assert [r["status"] for r in compare_rows.coverage_rows(report, ["missing"])] == ["missing"]


def test_show_outline_nests_sections_without_repeating_them() -> None:
    """`ctkb show`: a report's sections indent under the section above them, which is printed once (as
    a provision, not again as a level); a lettered label that holds its heading is not doubled."""
    from ui.render import outline_text

    def chunk(pid: str, label: str, heading: str, path: tuple[str, ...], page: int) -> SimpleNamespace:
        c = SimpleNamespace(
            provision_id=pid, kind="clause", number="", label=label, heading=heading, path=path
        )
        return SimpleNamespace(chunk=SimpleNamespace(**vars(c), page_start=page, page_end=page))

    chapter, egypt = "3 – National practice", "3.1 – Egypt"
    chunks = [
        chunk("a", "3", "National practice", (), 36),
        chunk("b", "3.1", "Egypt", (chapter,), 37),
        chunk("c", "3.1.1", "Understanding of the law", (chapter, egypt), 38),
        chunk("d", "3.2", "Moldova", (chapter,), 39),
        chunk("e", "C. Department of Justice", "Department of Justice", (), 40),
    ]
    record = SimpleNamespace(
        meta=SimpleNamespace(title="Issue paper", doc_id="paper", pages=40), provisions=5
    )
    assert outline_text(record, chunks).splitlines()[1:] == [
        "  3 – National practice  (p. 36)",
        "    3.1 – Egypt  (p. 37)",
        "      3.1.1 – Understanding of the law  (p. 38)",
        "    3.2 – Moldova  (p. 39)",
        "  C. Department of Justice  (p. 40)",
    ]

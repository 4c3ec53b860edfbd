"""AppTest for the pages that write: adding uploads (a bad file among good ones), re-ingest, remove,
and the read-only mode that hides them. Each test module gets its own index in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_app_pages import EVIL, MAIN, build_index, new_app, release_app, write_corpus

pytestmark = pytest.mark.slow

PAGES = MAIN.parent / "views"
NEW_LAW = f"""ORDINANCE OF GAMMALAND ON LABOUR INSPECTION

Article 1
Workplace checks
Labour inspectors may enter any workplace without notice to look for signs of forced labour.

Article 2
Reporting
An inspector who finds signs of trafficking reports them to the police within one day. {EVIL}
"""


@pytest.fixture(scope="module")
def write_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("app-write")
    data_dir = root / "data"
    build_index(data_dir, write_corpus(root / "corpus"))
    release_app()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CTKB_DATA_DIR", str(data_dir))
        mp.setenv("CTKB_MODEL", "minilm")
        mp.delenv("CTKB_READ_ONLY", raising=False)
        mp.delenv("CTKB_QDRANT_URL", raising=False)
        yield data_dir
    release_app()


def test_upload_good_and_bad_files(write_env: Path) -> None:
    at = new_app().run()
    at.switch_page(str(PAGES / "ingest.py")).run()
    assert not at.exception, at.exception
    at.file_uploader(key="ingest_files").set_value(
        [
            ("gammaland ordinance.txt", NEW_LAW.encode(), "text/plain"),
            ("../../broken.pdf", b"this is not a PDF at all", "application/pdf"),
        ]
    )
    at.text_input(key="meta_jurisdiction").input("Gammaland")
    at.selectbox(key="meta_doc_type").select("law")
    at.button[0].click().run()  # the form's submit button: the form's values go with it
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "broken" in errors[0] and "not a PDF" in errors[0]
    assert "/" not in errors[0].replace("\\/", "")  # the uploaded name is shown without its folders
    assert any("gammaland_ordinance" in s.value.replace("\\", "") and "added" in s.value for s in at.success)

    # At once in search, with its metadata, and the markup inside it stays text.
    at = new_app(q="workplace checks forced labour", mode="keyword", jurisdiction="Gammaland").run()
    assert not at.exception, at.exception
    page = "\n".join(m.value for m in at.markdown)
    assert "Art. 1" in page and "<mark>" in page
    at = new_app(q="inspector reports trafficking police", mode="keyword").run()
    page = "\n".join(m.value for m in at.markdown)
    assert "&lt;script&gt;" in page and "<script" not in page

    # And in the library.
    at.switch_page(str(PAGES / "library.py")).run()
    assert "gammaland_ordinance" in set(at.dataframe[0].value["id"])


def test_reingest_and_remove(write_env: Path) -> None:
    at = new_app().run()
    at.switch_page(str(PAGES / "library.py")).run()
    at.selectbox(key="library_doc").set_value("betaland_policy").run()
    at.button(key="reingest").click().run()
    assert not at.exception, at.exception
    assert any("betaland_policy re-ingested (4 provisions" in s.value.replace("\\", "") for s in at.success)

    at.selectbox(key="library_doc").set_value("veloria_v1").run()
    assert at.button(key="remove").disabled  # needs the confirmation first
    at.checkbox(key="remove_sure").check().run()
    at.button(key="remove").click().run()
    assert not at.exception, at.exception
    assert "veloria_v1" not in set(at.dataframe[0].value["id"])
    at = new_app(q="thirty days", mode="keyword").run()
    assert "veloria_v1" not in "\n".join(m.value for m in at.markdown)


def test_read_only_hides_writing(write_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release_app()  # the read-only app opens the same index: one opener at a time
    monkeypatch.setenv("CTKB_READ_ONLY", "1")
    try:
        at = new_app().run()
        assert not at.exception, at.exception
        with pytest.raises(Exception, match="ingest"):
            at.switch_page(str(PAGES / "ingest.py")).run()
        at = new_app().run()
        at.switch_page(str(PAGES / "library.py")).run()
        assert not at.exception, at.exception
        keys = {getattr(b, "key", None) for b in at.button}
        assert "remove" not in keys and "reingest" not in keys
    finally:
        release_app()

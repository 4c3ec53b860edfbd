"""A Word draft whose tracked changes another program wrote: LibreOffice, editing a draft under "record
changes" (``tests/support/make_tracked_docx.py`` wrote the file and LibreOffice's own readings of it).
ctkb's two views must equal LibreOffice's text with every change accepted and with every change rejected,
and comparing them must say what the drafter did."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.ocr import ReadContext
from ingest.readers import read_pages
from ingest.service import tracked_versions
from search.compare import compare_documents

GOLDEN = Path(__file__).parent / "golden" / "docx"
DRAFT = GOLDEN / "tracked_changes.docx"


@pytest.mark.parametrize("view", ["accepted", "original"])
def test_views_equal_libreoffices_reading(view: str) -> None:
    expected = (GOLDEN / f"tracked_changes.{view}.txt").read_text(encoding="utf-8").splitlines()
    pages = read_pages(DRAFT, ReadContext(tracked=view))  # type: ignore[arg-type]
    assert pages[0].text.split("\n") == expected
    assert pages[0].tracked_changes == 21  # as stored: each insertion, deletion and paragraph mark


def test_the_drafters_changes_as_a_crosswalk() -> None:
    before, after = tracked_versions(DRAFT)
    crosswalk = [
        (
            p.left.label if p.left else "",
            p.right.label if p.right else "",
            p.status,
            p.renumbered,
            [(op.left, op.right) for op in p.diff if op.op != "equal"],
        )
        for p in compare_documents(before, after, None).pairs
    ]
    assert crosswalk == [
        ("Article 1", "Article 1", "modified", False, [("", "and witnesses")]),
        ("Article 2", "", "removed", False, []),  # Shelters
        (
            "Article 3",
            "Article 2",
            "modified",
            True,
            [("", "The State shall advance the compensation within three months.")],
        ),
        ("Article 4", "Article 3", "modified", True, [("thirty", "ninety")]),
        ("", "Article 4", "added", False, []),  # Entry into force
    ]

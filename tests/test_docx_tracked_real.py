"""A Word draft whose tracked changes another program wrote: LibreOffice, editing a draft under "record
changes" (``tests/support/make_tracked_docx.py`` wrote the file and LibreOffice's own readings of it).
ctkb's two views must equal LibreOffice's text with every change accepted and with every change rejected,
and comparing them must say what the drafters did, and who."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.ocr import ReadContext
from ingest.readers import read_pages
from ingest.service import tracked_versions
from search.compare import compare_tracked

GOLDEN = Path(__file__).parent / "golden" / "docx"
TYPED = GOLDEN / "tracked_changes.docx"  # articles numbered by typed text
LISTED = GOLDEN / "tracked_numbering.docx"  # article headings numbered by a list (automatic numbering)
MOVED = GOLDEN / "tracked_move.docx"  # a paragraph cut and pasted into another article: a tracked move


@pytest.mark.parametrize("view", ["accepted", "original"])
@pytest.mark.parametrize(("draft", "changes"), [(TYPED, 21), (LISTED, 10), (MOVED, 5)])
def test_views_equal_libreoffices_reading(draft: Path, changes: int, view: str) -> None:
    # (ctkb does not keep a document's trailing empty paragraphs)
    expected = draft.with_suffix(f".{view}.txt").read_text(encoding="utf-8").rstrip("\n").split("\n")
    pages = read_pages(draft, ReadContext(tracked=view))  # type: ignore[arg-type]
    assert pages[0].text.split("\n") == expected
    assert pages[0].tracked_changes == changes  # as stored: each insertion, deletion and paragraph mark


def _crosswalk(draft: Path) -> list[tuple[str, str, str, bool, list[tuple[str, str]]]]:
    comparison = compare_tracked(tracked_versions(draft), None)
    return [
        (
            p.left.label if p.left else "",
            p.right.label if p.right else "",
            p.status,
            p.renumbered,
            [(op.left, op.right) for op in p.diff if op.op != "equal"],
        )
        for p in comparison.pairs
    ]


def test_the_drafters_changes_as_a_crosswalk() -> None:
    assert _crosswalk(TYPED) == [
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
    # the list's numbers close up after the deleted item and open for the inserted one
    assert _crosswalk(LISTED) == [
        ("", "Paragraph 1", "added", False, []),  # Scope
        ("Paragraph 1", "Paragraph 2", "unchanged", True, []),
        ("Paragraph 2", "Paragraph 3", "modified", True, [("", "at any hour"), ("prior", "")]),
        ("Paragraph 3", "", "removed", False, []),  # Confiscated documents
        ("Paragraph 4", "Paragraph 4", "unchanged", False, []),
    ]
    # moved text is read once in each view, at its old place before the changes and at its new one after
    assert _crosswalk(MOVED) == [
        (
            "Article 1",
            "Article 1",
            "modified",
            False,
            [("Identification shall not depend on the victim's cooperation with the authorities.", "")],
        ),
        (
            "Article 2",
            "Article 2",
            "modified",
            False,
            [("", "Identification shall not depend on the victim's cooperation with the authorities.")],
        ),
    ]


def test_who_made_each_change() -> None:
    """Three reviewers edited the typed draft (LibreOffice signs each change with its user's name): the
    deletion was the Ministry's, the new number of the reflection period IOM's, the rest the committee's."""
    comparison = compare_tracked(tracked_versions(TYPED), None)
    assert [(p.left and p.left.label, p.changed_by) for p in comparison.pairs] == [
        ("Article 1", ("Drafting Committee",)),  # "and witnesses" inserted
        ("Article 2", ("Ministry of Justice",)),  # deleted
        ("Article 3", ("Drafting Committee",)),  # renumbered, a paragraph added
        ("Article 4", ("Drafting Committee", "IOM Georgia")),  # renumbered; thirty → ninety
        (None, ("Drafting Committee",)),  # Entry into force
    ]

"""Normalisation and word-level redlines (pure, no model)."""

from __future__ import annotations

import pytest

from search.diff import DiffOp, normalise, word_diff

# (left, right, same after normalisation?) — formatting-only edits must compare equal.
NORMALISE_TABLE = [
    ("the  State   shall", "the State shall", True),  # runs of spaces
    ("“trafficking in persons”", '"trafficking in persons"', True),  # curly vs straight quotes
    ("the victim’s rights", "the victim's rights", True),  # apostrophe style
    ("1990–2000", "1990-2000", True),  # en dash vs hyphen
    ("traf-\nficking in persons", "trafficking in persons", True),  # hyphenation at a line end
    ("page one\fpage two", "page one page two", True),  # page break
    ("recovery ( a )", "recovery (a)", True),  # spaces inside brackets
    ("co\u00adoperation", "cooperation", True),  # soft hyphen
    ("shall", "must", False),  # a real change
    ("Article 5", "Article 6", False),
]


@pytest.mark.parametrize(("left", "right", "same"), NORMALISE_TABLE)
def test_normalise_table(left: str, right: str, same: bool) -> None:
    assert (normalise(left) == normalise(right)) is same


def test_word_diff_ops_are_spans_of_the_originals() -> None:
    left = "Each Party shall, promptly, protect victims."
    right = "Each Party must protect all victims."
    ops = word_diff(left, right)
    assert [o.op for o in ops] == ["equal", "replace", "equal", "insert", "equal"]
    assert ops[1] == DiffOp("replace", "shall, promptly,", "must")
    assert ops[3] == DiffOp("insert", "", "all")
    assert all(o.left in left and o.right in right for o in ops)


def test_word_diff_of_identical_texts_is_one_equal_op() -> None:
    ops = word_diff("a b c.", "a b c.")
    assert [o.op for o in ops] == ["equal"]


def test_word_diff_ignores_quote_style() -> None:
    assert [o.op for o in word_diff("the “victim”", 'the "victim"')] == ["equal"]


def test_word_diff_empty() -> None:
    assert word_diff("", "") == ()
    assert word_diff("", "new text") == (DiffOp("insert", "", "new text"),)

"""Word's automatic numbering in DOCX drafts: real Word XML written with python-docx, read back by ctkb."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ingest.errors import InputError
from ingest.ocr import ReadContext
from ingest.readers import read_pages
from ingest.readers.docx_numbering import format_number
from ingest.service import parse_file, tracked_versions

LEVELS = [  # (numFmt, lvlText): Article 1. / 1. / (a) / (i)
    ("decimal", "Article %1."),
    ("decimal", "%2."),
    ("lowerLetter", "(%3)"),
    ("lowerRoman", "(%4)"),
]


def _abstract(abstract_id: int, levels: list[tuple[str, str]], extra: str = "") -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:suff w:val="space"/>{extra if i == 0 else ""}</w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    return f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'


class Draft:
    """A .docx whose numbering definitions are added as Word writes them (abstractNum + num)."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self.numbering = self.document.part.numbering_part.element

    def define(
        self, num_id: int, abstract_id: int, levels: list[tuple[str, str]], overrides: str = ""
    ) -> None:
        abstract = parse_xml(_abstract(abstract_id, levels))
        first_num = self.numbering.find(abstract.tag.replace("abstractNum", "num"))
        if first_num is not None:  # abstractNum elements must come before num elements
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        self.numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                f"{overrides}</w:num>"
            )
        )

    def add(self, text: str, num_id: int | None = None, level: int = 0, style: str | None = None) -> None:
        p = self.document.add_paragraph(text, style=style)
        if num_id is not None:
            p._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
                )
            )

    def save(self, path: Path) -> Path:
        self.document.save(str(path))
        return path

    def lines(self, folder: Path) -> list[str]:
        """The lines ctkb reads from the saved draft."""
        return read_pages(self.save(folder / "draft.docx"))[0].text.split("\n")


def test_number_formats() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40, 1990)] == [
        "I",
        "IV",
        "IX",
        "XIV",
        "XL",
        "MCMXC",
    ]
    assert [format_number(n, "russianLower") for n in (1, 3, 10)] == ["а", "в", "к"]
    assert [format_number(n, f) for n, f in ((7, "decimalZero"), (2, "ordinal"), (11, "ordinal"))] == [
        "07",
        "2nd",
        "11th",
    ]
    assert format_number(3, "none") == "" and format_number(3, "chineseCounting") == "3"


def test_multilevel_numbering_is_written_out_and_restarts_below(tmp_path: Path) -> None:
    d = Draft()
    d.define(101, 901, LEVELS)
    d.add("Title of the draft law")
    d.add("Definitions", 101, 0)
    d.add("For the purposes of this Law:", 101, 1)
    d.add("child means a person under 18;", 101, 2)
    d.add("victim means a natural person;", 101, 2)
    d.add("including a presumed victim", 101, 3)
    d.add("Nothing in this Law restricts rights.", 101, 1)
    d.add("Non-punishment", 101, 0)
    d.add("A victim shall not be punished.", 101, 1)
    d.add("A paragraph without numbering.")
    assert d.lines(tmp_path) == [
        "Title of the draft law",
        "Article 1. Definitions",
        "1. For the purposes of this Law:",
        "(a) child means a person under 18;",
        "(b) victim means a natural person;",
        "(i) including a presumed victim",
        "2. Nothing in this Law restricts rights.",
        "Article 2. Non-punishment",
        "1. A victim shall not be punished.",  # restarted under the new article
        "A paragraph without numbering.",
    ]


def test_lists_sharing_a_definition_continue_unless_restarted(tmp_path: Path) -> None:
    d = Draft()
    d.define(201, 902, LEVELS)
    d.define(202, 902, LEVELS)  # another list instance of the same definition: continues
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride>'
    d.define(203, 902, LEVELS, restart)  # ... unless it overrides the start
    d.add("Scope", 201)
    d.add("Purpose", 202)
    d.add("Entry into force", 203)
    d.add("Repeal", 203)
    d.add("Removed numbering", 0)  # numId 0: Word's "no numbering"
    assert d.lines(tmp_path) == [
        "Article 1. Scope",
        "Article 2. Purpose",
        "Article 10. Entry into force",
        "Article 11. Repeal",
        "Removed numbering",
    ]


def test_a_list_can_redefine_a_level_of_its_definition(tmp_path: Path) -> None:
    """``w:lvlOverride`` holding a whole ``w:lvl``: this list instance numbers that level its own way."""
    d = Draft()
    d.define(301, 903, LEVELS)
    redefine = (
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="upperRoman"/><w:lvlText w:val="Section %1 -"/><w:suff w:val="space"/></w:lvl>'
        '</w:lvlOverride><w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="(%2)"/><w:suff w:val="space"/></w:lvl></w:lvlOverride>'
    )
    d.define(302, 903, LEVELS, redefine)
    d.add("Scope", 301)
    d.add("This Law applies.", 301, 1)
    d.add("Penalties", 302)
    d.add("A fine.", 302, 1)
    d.add("Imprisonment.", 302, 1)
    d.add("including a presumed victim", 302, 2)  # a level it does not redefine: the shared one
    assert d.lines(tmp_path) == [
        "Article 1. Scope",
        "1. This Law applies.",
        "Section V - Penalties",  # redefined, and started at 5
        "(1) A fine.",
        "(2) Imprisonment.",
        "(a) including a presumed victim",
    ]


def test_numbering_from_the_paragraph_style_and_bullets(tmp_path: Path) -> None:
    d = Draft()
    d.define(301, 903, [("decimal", "Article %1"), ("decimal", "%1.%2")])
    d.define(302, 904, [("bullet", "\u2022")])
    styles = d.document.styles.element
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ArticleHeading">'
            '<w:name w:val="Article Heading"/><w:basedOn w:val="Normal"/>'
            '<w:pPr><w:numPr><w:numId w:val="301"/></w:numPr></w:pPr></w:style>'
        )
    )
    styles.append(  # a style based on it inherits the numbering
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ArticleHeadingBold">'
            '<w:name w:val="Article Heading Bold"/><w:basedOn w:val="ArticleHeading"/></w:style>'
        )
    )
    d.add("Purpose", style="Article Heading")
    d.add("Sub-article", 301, 1)
    d.add("first bullet", 302)
    d.add("Definitions", style="Article Heading Bold")
    assert d.lines(tmp_path) == [
        "Article 1 Purpose",
        "1.1 Sub-article",
        "first bullet",
        "Article 2 Definitions",
    ]


def test_auto_numbered_draft_is_parsed_into_articles(tmp_path: Path) -> None:
    d = Draft()
    d.define(401, 905, LEVELS)
    d.add("Draft Law of Testland on Combating Trafficking in Human Beings")
    for heading, body in (
        ("Purpose", "This Law sets out measures against trafficking."),
        ("Definitions", "Trafficking means the recruitment of persons for exploitation."),
        (
            "Non-punishment of victims",
            "Victims shall not be punished for acts they were compelled to commit.",
        ),
    ):
        d.add(heading, 401, 0)
        d.add(body, 401, 1)
    document = parse_file(d.save(tmp_path / "draft_v2.docx"))
    articles = document.numbered_units()
    assert [(u.number, u.label) for u in articles] == [
        ("1", "Article 1"),
        ("2", "Article 2"),
        ("3", "Article 3"),
    ]
    assert "compelled to commit" in articles[2].text


@pytest.mark.parametrize("emptied", [False, True])
def test_a_paragraph_naming_a_missing_list_keeps_its_text(tmp_path: Path, emptied: bool) -> None:
    d = Draft()
    if emptied:  # a numbering part with no definition at all
        for child in list(d.numbering):
            d.numbering.remove(child)
    d.add("Article text", 999)  # refers to a list that does not exist
    assert d.lines(tmp_path) == ["Article text"]


_REV = 'w:id="{n}" w:author="Drafter" w:date="2026-11-30T10:00:00Z"'
MOJ, IOM = "Ministry of Justice", "IOM Georgia"


def _by(n: int, author: str) -> str:
    """The attributes of revision ``n`` made by ``author``."""
    return f'w:id="{n}" w:author="{author}" w:date="2026-11-30T10:00:00Z"'


def _tracked(
    d: Draft, runs: str, *, num_id: int | None = None, mark: str = "", author: str = "Drafter"
) -> None:
    """A paragraph of raw runs (``<w:ins>``, ``<w:del>``, ``<w:moveFrom>`` … as Word writes them); ``mark``:
    "del", "ins", "moveFrom" or "moveTo" for a paragraph whose mark is a tracked change (by ``author``)."""
    d.add("", num_id, 0)
    p = d.document.paragraphs[-1]._p
    if mark:
        p.get_or_add_pPr().append(parse_xml(f"<w:rPr {nsdecls('w')}><w:{mark} {_by(90, author)}/></w:rPr>"))
    for el in parse_xml(f"<w:body {nsdecls('w')}>{runs}</w:body>"):
        p.append(el)


def _r(text: str, tag: str = "t") -> str:
    return f'<w:r><w:{tag} xml:space="preserve">{text}</w:{tag}></w:r>'


def _tracked_draft() -> Draft:
    """A draft with unaccepted changes of every kind ctkb reads (Word's own XML for each)."""
    d = Draft()
    d.define(501, 906, LEVELS)
    d.add("Draft Law of Testland on Victim Protection")
    d.add("Purpose", 501, 0)
    _tracked(
        d,
        _r("This Law protects victims")
        + f"<w:ins {_REV.format(n=1)}>{_r(' and witnesses')}</w:ins>"
        + f"<w:del {_REV.format(n=2)}>{_r(' of crime', 'delText')}</w:del>"
        + _r("."),
    )
    _tracked(
        d,
        f"<w:moveFrom {_REV.format(n=3)}>{_r('Victims may stay ninety days.')}</w:moveFrom>",
        mark="moveFrom",
    )
    _tracked(d, f"<w:del {_REV.format(n=4)}>{_r('Shelters', 'delText')}</w:del>", num_id=501, mark="del")
    _tracked(d, f"<w:del {_REV.format(n=5)}>{_r('Victims shall be housed.', 'delText')}</w:del>", mark="del")
    d.add("Compensation", 501, 0)
    _tracked(d, _r("Victims may claim "), mark="del")  # its mark deleted: joined to the next paragraph
    d.add("compensation from the State.")
    _tracked(
        d, f"<w:moveTo {_REV.format(n=6)}>{_r('Victims may stay ninety days.')}</w:moveTo>", mark="moveTo"
    )
    _tracked(d, f"<w:ins {_REV.format(n=8)}>{_r('Victims may work.')}</w:ins>", mark="ins")  # a new paragraph
    # numbered by a tracked change of its properties: before it, a plain paragraph
    d.add("Final provisions", 501, 0)
    d.document.paragraphs[-1]._p.pPr.append(
        parse_xml(f"<w:pPrChange {nsdecls('w')} {_REV.format(n=9)}><w:pPr/></w:pPrChange>")
    )
    table = d.document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "Fund"
    table.cell(1, 0).text = "Abolished fund"
    table.rows[1]._tr.get_or_add_trPr().append(parse_xml(f"<w:del {nsdecls('w')} {_REV.format(n=7)}/>"))
    return d


def test_tracked_changes_are_read_as_accepted(tmp_path: Path) -> None:
    """A draft with unaccepted changes reads as Word shows it without markup: inserted text kept, deleted
    text and deleted paragraphs gone (the list numbering skips them), moved text once at its new place,
    a deleted table row left out, a paragraph whose mark was deleted joined to the next; the document
    says how many changes it read so."""
    d = _tracked_draft()
    assert d.lines(tmp_path) == [
        "Draft Law of Testland on Victim Protection",
        "Article 1. Purpose",
        "This Law protects victims and witnesses.",
        "Article 2. Compensation",  # not 3: the deleted article "Shelters" is not counted
        "Victims may claim compensation from the State.",
        "Victims may stay ninety days.",
        "Victims may work.",
        "Article 3. Final provisions",
        "Fund",
    ]
    document = parse_file(tmp_path / "draft.docx")
    assert [u.label for u in document.numbered_units()] == ["Article 1", "Article 2", "Article 3"]
    # counted as Word stores them: a deleted paragraph's text and its mark are two
    assert any(w.startswith("15 tracked changes read as accepted") for w in document.warnings)
    # a file without tracked changes carries no such note
    plain = Draft()
    plain.add("Article 1")
    plain.add("Victims shall be protected.")
    assert not any("tracked" in w for w in parse_file(plain.save(tmp_path / "plain.docx")).warnings)


def test_the_text_before_tracked_changes(tmp_path: Path) -> None:
    """The original view reads the same draft as it was before the changes: insertions dropped, deleted
    text and paragraphs kept (and numbered), moved text at its old place, a paragraph whose mark was
    inserted joined to the next, a paragraph numbered by a tracked change plain, a deleted row kept."""
    path = _tracked_draft().save(tmp_path / "draft.docx")
    assert read_pages(path, ReadContext(tracked="original"))[0].text.split("\n") == [
        "Draft Law of Testland on Victim Protection",
        "Article 1. Purpose",
        "This Law protects victims of crime.",
        "Victims may stay ninety days.",
        "Article 2. Shelters",
        "Victims shall be housed.",
        "Article 3. Compensation",
        "Victims may claim ",
        "compensation from the State.",
        "Final provisions",
        "Fund",
        "Abolished fund",
    ]
    document = parse_file(path, tracked="original")
    assert [u.label for u in document.numbered_units()] == ["Article 1", "Article 2", "Article 3"]
    assert any(w.startswith("15 tracked changes read as rejected") for w in document.warnings)


ARTICLES = [
    ("Purpose", "This Law sets out the measures of Testland against trafficking in human beings{ins}."),
    ("Shelters", "The State shall fund shelters offering safe accommodation to presumed victims."),
    (
        "Compensation",
        "Every victim may claim compensation from the offender and, failing that, from the State.",
    ),
    (
        "Reflection period",
        "A presumed victim shall be granted a recovery and reflection period of thirty days.",
    ),
]


def amended_draft(tmp_path: Path) -> Path:
    """Four articles; tracked: Article 2 deleted and a new last article (by the Ministry of Justice), words
    inserted in Article 1 (by IOM)."""
    d = Draft()
    d.define(501, 906, LEVELS)
    d.add("Draft Law of Testland on Victim Protection")
    for k, (heading, text) in enumerate(ARTICLES):
        if k == 1:  # deleted with its text
            deleted = f"<w:del {_by(1, MOJ)}>{_r(heading, 'delText')}</w:del>"
            _tracked(d, deleted, num_id=501, mark="del", author=MOJ)
            _tracked(d, f"<w:del {_by(2, MOJ)}>{_r(text, 'delText')}</w:del>", mark="del", author=MOJ)
            continue
        d.add(heading, 501, 0)
        if "{ins}" in text:
            head, tail = text.split("{ins}")
            _tracked(d, _r(head) + f"<w:ins {_by(3, IOM)}>{_r(' and forced labour')}</w:ins>" + _r(tail))
        else:
            d.add(text)
    _tracked(d, f"<w:ins {_by(4, MOJ)}>{_r('Entry into force')}</w:ins>", num_id=501, mark="ins", author=MOJ)
    entry = f"<w:ins {_by(5, MOJ)}>{_r('This Law enters into force on 1 July.')}</w:ins>"
    _tracked(d, entry, mark="ins", author=MOJ)
    path = d.save(tmp_path / "draft.docx")
    return path


def test_a_drafts_tracked_changes_compared_as_two_versions(tmp_path: Path) -> None:
    """``tracked_versions``: the text before the changes and after them, as two versions of the draft;
    the crosswalk then says what the changes did (an article deleted, those after it renumbered, a
    reworded one modified, a new one added) and who made them."""
    from search.compare import compare_tracked

    draft = tracked_versions(amended_draft(tmp_path))
    before, after = draft.before, draft.after
    assert (before.meta.doc_id, after.meta.doc_id) == ("draft_before_changes", "draft_changes_accepted")
    assert before.meta.version == "before the tracked changes"
    assert after.meta.title.endswith("(tracked changes accepted)")
    assert [u.heading for u in before.numbered_units()] == [h for h, _ in ARTICLES]
    crosswalk = [
        (
            p.left.label if p.left else "",
            p.right.label if p.right else "",
            p.status,
            p.renumbered,
            p.changed_by,
        )
        for p in compare_tracked(draft, None).pairs
    ]
    assert crosswalk == [
        ("Article 1", "Article 1", "modified", False, (IOM,)),
        ("Article 2", "", "removed", False, (MOJ,)),
        ("Article 3", "Article 2", "unchanged", True, ()),  # renumbered by Word's list numbering
        ("Article 4", "Article 3", "unchanged", True, ()),
        ("", "Article 4", "added", False, (MOJ,)),
    ]
    # a file without tracked changes, or not a Word file, is one line naming it
    plain = Draft()
    plain.add("Article 1")
    plain.add("Victims shall be protected.")
    with pytest.raises(InputError, match=r"^plain\.docx: no tracked changes to compare$"):
        tracked_versions(plain.save(tmp_path / "plain.docx"))
    text = tmp_path / "draft.txt"
    text.write_text("Article 1\nText.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^draft\.txt: tracked changes are read from Word files"):
        tracked_versions(text)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a Word file")
    with pytest.raises(InputError, match=r"^broken\.docx: corrupt DOCX"):
        tracked_versions(broken)


def test_ctkb_compare_tracked_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``ctkb compare DRAFT.docx --tracked-changes``: the crosswalk of one file's changes, with the real
    model, and the reports; misuse is one line."""
    import json

    from ui.cli import main

    path = amended_draft(tmp_path)
    args = ["--data-dir", str(tmp_path / "data"), "--model", "minilm"]
    md = tmp_path / "changes.md"
    assert main(["compare", str(path), "--tracked-changes", "--json", "--md", str(md), *args]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["left"]["version"] == "before the tracked changes"
    assert [p["changed_by"] for p in out["pairs"]] == [[IOM], [MOJ], [], [], [MOJ]]
    statuses = [
        (p["left"] and p["left"]["number"], p["right"] and p["right"]["number"], p["status"])
        for p in out["pairs"]
    ]
    assert statuses == [
        ("1", "1", "modified"),
        ("2", None, "removed"),
        ("3", "2", "unchanged"),
        ("4", "3", "unchanged"),
        (None, "4", "added"),
    ]
    report = md.read_text(encoding="utf-8")
    assert report.startswith(
        "# Comparison: Draft Law of Testland on Victim Protection (before the tracked changes) →"
    )
    assert "**and forced labour**" in report
    assert "| Similarity | Changed by |" in report and "| added |  | 0.00 | Ministry of Justice |" in report
    assert main(["compare", str(path), str(path), "--tracked-changes", *args]) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("--tracked-changes compares one Word file with itself: give only that file")
    )
    assert main(["compare", str(path), *args]) == 1
    assert "or one Word file with --tracked-changes" in capsys.readouterr().err

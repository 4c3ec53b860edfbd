"""Write ``tests/golden/docx/tracked_changes.docx`` (articles numbered by typed text) and
``tracked_numbering.docx`` (articles numbered by a list: Word's automatic numbering) and
``tracked_move.docx`` (a paragraph cut and pasted elsewhere, recorded as a move) with LibreOffice
editing a draft under "record changes", and LibreOffice's own readings of each with every change accepted
and every change rejected (``.accepted.txt`` / ``.original.txt``, each paragraph after its list label),
the oracle ``tests/test_docx_tracked_real.py`` compares ctkb with. Changes are signed by the profile's user
name, switched between edits so that the typed draft has three reviewers.

Not run by the tests or CI (it needs LibreOffice and its Python bridge: Debian ``libreoffice-writer-nogui``
and ``python3-uno``); run it with the system Python to write the files again::

    /usr/bin/python3 tests/support/make_tracked_docx.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "golden" / "docx"
TYPED = [
    "Draft Law of the Republic of Veloria on the Protection of Victims of Trafficking",
    "Article 1",
    "Purpose",
    "This Law sets out the measures of the State to protect victims of trafficking in human beings.",
    "Article 2",
    "Shelters",
    "The State shall fund shelters offering safe accommodation to presumed victims.",
    "Article 3",
    "Compensation",
    "Every victim may claim compensation from the offender and, failing that, from the State.",
    "Article 4",
    "Reflection period",
    "A presumed victim shall be granted a recovery and reflection period of thirty days.",
]
# (text, numbered): the headings of articles are items of one list ("1.", "2." …)
LISTED = [
    ("Draft Law of the Republic of Veloria on Labour Inspection", False),
    ("Purpose", True),
    ("This Law governs inspections of workplaces for signs of forced labour.", False),
    ("Powers of inspectors", True),
    ("Labour inspectors may enter any workplace without prior notice.", False),
    ("Confiscated documents", True),
    ("Inspectors shall record every identity document held by an employer.", False),
    ("Referral", True),
    (
        "An inspector who finds signs of trafficking shall refer the worker to the national referral mechanism.",
        False,
    ),
]


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _paragraphs(doc):  # type: ignore[no-untyped-def]
    enum = doc.Text.createEnumeration()
    out = []
    while enum.hasMoreElements():
        out.append(enum.nextElement())
    return out


def _find(doc, text: str):  # type: ignore[no-untyped-def]
    search = doc.createSearchDescriptor()
    search.SearchString = text
    search.SearchCaseSensitive = True
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"not found: {text!r}")
    return found


def _between(doc, first: str, until: str):  # type: ignore[no-untyped-def]
    """A cursor over the text from where ``first`` starts to where ``until`` starts (paragraph marks too)."""
    cursor = doc.Text.createTextCursorByRange(_find(doc, first).getStart())
    cursor.gotoRange(_find(doc, until).getStart(), True)
    return cursor


def _edit_typed(doc, _dispatcher, sign) -> None:  # type: ignore[no-untyped-def]
    text = doc.Text
    doc.RecordChanges = True
    # words inserted
    at = _find(doc, "victims of trafficking")
    cursor = text.createTextCursorByRange(at.getStart())
    cursor.goRight(len("victims"), False)
    text.insertString(cursor, " and witnesses", False)
    # Article 2 deleted with its heading and text (their paragraph marks too), by another reviewer
    sign("Ministry of Justice")
    _between(doc, "Article 2", "Article 3").setString("")
    # the articles after it renumbered by hand, as a drafter does with typed numbers
    sign("Drafting Committee")
    for old, new in (("Article 3", "Article 2"), ("Article 4", "Article 3")):
        number = _find(doc, old)
        cursor = text.createTextCursorByRange(number.getEnd())
        cursor.goLeft(1, True)
        cursor.setString(new[-1])
    # a word replaced, by a third
    sign("IOM Georgia")
    _find(doc, "thirty").setString("ninety")
    sign("Drafting Committee")
    # a paragraph added inside an article
    cursor = text.createTextCursorByRange(_find(doc, "from the State.").getEnd())
    text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK
    text.insertString(cursor, "The State shall advance the compensation within three months.", False)
    # a new article at the end
    cursor = text.createTextCursorByRange(text.getEnd())
    for line in ("Article 4", "Entry into force", "This Law enters into force on 1 July 2027."):
        text.insertControlCharacter(cursor, 0, False)
        text.insertString(cursor, line, False)


def _edit_listed(doc, _dispatcher, _sign) -> None:  # type: ignore[no-untyped-def]
    text = doc.Text
    doc.RecordChanges = True
    # the third article deleted (its numbered heading and its text): the list numbers after it close up
    _between(doc, "Confiscated documents", "Referral").setString("")
    # a new numbered article inserted before the first
    cursor = text.createTextCursorByRange(_find(doc, "Purpose").getStart())
    text.insertString(cursor, "Scope", False)
    text.insertControlCharacter(cursor, 0, False)
    text.insertString(cursor, "This Law applies to every employer in Veloria.", False)
    text.insertControlCharacter(cursor, 0, False)
    scope_text = _find(doc, "This Law applies")
    scope_text.NumberingStyleName = ""  # the text paragraph is not an item
    _find(doc, "Purpose").NumberingStyleName = "Numbering 123"
    # a word replaced
    _find(doc, "without prior notice").setString("at any hour without notice")


MOVED = [
    "Draft Law of the Republic of Veloria on Identification of Victims",
    "Article 1",
    "Identification",
    "Victims shall be identified by officials trained for the purpose.",
    "Identification shall not depend on the victim's cooperation with the authorities.",
    "Article 2",
    "Assistance",
    "Identified victims shall receive assistance in a language they understand.",
]


def _edit_moved(doc, dispatcher, _sign) -> None:  # type: ignore[no-untyped-def]
    """A paragraph cut from Article 1 and pasted at the end of Article 2: LibreOffice records a move."""
    doc.RecordChanges = True
    controller = doc.CurrentController
    controller.select(_between(doc, "Identification shall not", "Article 2"))
    dispatcher.executeDispatch(controller.Frame, ".uno:Cut", "", 0, ())
    controller.ViewCursor.gotoEnd(False)
    dispatcher.executeDispatch(controller.Frame, ".uno:InsertPara", "", 0, ())
    dispatcher.executeDispatch(controller.Frame, ".uno:Paste", "", 0, ())


def _write_moved(text) -> None:  # type: ignore[no-untyped-def]
    _write_lines(text, MOVED)


def _write_typed(text) -> None:  # type: ignore[no-untyped-def]
    _write_lines(text, TYPED)


def _write_lines(text, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    cursor = text.createTextCursor()
    for k, line in enumerate(lines):
        if k:
            text.insertControlCharacter(cursor, 0, False)
        text.insertString(cursor, line, False)


def _write_listed(text) -> None:  # type: ignore[no-untyped-def]
    _write_lines(text, [line for line, _ in LISTED])
    enum = text.createEnumeration()
    for _, numbered in LISTED:
        paragraph = enum.nextElement()
        if numbered:
            paragraph.NumberingStyleName = "Numbering 123"


def _sign_changes(smgr, ctx, given: str, surname: str) -> None:  # type: ignore[no-untyped-def]
    """The user name LibreOffice signs tracked changes with (its profile's "User Data")."""
    provider = smgr.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (_prop("nodepath", "/org.openoffice.UserProfile/Data"),),
    )
    access.setPropertyValue("givenname", given)
    access.setPropertyValue("sn", surname)
    access.commitChanges()


def _line(paragraph) -> str:  # type: ignore[no-untyped-def]
    label = paragraph.ListLabelString if paragraph.NumberingIsNumber else ""
    return f"{label} {paragraph.String}" if label else paragraph.String


SCENARIOS = (
    ("tracked_changes", _write_typed, _edit_typed),
    ("tracked_numbering", _write_listed, _edit_listed),
    ("tracked_move", _write_moved, _edit_moved),
)


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("needs LibreOffice (Debian libreoffice-writer-nogui)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.Popen(
            [
                soffice,
                "--headless",
                "--invisible",
                "--norestore",
                f"-env:UserInstallation=file://{profile}",
                "--accept=socket,host=127.0.0.1,port=2002;urp;",
            ]
        )
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", local
            )
            for _ in range(60):
                try:
                    ctx = resolver.resolve(
                        "uno:socket,host=127.0.0.1,port=2002;urp;StarOffice.ComponentContext"
                    )
                    break
                except Exception:
                    time.sleep(0.5)
            else:
                raise SystemExit("LibreOffice did not start")
            smgr = ctx.ServiceManager
            desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            hidden = (_prop("Hidden", True),)
            _sign_changes(smgr, ctx, "Drafting", "Committee")

            for stem, write, edit in SCENARIOS:
                doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, hidden)
                write(doc.Text)
                edit(doc, dispatcher, lambda name: _sign_changes(smgr, ctx, *name.split(" ", 1)))
                _sign_changes(smgr, ctx, "Drafting", "Committee")
                docx = OUT / f"{stem}.docx"
                doc.storeToURL(uno.systemPathToFileUrl(str(docx)), (_prop("FilterName", "MS Word 2007 XML"),))
                doc.close(True)
                for command, suffix in (
                    ("AcceptAllTrackedChanges", "accepted"),
                    ("RejectAllTrackedChanges", "original"),
                ):
                    url = uno.systemPathToFileUrl(str(docx))
                    doc = desktop.loadComponentFromURL(url, "_blank", 0, hidden)
                    dispatcher.executeDispatch(doc.CurrentController.Frame, f".uno:{command}", "", 0, ())
                    lines = [_line(p) for p in _paragraphs(doc)]
                    (OUT / f"{stem}.{suffix}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
                    doc.close(True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(
        f"wrote {', '.join(stem for stem, _, _ in SCENARIOS)} (.docx, .accepted.txt, .original.txt) to {OUT}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write ``tests/golden/docx/tracked_changes.docx`` with LibreOffice editing a draft under "record
changes", and LibreOffice's own readings of it with every change accepted and every change rejected
(``.accepted.txt`` / ``.original.txt``), the oracle ``tests/test_docx_tracked_real.py`` compares ctkb with.

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
STEM = "tracked_changes"
PARAGRAPHS = [
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


def _edit(doc) -> None:  # type: ignore[no-untyped-def]
    text = doc.Text
    doc.RecordChanges = True
    # words inserted
    at = _find(doc, "victims of trafficking")
    cursor = text.createTextCursorByRange(at.getStart())
    cursor.goRight(len("victims"), False)
    text.insertString(cursor, " and witnesses", False)
    # Article 2 deleted with its heading and text (their paragraph marks too)
    start = _find(doc, "Article 2").getStart()
    end = _find(doc, "Article 3").getStart()
    cursor = text.createTextCursorByRange(start)
    cursor.gotoRange(end, True)
    cursor.setString("")
    # the articles after it renumbered by hand, as a drafter does with typed numbers
    for old, new in (("Article 3", "Article 2"), ("Article 4", "Article 3")):
        number = _find(doc, old)
        cursor = text.createTextCursorByRange(number.getEnd())
        cursor.goLeft(1, True)
        cursor.setString(new[-1])
    # a word replaced
    _find(doc, "thirty").setString("ninety")
    # a paragraph added inside an article
    cursor = text.createTextCursorByRange(_find(doc, "from the State.").getEnd())
    text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK
    text.insertString(cursor, "The State shall advance the compensation within three months.", False)
    # a new article at the end
    cursor = text.createTextCursorByRange(text.getEnd())
    for line in ("Article 4", "Entry into force", "This Law enters into force on 1 July 2027."):
        text.insertControlCharacter(cursor, 0, False)
        text.insertString(cursor, line, False)


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

            doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, hidden)
            text = doc.Text
            cursor = text.createTextCursor()
            for k, line in enumerate(PARAGRAPHS):
                if k:
                    text.insertControlCharacter(cursor, 0, False)
                text.insertString(cursor, line, False)
            _edit(doc)
            docx = OUT / f"{STEM}.docx"
            doc.storeToURL(uno.systemPathToFileUrl(str(docx)), (_prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)

            for command, suffix in (
                ("AcceptAllTrackedChanges", "accepted"),
                ("RejectAllTrackedChanges", "original"),
            ):
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(docx)), "_blank", 0, hidden)
                dispatcher.executeDispatch(doc.CurrentController.Frame, f".uno:{command}", "", 0, ())
                lines = [p.String for p in _paragraphs(doc)]
                (OUT / f"{STEM}.{suffix}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
                doc.close(True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"wrote {OUT}/{STEM}.docx, .accepted.txt, .original.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Render the sample corpus sources (corpus/src/*.md) to PDF (corpus/<name>.pdf).

Usage:  python corpus/build.py [--out DIR] [NAME ...]

Source format (UTF-8):
  first lines ``%header: <running header text>`` (required) and optional
  ``%title: <PDF metadata title>``; ``# text`` = title-page line (bold, large),
  ``## text`` = chapter/section heading (bold), ``### text`` = article/sub-heading
  (bold); a blank line ends a paragraph; other lines are joined into paragraphs.
  Lines starting with ``- `` are bullet items; a line starting with ``N.`` or
  ``(a)`` starts a new paragraph (points ``(a)`` are indented).

Output is deterministic: reportlab ``invariant=1`` fixes dates and document ids,
so a rebuild of unchanged sources is byte-identical.
Requires the DejaVu Sans fonts (Latin, Cyrillic and Georgian coverage).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


class FontMissing(RuntimeError):
    pass


def fonts_available() -> bool:
    return FONT.is_file() and FONT_BOLD.is_file()


def _register_fonts() -> None:
    if not fonts_available():
        raise FontMissing(
            f"DejaVu Sans fonts not found ({FONT}, {FONT_BOLD}); install fonts-dejavu-core "
            "(apt-get install fonts-dejavu-core) to regenerate the corpus PDFs. "
            "The committed PDFs remain usable without it."
        )
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_BOLD)))
    pdfmetrics.registerFontFamily(
        "DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu", boldItalic="DejaVu-Bold"
    )


# "1." / "1.1" paragraphs, "(a)" points, Georgian "ა)", Russian "а)" and numbered "1)" points
_NEW_PARA = re.compile(r"^\s*(\d+\.(\d+\.?)*\s|\([a-z]{1,4}\)\s|[\u10d0-\u10f0]\)\s|\d+\)\s|[а-я]\)\s)")


def parse(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return (meta, blocks) where blocks are (kind, text); kind in title/h2/h3/p/li."""
    meta: dict[str, str] = {}
    blocks: list[tuple[str, str]] = []
    para: list[str] = []
    kind_of_para = ["p"]

    def flush() -> None:
        if para:
            blocks.append((kind_of_para[0], " ".join(para)))
            para.clear()
        kind_of_para[0] = "p"

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("%") and ":" in line and not blocks and not para:
            k, v = line[1:].split(":", 1)
            meta[k.strip()] = v.strip()
            continue
        if not line.strip():
            flush()
            continue
        for prefix, kind in (("### ", "h3"), ("## ", "h2"), ("# ", "title"), ("- ", "li")):
            if line.startswith(prefix):
                flush()
                blocks.append((kind, line[len(prefix) :].strip()))
                break
        else:
            if _NEW_PARA.match(line):
                flush()
                if not line.lstrip()[0].isdigit():
                    kind_of_para[0] = "pt"
            para.append(line.strip())
    flush()
    if "header" not in meta:
        raise ValueError("source lacks a '%header:' line")
    return meta, blocks


def render(src: Path, out: Path) -> Path:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_fonts()
    meta, blocks = parse(src.read_text(encoding="utf-8"))
    header = meta["header"]

    body = ParagraphStyle("body", fontName="DejaVu", fontSize=11, leading=14.5, spaceAfter=5)
    styles = {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName="DejaVu-Bold",
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceAfter=4,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="DejaVu-Bold",
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName="DejaVu-Bold", spaceBefore=6, spaceAfter=3, keepWithNext=1
        ),
        "p": body,
        "pt": ParagraphStyle("pt", parent=body, leftIndent=18),
        "li": ParagraphStyle("li", parent=body, leftIndent=14, bulletIndent=4),
    }

    class NumberedCanvas(rl_canvas.Canvas):
        """Defers page output so the footer can say 'Page N of M'; invariant output."""

        def __init__(self, *a, **kw):
            kw.setdefault("invariant", 1)
            super().__init__(*a, **kw)
            self._saved: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab API)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = A4
            self.saveState()
            self.setFont("DejaVu", 9)
            self.drawCentredString(w / 2, 10 * mm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    def draw_header(c, _doc) -> None:
        # drawn before the page body (like most real PDFs); the footer needs the
        # page total, so NumberedCanvas adds it after the body.
        w, h = A4
        c.saveState()
        c.setFont("DejaVu", 9)
        c.drawCentredString(w / 2, h - 12 * mm, header)
        c.line(20 * mm, h - 14 * mm, w - 20 * mm, h - 14 * mm)
        c.restoreState()

    story = []
    prev = None
    for kind, text in blocks:
        if kind != "title" and prev == "title":
            story.append(Spacer(1, 10))
        if kind == "li":
            story.append(Paragraph(escape(text), styles["li"], bulletText="•"))
        else:
            story.append(Paragraph(escape(text), styles[kind]))
        prev = kind

    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=meta.get("title", header),
        author="ctkb sample corpus (fictional)",
        subject="Fictional sample document of the Republic of Veloria",
        creator="corpus/build.py",
        producer="ctkb corpus build",
        invariant=1,
    )
    doc.build(story, onFirstPage=draw_header, onLaterPages=draw_header, canvasmaker=NumberedCanvas)
    return out


def sources() -> list[Path]:
    return sorted(SRC.glob("*.md"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: corpus/)")
    ap.add_argument("names", nargs="*", help="source names without .md (default: all)")
    args = ap.parse_args(argv)
    srcs = [s for s in sources() if not args.names or s.stem in args.names]
    try:
        for s in srcs:
            out = render(s, args.out / f"{s.stem}.pdf")
            print(f"wrote {out}")
    except FontMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Plain-text and Markdown readers: pages split on form feeds, legacy encodings tolerated."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import InputError
from ingest.model import PageText

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+.*$")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)")
_CODE = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RULE = re.compile(r"^ {0,3}(?:[-*_][ \t]*){3,}$")


def read_text(path: Path) -> list[PageText]:
    """Pages of a ``.txt`` file, split on form feed (one page when there is none)."""
    return _pages(_decode(_read_bytes(path)))


def read_markdown(path: Path) -> list[PageText]:
    """Pages of a ``.md`` file with markup removed; headings keep their text, lines stay lines."""
    return [PageText(p.number, strip_markdown(p.text)) for p in read_text(path)]


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError("empty file")
    return data


def _decode(data: bytes) -> str:
    """UTF-8 (BOM tolerated); UTF-16 with a BOM; else cp1252, else latin-1 (never fails)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("not a text file (invalid UTF-16)") from exc
    if b"\x00" in data:
        raise InputError("not a text file (binary data: NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(8, len(text) // 100):
        raise InputError("not a text file (binary data: control characters)")
    return text


def _pages(text: str) -> list[PageText]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("empty file")
    pages = text.split("\f")
    while not pages[-1].strip():  # a form feed that ends the file does not start a page
        pages.pop()
    return [PageText(number=i + 1, text=page) for i, page in enumerate(pages)]


def strip_markdown(text: str) -> str:
    """Remove Markdown markup that is not content, one output line per input line."""
    out: list[str] = []
    text = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    in_fence = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence:
            out.append(line)
            continue
        if _LINK_DEF.match(line) or _RULE.match(line) or (_SETEXT.match(line) and out and out[-1].strip()):
            out.append("")
            continue
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = re.sub(r"^(\s*)>\s?", r"\1", line)  # block quotes
        line = _IMAGE.sub(r"\1", line)
        line = _LINK.sub(r"\1", line)
        line = _REF_LINK.sub(r"\1", line)
        line = _AUTOLINK.sub(r"\1", line)
        line = _CODE.sub(r"\1", line)
        for _ in range(2):  # nested emphasis: ***x*** or **_x_**
            line = _EMPHASIS.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), line)
        line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>])", r"\1", line)  # backslash escapes
        out.append(line)
    return "\n".join(out)

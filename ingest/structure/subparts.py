"""Paragraphs and points inside a unit: "1.", "(1)", "1)" and "(a)", "a)", "(i)", "(A)", "1°.".

Lenient by design: a marker only counts when it continues the sequence of its level (b after a)
or opens a deeper level at its first value (a, 1, i); anything else stays plain text. Kinds:
depth 0 is a ``paragraph`` when numbered and a ``point`` when lettered; depth 1 is a ``point``;
deeper levels are ``subpoint``s. Labels cite the chain: "Article 5(2)(a)".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.model import Provision
from ingest.structure.lines import Line
from ingest.structure.patterns import ID_PREFIX, letter_value, roman_to_int

_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{1,3})°\.?\s+"), "n°"),
    (re.compile(r"^(\d{1,3})\.\s+(?=\S)"), "n."),
    (re.compile(r"^\((\d{1,3}[A-Z]?)\)\s*"), "(n)"),
    (re.compile(r"^(\d{1,3})\)\s+"), "n)"),
    (re.compile(r"^\(([a-z]{1,2}|[ivxlc]{1,6})\)\s*"), "(a)"),
    (re.compile(r"^([a-z]|[ivxlc]{1,6})\)\s+"), "a)"),
    (re.compile(r"^([a-z])\.\s+"), "a."),
    (re.compile(r"^\(([A-Z]{1,2}|[IVXLC]{1,6})\)\s*"), "(A)"),
    (re.compile(r"^\(([а-яა-ჰա-ֆ])\)\s*"), "(a)"),
    (re.compile(r"^([а-яა-ჰա-ֆ])\)\s+"), "a)"),
)
# List letters of Russian, Georgian and Armenian laws ("а)", "ა)", "ա)"), in citation order.
_ALPHABETS = {
    "cyrillic": "абвгдежзиклмнопрстуфхцчшщэюя",
    "georgian": "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    "armenian": "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
}


@dataclass
class _Node:
    style: tuple[str, str]  # (sequence type, punctuation form)
    value: int
    number: str
    lines: list[Line] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


def _readings(text: str) -> list[tuple[tuple[str, str], int, str]]:
    """Possible (style, value, number) readings of a line's leading marker."""
    for rx, form in _MARKERS:
        m = rx.match(text)
        if not m:
            continue
        tok = m.group(1)
        out = []
        if tok[0].isdigit():
            digits = re.match(r"\d+", tok)
            out.append((("num", form), int(digits.group(0)) if digits else 0, tok))
        elif not tok.isascii():
            for script, letters in _ALPHABETS.items():
                if tok in letters:
                    out.append(((script, form), letters.index(tok) + 1, tok))
        else:
            low = tok.lower()
            case = "lower" if tok.islower() else "upper"
            if len(set(low)) == 1 and len(low) <= 2 or len(low) == 1:
                out.append(((f"alpha-{case}", form), letter_value(low), tok))
            r = roman_to_int(tok)
            if r is not None:
                out.append(((f"roman-{case}", form), r, tok))
        return out
    return []


def _place(stack: list[_Node], readings: list[tuple[tuple[str, str], int, str]]) -> int | None:
    """Depth at which a marker fits (continuing a level or opening a deeper one), else None."""
    for style, value, _ in readings:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].style == style and value == stack[depth].value + 1:
                return depth
    for style, value, _ in readings:
        if value == 1 and all(n.style != style for n in stack):
            return len(stack)
    return None


def parse_subparts(lines: Sequence[Line]) -> list[_Node]:
    """Top-level paragraph/point nodes of a unit body (empty when no clear markers)."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for line in lines:
        readings = _readings(line.text) if line.text else []
        depth = _place(stack, readings) if readings else None
        if depth is not None:
            style, value, number = next(
                (s, v, n)
                for s, v, n in readings
                if (depth < len(stack) and s == stack[depth].style and v == stack[depth].value + 1)
                or (depth == len(stack) and v == 1)
            )
            node = _Node(style, value, number)
            del stack[depth:]
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
        for open_node in stack:
            open_node.lines.append(line)
    return roots


def _text(lines: Sequence[Line]) -> str:
    return "\n".join(ln.text for ln in lines).strip()


def build_subparts(
    lines: Sequence[Line], base_id: str, base_label: str, path: tuple[str, ...]
) -> tuple[Provision, ...]:
    """Provision children for a unit body; ids ``<unit>__para_1__point_a``."""
    roots = parse_subparts(lines)
    if len(roots) == 1 and not roots[0].children and len(lines) and roots[0].lines == list(lines):
        return ()  # a lone marker is not a structure worth a child
    return tuple(_to_provision(n, base_id, base_label, path, 0, None) for n in roots)


def _to_provision(
    node: _Node, base_id: str, base_label: str, path: tuple[str, ...], depth: int, parent_kind: str | None
) -> Provision:
    numeric = node.style[0] == "num"
    if depth == 0:
        kind = "paragraph" if numeric else "point"
    elif depth == 1 and parent_kind == "paragraph":
        kind = "point"
    else:
        kind = "subpoint" if depth >= 1 else "point"
    # ids stay ASCII: a non-Latin list letter ("б)") is named by its position ("point_2")
    token = node.number.lower() if node.number.isascii() else str(node.value)
    pid = f"{base_id}__{ID_PREFIX[kind]}_{token}"
    label = f"{base_label}({node.number})"
    pages = [ln.page for ln in node.lines if ln.text]
    children = tuple(_to_provision(c, pid, label, path, depth + 1, kind) for c in node.children)
    return Provision(
        id=pid,
        kind=kind,
        number=node.number,
        label=label,
        text=_text(node.lines),
        page_start=min(pages, default=0),
        page_end=max(pages, default=0),
        children=children,
        path=path,
    )

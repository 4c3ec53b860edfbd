"""HTML built only from escaped pieces: snippets with highlights, provision text, side-by-side redlines.

Every function here escapes every piece of document text it is given, so pages may pass the result to
``st.markdown(..., unsafe_allow_html=True)``. Output is one line (newlines become ``<br>``): Streamlit
parses markdown, and a blank line would end the HTML block and let the rest be read as markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")
# A line break inside a paragraph (PDF line wrap), unless the next line opens a numbered item.
_SOFT_BREAK = re.compile(r"(?<!\n)\n(?![ \t]*(?:\n|\(?[0-9a-zA-Z]{1,3}[.)][ \t]|[-•–][ \t]))")

CSS = (
    "<style>"
    ".ctkb-card{border:1px solid rgba(128,128,128,.35);border-radius:.5rem;padding:.6rem .8rem;margin:.2rem 0}"
    ".ctkb-pin{font-size:.85rem;opacity:.75;margin-top:.3rem}"
    ".ctkb-cite{font-weight:600}.ctkb-head{font-style:italic;margin:.15rem 0}"
    ".ctkb-path{font-size:.85rem;opacity:.75}"
    ".ctkb-score{float:right;font-size:.8rem;opacity:.7}"
    ".ctkb-card mark,.ctkb-prov mark{background:#fde68a;color:inherit;padding:0 .1em;border-radius:.15em}"
    ".ctkb-prov{white-space:normal;line-height:1.5}"
    ".ctkb-red{width:100%;border-collapse:collapse;table-layout:fixed}"
    ".ctkb-red td,.ctkb-red th{vertical-align:top;border:1px solid rgba(128,128,128,.3);padding:.4rem;"
    "text-align:left;word-wrap:break-word}"
    ".ctkb-red del{background:#fecaca;color:#7f1d1d;text-decoration:line-through}"
    ".ctkb-red ins{background:#bbf7d0;color:#14532d;text-decoration:none}"
    ".ctkb-badge{display:inline-block;border-radius:.3rem;padding:0 .35rem;font-size:.8rem;margin-right:.3rem;"
    "background:rgba(128,128,128,.18)}"
    '[data-testid="stAppDeployButton"]{display:none}'
    "</style>"
)


def esc(text: object) -> str:
    """Escape text for HTML (quotes too); newlines become ``<br>`` so the output stays one line."""
    return html.escape("" if text is None else str(text), quote=True).replace("\r", "").replace("\n", "<br>")


def reflow(text: str) -> str:
    """Join lines wrapped by the PDF layout; keep breaks before numbered items and between paragraphs.

    Length-preserving (one newline becomes one space), so mark spans into ``text`` stay valid.
    """
    return _SOFT_BREAK.sub(" ", text)


def md_escape(text: object) -> str:
    """Escape text for places Streamlit reads as markdown (labels, captions, plain ``st.markdown``)."""
    flat = " ".join(("" if text is None else str(text)).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def segments_html(segments: Iterable[tuple[str, bool]]) -> str:
    """``(piece, marked)`` pairs (e.g. ``Snippet.segments()``) as escaped HTML with ``<mark>``."""
    return "".join(f"<mark>{esc(piece)}</mark>" if marked else esc(piece) for piece, marked in segments)


def highlight_html(text: str, marks: Sequence[tuple[int, int]]) -> str:
    """``text`` with the ``[start, end)`` spans of ``marks`` highlighted; bad spans are ignored."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(marks):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], False))
    return segments_html(pieces)


def snippet_html(snippet: Any) -> str:
    """A ``search.snippet.Snippet`` (text + mark spans) as escaped HTML."""
    return highlight_html(snippet.text, tuple(snippet.marks))


def card_html(hit: Any) -> str:
    """A result card: citation, where the provision sits (its chapter, the sections above it), heading,
    highlighted snippet, score, and the citation down to the paragraph that holds the snippet."""
    path = getattr(hit, "path", ())
    where = f'<div class="ctkb-path">{esc(" › ".join(path))}</div>' if path else ""
    heading = f'<div class="ctkb-head">{esc(hit.heading)}</div>' if hit.heading else ""
    pin = (
        f'<div class="ctkb-pin">Cite the passage: {esc(hit.pinpoint_citation)}</div>'
        if hit.pinpoint_citation != hit.citation  # a paragraph, or the pages of a long provision's passage
        else ""
    )
    return (
        '<div class="ctkb-card">'
        f'<span class="ctkb-score">score {hit.score:.3f}</span>'
        f'<div class="ctkb-cite">{esc(hit.citation)}</div>'
        f"{where}{heading}"
        f'<div class="ctkb-snip">{snippet_html(hit.snippet)}</div>'
        f"{pin}"
        "</div>"
    )


def text_html(text: str, marks: Sequence[tuple[int, int]] = ()) -> str:
    """A whole provision's text, escaped; paragraph and item breaks kept, PDF line wraps joined."""
    return f'<div class="ctkb-prov">{highlight_html(reflow(text), marks)}</div>'


def redline_sides(ops: Sequence[Any]) -> tuple[str, str]:
    """Left (deletions struck) and right (insertions marked) HTML of a word diff (``search.diff.DiffOp``)."""
    left: list[str] = []
    right: list[str] = []
    for op in ops:
        if op.op == "equal":
            left.append(esc(reflow(op.left)))
            right.append(esc(reflow(op.right)))
            continue
        if op.left:
            left.append(f"<del>{esc(reflow(op.left))}</del>")
        if op.right:
            right.append(f"<ins>{esc(reflow(op.right))}</ins>")
    return " ".join(left), " ".join(right)


def redline_table(left_title: str, right_title: str, rows: Sequence[tuple[str, str, str]]) -> str:
    """Side-by-side table; ``rows`` are ``(row label, left html, right html)`` already built here."""
    head = f"<tr><th style='width:16%'></th><th>{esc(left_title)}</th><th>{esc(right_title)}</th></tr>"
    body = "".join(f"<tr><td>{esc(label)}</td><td>{lh}</td><td>{rh}</td></tr>" for label, lh, rh in rows)
    return f'<table class="ctkb-red">{head}{body}</table>'


def badges_html(labels: Iterable[str]) -> str:
    return "".join(f'<span class="ctkb-badge">{esc(label)}</span>' for label in labels if label)


def redline_rows(pairs: Sequence[Any]) -> list[tuple[str, str, str]]:
    """Rows for :func:`redline_table` from crosswalk pairs: word diff where there is one, else whole texts."""
    rows = []
    for pair in pairs:
        lp, rp = pair.left, pair.right
        label = " → ".join(x.label or x.number for x in (lp, rp) if x is not None)
        if lp is not None and rp is not None and pair.diff:
            lh, rh = redline_sides(pair.diff)
        elif lp is not None and rp is not None:
            lh, rh = esc(reflow(lp.text)), esc(reflow(rp.text))
        elif rp is not None:
            lh, rh = "", f"<ins>{esc(reflow(rp.text))}</ins>"
        else:
            lh, rh = f"<del>{esc(reflow(lp.text))}</del>", ""
        heads = [x.heading for x in (lp, rp) if x is not None and x.heading]
        title = f"{label} · {heads[-1]}" if heads else label
        rows.append((title, lh, rh))
    return rows

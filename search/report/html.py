"""Self-contained, printable HTML for a Comparison or a CoverageReport (no scripts, no external assets)."""

from __future__ import annotations

from html import escape

from ingest.model import DocumentMeta, Provision
from search.citation import provision_label
from search.compare import CROSS_LANGUAGE_NOTE, Comparison, Pair
from search.coverage import CoverageReport

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3}.summary span{display:inline-block;margin-right:1.2em}
.unchanged{color:#555}.modified{background:#fff8e1}.added{background:#e8f5e9}.removed{background:#ffebee}
.covered{background:#e8f5e9}.partial{background:#fff8e1}.missing{background:#ffebee}
ins{background:#c8e6c9;text-decoration:none}del{background:#ffcdd2;color:#8b0000}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}.side div{white-space:pre-wrap;border:1px solid #ddd;padding:.5em}
.muted{color:#777;font-size:.9em}
@media print{body{margin:0;max-width:none}.pair{break-inside:avoid}}
"""


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _doc_name(meta: DocumentMeta) -> str:
    return escape(meta.title or meta.source or meta.doc_id)


def _cite(p: Provision | None, pinpoint: str = "") -> str:
    if p is None:
        return '<span class="muted">—</span>'
    label = escape(provision_label(p, pinpoint, pages=True))
    return f'{label} <span class="muted">{escape(p.heading)}</span>' if p.heading else label


def _summary(counts: dict[str, int]) -> str:
    return (
        '<p class="summary">'
        + "".join(f"<span><b>{escape(k)}</b>: {v}</span>" for k, v in counts.items())
        + "</p>"
    )


def _redline(p: Pair) -> tuple[str, str]:
    left: list[str] = []
    right: list[str] = []
    for op in p.diff:
        if op.op == "equal":
            left.append(escape(op.left))
            right.append(escape(op.right))
        if op.op in ("delete", "replace") and op.left:
            left.append(f"<del>{escape(op.left)}</del>")
        if op.op in ("insert", "replace") and op.right:
            right.append(f"<ins>{escape(op.right)}</ins>")
    return " ".join(left), " ".join(right)


def _pair_block(k: int, p: Pair, cross: bool) -> str:
    head = f'<h3 id="p{k}">{_cite(p.left)} → {_cite(p.right)} <span class="muted">({escape(p.status)}'
    head += f", similarity {p.similarity:.2f})</span></h3>"
    if p.diff and not cross:
        lt, rt = _redline(p)
    else:
        lt = escape(p.left.text) if p.left else ""
        rt = escape(p.right.text) if p.right else ""
    heading = ""
    if p.left and p.right and p.left.heading != p.right.heading:
        heading = (
            f"<p>Heading: <del>{escape(p.left.heading)}</del> → <ins>{escape(p.right.heading)}</ins></p>"
        )
    return f'<section class="pair {p.status}">{head}{heading}<div class="side"><div>{lt}</div><div>{rt}</div></div></section>'


def _shown(p: Pair, cross: bool) -> bool:
    """Rows that get a side-by-side block: every change (and, across languages, every pair)."""
    return p.status != "unchanged" or cross


def _comparison(c: Comparison) -> str:
    title = (
        f"Comparison: {c.left_meta.title or c.left_meta.doc_id} → {c.right_meta.title or c.right_meta.doc_id}"
    )
    body = [f"<h1>Comparison: {_doc_name(c.left_meta)} → {_doc_name(c.right_meta)}</h1>", _summary(c.summary)]
    if c.cross_language:
        body.append(f"<p>{escape(CROSS_LANGUAGE_NOTE)}</p>")
    authored = any(p.changed_by for p in c.pairs)  # a Word draft's tracked changes
    body += [
        "<h2>Crosswalk</h2>",
        "<table><thead><tr><th>Left</th><th>Right</th><th>Status</th><th>Flags</th>"
        f"<th>Similarity</th>{'<th>Changed by</th>' if authored else ''}</tr></thead><tbody>",
    ]
    for k, p in enumerate(c.pairs):
        flags = ", ".join(f for f in ("renumbered", "moved", "split", "merged") if getattr(p, f))
        link = f'<a href="#p{k}">{escape(p.status)}</a>' if _shown(p, c.cross_language) else escape(p.status)
        by = f"<td>{escape(', '.join(p.changed_by))}</td>" if authored else ""
        body.append(
            f'<tr class="{p.status}"><td>{_cite(p.left)}</td><td>{_cite(p.right)}</td><td>{link}</td>'
            f"<td>{escape(flags)}</td><td>{p.similarity:.2f}</td>{by}</tr>"
        )
    body.append("</tbody></table>")
    shown = [(k, p) for k, p in enumerate(c.pairs) if _shown(p, c.cross_language)]
    if shown:
        body.append("<h2>Side by side</h2>" if c.cross_language else "<h2>Changes</h2>")
        body += [_pair_block(k, p, c.cross_language) for k, p in shown]
    return _page(title, body)


def _coverage(r: CoverageReport) -> str:
    name = r.draft_meta.title or r.draft_meta.doc_id
    body = [
        f"<h1>Coverage of {escape(name)}</h1>",
        f"<p>Reference: {escape(r.checklist_title)}</p>",
        _summary(r.summary),
    ]
    if r.language_note:
        body.append(f'<p class="muted">{escape(r.language_note)}</p>')
    body.append(
        "<table><thead><tr><th>Item</th><th>Article</th><th>Status</th><th>Score</th><th>Best provision(s)</th>"
        "</tr></thead><tbody>"
    )
    for ic in r.items:
        cites = "<br>".join(
            f'{_cite(m.provision, m.pinpoint)} <span class="muted">{m.score:.2f}</span>' for m in ic.matches
        )
        body.append(
            f'<tr class="{ic.status}"><td>{escape(ic.item.title)}<br><span class="muted">'
            f"{escape(ic.item.description)}</span></td><td>{escape(ic.item.article)}</td><td>{escape(ic.status)}</td>"
            f"<td>{ic.score:.2f}</td><td>{cites}</td></tr>"
        )
    body.append("</tbody></table>")
    cal = r.calibration
    body.append(
        f'<p class="muted">Scores are robust z-scores over this report\'s background (median cosine '
        f"{cal.get('background_median', 0):.3f}); covered ≥ {cal.get('covered', 0)}, partial ≥ {cal.get('partial', 0)}.</p>"
    )
    return _page(f"Coverage of {name}", body)


def to_html(report: Comparison | CoverageReport) -> str:
    """A whole HTML page; every piece of document text is escaped."""
    return _coverage(report) if isinstance(report, CoverageReport) else _comparison(report)

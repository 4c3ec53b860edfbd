"""parse_document: cleaned pages → provision tree (containers → units → paragraphs → points).

Three ways to find units, tried in order:
1. keyword headings ("Article 5", "§ 1592.", "Статья 5", "მუხლი 5" ...);
2. numbered sections/paragraphs ("5. (1) ..." in gazette acts, "12. The Committee ..." in reports);
3. outline headings of policies and guides ("3.4.1 Title", ALL-CAPS lines).
Text before the first heading becomes a ``preamble`` unit; text between a container heading and its
first unit becomes an ``<container>__intro`` clause. Commentary blocks (UNODC Model Law) are not
headings and stay in the text of the article they follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.model import DocumentMeta, LegalDocument, PageText, Provision
from ingest.structure.headings import (
    Cand,
    annex_candidates,
    keyword_candidates,
    numbered_candidates,
    preamble_heading,
)
from ingest.structure.lines import Line, MarginNote, flatten
from ingest.structure.outline import outline_candidates, select_outline, split_long
from ingest.structure.patterns import CONTAINER_RANK, ID_PREFIX, id_number
from ingest.structure.select import gap_warnings, select_containers, select_numbered, select_units
from ingest.structure.subparts import build_subparts

LAW_TYPES = frozenset({"law", "draft_law", "act", "code", "regulation", "decree", "amendment", "treaty"})
_ENACTING = ("enacted", "ENACTED", "Enacted")
# Treaty chapters printed as a bare "II" are cited with the language's word for chapter.
CHAPTER_WORD = {"nl": "Hoofdstuk", "ru": "Глава", "ka": "თავი", "hy": "Գլուխ", "az": "Fəsil", "en": "Chapter"}


@dataclass
class _Open:
    """A container being filled."""

    cand: Cand
    pid: str
    label: str
    path: tuple[str, ...]
    children: list[Provision] = field(default_factory=list)


def parse_document(pages: Sequence[PageText], meta: DocumentMeta) -> LegalDocument:
    """Pure: the same pages and metadata always give the same tree, ids and warnings."""
    lines, notes = flatten(pages)
    warnings: list[str] = []
    units, containers, mode = _choose_units(lines, meta, len(pages), bool(notes))
    if units:
        warnings += gap_warnings(units, lines) if mode != "outline" else []
        units, containers, annexes = _cut_annexes(lines, units, containers)
    else:
        annexes = []
    headings = _margin_headings(units, notes, pages, lines)
    clauses = mode == "outline" or (mode == "numbered" and not _lawlike(meta, lines))
    events = _split_long(lines, sorted([*units, *containers, *annexes], key=lambda c: c.line), clauses)
    provisions = _assemble(lines, events, meta, mode, headings, warnings)
    return LegalDocument(meta=meta, pages=tuple(pages), provisions=provisions, warnings=tuple(warnings))


def _choose_units(
    lines: list[Line], meta: DocumentMeta, n_pages: int, margins: bool
) -> tuple[list[Cand], list[Cand], str]:
    kw = keyword_candidates(lines)
    conts = [c for c in kw if c.family in ("container", "roman")]
    units = select_units([c for c in kw if c.family == "unit"], conts, lines)
    numbered = select_numbered(numbered_candidates(lines, headings=not margins), conts, lines)
    early = [c for c in numbered if units and c.line < units[0].line]
    if units and len(early) >= 3 and 2 * len(early) >= len(units):
        units, mode = early, "numbered"  # an act whose schedule quotes a convention's articles
    elif len(units) >= 2 or (units and len(numbered) < 10):
        mode = "keyword"
        conts = [c for c in conts if c.family != "roman" or c.word]  # "I. Overview" only in reports
    elif len(numbered) >= 3:
        units, mode = numbered, "numbered"
    else:
        units, mode, conts = select_outline(outline_candidates(lines), n_pages), "outline", []
    first = units[0].line if units else None
    return units, select_containers(conts, first), mode


def _split_long(lines: list[Line], events: list[Cand], clauses: bool) -> list[Cand]:
    """Over-long stretches that are not articles or sections (a preamble, a chapter introduction,
    a report paragraph) are split at the headings found inside them."""
    out: list[Cand] = []
    bounds = [None, *events]
    for n, c in enumerate(bounds):
        lo = 0 if c is None else c.end + 1
        hi = events[n].line if n < len(events) else len(lines)
        if c is not None:
            out.append(c)
        if c is None or c.family in ("container", "roman") or (clauses and c.family != "annex"):
            # In laws and treaties only a very long preface is split (a report bound with the law).
            out.extend(split_long(lines, lo, hi, 12000 if clauses else 40000))
    return out


def _cut_annexes(
    lines: list[Line], units: list[Cand], conts: list[Cand]
) -> tuple[list[Cand], list[Cand], list[Cand]]:
    """Schedules/annexes after the body: everything from the first one on belongs to annex units."""
    for a in annex_candidates(lines):
        if a.line <= units[0].line:
            continue
        after = sum(1 for u in units if u.line > a.line)
        if after <= max(2, len(units) // 4):
            annexes = [x for x in annex_candidates(lines) if x.line >= a.line]
            return [u for u in units if u.line < a.line], [c for c in conts if c.line < a.line], annexes
    return units, conts, []


def _margin_headings(
    units: list[Cand], notes: list[MarginNote], pages: Sequence[PageText], lines: list[Line]
) -> dict[int, str]:
    """Margin notes of gazette acts become the heading of the unit they sit next to."""
    out: dict[int, str] = {}
    starts = {u.line: u for u in units}
    for note in notes:
        near = [s for s in starts if -2 <= s - note.at <= 3 and lines[s].page == note.page and s not in out]
        if near:
            out[min(near, key=lambda s: abs(s - note.at))] = note.text.rstrip(". ")
            continue
        before = [s for s in starts if s < note.at and lines[s].page == note.page]
        if before and max(before) not in out and not starts[max(before)].heading:
            out[max(before)] = note.text.rstrip(". ")
    for page in pages:  # readers that only give per-page notes: fill headingless units in order
        free = [
            u.line for u in units if lines[u.line].page == page.number and u.line not in out and not u.heading
        ]
        for line, note in zip(free, page.margin_notes, strict=False):
            out[line] = note.rstrip(". ")
    return out


def _lawlike(meta: DocumentMeta, lines: list[Line]) -> bool:
    if meta.doc_type:
        return meta.doc_type in LAW_TYPES
    return any(w in ln.text for ln in lines[:400] for w in _ENACTING)


def _unit_label(c: Cand, mode: str, lawlike: bool) -> tuple[str, str]:
    """(kind, label) of a unit heading."""
    if c.family == "annex":
        return "annex", f"{c.word} {c.number}".strip()
    if mode == "outline" or c.family in ("caps", "soft", "split"):
        return "clause", c.number or c.heading[:80]
    if mode == "numbered":
        return ("section", f"Section {c.number}") if lawlike else ("clause", f"Paragraph {c.number}")
    return c.kind, f"§ {c.number}" if c.word == "§" else f"{c.word} {c.number}"


def _assemble(
    lines: list[Line],
    events: list[Cand],
    meta: DocumentMeta,
    mode: str,
    margin: dict[int, str],
    warnings: list[str],
) -> tuple[Provision, ...]:
    top: list[Provision] = []
    stack: list[_Open] = []
    used: set[str] = set()
    lawlike = _lawlike(meta, lines)
    counters = {"caps": 0, "annex": 0}
    first = events[0].line if events else len(lines)
    pre = _preamble(lines, first, meta)
    if pre is not None:
        top.append(pre)
        used.add(pre.id)

    def emit(p: Provision) -> None:
        (stack[-1].children if stack else top).append(p)

    def close(rank: int) -> None:
        while stack and CONTAINER_RANK[stack[-1].cand.kind] >= rank:
            done = stack.pop()
            emit(_container(done, lines))

    for n, c in enumerate(events):
        stop = events[n + 1].line if n + 1 < len(events) else len(lines)
        body = lines[c.end + 1 : stop]
        if c.family in ("container", "roman"):
            close(CONTAINER_RANK[c.kind])
            num = id_number(c.number)
            pid = _unique(
                "__".join([*(o.pid for o in stack[-1:]), f"{ID_PREFIX[c.kind]}_{num}"]), used, warnings
            )
            word = CHAPTER_WORD.get(meta.language, c.word) if c.family == "roman" and c.word else c.word
            label = f"{word} {c.number}".strip()
            path = (*(stack[-1].path if stack else ()), _crumb(label, c.heading))
            stack.append(_Open(c, pid, label, path))
            if any(ln.text for ln in body):
                intro = _unit(
                    f"{pid}__intro",
                    "clause",
                    "",
                    f"{label}, introduction",
                    "",
                    body,
                    lines[c.line].page,
                    path[:-1] + path[-1:],
                    "",
                )
                stack[-1].children.append(intro)
                used.add(intro.id)
            continue
        if c.family == "annex":
            close(-1)
        kind, label = _unit_label(c, mode, lawlike)
        if c.family in ("caps", "soft", "split"):
            counters["caps"] += 1
            local = f"clause_h{counters['caps']}"
        elif c.family == "annex":
            counters["annex"] += 1
            local = f"annex_{id_number(c.number) if c.number else counters['annex']}"
        else:
            local = f"{ID_PREFIX[kind]}_{id_number(c.number, roman=False)}"
        pid = _unique("__".join([*(o.pid for o in stack[-1:]), local]), used, warnings)
        heading = c.heading or margin.get(c.line, "")
        if c.body_first:
            body = [Line(c.body_first, lines[c.line].page), *body]
        path = stack[-1].path if stack else ()
        emit(_unit(pid, kind, c.number, label, heading, body, lines[c.line].page, path, label))
    close(-1)
    return tuple(top)


def _unit(
    pid: str,
    kind: str,
    number: str,
    label: str,
    heading: str,
    body: Sequence[Line],
    start: int,
    path: tuple[str, ...],
    cite: str,
) -> Provision:
    body = _trim(body)
    pages = [ln.page for ln in body if ln.text]
    children = build_subparts(body, pid, cite, path) if cite and kind != "annex" else ()
    return Provision(
        id=pid,
        kind=kind,
        number=number,
        label=label,
        heading=heading,
        text=_join(body),
        page_start=start,
        page_end=max([start, *pages]),
        children=children,
        path=path,
    )


def _container(o: _Open, lines: list[Line]) -> Provision:
    start = lines[o.cand.line].page
    ends = [p.page_end for p in o.children]
    return Provision(
        id=o.pid,
        kind=o.cand.kind,
        number=o.cand.number,
        label=o.label,
        heading=o.cand.heading,
        page_start=start,
        page_end=max([start, *ends]),
        children=tuple(o.children),
        path=o.path[:-1],
    )


def _preamble(lines: list[Line], first: int, meta: DocumentMeta) -> Provision | None:
    """Text before the first heading. A short title above an explicit "Preamble" heading is dropped."""
    head = preamble_heading(lines, first)
    if head is not None and sum(1 for ln in lines[:head] if ln.text) <= 5:
        body = lines[head + 1 : first]
    else:
        body = [ln for n, ln in enumerate(lines[:first]) if n != head]
        body = _trim(body)
        if body and meta.title and body[0].text.casefold() == meta.title.strip().casefold():
            body = body[1:]
    body = _trim(body)
    if not body:
        return None
    start = lines[head].page if head is not None and body[0].page >= lines[head].page else body[0].page
    return _unit("preamble", "preamble", "", "Preamble", "", body, start, (), "")


def _trim(body: Sequence[Line]) -> list[Line]:
    out = list(body)
    while out and not out[0].text:
        out.pop(0)
    while out and not out[-1].text:
        out.pop()
    return out


def _join(body: Sequence[Line]) -> str:
    """Lines joined by newlines; runs of blank lines collapse into one paragraph break."""
    out: list[str] = []
    for ln in body:
        if ln.text or (out and out[-1]):
            out.append(ln.text)
    return "\n".join(out).strip()


def _crumb(label: str, heading: str) -> str:
    return f"{label} – {heading}" if heading and label else (label or heading)


def _unique(pid: str, used: set[str], warnings: list[str]) -> str:
    if pid not in used:
        used.add(pid)
        return pid
    n = 2
    while f"{pid}_{n}" in used:
        n += 1
    warnings.append(f"duplicate provision id {pid}: renamed {pid}_{n}")
    used.add(f"{pid}_{n}")
    return f"{pid}_{n}"

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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.model import DocumentMeta, LegalDocument, PageBreaks, PageText, Provision, label_heading
from ingest.structure.headings import Cand, preamble_heading
from ingest.structure.lines import Line, flatten
from ingest.structure.modes import choose_units, cut_annexes, lawlike, margin_headings, split_long_stretches
from ingest.structure.patterns import CONTAINER_RANK, ID_PREFIX, id_number
from ingest.structure.select import gap_warnings
from ingest.structure.subparts import build_subparts

# Bump when a parse-stage change alters what real documents are stored as (provision ids, labels,
# text, paths, or inferred metadata such as the title): documents indexed by an older revision are
# parsed again by the next ingest run, even when the file is unchanged (re-indexed only if their chunks
# or metadata differ), and are not re-parsed for display meanwhile (their ids might not match the index).
PARSER_REVISION = 19
# 19: no page is given to the provisions of a source without fixed pages (a Word file, a text file without
#     form feeds): they were all "p. 1"; their page fields are 0 (unknown) and citations name no page.
# 18: a Word file's tracked changes are read as accepted (moved text once, deleted paragraphs and rows gone).
# 17: units record where their text moves to the next page (``Provision.page_breaks``), so a citation
#     can name the page of a paragraph; an index from 16 gains them without embedding anything again.
# 16: an inferred title skips a running header that cleaning kept because the document has under three
#     pages: a first line that is the first line of a later page too (ingest.metadata.infer_title).
# 15: a short line ending in "is" / "are" introduces a list and is not a heading, unless it asks a
#     question ("What it is").
# 14: a report's long appendix of running text (not of tables) is split at its headings, cited "Appendix 1,
#     Compensation" with the appendix in their path (the GRETA UK report's list of conclusions by topic).
# 13: an inferred title leaves out a tagline ("A practical handbook for ...") and the body issuing the
#     document above an instrument named in capitals, goes on while its phrase does, and is a saved web
#     page's repeated first line (4 of 62 inferred titles change: two Bali Process guides, the GRETA
#     guidance note, the CPS guidance).
# 12: a table's caption, column heads and row labels are not headings (runs of lines without running
#     text that hold two or more rows of figures; dates are not figures).
# 11: a lettered part right above a numbered section is a heading also where the stretch before that
#     section is too short to be split (the AG report PDF's "IV.A", whose sections were "1", "2" ...).
# 10: a title line that starts with "Effective" or "In force" is kept when it names an instrument.
# 9: a short sentence that starts with an instrument's name, before any title block, is the title
#    ("Convention concerning forced or compulsory labour.").
# 8: an inferred title leaves out the state or authority printed above it, its address and session,
#    and the draft, approval or effect line below it (ingest.metadata.infer_title).
# 7: paragraphs numbered through a document keep their labels under a lettered part (sections are
#    cited with the part only where they number from 1 again under each part).
# 6: sections number from 1 again under each lettered part; a long numbered heading followed by its
#    first lettered item ("a. ...") is a heading; a line ending in an amount ("TOTAL 3,889") is not.
# 5: a numbered section under a lettered part is cited with it ("IV.C.1", "III.D.2").
# 4: a lettered part right above its first numbered section is a heading; numbered sections carry their
#    lettered part in their path; a guide's Article split into lettered parts labels them "III.A";
#    a line a colon introduces, a case name whose sentence goes on after a footnote mark, and
#    capitals that end the line before's sentence are not headings.
# 3: outline sections carry the sections above them in their path ("3 › 3.1" for 3.1.2).
# 2: list items that run on are not headings; lettered parts ("IV.A"); report outlines: "2 Title"
#    chapters, "2.1" after "1.4", headings wrapped onto a second line; gazette headings that run
#    over lines to their ".–".

# A section number of an outline ("3", "3.1.2"): its breadcrumb holds the numbered sections above it.
_SECTION_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")

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


@dataclass
class _Nesting:
    """What a unit of a report or guide sits under besides its containers: the article a guide splits
    into lettered parts ("Article III", then "A. Introduction", cited "III.A"), the open lettered part
    ("IV.C – Department of Justice"; its numbered sections are cited "IV.C.1"), the open numbered
    sections ("3", "3.1" above 3.1.2), the appendix split at its headings ("Appendix 1, Compensation")."""

    host: tuple[str, str] | None = None  # (number, crumb) of the article split into parts
    annex: tuple[str, str] | None = None  # (label, crumb) of the appendix split at its headings
    part: tuple[str, str] | None = None  # (citation prefix "IV.C", crumb) of the open lettered part
    renumbered: bool = False  # the document's sections number from 1 again under each lettered part
    sections: dict[str, str] = field(default_factory=dict)  # section number → crumb

    def reset(self) -> None:
        self.host, self.part, self.annex = None, None, None
        self.sections.clear()

    def place(
        self, c: Cand, kind: str, label: str, heading: str, container: str
    ) -> tuple[tuple[str, ...], str]:
        """(the crumbs above unit ``c`` within its container, its label); notes what it opens.
        ``container``: the number of the open container ("IV")."""
        lettered = _lettered(c)
        # Only a lettered part, or a numbered section under one, belongs to the article split before
        # it: unnumbered headings found in an article's text may be anything (a web page's headings
        # after the "Section 28" it quotes).
        host = self.host if c.family == "split" and (lettered or (self.part and c.number)) else None
        above = [host[1]] if host else []
        if self.annex and c.family in ("split", "caps"):  # "Appendix 1, Right to information"
            above.insert(0, self.annex[1])
            if not c.number:
                label = f"{self.annex[0]}, {heading}"[:80]
        if lettered:  # "A." under chapter IV (or in a guide's Article IV) is cited "IV.A"
            outer = host[0] if host else container
            label = f"{outer}.{c.number}" if outer else f"{c.number}. {c.heading}"[:80]
            self.part = (f"{outer}.{c.number}" if outer else c.number, label_heading(label, heading))
            self.sections.clear()
        elif c.family == "unit":  # an article: the parts split out of it follow
            self.reset()
            self.host = (c.number, label_heading(label, heading))
        elif c.family == "annex":  # an appendix: the parts split out of it follow
            self.reset()
            self.annex = (label, label_heading(label, heading))
        elif kind == "clause" and _SECTION_NUMBER.match(c.number):
            if self.part:
                above.append(self.part[1])
                if self.renumbered:  # "IV.C.1"; paragraphs numbered through the document keep theirs
                    label = f"{self.part[0]}.{c.number}"
            above += _sections_above(c.number, self.sections)
            self.sections[c.number] = label_heading(label, heading)
        return tuple(above), label


def _lettered(c: Cand) -> bool:
    """A lettered part of a report or guide ("C. Department of Justice")."""
    return c.family in ("soft", "split") and len(c.number) == 1 and c.number.isupper()


def _renumbered(events: Sequence[Cand]) -> bool:
    """Whether the sections after lettered parts number from 1 again under each part ("IV.A" 1–5,
    "IV.B" 1–5) rather than run through the document (a general comment's paragraphs 31, 32 … with
    parts between them): some part but the first starts at 1, or the only one does."""
    firsts: list[str] = []
    waiting = False
    for c in events:
        if _lettered(c):
            waiting = True
        elif waiting and _SECTION_NUMBER.match(c.number):
            firsts.append(c.number.split(".")[0])
            waiting = False
    return "1" in firsts[1:] or firsts == ["1"]


def parse_document(pages: Sequence[PageText], meta: DocumentMeta) -> LegalDocument:
    """Pure: the same pages and metadata always give the same tree, ids and warnings."""
    lines, notes = flatten(pages)
    warnings: list[str] = []
    units, containers, mode = choose_units(lines, meta, len(pages), bool(notes), warnings)
    if units:
        warnings += gap_warnings(units, lines) if mode != "outline" else []
        units, containers, annexes = cut_annexes(lines, units, containers)
    else:
        annexes = []
    headings = margin_headings(units, notes, pages, lines)
    law = lawlike(meta, lines)
    clauses = mode == "outline" or (mode == "numbered" and not law)
    ordered = sorted([*units, *containers, *annexes], key=lambda c: c.line)
    events = split_long_stretches(lines, ordered, clauses, law)
    provisions = _assemble(lines, events, meta, mode, headings, warnings)
    if not provisions:
        warnings.append("no text to parse")
    elif not events:
        warnings.append("no headings found: the whole text is one preamble unit")
    return LegalDocument(meta=meta, pages=tuple(pages), provisions=provisions, warnings=tuple(warnings))


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
    is_law = lawlike(meta, lines)
    counters = {"caps": 0, "annex": 0}
    nesting = _Nesting(renumbered=_renumbered(events))
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
            nesting.reset()
            num = id_number(c.number)
            pid = _unique(
                "__".join([*(o.pid for o in stack[-1:]), f"{ID_PREFIX[c.kind]}_{num}"]), used, warnings
            )
            word = CHAPTER_WORD.get(meta.language, c.word) if c.family == "roman" and c.word else c.word
            label = f"{word} {c.number}".strip()
            path = (*(stack[-1].path if stack else ()), label_heading(label, c.heading))
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
                    path,
                    "",
                )
                stack[-1].children.append(intro)
                used.add(intro.id)
            continue
        if c.family == "annex":
            close(-1)
            nesting.reset()
        kind, label = _unit_label(c, mode, is_law)
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
        above, label = nesting.place(c, kind, label, heading, stack[-1].cand.number if stack else "")
        path = (*(stack[-1].path if stack else ()), *above)
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
    text, breaks = _join(body, start)
    return Provision(
        id=pid,
        kind=kind,
        number=number,
        label=label,
        heading=heading,
        text=text,
        page_start=start,
        page_end=max([start, *pages]),
        children=children,
        path=path,
        page_breaks=breaks,
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


def _join(body: Sequence[Line], start: int) -> tuple[str, PageBreaks]:
    """Lines joined by newlines, runs of blank lines collapsed into one paragraph break; and where the
    text moves to another page than ``start`` (the heading's) or the line before."""
    out: list[str] = []
    breaks: list[tuple[int, int]] = []
    offset, page = 0, start
    for ln in body:
        if not (ln.text or (out and out[-1])):
            continue
        if ln.text and ln.page != page:
            breaks.append((offset, ln.page))
            page = ln.page
        out.append(ln.text)
        offset += len(ln.text) + 1
    return "\n".join(out).strip(), tuple(breaks)  # lines are stripped and the body trimmed


def _sections_above(number: str, sections: dict[str, str]) -> list[str]:
    """Crumbs of the open sections above ``number`` ("3" and "3.1" above "3.1.2"; a level without a
    heading is skipped); sections that are not above it are closed (dropped from ``sections``)."""
    parts = number.split(".")
    above = {".".join(parts[:k]) for k in range(1, len(parts))}
    for n in [n for n in sections if n not in above]:
        del sections[n]
    return [sections[n] for n in sorted(sections, key=lambda n: n.count("."))]


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

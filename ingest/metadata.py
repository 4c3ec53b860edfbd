"""Document metadata: explicit flags, a folder manifest, and careful inference for the rest.

Precedence: command-line flags > manifest entry > inference. Inference fills only what it can tell
with confidence (title from the first heading, language from the script or a detector, year from the
title); anything else stays empty rather than guessed wrong.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from ingest.clean import header_key
from ingest.errors import InputError
from ingest.model import DocumentMeta, PageText
from ingest.structure import PARSER_REVISION
from ingest.structure.headings import is_caps

MANIFEST_NAMES = ("manifest.toml", "ctkb.toml")
META_FIELDS = ("title", "jurisdiction", "doc_type", "language", "year", "status", "version", "work", "doc_id")


@dataclass(frozen=True)
class MetadataOverrides:
    """Values given explicitly (flags or manifest); ``None`` means "not given"."""

    doc_id: str | None = None
    title: str | None = None
    jurisdiction: str | None = None
    doc_type: str | None = None
    language: str | None = None
    year: int | None = None
    status: str | None = None
    version: str | None = None
    work: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Serialisable form (Haystack snapshots pipeline inputs when a component fails)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def merged_over(self, other: MetadataOverrides) -> MetadataOverrides:
        """These values win; ``other`` fills the gaps."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in values.items():
            if value is None:
                values[key] = getattr(other, key)
        return MetadataOverrides(**values)


def slugify(text: str) -> str:
    """A stable document id from a file stem: lowercase ASCII letters, digits, '_' and '-'.

    Stems with no ASCII letters (e.g. Georgian file names) get ``doc_<hash>`` so they never collide.
    """
    spaced = re.sub(r"[^\w-]+", "_", text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9_-]+", "_", ascii_text)
    slug = re.sub(r"_+", "_", slug).strip("_-")
    if not re.search(r"[a-z0-9]", slug):
        return "doc_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return slug


def load_manifest(folder: Path) -> dict[str, MetadataOverrides]:
    """Read ``manifest.toml`` of a folder: ``[documents."file.pdf"]`` tables (or ``[[document]]`` with ``file``)."""
    for name in MANIFEST_NAMES:
        path = folder / name
        if path.is_file():
            break
    else:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: invalid manifest ({exc})") from exc
    entries: dict[str, Mapping[str, object]] = {}
    docs = data.get("documents", data.get("files", {}))
    if isinstance(docs, Mapping):
        entries.update({str(k): v for k, v in docs.items() if isinstance(v, Mapping)})
    for item in data.get("document", []) if isinstance(data.get("document"), list) else []:
        if isinstance(item, Mapping) and "file" in item:
            entries[str(item["file"])] = item
    out: dict[str, MetadataOverrides] = {}
    for file_name, entry in entries.items():
        try:
            out[file_name] = _overrides_from_mapping(entry)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{path}: entry '{file_name}': {exc}") from exc
    return out


def _overrides_from_mapping(entry: Mapping[str, object]) -> MetadataOverrides:
    kwargs: dict[str, object] = {}
    for key in META_FIELDS:
        if key in entry and entry[key] not in (None, ""):
            kwargs[key] = int(str(entry[key])) if key == "year" else str(entry[key])
    return MetadataOverrides(**kwargs)  # type: ignore[arg-type]


# --- inference ---------------------------------------------------------------------------------

_SCRIPT_LANG = (
    ("GEORGIAN", "ka"),
    ("ARMENIAN", "hy"),
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Draft marks and notes of adoption under a title ("Проект — 3 ноября 2025 года", "Approved by ...").
_TITLE_SKIP = re.compile(
    r"^(page\s+\d+|\d+|[-–—\s\d]+|(draft|проект|პროექტი|նախագիծ|layihə|ontwerp)\b.*|archived content.*|"
    r"(approved|adopted) by\b.*)$",
    re.IGNORECASE,
)
# A date of effect under a title ("Effective March 31, 2023"), unless the line names an instrument
# ("Effective Remedies Act").
_IN_EFFECT = re.compile(r"^(effective|in force)\b", re.IGNORECASE)
# Publisher boilerplate around a title: never part of it.
_BOILERPLATE = re.compile(
    r"^(parliament of|socialist republic|sri lanka$|printed\b|to be purchased|price\s*:|published as|"
    r"\[?certified|this is archived content|outdated and links|this factsheet|contents$|table of contents|"
    r"final unedited|[a-z]+ \d{4}$|\d{1,2} \w+ \d{4}$|g r e t a$|"
    # an address or a session printed with the title ("Washington, DC 20530", "Thirty-ninth session")
    r".*,\s*[A-Z]{2}\s+\d{5}(-\d{4})?$|[\w-]+ session$|\d{1,2} \w+ [-–] \d{1,2} \w+ \d{4}$)",
    re.IGNORECASE,
)
# The state or authority issuing a document, printed above its title ("REPUBLIC OF VELORIA", "U.S.
# Department of Justice", "ველორიის რესპუბლიკა"): not part of it, unless the line itself names the
# instrument ("Republic of Armenia Law on ...").
_MASTHEAD = re.compile(
    r"^((republic|kingdom|state) of\b|республика\b|(u\.s\. )?department of\b|ministry of\b|committee on\b|"
    r"\S+ (რესპუბლიკა|Հանրապետություն|respublikası)$)",
    re.IGNORECASE,
)
# A preamble heading: the body of the instrument starts here (en, nl/fr, ru, ka, hy, az).
_PREAMBLE = re.compile(r"^(preamble|pr[ée]ambule|преамбула|პრეამბულა|նախաբան|preambula)\W*$", re.IGNORECASE)
# Words that name a kind of instrument: the block holding one is the title.
_INSTRUMENT = re.compile(
    r"\b(act|law|code|convention|protocol|regulation|decree|policy|strategy|plan|guidelines?|guide|"
    r"procedures?|report|review|comment|note|factsheet|paper|model law|закон|кодекс|положение|"
    r"постановление|инструкция|приказ|порядок|правила|კანონი|დებულება|კოდექსი|ბრძანება|ინსტრუქცია|"
    r"օրենք|կարգ|որոշում|qanun|məcəllə|qaydalar\w*|əsasnamə|qərar|wet|verdrag)\b",
    re.IGNORECASE,
)


# A title set in emphasis at the start of a line of running text (web pages saved as text).
_EMPHASIS = re.compile(r"^(?:\*\*?|__?)([^*_]{8,200}?)(?:\*\*?|__?)")
# An article heading: the body has started, whatever came before ("Artikel 1" is never a title).
_ARTICLE = re.compile(
    r"^(article|artikel|art\.|section|sec\.|§|статья|მუხლი|հոդված|maddə)\s*\d", re.IGNORECASE
)


# A tagline printed with the title ("A practical handbook for labour inspectors", "A Joint Office of the
# Labour Inspectorate and ..."): a line starting with an article, and the lines that continue it.
_TAGLINE = re.compile(r"^(A|An)\s+(?!Act\b|Law\b|Bill\b)\w")
_CONNECTORS = frozenset({"of", "the", "and", "or", "for", "to", "in", "on", "by", "with", "against"})


def _continues(prev: str, line: str) -> bool:
    """``line`` goes on with ``prev``'s phrase: ``prev`` ends with a connecting word or a comma, or ``line``
    starts in lower case."""
    words = prev.split()
    return bool(words) and (words[-1].casefold() in _CONNECTORS or prev.endswith(",") or line[:1].islower())


def _title_blocks(lines: Sequence[str]) -> list[list[str]]:
    """Runs of short heading-like lines, split at boilerplate and at sentences of running text."""
    blocks: list[list[str]] = [[]]
    tagline = ""
    for line in lines:
        text = line.lstrip("#").strip()
        if (tagline and _continues(tagline, text)) or (
            not tagline and _TAGLINE.match(text) and len(text) <= 75
        ):
            tagline = text  # left out; the title block goes on around it
            continue
        tagline = ""
        emphasised = _EMPHASIS.match(text)
        if emphasised and _INSTRUMENT.search(emphasised.group(1)):  # "*Verdrag ...*De Conferentie..."
            blocks.append([emphasised.group(1).strip().rstrip(".")])
            break
        if _ARTICLE.match(text):  # the first article: no title comes after it
            break
        if not any(blocks) and text.endswith(".") and len(text) <= 100 and _INSTRUMENT.match(text):
            blocks.append([text.rstrip(".")])  # "Convention concerning forced or compulsory labour."
            break
        prose = len(text) > 75 or (text.endswith(".") and not re.search(r"(\b(No|Art|Nr)|\b[A-Z])\.$", text))
        # "I. Introduction" or a preamble heading starts the body
        body_heading = bool(re.match(r"^([IVXLC]+|\d+)\.\s+\w", text) or _PREAMBLE.match(text))
        masthead = bool(_MASTHEAD.match(text) or _IN_EFFECT.match(text)) and not _INSTRUMENT.search(text)
        if (
            _TITLE_SKIP.match(text)
            or _BOILERPLATE.match(text)
            or masthead
            or prose
            or body_heading
            or len(text) < 3
        ):
            if blocks[-1]:
                blocks.append([])
            if (prose or body_heading) and any(blocks):
                break  # running text has started
            continue
        blocks[-1].append(text)
    return [b for b in blocks if b]


def _title_above_preamble(lines: Sequence[str], max_lines: int) -> list[str]:
    """A treaty's title is the run of non-sentence lines right above "Preamble", however long."""
    for i, line in enumerate(lines):
        if _PREAMBLE.match(line):
            above: list[str] = []
            for prev in reversed(lines[:i]):  # the line next to the heading may end with a period
                sentence = bool(above) and prev.endswith((".", ";", ":"))
                if sentence or _BOILERPLATE.match(prev) or _TITLE_SKIP.match(prev):
                    break
                above.insert(0, prev)
            if above and _INSTRUMENT.search(" ".join(above)):
                above[-1] = above[-1].rstrip(".")
                return above[-max_lines:]
            return []
    return []


def infer_title(pages: Sequence[PageText], max_lines: int = 4) -> str:
    """The title block of the first page with text: the lines above a preamble heading, else the
    block naming an instrument, else the first block."""
    running = _running_heads(pages)
    for page in pages:
        lines = _text_lines(page)
        while len(lines) > 1 and header_key(lines[0]) in running:
            lines = lines[1:]  # a running header cleaning kept (too few pages to be sure), not the title
        # a saved web page: its title, then the same line as the page's heading
        if len(lines) > 1 and lines[0] == lines[1] and len(lines[0]) <= 200 and not _ARTICLE.match(lines[0]):
            return lines[0].lstrip("#").strip().rstrip(" ,;:.")
        treaty = _title_above_preamble(lines[:25], max_lines)
        if treaty:
            return " ".join(treaty)[:200].rstrip(" ,;:")
        blocks = _title_blocks(lines[:25])
        if not blocks:  # no short heading before the body: a first line naming an instrument
            first = lines[0].lstrip("#").strip() if lines else ""
            if first and len(first) <= 200 and _INSTRUMENT.search(first) and not _ARTICLE.match(first):
                return first.rstrip(" ,;:.")
            continue
        named = [b for b in blocks if _INSTRUMENT.search(" ".join(b))]
        if not named and (short := _short_title(pages)):
            return short
        block = _title_lines((named or blocks)[0], max_lines)
        return " ".join(block)[:200].rstrip(" ,;:")
    return ""


def _running_heads(pages: Sequence[PageText]) -> set[str]:
    """The first lines of the pages after the first page with text (their ``header_key``): a title is
    not printed again at the top of the next page, a running header is. Cleaning drops running headers
    only from documents of three pages or more; this catches them in shorter ones."""
    firsts = [lines[0] for lines in map(_text_lines, pages) if lines]
    return {header_key(ln) for ln in firsts[1:] if not header_key(ln).startswith("=")}


def _text_lines(page: PageText) -> list[str]:
    """A page's non-blank lines, stripped (margin notes, marked \\x1f, left out)."""
    return [ln.strip() for ln in page.text.splitlines() if ln.strip() and not ln.startswith("\x1f")]


# The name of a body issuing a document, printed above the instrument's name in capitals.
_ISSUER = re.compile(
    r"^(group|committee|council|commission|office|ministry|department|agency|secretariat|bureau|"
    r"directorate|organi[sz]ation|institute)\b[^.]*$",
    re.IGNORECASE,
)


def _title_lines(block: list[str], max_lines: int) -> list[str]:
    """The title within a block: from an instrument named in capitals below the body issuing it ("Office of
    the National Rapporteur" / "GUIDANCE NOTE" / "on the referral of ..."), else from the top; ``max_lines``
    lines, and more while the phrase goes on."""
    start = next(
        (n for n, ln in enumerate(block) if n and is_caps(ln) and _INSTRUMENT.search(ln)),
        0,
    )
    if start and not _ISSUER.match(" ".join(block[:start])):
        start = 0  # "Access to justice ..." / "EVALUATION REPORT": the lines above are the title
    out = block[start : start + max_lines]
    for line in block[start + max_lines :]:
        if not _continues(out[-1], line):
            break
        out.append(line)
    return out


_SHORT_TITLE = re.compile(r"This Act may be (?:called|cited as),? (?:the )?(?P<title>[^.;:—]{5,150}?\d{4})")


def _short_title(pages: Sequence[PageText]) -> str:
    """The title a statute gives itself ("This Act may be called the X Act, 1991"), from its first pages:
    used when no title block names an instrument (a gazette's masthead, or a scan's misread one)."""
    text = " ".join(" ".join(p.text.split()) for p in pages[:3])
    m = _SHORT_TITLE.search(text)
    return m.group("title").strip() if m else ""


def infer_year(*texts: str) -> int | None:
    """The latest plausible year named in the title (laws are usually cited by year)."""
    for text in texts:
        years = [int(y) for y in _YEAR.findall(text or "")]
        if years:
            return max(years)
    return None


def infer_language(text: str, detector: LanguageDetector | None = None) -> str:
    """ISO 639-1 code, or "" when unsure. Unique scripts decide alone; Latin/Cyrillic use a detector."""
    sample = text[:20000]
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) < 40:
        return ""
    counts: dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "")
        script = name.split(" ")[0] if name else ""
        counts[script] = counts.get(script, 0) + 1
    top, top_n = max(counts.items(), key=lambda kv: kv[1])
    if top_n / len(letters) < 0.6:
        return ""
    for script, code in _SCRIPT_LANG:
        if top == script:
            return code
    if detector is None:
        return ""
    return detector.detect(sample)


class LanguageDetector:
    """lingua, restricted to the languages ctkb expects; returns "" below the confidence floor."""

    LANGS = (
        "ENGLISH",
        "RUSSIAN",
        "AZERBAIJANI",
        "DUTCH",
        "FRENCH",
        "GERMAN",
        "SPANISH",
        "TURKISH",
        "UKRAINIAN",
    )

    def __init__(self, min_confidence: float = 0.6) -> None:
        from lingua import Language, LanguageDetectorBuilder

        langs = [getattr(Language, name) for name in self.LANGS]
        self._detector = LanguageDetectorBuilder.from_languages(*langs).build()
        self._min = min_confidence

    def detect(self, text: str) -> str:
        values = self._detector.compute_language_confidence_values(text[:5000])
        if not values or values[0].value < self._min:
            return ""
        return values[0].language.iso_code_639_1.name.lower()


def build_meta(
    *,
    path: Path,
    sha256: str,
    pages: Sequence[PageText],
    given: MetadataOverrides,
    detector: LanguageDetector | None,
) -> DocumentMeta:
    """Combine explicit values with inference; unknown values stay empty."""
    title = given.title or infer_title(pages)
    body = "\n".join(p.text for p in pages[:8])
    language = given.language if given.language is not None else infer_language(body, detector)
    year = given.year if given.year is not None else infer_year(title)
    return DocumentMeta(
        doc_id=given.doc_id or slugify(path.stem),
        title=title or path.stem,
        source=path.name,
        sha256=sha256,
        jurisdiction=given.jurisdiction or "",
        doc_type=given.doc_type or "",
        language=language or "",
        year=year,
        status=given.status or "",
        version=given.version or "",
        work=given.work or "",
        pages=len(pages),
        ocr_pages=sum(p.ocr_confidence is not None for p in pages),
        parser_revision=PARSER_REVISION,
    )

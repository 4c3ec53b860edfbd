"""Coverage across languages: a translation should get its original's coverage report.

    python bench/coverage_languages.py

Five treaties of ../shared/corpus-real exist in English and in Dutch (``*_nl.txt``). Each is checked
against the shipped checklists (English) twice: the English original (the reference answer) and the
Dutch translation, once with the items as written (``language`` unset: what ctkb did before
``search/localise.py``) and once with their glossary translations into Dutch. Printed per pair and in
total: how many items get the same status as the English original, how many the same best article
(items the original does not report missing), and the severe disagreements (covered ↔ missing).
Multilingual-e5-small (the default model); the Dutch documents carry ``language = "nl"``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.model import DocumentMeta, LegalDocument  # noqa: E402
from search.coverage import ItemCoverage, coverage, load_checklist  # noqa: E402
from tests.editgen import load_units, real_embedder  # noqa: E402

CORPUS = Path(os.environ.get("CTKB_CORPUS_REAL", ROOT.parent / "shared" / "corpus-real"))
PAIRS = [
    ("coe_cets197_convention_2005", "coe_convention"),
    ("coe_cets197_convention_2005", "un_trafficking_protocol"),
    ("un_palermo_protocol_2000", "un_trafficking_protocol"),
    ("un_palermo_protocol_2000", "coe_convention"),
    ("un_smuggling_of_migrants_protocol_2000", "un_trafficking_protocol"),
    ("ilo_c029_forced_labour_convention_1930", "coe_convention"),
    ("un_supplementary_slavery_convention_1956", "un_trafficking_protocol"),
]


def _doc(stem: str, language: str) -> LegalDocument:
    suffix = "_nl" if language == "nl" else ""
    units = load_units(CORPUS / f"{stem}{suffix}.txt")
    return LegalDocument(DocumentMeta(doc_id=stem + suffix, title=stem, language=language), (), tuple(units))


def _compare(en: dict[str, ItemCoverage], nl: dict[str, ItemCoverage]) -> tuple[int, int, int, int]:
    same = sum(en[k].status == nl[k].status for k in en)
    found = [k for k in en if en[k].status != "missing"]
    best = sum(en[k].matches[0].provision.number == nl[k].matches[0].provision.number for k in found)
    severe = sum({en[k].status, nl[k].status} == {"covered", "missing"} for k in en)
    return same, best, len(found), severe


def main() -> int:
    if not CORPUS.is_dir():
        print(f"{CORPUS}: not found (set CTKB_CORPUS_REAL)")
        return 1
    emb = real_embedder(None)
    totals = {"as written": [0, 0, 0, 0], "translated": [0, 0, 0, 0]}
    n_items = 0
    print("| document | checklist | items | variant | same status | same best article | severe |")
    print("|---|---|---|---|---|---|---|")
    for stem, name in PAIRS:
        checklist = load_checklist(name)
        en = {i.item.id: i for i in coverage(_doc(stem, "en"), checklist, emb).items}
        dutch = _doc(stem, "nl")
        n_items += len(en)
        for variant, ref in (("as written", replace(checklist, language="")), ("translated", checklist)):
            nl = {i.item.id: i for i in coverage(dutch, ref, emb).items}
            same, best, found, severe = _compare(en, nl)
            t = totals[variant]
            t[0], t[1], t[2], t[3] = t[0] + same, t[1] + best, t[2] + found, t[3] + severe
            print(f"| {stem} | {name} | {len(en)} | {variant} | {same} | {best}/{found} | {severe} |")
    for variant, (same, best, found, severe) in totals.items():
        print(
            f"| **all** | | {n_items} | {variant} | {same} ({same / n_items:.3f}) | "
            f"{best}/{found} ({best / found:.3f}) | {severe} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build and reuse search indexes over the real corpus, for tests, ``bench/search.py`` and the eval.

Ingestion goes through the real service (reader → parser → chunker → embedder → BM25 → index), so what
is measured is what users get. An index under ``data_dir`` is reused: unchanged files are skipped by
their sha256, which makes a cached eval index cheap to reopen between runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.config import Settings
from ingest.metadata import MetadataOverrides
from ingest.model import IngestReport
from ingest.runtime import Runtime
from search.engine import SearchEngine, SearchOptions

EVAL_CACHE = Path("/tmp/ctkb-eval-cache")

# Metadata of the real documents the gold set uses (SOURCES.md), so filters have something to filter.
_M = MetadataOverrides
CORPUS_META: dict[str, MetadataOverrides] = {
    "un_palermo_protocol_2000": _M(
        title="Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children",
        jurisdiction="UN",
        doc_type="treaty",
        year=2000,
        status="in_force",
    ),
    "coe_cets197_convention_2005": _M(
        title="Council of Europe Convention on Action against Trafficking in Human Beings",
        jurisdiction="CoE",
        doc_type="treaty",
        year=2005,
        status="in_force",
    ),
    "un_smuggling_of_migrants_protocol_2000": _M(
        title="Protocol against the Smuggling of Migrants by Land, Sea and Air",
        jurisdiction="UN",
        doc_type="treaty",
        year=2000,
        status="in_force",
    ),
    "ilo_c029_forced_labour_convention_1930": _M(
        title="Forced Labour Convention, 1930 (No. 29)",
        jurisdiction="ILO",
        doc_type="treaty",
        year=1930,
        status="in_force",
    ),
    "un_supplementary_slavery_convention_1956": _M(
        title="Supplementary Convention on the Abolition of Slavery, the Slave Trade, and Institutions and Practices Similar to Slavery",
        jurisdiction="UN",
        doc_type="treaty",
        year=1956,
        status="in_force",
    ),
    "us_18usc_ch77_peonage_slavery_trafficking": _M(
        title="18 U.S.C. Chapter 77 – Peonage, Slavery, and Trafficking in Persons",
        jurisdiction="US",
        doc_type="law",
        year=2023,
        status="in_force",
    ),
    "us_22usc_ch78_tvpa": _M(
        title="22 U.S.C. Chapter 78 – Trafficking Victims Protection",
        jurisdiction="US",
        doc_type="law",
        year=2023,
        status="in_force",
    ),
    "lk_act30_2005_saarc_trafficking_convention": _M(
        title="Convention on Preventing and Combating Trafficking in Women and Children for Prostitution Act, No. 30 of 2005",
        jurisdiction="LK",
        doc_type="law",
        year=2005,
        status="in_force",
    ),
    "lk_penal_code_amendment_act16_2006": _M(
        title="Penal Code (Amendment) Act, No. 16 of 2006",
        jurisdiction="LK",
        doc_type="law",
        year=2006,
        status="in_force",
    ),
    "lk_victims_witnesses_protection_act4_2015": _M(
        title="Assistance to and Protection of Victims of Crime and Witnesses Act, No. 4 of 2015",
        jurisdiction="LK",
        doc_type="law",
        year=2015,
        status="repealed",
    ),
    "lk_victims_witnesses_protection_act10_2023": _M(
        title="Assistance to and Protection of Victims of Crime and Witnesses Act, No. 10 of 2023",
        jurisdiction="LK",
        doc_type="law",
        year=2023,
        status="in_force",
    ),
    "pk_bonded_labour_system_abolition_act_1992": _M(
        title="Bonded Labour System (Abolition) Act, 1992",
        jurisdiction="PK",
        doc_type="law",
        year=1992,
        status="in_force",
    ),
    "nl_wetboek_van_strafrecht_art273f_mensenhandel": _M(
        title="Wetboek van Strafrecht, Artikel 273f (mensenhandel)",
        jurisdiction="NL",
        doc_type="law",
        year=2015,
        language="nl",
    ),
    "unodc_model_law_tip_2009": _M(
        title="UNODC Model Law against Trafficking in Persons",
        jurisdiction="UN",
        doc_type="model_law",
        year=2009,
    ),
}
# The Dutch versions of the parallel treaties (cross-lingual set).
NL_TREATIES = tuple(
    f"{stem}_nl"
    for stem in (
        "un_palermo_protocol_2000",
        "coe_cets197_convention_2005",
        "un_smuggling_of_migrants_protocol_2000",
        "ilo_c029_forced_labour_convention_1930",
        "un_supplementary_slavery_convention_1956",
    )
)
EN_TREATIES = tuple(s.removesuffix("_nl") for s in NL_TREATIES)


def meta_for(stem: str) -> MetadataOverrides:
    if stem.endswith("_nl"):
        base = CORPUS_META.get(stem.removesuffix("_nl"), MetadataOverrides())
        return MetadataOverrides(
            jurisdiction=base.jurisdiction,
            doc_type=base.doc_type,
            year=base.year,
            status=base.status,
            language="nl",
        )
    return CORPUS_META.get(stem, MetadataOverrides())


@dataclass
class BuiltIndex:
    runtime: Runtime
    reports: list[IngestReport]

    def engine(self, options: SearchOptions | None = None) -> SearchEngine:
        return SearchEngine.from_runtime(self.runtime, options)

    def close(self) -> None:
        self.runtime.close()


def build_index(
    files: Sequence[Path],
    data_dir: Path,
    *,
    model: str | None = None,
    cache_dir: Path = EVAL_CACHE / "cache",
    qdrant_path: str | None = None,
) -> BuiltIndex:
    """Ingest ``files`` (with :data:`CORPUS_META` metadata) into an index under ``data_dir``.

    ``qdrant_path`` selects qdrant-client local mode instead of the default Qdrant Edge shard.
    """
    from ingest.service import Ingestor, SourceFile

    settings = Settings.from_env(data_dir=data_dir, cache_dir=cache_dir, model=model, qdrant_path=qdrant_path)
    runtime = Runtime(settings)
    from ingest.metadata import load_manifest

    manifests: dict[Path, dict[str, MetadataOverrides]] = {}
    sources = []
    for f in map(Path, files):
        folder = f.parent.resolve()
        if folder not in manifests:
            manifests[folder] = load_manifest(folder)
        entry = manifests[folder].get(f.name, MetadataOverrides())
        sources.append(SourceFile(f, meta_for(f.stem).merged_over(entry)))
    reports = Ingestor(runtime).ingest(sources)
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        runtime.close()
        raise RuntimeError("; ".join(f"{r.file}: {r.error}" for r in failed))
    return BuiltIndex(runtime, reports)


def corpus_files(corpus: Path, stems: Sequence[str]) -> list[Path]:
    return [corpus / f"{stem}.txt" for stem in stems]


def sample_files(repo: Path) -> list[Path]:
    """The fictional Veloria sample corpus (PDFs with a manifest) shipped in ``corpus/``."""
    return sorted((repo / "corpus").glob("veloria_*.pdf"))

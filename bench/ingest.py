"""Ingestion throughput on the real PDFs: pages/s parse-only and end-to-end, peak memory.

Baseline (same run): plain pypdf ``extract_text`` of every page, which is what any tool must do at least.
Usage: python bench/ingest.py [--pdf-dir ../shared/corpus-real/pdf] [--model minilm] [--limit N] [--skip-e2e]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pdf-dir", type=Path, default=REPO.parent / "shared" / "corpus-real" / "pdf")
    ap.add_argument("--model", default=None, help="embedding model for end-to-end (default: offline e5)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    ap.add_argument("--skip-e2e", action="store_true")
    args = ap.parse_args()
    if not args.pdf_dir.is_dir():
        print(f"no PDFs at {args.pdf_dir}; nothing to measure")
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["HAYSTACK_TELEMETRY_ENABLED"] = "False"

    from pypdf import PdfReader

    from ingest.clean import clean_pages
    from ingest.errors import InputError
    from ingest.metadata import MetadataOverrides, build_meta
    from ingest.readers import read_pages
    from ingest.structure import parse_document

    pdfs = sorted(args.pdf_dir.glob("*.pdf"))
    if args.limit:
        pdfs = pdfs[: args.limit]

    # Baseline: raw text extraction.
    t0 = time.perf_counter()
    raw_pages = 0
    for pdf in pdfs:
        for page in PdfReader(pdf).pages:
            page.extract_text()
            raw_pages += 1
    t_raw = time.perf_counter() - t0

    # Parse-only: read (with margin-note layout analysis) + clean + structure.
    # Scanned PDFs (read by OCR where tesseract is installed) are timed apart: OCR is another order of speed.
    pages_ok, units, failed = 0, 0, []
    t_parse = t_ocr = 0.0
    ocr_pages = 0
    for pdf in pdfs:
        t0 = time.perf_counter()
        try:
            pages = clean_pages(read_pages(pdf))
        except InputError as exc:
            failed.append(f"{pdf.name}: {exc}")
            continue
        meta = build_meta(path=pdf, sha256="", pages=pages, given=MetadataOverrides(), detector=None)
        doc = parse_document(pages, meta)
        units += len(doc.units())
        if any(p.ocr_confidence is not None for p in pages):
            t_ocr += time.perf_counter() - t0
            ocr_pages += len(pages)
        else:
            t_parse += time.perf_counter() - t0
            pages_ok += len(pages)
    rss_parse = _rss_mb()

    text_pages = raw_pages - ocr_pages  # the baseline counts scanned pages too (pypdf finds no text on them)
    rows = [
        ("pypdf extract_text (baseline)", raw_pages, t_raw, 1.0),
        (
            "ctkb parse-only (read+clean+structure)",
            pages_ok,
            t_parse,
            (pages_ok / t_parse) / (text_pages / t_raw) if text_pages else 0.0,
        ),
    ]
    if ocr_pages:
        rows.append(
            (
                "ctkb parse-only, scanned PDFs by OCR",
                ocr_pages,
                t_ocr,
                (ocr_pages / t_ocr) / (raw_pages / t_raw),
            )
        )

    if not args.skip_e2e:
        from ingest.config import Settings
        from ingest.runtime import Runtime
        from ingest.service import ingest_paths

        # latent terms off: the same pipeline without the third (multilingual sparse) vector
        for latent in (True, False):
            with tempfile.TemporaryDirectory() as tmp:
                settings = Settings.from_env(
                    data_dir=Path(tmp) / "data", model=args.model, latent_terms=latent
                )
                runtime = Runtime(settings)
                t0 = time.perf_counter()
                _ = runtime.spec, runtime.document_embedder  # model load is reported separately
                t_load = time.perf_counter() - t0
                t0 = time.perf_counter()
                reports = ingest_paths(runtime, pdfs)
                t_e2e = time.perf_counter() - t0
                points = runtime.index.count_points()
                has_latent = runtime.index.info().latent_terms
                runtime.close()
            e2e_pages = sum(r.pages for r in reports if r.status != "failed")
            rows.append(
                (
                    f"ctkb end-to-end, latent terms {'on' if has_latent else 'off'}",
                    e2e_pages,
                    t_e2e,
                    (e2e_pages / t_e2e) / (raw_pages / t_raw),
                )
            )
            print(f"model {settings.model or 'default e5'}: load {t_load:.1f} s; {points} points written")
            if not has_latent:
                break  # the model has no latent terms: nothing to compare
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"\n{len(pdfs)} PDFs, {raw_pages} pages, {units} provisions/clauses parsed; failed: {len(failed)}")
    for line in failed:
        print("  ", line)
    print(f"\n{'stage':<44} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'vs baseline':>11}")
    for name, n, secs, ratio in rows:
        print(f"{name:<44} {n:>6} {secs:>8.1f} {n / secs:>8.1f} {ratio:>10.3f}x")
    print(
        f"\npeak RSS: parse-only {rss_parse:.0f} MB; whole run {_rss_mb():.0f} MB; parse worker {children:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

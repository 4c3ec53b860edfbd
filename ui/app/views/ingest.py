"""Add documents: upload files with a metadata form; one progress line per file; bad files do not stop the rest."""

from __future__ import annotations

import streamlit as st

from ingest.errors import CtkbError
from ingest.metadata import MetadataOverrides
from ui.app.actions import ingest_uploads
from ui.app.markup import md_escape
from ui.app.resources import app_context
from ui.app.uploads import ALLOWED_SUFFIXES, MAX_UPLOAD_MB

ctx = app_context()
st.title("Add documents")
if ctx.read_only:
    st.info("This app is read-only: adding documents is disabled.")
    st.stop()

st.caption(
    f"PDF, DOCX, TXT or Markdown, up to {MAX_UPLOAD_MB} MB each. Leave a field empty to let ctkb infer it "
    "(title and language) or leave it unknown."
)
with st.form("ingest", clear_on_submit=False):
    files = st.file_uploader(
        "Files",
        type=[s.lstrip(".") for s in ALLOWED_SUFFIXES],
        accept_multiple_files=True,
        key="ingest_files",
    )
    c1, c2, c3 = st.columns(3)
    title = c1.text_input("Title (one file only)", key="meta_title")
    jurisdiction = c2.text_input("Jurisdiction", key="meta_jurisdiction", placeholder="e.g. Veloria, UN, CoE")
    doc_type = c3.selectbox(
        "Document type",
        ["", "law", "draft_law", "treaty", "policy", "sop", "guide", "report"],
        key="meta_doc_type",
    )
    c4, c5, c6 = st.columns(3)
    language = c4.text_input("Language (ISO code)", key="meta_language", placeholder="en, ka, ru…")
    year = c5.number_input("Year", min_value=0, max_value=2100, value=None, step=1, key="meta_year")
    status = c6.selectbox("Status", ["", "in_force", "draft", "repealed"], key="meta_status")
    c7, c8 = st.columns(2)
    version = c7.text_input("Version", key="meta_version", placeholder="e.g. v2")
    work = c8.text_input("Work (groups drafts of one law)", key="meta_work")
    submitted = st.form_submit_button("Add to the index", type="primary")

if submitted:
    uploads = [(f.name, f.getvalue()) for f in files or []]
    if not uploads:
        st.warning("Choose one or more files first.")
        st.stop()

    def opt(value: str | None) -> str | None:
        return value.strip() or None if value else None

    given = MetadataOverrides(
        title=opt(title) if len(uploads) == 1 else None,
        jurisdiction=opt(jurisdiction),
        doc_type=opt(doc_type),
        language=opt(language.lower() if language else language),
        year=int(year) if year else None,
        status=opt(status),
        version=opt(version),
        work=opt(work),
    )
    rows = []
    for name, _ in uploads:
        st.markdown(f"**{md_escape(name)}**")
        rows.append(st.progress(0, text="waiting"))
    stages = {"parsing": (40, "parsing and indexing…"), "indexed": (100, "done"), "failed": (100, "rejected")}

    def on_progress(i: int, stage: str) -> None:
        value, text = stages.get(stage, (0, stage))
        rows[i].progress(value, text=text)

    try:
        with ctx.writing(), st.spinner("Adding documents…"):
            reports = ingest_uploads(ctx.ingestor, uploads, given, on_progress)
    except CtkbError as exc:
        st.error(md_escape(exc))
        st.stop()
    for bar, report in zip(rows, reports, strict=True):
        bar.progress(100, text=report.status)
        if report.status == "failed":
            st.error(md_escape(f"{report.file}: {report.error}"))
        else:
            st.success(
                md_escape(
                    f"{report.file} → {report.doc_id}: {report.status} "
                    f"({report.provisions} provisions, {report.pages} pages)"
                )
            )
            for warning in report.warnings:
                st.warning(md_escape(f"{report.file}: {warning}"))
    if any(r.status != "failed" for r in reports):
        st.page_link("views/library.py", label="Open the library", icon=":material/library_books:")

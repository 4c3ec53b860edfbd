"""Library: the indexed documents with metadata and counts; a document's structure; remove / re-ingest."""

from __future__ import annotations

import streamlit as st

from ingest.errors import CtkbError
from ui.app import actions
from ui.app.markup import md_escape
from ui.app.resources import app_context, document_list, document_outline
from ui.app.view_models import LANGUAGE_NAMES, document_rows, outline_rows

ctx = app_context()
st.title("Library")

try:
    records = document_list(ctx)
except CtkbError as exc:
    st.error(md_escape(exc))
    st.stop()

if not records:
    st.info("The index is empty. Add documents on the “Add documents” page or with `ctkb ingest PATH…`.")
    st.stop()

notice = st.session_state.pop("library_notice", None)
if notice:
    st.success(md_escape(notice))

total = sum(r.provisions for r in records)
st.caption(f"{len(records)} documents · {total} provisions")
st.dataframe(document_rows(records), hide_index=True, width="stretch", key="library_table")

by_id = {r.meta.doc_id: r for r in records}
ids = list(by_id)
wanted = st.query_params.get("doc")
doc_id = st.selectbox(
    "Document",
    ids,
    index=ids.index(wanted) if wanted in by_id else 0,
    format_func=lambda d: f"{by_id[d].meta.title} [{d}]",
    key="library_doc",
)
record = by_id[doc_id]
meta = record.meta

st.subheader(md_escape(meta.title))
facts = {
    "Id": meta.doc_id,
    "Source file": meta.source,
    "Jurisdiction": meta.jurisdiction,
    "Type": meta.doc_type,
    "Language": LANGUAGE_NAMES.get(meta.language, meta.language),
    "Year": meta.year or "",
    "Status": meta.status,
    "Version": meta.version,
    "Work": meta.work,
    "Pages": meta.pages,
    "Provisions": record.provisions,
}
st.dataframe(
    [{"field": k, "value": str(v)} for k, v in facts.items() if v not in ("", None)],
    hide_index=True,
    key="library_facts",
)

st.markdown("#### Structure")
st.dataframe(outline_rows(document_outline(ctx, doc_id)), hide_index=True, width="stretch")

if not ctx.read_only:
    st.markdown("#### Manage")
    c1, c2 = st.columns(2)
    with c1:
        if st.button("Re-ingest from the kept source", key="reingest"):
            try:
                with ctx.writing(), st.spinner("Parsing and indexing again…"):
                    report = actions.reingest(ctx.ingestor, meta)
                st.session_state["library_notice"] = (
                    f"{report.doc_id} re-ingested ({report.provisions} provisions, {report.pages} pages)"
                )
                st.rerun()
            except CtkbError as exc:
                st.error(md_escape(exc))
    with c2:
        sure = st.checkbox(f"Yes, remove {md_escape(doc_id)} from the index", key="remove_sure")
        if st.button("Remove document", key="remove", disabled=not sure, type="primary"):
            try:
                with ctx.writing() as runtime:
                    actions.remove(runtime, doc_id)
                st.session_state["library_notice"] = f"removed {doc_id}"
                st.session_state.pop("library_doc", None)
                st.rerun()
            except CtkbError as exc:
                st.error(md_escape(exc))

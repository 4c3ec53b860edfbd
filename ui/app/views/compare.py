"""Compare two expressions of a law (indexed or uploaded): summary, crosswalk, redline, reports, coverage."""

from __future__ import annotations

import streamlit as st

from ingest.errors import CtkbError
from ui.app import compare_inputs as inputs
from ui.app import compare_rows
from ui.app import resources as res
from ui.app.compare_view import render_comparison, render_coverage
from ui.app.markup import md_escape
from ui.app.uploads import ALLOWED_SUFFIXES

ctx = res.app_context()
st.title("Compare documents")

try:
    records = res.document_list(ctx)
except CtkbError as exc:
    st.error(md_escape(exc))
    st.stop()
by_id = {r.meta.doc_id: r for r in records}
ids = list(by_id)
preset = compare_rows.default_pair(records)


def pick(
    side: str, column: st.delta_generator.DeltaGenerator, default: str | None
) -> tuple[str, object] | None:
    """One side: ("doc", doc_id) from the index or ("file", (name, bytes)) from an upload."""
    with column:
        sources = ["Indexed document", "Upload a file"] if ids else ["Upload a file"]
        how = st.radio("Source", sources, key=f"{side}_how", horizontal=True, label_visibility="collapsed")
        if how == "Indexed document":
            doc_id = st.selectbox(
                "Document",
                ids,
                index=ids.index(default) if default in by_id else 0,
                format_func=lambda d: f"{by_id[d].meta.title} [{d}]",
                key=f"{side}_doc",
            )
            return ("doc", doc_id)
        up = st.file_uploader("File", type=[s.lstrip(".") for s in ALLOWED_SUFFIXES], key=f"{side}_file")
        return ("file", (up.name, up.getvalue())) if up is not None else None


tab_cmp, tab_cov = st.tabs(["Crosswalk and redline", "Coverage"])
with tab_cmp:
    tracked = st.toggle(
        "One Word draft with tracked changes",
        key="cmp_tracked",
        help="Compare the text before its tracked changes (left) with the text after them (right).",
    )
    left: tuple[str, object] | None
    right: tuple[str, object] | None
    if tracked:
        up = st.file_uploader("Word file (.docx)", type=["docx"], key="tracked_file")
        left = right = ("tracked", (up.name, up.getvalue())) if up is not None else None
    else:
        c1, c2 = st.columns(2)
        c1.markdown("**Earlier version (left)**")
        c2.markdown("**Later version (right)**")
        left = pick("left", c1, preset[0] if preset else None)
        right = pick("right", c2, preset[1] if preset else None)

    key = (inputs.side_key(left), inputs.side_key(right), ctx.generation)
    if st.button("Compare", type="primary", disabled=left is None or right is None, key="run_compare"):
        try:
            with st.spinner("Aligning provisions…"):
                comparison = inputs.compare_sides(ctx, left, right)  # type: ignore[arg-type]
            st.session_state["comparison"] = (key, comparison)
        except CtkbError as exc:
            st.error(md_escape(exc))
    held = st.session_state.get("comparison")
    if held is not None and held[0] == key:
        render_comparison(held[1])
    elif held is not None:
        st.caption("The choice changed: press Compare again.")

with tab_cov:
    render_coverage(ctx, records, pick)

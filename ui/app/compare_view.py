"""How a comparison and a coverage check are drawn on the compare page (rendering only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ingest.errors import CtkbError
from ui.app import view_models as vm
from ui.app.markup import md_escape, redline_rows, redline_table

REPORT_FORMATS = (
    ("HTML", "html", "text/html"),
    ("Markdown", "md", "text/markdown"),
    ("CSV", "csv", "text/csv"),
)


def _title(meta: Any) -> str:
    version = f" ({meta.version})" if meta.version else ""
    return f"{meta.title}{version}"


def render_comparison(comparison: Any) -> None:
    lm, rm = comparison.left_meta, comparison.right_meta
    st.markdown(f"**{md_escape(_title(lm))}** → **{md_escape(_title(rm))}**")
    if comparison.cross_language:
        st.caption("Different languages: provisions are paired by meaning; no word-level redline.")
    items = vm.summary_items(comparison.summary)
    for col, (name, count) in zip(st.columns(len(items)), items, strict=True):
        col.metric(name.capitalize(), count)

    statuses = st.multiselect(
        "Show", vm.STATUS_ORDER, default=list(vm.STATUS_ORDER), key="cmp_status", format_func=str.capitalize
    )
    st.markdown("#### Crosswalk")
    rows = vm.crosswalk_rows(comparison.pairs, statuses)
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={"similarity": st.column_config.NumberColumn(format="%.2f")},
        key="crosswalk",
    )

    st.markdown("#### Redline")
    changed = [p for p in comparison.pairs if p.status != "unchanged" and p.status in statuses]
    if changed:
        st.markdown(
            redline_table(_title(lm), _title(rm), redline_rows(changed)),
            unsafe_allow_html=True,
        )
    else:
        st.caption("No changed provision among the statuses shown.")

    st.markdown("#### Report")
    _downloads(comparison)


def _downloads(comparison: Any) -> None:
    try:
        from search import report
    except ImportError:
        st.caption("Report downloads are not available in this version.")
        return
    renderers = {"html": report.to_html, "md": report.to_markdown, "csv": report.to_csv}
    stem = f"compare_{comparison.left_meta.doc_id}_{comparison.right_meta.doc_id}"
    for col, (label, ext, mime) in zip(st.columns(len(REPORT_FORMATS)), REPORT_FORMATS, strict=True):
        col.download_button(
            f"Download {label}",
            renderers[ext](comparison),
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"dl_{ext}",
        )


def render_coverage(ctx: Any, records: list[Any]) -> None:
    try:
        from search import coverage  # noqa: F401
    except ImportError:
        st.info("Coverage checks are not available in this version.")
        return
    st.info("Coverage: coming with search/coverage.py")
    _ = CtkbError

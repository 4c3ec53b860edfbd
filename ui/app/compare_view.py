"""How a comparison and a coverage check are drawn on the compare page (rendering only)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ingest.errors import CtkbError
from ui.app import compare_rows as vm
from ui.app.compare_inputs import load_side, side_key
from ui.app.markup import md_escape, redline_rows, redline_table

REPORT_FORMATS = (
    ("HTML", "html", "text/html"),
    ("Markdown", "md", "text/markdown"),
    ("CSV", "csv", "text/csv"),
)


def _title(meta: Any) -> str:
    version = f" ({meta.version})" if meta.version and meta.version not in meta.title else ""
    return f"{meta.title}{version}"


def render_comparison(comparison: Any) -> None:
    lm, rm = comparison.left_meta, comparison.right_meta
    st.markdown(f"**{md_escape(_title(lm))}** → **{md_escape(_title(rm))}**")
    if comparison.cross_language:
        from search.compare import CROSS_LANGUAGE_NOTE

        st.caption(CROSS_LANGUAGE_NOTE)
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
    stem = f"compare_{comparison.left_meta.doc_id}_{comparison.right_meta.doc_id}"
    _report_buttons(comparison, stem, "cmp")


def _report_buttons(report_value: Any, stem: str, prefix: str) -> None:
    """HTML / Markdown / CSV downloads of a comparison or coverage report (``search.report``)."""
    from search import report

    renderers = {"html": report.to_html, "md": report.to_markdown, "csv": report.to_csv}
    for col, (label, ext, mime) in zip(st.columns(len(REPORT_FORMATS)), REPORT_FORMATS, strict=True):
        col.download_button(
            f"Download {label}",
            renderers[ext](report_value),
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"dl_{prefix}_{ext}",
        )


def render_coverage(ctx: Any, records: list[Any], pick: Any) -> None:
    """Draft (indexed or uploaded) against a shipped checklist or an indexed reference document."""
    from search.coverage import CHECKLISTS, load_checklist

    checklists = {name: load_checklist(name) for name in CHECKLISTS}
    c1, c2 = st.columns(2)
    c1.markdown("**Draft**")
    drafts = [r.meta.doc_id for r in records if r.meta.doc_type in ("draft_law", "law")]
    draft = pick("draft", c1, drafts[-1] if drafts else None)
    with c2:
        st.markdown("**Reference**")
        refs = list(checklists) + [r.meta.doc_id for r in records]
        titles = {k: f"Checklist: {v.title}" for k, v in checklists.items()}
        titles |= {r.meta.doc_id: f"{r.meta.title} [{r.meta.doc_id}]" for r in records}
        reference = st.selectbox("Reference", refs, format_func=titles.__getitem__, key="cov_ref")
    key = (side_key(draft), reference, ctx.generation)
    if st.button("Check coverage", type="primary", disabled=draft is None, key="run_coverage"):
        from search.coverage import coverage

        try:
            with st.spinner("Matching obligations to provisions…"):
                doc = load_side(ctx, draft)
                ref = checklists.get(reference) or load_side(ctx, ("doc", reference))
                st.session_state["coverage"] = (key, coverage(doc, ref, ctx.runtime.embedder))
        except CtkbError as exc:
            st.error(md_escape(exc))
    held = st.session_state.get("coverage")
    if held is None:
        return
    if held[0] != key:
        st.caption("The choice changed: press Check coverage again.")
        return
    report = held[1]
    st.markdown(f"**{md_escape(report.draft_meta.title)}** against **{md_escape(report.checklist_title)}**")
    if report.language_note:
        st.caption(md_escape(report.language_note))
    for col, status in zip(st.columns(3), vm.COVERAGE_ORDER, strict=True):
        col.metric(status.capitalize(), int(report.summary.get(status, 0)))
    statuses = st.multiselect(
        "Show",
        vm.COVERAGE_ORDER,
        default=list(vm.COVERAGE_ORDER),
        key="cov_status",
        format_func=str.capitalize,
    )
    st.dataframe(
        vm.coverage_rows(report, statuses),
        hide_index=True,
        width="stretch",
        column_config={"score": st.column_config.NumberColumn(format="%.2f", help="z units over background")},
    )
    stem = f"coverage_{report.draft_meta.doc_id}_{report.checklist_id}"
    _report_buttons(report, stem, "cov")

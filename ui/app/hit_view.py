"""How one search hit is drawn: its card, then the full text, the source page and similar provisions
on demand (toggles, so nothing heavy is computed for hits nobody opens)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ingest.errors import CtkbError
from search.citation import short_label
from ui.app import resources as res
from ui.app.markup import card_html, esc, md_escape, snippet_html, text_html
from ui.app.view_models import pages_label, term_marks


def render_hit(ctx: Any, hit: Any, i: int, query: str) -> None:
    st.markdown(card_html(hit), unsafe_allow_html=True)
    key = f"{hit.doc_id}/{hit.provision_id}"
    c1, c2, c3 = st.columns(3)
    show_text = c1.toggle("Full provision", key=f"text:{key}")
    pages = pages_label(hit.page_start, hit.page_end)
    show_page = c2.toggle(f"Open at {pages}" if pages else "Open source", key=f"page:{key}")
    show_similar = c3.toggle("Similar in other documents", key=f"sim:{key}")
    if show_text:
        path = " › ".join((hit.title, *hit.path, hit.label))
        st.caption(md_escape(path))
        st.markdown(text_html(hit.text, term_marks(hit.text, query)), unsafe_allow_html=True)
    if show_page:
        _source_page(ctx, hit, key)
    if show_similar:
        _similar(ctx, hit)
    st.divider()


def _source_page(ctx: Any, hit: Any, key: str) -> None:
    from ingest.service import source_copy

    meta = next((r.meta for r in res.document_list(ctx) if r.meta.doc_id == hit.doc_id), None)
    path = source_copy(ctx.runtime, meta) if meta is not None else None
    if path is None or path.suffix != ".pdf" or not hit.page_start:
        st.info("The source has no page images; its text is shown instead.")
        st.markdown(text_html(hit.text), unsafe_allow_html=True)
        return
    page = hit.page_start
    if hit.page_end > hit.page_start:  # opened at the cited paragraph or passage, or the best-matching part
        first = _paragraph_page(ctx, path, hit) or hit.best_page or hit.page_start
        page = st.number_input(
            "Page", min_value=hit.page_start, max_value=hit.page_end, value=first, key=f"pg:{key}"
        )
    try:
        with st.spinner("Finding the provision on the page…"):
            marks = res.page_marks(ctx, path, int(page), hit)
            passage = res.passage_marks(ctx, path, int(page), hit)
        where = (
            "the provision is highlighted"
            if marks
            else "the provision's text was not found on the page image"
        )
        if passage:
            where += f"; {short_label(hit.label)}{hit.pinpoint} is framed in red"
        st.image(
            res.page_png(path, int(page), marks, passage), caption=f"{meta.source}, page {page} ({where})"
        )
    except (ValueError, OSError) as exc:
        st.error(md_escape(f"cannot show page {page} of {meta.source}: {exc}"))
    with open(path, "rb") as fh:
        st.download_button(
            "Download the source file",
            fh.read(),
            file_name=meta.source or path.name,
            mime="application/pdf",
            key=f"dl:{key}",
        )


def _paragraph_page(ctx: Any, path: Any, hit: Any, most: int = 5) -> int:
    """The page where the cited paragraph (or, without a pinpoint, the passage shown) starts: known from
    the index's page breaks, else looked for on at most ``most`` pages (the best-matching part's first);
    0 where neither is known."""
    if getattr(hit, "page_breaks", ()):
        return int(hit.pinpoint_pages[0])
    if not getattr(hit, "pinpoint", ""):
        return 0
    best = hit.best_page or hit.page_start
    pages = [best, *(p for p in range(hit.page_start, hit.page_end + 1) if p != best)]
    return next((p for p in sorted(pages[:most]) if res.passage_marks(ctx, path, p, hit)), 0)


def _similar(ctx: Any, hit: Any) -> None:
    try:
        with st.spinner("Looking in other documents…"):
            groups = res.similar(ctx, hit.doc_id, hit.provision_id)
    except CtkbError as exc:
        st.error(md_escape(exc))
        return
    if not groups:
        st.info("No close provision in other documents.")
        return
    for group in groups:
        rows = "".join(
            f'<div class="ctkb-card"><span class="ctkb-score">score {h.score:.3f}</span>'
            f'<div class="ctkb-cite">{esc(h.citation)}</div>'
            f'<div class="ctkb-snip">{snippet_html(h.snippet)}</div></div>'
            for h in group.hits
        )
        st.markdown(f'<div class="ctkb-sim">{rows}</div>', unsafe_allow_html=True)

"""Search provisions: query, mode, filters with counts; cards with citation, highlighted snippet, score.

Query and filters live in the URL (``st.query_params``), so a result list can be shared as a link.
"""

from __future__ import annotations

import time

import streamlit as st

from ingest.errors import CtkbError
from ui.app import resources as res
from ui.app import view_models as vm
from ui.app.hit_view import render_hit
from ui.app.markup import md_escape

ctx = res.app_context()
st.title("Search provisions")

url_state = vm.state_from_params(vm.params_of(st.query_params))
if st.session_state.get("search_url") != vm.state_to_params(url_state):
    # A link was opened (or the URL changed): the widgets follow the URL.
    st.session_state["q"] = url_state.query
    st.session_state["mode"] = url_state.mode
    st.session_state["top_k"] = url_state.top_k if url_state.top_k in vm.TOP_K_CHOICES else 10
    for key in vm.FILTER_KEYS:
        st.session_state[f"f_{key}"] = list(url_state.values(key))
    st.session_state["years"] = (url_state.year_from, url_state.year_to)
    st.session_state.pop("year_range", None)

try:
    records = res.document_list(ctx)
except CtkbError as exc:
    st.error(md_escape(exc))
    st.stop()
if not records:
    st.info("The index is empty. Add documents on the “Add documents” page or with `ctkb ingest PATH…`.")
    st.stop()
titles = {r.meta.doc_id: r.meta.title for r in records}
provisions = {r.meta.doc_id: r.provisions for r in records}

with st.form("search", border=False):
    c1, c2 = st.columns([5, 1])
    c1.text_input(
        "Query",
        key="q",
        placeholder="e.g. non-punishment of victims · Article 3 of the Palermo Protocol",
        label_visibility="collapsed",
    )
    c2.form_submit_button("Search", type="primary", width="stretch")
    c3, c4 = st.columns([4, 1])
    c3.radio("Mode", vm.MODES, key="mode", horizontal=True, format_func=str.capitalize)
    c4.selectbox("Results", vm.TOP_K_CHOICES, key="top_k")

state = vm.SearchState(
    query=st.session_state["q"].strip(),
    mode=st.session_state["mode"],
    top_k=int(st.session_state["top_k"]),
    year_from=st.session_state["years"][0],
    year_to=st.session_state["years"][1],
    filters={k: tuple(st.session_state.get(f"f_{k}", ())) for k in vm.FILTER_KEYS},
)

with st.sidebar:
    st.subheader("Filters")
    names = {"language": vm.LANGUAGE_NAMES, "doc": titles}
    labels = {
        "jurisdiction": "Jurisdiction",
        "doc_type": "Document type",
        "language": "Language",
        "status": "Status",
        "doc": "Documents",
    }
    for key in vm.FILTER_KEYS:
        counts = res.facet_counts(ctx, vm.facet_payload_key(key), vm.to_filters(state, without=key))
        options = vm.facet_options(counts, state.values(key))
        if not options:
            continue
        if key == "doc":  # one document each: show its size instead
            counts = {d: provisions.get(d, 0) for d in counts}
        st.multiselect(
            labels[key], options, key=f"f_{key}", format_func=vm.option_labeler(counts, names.get(key))
        )
    years = sorted({r.meta.year for r in records if r.meta.year})
    if len(years) > 1:
        lo = state.year_from if state.year_from is not None else years[0]
        hi = state.year_to if state.year_to is not None else years[-1]
        picked = st.slider(
            "Years", years[0], years[-1], (max(lo, years[0]), min(hi, years[-1])), key="year_range"
        )
        full = picked == (years[0], years[-1])
        st.session_state["years"] = (None, None) if full else picked
    st.caption("Counts: documents under the other filters (provisions for documents).")

# Re-read the filters the sidebar may have changed in this run.
state = vm.SearchState(
    query=state.query,
    mode=state.mode,
    top_k=state.top_k,
    year_from=st.session_state["years"][0],
    year_to=st.session_state["years"][1],
    filters={k: tuple(st.session_state.get(f"f_{k}", ())) for k in vm.FILTER_KEYS},
)
params = vm.state_to_params(state)
st.session_state["search_url"] = params
if params != vm.state_to_params(url_state):
    st.query_params.from_dict(params)

if not state.query:
    st.caption(
        f"{len(records)} documents indexed. Type a question, a topic or a reference such as “Article 5”."
    )
    st.stop()

started = time.perf_counter()
try:
    with st.spinner("Searching…"):
        timed = res.run_search(ctx, state)
except CtkbError as exc:
    st.error(md_escape(exc))
    st.stop()
waited = time.perf_counter() - started  # what this run waited (a repeated search comes from the cache)

hits = timed.result.hits
st.caption(md_escape(f"{len(hits)} provisions for “{state.query}” · {state.mode} · {waited * 1000:.0f} ms"))
if not hits:
    st.info("No provision matches. Try other words, another mode, or fewer filters.")
else:  # the list of sources for a memo: each citation down to the paragraph, with the words it covers
    from search.report import results_csv, results_markdown

    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button(
        "Download citations (Markdown)",
        results_markdown(timed.result, vm.to_filters(state)),
        file_name="ctkb_search.md",
        mime="text/markdown",
    )
    c2.download_button(
        "Download citations (CSV)", results_csv(timed.result), file_name="ctkb_search.csv", mime="text/csv"
    )
for i, hit in enumerate(hits):
    render_hit(ctx, hit, i, state.query)

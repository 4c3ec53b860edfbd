"""Entry point of the app (``ctkb ui`` runs ``streamlit run`` on this file): pages and shared set-up."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ingest.errors import CtkbError
from ui.app.markup import CSS, md_escape
from ui.app.resources import app_context

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="ctkb · counter-trafficking knowledge base", page_icon="⚖️", layout="wide")
st.html(CSS)  # style-only HTML goes to the page head, not into the layout

try:
    ctx = app_context()
except CtkbError as exc:
    st.error(md_escape(f"Cannot open the index: {exc}"))
    st.stop()
pages = [
    st.Page(HERE / "views" / "search.py", title="Search", icon=":material/search:", default=True),
    st.Page(HERE / "views" / "compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page(
        HERE / "views" / "library.py", title="Library", icon=":material/library_books:", url_path="library"
    ),
]
if not ctx.read_only:
    pages.append(
        st.Page(
            HERE / "views" / "ingest.py",
            title="Add documents",
            icon=":material/upload_file:",
            url_path="ingest",
        )
    )

with st.sidebar:
    st.caption("ctkb — works offline" + (" · read-only" if ctx.read_only else ""))
    if ctx.warm_error:
        st.error(md_escape(f"Could not load the model: {ctx.warm_error}"))

st.navigation(pages).run()

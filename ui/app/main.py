"""Entry point of the app (``ctkb ui`` runs ``streamlit run`` on this file): pages and shared set-up."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.app.markup import CSS
from ui.app.resources import app_context

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="ctkb · counter-trafficking knowledge base", page_icon="⚖️", layout="wide")
st.markdown(CSS, unsafe_allow_html=True)

ctx = app_context()
pages = [
    st.Page(HERE / "pages" / "search.py", title="Search", icon="🔎", url_path="search", default=True),
    st.Page(HERE / "pages" / "compare.py", title="Compare", icon="⚖️", url_path="compare"),
    st.Page(HERE / "pages" / "library.py", title="Library", icon="📚", url_path="library"),
]
if not ctx.read_only:
    pages.append(st.Page(HERE / "pages" / "ingest.py", title="Add documents", icon="➕", url_path="ingest"))

with st.sidebar:
    st.caption("ctkb — works offline" + (" · read-only" if ctx.read_only else ""))
    if ctx.warm_error:
        st.error(f"Could not open the index or the model: {ctx.warm_error}")

st.navigation(pages).run()

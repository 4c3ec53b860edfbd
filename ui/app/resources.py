"""The one runtime per process that every browser session shares.

Qdrant Edge is single-process, so while the app runs it owns the index. The runtime (index + model)
is opened once (``st.cache_resource``); writes (ingest, remove) take ``write_lock`` so two sessions
never write at once; ``generation`` grows after each write so cached views of the document list
are rebuilt at once, in every session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ingest.config import Settings
from ingest.runtime import Runtime


@dataclass
class AppContext:
    settings: Settings
    runtime: Runtime
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0
    warm_error: str = ""

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    @contextmanager
    def writing(self) -> Iterator[Runtime]:
        """Serialise index writes across sessions; bump the generation afterwards, even on failure."""
        with self.write_lock:
            try:
                yield self.runtime
            finally:
                self.generation += 1
                st.cache_data.clear()


def _release(ctx: AppContext) -> None:
    ctx.runtime.close()


def _warm(ctx: AppContext) -> None:
    """Open the index and load the query model in the background so the first search is quick."""
    try:
        ctx.runtime.index  # noqa: B018 - opening is the point
        ctx.runtime.embedder  # noqa: B018
    except Exception as exc:  # noqa: BLE001 - shown on the page, not raised in a thread
        ctx.warm_error = str(exc) or type(exc).__name__


@st.cache_resource(show_spinner=False, on_release=_release)
def _open(key: str, _settings: Settings) -> AppContext:
    ctx = AppContext(settings=_settings, runtime=Runtime(_settings))
    threading.Thread(target=_warm, args=(ctx,), name="ctkb-warm-up", daemon=True).start()
    return ctx


def app_context() -> AppContext:
    """The shared context for the settings in the environment (``ctkb ui`` sets ``CTKB_*``)."""
    settings = Settings.from_env()
    return _open(repr(settings), settings)


# --- cached views that depend on the document list (keyed by the generation) --------------------


@st.cache_data(show_spinner=False, max_entries=8)
def documents(key: str, generation: int, _ctx: AppContext) -> list[Any]:
    return list(_ctx.runtime.index.documents())


@st.cache_data(show_spinner=False, max_entries=64)
def outline(key: str, generation: int, doc_id: str, _ctx: AppContext) -> list[dict[str, Any]]:
    from ui.render import outline_json

    return outline_json(_ctx.runtime.index.chunks(doc_id))


def document_list(ctx: AppContext) -> list[Any]:
    return documents(repr(ctx.settings), ctx.generation, ctx)


def document_outline(ctx: AppContext, doc_id: str) -> list[dict[str, Any]]:
    return outline(repr(ctx.settings), ctx.generation, doc_id, ctx)

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
    index: Any  # opened before the model loads; Runtime's properties share one lock with the model load
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0
    warm_error: str = ""
    engine_cache: tuple[int, Any] | None = None
    _ingestor: Any = None

    @property
    def ingestor(self) -> Any:
        """One ``Ingestor`` per process: its Haystack pipeline holds the shared model component,
        and a component can belong to one pipeline only."""
        if self._ingestor is None:
            from ingest.service import Ingestor

            self._ingestor = Ingestor(self.runtime)
        return self._ingestor

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
    """Load the query model in the background so pages render at once and the first search is quick."""
    try:
        ctx.runtime.embedder.embed_query("warm up")  # the first inference is slow too
        ctx.runtime.bm25  # noqa: B018 - loading is the point
        lexicons = search_engine(ctx).lexicons
        if lexicons is not None:
            lexicons.prepare()  # cross-lingual search words (built once, kept on disk)
    except Exception as exc:  # noqa: BLE001 - shown on the page, not raised in a thread
        ctx.warm_error = str(exc) or type(exc).__name__


@st.cache_resource(show_spinner=False, on_release=_release)
def _open(key: str, _settings: Settings) -> AppContext:
    """Open the index now (fast; errors such as a locked index surface on the page and are retried
    on the next run, since a failed call is not cached), then load the model in the background."""
    runtime = Runtime(_settings)
    ctx = AppContext(settings=_settings, runtime=runtime, index=runtime.index)
    threading.Thread(target=_warm, args=(ctx,), name="ctkb-warm-up", daemon=True).start()
    return ctx


def app_context() -> AppContext:
    """The shared context for the settings in the environment (``ctkb ui`` sets ``CTKB_*``)."""
    settings = Settings.from_env()
    return _open(repr(settings), settings)


# --- cached views that depend on the document list (keyed by the generation) --------------------


@st.cache_data(show_spinner=False, max_entries=8)
def documents(key: str, generation: int, _ctx: AppContext) -> list[Any]:
    return list(_ctx.index.documents())


@st.cache_data(show_spinner=False, max_entries=64)
def outline(key: str, generation: int, doc_id: str, _ctx: AppContext) -> list[dict[str, Any]]:
    from ui.render import outline_json

    return outline_json(_ctx.index.chunks(doc_id))


def document_list(ctx: AppContext) -> list[Any]:
    return documents(repr(ctx.settings), ctx.generation, ctx)


def document_outline(ctx: AppContext, doc_id: str) -> list[dict[str, Any]]:
    return outline(repr(ctx.settings), ctx.generation, doc_id, ctx)


# --- search ---------------------------------------------------------------------------------------

_engine_lock = threading.Lock()


def search_engine(ctx: AppContext) -> Any:
    """One engine per document-list generation (its document-name resolver caches the list)."""
    from search.engine import SearchEngine

    with _engine_lock:
        cached = ctx.engine_cache
        if cached is None or cached[0] != ctx.generation:
            cached = ctx.engine_cache = (ctx.generation, SearchEngine.from_runtime(ctx.runtime))
        return cached[1]


@st.cache_data(show_spinner=False, max_entries=256)
def _facets(key: str, generation: int, payload_key: str, filters: Any, _ctx: AppContext) -> dict[str, int]:
    return dict(_ctx.index.facets(payload_key, filters.to_filter(), documents=True))


def facet_counts(ctx: AppContext, payload_key: str, filters: Any) -> dict[str, int]:
    """Documents per value of one payload key under the other filters (cached until the next write)."""
    return _facets(repr(ctx.settings), ctx.generation, payload_key, filters, ctx)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_png(
    path: str, size: int, mtime: float, page: int, marks: tuple[Any, ...], passage: tuple[Any, ...]
) -> bytes:
    from pathlib import Path

    from ui.app.source_view import render_pdf_page

    return render_pdf_page(Path(path), page, marks=marks, passage=passage)


def page_png(path: Any, page: int, marks: tuple[Any, ...] = (), passage: tuple[Any, ...] = ()) -> bytes:
    """The page as a PNG, ``marks`` (``search.page_marks.Box``) highlighted, ``passage`` outlined."""
    stat = path.stat()
    return _page_png(str(path), stat.st_size, stat.st_mtime, page, marks, passage)


@st.cache_data(show_spinner=False, max_entries=16)
def _ocr_words(path: str, size: int, mtime: float, page: int, options: Any, language: str) -> Any:
    """A scanned page's words read by OCR (seconds per page: read once, for every provision on it)."""
    from pathlib import Path

    from ingest.ocr import page_words

    return page_words(Path(path), page, options, language)


@st.cache_data(show_spinner=False, max_entries=256)
def _page_marks(
    path: str,
    size: int,
    mtime: float,
    page: int,
    text: str,
    heading: str,
    first: bool,
    last: bool,
    options: Any,
    language: str,
) -> tuple[Any, ...]:
    from pathlib import Path

    from search.page_marks import provision_boxes

    def ocr() -> Any:
        return _ocr_words(path, size, mtime, page, options, language)

    boxes = provision_boxes(
        Path(path), page, text=text, heading=heading, first_page=first, last_page=last, ocr=ocr
    )
    return tuple(boxes)


def page_marks(ctx: AppContext, path: Any, page: int, hit: Any) -> tuple[Any, ...]:
    """Where the hit's provision lies on the page (empty where its text cannot be found there); a page
    without a text layer is read by OCR, as ingest read it."""
    heading = f"{hit.label} {hit.heading}".strip()
    first, last = page == hit.page_start, page == hit.page_end
    return _marks(ctx, path, page, hit.text, heading, first, last, hit.language)


def passage_marks(ctx: AppContext, path: Any, page: int, hit: Any) -> tuple[Any, ...]:
    """Where the paragraph that the hit's pinpoint names lies on the page (empty without a pinpoint, or
    where the paragraph is not on this page)."""
    from search.pinpoint import passage_of

    passage = passage_of(hit.text.strip(), getattr(hit, "pinpoint", ""))
    return _marks(ctx, path, page, passage, "", True, True, hit.language) if passage else ()


def _marks(
    ctx: AppContext, path: Any, page: int, text: str, heading: str, first: bool, last: bool, language: str
) -> tuple[Any, ...]:
    stat = path.stat()
    options = ctx.settings.ocr_options
    return _page_marks(
        str(path), stat.st_size, stat.st_mtime, page, text, heading, first, last, options, language
    )


@dataclass(frozen=True)
class TimedResult:
    result: Any
    seconds: float


@st.cache_data(show_spinner=False, max_entries=128)
def _search(key: str, generation: int, params: str, _request: Any, _ctx: AppContext) -> TimedResult:
    import time

    start = time.perf_counter()
    result = search_engine(_ctx).search(_request)
    return TimedResult(result, time.perf_counter() - start)


def run_search(ctx: AppContext, state: Any) -> TimedResult:
    """Search for a ``SearchState`` (cached per state until the next write); the time is the engine's."""
    from search.engine import SearchRequest
    from ui.app.view_models import search_params_key, to_filters

    request = SearchRequest(query=state.query, top_k=state.top_k, mode=state.mode, filters=to_filters(state))
    return _search(repr(ctx.settings), ctx.generation, search_params_key(state), request, ctx)


@st.cache_data(show_spinner=False, max_entries=128)
def _similar(key: str, generation: int, doc_id: str, provision_id: str, _ctx: AppContext) -> list[Any]:
    return list(search_engine(_ctx).similar(doc_id, provision_id, top_k=5, per_document=2))


def similar(ctx: AppContext, doc_id: str, provision_id: str) -> list[Any]:
    return _similar(repr(ctx.settings), ctx.generation, doc_id, provision_id, ctx)

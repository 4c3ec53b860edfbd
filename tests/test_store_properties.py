"""Hypothesis: any sequence of replaces and removals leaves exactly what a dict model says."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.store.index import DocumentIndex
from ingest.store.server import ServerBackend
from tests.test_store_support import DIM, MODEL, check_invariants, write_version

DOCS = st.sampled_from(["a", "b", "c"])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("replace"), DOCS, st.integers(1, 4), st.integers(1, 6)),  # doc, version, chunks
        st.tuples(st.just("remove"), DOCS, st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_replace_remove_sequences_match_a_model(ops: list[tuple[str, str, int, int]]) -> None:
    index = DocumentIndex(ServerBackend(location=":memory:"))
    index.ensure(MODEL, DIM)
    model: dict[str, tuple[int, int]] = {}
    for op, doc, version, n in ops:
        if op == "replace":
            write_version(index, doc, version, n)
            model[doc] = (version, n)
        else:
            assert index.remove_document(doc) == (doc in model)
            model.pop(doc, None)
        assert check_invariants(index) == {d: v for d, (v, _) in model.items()}
        assert index.count_points() == 1 + sum(n + 1 for _, n in model.values())
        assert {d: r.chunks for d, r in ((r.meta.doc_id, r) for r in index.documents())} == {
            d: n for d, (_, n) in model.items()
        }
    index.close()

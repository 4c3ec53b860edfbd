"""Copies of one chunk (an article unchanged from draft v1 to v2) rank as one score in a fused query."""

from __future__ import annotations

from ingest.model import Chunk, DocumentMeta
from ingest.store.index import ScoredChunk
from ingest.store.schema import StoredChunk
from search.hits import equalize_copies
from search.snippet import query_terms

SHELTER = "Victims shall be offered safe accommodation in a specialised shelter."


def _scored(doc_id: str, title: str, score: float, text: str = SHELTER, number: str = "15") -> ScoredChunk:
    chunk = Chunk(
        provision_id=f"chp_4__art_{number}",
        ordinal=int(number),
        kind="article",
        number=number,
        label=f"Article {number}",
        heading="Shelter",
        path=("Chapter IV – Assistance and Protection",),
        page_start=5,
        page_end=5,
        text=text,
        embed_text="",
    )
    return ScoredChunk(StoredChunk(f"{doc_id}-{number}", DocumentMeta(doc_id, title=title), chunk), score)


V1, V2 = "Law on Combating Trafficking (Draft v1)", "Law on Combating Trafficking (Draft v2)"


def _ranked(scored: list[ScoredChunk], query: str) -> list[tuple[str, float]]:
    return [(s.stored.meta.doc_id, round(s.score, 6)) for s in equalize_copies(scored, query_terms(query))]


def test_copies_get_the_mean_of_their_scores_whatever_order_the_engine_gave() -> None:
    """RRF gave the copies ranks 1 and 3 on one side; another provision sat between them. Both orders of
    the copies give the same scores, so a rebuilt index gives the same results."""
    other = _scored(
        "model_law", "Model Law", 0.45, text="Witnesses may be given a new identity.", number="21"
    )
    first = [_scored("v1", V1, 0.6), other, _scored("v2", V2, 0.4)]
    swapped = [_scored("v2", V2, 0.6), other, _scored("v1", V1, 0.4)]
    assert _ranked(first, "shelter for victims") == [("v1", 0.5), ("v2", 0.5), ("model_law", 0.45)]
    assert _ranked(swapped, "shelter for victims") == [("v2", 0.5), ("v1", 0.5), ("model_law", 0.45)]


def test_chunks_that_differ_or_a_query_naming_one_copy_are_left_alone() -> None:
    changed = [_scored("v1", V1, 0.6), _scored("v2", V2, 0.4, text=SHELTER + " Children stay with a parent.")]
    assert _ranked(changed, "shelter for victims") == [("v1", 0.6), ("v2", 0.4)]
    copies = [_scored("v2", V2, 0.6), _scored("v1", V1, 0.4)]
    assert _ranked(copies, "shelter in draft v2") == [("v2", 0.6), ("v1", 0.4)]

"""BM25 sparse encoder: language-aware analysis, Qdrant's term ids, query vs document values."""

from __future__ import annotations

import pytest

from ingest import georgian
from ingest.model import SparseVector
from ingest.sparse import PLAIN, Analyzer, Bm25Encoder, analyzer_for


@pytest.fixture(scope="module")
def bm25() -> Bm25Encoder:
    return Bm25Encoder()


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """Reference MurmurHash3 x86_32 (what Qdrant server and fastembed hash BM25 tokens with)."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF

    def rotl(x: int, r: int) -> int:
        return ((x << r) | (x >> (32 - r))) & mask

    h, n = seed, len(data)
    for i in range(0, n - n % 4, 4):
        k = rotl((int.from_bytes(data[i : i + 4], "little") * c1) & mask, 15) * c2 & mask
        h = (rotl(h ^ k, 13) * 5 + 0xE6546B64) & mask
    tail = data[n - n % 4 :]
    if tail:
        h ^= rotl((int.from_bytes(tail, "little") * c1) & mask, 15) * c2 & mask
    h ^= n
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & mask
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & mask
    return h ^ (h >> 16)


def qdrant_term_id(token: str) -> int:
    h = murmur3_32(token.encode("utf-8"))
    return abs(h - (1 << 32) if h >= 1 << 31 else h)


def one_term(bm25: Bm25Encoder, word: str, language: str | None) -> tuple[int, ...]:
    return bm25.encode_query(word, language).indices


@pytest.mark.parametrize(
    ("language", "a", "b"),
    [
        ("en", "trafficking", "trafficked"),  # Porter2: both -> "traffick"
        ("en", "victims", "victim"),
        ("ru", "торговля", "торговли"),  # nominative / genitive
        ("ru", "жертвы", "жертва"),
        ("hy", "թրաֆիքինգ", "թրաֆիքինգի"),  # Armenian Snowball: genitive -ի
        ("az", "cinayət", "cinayətin"),  # Turkish stemmer stands in for Azerbaijani
        ("az", "insan", "insanlar"),
        ("nl", "mensenhandel", "mensenhandels"),
    ],
)
def test_inflections_share_a_term(bm25: Bm25Encoder, language: str, a: str, b: str) -> None:
    assert one_term(bm25, a, language) == one_term(bm25, b, language)
    assert len(one_term(bm25, a, language)) == 1


def test_english_stem_is_qdrants_term_id(bm25: Bm25Encoder) -> None:
    # Same ids as Qdrant server's BM25 inference: abs(i32(murmur3("traffick"))).
    assert one_term(bm25, "Trafficking", "en") == (qdrant_term_id("traffick"),)
    assert one_term(bm25, "person", "en") == (qdrant_term_id("person"),)


def test_georgian_nouns_are_stemmed_by_ctkbs_light_stemmer(bm25: Bm25Encoder) -> None:
    text = "ადამიანით ვაჭრობა ისჯება თავისუფლების აღკვეთით და ადამიანი"
    vec = bm25.encode_passages([text], "ka")[0]
    # ადამიანით / ადამიანი share one term; every other word is its own, nothing dropped ("და")
    assert len(vec.indices) == 6
    assert set(vec.indices) == {qdrant_term_id(georgian.stem(w)) for w in text.split()}
    forms = ["მსხვერპლი", "მსხვერპლის", "მსხვერპლს", "მსხვერპლებს", "მსხვერპლთა", "მსხვერპლისთვის"]
    assert {bm25.encode_passages([w], "ka")[0].indices for w in forms} == {(qdrant_term_id("მსხვერპლ"),)}


def test_georgian_query_also_matches_documents_indexed_before_the_stemmer(bm25: Bm25Encoder) -> None:
    query = set(bm25.encode_query("მსხვერპლის დახმარება", "ka").indices)
    assert {qdrant_term_id("მსხვერპლ"), qdrant_term_id("დახმარ")} <= query  # stemmed documents
    assert {qdrant_term_id("მსხვერპლის"), qdrant_term_id("დახმარება")} <= query  # words as written
    assert set(bm25.encode_query("მსხვერპლის", None).indices) == {
        qdrant_term_id("მსხვერპლ"),
        qdrant_term_id("მსხვერპლის"),
    }


def test_stopwords_dropped_per_language(bm25: Bm25Encoder) -> None:
    assert bm25.encode_query("the of and", "en").indices == ()
    assert bm25.encode_query("и в на", "ru").indices == ()
    assert len(bm25.encode_query("the of and", "ka").indices) == 3  # plain analyser keeps them


def test_same_text_same_vector(bm25: Bm25Encoder) -> None:
    text = "Trafficking in persons shall be punishable by imprisonment."
    first = bm25.encode_passages([text, text], "en")
    assert first[0] == first[1] == Bm25Encoder().encode_passages([text], "en")[0]
    assert first[0].indices == tuple(sorted(first[0].indices))


def test_document_values_are_bm25_term_weights(bm25: Bm25Encoder) -> None:
    # 5 tokens after stopwords: traffick x3 (trafficking, trafficked, traffickers), person x2.
    vec = bm25.encode_passages(["Trafficking in persons: the trafficked person and traffickers"], "en")[0]
    k, b, avg, dl = 1.2, 0.75, 256.0, 5

    def weight(tf: int) -> float:
        return tf * (k + 1) / (tf + k * (1 - b + b * dl / avg))

    got = dict(zip(vec.indices, vec.values, strict=True))
    assert got[qdrant_term_id("traffick")] == pytest.approx(weight(3), rel=1e-5)
    assert got[qdrant_term_id("person")] == pytest.approx(weight(2), rel=1e-5)


def test_query_values_are_ones_over_the_documents_terms(bm25: Bm25Encoder) -> None:
    text = "victims of trafficking, victims of forced labour"
    query = bm25.encode_query(text, "en")
    doc = bm25.encode_passages([text], "en")[0]
    assert set(query.values) == {1.0}
    assert query.indices == doc.indices  # distinct terms, analysed the same way


def test_query_without_language_matches_stemmed_and_plain_documents(bm25: Bm25Encoder) -> None:
    query = set(bm25.encode_query("trafficking торговля", None).indices)
    assert set(one_term(bm25, "trafficking", "en")) <= query  # English-indexed documents
    assert set(one_term(bm25, "торговля", "ru")) <= query  # Russian-indexed documents
    assert set(one_term(bm25, "trafficking", "ka")) <= query  # documents indexed without a stemmer
    assert bm25.encode_query("the", None).indices == ()  # the script's stopwords still apply


def test_query_in_several_languages_unites_their_terms(bm25: Bm25Encoder) -> None:
    query = set(bm25.encode_query("mensenhandel slachtoffers", ["en", "nl"]).indices)
    assert set(bm25.encode_query("mensenhandel slachtoffers", "nl").indices) <= query
    assert set(bm25.encode_query("mensenhandel slachtoffers", "en").indices) <= query
    assert bm25.encode_query("x", ["en"]) == bm25.encode_query("x", "en")


def test_query_with_language_uses_only_that_analyser(bm25: Bm25Encoder) -> None:
    assert bm25.encode_query("trafficking", "en").indices == (qdrant_term_id("traffick"),)


def test_empty_text(bm25: Bm25Encoder) -> None:
    assert bm25.encode_query("", None) == SparseVector((), ())
    assert bm25.encode_passages([""], "en") == [SparseVector((), ())]
    assert bm25.encode_passages([], "en") == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", Analyzer("English", "English")),
        ("EN-gb", Analyzer("English", "English")),  # region subtag ignored
        ("eng", Analyzer("English", "English")),  # ISO 639-2
        ("hy", Analyzer("Armenian", None)),  # no Armenian stopword list
        ("az", Analyzer("Turkish", "Azerbaijani")),
        ("ka", Analyzer(None, None, "georgian")),  # ctkb's light stemmer, no stopword list
        ("xx", PLAIN),  # unknown
        ("", PLAIN),  # language not detected
    ],
)
def test_analyzer_table(code: str, expected: Analyzer) -> None:
    assert analyzer_for(code) == expected

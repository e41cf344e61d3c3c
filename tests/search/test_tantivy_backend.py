"""The Tantivy search backend against brute force over generated activities."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmepath.catalog.search_docs import ACTIVITY, cost_range, credits_per_dollar
from cmepath.search import (
    MAX_QUERY_CHARS,
    Range,
    SearchBackend,
    SearchQuery,
    SearchResult,
    TantivyBackend,
    WriterBusy,
)

N_DOCS = 500
WORDS = ["asthma", "sepsis", "insulin", "stroke", "burnout", "dialysis", "naloxone", "lupus"]
VALUES: dict[str, list[Any]] = {
    "topics": ["pain", "diabetes", "ethics", "telehealth", "oncology"],
    "profession": ["MD", "DO", "NP", "PA", "RN"],
    "specialty": ["family medicine", "cardiology", "psychiatry", "pediatrics"],
    "credit_type": ["AMA PRA Category 1", "ANCC CNE", "ACPE CPE", "IPCE"],
    "format": ["course", "internet enduring", "journal-based"],
    "delivery": ["live in person", "live online", "on demand"],
    "state": ["CA", "NY", "TX", "FL"],
    "mandated_topic": ["opioid prescribing", "implicit bias"],
    "accreditor": ["ACCME", "ANCC", "Joint Accreditation"],
    "moc": [True, False],
    "interprofessional": [True, False],
    "no_commercial_support": [True, False],
}
FACETS = list(ACTIVITY.facet_fields)
TAGS = {"moc", "interprofessional", "no_commercial_support"}


def make_docs(n: int = N_DOCS, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        cost = 0.0 if rng.random() < 0.2 else round(rng.uniform(1, 1500), 2)
        doc: dict[str, Any] = {
            "id": f"a{i}",
            "title": " ".join(rng.choices(WORDS, k=3)),
            "description": " ".join(rng.choices(WORDS, k=12)),
            "moore_level": rng.randint(1, 7),
            "value_score": round(rng.uniform(0, 100), 3) + i * 1e-6,  # unique, for stable order
            "cost": cost,
            "start_date": 20250101 + rng.randint(0, 11) * 100 + rng.randint(0, 27),
            "credits": rng.choice([0.5, 1.0, 2.0, 8.0]),
        }
        for name, values in VALUES.items():
            if name in TAGS or name in ("format", "delivery", "accreditor"):
                doc[name] = rng.choice(values)
            else:
                doc[name] = rng.sample(values, rng.randint(0 if name == "mandated_topic" else 1, 2))
        docs.append(doc)
    return docs


DOCS = make_docs()
PREPARED = {d["id"]: ACTIVITY.prepare(d) for d in DOCS}


def values_of(doc: dict[str, Any], name: str) -> list[str]:
    value = doc.get(name, [])
    return value if isinstance(value, list) else [str(value)]


def brute_match(filters: dict[str, list[str]], ranges: dict[str, Range] | None = None) -> set[str]:
    out = set()
    for doc_id, doc in PREPARED.items():
        ok = all(set(values_of(doc, f)) & set(vals) for f, vals in filters.items() if vals)
        for name, r in (ranges or {}).items():
            v = doc[name]
            ok = ok and (r.min is None or v >= r.min) and (r.max is None or v <= r.max)
        if ok:
            out.add(doc_id)
    return out


def brute_facets(ids: set[str], names: list[str]) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name in names:
        counts: Counter[str] = Counter()
        for doc_id in ids:
            counts.update(values_of(PREPARED[doc_id], name))
        out[name] = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    return out


def all_ids(backend: TantivyBackend, query: SearchQuery) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        result = backend.search(
            SearchQuery(query.text, query.filters, query.ranges, query.sort, page, 100)
        )
        ids += [h.id for h in result.hits]
        if len(result.hits) < 100:
            return ids
        page += 1


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> TantivyBackend:
    b = TantivyBackend(
        ACTIVITY, tmp_path_factory.mktemp("idx"), writer_heap=50_000_000, writer_threads=1
    )
    assert b.rebuild(DOCS) == N_DOCS
    return b


def small_backend(root: Path) -> TantivyBackend:
    return TantivyBackend(
        ACTIVITY, root, writer_heap=50_000_000, writer_threads=1, lock_timeout=0.2
    )


def test_tantivy_backend_implements_the_interface(backend: TantivyBackend) -> None:
    as_interface: SearchBackend = backend
    assert isinstance(as_interface, SearchBackend)
    assert backend.count() == N_DOCS


# ------------------------------------------------------------------- relevance


def test_title_match_outranks_description_match(tmp_path: Path) -> None:
    # given two activities that mention a word, one in the title and one in the description
    b = small_backend(tmp_path)
    b.index(
        [
            {"id": "d", "title": "Cardiac care", "description": "zebrafish models of arrhythmia"},
            {"id": "t", "title": "Zebrafish genetics", "description": "a course on models"},
            {"id": "x", "title": "Unrelated", "description": "nothing to see"},
        ]
    )
    # when searching for the word
    result = b.search(SearchQuery("zebrafish"))
    # then both match, the title match first, and scores are BM25 (positive, descending)
    assert [h.id for h in result.hits] == ["t", "d"]
    assert result.hits[0].score > result.hits[1].score > 0
    assert result.message is None


def test_terms_are_combined_with_and_and_stemmed(backend: TantivyBackend) -> None:
    both = backend.search(SearchQuery("asthma sepsis", page_size=100))
    one = backend.search(SearchQuery("asthma", page_size=100))
    assert 0 < both.total < one.total
    assert backend.search(SearchQuery("Asthmas")).total == one.total  # case and plural


def test_blank_text_browses_everything_by_value_score(backend: TantivyBackend) -> None:
    result = backend.search(SearchQuery("", page_size=5))
    assert result.total == N_DOCS
    best = sorted(DOCS, key=lambda d: -d["value_score"])[:5]
    assert [h.id for h in result.hits] == [d["id"] for d in best]


# ------------------------------------------------------------------- filters and facets


@pytest.mark.parametrize("field", FACETS)
def test_each_facet_filter_matches_brute_force(backend: TantivyBackend, field: str) -> None:
    value = brute_facets(set(PREPARED), [field])[field][0][0]
    expected = brute_match({field: [value]})
    result = backend.search(SearchQuery(filters={field: [value]}, page_size=100))
    assert result.total == len(expected) > 0
    assert set(all_ids(backend, SearchQuery(filters={field: [value]}))) == expected


def test_or_within_a_field_and_across_fields(backend: TantivyBackend) -> None:
    filters = {"state": ["CA", "NY"], "profession": ["NP", "PA"], "moc": ["yes"]}
    expected = brute_match(filters)
    assert set(all_ids(backend, SearchQuery(filters=filters))) == expected
    assert 0 < len(expected) < len(brute_match({"state": ["CA", "NY"]}))


def test_boolean_filter_values_may_be_given_as_booleans(backend: TantivyBackend) -> None:
    as_bool = backend.search(SearchQuery(filters={"interprofessional": [True]}))  # type: ignore[list-item]
    as_text = backend.search(SearchQuery(filters={"interprofessional": ["yes"]}))
    assert as_bool.total == as_text.total > 0


@pytest.mark.parametrize(
    ("ranges"),
    [
        {"moore_level": Range(min=4)},
        {"moore_level": Range(min=3.5, max=5)},
        {"cost": Range(max=0)},
        {"cost": Range(min=100, max=499.99)},
        {"start_date": Range(min=20250601)},
    ],
)
def test_ranges_match_brute_force(backend: TantivyBackend, ranges: dict[str, Range]) -> None:
    expected = brute_match({}, ranges)
    assert set(all_ids(backend, SearchQuery(ranges=ranges))) == expected
    assert 0 < len(expected) < N_DOCS


filter_strategy = st.dictionaries(
    st.sampled_from(FACETS),
    st.lists(
        st.sampled_from(
            [
                "MD",
                "NP",
                "CA",
                "TX",
                "yes",
                "no",
                "course",
                "pain",
                "ACCME",
                "free",
                "1000+",
                "cardiology",
                "IPCE",
                "implicit bias",
            ]
        ),
        max_size=3,
    ),
    max_size=3,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filters=filter_strategy, moore_min=st.none() | st.integers(1, 7))
def test_facet_counts_equal_brute_force(
    backend: TantivyBackend, filters: dict[str, list[str]], moore_min: int | None
) -> None:
    ranges = {"moore_level": Range(min=moore_min)} if moore_min else {}
    result = backend.search(SearchQuery(filters=filters, ranges=ranges, facets=FACETS))
    expected_ids = brute_match(filters, ranges)
    assert result.total == len(expected_ids)
    expected = brute_facets(expected_ids, FACETS) if expected_ids else {f: [] for f in FACETS}
    assert result.facets == expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=2), filters=filter_strategy)
def test_facet_counts_with_text_count_the_matching_documents(
    backend: TantivyBackend, words: list[str], filters: dict[str, list[str]]
) -> None:
    query = SearchQuery(" ".join(words), filters=filters, facets=["profession", "moore_level"])
    result = backend.search(query)
    ids = set(all_ids(backend, query))
    assert result.total == len(ids)
    if ids:
        expected = brute_facets(ids, ["profession"])
        levels = Counter(str(PREPARED[i]["moore_level"]) for i in ids)
        assert result.facets["profession"] == expected["profession"]
        assert result.facets["moore_level"] == sorted(levels.items(), key=lambda p: (-p[1], p[0]))


def test_unknown_filters_facets_and_sorts_are_ignored_with_a_message(
    backend: TantivyBackend,
) -> None:
    result = backend.search(
        SearchQuery(filters={"colour": ["red"]}, facets=["colour", "state"], sort="random")
    )
    assert result.total == N_DOCS
    assert set(result.facets) == {"state"}
    assert result.message is not None
    assert "colour" in result.message
    assert "random" in result.message


# ------------------------------------------------------------------- sorts and paging


@pytest.mark.parametrize(
    ("sort", "field", "descending"),
    [
        ("score", "value_score", True),
        ("cost", "cost", False),
        ("start_date", "start_date", False),
        ("credits_per_dollar", "credits_per_dollar", True),
    ],
)
def test_every_sort_orders_by_its_field(
    backend: TantivyBackend, sort: str, field: str, descending: bool
) -> None:
    filters = {"profession": ["MD"]}
    result = backend.search(SearchQuery("asthma", filters=filters, sort=sort, page_size=30))
    got = [PREPARED[h.id][field] for h in result.hits]
    matching = [PREPARED[i][field] for i in all_ids(backend, SearchQuery("asthma", filters))]
    assert got == sorted(matching, reverse=descending)[:30]
    assert [h.score for h in result.hits] == pytest.approx(got)


def test_relevance_sort_gives_descending_scores(backend: TantivyBackend) -> None:
    result = backend.search(SearchQuery("sepsis naloxone", page_size=50))
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert scores


def test_pages_partition_the_results(backend: TantivyBackend) -> None:
    query = SearchQuery("stroke", sort="score", page_size=100)
    everything = [h.id for h in backend.search(query).hits]
    pages = [
        [
            h.id
            for h in backend.search(SearchQuery("stroke", sort="score", page=p, page_size=7)).hits
        ]
        for p in range(1, 15)
    ]
    assert sum(pages, []) == everything[: 14 * 7]
    assert all(len(p) == 7 for p in pages)


def test_hits_carry_stored_fields(backend: TantivyBackend) -> None:
    hit = backend.search(SearchQuery(filters={"profession": ["RN"]}, page_size=1)).hits[0]
    doc = PREPARED[hit.id]
    assert hit.fields == {k: doc[k] for k in ACTIVITY.stored_fields}


def test_silly_paging_is_clamped(backend: TantivyBackend) -> None:
    result = backend.search(SearchQuery(page=10**9, page_size=10**9))
    assert result.total == N_DOCS
    assert result.hits == []
    assert result.message
    assert len(backend.search(SearchQuery(page=-3, page_size=0)).hits) == 1


# ------------------------------------------------------------------- bad input


NASTY = [
    '"unterminated',
    "title:",
    "foo:bar",
    "AND OR NOT",
    "(((",
    ")))",
    "+-+-!",
    "*",
    "title:[a TO",
    "cost:[abc TO def]",
    "moore_level:>x",
    "~2^3",
    "\\",
    "\ud800 lone surrogate",
    "\x00\x01\x1f",
    "ünïcødé ☃ 医学 مرحبا",
    "a" * 10_000,
    "(" * 10_000,
    '"' * 10_001,
    "asthma " * 2_000,
    "title:" * 3_000,
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_nasty_text_never_raises(backend: TantivyBackend, text: str) -> None:
    result = backend.search(SearchQuery(text, facets=["state"]))
    assert isinstance(result, SearchResult)
    if result.total == 0:
        assert result.message
    if len(text) > MAX_QUERY_CHARS:
        assert result.message
        assert "shortened" in result.message


@pytest.mark.parametrize("text", ["(((", "title:", "foo:bar", '"'])
def test_a_bad_query_returns_no_results_with_a_message(backend: TantivyBackend, text: str) -> None:
    result = backend.search(SearchQuery(text))
    assert result.total == 0
    assert result.hits == []
    assert result.message


def test_partly_bad_query_still_finds_what_it_understood(backend: TantivyBackend) -> None:
    result = backend.search(SearchQuery('"asthma'))
    assert result.total == backend.search(SearchQuery("asthma")).total > 0
    assert result.message
    assert "not understood" in result.message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300)
    | st.lists(
        st.sampled_from(
            [
                '"',
                "(",
                ")",
                "AND",
                "OR",
                "NOT",
                "title:",
                "cost:",
                "[",
                "]",
                "TO",
                "{",
                "}",
                "*",
                "~",
                "^",
                "+",
                "-",
                "\\",
                ":",
                "asthma",
                "é",
                "☃",
            ]
        ),
        max_size=40,
    ).map(" ".join),
    sort=st.sampled_from(["relevance", "score", "cost", "nope"]),
)
def test_arbitrary_text_never_raises(backend: TantivyBackend, text: str, sort: str) -> None:
    result = backend.search(SearchQuery(text, sort=sort, facets=["profession"]))
    assert result.total >= 0
    assert result.total > 0 or result.message


# ------------------------------------------------------------------- writers and readers


def test_reader_sees_a_writers_commit_on_its_next_search(tmp_path: Path) -> None:
    # given a web-process reader and a task-worker writer on the same index directory
    writer, reader = small_backend(tmp_path), small_backend(tmp_path)
    writer.index(DOCS[:10])
    assert reader.count() == 10
    # when the writer adds, replaces and deletes
    writer.index([{**DOCS[10], "title": "Quokka anatomy"}])
    assert reader.search(SearchQuery("quokka")).total == 1
    writer.index([{**DOCS[10], "title": "Wombat anatomy"}])
    writer.delete(["a0", "a1"])
    # then the reader sees each commit without being told
    assert reader.search(SearchQuery("quokka")).total == 0
    assert reader.search(SearchQuery("wombat")).total == 1
    assert reader.count() == 9


def test_rebuild_swaps_the_index_under_an_open_reader(tmp_path: Path) -> None:
    writer, reader = small_backend(tmp_path), small_backend(tmp_path)
    writer.index(DOCS[:20])
    assert reader.count() == 20
    writer.rebuild(DOCS[100:105])
    assert reader.count() == 5
    assert {h.id for h in reader.search(SearchQuery()).hits} == {d["id"] for d in DOCS[100:105]}


def test_a_second_writer_fails_clearly(tmp_path: Path) -> None:
    first, second = small_backend(tmp_path), small_backend(tmp_path)
    with first._write_lock(), pytest.raises(WriterBusy, match="task worker"):
        second.index(DOCS[:1])
    assert second.index(DOCS[:1]) == 1  # once the lock is released


def test_search_before_any_build_explains_itself(tmp_path: Path) -> None:
    result = small_backend(tmp_path).search(SearchQuery("asthma", facets=["state"]))
    assert result.total == 0
    assert result.facets == {"state": []}
    assert result.message
    assert "reindex" in result.message


def test_index_built_with_another_schema_asks_for_a_reindex(tmp_path: Path) -> None:
    b = small_backend(tmp_path)
    b.index(DOCS[:3])
    (b.path / "cmepath-schema.json").write_text("{}", encoding="utf-8")
    result = small_backend(tmp_path).search(SearchQuery())
    assert result.total == 0
    assert result.message
    assert "out of date" in result.message
    with pytest.raises(RuntimeError, match="reindex"):
        b.index(DOCS[:1])
    b.rebuild(DOCS[:4])
    assert small_backend(tmp_path).count() == 4


# ------------------------------------------------------------------- derived fields


@pytest.mark.parametrize(
    ("cost", "bucket"),
    [
        (0, "free"),
        (0.001, "free"),
        (1, "1-99"),
        (99.99, "1-99"),
        (100, "100-249"),
        (249.5, "100-249"),
        (250, "250-499"),
        (500, "500-999"),
        (999.99, "500-999"),
        (1000, "1000+"),
        (25_000, "1000+"),
    ],
)
def test_cost_range_buckets(cost: float, bucket: str) -> None:
    assert cost_range(cost) == bucket
    assert ACTIVITY.prepare({"id": 1, "cost": cost, "credits": 2})["cost_range"] == [bucket]


def test_credits_per_dollar_floors_cost_at_one_dollar() -> None:
    assert credits_per_dollar(2.0, 0.0) == 2.0
    assert credits_per_dollar(2.0, 50.0) == 0.04


# ------------------------------------------------------------------- across processes

CHILD = """
import sys, time
from cmepath.catalog.search_docs import ACTIVITY
from cmepath.search import TantivyBackend
b = TantivyBackend(ACTIVITY, sys.argv[1], writer_heap=50_000_000, writer_threads=1)
if sys.argv[2] == "write":
    b.index([{"id": "p1", "title": "Capybara husbandry"}])
else:
    with b._write_lock():
        print("locked", flush=True)
        sys.stdin.read()
"""


def run_child(root: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", CHILD, str(root), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_reader_sees_a_commit_made_by_another_process(tmp_path: Path) -> None:
    reader = small_backend(tmp_path)
    reader.index(DOCS[:3])
    assert reader.search(SearchQuery("capybara")).total == 0
    child = run_child(tmp_path, "write")
    assert child.wait(timeout=30) == 0
    assert reader.search(SearchQuery("capybara")).total == 1
    assert reader.count() == 4


def test_a_writer_in_another_process_blocks_this_one(tmp_path: Path) -> None:
    child = run_child(tmp_path, "lock")
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(WriterBusy):
            small_backend(tmp_path).index(DOCS[:1])
    finally:
        child.communicate("", timeout=30)
    assert small_backend(tmp_path).index(DOCS[:1]) == 1

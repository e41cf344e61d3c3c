"""Knowledge-hub search latency: the app's search layer against raw Tantivy, same index.

    python bench/bench_hub_search.py                 # 100,000 articles (the issue's size)
    python bench/bench_hub_search.py --size 20000    # a quick run

Builds (or reuses) an index of N synthetic articles (ARTICLE doc type: title, summary, body
of about 150 words, topic names, authors; facets type, specialty, topics, profession), then
runs 200 mixed queries (1-2 words, one or two facet filters, counts for every facet, top 20,
relevance or date) through ``TantivyBackend.search`` and through hand-written tantivy-py
calls doing the same work. Interleaved over several rounds after a warm-up round in which
both must return the same totals (and ids for the date sort). Writes
``bench/results/hub_search_<size>.json``. Targets: app p95 under 20 ms and at most 1.3x raw.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

import tantivy  # noqa: E402

from cmepath.core.vocabulary import PROFESSIONS, TOPICS  # noqa: E402
from cmepath.hub.search_docs import ARTICLE  # noqa: E402
from cmepath.search import SearchQuery, TantivyBackend  # noqa: E402

TYPES = ["clinical_guide", "research_summary", "career_guide"]
SPECIALTIES = [
    "207Q00000X",
    "207R00000X",
    "208000000X",
    "207P00000X",
    "2084P0800X",
    "363LF0000X",
    "363A00000X",
    "163W00000X",
    "183500000X",
    "207V00000X",
    "207X00000X",
    "207RC0000X",
    "208600000X",
    "207L00000X",
    "2080P0205X",
]
TOPIC_CODES = sorted(TOPICS)
PROFESSION_CODES = [p for p in PROFESSIONS if p != "other"]
WORDS = [
    "antibiotic",
    "prescribing",
    "pediatric",
    "urinary",
    "infection",
    "outpatient",
    "guideline",
    "stewardship",
    "diabetes",
    "insulin",
    "glycemic",
    "outcome",
    "practice",
    "improvement",
    "measure",
    "registry",
    "cohort",
    "trial",
    "hip",
    "fracture",
    "pathway",
    "length",
    "stay",
    "surgery",
    "anesthesia",
    "delirium",
    "geriatric",
    "fall",
    "prevention",
    "opioid",
    "tapering",
    "pain",
    "naloxone",
    "buprenorphine",
    "addiction",
    "screening",
    "counseling",
    "implicit",
    "bias",
    "equity",
    "communication",
    "leadership",
    "finance",
    "strategy",
    "quality",
    "safety",
    "informatics",
    "burnout",
    "sepsis",
    "heart",
    "failure",
    "hypertension",
    "stroke",
    "asthma",
    "vaccination",
    "telehealth",
    "documentation",
    "disclosure",
    "commercial",
    "support",
    "mitigation",
    "accreditation",
    "curriculum",
    "feedback",
    "simulation",
]
CORE_WORDS = WORDS[:40]
FACETS = list(ARTICLE.facet_fields)
SORTS = ["relevance"] * 3 + ["date"]


def generate(size: int, seed: int = 20261207) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(1, size + 1):
        topics = rng.sample(TOPIC_CODES, rng.randint(1, 3))
        yield {
            "id": str(i),
            "title": " ".join(rng.sample(WORDS, 6)).capitalize(),
            "summary": " ".join(rng.choices(WORDS, k=30)),
            "body": " ".join(rng.choices(WORDS, k=150)),
            "topic_names": [TOPICS[t].label for t in topics],
            "authors": [f"Author{rng.randint(1, 5000)} Demo"],
            "article_type": rng.choice(TYPES),
            "specialty": rng.sample(SPECIALTIES, rng.randint(0, 2)),
            "topics": topics,
            "profession": rng.sample(PROFESSION_CODES, rng.randint(1, 3)),
            "published": 20200101
            + rng.randint(0, 6) * 10000
            + rng.randint(1, 12) * 100
            + rng.randint(1, 28),
            "reviewed": 20260101,
        }


def build_index(size: int, root: Path) -> float:
    backend = TantivyBackend(ARTICLE, root, writer_heap=512_000_000)
    started = time.perf_counter()
    backend.rebuild(generate(size))
    return time.perf_counter() - started


FACET_FILTER_FIELDS = {
    "article_type": TYPES,
    "specialty": SPECIALTIES,
    "topics": TOPIC_CODES,
    "profession": PROFESSION_CODES,
}


def make_queries(n: int = 200, seed: int = 7) -> list[SearchQuery]:
    rng = random.Random(seed)
    queries = []
    for _ in range(n):
        words = rng.sample(CORE_WORDS, rng.randint(1, 2))
        filters: dict[str, list[str]] = {}
        for name in rng.sample(sorted(FACET_FILTER_FIELDS), rng.randint(1, 2)):
            values = FACET_FILTER_FIELDS[name]
            filters[name] = rng.sample(values, min(len(values), rng.choice([1, 1, 2])))
        queries.append(
            SearchQuery(
                text=" ".join(words),
                filters=filters,
                sort=rng.choice(SORTS),
                page_size=20,
                facets=FACETS,
            )
        )
    return queries


class RawTantivy:
    """The anchor: what a developer would write against tantivy-py for the same result."""

    def __init__(self, path: Path, tnames: dict[str, str], boosts: dict[str, float]) -> None:
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.tnames = tnames
        self.boosts = boosts
        self.aggs = {f: {"terms": {"field": tnames[f], "size": 1000}} for f in FACETS}
        self.sort_fields = {k: (v.field, v.descending) for k, v in ARTICLE.sorts.items()}

    def search(self, q: SearchQuery) -> tuple[int, list[str], dict[str, Any]]:
        parsed = self.index.parse_query(
            q.text,
            ["title", "summary", "body", "topic_names", "authors"],
            field_boosts=self.boosts,
            conjunction_by_default=True,
        )
        clauses = [(tantivy.Occur.Must, parsed)]
        for name, values in q.filters.items():
            tq = (
                tantivy.Query.term_query(self.schema, self.tnames[name], values[0])
                if len(values) == 1
                else tantivy.Query.term_set_query(self.schema, self.tnames[name], values)
            )
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(tq, 0.0)))
        query = tantivy.Query.boolean_query(clauses)
        if q.sort == "relevance":
            res = self.searcher.search(query, 20, count=True)
        else:
            field, desc = self.sort_fields[q.sort]
            res = self.searcher.search(
                query,
                20,
                count=True,
                order_by_field=field,
                order=tantivy.Order.Desc if desc else tantivy.Order.Asc,
            )
        ids = [self.searcher.doc(addr).to_dict()["id"][0] for _, addr in res.hits]
        facets = self.searcher.aggregate(query, self.aggs)
        return res.count, ids, facets


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[k] * 1000, 3)

    return {
        "median": round(statistics.median(ordered) * 1000, 3),
        "min": round(ordered[0] * 1000, 3),
        "max": round(ordered[-1] * 1000, 3),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if the index exists")
    args = parser.parse_args()

    root = ROOT / "data" / f"hub_search_{args.size}"
    backend = TantivyBackend(ARTICLE, root)
    build_seconds = None
    if args.rebuild or backend.count() != args.size:
        print(f"building index of {args.size} articles ...")
        build_seconds = build_index(args.size, root)
        print(f"built in {build_seconds:.1f}s")
    tnames = {f.name: f.tname for f in backend._fields if f.role != "text"}
    raw = RawTantivy(backend.path, tnames, dict(ARTICLE.boosts))
    queries = make_queries()

    # Warm-up round; also checks that both sides return the same thing.
    for q in queries:
        app = backend.search(q)
        total, ids, _ = raw.search(q)
        if app.total != total or (q.sort != "relevance" and [h.id for h in app.hits] != ids):
            raise SystemExit(f"app and anchor disagree on {q}: {app.total} vs {total}")
    app_times: list[float] = []
    raw_times: list[float] = []
    clock = time.perf_counter
    for round_no in range(args.rounds):
        for i, q in enumerate(queries):
            pair = [("app", backend.search), ("raw", raw.search)]
            if (i + round_no) % 2:
                pair.reverse()
            for side, fn in pair:
                t0 = clock()
                fn(q)
                elapsed = clock() - t0
                (app_times if side == "app" else raw_times).append(elapsed)

    app_stats = percentiles(app_times)
    raw_stats = percentiles(raw_times)
    result = {
        "name": "hub_search",
        "size": args.size,
        "unit": "ms",
        "queries": len(queries),
        "rounds": args.rounds,
        **app_stats,
        "anchor": {"name": "raw tantivy-py, same queries, same index", **raw_stats},
        "ratio_p95": round(app_stats["p95"] / raw_stats["p95"], 3),
        "ratio_p99": round(app_stats["p99"] / raw_stats["p99"], 3),
        "target": "app p95 < 20 ms and <= 1.3x raw p95",
        "build_seconds": round(build_seconds, 1) if build_seconds else None,
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "tantivy": tantivy.__version__,
        },
    }
    out = ROOT / "results" / f"hub_search_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'p99':>9}   (ms, {len(app_times)} searches each)")
    print(f"{'app':8}{app_stats['p50']:9.2f}{app_stats['p95']:9.2f}{app_stats['p99']:9.2f}")
    print(f"{'raw':8}{raw_stats['p50']:9.2f}{raw_stats['p95']:9.2f}{raw_stats['p99']:9.2f}")
    print(
        f"ratio at p95: {result['ratio_p95']:.3f} (targets: app p95 < 20 ms, ratio <= 1.30); wrote {out.relative_to(ROOT.parent)}"
    )


if __name__ == "__main__":
    main()

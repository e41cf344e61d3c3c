"""Search latency: the app's search layer against raw Tantivy on the same index.

    python bench/bench_search.py                 # 200,000 activities
    python bench/bench_search.py --size 1000000  # 1,000,000 (building takes a few minutes)

Builds (or reuses) the index of ``gen_activities.py``, then runs 200 mixed queries
(1-3 terms, two facet filters, counts for every facet, top 20, mixed sorts) through
``TantivyBackend.search`` and through hand-written minimal tantivy-py calls doing the same
work (parse, filter, top 20 with stored fields, one terms aggregation for the facets).
The two are interleaved query by query over several rounds, after a warm-up round, and
both must return the same ids and totals. Writes ``bench/results/search_<size>.json``.
Target: the app adds at most 30% at p95.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

import gen_activities as gen  # noqa: E402
import tantivy  # noqa: E402

from cmepath.catalog.search_docs import ACTIVITY  # noqa: E402
from cmepath.search import SearchQuery, TantivyBackend  # noqa: E402

FACET_FILTER_FIELDS = {
    "profession": gen.PROFESSIONS,
    "specialty": gen.SPECIALTIES,
    "credit_type": gen.CREDIT_TYPES,
    "format": gen.FORMATS,
    "delivery": gen.DELIVERIES,
    "state": gen.STATES,
    "cost_range": ["free", "1-99", "100-249", "250-499", "500-999", "1000+"],
    "accreditor": gen.ACCREDITORS,
    "moc": ["yes"],
    "interprofessional": ["yes"],
    "no_commercial_support": ["yes"],
    "topics": gen.TOPICS,
    "mandated_topic": gen.MANDATED,
}
FACETS = [*ACTIVITY.facet_fields, "moore_level"]
SORTS = ["relevance"] * 5 + ["score", "cost", "start_date", "credits_per_dollar"]


def make_queries(n: int = 200, seed: int = 7) -> list[SearchQuery]:
    rng = random.Random(seed)
    queries = []
    for _ in range(n):
        words = rng.sample(gen.CORE_WORDS, rng.randint(1, 3))
        filters: dict[str, list[str]] = {}
        for name in rng.sample(sorted(FACET_FILTER_FIELDS), 2):
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
        self.sort_fields = {k: (v.field, v.descending) for k, v in ACTIVITY.sorts.items()}

    def search(self, q: SearchQuery) -> tuple[int, list[str], dict[str, Any]]:
        parsed = self.index.parse_query(
            q.text,
            ["title", "description", "topics"],
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
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if the index exists")
    args = parser.parse_args()

    root = ROOT / "data" / f"search_{args.size}"
    backend = TantivyBackend(ACTIVITY, root)
    build_seconds = None
    if args.rebuild or backend.count() != args.size:
        print(f"building index of {args.size} activities ...")
        build_seconds = gen.build_index(args.size, root)
        print(f"built in {build_seconds:.1f}s")
    tnames = {f.name: f.tname for f in backend._fields if f.role != "text"}
    raw = RawTantivy(backend.path, tnames, dict(ACTIVITY.boosts))
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
        "name": "search",
        "size": args.size,
        "unit": "ms",
        "queries": len(queries),
        "rounds": args.rounds,
        **app_stats,
        "anchor": {"name": "raw tantivy-py, same queries, same index", **raw_stats},
        "ratio_p95": round(app_stats["p95"] / raw_stats["p95"], 3),
        "ratio_p99": round(app_stats["p99"] / raw_stats["p99"], 3),
        "build_seconds": round(build_seconds, 1) if build_seconds else None,
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "tantivy": tantivy.__version__,
        },
    }
    out = ROOT / "results" / f"search_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'p99':>9}   (ms, {len(app_times)} searches each)")
    print(f"{'app':8}{app_stats['p50']:9.2f}{app_stats['p95']:9.2f}{app_stats['p99']:9.2f}")
    print(f"{'raw':8}{raw_stats['p50']:9.2f}{raw_stats['p95']:9.2f}{raw_stats['p99']:9.2f}")
    print(
        f"ratio at p95: {result['ratio_p95']:.3f} (target <= 1.30); wrote {out.relative_to(ROOT.parent)}"
    )


if __name__ == "__main__":
    main()

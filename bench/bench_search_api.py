"""Search API latency: ``GET /api/v1/activities`` through Django's test client.

    DJANGO_SETTINGS_MODULE=cmepath.settings.test python bench/bench_search_api.py [--size 200000]

Index: the synthetic corpus of ``gen_activities.py`` (reused from ``bench/data/search_<size>``
or built there). Database: a temporary SQLite file holding one Activity row per document
(same ids, written with ``bulk_create``), so the API hydrates real rows in one query.
Queries: the 200 mixed queries of ``bench_search.py`` (1-3 words, two facet filters, mixed
sorts) sent as query parameters; the API counts all 13 facets for each. Every query runs
through the whole stack (middleware, ninja, selector, index, one SQL query, JSON) and,
interleaved, through the search layer alone (``TantivyBackend.search``, the anchor).
Writes ``bench/results/search_api_<size>.json``. Target: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

TMP = Path(tempfile.mkdtemp(prefix="cmepath-bench-api-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmepath.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

import bench_search  # noqa: E402
import gen_activities as gen  # noqa: E402
import tantivy  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from cmepath.catalog.choices import SEARCH_FACETS  # noqa: E402
from cmepath.catalog.models import Activity, Provider  # noqa: E402
from cmepath.catalog.search_docs import ACTIVITY  # noqa: E402
from cmepath.search import SearchQuery  # noqa: E402
from cmepath.search.backends import search_backend  # noqa: E402


def load_rows(size: int) -> float:
    """One Activity row per index document, same ids (hydration needs them)."""
    started = time.perf_counter()
    provider = Provider.objects.create(name="Bench provider (synthetic)", accreditor="ACCME")
    batch: list[Activity] = []
    for doc in gen.generate(size):
        start = doc["start_date"]
        day = date(
            start // 10000, min(12, max(1, start // 100 % 100)), min(28, max(1, start % 100))
        )  # gen dates may be loose
        batch.append(
            Activity(
                id=int(doc["id"]),
                provider=provider,
                provider_activity_id=doc["id"],
                title=doc["title"],
                description="",
                format="course",
                delivery="online",
                start_date=day,
                end_date=day,
                cost=doc["cost"],
                value_score=doc["value_score"],
                credits=doc["credits"],
                credit_types=doc["credit_type"],
                state=doc["state"],
            )
        )
        if len(batch) == 5000:
            Activity.objects.bulk_create(batch)
            batch = []
    Activity.objects.bulk_create(batch)
    return time.perf_counter() - started


def as_params(q: SearchQuery) -> dict[str, object]:
    params: dict[str, object] = {"q": q.text, "sort": q.sort, "page_size": q.page_size}
    params.update({k: list(v) for k, v in q.filters.items()})
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    root = ROOT / "data" / f"search_{args.size}"
    settings.CMEPATH_SEARCH_DIR = root
    backend = search_backend(ACTIVITY)
    build_seconds = None
    if backend.count() != args.size:
        print(f"building index of {args.size} activities ...")
        build_seconds = gen.build_index(args.size, root)
    call_command("migrate", verbosity=0)
    print(f"loading {args.size} rows into SQLite ...")
    load_seconds = load_rows(args.size)

    client = Client()
    queries = bench_search.make_queries()
    facets = list(SEARCH_FACETS)
    for q in queries:  # warm-up, and a check that the API answers what the index answers
        r = client.get("/api/v1/activities", as_params(q))
        assert r.status_code == 200, r.content[:300]
        body = r.json()
        alone = backend.search(
            SearchQuery(text=q.text, filters=q.filters, sort=q.sort, facets=facets)
        )
        assert body["total"] == alone.total, (q, body["total"], alone.total)
        assert [x["id"] for x in body["results"]] == [int(h.id) for h in alone.hits]
    api_times: list[float] = []
    layer_times: list[float] = []
    clock = time.perf_counter
    for round_no in range(args.rounds):
        for i, q in enumerate(queries):
            params = as_params(q)
            sq = SearchQuery(text=q.text, filters=q.filters, sort=q.sort, facets=facets)
            pair = [
                ("api", lambda p=params: client.get("/api/v1/activities", p)),
                ("layer", lambda s=sq: backend.search(s)),
            ]
            if (i + round_no) % 2:
                pair.reverse()
            for side, fn in pair:
                t0 = clock()
                fn()
                (api_times if side == "api" else layer_times).append(clock() - t0)

    api = bench_search.percentiles(api_times)
    layer = bench_search.percentiles(layer_times)
    result = {
        "name": "search_api",
        "size": args.size,
        "unit": "ms",
        "queries": len(queries),
        "rounds": args.rounds,
        **api,
        "anchor": {
            "name": "search layer alone (TantivyBackend.search, same queries and facets)",
            **layer,
        },
        "ratio_p95": round(api["p95"] / layer["p95"], 3),
        "target_p95_ms": 50,
        "load_rows_seconds": round(load_seconds, 1),
        "build_seconds": round(build_seconds, 1) if build_seconds else None,
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
            "tantivy": tantivy.__version__,
            "django": django.__version__,
        },
    }
    out = ROOT / "results" / f"search_api_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'p99':>9}   (ms, {len(api_times)} requests each)")
    print(f"{'api':8}{api['p50']:9.2f}{api['p95']:9.2f}{api['p99']:9.2f}")
    print(f"{'layer':8}{layer['p50']:9.2f}{layer['p95']:9.2f}{layer['p99']:9.2f}")
    print(f"p95 {api['p95']:.1f} ms (target < 50); wrote {out.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main()

"""CSV import speed through the catalog service, against SQLite.

    DJANGO_SETTINGS_MODULE=cmepath.settings.test python bench/bench_catalog_import.py --size 20000

Generates ``--size`` synthetic activities (the demo generator, so rows carry credits,
topics, professions and commercial support like real files), writes them as CSV, then
imports the file through ``services.activity_import`` into an empty temporary SQLite
database ``--runs`` times (emptying it between runs), plus one re-import of the same file
(every row an update). Indexing is excluded (the index task is replaced by a no-op
backend; it runs in the worker, after commit); the index step is timed separately.

Anchor, in the same run: a plain ``bulk_create`` of the same rows read with
``csv.DictReader`` (no validation, no scoring, no designations) - the database floor.
Writes ``bench/results/catalog_import.json``. Target: at least 5,000 rows/s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

TMP = Path(tempfile.mkdtemp(prefix="cmepath-bench-import-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmepath.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
settings.CMEPATH_SEARCH_DIR = TMP / "search"

from cmepath.catalog import demo, services  # noqa: E402
from cmepath.catalog.models import Activity, CommercialSupport, CreditDesignation, Provider  # noqa: E402

FIELDS = [
    "provider_activity_id",
    "title",
    "description",
    "format",
    "delivery",
    "start_date",
    "end_date",
    "city",
    "state",
    "cost",
    "url",
    "credits",
    "professions",
    "specialties",
    "topics",
    "competencies",
    "commercial_support",
    "disclosure_summary",
    "designed_to_change",
    "outcomes_evaluated",
    "moore_level",
    "outcomes_summary",
    "moc_boards",
    "moc_points",
    "rems",
    "interprofessional",
    "pi_component",
]


def write_csv(path: Path, size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for i in range(1, size + 1):
            _, accreditor, professions = demo.PROVIDERS[i % len(demo.PROVIDERS)]
            writer.writerow(demo._activity(rng, i, professions, accreditor))


def empty() -> None:
    CreditDesignation.objects.all()._raw_delete("default")  # type: ignore[attr-defined]
    CommercialSupport.objects.all()._raw_delete("default")  # type: ignore[attr-defined]
    Activity.objects.all()._raw_delete("default")  # type: ignore[attr-defined]


def run_service(raw: bytes, provider: Provider) -> tuple[float, services.ImportReport]:
    t0 = time.perf_counter()
    report = services.activity_import(
        source=raw, file_format="csv", provider=provider, filename="bench.csv", record_run=False
    )
    return time.perf_counter() - t0, report


def run_anchor(path: Path, provider: Provider) -> float:
    t0 = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as fh:
        objs = [
            Activity(
                provider=provider,
                provider_activity_id=r["provider_activity_id"],
                title=r["title"],
                description=r["description"],
                format=r["format"],
                delivery=r["delivery"],
                start_date=date.fromisoformat(r["start_date"]),
                end_date=date.fromisoformat(r["end_date"]),
                city=r["city"],
                state=r["state"],
                cost=Decimal(r["cost"]),
                url=r["url"],
            )
            for r in csv.DictReader(fh)
        ]
    Activity.objects.bulk_create(objs, batch_size=1000)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    provider = services.provider_create(
        actor=None, name="Bench provider (synthetic)", accreditor="ACCME"
    )
    path = TMP / "bench.csv"
    write_csv(path, args.size)
    raw = path.read_bytes()

    service_times, anchor_times = [], []
    report = None
    for _ in range(args.runs):
        empty()
        anchor_times.append(run_anchor(path, provider))
        empty()
        seconds, report = run_service(raw, provider)
        service_times.append(seconds)
        assert report.created == args.size, report.as_dict()
        assert report.rejected == 0, report.as_dict()
    update_seconds, update_report = run_service(raw, provider)
    assert update_report.updated == args.size
    ids = list(Activity.objects.values_list("pk", flat=True))
    t0 = time.perf_counter()
    services.activity_index_update(ids=ids)
    index_seconds = time.perf_counter() - t0

    median = statistics.median(service_times)
    anchor_median = statistics.median(anchor_times)
    result = {
        "name": "catalog_import_csv",
        "size": args.size,
        "unit": "s",
        "runs": args.runs,
        "median": round(median, 3),
        "min": round(min(service_times), 3),
        "max": round(max(service_times), 3),
        "rows_per_second": round(args.size / median),
        "reimport_seconds": round(update_seconds, 3),
        "reimport_rows_per_second": round(args.size / update_seconds),
        "index_seconds": round(index_seconds, 3),
        "anchor": {
            "name": "csv.DictReader + plain Activity.bulk_create (no validation, scoring, designations)",
            "median": round(anchor_median, 3),
            "min": round(min(anchor_times), 3),
            "max": round(max(anchor_times), 3),
            "rows_per_second": round(args.size / anchor_median),
        },
        "ratio": round(median / anchor_median, 3),
        "target_rows_per_second": 5000,
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
            "django": django.__version__,
        },
    }
    out = ROOT / "results" / "catalog_import.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"import {args.size} rows: median {median:.2f}s = {result['rows_per_second']} rows/s "
        f"(target >= 5000); re-import {result['reimport_rows_per_second']} rows/s; "
        f"anchor {result['anchor']['rows_per_second']} rows/s; ratio {result['ratio']}; "
        f"index {index_seconds:.2f}s; wrote {out.relative_to(ROOT.parent)}"
    )


if __name__ == "__main__":
    main()

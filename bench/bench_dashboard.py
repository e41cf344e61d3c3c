"""Benchmark the compliance dashboard's server time with 200 completions.

    DJANGO_SETTINGS_MODULE=cmepath.settings.test python bench/bench_dashboard.py [--runs 50]

A clinician with California and Texas MD licences, a DEA registration and an ABIM
certification, and 200 completions, in a temporary SQLite file. The page is requested
through Django's test client (full middleware stack, session auth, template rendering);
the median of ``--runs`` requests after a warm-up is reported, with the query count.
Target: under 50 ms and at most 10 queries. Writes ``bench/results/dashboard.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--completions", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cmepath-bench-") as tmp:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmepath.settings.test")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["CMEPATH_BADGE_KEY_PATH"] = ""
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from cmepath.accounts.models import BoardCertification, Licence, Profile, User
        from cmepath.credits.models import Completion, CompletionCredit
        from cmepath.credits.services import credit_summary, today

        call_command("migrate", verbosity=0)
        user = User.objects.create_user("bench@example.test", "x" * 16)
        Profile.objects.create(
            user=user, profession="MD", first_name="Bench", primary_specialty="207R00000X"
        )
        now = today()
        Licence.objects.create(
            user=user,
            state="CA",
            licence_type="MD",
            number="A1",
            issue_date=now - timedelta(days=3000),
            expiry_date=now + timedelta(days=300),
            dea_registered=True,
            dea_registration_date=now - timedelta(days=400),
        )
        Licence.objects.create(
            user=user,
            state="TX",
            licence_type="MD",
            number="T1",
            issue_date=now - timedelta(days=3000),
            expiry_date=now + timedelta(days=60),
        )
        BoardCertification.objects.create(
            user=user,
            board="ABIM",
            specialty="Internal Medicine",
            cycle_start=now - timedelta(days=700),
            cycle_end=now + timedelta(days=1000),
        )
        topics = [
            [],
            ["pain_management"],
            ["opioid_prescribing"],
            ["ethics"],
            ["implicit_bias"],
            [],
        ]
        for i in range(args.completions):
            credits = {"ama_pra_1": Decimal(1 + i % 3)} | (
                {"abim_moc": Decimal(2)} if i % 4 == 0 else {}
            )
            c = Completion.objects.create(
                user=user,
                title=f"Activity {i}",
                provider="Example CME",
                completed_on=now - timedelta(days=7 * i),
                topics=topics[i % len(topics)],
                credit_summary=credit_summary(credits),
            )
            for code, amount in credits.items():
                CompletionCredit.objects.create(completion=c, credit_type=code, amount=amount)

        client = Client()
        client.force_login(user)
        url = reverse("credits:dashboard")
        for _ in range(3):
            assert client.get(url).status_code == 200
        executed: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile_path = str(Path(tmp) / "dashboard.prof")
            cProfile.runctx(
                "for _ in range(10): client.get(url)", globals(), locals(), profile_path
            )
            pstats.Stats(profile_path).sort_stats("cumtime").print_stats(70)
        runs = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url)
            runs.append(time.perf_counter() - t0)
            assert response.status_code == 200
    median = statistics.median(runs)
    result = {
        "name": "credits_dashboard",
        "size": args.completions,
        "median": round(median * 1000, 2),
        "min": round(min(runs) * 1000, 2),
        "max": round(max(runs) * 1000, 2),
        "unit": "ms",
        "queries": len(executed),
        "target_ms": 50,
        "target_queries": 10,
        "machine": f"{platform.machine()} {os.cpu_count()} CPU, {platform.python_implementation()} "
        f"{platform.python_version()} ({platform.system()})",
    }
    out = ROOT / "bench" / "results" / "dashboard.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

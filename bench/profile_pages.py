"""CPU per request for each `make load` page type, in-process, to find where the time goes.

    DJANGO_SETTINGS_MODULE=cmepath.settings.load DATABASE_URL=... \\
        python bench/profile_pages.py CREDENTIALS.json [--requests 200] [--profile "catalog search page"]

Uses the page types of ``bench/locustfile.py`` and the sessions and tokens that
``bench/load_credentials.py`` wrote, against a database that holds the demo data (``make
load`` builds one; ``LOAD_KEEP=1`` is not needed: any migrated database with ``cmepath demo``
and ``cmepath search reindex`` does). Each page type is requested through Django's test
client (full middleware stack, no network): warm-up, then ``--requests`` requests timed
with ``time.process_time`` (the least of three rounds); a second pass counts the SQL queries. ``--profile NAME`` prints
the top functions of one page type by cumulative CPU time (cProfile on thread time). Nothing is written.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("credentials")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--profile", metavar="PAGE", help="page type to profile (a name from load_mix.PAGES)"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--only", metavar="PAGE[,PAGE...]", help="measure only these page types")
    args = parser.parse_args()
    os.environ["LOAD_CREDENTIALS"] = args.credentials
    import django

    django.setup()
    import load_mix
    from django.db import connection
    from django.test import Client

    creds = json.loads(Path(args.credentials).read_text(encoding="utf-8"))
    accounts = itertools.cycle(creds["accounts"])
    queries = itertools.cycle(load_mix.QUERIES)

    client = Client(
        HTTP_HOST="127.0.0.1"
    )  # one handler: a new Client builds the middleware chain again
    # the load mix, plus baselines: the same middleware stack around a view that does nothing
    pages = {
        **load_mix.PAGES,
        "baseline: /healthz signed in": (0, "GET", "/healthz"),
        "baseline: /healthz anonymous": (0, "GET", "/healthz"),
    }

    def request(name: str) -> int:
        _, method, path = pages[name]
        account = next(accounts)
        client.cookies.clear()
        extra: dict[str, str] = {}
        if load_mix.auth_kind(name) == "token":
            extra["HTTP_AUTHORIZATION"] = f"Bearer {account['token']}"
        elif load_mix.auth_kind(name) == "session":
            client.cookies[creds["session_cookie"]] = account["session"]
        url = path.format(q=next(queries))
        if method == "PATCH":
            body = json.dumps({"career_goal": "Quality improvement lead", "paid_cme_days": 3})
            response = client.patch(url, body, content_type="application/json", **extra)
        else:
            response = client.get(url, **extra)
        return response.status_code

    names = [n for n, (weight, _, _) in load_mix.PAGES.items() if weight]
    names += [n for n in pages if n.startswith("baseline:")]
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    if args.profile:
        if args.profile not in pages:
            raise SystemExit(f"unknown page type {args.profile!r}; choose from: {', '.join(names)}")
        names = [args.profile]
    print(f"{'page type':32} {'status':>6} {'cpu ms':>8} {'queries':>8}")
    for name in names:
        for _ in range(20):
            status = request(name)
        if status == 404:
            print(f"{name:32} {status:>6}  (not built)")
            continue
        rounds = []
        for _ in range(3):  # the least of three rounds: a noisy machine only ever adds time
            cpu0 = time.process_time()
            for _ in range(args.requests):
                request(name)
            rounds.append((time.process_time() - cpu0) / args.requests * 1000)
        cpu_ms = min(rounds)
        seen: list[str] = []

        def count(execute, sql, params, many, context, seen=seen):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            request(name)
        print(f"{name:32} {status:>6} {cpu_ms:8.2f} {len(seen):8d}")
        if args.profile:
            for sql in seen:
                print("   ", sql[:160])
            profiler = cProfile.Profile(time.thread_time)  # CPU, not waiting on PostgreSQL
            profiler.enable()
            for _ in range(args.requests):
                request(name)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()

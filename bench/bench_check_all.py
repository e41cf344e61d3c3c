"""Benchmark ``cmepath credits check-all`` on a seeded population in a temporary SQLite file.

    DJANGO_SETTINGS_MODULE=cmepath.settings.test python bench/bench_check_all.py --size 100000 [--repeat 3]

Setup (not timed): ``make_population(size)`` from ``bench_credits_engine.py`` gives the same
realistic shapes the engine benchmark uses (1-3 licences, boards, 10-60 completions with
one or two credit types each); users, profiles, licences and certifications are inserted
with ``bulk_create``, completions and their credits (millions of rows) with parameterised
``executemany``. Then ``evaluation_run_all`` is timed end to end: bulk reads, evaluation in the
worker pool, JSON serialisation and the snapshot upserts.

Anchor, measured in the same run: the pure engine (``evaluate``) on the same population,
in-process and single-threaded, per clinician. ``ratio`` = check-all cost per clinician
(wall clock) / engine cost per clinician. Writes ``bench/results/check_all.json``.
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "src", ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

SPECIALTY_CODES = {
    "internal_medicine": "207R00000X",
    "family_medicine": "207Q00000X",
    "radiology": "2085R0202X",
    "pediatrics": "208000000X",
    "emergency_medicine": "207P00000X",
}


def _setup_django(db_path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmepath.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(population: list, as_of_text: str) -> None:
    from django.db import connection, transaction

    from cmepath.accounts.models import BoardCertification, Licence, Profile, User
    from cmepath.credits.services import credit_summary

    now = datetime.now(UTC)
    unusable = "!"  # Django's marker for an unusable password
    users = [
        User(email=f"bench{k}@example.test", role="clinician", password=unusable)
        for k in range(len(population))
    ]
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=5000)
    ids = dict(User.objects.filter(email__startswith="bench").values_list("email", "id"))
    profiles, licences, certs = [], [], []
    completion_rows, credit_rows = [], []
    next_completion = 1
    for k, (profile, completions) in enumerate(population):
        uid = ids[f"bench{k}@example.test"]
        profiles.append(
            Profile(
                user_id=uid,
                profession=profile.profession,
                primary_specialty=SPECIALTY_CODES[next(iter(profile.specialties))],
                share_patients_65_plus=round((profile.patients_65_plus_share or 0) * 100),
            )
        )
        for lic in profile.licences:
            licences.append(
                Licence(
                    user_id=uid,
                    state=lic.state,
                    licence_type=lic.profession,
                    number=lic.number,
                    issue_date=lic.issue_date,
                    expiry_date=lic.expiry_date,
                    dea_registered=lic.dea_registered,
                    dea_registration_date=profile.dea_registration_date
                    if lic.dea_registered
                    else None,
                    direct_patient_care=lic.direct_patient_care,
                )
            )
        for cert in profile.board_certifications:
            certs.append(
                BoardCertification(
                    user_id=uid,
                    board=cert.board,
                    specialty=cert.specialty or "general",
                    cycle_start=cert.cycle_start,
                    cycle_end=cert.cycle_end,
                )
            )
        for c in completions:
            cid = next_completion
            next_completion += 1
            completion_rows.append(
                (
                    cid,
                    uid,
                    c.title,
                    c.completed_on.isoformat(),
                    json.dumps(sorted(c.topics)),
                    "sa_cme" in c.kinds,
                    "pi_cme" in c.kinds,
                    "live" in c.kinds,
                    "self_reported",
                    now.isoformat(),
                    now.isoformat(),
                    credit_summary(c.credits),
                )
            )
            for code, amount in c.credits.items():
                credit_rows.append((cid, code, amount))
    with transaction.atomic():
        Profile.objects.bulk_create(profiles, batch_size=5000)
        Licence.objects.bulk_create(licences, batch_size=5000)
        BoardCertification.objects.bulk_create(certs, batch_size=5000)
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO credits_completion (id, user_id, title, provider, accreditor, completed_on, topics, sa_cme,"
                " pi_cme, live, provenance, import_batch, created_at, updated_at, credit_summary) VALUES (%s, %s, %s, '', '',"
                " %s, %s, %s, %s, %s, %s, '', %s, %s, %s)",
                completion_rows,
            )
            cur.executemany(
                "INSERT INTO credits_completioncredit (completion_id, credit_type, amount) VALUES (%s, %s, %s)",
                credit_rows,
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"loaded {len(population)} clinicians, {len(licences)} licences, {len(certs)} certifications, "
        f"{len(completion_rows)} completions, {len(credit_rows)} credit rows",
        file=sys.stderr,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cmepath-bench-") as tmp:
        _setup_django(Path(tmp) / "bench.sqlite3")
        from bench_credits_engine import AS_OF, make_population

        from cmepath.credits.rules import compile_rules, default_rules, evaluate
        from cmepath.credits.services import evaluation_run_all

        started = time.perf_counter()
        population = make_population(args.size, args.seed)
        _load(population, AS_OF.isoformat())
        print(f"setup {time.perf_counter() - started:.1f} s", file=sys.stderr)

        rules = compile_rules(default_rules())
        evaluate(*population[0], AS_OF, rules)
        t0 = time.perf_counter()
        for profile, completions in population:
            evaluate(profile, completions, AS_OF, rules)
        engine_seconds = time.perf_counter() - t0
        anchor_us = engine_seconds / args.size * 1e6

        runs = []
        last: dict = {}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            last = evaluation_run_all(as_of=AS_OF, workers=args.workers)
            runs.append(time.perf_counter() - t0)
            print(f"check-all {runs[-1]:.2f} s ({args.size / runs[-1]:.0f}/s)", file=sys.stderr)
        del population

    median = statistics.median(runs)
    per_clinician_us = median / args.size * 1e6
    result = {
        "name": "credits_check_all",
        "size": args.size,
        "median": round(median, 3),
        "min": round(min(runs), 3),
        "max": round(max(runs), 3),
        "unit": "s",
        "rate_per_s": round(args.size / median),
        "per_clinician_us": round(per_clinician_us, 1),
        "workers": last.get("workers"),
        "anchor": {
            "name": "pure engine evaluate(), in-process, single thread, same population",
            "per_clinician_us": round(anchor_us, 1),
            "rate_per_s": round(args.size / engine_seconds),
        },
        "ratio": round(per_clinician_us / anchor_us, 3),
        "target_rate_per_s": 5000,
        "machine": f"{platform.machine()} {os.cpu_count()} CPU, {platform.python_implementation()} "
        f"{platform.python_version()} ({platform.system()}), SQLite file in a temp dir",
    }
    out = ROOT / "bench" / "results" / "check_all.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

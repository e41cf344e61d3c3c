"""``check-all``: evaluate every clinician and store the results for dashboards, fast.

The population is cut into ranges of user ids. For each range a worker runs four bulk,
parameterised queries (clinicians with profiles, licences, certifications, completions
joined with their credits), builds the engine inputs, evaluates with the pure engine and
serialises the result; the parent upserts the snapshots (one ``executemany`` per range).

With more than ``PARALLEL_MIN`` clinicians and a database other processes can open (not
SQLite in memory), ranges run in a pool of ``os.cpu_count()`` forked workers, each with its
own connection; otherwise in-process. Rows are read with the raw cursor (no model
instances): at 100,000 clinicians the ORM's per-row cost would dominate the engine's.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from cmepath.core.progress import Progress, no_progress
from cmepath.core.roles import Role
from cmepath.credits.rules import (
    BoardCert,
    ClinicianProfile,
    Evaluation,
    Licence,
    RuleIndex,
    compile_rules,
    default_rules,
    evaluate,
)
from cmepath.credits.rules import Completion as EngineCompletion

from .inputs import KINDS, profile_input, slug

CHUNK = 1000
PARALLEL_MIN = 4000
PROGRESS_STEP = "evaluating"

_SQL_IDS = "SELECT id FROM accounts_user WHERE role = %s AND is_active = %s ORDER BY id"
# Dates are CAST to text: the SQLite driver's per-value date converter would cost more than
# the engine; ``_Dates`` parses each distinct string once.
_SQL_USERS = (
    "SELECT u.id, p.profession, p.birth_month, CAST(p.date_of_first_licensure AS TEXT), p.share_patients_65_plus,"
    " p.primary_specialty, p.specialties FROM accounts_user u LEFT JOIN accounts_profile p ON p.user_id = u.id"
    " WHERE u.role = %s AND u.is_active = %s AND u.id BETWEEN %s AND %s"
)
_SQL_LICENCES = (
    "SELECT user_id, state, licence_type, number, CAST(issue_date AS TEXT), CAST(expiry_date AS TEXT), dea_registered,"
    " CAST(dea_registration_date AS TEXT), direct_patient_care FROM accounts_licence WHERE user_id BETWEEN %s AND %s"
)
_SQL_CERTS = (
    "SELECT user_id, board, specialty, CAST(cycle_start AS TEXT), CAST(cycle_end AS TEXT) FROM accounts_boardcertification"
    " WHERE user_id BETWEEN %s AND %s"
)
# One row per completion, read from one table: ``credit_summary`` is the derived
# "type=amount;type=amount" copy of the credit rows (a handful of distinct strings across the
# population, each parsed once). Booleans are CAST too (no per-value driver converter).
_SQL_COMPLETIONS = (
    "SELECT user_id, id, CAST(completed_on AS TEXT), topics, CAST(sa_cme AS INTEGER), CAST(pi_cme AS INTEGER),"
    " CAST(live AS INTEGER), credit_summary FROM credits_completion WHERE user_id BETWEEN %s AND %s"
)
_UPSERT_SQLITE = (
    "INSERT INTO credits_evaluationsnapshot (user_id, as_of, computed_at, status, next_deadline, regimes, unmet, result)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (user_id) DO UPDATE SET as_of = excluded.as_of,"
    " computed_at = excluded.computed_at, status = excluded.status, next_deadline = excluded.next_deadline,"
    " regimes = excluded.regimes, unmet = excluded.unmet, result = excluded.result"
)
_UPSERT_POSTGRES = _UPSERT_SQLITE.replace("%s)", "%s::jsonb)")

_STATE: dict[str, Any] = {}  # set in the parent before forking: compiled rules, as_of


def rule_index() -> RuleIndex:
    """The compiled default rules, compiled once per process (inherited by forked workers)."""
    index = _STATE.get("rules")
    if index is None:
        index = _STATE["rules"] = compile_rules(default_rules())
    return index


class _Dates:
    """Raw cursors give dates as ISO strings on SQLite and as dates on PostgreSQL."""

    def __init__(self) -> None:
        self.cache: dict[str, date] = {}

    def __call__(self, value: Any) -> date | None:
        if value is None or isinstance(value, date):
            return value
        found = self.cache.get(value)
        if found is None:
            found = self.cache[value] = date.fromisoformat(value[:10])
        return found


def _json_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, list) else []
    return list(value)


def load_range(lo: int, hi: int) -> list[tuple[ClinicianProfile, list[EngineCompletion]]]:
    """Engine inputs for the active clinicians with ids in [lo, hi], in four queries."""
    as_date = _Dates()
    topic_cache: dict[Any, frozenset[str]] = {}
    credit_cache: dict[str, dict[str, float]] = {}
    with connection.cursor() as cur:
        cur.execute(_SQL_USERS, [Role.CLINICIAN, True, lo, hi])
        users = cur.fetchall()
        cur.execute(_SQL_LICENCES, [lo, hi])
        licence_rows = cur.fetchall()
        cur.execute(_SQL_CERTS, [lo, hi])
        cert_rows = cur.fetchall()
        cur.execute(_SQL_COMPLETIONS, [lo, hi])
        completion_rows = cur.fetchall()
    licences: dict[int, list[Licence]] = {}
    dea: dict[int, list[date | None]] = {}
    for uid, state, ltype, number, issue, expiry, dea_reg, dea_date, direct in licence_rows:
        licences.setdefault(uid, []).append(
            Licence(
                state=state,
                profession=ltype,
                number=number,
                issue_date=as_date(issue),
                expiry_date=as_date(expiry),
                dea_registered=bool(dea_reg),
                direct_patient_care=bool(direct),
            )
        )
        if dea_reg:
            dea.setdefault(uid, []).append(as_date(dea_date))
    certs: dict[int, list[BoardCert]] = {}
    for uid, board, specialty, start, end in cert_rows:
        certs.setdefault(uid, []).append(
            BoardCert(
                board=board,
                specialty=slug(specialty),
                cycle_start=as_date(start),
                cycle_end=as_date(end),
            )
        )
    completions: dict[int, list[EngineCompletion]] = {}
    # (sa_cme, pi_cme, live) as the 0/1 integers the CASTs give -> kinds (8 combinations;
    # True == 1 and hashes alike, so the shared table serves both).
    kinds_of = KINDS
    day_cache = as_date.cache
    make = EngineCompletion  # positional arguments: id, title, completed_on, credits, topics, kinds
    current_uid = None
    found: list[EngineCompletion] = []
    # The hot loop (once per completion): locals and cache lookups only.
    for uid, cid, done, topics, sa, pi, live, folded in completion_rows:
        topic_set = topic_cache.get(topics)
        if topic_set is None:
            topic_set = topic_cache[topics] = frozenset(_json_list(topics))
        credits = credit_cache.get(folded)
        if credits is None:  # shared, read-only: the engine never mutates credits
            credits = credit_cache[folded] = {
                code: float(amount)
                for code, _, amount in (part.partition("=") for part in folded.split(";") if part)
            }
        day = day_cache.get(done)
        if day is None:
            day = as_date(done)
        if uid != current_uid:
            current_uid = uid
            found = completions.setdefault(uid, [])
        found.append(make(str(cid), "", day, credits, topic_set, kinds_of[sa, pi, live]))  # type: ignore[arg-type]
    out = []
    for uid, profession, birth_month, first_lic, share, primary, others in users:
        profile = profile_input(
            user_id=uid,
            profession=profession or "other",
            birth_month=birth_month,
            first_licensure=as_date(first_lic),
            share_65=share,
            specialty_codes=[primary or "", *_json_list(others)],
            licences=licences.get(uid, ()),
            certs=certs.get(uid, ()),
            dea_dates=dea.get(uid, ()),
        )
        out.append((profile, completions.get(uid, [])))
    return out


def summarise(evaluation: Evaluation) -> tuple[str, date | None, int, int]:
    """(worst status, earliest deadline with work left, regimes, requirements not met)."""
    order = {"unmet": 3, "at_risk": 2, "met": 1, "not_applicable": 0}
    worst = "not_applicable" if evaluation.regimes else ""
    deadlines: list[date] = []
    unmet = 0
    for regime in evaluation.regimes:
        if order[regime.status] > order.get(worst, -1):
            worst = regime.status
        for req in regime.requirements:
            if req.status in ("unmet", "at_risk"):
                unmet += 1
                if req.deadline is not None:
                    deadlines.append(req.deadline)
    return worst, (min(deadlines) if deadlines else None), len(evaluation.regimes), unmet


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot_json(evaluation: Evaluation) -> dict[str, Any]:
    """What a snapshot stores: statuses, hours and deadlines per regime and requirement.

    A subset of ``evaluation_to_json`` (same key names) without the explanation sentences and
    counted completion ids, which pages compute live; a quarter of the size, so check-all
    serialises and writes 100,000 of them quickly.
    """
    return {
        "as_of": evaluation.as_of.isoformat(),
        "regimes": [
            {
                "regime_id": r.regime_id,
                "name": r.name,
                "kind": r.kind,
                "status": r.status,
                "cycle_start": _iso(r.cycle_start),
                "cycle_end": _iso(r.cycle_end),
                "deadline": _iso(r.deadline),
                "cure_until": _iso(r.cure_until),
                "requirements": [
                    {
                        "id": q.id,
                        "label": q.label,
                        "status": q.status,
                        "hours_counted": q.hours_counted,
                        "hours_needed": q.hours_needed,
                        "deadline": _iso(q.deadline),
                    }
                    for q in r.requirements
                ],
            }
            for r in evaluation.regimes
        ],
    }


def _evaluate_range(task: tuple[int, int, str]) -> list[tuple[Any, ...]]:
    lo, hi, as_of_text = task
    as_of = date.fromisoformat(as_of_text)
    index = rule_index()
    rows = []
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    # The inputs and results are acyclic: pausing the cycle collector saves its repeated
    # scans of the chunk's tens of thousands of live objects.
    enabled = gc.isenabled()
    gc.disable()
    try:
        for profile, comps in load_range(lo, hi):
            evaluation = evaluate(profile, comps, as_of, index)
            status, deadline, regimes, unmet = summarise(evaluation)
            rows.append(
                (
                    int(profile.id),
                    status,
                    _iso(deadline),
                    regimes,
                    unmet,
                    dumps(snapshot_json(evaluation)),
                )
            )
    finally:
        if enabled:
            gc.enable()
    return rows


def _worker_init() -> None:
    # A forked child must not reuse the parent's database connection.
    connections.close_all()


def write_snapshots(rows: Sequence[tuple[Any, ...]], as_of: date) -> None:
    ops = connection.ops
    computed = ops.adapt_datetimefield_value(timezone.now())
    as_of_value = ops.adapt_datefield_value(as_of)
    params = [
        (uid, as_of_value, computed, status, deadline, regimes, unmet, result)
        for uid, status, deadline, regimes, unmet, result in rows
    ]
    sql = _UPSERT_POSTGRES if connection.vendor == "postgresql" else _UPSERT_SQLITE
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(sql, params)


def clinician_ranges(chunk: int = CHUNK) -> tuple[int, list[tuple[int, int]]]:
    with connection.cursor() as cur:
        cur.execute(_SQL_IDS, [Role.CLINICIAN, True])
        ids = [row[0] for row in cur.fetchall()]
    ranges = [(ids[i], ids[min(i + chunk, len(ids)) - 1]) for i in range(0, len(ids), chunk)]
    return len(ids), ranges


def _can_fork() -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())  # type: ignore[attr-defined]


def check_all(
    *,
    as_of: date,
    workers: int | None = None,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Evaluate every active clinician on ``as_of``, upsert snapshots, return counts.

    ``progress("evaluating", done, total)`` after each range (``done`` clinicians of
    ``total``)."""
    started = time.perf_counter()
    total, ranges = clinician_ranges()
    rule_index()  # compile once, before forking, so children inherit it
    if workers is None:
        workers = os.cpu_count() or 1 if total >= PARALLEL_MIN else 1
    workers = max(1, workers) if _can_fork() else 1
    counts = {"met": 0, "at_risk": 0, "unmet": 0, "not_applicable": 0, "": 0}
    done = 0
    write_seconds = 0.0
    tasks = [(lo, hi, as_of.isoformat()) for lo, hi in ranges]
    progress(PROGRESS_STEP, 0, total)

    def consume(rows: list[tuple[Any, ...]]) -> None:
        nonlocal done, write_seconds
        t0 = time.perf_counter()
        write_snapshots(rows, as_of)
        write_seconds += time.perf_counter() - t0
        for row in rows:
            counts[row[1]] += 1
        done += len(rows)
        progress(PROGRESS_STEP, done, total)

    if workers > 1 and len(tasks) > 1:
        connections.close_all()
        pool_ctx = multiprocessing.get_context("fork")
        with pool_ctx.Pool(workers, initializer=_worker_init) as pool:
            for rows in pool.imap_unordered(_evaluate_range, tasks, chunksize=1):
                consume(rows)
    else:
        for task in tasks:
            consume(_evaluate_range(task))
    seconds = time.perf_counter() - started
    return {
        "as_of": as_of.isoformat(),
        "clinicians": done,
        "met": counts["met"],
        "at_risk": counts["at_risk"],
        "unmet": counts["unmet"],
        "not_applicable": counts["not_applicable"],
        "no_rules": counts[""],
        "workers": workers,
        "seconds": round(seconds, 3),
        "write_seconds": round(write_seconds, 3),
        "rate_per_s": round(done / seconds) if seconds > 0 else None,
    }


def iter_evaluations(as_of: date) -> Iterator[tuple[int, Evaluation]]:
    """Every active clinician's evaluation on ``as_of``, in id order (for reminders)."""
    index = rule_index()
    _, ranges = clinician_ranges()
    for lo, hi in ranges:
        for profile, comps in load_range(lo, hi):
            yield int(profile.id), evaluate(profile, comps, as_of, index)

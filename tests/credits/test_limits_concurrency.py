"""Per-person limits hold under concurrent requests (PostgreSQL, security-checks: race conditions).

The services lock the owner's user row before counting, so parallel requests for one person
count one after the other. Each test slows the count down (a pause right after the COUNT
query) so that, without the lock, every request would count before any of them inserts.
Run with ``DATABASE_URL=postgres://...`` (the CI PostgreSQL pass); skipped on SQLite, whose
write transactions are serialised anyway (``transaction_mode=IMMEDIATE``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from cmepath.core.errors import ValidationError
from cmepath.credits import services
from cmepath.credits.choices import MAX_ACTIVE_SHARE_LINKS
from cmepath.credits.models import Completion, ShareLink
from tests.credits.factories import CompletionFactory

pytestmark = pytest.mark.postgres


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs with CI=true)")


def _slow_count(table: str) -> Callable[..., Any]:
    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT COUNT(") and f'"{table}"' in sql:
            time.sleep(0.3)  # every other request gets here before this one inserts
        return result

    return wrapper


def _in_parallel(n: int, work: Callable[[int], Any], *, slow_table: str) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released together, each on its own connection."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            with connection.execute_wrapper(_slow_count(slow_table)):
                results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_share_link_limit_holds_under_parallel_creates(clinician, transactional_db):
    _require_postgres()
    # given 18 active links, 2 below the limit
    for i in range(MAX_ACTIVE_SHARE_LINKS - 2):
        services.share_link_create(actor=clinician, label=f"Existing {i}")
    # when 12 requests create a link at the same moment
    results = _in_parallel(
        12,
        lambda i: services.share_link_create(actor=clinician, label=f"Parallel {i}"),
        slow_table="credits_sharelink",
    )
    # then exactly 2 succeed, the other 10 are refused with the limit's message
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 10, results
    assert all("revoke one first" in r.message for r in refused)
    active = ShareLink.objects.filter(
        user=clinician, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    assert active.count() == MAX_ACTIVE_SHARE_LINKS


def test_completion_limit_holds_under_parallel_records(
    clinician, transactional_db, monkeypatch, today
):
    _require_postgres()
    # given a record 3 completions below a (lowered) limit
    monkeypatch.setattr("cmepath.credits.services.completions.MAX_COMPLETIONS_PER_USER", 8)
    for i in range(5):
        CompletionFactory(user=clinician, completed_on=today - timedelta(days=i + 1))
    # when 10 requests log a completion at the same moment
    results = _in_parallel(
        10,
        lambda i: services.completion_record(
            actor=clinician,
            data={"title": f"Parallel {i}", "completed_on": today},
            credits={"ama_pra_1": 1},
        ),
        slow_table="credits_completion",
    )
    # then 3 are stored and 7 refused with the quota code
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert [r.code for r in refused] == ["quota"] * 7, results
    assert Completion.objects.filter(user=clinician).count() == 8


def test_provider_reports_count_against_the_learners_limit(
    provider_activity, clinician, transactional_db, monkeypatch, today
):
    _require_postgres()
    # given a learner 1 completion below the limit and the learner and a provider writing at once
    member, activity = provider_activity
    monkeypatch.setattr("cmepath.credits.services.completions.MAX_COMPLETIONS_PER_USER", 3)
    for i in range(2):
        CompletionFactory(user=clinician, completed_on=today - timedelta(days=i + 1))

    def work(i: int) -> Completion:
        if i % 2:
            return services.completion_record(
                actor=member,
                user=clinician,
                data={"activity_id": activity.pk, "completed_on": today},
                credits={"ama_pra_1": 1},
            )
        return services.completion_record(
            actor=clinician,
            data={"title": f"Own {i}", "completed_on": today},
            credits={"ama_pra_1": 1},
        )

    results = _in_parallel(6, work, slow_table="credits_completion")
    # then one of them is stored, whoever wrote it
    assert sum(isinstance(r, Completion) for r in results) == 1, results
    assert Completion.objects.filter(user=clinician).count() == 3

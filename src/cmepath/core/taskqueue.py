"""Task-queue maintenance: put back tasks whose worker died (security-checks row 33).

django-tasks-db marks a task RUNNING when a worker claims it; if that worker is killed
the row stays RUNNING for ever. Our tasks are idempotent (they take ids and are safe to
run twice), so a task RUNNING for longer than any task should take is returned to the
queue. ``cmepath tasks_reap`` runs this; the worker's host should call it every few
minutes (cron or a systemd timer), and it is safe to run concurrently.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

#: Longer than any cmepath task runs (imports and analyses report progress well within it).
DEFAULT_STALE_AFTER = timedelta(minutes=15)


@transaction.atomic
def tasks_requeue_stale(*, older_than: timedelta = DEFAULT_STALE_AFTER) -> int:
    """Return RUNNING tasks started before ``now - older_than`` to READY; returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lte=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)

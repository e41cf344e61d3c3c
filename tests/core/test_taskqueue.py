"""The stale-task reaper requeues only tasks RUNNING past the cut-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _task(status, started_minutes_ago):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cmepath.demo.nothing",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago)
        if started_minutes_ago is not None
        else None,
    )


def test_reaper_requeues_only_stale_running_tasks():
    from django_tasks.base import TaskResultStatus

    from cmepath.core.taskqueue import tasks_requeue_stale

    stale = _task(TaskResultStatus.RUNNING, 60)
    fresh = _task(TaskResultStatus.RUNNING, 1)
    done = _task(TaskResultStatus.SUCCESSFUL, 60)
    assert tasks_requeue_stale(older_than=timedelta(minutes=15)) == 1
    for row in (stale, fresh, done):
        row.refresh_from_db()
    assert (stale.status, fresh.status, done.status) == (
        TaskResultStatus.READY,
        TaskResultStatus.RUNNING,
        TaskResultStatus.SUCCESSFUL,
    )
    assert (
        tasks_requeue_stale(older_than=timedelta(minutes=15)) == 0
    )  # running it twice changes nothing

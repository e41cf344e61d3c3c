"""A probe task for the worker-kill test (tests/core/test_faults.py); tests only.

Its effect is an insert keyed by ``key`` (a unique constraint makes a second run a no-op),
and every run is logged separately, so the test can tell retries (fine) from duplicate
effects (not fine). The tables are created by the test.
"""

from __future__ import annotations

import os
import time

from django.db import connection, transaction
from django_tasks import task

EFFECT_TABLE = "fault_probe_effect"
RUNS_TABLE = "fault_probe_runs"


@task()
def task_effect_probe(key: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {RUNS_TABLE} (key, pid) VALUES (%s, %s)", [key, os.getpid()])  # noqa: S608 - constant table name
    time.sleep(0.01)  # a window for the SIGKILL to land mid-task
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EFFECT_TABLE} (key) VALUES (%s) ON CONFLICT (key) DO NOTHING",  # noqa: S608
            [key],
        )
    return key

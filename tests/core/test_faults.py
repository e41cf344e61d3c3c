"""Faults (security-checks rows 31-33): a killed database connection, a full disk, a killed worker.

(a) and (c) need PostgreSQL (``pg_terminate_backend``, a worker process sharing the test
database) and run in the CI PostgreSQL pass. (b) needs root to mount a small tmpfs and
runs on either engine; it skips when the mount is refused.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from cmepath.accounts.models import Licence, LicenceProof
from cmepath.core.models import AuditEvent
from tests.factories import LicenceFactory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs with CI=true)")


def _pg_connect():
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    )


# --- (a) the database connection killed in the middle of a multi-step write --------------


@pytest.mark.postgres
def test_connection_killed_mid_write_leaves_no_partial_rows(clinician, token_for, transactional_db):
    _require_postgres()
    # given a clinician with a token, and the row counts before
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(clinician)}"}
    before = (Licence.objects.count(), AuditEvent.objects.count())
    killed: list[int] = []

    def kill_before_audit_insert(execute, sql, params, many, context):
        # licence_create: INSERT licence, then audit_record's INSERT; kill the session between
        if sql.lstrip().startswith('INSERT INTO "core_auditevent"') and not killed:
            pid = context["connection"].connection.info.backend_pid
            with _pg_connect() as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    body = {
        "state": "CA",
        "licence_type": "MD",
        "number": "KILL-1",
        "issue_date": "2015-01-01",
        "expiry_date": "2027-12-31",
    }
    # when the connection is terminated between the two inserts of one API write
    with connection.execute_wrapper(kill_before_audit_insert):
        response = client.post("/api/v1/me/licences", body, content_type="application/json", **auth)
    # then the request fails with a generic 500, no traceback, and nothing was written
    assert killed
    assert response.status_code == 500
    assert b"Traceback" not in response.content and b"psycopg" not in response.content
    assert (Licence.objects.count(), AuditEvent.objects.count()) == before
    # and the very next request succeeds on a fresh connection (no stale-connection error)
    again = client.post("/api/v1/me/licences", body, content_type="application/json", **auth)
    assert again.status_code == 201, again.content
    assert client.get("/api/v1/me/licences", **auth).json()[0]["number"] == "KILL-1"
    assert (Licence.objects.count(), AuditEvent.objects.count()) == (before[0] + 1, before[1] + 1)


# --- (b) media storage full ----------------------------------------------------------------


@pytest.fixture
def full_media(settings, tmp_path):
    """MEDIA_ROOT on a 1 MiB tmpfs, filled up; skipped where mounting is not allowed."""
    mount = tmp_path / "media"
    mount.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({proc.stderr.decode().strip() or proc.returncode})"
        )
    try:
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
        os.close(fd)
        settings.MEDIA_ROOT = mount
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, check=False)


def test_upload_to_a_full_disk_is_507_with_no_row_and_no_orphan(
    full_media, clinician, client_for, pdf_bytes, db
):
    # given a clinician's licence and a full media volume
    licence = LicenceFactory(user=clinician)
    client = client_for(clinician)
    # when a proof is uploaded through the page
    response = client.post(
        f"/me/licences/{licence.pk}/proof/",
        {"file": SimpleUploadedFile("proof.pdf", pdf_bytes, "application/pdf")},
    )
    # then the answer is 507, and no row points at a missing file
    assert response.status_code == 507
    assert b"Traceback" not in response.content
    assert not LicenceProof.objects.exists()
    # and reads keep working
    assert client.get("/me/licences/").status_code == 200


def test_full_disk_leaves_no_partial_file(full_media, clinician, client_for, pdf_bytes, db):
    licence = LicenceFactory(user=clinician)
    client_for(clinician).post(
        f"/me/licences/{licence.pk}/proof/",
        {"file": SimpleUploadedFile("proof.pdf", pdf_bytes, "application/pdf")},
    )
    leftovers = sorted(
        p.relative_to(full_media).as_posix() for p in full_media.rglob("*") if p.is_file()
    )
    assert leftovers == ["filler"]


def test_full_disk_page_says_what_went_wrong(full_media, clinician, client_for, pdf_bytes, db):
    licence = LicenceFactory(user=clinician)
    response = client_for(clinician).post(
        f"/me/licences/{licence.pk}/proof/",
        {"file": SimpleUploadedFile("proof.pdf", pdf_bytes, "application/pdf")},
    )
    assert response.status_code == 507
    assert b"could not store the file" in response.content


# --- (c) the task worker killed at random while working 1,000 tasks --------------------------

TASKS = int(os.environ.get("FAULT_TASKS", "1000"))
KILLS = int(os.environ.get("FAULT_KILLS", "5"))


@pytest.fixture
def probe_tables(transactional_db):
    from tests.core.fault_tasks import EFFECT_TABLE, RUNS_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {EFFECT_TABLE} (key text PRIMARY KEY)")
        cursor.execute(f"CREATE TABLE {RUNS_TABLE} (key text NOT NULL, pid integer NOT NULL)")
    yield EFFECT_TABLE, RUNS_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {EFFECT_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")


def _worker(worker_id: str, tmp_path: Path) -> subprocess.Popen:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmepath.settings.dev",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "CMEPATH_DATA_DIR": str(tmp_path),
        "CMEPATH_LOG_LEVEL": "WARNING",
    }
    if s["PASSWORD"]:
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return subprocess.Popen(
        [
            str(BIN / "cmepath"),
            "worker",
            "--worker-id",
            worker_id,
            "--interval",
            "0.05",
            "--no-startup-delay",
            "--no-reload",
        ],  # dev settings turn autoreload on: a child process SIGKILL would miss
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_backends_to_go(timeout: float = 10) -> None:
    """Wait until no other session is connected to the test database (the killed worker's)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.skipif(
    os.environ.get("CI") != "true" and "FAULT_TASKS" not in os.environ,
    reason="about a minute; runs with CI=true (or FAULT_TASKS=n)",
)
def test_worker_killed_at_random_loses_no_task_and_duplicates_no_effect(
    settings, probe_tables, tmp_path
):
    _require_postgres()
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from tests.core.fault_tasks import task_effect_probe

    effect_table, runs_table = probe_tables
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    keys = [f"key-{i:04d}" for i in range(TASKS)]
    # given 1,000 tasks in the database queue
    with transaction.atomic():
        for key in keys:
            task_effect_probe.enqueue(key)
    rng = random.Random(20261125)  # noqa: S311 - reproducible fault schedule
    stranded = 0
    started = time.monotonic()

    def pending() -> int:
        return DBTaskResult.objects.exclude(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
        ).count()

    def done() -> int:
        return DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()

    # when the worker is SIGKILLed at random moments mid-queue, and restarted each time
    for n in range(KILLS):
        worker = _worker(f"fault-{n}", tmp_path)
        target = done() + rng.randint(20, TASKS // (KILLS + 2))
        deadline = time.monotonic() + 60
        while done() < target and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.03))
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        _wait_for_backends_to_go()  # a COMMIT sent just before the kill may still land
        # django-tasks-db leaves a task claimed by a dead worker RUNNING; the reaper
        # (cmepath tasks_reap) puts it back. The worker is dead, so no wait is needed here.
        from datetime import timedelta

        from cmepath.core.taskqueue import tasks_requeue_stale

        stranded += tasks_requeue_stale(older_than=timedelta(0))
    worker = _worker("fault-final", tmp_path)
    try:
        deadline = time.monotonic() + 120
        while pending() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
    elapsed = time.monotonic() - started
    # then the queue drained, and every effect exists exactly once
    stuck = list(
        DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).values_list(
            "status", "worker_ids", "args_kwargs"
        )[:5]
    )
    assert pending() == 0, f"{pending()} tasks still queued after {elapsed:.0f}s: {stuck}"
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {effect_table} ORDER BY key")  # noqa: S608 - constant name
        effects = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*), count(DISTINCT key) FROM {runs_table}")  # noqa: S608
        runs, distinct_runs = cursor.fetchone()
    assert effects == keys  # none lost, none duplicated (the key is the primary key)
    assert distinct_runs == TASKS
    summary = (
        f"{TASKS} tasks, {KILLS} kills, {runs} runs ({runs - TASKS} retried), "
        f"{stranded} requeued by the reaper, {elapsed:.1f}s"
    )
    sys.stderr.write(f"\n{summary}\n")
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()

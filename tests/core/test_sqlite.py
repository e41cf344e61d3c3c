"""Issue 16: a long SQLite write must not fail logins, nor strand a dataset or its files.

- The embedded default database (no ``DATABASE_URL``) runs in WAL mode with a 5 s busy
  timeout and ``BEGIN IMMEDIATE`` transactions, so a second writer waits for a long write
  instead of failing at once with "database is locked".
- ``cmepath tasks_reap`` marks failed a dataset whose processing task failed or vanished
  (its worker died, or the task crashed on a locked database), and removes raw uploads and
  scratch folders that a killed process left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from cmepath.outcomes.choices import DatasetStatus
from cmepath.outcomes.models import Dataset
from cmepath.outcomes.services.recovery import PROCESS_TASK, STRANDED_MESSAGE

# --- the embedded default database ------------------------------------------------------------

_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    pragmas = {}
    for name in ("journal_mode", "busy_timeout", "synchronous"):
        cursor.execute("PRAGMA " + name)
        pragmas[name] = cursor.fetchone()[0]
default = settings.DATABASES["default"]
print(json.dumps({"engine": default["ENGINE"], "options": default["OPTIONS"],
                  "name": str(default["NAME"]), "pragmas": pragmas,
                  "transaction_mode": connection.transaction_mode}))
"""


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> dict:
    """What ``make run`` gets: dev settings, no DATABASE_URL, a fresh data directory."""
    data_dir = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="cmepath.settings.dev", CMEPATH_DATA_DIR=str(data_dir))
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_uses_wal_a_busy_timeout_and_immediate_transactions(embedded):
    assert embedded["engine"] == "django.db.backends.sqlite3"
    assert embedded["pragmas"] == {"journal_mode": "wal", "busy_timeout": 5000, "synchronous": 1}
    assert embedded["transaction_mode"] == "IMMEDIATE"


@pytest.fixture
def embedded_alias(embedded, tmp_path, django_db_blocker):
    """An extra connection alias to a file database with the embedded default's OPTIONS."""
    alias = "embedded_sqlite"
    config = connections.configure_settings(
        {
            "default": {
                "ENGINE": embedded["engine"],
                "NAME": str(tmp_path / "embedded.sqlite3"),
                "OPTIONS": embedded["options"],
            }
        }
    )["default"]
    connections.settings[alias] = config
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
            cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
        connections[alias].close()
        yield alias
        connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def _in_thread(alias: str, work, errors: list) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            connections[alias].close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _counter(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        return cursor.fetchone()[0]


def test_a_write_during_a_long_write_waits_instead_of_failing(embedded_alias):
    # given a transaction that holds the write lock for a second (a long import, say)
    alias = embedded_alias
    errors: list = []
    holding = threading.Event()

    def long_write() -> None:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
            holding.set()
            time.sleep(1.0)

    writer = _in_thread(alias, long_write, errors)
    assert holding.wait(10)
    # when another request writes (a login updating last_login and the session)
    started = time.perf_counter()

    def login_write() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 10 WHERE id = 1")

    login = _in_thread(alias, login_write, errors)
    login.join(15)
    writer.join(15)
    waited = time.perf_counter() - started
    # then it waited for the lock and succeeded
    assert errors == []
    assert 0.5 < waited < 5
    assert _counter(alias) == 11
    connections[alias].close()


def test_read_then_write_transactions_do_not_fail_on_a_concurrent_commit(embedded_alias):
    # In WAL mode a DEFERRED transaction that read before another connection committed can
    # never write: SQLite answers "database is locked" at once, whatever the busy timeout.
    # BEGIN IMMEDIATE takes the write lock first, so the other writer waits instead.
    alias = embedded_alias
    errors: list = []
    has_read = threading.Event()
    other_started = threading.Event()

    def read_then_write() -> None:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("SELECT n FROM counter WHERE id = 1")
            seen = cursor.fetchone()[0]
            has_read.set()
            other_started.wait(10)
            time.sleep(0.3)
            cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [seen + 1])

    def other_write() -> None:
        other_started.set()
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 10 WHERE id = 1")

    first = _in_thread(alias, read_then_write, errors)
    assert has_read.wait(10)
    second = _in_thread(alias, other_write, errors)
    first.join(15)
    second.join(15)

    assert errors == []
    assert _counter(alias) == 11  # neither update was lost
    connections[alias].close()


# --- stranded datasets and left-over files ---------------------------------------------------


@pytest.fixture
def outcomes(settings, tmp_path):
    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"
    (settings.CMEPATH_OUTCOMES_DIR / "uploads").mkdir(parents=True)
    return settings.CMEPATH_OUTCOMES_DIR


@pytest.fixture
def project(clinician, outcomes):
    from cmepath.outcomes import services

    return services.project_create(
        actor=clinician,
        title="UTI stewardship",
        practice_gap="Too few first-line",
        measure_ids=["uti-first-line"],
        activity_ids=[12],
    )


def _age(path: Path, hours: float) -> Path:
    stamp = time.time() - hours * 3600
    os.utime(path, (stamp, stamp))
    return path


def _dataset(project, outcomes: Path, status: str, *, minutes_old: int, name: str) -> Dataset:
    upload = outcomes / "uploads" / f"{name}.csv"
    upload.write_bytes(b"order_date,unit\n2024-01-01,A\n")
    dataset = Dataset.objects.create(
        project=project,
        format="csv",
        original_name=f"{name}.csv",
        status=status,
        upload_path=str(upload) if status != DatasetStatus.DONE else "",
    )
    Dataset.objects.filter(pk=dataset.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_old)
    )
    return dataset


def _task(dataset: Dataset, status: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [dataset.pk], "kwargs": {}},
        task_path=PROCESS_TASK,
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="django.db.utils.OperationalError" if status == "FAILED" else "",
        traceback="OperationalError: database is locked" if status == "FAILED" else "",
    )


def test_the_task_path_is_the_one_the_worker_records():
    from cmepath.outcomes.tasks import process_dataset

    assert process_dataset.module_path == PROCESS_TASK


def test_reaper_fails_datasets_whose_task_failed_or_vanished(project, outcomes):
    from cmepath.core.models import AuditEvent

    # given datasets stuck in processing whose task failed (a locked database) or is gone
    crashed = _dataset(project, outcomes, DatasetStatus.PROCESSING, minutes_old=60, name="a")
    _task(crashed, "FAILED")
    lost = _dataset(project, outcomes, DatasetStatus.QUEUED, minutes_old=60, name="b")
    # and others that are fine: running, waiting for a worker, just uploaded, finished
    running = _dataset(project, outcomes, DatasetStatus.PROCESSING, minutes_old=60, name="c")
    _task(running, "RUNNING")
    waiting = _dataset(project, outcomes, DatasetStatus.QUEUED, minutes_old=60, name="d")
    _task(waiting, "READY")
    fresh = _dataset(project, outcomes, DatasetStatus.PROCESSING, minutes_old=1, name="e")
    done = _dataset(project, outcomes, DatasetStatus.DONE, minutes_old=60, name="f")
    partial = outcomes / "projects" / str(project.pk) / "datasets" / str(crashed.pk)
    partial.mkdir(parents=True)
    (partial / "orders.parquet").write_bytes(b"partial rows")

    # when the reaper runs
    call_command("tasks_reap", "--json")

    # then the stranded two are failed with a message saying what to do, their files gone
    for dataset in (crashed, lost):
        dataset.refresh_from_db()
        assert (dataset.status, dataset.message, dataset.upload_path) == (
            DatasetStatus.FAILED,
            STRANDED_MESSAGE,
            "",
        )
        assert dataset.finished_at is not None
    assert not (outcomes / "uploads" / "a.csv").exists()
    assert not (outcomes / "uploads" / "b.csv").exists()
    assert not partial.exists()
    assert AuditEvent.objects.filter(action="outcomes.dataset_stranded").count() == 2
    # and the others are untouched
    for dataset, status in (
        (running, DatasetStatus.PROCESSING),
        (waiting, DatasetStatus.QUEUED),
        (fresh, DatasetStatus.PROCESSING),
        (done, DatasetStatus.DONE),
    ):
        dataset.refresh_from_db()
        assert dataset.status == status
    assert {p.name for p in (outcomes / "uploads").iterdir()} == {
        "c.csv",
        "d.csv",
        "e.csv",
        "f.csv",
    }


def test_reaper_twice_changes_nothing_more(project, outcomes, capsys):
    crashed = _dataset(project, outcomes, DatasetStatus.PROCESSING, minutes_old=60, name="a")
    _task(crashed, "FAILED")

    call_command("tasks_reap", "--json")
    first = json.loads(capsys.readouterr().out)
    call_command("tasks_reap", "--json")
    second = json.loads(capsys.readouterr().out)

    assert first["datasets_failed"] == [crashed.pk]
    assert second == {
        "requeued": 0,
        "datasets_failed": [],
        "uploads_removed": 0,
        "scratch_removed": 0,
        "undo_ended": 0,
    }


def test_reaper_removes_old_uploads_no_dataset_names(project, outcomes, capsys):
    # given the raw file of an upload killed before its row was saved, a day old
    uploads = outcomes / "uploads"
    orphan = uploads / "killed.csv"
    orphan.write_bytes(b"mrn,dx\n1,N39.0\n")
    _age(orphan, 25)
    # and an upload being written right now, and an old one its (queued) dataset still needs
    (uploads / "in-flight.csv").write_bytes(b"partial")
    named = _dataset(project, outcomes, DatasetStatus.QUEUED, minutes_old=1, name="named")
    _age(Path(named.upload_path), 25)

    call_command("tasks_reap", "--json")

    assert json.loads(capsys.readouterr().out)["uploads_removed"] == 1
    assert {p.name for p in uploads.iterdir()} == {"in-flight.csv", "named.csv"}


def test_reaper_removes_stale_scratch_folders(project, outcomes, tmp_path, monkeypatch, capsys):
    import tempfile

    # given a killed worker's scratch folder (system temp) and DuckDB spill (kept dataset)
    system_tmp = tmp_path / "tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    old_work = system_tmp / "cmepath-dataset-abc123"
    (old_work / ".duckdb-spill-x").mkdir(parents=True)
    (old_work / "orders.parquet").write_bytes(b"rows")
    _age(old_work, 30)
    new_work = system_tmp / "cmepath-dataset-now"
    new_work.mkdir()
    kept = outcomes / "projects" / str(project.pk) / "datasets" / "9"
    spill = kept / ".duckdb-spill-old"
    spill.mkdir(parents=True)
    (spill / "scratch.duckdb").write_bytes(b"x")
    _age(spill, 30)
    (kept / "orders.parquet").write_bytes(b"kept rows")
    unrelated = system_tmp / "someone-else"
    unrelated.mkdir()
    _age(unrelated, 30)

    call_command("tasks_reap", "--json")

    assert json.loads(capsys.readouterr().out)["scratch_removed"] == 2
    assert not old_work.exists() and not spill.exists()
    assert new_work.exists() and unrelated.exists()
    assert (kept / "orders.parquet").read_bytes() == b"kept rows"


def test_files_older_than_is_configurable(project, outcomes, capsys):
    orphan = outcomes / "uploads" / "killed.csv"
    orphan.write_bytes(b"x")
    _age(orphan, 2)

    call_command("tasks_reap", "--json")
    assert json.loads(capsys.readouterr().out)["uploads_removed"] == 0

    call_command("tasks_reap", "--json", "--files-older-than", "1")
    assert json.loads(capsys.readouterr().out)["uploads_removed"] == 1
    assert not orphan.exists()

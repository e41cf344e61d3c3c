"""Recovery after a killed upload or worker: stranded datasets and left-over files.

``cmepath tasks_reap`` calls :func:`outcomes_recover` every few minutes, after it has put
back the tasks of dead workers. A killed process leaves behind what its ``finally`` would
have removed:

- a dataset QUEUED or PROCESSING whose ``process_dataset`` task has failed or is gone (a
  crash the task could not record, a lost enqueue): nothing will ever finish it, so it is
  marked FAILED with a message saying to upload again, its raw upload and any partial
  kept rows are deleted, and the decision is audited;
- raw uploads in ``outcomes_dir()/uploads`` that no dataset row names (the upload request
  was killed before its row was saved);
- scratch folders: ``cmepath-dataset-*`` in the system temp folder and DuckDB's
  ``.duckdb-spill-*`` under kept datasets.

Files are only removed once older than ``files_older_than`` (24 hours by default), so an
upload being written or a dataset being processed right now is never touched; a dataset is
only judged once older than ``datasets_older_than`` (15 minutes).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cmepath.core.services import audit_record
from cmepath.outcomes.choices import DatasetStatus
from cmepath.outcomes.models import Dataset

from .datasets import outcomes_dir

PROCESS_TASK = "cmepath.outcomes.tasks.process_dataset"
DEFAULT_DATASETS_OLDER_THAN = timedelta(minutes=15)
DEFAULT_FILES_OLDER_THAN = timedelta(hours=24)
WORK_DIR_PREFIX = "cmepath-dataset-"  # datasets.dataset_process's scratch folders
SPILL_PREFIX = ".duckdb-spill-"  # ingest.duck.connect's scratch folders
STRANDED_MESSAGE = (
    "Processing stopped before it finished (its background task failed or was lost); the "
    "upload was deleted. Please upload the file again."
)


@dataclass
class RecoveryReport:
    """What one recovery pass did."""

    datasets_failed: list[int] = field(default_factory=list)
    uploads_removed: int = 0
    scratch_removed: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "datasets_failed": self.datasets_failed,
            "uploads_removed": self.uploads_removed,
            "scratch_removed": self.scratch_removed,
        }


def _live_task_dataset_ids(ids: list[int]) -> set[int]:
    """Of ``ids``, the datasets with a processing task still READY or RUNNING."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    live: set[int] = set()
    rows = DBTaskResult.objects.filter(
        task_path=PROCESS_TASK,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    wanted = set(ids)
    for args_kwargs in rows.iterator():
        args = (args_kwargs or {}).get("args") or []
        kwargs = (args_kwargs or {}).get("kwargs") or {}
        dataset_id = args[0] if args else kwargs.get("dataset_id")
        if isinstance(dataset_id, int) and dataset_id in wanted:
            live.add(dataset_id)
    return live


def _kept_dir(dataset: Dataset) -> Path:
    return outcomes_dir() / "projects" / str(dataset.project_id) / "datasets" / str(dataset.pk)


def datasets_fail_stranded(*, older_than: timedelta = DEFAULT_DATASETS_OLDER_THAN) -> list[int]:
    """Mark FAILED every dataset QUEUED or PROCESSING for longer than ``older_than`` whose
    processing task is neither waiting nor running; return their ids."""
    cutoff = timezone.now() - older_than
    candidates = list(
        Dataset.objects.filter(
            status__in=[DatasetStatus.QUEUED, DatasetStatus.PROCESSING], created_at__lte=cutoff
        ).only("pk", "project_id", "upload_path", "status")
    )
    if not candidates:
        return []
    live = _live_task_dataset_ids([d.pk for d in candidates])
    failed: list[int] = []
    for dataset in candidates:
        if dataset.pk in live:
            continue
        with transaction.atomic():
            updated = Dataset.objects.filter(
                pk=dataset.pk, status__in=[DatasetStatus.QUEUED, DatasetStatus.PROCESSING]
            ).update(
                status=DatasetStatus.FAILED,
                stage="failed",
                message=STRANDED_MESSAGE,
                upload_path="",
                kept_rows=False,
                rows_path="",
                finished_at=timezone.now(),
            )
            if not updated:  # finished meanwhile
                continue
            audit_record(
                actor=None,
                action="outcomes.dataset_stranded",
                target=dataset,
                detail={"status_was": dataset.status},
            )
        if dataset.upload_path:
            Path(dataset.upload_path).unlink(missing_ok=True)
        shutil.rmtree(_kept_dir(dataset), ignore_errors=True)  # partial rows, if any
        failed.append(dataset.pk)
    return failed


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.lstat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def uploads_remove_orphans(*, older_than: timedelta = DEFAULT_FILES_OLDER_THAN) -> int:
    """Delete raw uploads older than ``older_than`` that no dataset row names."""
    folder = outcomes_dir() / "uploads"
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    named = {
        Path(p).resolve()
        for p in Dataset.objects.exclude(upload_path="").values_list("upload_path", flat=True)
    }
    removed = 0
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            continue
        if _older_than(path, cutoff) and path.resolve() not in named:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def scratch_remove_stale(*, older_than: timedelta = DEFAULT_FILES_OLDER_THAN) -> int:
    """Delete processing scratch folders older than ``older_than`` (a killed worker's)."""
    cutoff = time.time() - older_than.total_seconds()
    folders = list(Path(tempfile.gettempdir()).glob(f"{WORK_DIR_PREFIX}*"))
    projects = outcomes_dir() / "projects"
    if projects.is_dir():
        folders += projects.glob(f"*/datasets/*/{SPILL_PREFIX}*")
    removed = 0
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink() and _older_than(folder, cutoff):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def outcomes_recover(
    *,
    datasets_older_than: timedelta = DEFAULT_DATASETS_OLDER_THAN,
    files_older_than: timedelta = DEFAULT_FILES_OLDER_THAN,
) -> RecoveryReport:
    """One recovery pass: stranded datasets first (which frees their uploads), then files."""
    report = RecoveryReport()
    report.datasets_failed = datasets_fail_stranded(older_than=datasets_older_than)
    report.uploads_removed = uploads_remove_orphans(older_than=files_older_than)
    report.scratch_removed = scratch_remove_stale(older_than=files_older_than)
    return report

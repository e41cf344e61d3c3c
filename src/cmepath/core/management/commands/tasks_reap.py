"""``cmepath tasks_reap``: recover from killed workers and uploads.

Requeues tasks left RUNNING by a worker that died; then marks failed the QI datasets whose
processing task failed or was lost, and removes raw uploads and scratch folders that a
killed process left behind (``outcomes.services.recovery``); and ends the undo windows past
their time (``core.undo.undo_purge``), so the copies of deleted files an undo held are gone
within minutes of the window, not at the next deletion.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cmepath.core.taskqueue import DEFAULT_STALE_AFTER, tasks_requeue_stale
from cmepath.core.undo import undo_purge
from cmepath.outcomes.services.recovery import DEFAULT_FILES_OLDER_THAN, outcomes_recover


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


class Command(BaseCommand):
    help = (
        "Put tasks RUNNING for longer than --older-than seconds back in the queue (their worker "
        "died), fail datasets whose processing task is gone, remove left-over upload files and "
        "end the undo windows past their time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(DEFAULT_STALE_AFTER.total_seconds()),
            help="seconds a task may run (or a dataset wait) before it counts as stranded "
            "(default 900)",
        )
        parser.add_argument(
            "--files-older-than",
            type=float,
            default=DEFAULT_FILES_OLDER_THAN.total_seconds() / 3600,
            help="hours after which an upload no dataset names, or a scratch folder, is "
            "removed (default 24)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = timedelta(seconds=max(0, options["older_than"]))
        count = tasks_requeue_stale(older_than=stale)
        report = outcomes_recover(
            datasets_older_than=stale,
            files_older_than=timedelta(hours=max(0.0, options["files_older_than"])),
        )
        ended = undo_purge()
        if options["json"]:
            self.stdout.write(
                json.dumps({"requeued": count, **report.as_dict(), "undo_ended": ended})
            )
            return
        self.stdout.write(f"Requeued {_plural(count, 'stranded task')}.")
        if report.datasets_failed:
            ids = ", ".join(str(pk) for pk in report.datasets_failed)
            self.stdout.write(
                f"Marked {_plural(len(report.datasets_failed), 'stranded dataset')} failed: {ids}."
            )
        if report.uploads_removed or report.scratch_removed:
            self.stdout.write(
                f"Removed {_plural(report.uploads_removed, 'left-over upload')} and "
                f"{_plural(report.scratch_removed, 'scratch folder')}."
            )
        if ended:
            self.stdout.write(f"Ended {_plural(ended, 'undo window')} past their time.")

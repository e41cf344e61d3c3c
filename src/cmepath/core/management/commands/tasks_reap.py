"""``cmepath tasks_reap``: requeue tasks left RUNNING by a worker that died."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cmepath.core.taskqueue import DEFAULT_STALE_AFTER, tasks_requeue_stale


class Command(BaseCommand):
    help = "Put tasks RUNNING for longer than --older-than seconds back in the queue (their worker died)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(DEFAULT_STALE_AFTER.total_seconds()),
            help="seconds a task may run before it counts as stranded (default 900)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        count = tasks_requeue_stale(older_than=timedelta(seconds=max(0, options["older_than"])))
        if options["json"]:
            self.stdout.write(json.dumps({"requeued": count}))
        else:
            self.stdout.write(f"Requeued {count} stranded task{'s' if count != 1 else ''}.")

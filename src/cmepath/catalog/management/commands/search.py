"""``cmepath search reindex [--json]``: rebuild the search index from the database.

The index is derived data (docs/search.md): this builds a complete new index beside the
live one and swaps it in, so web processes keep answering while it runs. Exit 1 when
another process is writing the index.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.catalog.services import search_reindex_all
from cmepath.search import WriterBusy


class Command(BaseCommand):
    help = "Search tools. 'reindex' rebuilds the activity index from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{reindex}")
        re_ = sub.add_parser("reindex", help="Rebuild the search index from the database.")
        re_.add_argument("--json", action="store_true", help="Print the result as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        as_json = bool(options["json"])
        console = Console(stderr=True, quiet=as_json)
        started = time.perf_counter()
        try:
            with Progress(
                TextColumn("indexing activities"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task("activities", total=None)
                count = search_reindex_all(
                    lambda done, total: bar.update(task, completed=done, total=total)
                )
        except WriterBusy as exc:
            raise CommandError(str(exc), returncode=1) from None
        seconds = round(time.perf_counter() - started, 2)
        if as_json:
            self.stdout.write(
                json.dumps({"doc_type": "activity", "indexed": count, "seconds": seconds})
            )
        else:
            self.stdout.write(
                f"indexed {count} activities in {seconds}s into {settings.CMEPATH_SEARCH_DIR}"
            )

"""``cmepath search reindex [DOCTYPE] [--json]``: rebuild search indexes from the database.

Every registered doc type (``search/registry.py``), or the one named. An index is derived
data (docs/search.md): each is built complete beside the live one and swapped in, so web
processes keep answering while it runs. Exit 2 for a doc type no app declares (the
accepted names are listed); exit 1 when another process is writing an index. ``--json``
prints ``{"doc_type": name (or null for several), "indexed": documents in all,
"doc_types": {name: documents}, "seconds": s}``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.core.management.commands._progress import rich_progress
from cmepath.search import WriterBusy
from cmepath.search.backends import search_root
from cmepath.search.registry import UnknownDocType
from cmepath.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Search tools. 'reindex [DOCTYPE]' rebuilds the search indexes from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{reindex}")
        re_ = sub.add_parser("reindex", help="Rebuild the search indexes from the database.")
        re_.add_argument(
            "doc_type", nargs="?", default=None, help="Only this doc type (default: every one)."
        )
        re_.add_argument("--json", action="store_true", help="Print the result as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options["json"])
        started = time.perf_counter()
        try:
            with rich_progress(enabled=not as_json, stream=self.stderr) as progress:
                counts = search_index_rebuild(doc_type=options["doc_type"], progress=progress)
        except UnknownDocType as exc:
            raise CommandError(str(exc), returncode=2) from None
        except WriterBusy as exc:
            raise CommandError(str(exc), returncode=1) from None
        seconds = round(time.perf_counter() - started, 2)
        if as_json:
            only = next(iter(counts)) if len(counts) == 1 else None
            result = {
                "doc_type": only,
                "indexed": sum(counts.values()),
                "doc_types": counts,
                "seconds": seconds,
            }
            self.stdout.write(json.dumps(result))
            return
        for name, count in counts.items():
            self.stdout.write(f"indexed {count} {name} documents")
        self.stdout.write(f"done in {seconds}s into {search_root()}")

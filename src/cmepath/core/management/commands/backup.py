"""``cmepath backup DIR``: database, media, outcomes data and badge key, with a signed manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.core.backup import backup_create
from cmepath.core.errors import DomainError

from ._progress import rich_progress


class Command(BaseCommand):
    help = (
        "Back up the database, MEDIA_ROOT, the outcomes data and the badge signing key into a "
        "new directory, with a signed manifest (restore with `cmepath restore DIR`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a new or empty directory")
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with rich_progress(enabled=not options["json"], stream=self.stderr) as progress:
                result = backup_create(
                    directory=options["directory"], alias=options["database"], progress=progress
                )
        except DomainError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, **exc.as_dict()}))
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, **result.as_dict()}))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {result.engine} database, {result.media_files} media files, "
                f"{result.outcomes_files} outcomes files"
                f"{' and the badge signing key' if result.badge_key else ''} "
                f"({result.bytes:,} bytes) to {result.directory} in {result.seconds:.1f}s."
            )
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))

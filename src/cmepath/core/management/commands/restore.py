"""``cmepath restore DIR``: check the signature and every checksum, then restore it all."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.core.backup import backup_restore, backup_verify
from cmepath.core.errors import DomainError

from ._progress import rich_progress


class Command(BaseCommand):
    help = (
        "Restore the database, MEDIA_ROOT, the outcomes data and the badge signing key from a "
        "`cmepath backup` directory. The manifest's signature and every checksum are verified "
        "first; on any mismatch nothing is changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="check the backup, restore nothing"
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="do not ask for confirmation (the current data is replaced)",
        )
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        try:
            if options["verify_only"]:
                manifest = backup_verify(directory=options["directory"])
                payload = {
                    "ok": True,
                    "verified": len(manifest["files"]),
                    "engine": manifest["engine"],
                    "created_at": manifest["created_at"],
                }
                self.stdout.write(
                    json.dumps(payload)
                    if as_json
                    else self.style.SUCCESS(
                        f"Backup intact: {payload['verified']} files verified ({manifest['engine']}, "
                        f"made {manifest['created_at']})."
                    )
                )
                return
            if not options["yes"]:
                if as_json or not sys.stdin.isatty():
                    raise CommandError(
                        "Restore replaces the current database and media; pass --yes to confirm."
                    )
                answer = input(
                    f"Replace the current database, media, outcomes data and badge key with "
                    f"{options['directory']}? [y/N] "
                )
                if answer.strip().lower() not in {"y", "yes"}:
                    raise CommandError("Restore cancelled; nothing was changed.")
            with rich_progress(enabled=not as_json, stream=self.stderr) as progress:
                result = backup_restore(
                    directory=options["directory"], alias=options["database"], progress=progress
                )
        except DomainError as exc:
            if as_json:
                self.stdout.write(json.dumps({"ok": False, **exc.as_dict()}))
            raise CommandError(exc.message) from exc
        if as_json:
            self.stdout.write(json.dumps({"ok": True, **result.as_dict()}))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {result.engine} database, {result.media_files} media files, "
                f"{result.outcomes_files} outcomes files"
                f"{' and the badge signing key' if result.badge_key else ''} from "
                f"{result.directory} in {result.seconds:.1f}s."
            )
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))

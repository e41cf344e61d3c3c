"""``cmepath catalog import FILE [--format csv|json|pars] [--provider NAME] [--json]``.

Imports activities through the same service as the provider's upload page. Rows are
matched on (provider, provider activity ID), so running it twice changes nothing. Without
``--provider`` every row names its provider in a ``provider`` column (created if missing,
with the row's ``accreditor``). Exit 2 when the file is unusable (nothing imported); exit 0
otherwise, with the rejected rows listed (line and reason).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.catalog.choices import Accreditor
from cmepath.catalog.importers import FORMATS, ImportFileError, guess_format
from cmepath.catalog.models import Provider
from cmepath.catalog.services import ImportReport, activity_import, provider_create
from cmepath.core.errors import DomainError
from cmepath.core.management.commands._progress import rich_progress


class Command(BaseCommand):
    help = (
        "Catalog tools. 'import FILE' loads activities from CSV, JSON or PARS tab-delimited text."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{import}")
        imp = sub.add_parser(
            "import",
            help="Import activities (upsert on the provider activity ID).",
            description="Import activities from a file; see docs/catalog-import.md.",
        )
        imp.add_argument("file", help="Path of the CSV, JSON or PARS (.txt) file.")
        imp.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="File format (default: from the extension; .txt is PARS).",
        )
        imp.add_argument(
            "--provider",
            default=None,
            help="Import every row for this provider (created if missing).",
        )
        imp.add_argument(
            "--accreditor",
            choices=Accreditor.values,
            default="",
            help="Accreditor of a provider created by --provider.",
        )
        imp.add_argument("--json", action="store_true", help="Print the report as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        fmt = options["format"] or guess_format(path.name)
        if fmt is None:
            raise CommandError(
                f"cannot tell the format of {path.name}; pass --format csv|json|pars", returncode=2
            )
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from None
        provider = None
        if options["provider"]:
            provider = Provider.objects.filter(name__iexact=options["provider"].strip()).first()
            if provider is None:
                try:
                    provider = provider_create(
                        actor=None, name=options["provider"], accreditor=options["accreditor"]
                    )
                except DomainError as exc:
                    raise CommandError(exc.message, returncode=2) from None
        as_json = bool(options["json"])
        try:
            report = self._run(raw, fmt, provider, path.name, quiet=as_json)
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}", returncode=2) from None
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        self.stdout.write(
            f"{path.name}: {report.rows} rows, {report.created} added, {report.updated} updated, "
            f"{report.rejected} rejected"
        )
        for err in sorted(report.errors, key=lambda e: e.line):
            self.stdout.write(f"  line {err.line}: {err.reason}")
        if report.rejected > len(report.errors):
            self.stdout.write(f"  ... and {report.rejected - len(report.errors)} more")

    def _run(
        self, raw: bytes, fmt: str, provider: Provider | None, name: str, *, quiet: bool
    ) -> ImportReport:
        with rich_progress(enabled=not quiet, stream=self.stderr) as progress:
            return activity_import(
                source=raw,
                file_format=fmt,
                provider=provider,
                filename=name,
                create_providers=provider is None,
                progress=progress,
            )

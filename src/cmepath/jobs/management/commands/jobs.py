"""``cmepath jobs``: import, export, expire and alerts.

- ``import FILE [--format csv|json|jsonld] --employer ID [--publish] [--json]``: vacancies
  from a file, through the same services as the employer pages. Records with an employer
  reference already on file update that vacancy. Bad records are rejected one by one with
  their line and reason; nothing of a rejected record is saved. ``--publish`` (operators)
  submits and publishes each saved vacancy, with the same checks (verified employer, pay
  law). Exit 2 when the file is unusable, 1 when every record was rejected, else 0.
- ``export [--format csv|json|jsonld] [--employer ID] [--output FILE]``: published vacancies
  (JSON-LD: one JobPosting per vacancy, as on the vacancy pages).
- ``expire [--json]``: close every published vacancy past its expiry date (cron, daily).
- ``alerts [--json]``: e-mail saved searches that are due (cron, hourly).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.core.management.commands._progress import rich_progress
from cmepath.jobs.choices import Setting


def _completed(fields: dict[str, Any], setting: str | None) -> dict[str, Any]:
    """A record with what a JobPosting leaves out filled in: the profession its SOC code
    names, and the ``--setting`` given (never a guess: without it such a record is
    rejected with the reason)."""
    from cmepath.jobs.reference import profession_for_soc

    out = dict(fields)
    if not out.get("profession") and out.get("soc_code"):
        profession = profession_for_soc(str(out["soc_code"]))
        if profession:
            out["profession"] = profession
    if not out.get("setting") and setting:
        out["setting"] = setting
    return out


class Command(BaseCommand):
    help = "Careers tools: import, export, expire, alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{import,export,expire,alerts}"
        )
        imp = sub.add_parser("import", help="Import vacancies from CSV, JSON or JSON-LD.")
        imp.add_argument("file", help="Path of the .csv, .json or .jsonld file.")
        imp.add_argument("--format", choices=("csv", "json", "jsonld"), default=None)
        imp.add_argument("--employer", type=int, required=True, help="Employer id.")
        imp.add_argument(
            "--publish", action="store_true", help="Submit and publish each saved vacancy."
        )
        imp.add_argument(
            "--setting",
            choices=Setting.values,
            default=None,
            help="Setting of records that give none (JobPosting JSON-LD has no such property).",
        )
        imp.add_argument("--json", action="store_true", help="Print the report as JSON.")
        exp = sub.add_parser("export", help="Export published vacancies.")
        exp.add_argument("--format", choices=("csv", "json", "jsonld"), default="json")
        exp.add_argument("--employer", type=int, default=None, help="Only this employer's.")
        exp.add_argument("--output", default="-", help="File to write (default: standard output).")
        for name, text in (
            ("expire", "Close published vacancies past their expiry date."),
            ("alerts", "E-mail the saved searches that are due."),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    # -------------------------------------------------------------- import

    def _import(self, options: dict[str, Any]) -> None:
        from cmepath.core.roles import Role
        from cmepath.jobs.formats import FileFormatError, guess_format, read_records
        from cmepath.jobs.models import Employer
        from cmepath.jobs.services import vacancy_import

        path = Path(options["file"])
        fmt = options["format"] or guess_format(path.name)
        if fmt is None:
            raise CommandError(
                f"cannot tell the format of {path.name}; pass --format csv|json|jsonld",
                returncode=2,
            )
        employer = Employer.objects.filter(pk=options["employer"]).first()
        if employer is None:
            raise CommandError(
                f"no employer with id {options['employer']}; see the admin's employer list",
                returncode=2,
            )
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from None
        try:
            records, errors = read_records(raw, fmt)
        except FileFormatError as exc:
            raise CommandError(f"{path.name}: {exc}", returncode=2) from None
        from django.contrib.auth import get_user_model

        operator = (
            get_user_model().objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        )
        as_json = bool(options["json"])
        with rich_progress(enabled=not as_json, stream=self.stderr) as progress:
            total = len(records)
            report = vacancy_import(
                actor=operator,
                employer=employer,
                records=((r.line, _completed(r.fields, options["setting"])) for r in records),
                publish=bool(options["publish"]),
                progress=lambda n: progress("import", n, total),
            )
        report.rejected = sorted(
            [*report.rejected, *((e.line, e.reason) for e in errors)], key=lambda x: x[0]
        )
        if as_json:
            self.stdout.write(json.dumps({"file": path.name, **report.as_dict()}))
        else:
            self.stdout.write(
                f"{path.name}: {report.created} added, {report.updated} updated, "
                f"{report.published} published, {len(report.rejected)} rejected"
            )
            for line, reason in report.rejected:
                self.stdout.write(f"  line {line}: {reason}")
        if report.rejected and not (report.created or report.updated):
            sys.exit(1)

    # -------------------------------------------------------------- export

    def _export(self, options: dict[str, Any]) -> None:
        from cmepath.jobs.selectors import export_rows

        data = export_rows(employer_id=options["employer"], fmt=options["format"])
        if options["output"] == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            try:
                Path(options["output"]).write_bytes(data)
            except OSError as exc:
                raise CommandError(
                    f"cannot write {options['output']}: {exc}", returncode=2
                ) from None

    # -------------------------------------------------------------- expire / alerts

    def _expire(self, options: dict[str, Any]) -> None:
        from cmepath.jobs.services import vacancy_expire_due

        count = vacancy_expire_due(actor=None)
        if options["json"]:
            self.stdout.write(json.dumps({"expired": count}))
        else:
            self.stdout.write(f"{count} vacanc{'y' if count == 1 else 'ies'} expired")

    def _alerts(self, options: dict[str, Any]) -> None:
        from cmepath.jobs.services import alert_send_due

        report = alert_send_due()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"due": report.searches, "sent": report.sent, "vacancies": report.vacancies}
                )
            )
        else:
            self.stdout.write(
                f"{report.searches} saved searches due, {report.sent} e-mails sent "
                f"({report.vacancies} vacancies)"
            )

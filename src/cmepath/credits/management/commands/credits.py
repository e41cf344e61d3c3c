"""``credits`` management command: check one clinician's records against the rules.

    manage.py credits check --profile PROFILE.json --records RECORDS.json [--as-of DATE] [--json]
    manage.py credits check-all          (needs the web app database; wired by the services)

``check`` uses only the pure engine: no database, no system checks. Bad input ends with a
one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import json
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cmepath.credits.rules import (
    Evaluation,
    InputError,
    RuleFileError,
    check_completions,
    completions_from_json,
    evaluate,
    evaluation_to_json,
    profile_from_json,
)

_STATUS_STYLE = {
    "met": "[green]met[/green]",
    "at_risk": "[yellow]at risk[/yellow]",
    "unmet": "[red]unmet[/red]",
    "not_applicable": "[dim]n/a[/dim]",
}


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _read_json(path_text: str, what: str) -> Any:
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(f"{what} file not found: {path_text}") from None
    except OSError as exc:
        raise _fail(f"cannot read {what} file {path_text}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{what} file {path_text} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--as-of: '{text}' is not a valid date (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Check CME/CE records against licence, board, certification and federal rules."
    requires_system_checks: list[str] = []  # pure engine: no models, no database
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="{check,check-all}")
        sub.required = True
        check = sub.add_parser("check", help="evaluate one profile and its records (no database)")
        check.add_argument("--profile", required=True, help="profile JSON file")
        check.add_argument("--records", required=True, help="records (completions) JSON file")
        check.add_argument("--as-of", dest="as_of", help="evaluation date YYYY-MM-DD (default: today)")
        check.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        check.add_argument(
            "--at-risk-days", dest="at_risk_days", type=int, default=90,
            help="an unmet requirement due within this many days is 'at risk' (default 90)",
        )
        check_all = sub.add_parser("check-all", help="evaluate every clinician in the database")
        check_all.add_argument("--json", dest="as_json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "check-all":
            self._check_all(options)
            return
        self._check(options)

    def _check(self, options: dict[str, Any]) -> None:
        as_of = _parse_date(options["as_of"]) if options.get("as_of") else timezone.localdate()
        profile_data = _read_json(options["profile"], "profile")
        records_data = _read_json(options["records"], "records")
        try:
            profile = profile_from_json(profile_data)
            completions = completions_from_json(records_data)
            check_completions(completions, as_of)
            evaluation = evaluate(profile, completions, as_of, at_risk_days=options["at_risk_days"])
        except (InputError, RuleFileError) as exc:
            raise _fail(str(exc)) from None
        if options["as_json"]:
            self.stdout.write(json.dumps(evaluation_to_json(evaluation), indent=2))
        else:
            self._print_table(evaluation)

    def _check_all(self, options: dict[str, Any]) -> None:
        try:  # imported lazily: the service needs the database, `check` must not
            services = importlib.import_module("cmepath.credits.services")
            run_check_all = services.run_check_all
        except (ImportError, AttributeError):
            raise _fail("check-all needs the web app database") from None
        run_check_all(stdout=self.stdout, as_json=options["as_json"])

    def _print_table(self, evaluation: Evaluation) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=cast(IO[str], self.stdout), width=120, highlight=False)
        console.print(f"Requirements as of {evaluation.as_of.isoformat()}")
        if not evaluation.regimes:
            console.print("No rule applies to this profile (check licences and certifications).")
        for regime in evaluation.regimes:
            cycle = (
                f"cycle {regime.cycle_start} to {regime.cycle_end}"
                if regime.cycle_end
                else "one-time"
            )
            title = f"{regime.name} ({regime.regime_id}): {_STATUS_STYLE[regime.status]}, {cycle}"
            if regime.cure_until:
                title += f", cure period to {regime.cure_until}"
            table = Table(title=title, title_justify="left", expand=True)
            table.add_column("Requirement", ratio=3)
            table.add_column("Status", no_wrap=True)
            table.add_column("Hours", justify="right", no_wrap=True)
            table.add_column("Deadline", no_wrap=True)
            table.add_column("Why", ratio=4)
            for req in regime.requirements:
                hours = (
                    "-"
                    if req.status == "not_applicable"
                    else f"{req.hours_counted:g}/{req.hours_needed:g}"
                )
                table.add_row(
                    req.label,
                    _STATUS_STYLE[req.status],
                    hours,
                    req.deadline.isoformat() if req.deadline else "-",
                    req.reason_not_applicable or req.explanation,
                )
            console.print(table)
            console.print(f"Source: {regime.source_url} (as of {regime.as_of})", style="dim")

"""``credits`` management command: check one clinician's records against the rules.

    manage.py credits check --profile PROFILE.json --records RECORDS.json [--as-of DATE] [--json]
    manage.py credits coverage [--update docs/credits-engine.md]   (the rules' coverage table)
    manage.py credits check-all [--as-of DATE] [--json] [--workers N]
    manage.py credits verify-badge FILE [--json]       (exit 0 valid, 1 invalid or tampered)
    manage.py credits issue-badge COMPLETION_ID --out FILE
    manage.py credits send-reminders [--today DATE]
    manage.py credits digest [--today DATE]            (weekly digest, once per ISO week)

``check`` and ``coverage`` use only the pure engine: no database, no system checks. Bad input ends with a
one-line message on stderr and exit code 2. The other subcommands need the database; they
import the services lazily so ``check`` stays database-free. The command does the printing
(and ``check-all``'s progress bar on a terminal); the services only return results.
"""

from __future__ import annotations

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
    "not_covered": "[bold magenta]not covered[/bold magenta]",
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


def _positive_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise _fail(f"--at-risk-days: '{text}' is not a positive whole number of days")
    return days


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
        sub = parser.add_subparsers(
            dest="subcommand",
            metavar="{check,coverage,check-all,verify-badge,issue-badge,send-reminders,digest}",
        )
        sub.required = True
        check = sub.add_parser("check", help="evaluate one profile and its records (no database)")
        check.add_argument("--profile", required=True, help="profile JSON file")
        check.add_argument("--records", required=True, help="records (completions) JSON file")
        check.add_argument(
            "--as-of", dest="as_of", help="evaluation date YYYY-MM-DD (default: today)"
        )
        check.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        check.add_argument(
            "--at-risk-days",
            dest="at_risk_days",
            default="90",
            help="an unmet requirement due within this many days is 'at risk' (default 90)",
        )
        coverage = sub.add_parser(
            "coverage", help="the rules' coverage: jurisdiction x licence type, boards, DEA"
        )
        coverage.add_argument(
            "--update",
            metavar="FILE",
            help="rewrite the table between the coverage markers of FILE (docs/credits-engine.md)",
        )
        check_all = sub.add_parser("check-all", help="evaluate every clinician in the database")
        check_all.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        check_all.add_argument(
            "--as-of", dest="as_of", help="evaluation date YYYY-MM-DD (default: today)"
        )
        check_all.add_argument(
            "--workers",
            type=int,
            default=None,
            help="worker processes (default: CPU count for large populations)",
        )
        verify = sub.add_parser(
            "verify-badge", help="check an Open Badges 3.0 credential's signature and content"
        )
        verify.add_argument("file", help="the credential JSON file")
        verify.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        issue = sub.add_parser(
            "issue-badge", help="export a completion as a signed Open Badges 3.0 credential"
        )
        issue.add_argument("completion_id", type=int)
        issue.add_argument("--out", required=True, help="file to write ('-' for standard output)")
        remind = sub.add_parser(
            "send-reminders", help="email clinicians 90, 30 and 7 days before a deadline"
        )
        remind.add_argument("--today", help="pretend today is YYYY-MM-DD (default: today)")
        digest = sub.add_parser(
            "digest",
            help="email the weekly digest to clinicians who turned it on (once per ISO week)",
        )
        digest.add_argument("--today", help="pretend today is YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "coverage": self._coverage,
            "check-all": self._check_all,
            "verify-badge": self._verify_badge,
            "issue-badge": self._issue_badge,
            "send-reminders": self._send_reminders,
            "digest": self._digest,
        }
        handlers.get(options["subcommand"], self._check)(options)

    def _check(self, options: dict[str, Any]) -> None:
        as_of = _parse_date(options["as_of"]) if options.get("as_of") else timezone.localdate()
        at_risk_days = _positive_days(str(options["at_risk_days"]))
        profile_data = _read_json(options["profile"], "profile")
        records_data = _read_json(options["records"], "records")
        try:
            profile = profile_from_json(profile_data)
            completions = completions_from_json(records_data)
            check_completions(completions, as_of)
            evaluation = evaluate(profile, completions, as_of, at_risk_days=at_risk_days)
        except (InputError, RuleFileError) as exc:
            raise _fail(str(exc)) from None
        if options["as_json"]:
            self.stdout.write(json.dumps(evaluation_to_json(evaluation), indent=2))
        else:
            self._print_table(evaluation)

    def _coverage(self, options: dict[str, Any]) -> None:
        from cmepath.credits.rules import coverage_markdown, coverage_table, default_rules
        from cmepath.credits.rules.coverage import MARKER_START, replace_between_markers

        try:
            table = coverage_markdown(coverage_table(default_rules()))
        except RuleFileError as exc:
            raise _fail(str(exc)) from None
        target = options.get("update")
        if not target:
            self.stdout.write(table, ending="")
            return
        path = Path(target)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot read {target}: {exc.strerror}") from None
        if MARKER_START not in text:
            raise _fail(f"{target} has no {MARKER_START} marker")
        path.write_text(replace_between_markers(text, table), encoding="utf-8")
        self.stdout.write(f"updated the coverage table in {target}")

    def _check_all(self, options: dict[str, Any]) -> None:
        from cmepath.core.management.commands._progress import rich_progress

        try:  # imported lazily: the service needs the database, `check` must not
            from cmepath.credits.services import evaluation_run_all
        except ImportError:
            raise _fail("check-all needs the web app database") from None
        as_of = _parse_date(options["as_of"]) if options.get("as_of") else None
        if as_of is not None and as_of > timezone.localdate():
            raise _fail("--as-of cannot be in the future")
        as_json = options["as_json"]
        # The bar only on a terminal: logs of the nightly run stay one line.
        with rich_progress(
            enabled=not as_json and self.stderr.isatty(), stream=self.stderr
        ) as progress:
            result = evaluation_run_all(
                as_of=as_of, workers=options.get("workers"), progress=progress
            )
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))
        else:
            self.stdout.write(
                f"Evaluated {result['clinicians']} clinicians as of {result['as_of']} in {result['seconds']} s "
                f"({result['rate_per_s']}/s, {result['workers']} worker(s)): {result['met']} met, "
                f"{result['at_risk']} at risk, {result['unmet']} unmet, {result['no_rules']} with no rule."
            )

    def _verify_badge(self, options: dict[str, Any]) -> None:
        from cmepath.credits import services
        from cmepath.credits.badges import BadgeCheck, BadgeError, parse_badge_bytes

        path = Path(options["file"])
        try:
            result = services.badge_verify(document=parse_badge_bytes(path.read_bytes()))
        except FileNotFoundError:
            raise _fail(f"badge file not found: {options['file']}") from None
        except BadgeError as exc:
            result = BadgeCheck(False, str(exc))
        if options["as_json"]:
            self.stdout.write(
                json.dumps(
                    {"valid": result.valid, "reason": result.reason, "facts": result.facts},
                    indent=2,
                )
            )
        elif result.valid:
            facts = result.facts
            self.stdout.write(
                f"valid: {facts.get('name')} ({facts.get('creditsAvailable')} credits), "
                f"issued by {facts.get('issuer')} on {facts.get('validFrom')}"
            )
        else:
            self.stderr.write(f"invalid: {result.reason}")
        if not result.valid:
            raise CommandError(f"invalid: {result.reason}", returncode=1)

    def _issue_badge(self, options: dict[str, Any]) -> None:
        from cmepath.core.errors import DomainError
        from cmepath.credits import services
        from cmepath.credits.models import Completion

        completion = (
            Completion.objects.select_related("user").filter(pk=options["completion_id"]).first()
        )
        if completion is None:
            raise _fail(f"no completion with id {options['completion_id']}")
        try:  # the operator acts for the owner: the owner is the actor of record
            badge = services.badge_issue(actor=completion.user, completion=completion)
        except DomainError as exc:
            raise _fail(exc.message) from None
        text = json.dumps(badge, indent=2, ensure_ascii=False)
        if options["out"] == "-":
            self.stdout.write(text)
        else:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"wrote {options['out']}")

    def _send_reminders(self, options: dict[str, Any]) -> None:
        from cmepath.credits import services

        today = _parse_date(options["today"]) if options.get("today") else None
        sent = services.reminder_send_due(on=today)
        self.stdout.write(f"sent {sent} reminder email{'s' if sent != 1 else ''}")

    def _digest(self, options: dict[str, Any]) -> None:
        from cmepath.credits import services

        today = _parse_date(options["today"]) if options.get("today") else None
        sent = services.digest_send_weekly(on=today)
        self.stdout.write(f"sent {sent} weekly digest{'s' if sent != 1 else ''}")

    def _print_table(self, evaluation: Evaluation) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        console = Console(file=cast(IO[str], self.stdout), width=120, highlight=False)
        console.print(f"Requirements as of {evaluation.as_of.isoformat()}")
        if not evaluation.credentials:
            console.print(
                "This profile lists no licence, board certification or DEA registration: "
                "add them to see what each requires."
            )
        else:
            table = Table(title="Credentials", title_justify="left", expand=True)
            table.add_column("Credential", ratio=2)
            table.add_column("Status", no_wrap=True)
            table.add_column("Rules", ratio=3)
            for cred in evaluation.credentials:
                table.add_row(
                    escape(cred.label), _STATUS_STYLE[cred.status], escape(cred.explanation)
                )
            console.print(table)
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

"""``cmepath plan``: the optimal CME plan for a career goal, from files (no database).

    cmepath plan --profile PROFILE.json --catalog CATALOG.json|csv [--records RECORDS.json]
                 [--goal ID] [--budget N] [--days N] [--horizon-months N]
                 [--as-of YYYY-MM-DD] [--time-limit S] [--json]

The profile is the ``cmepath credits check`` profile plus optional ``career_goal`` (a goal
key or free text), ``cme_allowance`` (dollars per policy year), ``paid_cme_days`` (per
policy year), ``review_date`` and ``home_state``. ``--records`` takes the ``credits check``
records file (without it, nothing is counted as done yet). The catalog is a ``cmepath catalog
import`` file (CSV, JSON or PARS), each row checked by the importer's own record check;
rows are not written anywhere. Bad input ends with one line naming the field on stderr and
exit code 2. Format of the output: ``docs/planner.md``.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cmepath.core.progress import Progress, no_progress
from cmepath.core.vocabulary import STATES
from cmepath.credits.rules import (
    InputError,
    RuleFileError,
    check_completions,
    completions_from_json,
    default_rules,
    evaluate,
    profile_from_json,
)
from cmepath.planner.goals import (
    DEFAULT_GOAL,
    PlannerGoal,
    custom_goal,
    goal_keys,
    planner_goal,
)
from cmepath.planner.inputs import CatalogRow, PlanInputError, build_problem, prepare_catalog
from cmepath.planner.jsonio import result_json

#: Profile fields the planner adds to the ``credits check`` profile.
PLANNER_FIELDS = ("career_goal", "cme_allowance", "paid_cme_days", "review_date", "home_state")
DEFAULT_HORIZON = 24
MAX_HORIZON = 60
READ_STEP = "reading the catalog"


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _number(text: str, flag: str, *, whole: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (whole and value != int(value)):
        kind = "a whole number" if whole else "a number"
        raise _fail(f"{flag}: '{text}' is not {kind}")
    if value < 0:
        raise _fail(f"{flag}: {text} is negative; give 0 or more")
    return value


def _read_json(path_text: str, what: str) -> Any:
    try:
        text = Path(path_text).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(f"{what} file not found: {path_text}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {what} file {path_text}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{what} file {path_text} is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


# ------------------------------------------------------------------------ profile


@dataclass(frozen=True, slots=True)
class PlannerProfile:
    """The planner's extra profile fields, checked."""

    career_goal: str = ""
    cme_allowance: float | None = None
    paid_cme_days: float | None = None
    review_date: date | None = None
    home_state: str = ""


def planner_profile(data: Any) -> tuple[dict[str, Any], PlannerProfile]:
    """Split the profile JSON into the ``credits check`` part and the planner's fields."""
    if not isinstance(data, dict):
        raise _fail("profile: expected a JSON object")
    base = {k: v for k, v in data.items() if k not in PLANNER_FIELDS}
    goal = data.get("career_goal") or ""
    if not isinstance(goal, str):
        raise _fail("profile.career_goal: expected text (a goal key or a job title)")
    amounts: dict[str, float | None] = {}
    for name in ("cme_allowance", "paid_cme_days"):
        value = data.get(name)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise _fail(f"profile.{name}: expected a number of 0 or more, not {value!r}")
        amounts[name] = None if value is None else float(value)
    review = data.get("review_date")
    review_date = None
    if review is not None:
        try:
            review_date = date.fromisoformat(str(review))
        except ValueError:
            raise _fail(
                f"profile.review_date: '{review}' is not a valid date (use YYYY-MM-DD)"
            ) from None
    home = data.get("home_state") or ""
    if not isinstance(home, str) or (home and home.strip().upper() not in STATES):
        raise _fail(
            f"profile.home_state: unknown state code {home!r}; use a two-letter USPS code "
            "such as CA or TX"
        )
    return base, PlannerProfile(
        career_goal=goal.strip(),
        cme_allowance=amounts["cme_allowance"],
        paid_cme_days=amounts["paid_cme_days"],
        review_date=review_date,
        home_state=home.strip().upper(),
    )


def resolve_goal(flag: str | None, profile_goal: str, horizon: int) -> PlannerGoal:
    """``--goal`` (a template key) wins; else the profile's ``career_goal`` read like the
    catalog reads it (key, label, alias or competencies); else "stay current"."""
    keys = goal_keys()
    if flag is not None:
        if flag not in keys:
            near = difflib.get_close_matches(flag, keys, n=1, cutoff=0.5)
            hint = f"did you mean '{near[0]}'? " if near else ""
            raise _fail(f"--goal: unknown career goal '{flag}': {hint}accepted: {', '.join(keys)}")
        return planner_goal(flag, horizon)
    if not profile_goal:
        return planner_goal(DEFAULT_GOAL, horizon)
    from cmepath.catalog.choices import career_goal

    found = career_goal(profile_goal)
    if found is None:
        raise _fail(
            f"profile.career_goal: '{profile_goal[:60]}' names no goal or competency we know; "
            f"use one of: {', '.join(keys)}"
        )
    if found.key:
        return planner_goal(found.key, horizon)
    return custom_goal(found.label, found.competencies, horizon)


# ------------------------------------------------------------------------ catalog


def read_catalog(path_text: str, progress: Progress = no_progress) -> list[CatalogRow]:
    """The catalog file's rows, each checked as ``cmepath catalog import`` checks it
    (``records.activity_record``); the first bad row stops with its line and field."""
    from cmepath.catalog.importers import ImportFileError, decode, guess_format, parse
    from cmepath.catalog.models import Provider
    from cmepath.catalog.records import RecordError, activity_record
    from cmepath.catalog.services.scoring import score_record

    path = Path(path_text)
    file_format = guess_format(path.name)
    if file_format is None:
        raise _fail(f"--catalog: {path.name} is not a .csv, .json or PARS (.txt) file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(f"catalog file not found: {path_text}") from None
    except OSError as exc:
        raise _fail(f"cannot read catalog file {path_text}: {exc.strerror}") from None
    total = max(1, raw.count(b"\n"))
    rows: dict[str, CatalogRow] = {}
    try:
        parsed = parse(decode(raw), file_format)
        for n, row in enumerate(parsed, start=1):
            if n % 2000 == 0:
                progress(READ_STEP, min(n, total), total)
            if row.data is None:
                raise _fail(f"catalog line {row.line}: {row.error}")
            try:
                record = activity_record(row.data)
            except RecordError as exc:
                raise _fail(f"catalog line {row.line}: {exc.field}: {exc.message}") from None
            # A file cannot prove an accreditation: one named is taken as valid.
            provider = Provider(
                name=record.provider_name or "file",
                accreditor=record.accreditor,
                accreditation_valid=bool(record.accreditor),
            )
            rows[record.provider_activity_id] = CatalogRow(
                id=record.provider_activity_id,
                title=record.title,
                start=record.start_date,
                end=record.end_date,
                cost=float(record.cost),
                delivery=record.delivery,
                format=record.format,
                state=record.state,
                value_score=score_record(record, provider).total,
                credits={c.credit_type: float(c.amount) for c in record.credits},
                topics=frozenset(record.topics),
                competencies=frozenset(record.competencies),
                professions=frozenset(record.professions),
                pi_component=record.pi_component,
            )
    except ImportFileError as exc:
        raise _fail(f"catalog file {path.name}: {exc.message}") from None
    progress(READ_STEP, total, total)
    if not rows:
        raise _fail(f"catalog file {path.name}: no activities in it")
    return list(rows.values())


class Command(BaseCommand):
    help = "Plan CME for a career goal within budget, paid days and deadlines (files, no database)."
    requires_system_checks: list[str] = []  # files only: no database
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, help="profile JSON file")
        parser.add_argument(
            "--catalog", required=True, help="catalog file (catalog import CSV, JSON or PARS)"
        )
        parser.add_argument("--records", help="records JSON file (credits check format)")
        parser.add_argument(
            "--goal", help=f"career goal key (default: the profile's, else {DEFAULT_GOAL})"
        )
        parser.add_argument("--budget", help="dollars per policy year (default: cme_allowance)")
        parser.add_argument("--days", help="paid CME days per policy year (default: paid_cme_days)")
        parser.add_argument(
            "--horizon-months",
            dest="horizon_months",
            default=str(DEFAULT_HORIZON),
            help=f"months to plan (1-{MAX_HORIZON}, default {DEFAULT_HORIZON})",
        )
        parser.add_argument("--as-of", dest="as_of", help="plan start YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--time-limit", dest="time_limit", default="5", help="solver seconds (default 5)"
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from cmepath.core.management.commands._progress import rich_progress
        from cmepath.planner.solver import greedy, solve

        horizon = int(_number(options["horizon_months"], "--horizon-months", whole=True))
        if not 1 <= horizon <= MAX_HORIZON:
            raise _fail(f"--horizon-months: {horizon} is outside 1-{MAX_HORIZON} months")
        time_limit = _number(options["time_limit"], "--time-limit")
        if time_limit <= 0:
            raise _fail("--time-limit: give a positive number of seconds")
        try:
            as_of = (
                date.fromisoformat(options["as_of"])
                if options.get("as_of")
                else timezone.localdate()
            )
        except ValueError:
            raise _fail(
                f"--as-of: '{options['as_of']}' is not a valid date (use YYYY-MM-DD)"
            ) from None
        base, extra = planner_profile(_read_json(options["profile"], "profile"))
        records = _read_json(options["records"], "records") if options.get("records") else []
        rules = default_rules()
        try:
            profile = profile_from_json(base)
            completions = completions_from_json(records)
            check_completions(completions, as_of)
            evaluation = evaluate(profile, completions, as_of, rules)
        except (InputError, RuleFileError) as exc:
            raise _fail(str(exc)) from None
        goal = resolve_goal(options.get("goal"), extra.career_goal, horizon)
        money = (
            _number(options["budget"], "--budget")
            if options.get("budget") is not None
            else (extra.cme_allowance or 0.0)
        )
        days = (
            _number(options["days"], "--days")
            if options.get("days") is not None
            else (extra.paid_cme_days or 0.0)
        )
        as_json = bool(options["as_json"])
        with rich_progress(enabled=not as_json, stream=self.stderr, single=True) as progress:
            rows = read_catalog(options["catalog"], progress)
            try:
                problem = build_problem(
                    profile=profile,
                    evaluation=evaluation,
                    rules=rules,
                    catalog=prepare_catalog(rows),
                    goal=goal,
                    money=money,
                    days=days,
                    horizon_months=horizon,
                    as_of=as_of,
                    home_state=extra.home_state,
                    review_date=extra.review_date,
                    time_limit_s=time_limit,
                    progress=progress,
                )
            except PlanInputError as exc:
                raise _fail(str(exc)) from None
        result = solve(problem)
        baseline = greedy(problem)
        doc = result_json(
            result,
            greedy=baseline,
            goal=goal,
            as_of=as_of,
            horizon_end=problem.horizon_end,
            money=money,
            days=days,
            candidates=len(problem.candidates),
        )
        if as_json:
            self.stdout.write(json.dumps(doc, indent=2))
        else:
            self._print(doc)

    def _print(self, doc: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=cast(IO[str], self.stdout), width=max(100, Console().width))
        goal = doc["goal"]
        console.print(
            f"[bold]{goal['label']}[/bold]: {doc['as_of']} to {doc['horizon_end']}, "
            f"${doc['budget_per_year']:,.0f} and {doc['days_per_year']:g} paid days a year"
        )
        status = {
            "optimal": "[green]optimal[/green]",
            "within_gap": "[green]within 1% of optimal[/green]",
            "time_limit": "[yellow]best found in the time limit[/yellow]",
            "infeasible": "[red]infeasible[/red]",
        }[doc["status"]]
        console.print(
            f"Plan: {status}; value {doc['objective']:.2f} (bound {doc['bound']:.2f}, "
            f"greedy {doc['greedy_objective']:.2f})"
        )
        table = Table(show_lines=False)
        for col, kw in (
            ("Start", {}),
            ("End", {}),
            ("Activity", {"overflow": "fold"}),
            ("Cost", {"justify": "right"}),
            ("Days", {"justify": "right"}),
            ("Why", {"overflow": "fold"}),
        ):
            table.add_column(col, **kw)  # type: ignore[arg-type]
        for item in doc["items"]:
            table.add_row(
                item["start_date"],
                item["end_date"],
                f"{item['title']} ({item['activity_id']})",
                f"${item['cost']:,.0f}",
                f"{item['days']:g}",
                item["why"],
            )
        table.add_row(
            "",
            "",
            "[bold]Total[/bold]",
            f"${doc['totals']['cost']:,.0f}",
            f"{doc['totals']['days']:g}",
            "",
        )
        console.print(table)
        cover = Table(title="Coverage")
        cover.add_column("Requirement or competency", overflow="fold")
        cover.add_column("Planned", justify="right")
        cover.add_column("Target", justify="right")
        for c in doc["coverage"]["needs"]:
            cover.add_row(c["label"], f"{c['planned']:g} h", f"{c['target']:g} h")
        for c in doc["coverage"]["competencies"]:
            cover.add_row(c["label"], f"{c['planned']:g} h", f"{c['target']:g} h")
        console.print(cover)
        for sentence in doc["explanation"]:
            console.print(f"- {sentence}", markup=False, highlight=False)
        if goal["credential"]:
            cred = goal["credential"]
            console.print(f"Leads to: {cred['name']} ({cred['source']})", markup=False)
            for r in cred["requirements"]:
                flag = " [verify]" if r["verify"] else ""
                console.print(f"  - {r['text']}{flag}", markup=False, highlight=False)

"""``cmepath outcomes``: outcome analytics from the command line.

Subcommands live in subparsers so that ``ingest`` and ``measure`` can be added beside
``analyze``. The command is thin: it parses arguments, calls the statistics engine and
prints (human text by default, ``--json`` for machines). Bad input exits with code 2 and
a message, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.outcomes.stats.analyze import METHODS, AnalyzeOptions, analyze
from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.its import FAMILIES
from cmepath.outcomes.stats.series import load_series_csv
from cmepath.outcomes.stats.spc import CHART_TYPES


class Command(BaseCommand):
    help = "Outcome analytics: analyze a measure series (pre/post, SPC, ITS, DiD)."
    requires_system_checks: list[str] = []  # reads a CSV; needs no database or app checks
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="subcommands")
        analyze_parser = sub.add_parser(
            "analyze",
            help="analyze a series CSV",
            description="Analyze a series CSV with a period column (YYYY-MM, YYYY-MM-DD or integer).",
        )
        a = analyze_parser.add_argument
        a("--series", required=True, metavar="SERIES.csv", help="CSV with a 'period' column")
        a("--method", required=True, choices=METHODS)
        a("--chart", choices=CHART_TYPES, help="SPC chart type (default: run)")
        a("--outcome", metavar="COL", help="column with the count or value")
        a("--denominator", metavar="COL", help="trials (p, np, p′, proportions) or units (u)")
        a("--offset", metavar="COL", help="exposure column; its log is an offset in count models")
        a("--baseline-end", metavar="PERIOD", help="last baseline period (SPC limits frozen on it)")
        a("--intervention", metavar="PERIOD", help="first post-intervention period")
        a("--family", choices=FAMILIES, default="gaussian", help="ITS model family")
        a("--seasonality", type=int, default=0, metavar="N", help="ITS: N sin/cos pairs")
        a("--period-length", type=int, default=12, metavar="N", help="ITS: season length")
        a("--no-slope-change", action="store_true", help="ITS: fit the level change only")
        a("--group", metavar="COL", help="DiD: column holding treated/control (or 1/0)")
        a("--unit", metavar="COL", help="cluster id (clinic, clinician, ...)")
        a("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "analyze":
            self._analyze(options)

    def _analyze(self, options: dict[str, Any]) -> None:
        try:
            table = load_series_csv(options["series"])
            result = analyze(
                table,
                AnalyzeOptions(
                    method=options["method"],
                    chart=options.get("chart"),
                    outcome=options.get("outcome"),
                    denominator=options.get("denominator"),
                    offset=options.get("offset"),
                    baseline_end=options.get("baseline_end"),
                    intervention=options.get("intervention"),
                    family=options.get("family") or "gaussian",
                    seasonality=options.get("seasonality") or 0,
                    period_length=options.get("period_length") or 12,
                    slope_change=not options.get("no_slope_change", False),
                    group=options.get("group"),
                    unit=options.get("unit"),
                ),
            )
        except StatsInputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        data = result.to_dict()
        if options.get("json"):
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(result.sentence)
        for line in _details(data):
            self.stdout.write(line)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _details(data: dict[str, Any]) -> list[str]:
    """A few readable lines under the sentence; --json has everything."""
    lines: list[str] = []
    method = data.get("method")
    if method == "its":
        lines.append(
            f"  family {data['family']}, n {data['n']}, dispersion {_fmt(data['dispersion'])}"
        )
        for name, term in data["terms"].items():
            extra = (
                f", ratio {_fmt(term['ratio'])} {_fmt(term['ratio_ci'])}" if "ratio" in term else ""
            )
            lines.append(
                f"  {name}: {_fmt(term['estimate'])} (se {_fmt(term['se'])}, CI {_fmt(term['ci'])}){extra}"
            )
        ac = data["autocorrelation"]
        lines.append(
            f"  residual lag-1 autocorrelation {_fmt(ac['acf'][0])}, Ljung-Box p {_fmt(ac['ljung_box_p'])}"
        )
    elif method == "spc":
        lines.append("  period      value       center      lcl         ucl         signals")
        for p in data["points"]:
            cells = [
                _fmt(p[k]) if p[k] is not None else "-" for k in ("value", "center", "lcl", "ucl")
            ]
            lines.append(
                f"  {p['period']:<11} "
                + " ".join(f"{c:<11}" for c in cells)
                + " "
                + "; ".join(p["signals"])
            )
    elif method == "did":
        lines.append(
            f"  estimate {_fmt(data['estimate'])}, se {_fmt(data['se'])}, se_cluster {_fmt(data['se_cluster'])}, CI {_fmt(data['ci'])}"
        )
        for e in data["event_time"]:
            lines.append(
                f"  event time {e['event_time']:+d}: {_fmt(e['estimate'])} CI {_fmt(e['ci'])}"
            )
    elif method == "prepost":
        d = data["difference"]
        lines.append(
            f"  difference {_fmt(d['estimate'])} (se {_fmt(d['se'])}, CI {_fmt(d['ci'])}); {data['estimator']}"
        )
        if data["ratio"]:
            r = data["ratio"]
            lines.append(f"  ratio {_fmt(r['estimate'])} (CI {_fmt(r['ci'])})")
    lines.extend(f"  note: {n}" for n in data.get("notes", []))
    return lines

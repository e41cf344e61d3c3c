"""``cmepath outcomes``: outcome analytics from the command line.

Subcommands: ``ingest`` (CSV, Parquet or FHIR NDJSON to the normalized orders Parquet),
``measure`` (a YAML measure over that data to a unit x period series CSV) and
``analyze`` (statistics on a series). The command is thin: it parses arguments, calls the statistics engine and
prints (human text by default, ``--json`` for machines). Bad input exits with code 2 and
a message, never a traceback.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cmepath.core.management.commands._progress import rich_progress
from cmepath.outcomes.stats.analyze import METHODS, AnalyzeOptions, analyze
from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.its import FAMILIES
from cmepath.outcomes.stats.series import load_series_csv
from cmepath.outcomes.stats.spc import CHART_TYPES


class Command(BaseCommand):
    help = "Outcome analytics: ingest extracts, compute measures, analyze a series."
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

        ingest_parser = sub.add_parser(
            "ingest",
            help="normalize CSV, Parquet or FHIR NDJSON extracts into orders.parquet",
            description="Normalize extracts into DIR/orders.parquet (or DIR/series.csv for a "
            "pre-aggregated series). Bad lines are counted, listed and skipped.",
        )
        b = ingest_parser.add_argument
        b(
            "files",
            nargs="+",
            metavar="FILE",
            help="input files (FHIR: one NDJSON file per resource type)",
        )
        b("--format", required=True, choices=("csv", "parquet", "fhir"))
        b("--out", required=True, metavar="DIR", help="output folder")
        b(
            "--salt",
            metavar="HEX",
            help="patient-key salt (32+ hex chars); default: a new random one",
        )
        b("--json", action="store_true", help="print the ingest report as JSON")

        measure_parser = sub.add_parser(
            "measure",
            help="compute a YAML measure over normalized orders",
            description="Run a measure (a YAML file, or a shipped id such as uti-first-line) "
            "over DIR/*.parquet and write a unit x period series CSV.",
        )
        m = measure_parser.add_argument
        m("--data", required=True, metavar="DIR", help="folder (or file) with orders Parquet")
        m("--measure", required=True, metavar="MEASURE.yaml", help="measure file or shipped id")
        m("--engine", choices=("duckdb", "polars", "spark"), default="duckdb")
        m("--out", required=True, metavar="SERIES.csv")
        m("--json", action="store_true", help="print a JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "analyze":
            self._analyze(options)
        elif options["subcommand"] == "ingest":
            self._ingest(options)
        elif options["subcommand"] == "measure":
            self._measure(options)

    def _ingest(self, options: dict[str, Any]) -> None:
        import duckdb

        from cmepath.outcomes.ingest import REPORT_FILE, IngestError, ingest, new_salt

        salt = options.get("salt") or new_salt()
        out = Path(options["out"])
        quiet = bool(options.get("json"))
        try:
            with rich_progress(
                enabled=not quiet, stream=self.stderr, single=True, percent=True
            ) as update:
                report = ingest(
                    [Path(f) for f in options["files"]],
                    out,
                    fmt=options["format"],
                    salt=salt,
                    progress=update,
                )
        except IngestError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except duckdb.Error as exc:
            raise CommandError(
                f"the input cannot be read: {str(exc).splitlines()[0]}", returncode=2
            ) from None
        data = report.to_dict()
        data["salt_given"] = bool(options.get("salt"))
        (out / REPORT_FILE).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        if quiet:
            self.stdout.write(json.dumps(data, indent=2))
            return
        mb = report.bytes_read / 1e6
        self.stdout.write(
            f"{report.rows_written} {report.kind} rows written to {report.output} from {len(report.files)} "
            f"file(s), {mb:.1f} MB in {report.seconds:.1f} s; {report.skipped} skipped"
        )
        for kind, count in sorted(report.counts.items()):
            self.stdout.write(f"  {kind}: {count}")
        for p in report.problems[:20]:
            self.stdout.write(f"  {p.file}:{p.line}: {p.kind}: {p.detail}")
        if len(report.problems) > 20:
            self.stdout.write(f"  ... {report.skipped - 20} more in {out / REPORT_FILE}")
        for note in report.coarsened:
            self.stdout.write(f"  note: {note}")
        if not options.get("salt"):
            self.stdout.write(
                "  note: patient keys use a one-off random salt; pass --salt to link runs"
            )

    def _measure(self, options: dict[str, Any]) -> None:
        import duckdb

        from cmepath.outcomes.measures import (
            MeasureRunError,
            MeasureSpecError,
            load_measure,
            measure_by_id,
            run_measure,
            write_series_csv,
        )

        ref = options["measure"]
        started = time.perf_counter()
        try:
            spec = (
                load_measure(ref)
                if ref.endswith((".yaml", ".yml")) or "/" in ref
                else measure_by_id(ref)
            )
            rows = run_measure(spec, Path(options["data"]), engine=options["engine"])
        except (MeasureSpecError, MeasureRunError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        except duckdb.Error as exc:
            raise CommandError(
                f"the data cannot be read: {str(exc).splitlines()[0]}", returncode=2
            ) from None
        write_series_csv(rows, Path(options["out"]), spec)
        num = sum(r.numerator for r in rows)
        den = sum(r.denominator for r in rows)
        summary = {
            "measure": spec.id,
            "title": spec.title,
            "kind": spec.kind,
            "engine": options["engine"],
            "unit": spec.unit,
            "period": spec.period,
            "rows": len(rows),
            "units": len({r.unit for r in rows}),
            "periods": len({r.period for r in rows}),
            "numerator": num,
            "denominator": den,
            "overall": (num / den) if den else None,
            "out": options["out"],
            "seconds": round(time.perf_counter() - started, 3),
        }
        if options.get("json"):
            self.stdout.write(json.dumps(summary, indent=2))
            return
        overall = (
            "n/a"
            if den == 0
            else (f"{num / den:.1%}" if spec.kind == "proportion" else f"{num / den:.2f}")
        )
        self.stdout.write(
            f"{spec.title}: {len(rows)} unit x {spec.period} rows ({summary['units']} units, "
            f"{summary['periods']} periods) written to {options['out']}; overall {overall} "
            f"({int(num) if spec.kind == 'proportion' else round(num, 1)} / {den})"
        )

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

"""Compile a measure to an Ibis expression and run it on DuckDB, Spark or PostgreSQL.

``compile_measure(spec, orders)`` takes any Ibis table with the normalized orders schema
and returns an expression with one row per unit and period: ``unit``, ``period`` (the
first day of the period, a date), ``numerator`` and ``denominator``. For a mean measure
the numerator is the sum of the values and the denominator their count, so series add
up exactly across units. The same expression runs unchanged on every Ibis backend;
``run_measure`` connects to DuckDB (default), Polars (in-process, the fastest on one
machine in our benchmark) or a local Spark session.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from cmepath.outcomes.measures.spec import Filter, MeasureSpec

ENGINES = ("duckdb", "polars", "spark")
_TRUNC = {"week": "W", "month": "M", "quarter": "Q"}


class MeasureRunError(ValueError):
    """The data cannot be measured (missing file or columns); the message says why."""


def _condition(t: ir.Table, f: Filter) -> ir.BooleanValue | None:
    parts: list[ir.BooleanValue] = []
    if f.diagnosis is not None:
        # Codes of the systems never look alike (ICD-10-CM starts with a letter, SNOMED CT
        # is all digits; the loader checks every code's format, and ingest drops codes
        # that do not fit their system), so "system in (...) and code in (all codes)"
        # equals the per-system pairing and lets DuckDB push the system test into the scan.
        systems = f.diagnosis.systems()
        codes = sorted({c for s in systems for c in f.diagnosis.codes(s)})
        prefixes = sorted({p for s in systems for p in f.diagnosis.prefixes(s)})
        match: list[ir.BooleanValue] = [t.dx_code.isin(codes)] if codes else []
        match += [t.dx_code.startswith(p) for p in prefixes]
        any_match = match[0]
        for m in match[1:]:
            any_match = any_match | m
        system = t.dx_system == systems[0] if len(systems) == 1 else t.dx_system.isin(systems)
        parts.append(system & any_match)
    if f.drug is not None:
        parts.append(t.drug_code.isin(f.drug.codes("rxnorm")))
    if f.age_min is not None:
        parts.append(t.age >= f.age_min)
    if f.age_max is not None:
        parts.append(t.age <= f.age_max)
    if f.settings:
        parts.append(t.setting.isin(list(f.settings)))
    if not parts:
        return None
    cond = parts[0]
    for p in parts[1:]:
        cond = cond & p
    return cond


def compile_measure(spec: MeasureSpec, orders: ir.Table) -> ir.Table:
    """The measure as an Ibis expression over ``orders`` (normalized schema)."""
    t = orders
    population = _condition(t, spec.population)
    period = t.order_date.truncate(_TRUNC[spec.period])
    unit = t[spec.unit]
    base = t.filter(population) if population is not None else t
    if spec.kind == "mean":
        assert spec.value_column is not None
        value = base[spec.value_column].cast("float64")
        base = base.filter(value.notnull())
        value = base[spec.value_column].cast("float64")
        return base.group_by(
            unit=base[spec.unit], period=base.order_date.truncate(_TRUNC[spec.period])
        ).aggregate(numerator=value.sum(), denominator=value.count())
    assert spec.numerator is not None
    numerator = _condition(t, spec.numerator)
    if spec.count == "orders":
        hit = numerator if numerator is not None else ibis.literal(True)
        grouped = t.filter(population) if population is not None else t
        return grouped.group_by(unit=unit, period=period).aggregate(
            # ifelse, not cast: PostgreSQL refuses CAST(boolean AS bigint)
            numerator=hit.ifelse(1, 0).sum().cast("int64"),
            denominator=grouped.count(),
        )
    # patients: the population is distinct patients per unit and period; a patient counts
    # in the numerator with any numerator row in the same unit and period
    pop = base.select(unit=unit, period=period, patient_key=t.patient_key).distinct()
    num_rows = t.filter(numerator) if numerator is not None else t
    num = num_rows.select(unit=unit, period=period, patient_key=t.patient_key).distinct()
    num = num.mutate(hit=ibis.literal(1))
    joined = pop.left_join(num, ["unit", "period", "patient_key"])
    return joined.group_by(["unit", "period"]).aggregate(
        numerator=joined.hit.fill_null(0).sum().cast("int64"),
        denominator=joined.patient_key.count(),
    )


@dataclass(frozen=True)
class SeriesRow:
    unit: str
    period: str
    numerator: float
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def period_label(day: date, period: str) -> str:
    """Month and quarter as ``YYYY-MM`` (a quarter by its first month), a week by its
    Monday ``YYYY-MM-DD``: the forms the statistics engine reads."""
    if period == "week":
        return day.isoformat()
    return f"{day.year:04d}-{day.month:02d}"


def _rows(records: list[dict[str, Any]], spec: MeasureSpec) -> list[SeriesRow]:
    out = []
    for r in records:
        day = r["period"]
        if hasattr(day, "date") and not isinstance(day, date):
            day = day.date()
        elif hasattr(day, "to_pydatetime"):
            day = day.to_pydatetime().date()
        if isinstance(day, date) and not isinstance(day, type(None)) and hasattr(day, "hour"):
            day = day.date()  # type: ignore[attr-defined]
        num = float(r["numerator"] or 0)
        out.append(
            SeriesRow(
                str(r["unit"]),
                period_label(day, spec.period),
                num if spec.kind == "mean" else float(int(num)),
                int(r["denominator"]),
            )
        )
    out.sort(key=lambda s: (s.unit, s.period))
    return out


def _orders_path(data: Path) -> str:
    if data.is_file():
        return str(data)
    files = sorted(data.glob("*.parquet"))
    if not files:
        raise MeasureRunError(f"{data}: no Parquet files (run `cmepath outcomes ingest` first)")
    return str(data / "*.parquet")


def _check_columns(t: ir.Table, spec: MeasureSpec) -> None:
    needed = {"order_date", spec.unit}
    for f in (spec.population, spec.numerator):
        if f is None:
            continue
        if f.diagnosis is not None:
            needed |= {"dx_system", "dx_code"}
        if f.drug is not None:
            needed.add("drug_code")
        if f.age_min is not None or f.age_max is not None:
            needed.add("age")
        if f.settings:
            needed.add("setting")
    if spec.value_column:
        needed.add(spec.value_column)
    if spec.count == "patients":
        needed.add("patient_key")
    missing = sorted(needed - set(t.columns))
    if missing:
        raise MeasureRunError(
            f"the data lacks column(s) {', '.join(missing)} that measure {spec.id!r} needs"
        )


def run_measure(
    spec: MeasureSpec,
    data: Path,
    *,
    engine: str = "duckdb",
    spark: Any = None,
    threads: int | None = None,
) -> list[SeriesRow]:
    """Run ``spec`` over the orders Parquet in ``data`` (a file or a folder)."""
    if engine not in ENGINES:
        raise MeasureRunError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}")
    path = _orders_path(Path(data))
    if engine == "duckdb":
        con = ibis.duckdb.connect(threads=threads) if threads else ibis.duckdb.connect()
        try:
            t = con.read_parquet(path)
            _check_columns(t, spec)
            table = con.to_pyarrow(compile_measure(spec, t))
        finally:
            con.disconnect()
    elif engine == "polars":
        pcon = ibis.polars.connect()
        t = pcon.read_parquet(path)
        _check_columns(t, spec)
        table = pcon.to_pyarrow(compile_measure(spec, t))
    else:
        session = spark or spark_session()
        con = ibis.pyspark.connect(session)
        t = con.read_parquet(path)
        _check_columns(t, spec)
        table = con.to_pyarrow(compile_measure(spec, t))
    return _rows(table.to_pylist(), spec)


def run_measure_on_postgres(spec: MeasureSpec, data: Path, *, url: str) -> list[SeriesRow]:
    """Run ``spec`` unchanged on PostgreSQL: the orders are loaded into a temporary table.

    In a warehouse the orders already live in a table: ``compile_measure(spec,
    con.table(name))`` is the same expression; this helper is how the tests prove it.
    """
    import uuid

    import pyarrow.dataset as ds

    con = ibis.connect(url)
    table = f"cmepath_measure_{uuid.uuid4().hex[:12]}"
    try:
        files = sorted(Path(data).glob("*.parquet")) if Path(data).is_dir() else [Path(data)]
        arrow = ds.dataset([str(f) for f in files], format="parquet").to_table()
        t = con.create_table(table, arrow)
        _check_columns(t, spec)
        out = con.to_pyarrow(compile_measure(spec, t))
    finally:
        # ibis 12's drop_table emits no table name on PostgreSQL; drop it ourselves.
        from psycopg import sql

        with con.begin() as cursor:
            cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        con.disconnect()
    return _rows(out.to_pylist(), spec)


def spark_session(app: str = "cmepath-measure") -> Any:
    """A local-mode Spark session (no downloads: the pyspark wheel ships the jars)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the install
        raise MeasureRunError(
            "the spark engine needs pyspark (pip install pyspark==4.0.1) and Java 17"
        ) from None
    return (
        SparkSession.builder.master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )


def write_series_csv(rows: list[SeriesRow], path: Path, spec: MeasureSpec) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["period", "unit", "numerator", "denominator", "rate"])
        for r in rows:
            num = f"{r.numerator:.6g}" if spec.kind == "mean" else str(int(r.numerator))
            rate = "" if r.rate is None else f"{r.rate:.6f}"
            w.writerow([r.period, r.unit, num, r.denominator, rate])

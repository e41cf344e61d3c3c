"""CSV and Parquet extracts to the normalized orders dataset (or a validated series).

The privacy guard looks at the column names and a sample of values first, and refuses
the whole file (with the list of offending columns) when any column holds identifiers it
cannot accept. Then DuckDB streams the file into ``orders.parquet``: dates parsed, ages
over 89 grouped as 90, codes checked against their system's format, the source patient
id replaced by the project's HMAC key. Rows that fail a check are counted, listed with
their line number and skipped.

A file with ``period``, ``unit`` and ``numerator`` columns is a pre-aggregated series
(``denominator`` or ``exposure`` next to them): it is checked the same way and written as
``series.csv`` without a measure step.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from cmepath.core.progress import FRACTION_UNITS, Progress, no_progress, of_fraction
from cmepath.outcomes.ingest import duck
from cmepath.outcomes.ingest.normalize import (
    CODE_PATTERNS,
    MAX_PROBLEMS,
    ORDERS_FILE,
    SERIES_FILE,
    SETTINGS,
    IngestError,
    IngestReport,
    Problem,
    RefusedError,
    age_band_sql,
    check_salt,
    hmac_sql,
)
from cmepath.outcomes.privacy import ColumnKind, guard_columns

SAMPLE_ROWS = 1000
# Columns an orders extract may have. Coded columns are checked by their code format
# (stricter than the free-text detectors), so their values are not sent to the guard.
ORDERS_ALLOWLIST: dict[str, ColumnKind] = {
    "order_date": "date",
    "unit": "category",
    "prescriber": "category",
    "patient_id": "id",
    "patient_key": "id",
    "age": "age",
    "age_band": "category",
    "setting": "category",
    "dx_system": "category",
    "dx_code": "category",
    "drug_system": "category",
    "drug_code": "category",
    "days_supply": "value",
}
CODED = frozenset({"dx_code", "drug_code"})
SERIES_ALLOWLIST: dict[str, ColumnKind] = {
    "period": "period",
    "unit": "category",
    "numerator": "value",
    "denominator": "count",
    "exposure": "value",
}
REQUIRED = ("order_date", "unit", "drug_code")


def _source(path: Path, fmt: str) -> str:
    q = duck.quote_path(path)
    if fmt == "csv":
        return f"read_csv({q}, all_varchar = true, header = true, auto_detect = true)"
    return f"read_parquet({q})"


def _columns(con: duckdb.DuckDBPyConnection, source: str, path: Path) -> list[str]:
    try:
        return [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
    except duckdb.Error as exc:
        raise IngestError(f"{path.name}: cannot be read ({str(exc).splitlines()[0]})") from None


def _sample(
    con: duckdb.DuckDBPyConnection, source: str, columns: list[str]
) -> list[dict[str, object]]:
    cols = ", ".join(f"CAST({duck.qident(c)} AS VARCHAR) AS {duck.qident(c)}" for c in columns)
    rel = con.execute(f"SELECT {cols} FROM {source} LIMIT {SAMPLE_ROWS}")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _distinct(con: duckdb.DuckDBPyConnection, source: str, column: str) -> list[dict[str, object]]:
    rows = con.execute(
        f"SELECT DISTINCT CAST({duck.qident(column)} AS VARCHAR) FROM {source} "
        f"WHERE {duck.qident(column)} IS NOT NULL LIMIT 5000"
    ).fetchall()
    return [{column: r[0]} for r in rows]


def guard_file(path: Path, fmt: str) -> tuple[str, list[str]]:
    """Run the privacy guard on a file; returns its kind (orders or series) and the list of
    coarsening notes. Raises RefusedError listing the offending columns."""
    with duckdb.connect() as con:
        source = _source(path, fmt)
        columns = _columns(con, source, path)
        lowered = [c.strip().lower() for c in columns]
        kind = "series" if {"period", "numerator"} <= set(lowered) else "orders"
        allow = SERIES_ALLOWLIST if kind == "series" else ORDERS_ALLOWLIST
        sample = _sample(con, source, columns)
        checked = [
            {k: v for k, v in row.items() if k.strip().lower() not in CODED} for row in sample
        ]
        for col in ("unit", "prescriber"):  # every distinct label, not just the sample
            if col in lowered:
                checked.extend(_distinct(con, source, columns[lowered.index(col)]))
    allowlist = {c: allow[c.strip().lower()] for c in columns if c.strip().lower() in allow}
    report = guard_columns(columns, checked, allowlist)
    if not report.ok:
        offending = sorted({f.column for f in report.refused})
        raise RefusedError(
            f"{path.name} was refused whole: the privacy guard cannot accept "
            f"{len(offending)} column(s): {', '.join(offending)}.\n{report.message()}",
            offending,
        )
    if kind == "orders":
        missing = [c for c in REQUIRED if c not in lowered]
        if "patient_id" not in lowered and "patient_key" not in lowered:
            missing.append("patient_id or patient_key")
        if missing:
            raise IngestError(f"{path.name}: missing required column(s): {', '.join(missing)}")
    else:
        if "unit" not in lowered or not ({"denominator", "exposure"} & set(lowered)):
            raise IngestError(
                f"{path.name}: a series needs period, unit, numerator and denominator (or exposure) columns"
            )
    notes = []
    for f in report.to_coarsen:
        if f.category == "date":
            notes.append(
                f"{f.column}: full dates only place an order in its period; rows keep them "
                "only in a limited data set under a data use agreement"
            )
        elif f.category == "age":
            notes.append(f"{f.column}: ages over 89 are stored as 90 (90+)")
        else:
            notes.append(f"{f.column}: {f.reason}")
    return kind, notes


def ingest_tabular(
    path: Path,
    out_dir: Path,
    *,
    fmt: str,
    salt: str,
    progress: Progress = no_progress,
) -> IngestReport:
    """One CSV or Parquet file to ``out_dir/orders.parquet`` (or ``series.csv``)."""
    if fmt not in {"csv", "parquet"}:
        raise IngestError(f"unknown format {fmt!r}; use csv or parquet")
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    check_salt(salt)
    started = time.perf_counter()
    kind, coarsened = guard_file(path, fmt)
    progress("privacy check passed", of_fraction(0.1), FRACTION_UNITS)
    report = IngestReport(
        format=fmt,
        kind=kind,
        files=[path.name],
        bytes_read=path.stat().st_size,
        coarsened=coarsened,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    with duck.connect(out_dir) as con:
        source = _source(path, fmt)
        columns = {c.strip().lower(): c for c in _columns(con, source, path)}
        first_line = 2 if fmt == "csv" else 1  # CSV line numbers count the header
        con.execute(
            f"CREATE TABLE src AS SELECT row_number() OVER () + {first_line - 1} AS line_no, * FROM {source}"
        )
        progress("reading", of_fraction(0.5), FRACTION_UNITS)
        if kind == "series":
            _series(con, columns, out_dir, report)
        else:
            _orders(con, columns, out_dir, salt, report, progress)
        report.lines_read = int(con.execute("SELECT count(*) FROM src").fetchone()[0])  # type: ignore[index]
    report.seconds = time.perf_counter() - started
    progress("done", of_fraction(1.0), FRACTION_UNITS)
    return report


def _col(columns: dict[str, str], name: str, default: str = "NULL") -> str:
    return f"CAST({duck.qident(columns[name])} AS VARCHAR)" if name in columns else default


def _orders(
    con: duckdb.DuckDBPyConnection,
    columns: dict[str, str],
    out_dir: Path,
    salt: str,
    report: IngestReport,
    progress: Progress,
) -> None:
    pid = _col(columns, "patient_id") if "patient_id" in columns else _col(columns, "patient_key")
    age_raw = f"try_cast({_col(columns, 'age')} AS DOUBLE)"
    dx = f"trim({_col(columns, 'dx_code')})"
    drug = f"trim({_col(columns, 'drug_code')})"
    dx_sys_given = f"lower(trim({_col(columns, 'dx_system')}))"
    dx_sys = (
        f"CASE WHEN {dx} IS NULL OR {dx} = '' THEN NULL "
        f"WHEN {dx_sys_given} IN ('icd10cm', 'icd-10-cm', 'snomed', 'sct') THEN "
        f"CASE WHEN {dx_sys_given} IN ('snomed', 'sct') THEN 'snomed' ELSE 'icd10cm' END "
        f"WHEN regexp_full_match({dx}, '[0-9]+') THEN 'snomed' ELSE 'icd10cm' END"
    )
    settings = ", ".join(f"'{s}'" for s in SETTINGS)
    date_raw = _col(columns, "order_date")
    con.execute(
        f"""
        CREATE TABLE rows AS
        SELECT line_no,
               coalesce(try_cast({date_raw} AS DATE), try_strptime({date_raw}, '%m/%d/%Y')::DATE) AS order_date,
               trim({_col(columns, "unit")}) AS unit,
               nullif(trim({_col(columns, "prescriber")}), '') AS prescriber,
               nullif(trim({pid}), '') AS pid,
               CASE WHEN {age_raw} IS NULL THEN NULL ELSE least(floor({age_raw}), 90)::SMALLINT END AS age,
               nullif(trim({_col(columns, "age_band")}), '') AS age_band_given,
               CASE WHEN lower(trim({_col(columns, "setting")})) IN ({settings})
                    THEN lower(trim({_col(columns, "setting")})) WHEN {_col(columns, "setting")} IS NULL THEN NULL
                    ELSE 'other' END AS setting,
               {dx_sys} AS dx_system,
               nullif({dx}, '') AS dx_code,
               'rxnorm' AS drug_system,
               {drug} AS drug_code,
               try_cast({_col(columns, "days_supply")} AS DOUBLE) AS days_supply,
               {date_raw} AS date_raw
        FROM src
        """
    )
    icd, sct, rx = (CODE_PATTERNS[k].pattern.strip("^$") for k in ("icd10cm", "snomed", "rxnorm"))
    con.execute(
        f"""
        CREATE TABLE checked AS
        SELECT *, {hmac_sql(salt, "pid")} AS patient_key,
               coalesce({age_band_sql("age")}, age_band_given) AS age_band,
               CASE
                 WHEN order_date IS NULL THEN 'bad_date'
                 WHEN unit IS NULL OR unit = '' THEN 'missing_unit'
                 WHEN pid IS NULL THEN 'missing_patient'
                 WHEN drug_code IS NULL OR drug_code = '' THEN 'missing_drug_code'
                 WHEN NOT regexp_full_match(drug_code, '{rx}') THEN 'invalid_code'
                 WHEN dx_system = 'icd10cm' AND NOT regexp_full_match(dx_code, '{icd}') THEN 'invalid_code'
                 WHEN dx_system = 'snomed' AND NOT regexp_full_match(dx_code, '{sct}') THEN 'invalid_code'
                 WHEN days_supply < 0 THEN 'bad_value'
               END AS problem
        FROM rows
        """
    )
    progress("checking rows", of_fraction(0.8), FRACTION_UNITS)
    details = {
        "bad_date": "order_date {} is not a date (use YYYY-MM-DD or MM/DD/YYYY)",
        "missing_unit": "unit is empty",
        "missing_patient": "patient id is empty",
        "missing_drug_code": "drug_code is empty",
        "invalid_code": "a diagnosis or drug code does not have its system's format",
        "bad_value": "days_supply is negative",
    }
    for kind, count in con.execute(
        "SELECT problem, count(*) FROM checked WHERE problem IS NOT NULL GROUP BY 1"
    ).fetchall():
        report.counts[str(kind)] = int(count)
    for line, kind, raw in con.execute(
        f"SELECT line_no, problem, date_raw FROM checked WHERE problem IS NOT NULL ORDER BY line_no LIMIT {MAX_PROBLEMS}"
    ).fetchall():
        report.problems.append(
            Problem(report.files[0], int(line), str(kind), details[str(kind)].format(repr(raw)))
        )
    target = out_dir / ORDERS_FILE
    con.execute(
        f"COPY (SELECT order_date, unit, prescriber, patient_key, age, age_band, setting, dx_system, dx_code, "
        f"drug_system, drug_code, days_supply FROM checked WHERE problem IS NULL ORDER BY unit, order_date) "
        f"TO {duck.quote_path(target)} (FORMAT parquet, COMPRESSION zstd)"
    )
    report.rows_written = int(
        con.execute("SELECT count(*) FROM checked WHERE problem IS NULL").fetchone()[0]  # type: ignore[index]
    )
    report.output = str(target)


def _series(
    con: duckdb.DuckDBPyConnection, columns: dict[str, str], out_dir: Path, report: IngestReport
) -> None:
    den = "denominator" if "denominator" in columns else "exposure"
    con.execute(
        f"""
        CREATE TABLE checked AS
        SELECT line_no, trim({_col(columns, "period")}) AS period, trim({_col(columns, "unit")}) AS unit,
               try_cast({_col(columns, "numerator")} AS DOUBLE) AS numerator,
               try_cast({_col(columns, den)} AS DOUBLE) AS denominator,
               CASE
                 WHEN NOT regexp_full_match(trim({_col(columns, "period")}), '\\d{{4}}-\\d{{2}}(-\\d{{2}})?|[+-]?\\d+') THEN 'bad_period'
                 WHEN try_cast({_col(columns, "numerator")} AS DOUBLE) IS NULL THEN 'bad_value'
                 WHEN try_cast({_col(columns, den)} AS DOUBLE) IS NULL THEN 'bad_value'
                 WHEN try_cast({_col(columns, den)} AS DOUBLE) <= 0 THEN 'zero_denominator'
               END AS problem,
               {_col(columns, "period")} AS raw
        FROM src
        """
    )
    details = {
        "bad_period": "period {} does not parse: use YYYY-MM, YYYY-MM-DD or an integer",
        "bad_value": "numerator or denominator is not a number",
        "zero_denominator": "the denominator is 0; a rate needs at least 1",
    }
    for kind, count in con.execute(
        "SELECT problem, count(*) FROM checked WHERE problem IS NOT NULL GROUP BY 1"
    ).fetchall():
        report.counts[str(kind)] = int(count)
    for line, kind, raw in con.execute(
        f"SELECT line_no, problem, raw FROM checked WHERE problem IS NOT NULL ORDER BY line_no LIMIT {MAX_PROBLEMS}"
    ).fetchall():
        report.problems.append(
            Problem(report.files[0], int(line), str(kind), details[str(kind)].format(repr(raw)))
        )
    target = out_dir / SERIES_FILE
    con.execute(
        f"COPY (SELECT period, unit, numerator, denominator FROM checked WHERE problem IS NULL ORDER BY unit, period) "
        f"TO {duck.quote_path(target)} (FORMAT csv, HEADER true)"
    )
    report.rows_written = int(
        con.execute("SELECT count(*) FROM checked WHERE problem IS NULL").fetchone()[0]  # type: ignore[index]
    )
    report.output = str(target)

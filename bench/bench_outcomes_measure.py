"""Benchmark `cmepath outcomes measure` (Ibis on DuckDB) against hand-written DuckDB SQL,
hand-written Polars lazy and pandas, on the same orders Parquet in the same run.

    python bench/bench_outcomes_measure.py [--rows 5000000] [--repeat 5]
    python bench/bench_outcomes_measure.py --rows 50000000      # the issue-5 size

The orders file is generated deterministically (DuckDB ``range`` + ``hash``) under
``bench/data/`` (git-ignored) and reused. The measure is the shipped ``uti-first-line``
(per clinic, per month), run through ``run_measure`` on the DuckDB (default) and Polars engines. Each contender returns the same unit x month table; the script
checks they agree before timing. Writes ``bench/results/outcomes_measure.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402

from cmepath.outcomes.measures import measure_by_id, run_measure  # noqa: E402
from cmepath.outcomes.measures.spec import load_valueset, shipped_dir  # noqa: E402

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
UNITS = 27


def _valueset(vs_id: str) -> Any:
    return load_valueset(shipped_dir() / "valuesets" / f"{vs_id}.yaml")


# The hand-written contenders re-implement the measure's logic but take its code lists from
# the shipped value sets (facts live in the data files): a value set fixed there cannot leave
# a stale copy here, which is how 2176 -> 2177 made this benchmark refuse to run.
FIRST = _valueset("uti-first-line-antibiotics").codes("rxnorm")
ANTIBIOTICS = sorted(set(FIRST) | set(_valueset("uti-antibiotics").codes("rxnorm")))
DRUGS = ANTIBIOTICS + ["83367", "36567", "197361", "310965", "860975", "6809"]  # + non-antibiotics
DX = [
    ("icd10cm", "N39.0"),
    ("icd10cm", "N30.00"),
    ("icd10cm", "N10"),
    ("snomed", "68566005"),
    ("icd10cm", "H66.90"),
    ("icd10cm", "J02.9"),
    ("icd10cm", "E11.9"),
    ("icd10cm", "I10"),
    ("snomed", "44054006"),
    ("icd10cm", "J06.9"),
]
_UTI = _valueset("uti-diagnoses")
UTI_ICD = _UTI.codes("icd10cm")
(UTI_ICD_PREFIX,) = _UTI.prefixes("icd10cm")  # one category (N30): the contenders test one prefix
UTI_SCT = _UTI.codes("snomed")


def generate(rows: int) -> Path:
    # named by the drug codes it draws from, so a changed value set makes new data
    path = (
        DATA / f"orders_{rows}_{hashlib.sha256(','.join(DRUGS).encode()).hexdigest()[:8]}.parquet"
    )
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    drugs = "[" + ",".join(f"'{d}'" for d in DRUGS) + "]"
    dx_sys = "[" + ",".join(f"'{s}'" for s, _ in DX) + "]"
    dx_code = "[" + ",".join(f"'{c}'" for _, c in DX) + "]"
    tmp = path.with_suffix(".tmp")
    duckdb.connect().execute(
        f"""
        COPY (
          SELECT DATE '2021-01-01' + CAST(hash(i, 1) % 1461 AS INTEGER) AS order_date,
                 'Clinic ' || lpad(CAST(hash(i, 2) % {UNITS} + 1 AS VARCHAR), 2, '0') AS unit,
                 'P' || lpad(CAST(hash(i, 3) % 400 AS VARCHAR), 3, '0') AS prescriber,
                 substr(sha256(CAST(i // 3 AS VARCHAR)), 1, 32) AS patient_key,
                 CAST(hash(i, 4) % 91 AS SMALLINT) AS age,
                 NULL::VARCHAR AS age_band,
                 CASE WHEN hash(i, 5) % 10 < 7 THEN 'ambulatory' WHEN hash(i, 5) % 10 < 9 THEN 'emergency' ELSE 'inpatient' END AS setting,
                 {dx_sys}[CAST(hash(i, 6) % {len(DX)} AS INTEGER) + 1] AS dx_system,
                 {dx_code}[CAST(hash(i, 6) % {len(DX)} AS INTEGER) + 1] AS dx_code,
                 'rxnorm' AS drug_system,
                 {drugs}[CAST(hash(i, 7) % {len(DRUGS)} AS INTEGER) + 1] AS drug_code,
                 CAST(5 + hash(i, 8) % 10 AS DOUBLE) AS days_supply
          FROM range({rows}) t(i)
          ORDER BY unit, order_date
        ) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
        """
    )
    tmp.rename(path)
    return path


def _in(values: list[str]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


def duckdb_sql(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    con = duckdb.connect()
    rows = con.execute(
        f"""
        SELECT unit, strftime(date_trunc('month', order_date), '%Y-%m') AS period,
               count(*) FILTER (WHERE drug_code IN {_in(FIRST)}) AS numerator, count(*) AS denominator
        FROM read_parquet('{path}')
        WHERE ((dx_system = 'icd10cm' AND (dx_code IN {_in(UTI_ICD)} OR starts_with(dx_code, '{UTI_ICD_PREFIX}')))
               OR (dx_system = 'snomed' AND dx_code IN {_in(UTI_SCT)}))
          AND drug_code IN {_in(ANTIBIOTICS)} AND age BETWEEN 0 AND 17
          AND setting IN ('ambulatory', 'emergency')
        GROUP BY ALL
        """
    ).fetchall()
    con.close()
    return {(u, p): (int(n), int(d)) for u, p, n, d in rows}


def _polars_filter() -> pl.Expr:
    dx = (
        (pl.col("dx_system") == "icd10cm")
        & (pl.col("dx_code").is_in(UTI_ICD) | pl.col("dx_code").str.starts_with(UTI_ICD_PREFIX))
    ) | ((pl.col("dx_system") == "snomed") & pl.col("dx_code").is_in(UTI_SCT))
    return (
        dx
        & pl.col("drug_code").is_in(ANTIBIOTICS)
        & pl.col("age").is_between(0, 17)
        & pl.col("setting").is_in(["ambulatory", "emergency"])
    )


def polars_lazy(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    out = (
        pl.scan_parquet(path)
        .filter(_polars_filter())
        .group_by("unit", pl.col("order_date").dt.truncate("1mo").alias("period"))
        .agg(
            pl.col("drug_code").is_in(FIRST).sum().alias("numerator"), pl.len().alias("denominator")
        )
        .collect()
    )
    return {(u, p.strftime("%Y-%m")): (int(n), int(d)) for u, p, n, d in out.iter_rows()}


def pandas_eager(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    cols = ["order_date", "unit", "age", "setting", "dx_system", "dx_code", "drug_code"]
    df = pd.read_parquet(path, columns=cols)
    dx = (
        (df.dx_system == "icd10cm")
        & (df.dx_code.isin(UTI_ICD) | df.dx_code.str.startswith(UTI_ICD_PREFIX, na=False))
    ) | ((df.dx_system == "snomed") & df.dx_code.isin(UTI_SCT))
    mask = (
        dx
        & df.drug_code.isin(ANTIBIOTICS)
        & df.age.between(0, 17)
        & df.setting.isin(["ambulatory", "emergency"])
    )
    sub = df.loc[mask, ["unit", "order_date", "drug_code"]]
    period = pd.to_datetime(sub.order_date).dt.strftime("%Y-%m")
    g = sub.assign(period=period, hit=sub.drug_code.isin(FIRST)).groupby(["unit", "period"])
    agg = g.agg(numerator=("hit", "sum"), denominator=("hit", "size"))
    return {(u, p): (int(n), int(d)) for (u, p), (n, d) in agg.iterrows()}


def ours(path: Path, engine: str = "duckdb") -> dict[tuple[str, str], tuple[int, int]]:
    spec = measure_by_id("uti-first-line")
    return {
        (r.unit, r.period): (int(r.numerator), r.denominator)
        for r in run_measure(spec, path, engine=engine)
    }


def ours_polars(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    return ours(path, "polars")


def _time(
    contenders: dict[str, Callable[[Path], Any]], path: Path, repeat: int
) -> dict[str, dict[str, float]]:
    """Run the contenders in turn, ``repeat`` rounds (pandas once), so that load from other
    processes on the machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(repeat):
        for name, fn in contenders.items():
            if name == "pandas" and round_ > 0:
                continue
            t = time.perf_counter()
            fn(path)
            times[name].append(time.perf_counter() - t)
    return {
        name: {
            "median": round(statistics.median(v), 4),
            "min": round(min(v), 4),
            "max": round(max(v), 4),
        }
        for name, v in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--skip-pandas", action="store_true", help="pandas needs ~10 GB at 50M rows"
    )
    args = parser.parse_args()
    t = time.perf_counter()
    path = generate(args.rows)
    print(
        f"data: {path.name} ({path.stat().st_size / 1e6:.0f} MB, {time.perf_counter() - t:.1f} s)"
    )
    contenders: dict[str, Callable[[Path], Any]] = {
        "cmepath_measure": ours,
        "cmepath_measure_polars": ours_polars,
        "duckdb_sql": duckdb_sql,
        "polars_lazy": polars_lazy,
    }
    if not args.skip_pandas:
        contenders["pandas"] = pandas_eager
    reference = duckdb_sql(path)
    for name, fn in contenders.items():
        if fn(path) != reference:
            raise SystemExit(f"{name} disagrees with hand-written DuckDB SQL")
    timings = _time(contenders, path, args.repeat)
    best = min(timings["duckdb_sql"]["median"], timings["polars_lazy"]["median"])
    ours_t = timings["cmepath_measure"]["median"]
    result = {
        "name": "outcomes_measure_uti_first_line",
        "size": args.rows,
        "unit": "s",
        "runs": args.repeat,
        "median": ours_t,
        "contenders": timings,
        "anchor": {"name": "faster of hand-written DuckDB SQL and Polars lazy", "median": best},
        "ratio": round(ours_t / best, 3),
        "ratio_duckdb_sql": round(ours_t / timings["duckdb_sql"]["median"], 3),
        "ratio_polars": round(ours_t / timings["polars_lazy"]["median"], 3),
        "ratio_pandas": round(ours_t / timings["pandas"]["median"], 3)
        if "pandas" in timings
        else None,
        "engine_polars": {
            "median": timings["cmepath_measure_polars"]["median"],
            "ratio": round(timings["cmepath_measure_polars"]["median"] / best, 3),
            "ratio_pandas": round(
                timings["cmepath_measure_polars"]["median"] / timings["pandas"]["median"], 3
            )
            if "pandas" in timings
            else None,
        },
        "target_ratio": 1.2,
        "cells": len(reference),
        "load_average": os.getloadavg(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "duckdb": duckdb.__version__,
            "polars": pl.__version__,
            "pandas": pd.__version__,
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.rows == 5_000_000 else f"_{args.rows}"
    (RESULTS / f"outcomes_measure{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    for name, tm in timings.items():
        print(f"{name:16s} median {tm['median']:.3f} s")
    print(
        f"measure --engine duckdb: ratio to the faster of DuckDB SQL / Polars {result['ratio']} "
        f"(target <= 1.2); to pandas {result['ratio_pandas']}"
    )
    print(
        f"measure --engine polars: ratio {result['engine_polars']['ratio']}; to pandas "
        f"{result['engine_polars']['ratio_pandas']}"
    )


if __name__ == "__main__":
    main()

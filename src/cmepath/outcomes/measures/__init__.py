"""Measures as data (YAML) compiled to Ibis: one definition for DuckDB, Spark, PostgreSQL."""

from cmepath.outcomes.measures.compile import (
    ENGINES,
    MeasureRunError,
    SeriesRow,
    compile_measure,
    run_measure,
    write_series_csv,
)
from cmepath.outcomes.measures.spec import (
    MeasureSpec,
    MeasureSpecError,
    ValueSet,
    load_measure,
    measure_by_id,
    shipped_measures,
)

__all__ = [
    "ENGINES",
    "MeasureRunError",
    "MeasureSpec",
    "MeasureSpecError",
    "SeriesRow",
    "ValueSet",
    "compile_measure",
    "load_measure",
    "measure_by_id",
    "run_measure",
    "shipped_measures",
    "write_series_csv",
]

"""Ingest: CSV, Parquet and FHIR R4 bulk NDJSON to one normalized orders dataset.

``ingest(files, out_dir, fmt=..., salt=...)`` is the one entry point (CLI, services,
tasks). Pure: DuckDB and pyarrow, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cmepath.core.progress import Progress, no_progress
from cmepath.outcomes.ingest.csv_parquet import guard_file, ingest_tabular
from cmepath.outcomes.ingest.fhir import ingest_fhir
from cmepath.outcomes.ingest.normalize import (
    ORDER_COLUMNS,
    ORDERS_FILE,
    ORDERS_SCHEMA,
    REPORT_FILE,
    SERIES_FILE,
    IngestError,
    IngestReport,
    RefusedError,
    new_salt,
    patient_key,
)

FORMATS = ("csv", "parquet", "fhir")

__all__ = [
    "FORMATS",
    "ORDERS_FILE",
    "ORDERS_SCHEMA",
    "ORDER_COLUMNS",
    "REPORT_FILE",
    "SERIES_FILE",
    "IngestError",
    "IngestReport",
    "RefusedError",
    "guard_file",
    "ingest",
    "new_salt",
    "patient_key",
]


def ingest(
    files: Sequence[Path],
    out_dir: Path,
    *,
    fmt: str,
    salt: str,
    progress: Progress = no_progress,
) -> IngestReport:
    """Normalize ``files`` into ``out_dir``. FHIR takes any number of NDJSON files (one
    per resource type, as bulk export writes them); CSV and Parquet take one file."""
    if fmt not in FORMATS:
        raise IngestError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not files:
        raise IngestError("give at least one file")
    if fmt == "fhir":
        return ingest_fhir([Path(f) for f in files], out_dir, salt=salt, progress=progress)
    if len(files) != 1:
        raise IngestError(f"{fmt} ingest takes one file at a time ({len(files)} given)")
    return ingest_tabular(Path(files[0]), out_dir, fmt=fmt, salt=salt, progress=progress)

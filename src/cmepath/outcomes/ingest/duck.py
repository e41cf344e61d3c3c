"""A DuckDB connection for ingest: bounded memory, spill to a temp directory, progress."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cmepath.core.progress import FRACTION_UNITS, Progress, of_fraction

DEFAULT_MEMORY_LIMIT = "1GB"  # peak RSS stays under 2 GB whatever the input size
IN_MEMORY_LIMIT = "1500MB"  # small inputs: tables in memory (faster), still under 2 GB RSS
IN_MEMORY_MAX_INPUT = 1300 * 10**6  # bytes of input up to which the in-memory mode fits


@contextmanager
def connect(
    work_dir: Path, *, memory_limit: str = DEFAULT_MEMORY_LIMIT, on_disk: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A scratch database in ``work_dir`` (deleted afterwards). ``on_disk``: tables live
    in a file and intermediates spill beside it past ``memory_limit``, so memory stays
    bounded whatever the input size (an in-memory database cannot evict its tables).
    Otherwise the tables stay in memory, which is faster for inputs that fit."""
    work_dir.mkdir(parents=True, exist_ok=True)
    spill = Path(tempfile.mkdtemp(prefix=".duckdb-spill-", dir=work_dir))
    database = str(spill / "scratch.duckdb") if on_disk else ":memory:"
    con = duckdb.connect(
        database,
        config={
            "memory_limit": memory_limit,
            "temp_directory": str(spill),
            "preserve_insertion_order": True,
        },
    )
    con.execute("SET enable_progress_bar = false")
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[object] | None = None,
    *,
    progress: Progress,
    low: float,
    high: float,
    stage: str,
) -> None:
    """Execute ``sql`` while a thread reports DuckDB's own progress between low and high."""
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            try:
                pct = con.query_progress()
            except (duckdb.Error, RuntimeError):
                return
            if pct is not None and pct >= 0:
                progress(
                    stage, of_fraction(low + (high - low) * min(pct, 100.0) / 100.0), FRACTION_UNITS
                )

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        con.execute(sql, params or [])
    finally:
        done.set()
        thread.join()
    progress(stage, of_fraction(high), FRACTION_UNITS)


def qident(name: str) -> str:
    """An identifier (a column name from a file header) as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_path(path: Path | str) -> str:
    """A file path as a SQL string literal (single quotes doubled)."""
    return "'" + str(path).replace("'", "''") + "'"

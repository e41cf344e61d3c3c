"""CSV activity files: a header row of field names (``docs/catalog-import.md``), then one
activity per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from cmepath.catalog.records import ALIASES, FIELDS, REQUIRED

from .rows import ImportFileError, ParsedRow


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def parse_csv(text: str) -> Iterator[ParsedRow]:
    """A header row of field names (``docs/catalog-import.md``), then one activity per row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(
            "The file is empty; it needs a header row and one row per activity."
        ) from None
    except csv.Error as exc:
        raise ImportFileError(f"The header row cannot be read: {exc}.") from None
    columns = [_column(h) for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in FIELDS]
    if unknown:
        raise ImportFileError(
            f"Unknown column(s) in the header: {', '.join(repr(u) for u in unknown[:10])}. "
            "See docs/catalog-import.md for the column names."
        )
    missing = [r for r in REQUIRED if r not in columns]
    if missing:
        raise ImportFileError(f"Required column(s) missing from the header: {', '.join(missing)}.")
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise ImportFileError(f"Column(s) appear twice in the header: {', '.join(dupes)}.")
    return _csv_rows(reader, columns)


def _csv_rows(reader: Any, columns: list[str]) -> Iterator[ParsedRow]:
    width = len(columns)
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ParsedRow(start, None, f"malformed CSV: {exc}")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != width:
            yield ParsedRow(line, None, f"malformed row: expected {width} fields, found {len(row)}")
            continue
        yield ParsedRow(line, dict(zip(columns, row, strict=True)))

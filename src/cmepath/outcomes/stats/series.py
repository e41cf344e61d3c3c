"""Load a series CSV and parse its ``period`` column into a typed table.

A period is ``YYYY-MM`` (a month), ``YYYY-MM-DD`` (a date) or an integer. Every row of
one file must use the same form. Each period gets a time index used by the models:

- months: months since the first month, plus 1 (so gaps in the data stay gaps);
- integers: the value minus the first value, plus 1;
- dates: if every date is the first of its month they are treated as months, otherwise
  the index is the rank of the date among the distinct dates (1, 2, ...).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from cmepath.outcomes.stats.errors import StatsInputError

PeriodKind = Literal["month", "date", "int"]
FloatArray = npt.NDArray[np.float64]

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_INT = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class ParsedPeriod:
    """One parsed period: its kind, a sortable key and its normalised label."""

    kind: PeriodKind
    key: int
    label: str


def parse_period(text: str) -> ParsedPeriod:
    """Parse ``YYYY-MM``, ``YYYY-MM-DD`` or an integer; raise StatsInputError otherwise."""
    value = text.strip()
    if m := _MONTH.match(value):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise StatsInputError(f"period {text!r}: month must be 01 to 12")
        return ParsedPeriod("month", year * 12 + month - 1, f"{year:04d}-{month:02d}")
    if m := _DATE.match(value):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise StatsInputError(f"period {text!r} is not a real date ({exc})") from None
        return ParsedPeriod("date", day.toordinal(), day.isoformat())
    if _INT.match(value):
        number = int(value)
        return ParsedPeriod("int", number, str(number))
    raise StatsInputError(f"period {text!r} does not parse: use YYYY-MM, YYYY-MM-DD or an integer")


@dataclass(frozen=True)
class SeriesTable:
    """Rows of a series CSV with parsed periods.

    ``labels`` and ``time`` have one entry per row, in file order. ``columns`` holds the
    other columns as raw strings; ``numeric`` and ``text`` read them with row-numbered
    error messages.
    """

    kind: PeriodKind
    labels: tuple[str, ...]
    keys: tuple[int, ...]
    time: tuple[int, ...]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)

    def has(self, name: str) -> bool:
        return name in self.columns

    def text(self, name: str) -> tuple[str, ...]:
        if name not in self.columns:
            known = ", ".join(sorted(self.columns)) or "none"
            raise StatsInputError(f"column {name!r} is not in the series (columns: {known})")
        return self.columns[name]

    def numeric(self, name: str, *, allow_missing: bool = False) -> FloatArray:
        """The column as floats; empty or NA cells become NaN only if allowed."""
        out = np.empty(len(self), dtype=np.float64)
        for i, raw in enumerate(self.text(name)):
            cell = raw.strip()
            if cell in {"", "NA", "NaN", "nan", "null"}:
                if not allow_missing:
                    raise StatsInputError(
                        f"column {name!r}, row {i + 2}: value is missing; fill it or drop the row"
                    )
                out[i] = math.nan
                continue
            try:
                out[i] = float(cell)
            except ValueError:
                raise StatsInputError(
                    f"column {name!r}, row {i + 2}: {raw!r} is not a number"
                ) from None
            if not math.isfinite(out[i]):
                raise StatsInputError(f"column {name!r}, row {i + 2}: {raw!r} is not finite")
        return out

    def time_of(self, text: str) -> int:
        """Time index of a period given on the command line (it must match the file's form)."""
        parsed = parse_period(text)
        kind = parsed.kind
        if kind != self.kind and not (kind == "date" and self.kind == "month"):
            raise StatsInputError(
                f"period {text!r} is a {kind} but the series periods are {self.kind}s"
            )
        key = _month_key(parsed) if self.kind == "month" else parsed.key
        by_key = dict(zip(self.keys, self.time, strict=True))
        if key in by_key:
            return by_key[key]
        if self.kind in {"month", "int"}:
            return key - min(self.keys) + 1
        later = [t for k, t in zip(self.keys, self.time, strict=True) if k >= key]
        return min(later) if later else max(self.time) + 1

    def one_row_per_period(self, method: str) -> None:
        seen: set[int] = set()
        for label, key in zip(self.labels, self.keys, strict=True):
            if key in seen:
                raise StatsInputError(
                    f"period {label} appears more than once; {method} needs one row per "
                    "period (aggregate the rows first, or give --unit for clustered data)"
                )
            seen.add(key)


def _month_key(parsed: ParsedPeriod) -> int:
    if parsed.kind == "month":
        return parsed.key
    day = date.fromordinal(parsed.key)
    return day.year * 12 + day.month - 1


def from_rows(rows: Sequence[Mapping[str, str]], *, period_column: str = "period") -> SeriesTable:
    """Build a table from dict rows (as ``csv.DictReader`` gives them)."""
    if not rows:
        raise StatsInputError("the series has no rows")
    names = list(rows[0].keys())
    if period_column not in names:
        raise StatsInputError(
            f"the series needs a {period_column!r} column (found: {', '.join(names)})"
        )
    parsed = [parse_period(row[period_column] or "") for row in rows]
    kinds = {p.kind for p in parsed}
    if len(kinds) > 1:
        raise StatsInputError(
            "periods mix forms (" + ", ".join(sorted(kinds)) + "); use one form for every row"
        )
    kind: PeriodKind = parsed[0].kind
    labels = [p.label for p in parsed]
    keys = [p.key for p in parsed]
    if kind == "date" and all(date.fromordinal(k).day == 1 for k in keys):
        kind = "month"
        keys = [_month_key(p) for p in parsed]
        labels = [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in keys]
    if kind in {"month", "int"}:
        first = min(keys)
        time = [k - first + 1 for k in keys]
    else:
        rank = {k: i + 1 for i, k in enumerate(sorted(set(keys)))}
        time = [rank[k] for k in keys]
    columns = {
        name: tuple((row.get(name) or "") for row in rows)
        for name in names
        if name != period_column
    }
    return SeriesTable(kind, tuple(labels), tuple(keys), tuple(time), columns)


def read_csv_text(text: str) -> SeriesTable:
    reader = csv.DictReader(io.StringIO(text))
    rows = [dict(row) for row in reader]
    return from_rows(_strip_keys(rows))


def load_series_csv(path: str | Path) -> SeriesTable:
    """Read a series CSV file; errors name the file and the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise StatsInputError(f"series file {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise StatsInputError(f"series file {str(path)!r} is not UTF-8 text") from None
    return read_csv_text(text)


def _strip_keys(rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in rows]

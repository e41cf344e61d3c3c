"""Parsers for activity files: CSV, JSON and the PARS tab-delimited batch layout.

Each parser turns file text into :class:`ParsedRow` items: a line number plus either a
mapping of field names to raw values (checked later by ``records.activity_record``) or the
reason the row could not be read at all. A file that cannot be used at all (not UTF-8, not
JSON, no header, a required column missing, an unknown column) raises
:class:`ImportFileError` before any row is produced. Column layouts: ``docs/catalog-import.md``.
No database access here.
"""

from __future__ import annotations

from collections.abc import Iterator

from .csv_format import parse_csv
from .json_format import parse_json
from .pars_format import PARS_BASE_FIELDS, PARS_MIN_FIELDS, PARS_SUPPORT_FIELDS, parse_pars
from .rows import ImportFileError, ParsedRow, decode

FORMATS = ("csv", "json", "pars")


def parse(text: str, file_format: str) -> Iterator[ParsedRow]:
    if file_format == "csv":
        return parse_csv(text)
    if file_format == "json":
        return parse_json(text)
    if file_format == "pars":
        return parse_pars(text)
    raise ImportFileError(f"Unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")


def guess_format(filename: str) -> str | None:
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".txt", ".tsv", ".tab")):
        return "pars"
    return None


__all__ = [
    "FORMATS",
    "PARS_BASE_FIELDS",
    "PARS_MIN_FIELDS",
    "PARS_SUPPORT_FIELDS",
    "ImportFileError",
    "ParsedRow",
    "decode",
    "guess_format",
    "parse",
    "parse_csv",
    "parse_json",
    "parse_pars",
]

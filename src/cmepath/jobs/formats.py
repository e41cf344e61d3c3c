"""Vacancy import and export files: CSV, JSON and JSON-LD (schema.org ``JobPosting``).

Pure: no Django import; bytes in, typed field values out (and back). Cells are parsed for
their *type* only (text, whole number, number, yes/no, date, list of codes), each bad cell
reported with its line ("line 7: salary_min 'abc' is not a number"); whether a state, SOC
code or pay range is acceptable is the services' to decide.

- **CSV**: a header row of :data:`CSV_COLUMNS` names (any order and subset; case, spaces and
  hyphens ignored; an unknown or repeated name refuses the file, naming the accepted ones),
  then one vacancy per row. ``line`` is the line on which the row starts (the header is 1).
  Lists (``remote_states``, ``licence_states``, ``credentials``, ``visas``, ``cme_expenses``)
  are ``;``-separated codes; yes/no cells take yes/no/true/false/1/0; dates are YYYY-MM-DD;
  money may be written ``$250,000``. An empty cell means "not given".
- **JSON**: an array of objects with the same keys, or ``{"vacancies": [...]}``; values typed
  (numbers, booleans, arrays) or written as in CSV; ``null``, ``""`` and ``[]`` mean "not
  given". ``line`` is the 1-based position in the array.
- **JSON-LD**: one JobPosting object, an array of them, an ``ItemList`` of them or a
  ``@graph`` holding them (other nodes of a graph are skipped); each is read by
  :func:`cmepath.jobs.jsonld.parse_job_posting`. ``line`` is its 1-based position among the
  postings.

A whole file that cannot be used (not UTF-8, not JSON, empty, an unknown column) raises
:class:`FileFormatError` and nothing is read. CSV export prefixes every cell a spreadsheet
would run as a formula (``= + - @``, tab, carriage return) with an apostrophe (OWASP CSV
injection, security-checks row 13); import removes that apostrophe again, so an exported file
reads back unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from cmepath.credits.transcripts import FORMULA_PREFIXES, safe_cell
from cmepath.jobs.jsonld import JsonLdError, parse_job_posting

FORMATS = ("csv", "json", "jsonld")

#: Vacancy fields an import file may carry, with the type each cell is parsed as. Not here:
#: the employer (the importer's own), status (the services'), coordinates (from the ZIP
#: code) and book-keeping fields.
FIELD_KINDS: Mapping[str, str] = {
    "reference": "text",
    "title": "text",
    "description": "text",
    "profession": "text",
    "specialty": "text",
    "soc_code": "text",
    "setting": "text",
    "career_track": "text",
    "employment_model": "text",
    "schedule": "text",
    "shifts": "text",
    "call_ratio": "int",
    "call_type": "text",
    "call_paid": "bool",
    "city": "text",
    "state": "text",
    "zip_code": "text",
    "remote": "bool",
    "remote_states": "list",
    "licence_states": "list",
    "compact_accepted": "bool",
    "board_requirement": "text",
    "credentials": "list",
    "salary_min": "decimal",
    "salary_max": "decimal",
    "salary_unit": "text",
    "guarantee_months": "int",
    "wrvu_threshold": "int",
    "dollars_per_wrvu": "decimal",
    "collections_percent": "decimal",
    "sign_on_bonus": "decimal",
    "sign_on_clawback_months": "int",
    "relocation": "decimal",
    "loan_repayment": "decimal",
    "nhsc_site": "bool",
    "hpsa_score": "int",
    "cme_allowance": "decimal",
    "cme_days": "decimal",
    "cme_days_separate_from_pto": "bool",
    "cme_expenses": "list",
    "cme_rollover": "bool",
    "cme_repay_on_leaving": "bool",
    "malpractice": "text",
    "tail": "text",
    "noncompete_miles": "int",
    "noncompete_months": "int",
    "visas": "list",
    "agencies_may_contact": "bool",
    "start_date": "date",
    "posted_on": "date",
    "expires_on": "date",
}
#: The CSV header (and the keys of a JSON object), in export order.
CSV_COLUMNS: tuple[str, ...] = tuple(FIELD_KINDS)

_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})
_INT = re.compile(r"[+-]?\d+")
_GROUPED_INT = re.compile(r"[+-]?\d{1,3}(,\d{3})+")
_DECIMAL = re.compile(r"[+-]?\$?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FileFormatError(ValueError):
    """The whole file is unusable (nothing was read); the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Record:
    """One vacancy read from a file: its line and its typed field values (only those given)."""

    line: int
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one vacancy (or one of its cells) could not be read."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class _CellError(ValueError):
    pass


def guess_format(filename: str) -> str | None:
    """The format a file name suggests (``.csv``, ``.json``, ``.jsonld``), else None."""
    name = filename.lower().strip()
    for fmt in ("jsonld", "json", "csv"):
        if name.endswith(f".{fmt}"):
            return fmt
    return None


# --------------------------------------------------------------------------- reading


def read_records(raw: bytes, fmt: str) -> tuple[list[Record], list[RecordError]]:
    """The vacancies of an uploaded file and the problems of those that cannot be read.

    Raises :class:`FileFormatError` when the file as a whole cannot be used.
    """
    if fmt not in FORMATS:
        raise FileFormatError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    text = _decode(raw)
    if not text.strip():
        raise FileFormatError("The file is empty; it needs at least one vacancy.")
    if fmt == "csv":
        records, errors = _read_csv(text)
    elif fmt == "json":
        records, errors = _read_json(text)
    else:
        records, errors = _read_jsonld(text)
    if not records and not errors:
        raise FileFormatError("The file holds no vacancies.")
    return records, errors


def _decode(raw: bytes) -> str:
    """UTF-8, with or without a byte-order mark; anything else is refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"The file is not UTF-8 text (bad byte on line {line}); save it as UTF-8 and retry."
        ) from None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 42 else text[:39] + "...'"


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _accepted() -> str:
    return ", ".join(CSV_COLUMNS)


def _parse_text_cell(name: str, kind: str, cell: str) -> Any:
    """A cell written as text (every CSV cell, and JSON values given as strings)."""
    value = cell.strip()
    if not value:
        return None
    if kind == "text":
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if kind == "list":
        items = [item.strip() for item in value.split(";")]
        return [item for item in items if item] or None
    if kind == "bool":
        word = value.lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise _CellError(f"{name} {_shown(cell)} is not yes or no (yes, no, true, false, 1, 0)")
    if kind == "int":
        digits = value.replace(",", "") if _GROUPED_INT.fullmatch(value) else value
        if not _INT.fullmatch(digits):
            raise _CellError(f"{name} {_shown(cell)} is not a whole number")
        return int(digits)
    if kind == "decimal":
        if not _DECIMAL.fullmatch(value) or not any(c.isdigit() for c in value):
            raise _CellError(f"{name} {_shown(cell)} is not a number")
        try:
            return Decimal(value.replace("$", "").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise _CellError(f"{name} {_shown(cell)} is not a number") from None
    if kind == "date":
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise _CellError(f"{name} {_shown(cell)} is not a date (use YYYY-MM-DD)") from None
    raise AssertionError(f"unknown field kind {kind!r}")  # pragma: no cover


def _parse_json_value(name: str, kind: str, value: Any) -> Any:
    """A JSON value: typed (number, boolean, array) or text as in CSV."""
    if value is None or value == []:
        return None
    if isinstance(value, str):
        return _parse_text_cell(name, kind, value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise _CellError(f"{name} {_shown(value)} is not a whole number")
    if kind == "decimal" and isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number.is_finite():
            return number
    if kind == "list" and isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return [item.strip() for item in value if item.strip()] or None
        raise _CellError(f"{name} must be a list of codes (text)")
    expected = {
        "text": "text",
        "list": "a list of codes",
        "bool": "true or false",
        "int": "a whole number",
        "decimal": "a number",
        "date": "a date as text (YYYY-MM-DD)",
    }[kind]
    raise _CellError(f"{name} {_shown(value)} is not {expected}")


def _unescape(cell: str) -> str:
    """Undo the apostrophe :func:`write_records` puts before a formula-like cell."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def _record(
    line: int, values: Iterable[tuple[str, Any]], parse: Callable[[str, str, Any], Any]
) -> tuple[Record | None, list[RecordError]]:
    fields: dict[str, Any] = {}
    errors: list[RecordError] = []
    for name, raw in values:
        try:
            value = parse(name, FIELD_KINDS[name], raw)
        except _CellError as exc:
            errors.append(RecordError(line, str(exc)))
            continue
        if value is not None:
            fields[name] = value
    return (None if errors else Record(line, fields)), errors


def _read_csv(text: str) -> tuple[list[Record], list[RecordError]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FileFormatError(f"The header row cannot be read: {exc}.") from None
    columns = [_column(name) for name in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if c and c not in FIELD_KINDS]
    if unknown:
        raise FileFormatError(
            f"Unknown column(s) in the header: {', '.join(repr(u) for u in unknown[:10])}. "
            f"Accepted columns: {_accepted()}."
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise FileFormatError(f"Column(s) appear twice in the header: {', '.join(repeated)}.")
    records: list[Record] = []
    errors: list[RecordError] = []
    for line, row in _csv_rows(reader, len(columns), errors):
        if any(cell.strip() for col, cell in zip(columns, row, strict=True) if not col):
            errors.append(RecordError(line, "a value sits under a column with no name"))
            continue
        pairs = [(col, _unescape(cell)) for col, cell in zip(columns, row, strict=True) if col]
        record, problems = _record(line, pairs, _parse_text_cell)
        errors += problems
        if record is not None:
            records.append(record)
    return records, errors


def _csv_rows(
    reader: Any, width: int, errors: list[RecordError]
) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each non-blank row; malformed rows to ``errors``."""
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RecordError(start, f"malformed CSV: {exc}"))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and not any(cell.strip() for cell in row[width:]):
            row = row[:width]  # trailing empty cells a spreadsheet added
        if len(row) != width:
            errors.append(
                RecordError(line, f"the row has {len(row)} cells; the header has {width}")
            )
            continue
        yield line, row


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except RecursionError:
        raise FileFormatError("The JSON is nested too deeply to read.") from None


def _read_json(text: str) -> tuple[list[Record], list[RecordError]]:
    whole = _load_json(text)
    if isinstance(whole, dict) and isinstance(whole.get("vacancies"), list):
        items = whole["vacancies"]
    elif isinstance(whole, list):
        items = whole
    else:
        raise FileFormatError(
            'The JSON must be an array of vacancies or an object with a "vacancies" array.'
        )
    unknown = sorted(
        {key for item in items if isinstance(item, dict) for key in item} - set(FIELD_KINDS)
    )
    if unknown:
        raise FileFormatError(
            f"Unknown field(s): {', '.join(repr(u) for u in unknown[:10])}. "
            f"Accepted fields: {_accepted()}."
        )
    records: list[Record] = []
    errors: list[RecordError] = []
    for line, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(RecordError(line, f"the item is a JSON {_kind(item)}, not an object"))
            continue
        record, problems = _record(line, item.items(), _parse_json_value)
        errors += problems
        if record is not None:
            records.append(record)
    return records, errors


def _kind(value: Any) -> str:
    return {
        list: "array",
        str: "string",
        int: "number",
        float: "number",
        bool: "boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _is_type(node: Any, name: str) -> bool:
    if not isinstance(node, dict):
        return False
    kind = node.get("@type")
    return kind == name or (isinstance(kind, list) and name in kind)


def _jsonld_items(whole: Any) -> list[Any]:
    """The postings of a JSON-LD document (one, an array, an ItemList or a @graph)."""
    if isinstance(whole, list):
        return whole
    if not isinstance(whole, dict):
        raise FileFormatError(
            "The JSON-LD must be a JobPosting object, an array of them, an ItemList or a @graph."
        )
    if isinstance(whole.get("@graph"), list):
        postings = [node for node in whole["@graph"] if _is_type(node, "JobPosting")]
        if not postings:
            raise FileFormatError("The @graph holds no JobPosting.")
        return postings
    if _is_type(whole, "ItemList"):
        elements = whole.get("itemListElement")
        if not isinstance(elements, list):
            raise FileFormatError("The ItemList has no itemListElement array.")
        return [
            el["item"] if _is_type(el, "ListItem") and isinstance(el.get("item"), dict) else el
            for el in elements
        ]
    return [whole]


def _read_jsonld(text: str) -> tuple[list[Record], list[RecordError]]:
    records: list[Record] = []
    errors: list[RecordError] = []
    for line, item in enumerate(_jsonld_items(_load_json(text)), start=1):
        try:
            records.append(Record(line, parse_job_posting(item)))
        except JsonLdError as exc:
            errors.append(RecordError(line, str(exc)))
    return records, errors


# --------------------------------------------------------------------------- writing


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _csv_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "list":
        return ";".join(str(item) for item in value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def write_records(
    rows: Iterable[Mapping[str, Any]],
    fmt: str,
    *,
    posting: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
) -> bytes:
    """Vacancies (field values keyed by field name) as a CSV, JSON or JSON-LD file (UTF-8).

    CSV and JSON carry :data:`CSV_COLUMNS` (other keys are ignored), so an exported file
    imports back as it was. JSON-LD needs ``posting``, which turns one row into its JobPosting
    (the caller's :func:`cmepath.jobs.jsonld.build_job_posting` with employer and URL).
    """
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(
                safe_cell(_csv_cell(kind, row.get(name))) for name, kind in FIELD_KINDS.items()
            )
        return buf.getvalue().encode("utf-8")
    if fmt == "json":
        items = [{name: row.get(name) for name in CSV_COLUMNS} for row in rows]
        return _dump(items)
    if fmt == "jsonld":
        if posting is None:
            raise ValueError("JSON-LD export needs posting=, the function building a JobPosting")
        return write_jsonld(posting(row) for row in rows)
    raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def write_jsonld(postings: Iterable[dict[str, Any]]) -> bytes:
    """JobPosting objects as a JSON-LD array (UTF-8), readable by :func:`read_records`."""
    return _dump(list(postings))


def _dump(data: Any) -> bytes:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    return (text + "\n").encode("utf-8")

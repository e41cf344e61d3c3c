"""Parsers for activity files: CSV, JSON and the PARS tab-delimited batch layout.

Each parser turns file text into :class:`ParsedRow` items: a line number plus either a
mapping of field names to raw values (checked later by ``records.activity_record``) or the
reason the row could not be read at all. A file that cannot be used at all (not UTF-8, not
JSON, no header, a required column missing, an unknown column) raises
:class:`ImportFileError` before any row is produced. Column layouts: ``docs/catalog-import.md``.
No database access here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cmepath.core.errors import ValidationError

from .records import ALIASES, FIELDS, REQUIRED

FORMATS = ("csv", "json", "pars")

#: PARS: fields 1-35 once per activity, then 8 fields (36-43) per commercial supporter
#: (ACCME: "at least 43 fields", "fields 36-43 are repeated for multiple sources of support").
PARS_BASE_FIELDS = 35
PARS_SUPPORT_FIELDS = 8
PARS_MIN_FIELDS = PARS_BASE_FIELDS + PARS_SUPPORT_FIELDS


class ImportFileError(ValidationError):
    """The whole file is unusable; nothing was imported."""

    code = "import_file_unusable"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    data: dict[str, Any] | None
    error: str | None = None


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM); anything else makes the file unusable."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"The file is not UTF-8 text (bad byte on line {line}); save it as UTF-8 and retry.") from None


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


# ------------------------------------------------------------------------- CSV


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def parse_csv(text: str) -> Iterator[ParsedRow]:
    """A header row of field names (``docs/catalog-import.md``), then one activity per row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty; it needs a header row and one row per activity.") from None
    except csv.Error as exc:
        raise ImportFileError(f"The header row cannot be read: {exc}.") from None
    columns = [_column(h) for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in FIELDS]
    if unknown:
        raise ImportFileError(f"Unknown column(s) in the header: {', '.join(repr(u) for u in unknown[:10])}. "
                              "See docs/catalog-import.md for the column names.")
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


# ------------------------------------------------------------------------ JSON

_ACTIVITIES_KEY = re.compile(r'"activities"\s*:\s*\[')


def parse_json(text: str) -> Iterator[ParsedRow]:
    """A JSON array of activity objects, or ``{"activities": [...]}``.

    The line of each item is where its object starts, found by decoding the array item by
    item (``raw_decode``), so errors point at the right place in the file.
    """
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    if isinstance(whole, dict):
        if not isinstance(whole.get("activities"), list):
            raise ImportFileError('A JSON object needs an "activities" list; or send a JSON array of activities.')
        match = _ACTIVITIES_KEY.search(text)
        start = match.end() if match else None
    elif isinstance(whole, list):
        start = text.index("[") + 1
    else:
        raise ImportFileError("The JSON must be an array of activities or an object with an \"activities\" list.")
    if start is None:  # pragma: no cover - json.loads accepted it, so the key is there
        raise ImportFileError('Cannot find the "activities" list.')
    return _json_items(text, start)


def _json_items(text: str, pos: int) -> Iterator[ParsedRow]:
    decoder = json.JSONDecoder()
    line, counted = 1, 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            return
        line += text.count("\n", counted, pos)
        counted = pos
        item, pos = decoder.raw_decode(text, pos)
        if not isinstance(item, dict):
            yield ParsedRow(line, None, f"item is a JSON {type(item).__name__}, not an object")
            continue
        yield ParsedRow(line, item)


# ------------------------------------------------------------------------ PARS

#: The PARS activity record by 1-based field number: ACCME's tab-delimited layout for
#: Reporting Year 2010 (35 fields, then fields 36-43 once per commercial supporter), as a
#: provider's PARS export writes it (docs/catalog-import.md cites the source and maps every
#: field). ``None`` = read but not stored.
PARS_FIELDS: dict[int, str | None] = {
    1: "_reporting_year",
    2: "provider_activity_id",
    3: None,  # ACCME Activity ID (PARS's own number; cmepath matches on field 2)
    4: "title",
    5: "_activity_date",
    6: "city",
    7: "state",
    8: "_country",
    9: None,  # sponsorship (Direct / Joint)
    10: "_activity_type",
    11: None,  # hours of instruction
    12: None,  # number of physicians
    13: None,  # number of non-physicians
    14: "_support_received",
    15: None,  # total value of commercial support received (monetary or in-kind)
    16: None,  # number of commercial supporters
    17: "_dtc_competence",
    18: "_eval_competence",
    19: "_dtc_performance",
    20: "_eval_performance",
    21: "_dtc_patient_outcomes",
    22: "_eval_patient_outcomes",
    **dict.fromkeys(range(23, 30)),  # sub-categories: case-based discussion ... other
    30: None,  # joint sponsor
    31: "_ama_pra_1",
    32: "description",
    33: None,  # advertising & exhibit income
    34: None,  # other income
    35: None,  # expenses
}
#: Within each 8-field supporter block (fields 36-43, 44-51, ...), by offset 0..7; offsets
#: 2-7 are the in-kind questions (durable equipment, facilities/space, disposable supplies,
#: animal parts or tissue, human parts or tissue, other).
PARS_SUPPORT_BLOCK = ("source", "monetary_amount", "in_kind_durable", "in_kind_space", "in_kind_disposable",
                      "in_kind_animal", "in_kind_human", "in_kind_other")
#: PARS activity type (field 10) -> cmepath format and delivery. PARS has no delivery field:
#: courses and series are live, every other type is taken as online (cmepath's convention).
PARS_ACTIVITY_TYPES: dict[str, tuple[str, str]] = {
    "C": ("course", "live"),
    "RSS": ("rss", "live"),
    "IL": ("course", "online"),
    "EM": ("enduring_material", "online"),
    "IEM": ("internet_enduring", "online"),
    "JN": ("journal_based", "online"),
    "MR": ("manuscript_review", "online"),
    "TIW": ("test_item_writing", "online"),
    "CML": ("committee_learning", "online"),
    "PI": ("performance_improvement", "online"),
    "ISL": ("internet_point_of_care", "online"),
    "LFT": ("learning_from_teaching", "online"),
}
#: The same types spelled out, as the PARS screens name them.
_PARS_TYPE_NAMES = {
    "course": "C", "regularly scheduled series": "RSS", "internet live course": "IL",
    "enduring material": "EM", "internet activity enduring material": "IEM", "internet enduring material": "IEM",
    "journal-based cme": "JN", "journal based cme": "JN", "manuscript review": "MR", "test item writing": "TIW",
    "committee learning": "CML", "performance improvement": "PI", "internet searching and learning": "ISL",
    "learning from teaching": "LFT",
}
_HEADER_START = re.compile(r"\A\s*(?:\d+\.\s*)?(reporting year|provider activity id)\s*\Z", re.IGNORECASE)
_YES = frozenset({"y", "yes", "true", "1", "x"})
_NO = frozenset({"", "n", "no", "false", "0"})
_LEVEL_OF = {"competence": 4, "performance": 5, "patient_outcomes": 6}


def parse_pars(text: str) -> Iterator[ParsedRow]:
    """Tab-delimited, no header (a first row naming "Reporting Year" in field 1 is skipped)."""
    if not text.strip():
        raise ImportFileError("The file is empty; PARS batch files hold one activity per line.")
    return _pars_rows(text)


def _pars_rows(text: str) -> Iterator[ParsedRow]:
    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        fields = raw_line.split("\t")
        if number == 1 and any(_HEADER_START.match(f) for f in fields[:2]):
            continue
        if fields[0].strip().lower().startswith("template"):
            yield ParsedRow(number, None, f"field 1: {fields[0].strip()!r} marks ACCME's template layout for "
                                          "Reporting Year 2011 and later; cmepath reads the Reporting Year 2010 "
                                          "layout (field 1 Reporting Year, field 2 Provider Activity ID)")
            continue
        n = len(fields)
        if n < PARS_MIN_FIELDS:
            yield ParsedRow(number, None, f"PARS record has {n} fields; at least {PARS_MIN_FIELDS} are required")
            continue
        if (n - PARS_BASE_FIELDS) % PARS_SUPPORT_FIELDS:
            yield ParsedRow(number, None, f"PARS record has {n} fields; after field 35 they must come in "
                                          f"blocks of {PARS_SUPPORT_FIELDS} (fields 36-43 per supporter)")
            continue
        try:
            yield ParsedRow(number, _pars_record(fields))
        except ValueError as exc:
            yield ParsedRow(number, None, str(exc))


def _yn(value: str, field: int) -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"field {field}: {value!r} is not Yes or No")


def _pars_activity_type(value: str) -> tuple[str, str]:
    code = _PARS_TYPE_NAMES.get(" ".join(value.lower().split()), value.upper())
    if code not in PARS_ACTIVITY_TYPES:
        if not value:
            raise ValueError("field 10: the activity type is required")
        raise ValueError(f"field 10: unknown PARS activity type {value!r} (use one of: {', '.join(PARS_ACTIVITY_TYPES)})")
    return PARS_ACTIVITY_TYPES[code]


def _pars_amount(value: str, field: int) -> Decimal:
    try:
        number = Decimal(value.replace(",", "").lstrip("$").strip())
    except InvalidOperation:
        raise ValueError(f"field {field}: {value!r} is not an amount") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"field {field}: {value!r} is not an amount of 0 or more")
    return number


def _pars_record(fields: list[str]) -> dict[str, Any]:
    raw = {name: fields[i - 1].strip() for i, name in PARS_FIELDS.items() if name}
    year = raw["_reporting_year"]
    if year and not (len(year) == 4 and year.isdigit()):
        raise ValueError(f"field 1: reporting year {year!r} is not a year (YYYY)")
    if not raw["provider_activity_id"]:
        raise ValueError("field 2: the Provider Activity ID is required (cmepath matches activities on it)")
    country = raw["_country"].upper()
    if country not in ("", "US", "USA", "UNITED STATES"):
        raise ValueError(f"field 8: only activities in the United States are listed (country {country!r})")
    data: dict[str, Any] = {k: v for k, v in raw.items() if not k.startswith("_")}
    data["format"], data["delivery"] = _pars_activity_type(raw["_activity_type"])
    # One activity date in PARS: it is both the start and the end date.
    data["start_date"] = data["end_date"] = raw["_activity_date"]
    data["credits"] = f"ama_pra_1:{raw['_ama_pra_1']}" if raw["_ama_pra_1"] else ""
    targets = [t for i, t in ((17, "competence"), (19, "performance"), (21, "patient_outcomes"))
               if _yn(raw[f"_dtc_{t}"], i)]
    evaluated = [t for i, t in ((18, "competence"), (20, "performance"), (22, "patient_outcomes"))
                 if _yn(raw[f"_eval_{t}"], i)]
    data["designed_to_change"] = targets
    data["outcomes_evaluated"] = bool(evaluated)
    if evaluated:
        # PARS "changes evaluated" maps to Moore levels 4-6 (standards 2.1/2.3)
        data["moore_level"] = max(_LEVEL_OF[t] for t in evaluated)
    support = []
    for start in range(PARS_BASE_FIELDS, len(fields), PARS_SUPPORT_FIELDS):
        block = [f.strip() for f in fields[start:start + PARS_SUPPORT_FIELDS]]
        if not any(block):
            continue
        first = start + 1  # field number of the supporter's name
        source, monetary, other = block[0], block[1], block[7]
        if not source:
            raise ValueError(f"field {first}: a commercial supporter needs a name")
        money = _pars_amount(monetary, first + 1) if monetary else Decimal(0)
        in_kind = [_yn(v, first + 2 + k) for k, v in enumerate(block[2:7])]
        in_kind_other = other.lower() not in _NO  # a yes, or a description of the other support
        if money:
            support.append({"source": source, "kind": "monetary", "amount": str(money)})
        if any(in_kind) or in_kind_other:
            # PARS records the nature of in-kind support, never a value (ACCME: do not estimate it)
            support.append({"source": source, "kind": "in_kind", "amount": "0"})
        if not money and not (any(in_kind) or in_kind_other):
            raise ValueError(f"field {first}: supporter {source!r} has no monetary amount (field {first + 1}) "
                             f"and no in-kind support (fields {first + 2}-{first + 7})")
    received = _yn(raw["_support_received"], 14)
    if received and not support:
        raise ValueError("field 14: commercial support received is Yes but no supporter is listed (fields 36-43); "
                         "cmepath needs each supporter's name and monetary amount or in-kind support")
    if not received and support:
        raise ValueError("field 14: commercial support received is No but supporters are listed (fields 36-43)")
    data["commercial_support"] = support
    return data

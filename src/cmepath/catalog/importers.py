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
from typing import Any

from cmepath.core.errors import ValidationError

from .records import ALIASES, FIELDS, REQUIRED

FORMATS = ("csv", "json", "pars")

#: PARS: fields 1-35 once per activity, then 8 fields (36-43) per commercial supporter.
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

#: cmepath's reading of the PARS activity record, by 1-based field number. ``None`` = read
#: but not stored (see docs/catalog-import.md for every field and its source).
PARS_FIELDS: dict[int, str | None] = {
    1: "provider_activity_id",
    2: "title",
    3: "format",
    4: "start_date",
    5: "end_date",
    6: "delivery",
    7: "city",
    8: "state",
    9: "_country",
    10: None,  # providership (direct / joint)
    11: None,  # joint provider name(s)
    12: "description",
    13: "cost",
    14: "url",
    15: "_listed",  # CME Finder / CME Passport listing Y/N: N keeps the activity as a draft
    16: None,  # registration (open / limited)
    17: "_ama_pra_1",
    18: None,  # hours of instruction
    19: "_dtc_competence",
    20: "_dtc_performance",
    21: "_dtc_patient_outcomes",
    22: "_eval_competence",
    23: "_eval_performance",
    24: "_eval_patient_outcomes",
    25: "competencies",
    26: None,  # physician learners
    27: None,  # other learners
    28: "moc_boards",
    29: "moc_points",
    30: "rems",
    31: "_other_credits",
    32: "professions",
    33: "topics",
    34: "interprofessional",
    35: "_support_received",
}
#: Within each 8-field supporter block (fields 36-43, 44-51, ...), by offset 0..7.
PARS_SUPPORT_BLOCK = ("source", "kind", "monetary_amount", None, "in_kind_value", None, None, None)
_YES = frozenset({"y", "yes", "true", "1", "x"})
_NO = frozenset({"", "n", "no", "false", "0"})
_LEVEL_OF = {"competence": 4, "performance": 5, "patient_outcomes": 6}


def parse_pars(text: str) -> Iterator[ParsedRow]:
    """Tab-delimited, no header (a first row starting "Provider Activity ID" is skipped)."""
    if not text.strip():
        raise ImportFileError("The file is empty; PARS batch files hold one activity per line.")
    return _pars_rows(text)


def _pars_rows(text: str) -> Iterator[ParsedRow]:
    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        fields = raw_line.split("\t")
        if number == 1 and fields[0].strip().lower() in ("provider activity id", "provider_activity_id"):
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
    raise ValueError(f"field {field}: {value!r} is not Y or N")


def _pars_record(fields: list[str]) -> dict[str, Any]:
    raw = {name: fields[i - 1].strip() for i, name in PARS_FIELDS.items() if name}
    country = raw.pop("_country").upper()
    if country not in ("", "US", "USA", "UNITED STATES"):
        raise ValueError(f"field 9: only activities in the United States are listed (country {country!r})")
    data: dict[str, Any] = {k: v for k, v in raw.items() if not k.startswith("_")}
    if not _yn(raw["_listed"], 15) and raw["_listed"]:
        data["status"] = "draft"
    credits = []
    if raw["_ama_pra_1"]:
        credits.append(f"ama_pra_1:{raw['_ama_pra_1']}")
    if raw["_other_credits"]:
        credits.append(raw["_other_credits"])
    data["credits"] = "; ".join(credits)
    targets = [t for i, t in ((19, "competence"), (20, "performance"), (21, "patient_outcomes"))
               if _yn(raw[f"_dtc_{t}"], i)]
    evaluated = [t for i, t in ((22, "competence"), (23, "performance"), (24, "patient_outcomes"))
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
        field_no = start + 1
        source, kind, monetary, in_kind = block[0], block[1].lower().replace("-", "_"), block[2], block[4]
        if kind in ("m", "monetary"):
            support.append({"source": source, "kind": "monetary", "amount": monetary or "0"})
        elif kind in ("i", "in_kind", "inkind"):
            support.append({"source": source, "kind": "in_kind", "amount": in_kind or "0"})
        else:
            raise ValueError(f"field {field_no + 1}: support type {block[1]!r} is not Monetary or In-kind")
        if not source:
            raise ValueError(f"field {field_no}: a commercial supporter needs a name")
    received = _yn(raw["_support_received"], 35)
    if received and not support:
        raise ValueError("field 35: commercial support received is Y but no supporter is listed (fields 36-43)")
    if not received and support:
        raise ValueError("field 35: commercial support received is N but supporters are listed (fields 36-43)")
    data["commercial_support"] = support
    return data

"""The normalized orders schema, the ingest report, and helpers shared by the readers.

Every reader (CSV, Parquet, FHIR NDJSON) writes the same Parquet dataset: one row per
medication order. Pure Python plus DuckDB/pyarrow; no Django.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

ORDERS_FILE = "orders.parquet"
SERIES_FILE = "series.csv"
REPORT_FILE = "ingest-report.json"
MAX_PROBLEMS = 200  # problems listed in a report; the counts are always complete

ORDERS_SCHEMA = pa.schema(
    [
        pa.field("order_date", pa.date32(), nullable=False),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("prescriber", pa.string()),
        pa.field("patient_key", pa.string(), nullable=False),
        pa.field("age", pa.int16()),
        pa.field("age_band", pa.string()),
        pa.field("setting", pa.string()),
        pa.field("dx_system", pa.string()),
        pa.field("dx_code", pa.string()),
        pa.field("drug_system", pa.string()),
        pa.field("drug_code", pa.string()),
        pa.field("days_supply", pa.float64()),
    ]
)
ORDER_COLUMNS = tuple(ORDERS_SCHEMA.names)

#: Columns of a pre-aggregated series upload (``exposure`` may replace ``denominator``).
SERIES_COLUMNS = ("period", "unit", "numerator", "denominator", "exposure")

AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 1, "0-1"),
    (2, 4, "2-4"),
    (5, 11, "5-11"),
    (12, 17, "12-17"),
    (18, 39, "18-39"),
    (40, 64, "40-64"),
    (65, 74, "65-74"),
    (75, 89, "75-89"),
    (90, 200, "90+"),
)

SETTINGS = ("ambulatory", "emergency", "inpatient", "virtual", "home", "other")
# FHIR v3 ActCode encounter classes to our setting names
ENCOUNTER_CLASS = {
    "AMB": "ambulatory",
    "EMER": "emergency",
    "IMP": "inpatient",
    "ACUTE": "inpatient",
    "NONAC": "inpatient",
    "OBSENC": "inpatient",
    "SS": "ambulatory",
    "VR": "virtual",
    "HH": "home",
    "FLD": "other",
    "PRENC": "ambulatory",
}
DX_SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10cm",
    "http://hl7.org/fhir/sid/icd-10": "icd10cm",
    "http://snomed.info/sct": "snomed",
}
DRUG_SYSTEMS = {"http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm"}

# Code formats: a value that matches one of these cannot hold free text, a name or a
# contact detail, so coded columns are validated here instead of by the value detectors.
CODE_PATTERNS = {
    "icd10cm": re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$"),
    "snomed": re.compile(r"^[1-9][0-9]{5,17}$"),
    "rxnorm": re.compile(r"^[1-9][0-9]{0,8}$"),
}


class IngestError(ValueError):
    """Input the user can fix (the message says what and how). The CLI exits with 2."""


class RefusedError(IngestError):
    """The privacy guard refused the file; ``columns`` lists the offending columns."""

    def __init__(self, message: str, columns: list[str]) -> None:
        super().__init__(message)
        self.columns = columns


@dataclass
class Problem:
    """One skipped line or row: file, 1-based line number, what was wrong."""

    file: str
    line: int
    kind: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "kind": self.kind, "detail": self.detail}


@dataclass
class IngestReport:
    """What an ingest did. ``counts`` holds complete totals per problem kind."""

    format: str
    kind: str = "orders"  # or "series" for a pre-aggregated upload
    files: list[str] = field(default_factory=list)
    bytes_read: int = 0
    lines_read: int = 0
    rows_written: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    resources: dict[str, int] = field(default_factory=dict)
    coarsened: list[str] = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0

    def add(self, problem: Problem, count: int = 1) -> None:
        self.counts[problem.kind] = self.counts.get(problem.kind, 0) + count
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    @property
    def skipped(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "kind": self.kind,
            "files": self.files,
            "bytes_read": self.bytes_read,
            "lines_read": self.lines_read,
            "rows_written": self.rows_written,
            "skipped": self.skipped,
            "counts": dict(sorted(self.counts.items())),
            "problems": [p.to_dict() for p in self.problems],
            "problems_listed": len(self.problems),
            "resources": self.resources,
            "coarsened": self.coarsened,
            "output": self.output,
            "seconds": round(self.seconds, 3),
        }


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return None


def age_band_sql(column: str) -> str:
    """A SQL CASE giving the age band of an integer age column (DuckDB dialect)."""
    whens = " ".join(
        f"WHEN {column} BETWEEN {lo} AND {hi} THEN '{label}'" for lo, hi, label in AGE_BANDS
    )
    return f"CASE {whens} END"


def new_salt() -> str:
    """A per-project secret salt for patient keys (hex, 256 bits)."""
    return secrets.token_hex(32)


def patient_key(salt: str, source_id: str) -> str:
    """The pseudonymous patient key: HMAC-SHA256 of the source id with the project salt
    (hex, first 32 characters = 128 bits). The salt never leaves the platform, so the key
    cannot be reversed or recomputed elsewhere (HIPAA 164.514(c) re-identification code)."""
    digest = hmac.new(bytes.fromhex(salt), source_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:32]


def hmac_sql(salt: str, column: str) -> str:
    """The same HMAC-SHA256 in DuckDB SQL (RFC 2104 with the key's ipad/opad blocks), so
    patient keys are computed inside the database without a Python round trip per row."""
    key = bytes.fromhex(salt)
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in key).hex()
    opad = bytes(b ^ 0x5C for b in key).hex()
    inner = f"unhex(sha256(unhex('{ipad}') || encode({column})))"
    return f"substr(sha256(unhex('{opad}') || {inner}), 1, 32)"


def check_salt(salt: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{32,128}", salt or ""):
        raise IngestError("the patient-key salt must be 32 to 128 hex characters")
    return salt

"""Privacy guard for outcome data: pure, no Django.

1. ``guard_columns`` checks an extract's columns against an allowlist and detects HIPAA
   Safe Harbor identifiers (45 CFR 164.514(b)(2)) by column name and by value. Direct
   identifiers are refused with the reason; quasi-identifiers (dates, ZIP codes, ages)
   are marked for coarsening.
2. Coarsening helpers: dates to month (``YYYY-MM``) or year, ZIP to ZIP3 (``000`` for
   the HHS restricted list, shipped in ``data/restricted_zip3.txt`` with its source),
   ages over 89 to ``90+``. Note: Safe Harbor keeps only the year of a date; a month is
   allowed in a limited data set under a data use agreement (164.514(e)). Use
   ``coarsen_date_to_year`` where Safe Harbor applies.
3. ``suppress`` applies small-cell suppression to a 2-D table with margins (CMS cell
   size policy: no count 1..10 shown or derivable from other cells; threshold
   configurable, default 11), with complementary suppression until no suppressed cell
   is determined by the row, column and grand totals. ``suppress_rates`` does the same
   for a unit x period series of numerators and denominators and hides rates whose
   numerator or denominator is 1..threshold-1.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np

DEFAULT_THRESHOLD = 11

Action = Literal["refuse", "coarsen"]
ColumnKind = Literal["period", "count", "value", "category", "id", "date", "zip", "age"]


class PrivacyInputError(ValueError):
    """A value the privacy helpers cannot interpret (the message says which)."""


# --- column detection ------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    column: str
    category: str
    action: Action
    reason: str


@dataclass(frozen=True)
class GuardReport:
    """Outcome of a column check. ``ok`` is False when any column is refused."""

    accepted: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def refused(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.action == "refuse")

    @property
    def to_coarsen(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.action == "coarsen")

    def message(self) -> str:
        if not self.findings:
            return "All columns passed the privacy check."
        lines = []
        if self.refused:
            lines.append("Refused columns (remove them from the extract):")
            lines += [f"  - {f.column}: {f.reason}" for f in self.refused]
        if self.to_coarsen:
            lines.append("Columns that will be coarsened:")
            lines += [f"  - {f.column}: {f.reason}" for f in self.to_coarsen]
        return "\n".join(lines)


# Column-name heuristics for direct identifiers, on the normalised name (lower case,
# runs of non-alphanumerics -> "_"). Order matters only for the reported category.
_NAME_RULES: tuple[tuple[str, str, str], ...] = (
    ("ssn", r"(^|_)(ssn|social_security(_number|_no)?|sin)($|_)", "social security number"),
    ("fax", r"(^|_)fax", "fax number"),
    ("phone", r"(^|_)(phone|telephone|tel|mobile|cell(_phone)?)($|_)", "telephone number"),
    ("email", r"(^|_)e_?mail", "email address"),
    ("url", r"(^|_)(url|uri|website|web_address|homepage)($|_)", "web address (URL)"),
    ("ip", r"(^|_)(ip|ip_addr(ess)?|ipv4|ipv6)($|_)", "IP address"),
    (
        "mrn",
        r"(^|_)(mrn|medical_record(_number|_no)?|record_number|chart_(number|no)|patient_id|pat_id|pt_id)($|_)",
        "medical record number",
    ),
    (
        "health_plan",
        r"(^|_)(health_plan|member_id|beneficiary|insurance(_id|_number)?|policy_(number|no)|subscriber(_id)?|medicaid(_id)?|medicare(_id)?|hicn|mbi)($|_)",
        "health-plan beneficiary number",
    ),
    ("account", r"(^|_)(account|acct)(_number|_no|_id)?($|_)", "account number"),
    (
        "licence",
        r"(^|_)(licen[cs]e(_number|_no)?|certificate(_number|_no)?|dea(_number)?)($|_)",
        "certificate or licence number",
    ),
    (
        "vehicle",
        r"(^|_)(vin|vehicle(_id)?|licen[cs]e_plate|plate(_number)?)($|_)",
        "vehicle identifier",
    ),
    (
        "device",
        r"(^|_)(device(_id)?|serial(_number|_no)?|udi|imei|mac_address)($|_)",
        "device identifier or serial number",
    ),
    (
        "biometric",
        r"(^|_)(biometric|fingerprint|retina|iris_scan|voice_?print|face_template)",
        "biometric identifier",
    ),
    (
        "photo",
        r"(^|_)(photo|photograph|image|picture|face|headshot)($|_)",
        "full-face photograph or image",
    ),
    (
        "name",
        r"^((patient|pt|first|last|middle|given|family|full|maiden|sur)_?)?name$|^(first|last|sur)_?name|^patient_name",
        "person's name",
    ),
    (
        "address",
        r"(^|_)(street|address|addr|address_line_\d|city|county|town|precinct|geocode|latitude|longitude|lat|lon|lng)($|_)",
        "geography smaller than a state",
    ),
    (
        "free_text",
        r"(^|_)(note|notes|comment|comments|narrative|free_text|text|description|remarks|memo)($|_)",
        "free text (may hold any identifier)",
    ),
)
_QUASI_NAME_RULES: tuple[tuple[str, str], ...] = (
    ("zip", r"(^|_)(zip|zipcode|zip_code|postal(_code)?|postcode)($|_)"),
    ("age", r"(^|_)age($|_)|_age_years$|^age_"),
    (
        "date",
        r"(^|_)(dob|birth(_date|day)?|date|dt|admit|admission|discharge|death|visit_date|service_date)($|_)",
    ),
)

_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_PHONE = re.compile(
    r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])"
)
_FULL_DATE = re.compile(r"(?<!\d)(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})(?!\d)")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_MRN = re.compile(r"^(mrn[:#\s-]*)?[a-z]{0,3}\d{6,12}$|^mrn[:#\s-]*\w+$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def guard_columns(
    columns: Sequence[str],
    sample_rows: Iterable[Mapping[str, object]],
    allowlist: Mapping[str, ColumnKind] | None = None,
) -> GuardReport:
    """Check column names and sample values; refuse identifiers, mark quasi-identifiers.

    With an ``allowlist`` every column must be on it (name -> kind). Columns of kind
    ``count`` or ``value`` must hold numbers. Value detectors run on every column.
    """
    rows = list(sample_rows)
    findings: list[Finding] = []
    for column in columns:
        values = [str(r.get(column, "") or "").strip() for r in rows]
        values = [v for v in values if v]
        kind = allowlist.get(column) if allowlist is not None else None
        if allowlist is not None and kind is None:
            findings.append(
                Finding(column, "not_allowlisted", "refuse", "not on the column allowlist")
            )
            continue
        findings.extend(_check_column(column, kind, values))
    flagged = {f.column for f in findings if f.action == "refuse"}
    accepted = tuple(c for c in columns if c not in flagged)
    return GuardReport(accepted, tuple(findings))


def _check_column(column: str, kind: ColumnKind | None, values: Sequence[str]) -> list[Finding]:
    norm = _normalise(column)
    found: list[Finding] = []
    if kind not in {"count", "value", "period", "id", "category"}:
        for category, pattern, label in _NAME_RULES:
            if re.search(pattern, norm):
                found.append(Finding(column, category, "refuse", f"column name suggests a {label}"))
                break
    for category, why in _value_hits(values, kind):
        if not any(f.category == category for f in found):
            found.append(Finding(column, category, "refuse", why))
    if found:
        return found
    quasi = kind if kind in {"date", "zip", "age"} else _quasi_by_name(norm)
    if kind in {"count", "value"}:
        bad = next((v for v in values if not _NUMBER.match(v)), None)
        if bad is not None:
            return [
                Finding(column, "not_numeric", "refuse", f"declared numeric but holds {bad[:20]!r}")
            ]
        return []
    if kind == "period":
        bad = next(
            (v for v in values if not (_MONTH.match(v) or re.fullmatch(r"[+-]?\d+", v))), None
        )
        if bad is not None:
            return [
                Finding(column, "date", "coarsen", "period holds full dates; coarsened to month")
            ]
        return []
    if quasi == "age":
        if any(_NUMBER.match(v) and float(v) > 89 for v in values):
            return [Finding(column, "age", "coarsen", "ages over 89 are grouped as 90+")]
        return []
    if quasi == "zip" or (
        kind is None and values and all(_ZIP.match(v) for v in values) and not quasi
    ):
        return [
            Finding(column, "zip", "coarsen", "ZIP codes are cut to ZIP3 (000 for small areas)")
        ]
    dates = quasi == "date" or (values and all(_FULL_DATE.fullmatch(v) for v in values))
    if dates and any(_FULL_DATE.search(v) for v in values):
        return [Finding(column, "date", "coarsen", "full dates are coarsened to month")]
    return []


def _quasi_by_name(norm: str) -> str | None:
    for category, pattern in _QUASI_NAME_RULES:
        if re.search(pattern, norm):
            return category
    return None


def _value_hits(values: Sequence[str], kind: ColumnKind | None) -> list[tuple[str, str]]:
    hits: list[tuple[str, str]] = []

    def hit(category: str, why: str) -> None:
        if not any(c == category for c, _ in hits):
            hits.append((category, why))

    date_like = kind in {"date", "period"}
    for v in values:
        if _SSN.search(v):
            hit("ssn", "values look like social security numbers")
        if _EMAIL.search(v):
            hit("email", "values look like email addresses")
        if _URL.search(v):
            hit("url", "values look like web addresses (URLs)")
        if _IPV4.search(v) or _is_ipv6(v):
            hit("ip", "values look like IP addresses")
        if _PHONE.search(v) and not _SSN.search(v):
            hit("phone", "values look like telephone or fax numbers")
        if _MRN.match(v) and kind not in {"count", "value"}:
            hit("mrn", "values look like medical record numbers or other unique codes")
        if len(v) > 60 or len(v.split()) >= 6:
            hit("free_text", "values are free text, which may hold any identifier")
        if not date_like and _FULL_DATE.search(v) and not _FULL_DATE.fullmatch(v):
            hit("date", "values contain full dates inside other text")
    return hits


def _is_ipv6(value: str) -> bool:
    if value.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(value.strip("[]"))
    except ValueError:
        return False
    return True


# --- coarsening ----------------------------------------------------------------------------


def _to_date(value: str | date) -> tuple[int, int]:
    if isinstance(value, datetime):
        return value.year, value.month
    if isinstance(value, date):
        return value.year, value.month
    text = value.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ].*)?", text):
        year, month = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        year, month = int(m.group(3)), int(m.group(1))
    else:
        raise PrivacyInputError(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or MM/DD/YYYY)")
    if not 1 <= month <= 12:
        raise PrivacyInputError(f"{value!r} has month {month}")
    return year, month


def coarsen_date(value: str | date) -> str:
    """A date (or month) to its month, ``YYYY-MM``. Idempotent."""
    year, month = _to_date(value)
    return f"{year:04d}-{month:02d}"


def coarsen_date_to_year(value: str | date) -> str:
    """A date to its year, ``YYYY`` (what Safe Harbor allows). Idempotent."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip()):
        return value.strip()
    return f"{_to_date(value)[0]:04d}"


@lru_cache(maxsize=1)
def restricted_zip3() -> frozenset[str]:
    """The HHS list of ZIP3 areas with 20,000 people or fewer."""
    text = (
        resources.files("cmepath.outcomes").joinpath("data/restricted_zip3.txt").read_text("utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def coarsen_zip(value: str | int) -> str:
    """ZIP or ZIP+4 to its first three digits; restricted areas become ``000``."""
    text = f"{value:05d}" if isinstance(value, int) else value.strip()
    if not re.fullmatch(r"\d{3}|\d{5}(-\d{4})?", text):
        raise PrivacyInputError(f"{value!r} is not a ZIP code")
    zip3 = text[:3]
    return "000" if zip3 in restricted_zip3() else zip3


def coarsen_age(value: float | int | str) -> str:
    """Age in years; over 89 becomes ``90+``. Idempotent."""
    if isinstance(value, str) and value.strip() == "90+":
        return "90+"
    try:
        age = float(value)
    except (TypeError, ValueError):
        raise PrivacyInputError(f"{value!r} is not an age") from None
    if age < 0:
        raise PrivacyInputError(f"{value!r} is not an age")
    return "90+" if age > 89 else str(int(age))


# --- small-cell suppression ----------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """A table with margins after suppression; ``None`` marks a suppressed count.

    ``primary`` and ``complementary`` hold coordinates in the augmented grid, where row
    ``r`` is the column totals and column ``c`` the row totals.
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    col_totals: tuple[int | None, ...]
    grand_total: int | None
    threshold: int
    primary: frozenset[tuple[int, int]]
    complementary: frozenset[tuple[int, int]]

    def grid(self) -> list[list[int | None]]:
        """Cells with row totals as the last column and column totals as the last row."""
        rows = [[*row, total] for row, total in zip(self.cells, self.row_totals, strict=True)]
        rows.append([*self.col_totals, self.grand_total])
        return rows


def _augment(table: Sequence[Sequence[int]]) -> np.ndarray[tuple[int, int], np.dtype[np.int64]]:
    data = np.asarray(table, dtype=np.int64)
    if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] == 0:
        raise PrivacyInputError("suppression needs a non-empty 2-D table of counts")
    if (data < 0).any():
        raise PrivacyInputError("counts must be 0 or more")
    r, c = data.shape
    grid = np.zeros((r + 1, c + 1), dtype=np.int64)
    grid[:r, :c] = data
    grid[:r, c] = data.sum(axis=1)
    grid[r, :c] = data.sum(axis=0)
    grid[r, c] = data.sum()
    return grid


@lru_cache(maxsize=256)
def _constraints(shape: tuple[int, int]) -> np.ndarray[tuple[int, int], np.dtype[np.float64]]:
    """Linear equations (one per line) over the flattened augmented grid (cached, read-only)."""
    rows, cols = shape
    r, c = rows - 1, cols - 1
    eqs: list[np.ndarray[tuple[int], np.dtype[np.float64]]] = []
    for i in range(rows):  # each row of cells (and the column-totals row) sums to its total
        e = np.zeros(rows * cols)
        e[i * cols : i * cols + c] = 1
        e[i * cols + c] = -1
        eqs.append(e)
    for j in range(cols):  # each column (and the row-totals column) sums to its total
        e = np.zeros(rows * cols)
        for i in range(r):
            e[i * cols + j] = 1
        e[r * cols + j] = -1
        eqs.append(e)
    matrix = np.vstack(eqs)
    matrix.setflags(write=False)
    return matrix


def determined_cells(
    shape: tuple[int, int], suppressed: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Suppressed cells whose value follows exactly from the shown cells and totals."""
    cells = sorted(suppressed)
    if not cells:
        return set()
    cols = shape[1]
    a = _constraints(shape)[:, [i * cols + j for i, j in cells]]
    # null space of the restricted system: a hidden cell is determined iff it is zero in
    # every null-space vector (its unit vector lies in the row space)
    _, sing, vh = np.linalg.svd(a, full_matrices=True)
    rank = int((sing > 1e-9 * max(1.0, float(sing.max(initial=0.0)))).sum())
    basis = vh[rank:].T
    if basis.size == 0:
        return set(cells)
    free = np.linalg.norm(basis, axis=1) > 1e-9
    return {cell for cell, f in zip(cells, free, strict=True) if not f}


def suppress(table: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Suppress counts 1..threshold-1 (cells and totals), then add complementary
    suppressions until no suppressed count can be derived from the shown ones."""
    if threshold < 1:
        raise PrivacyInputError("threshold must be at least 1")
    grid = _augment(table)
    shape = (int(grid.shape[0]), int(grid.shape[1]))
    primary = {
        (i, j) for i in range(shape[0]) for j in range(shape[1]) if 1 <= grid[i, j] < threshold
    }
    suppressed = set(primary)
    exposed = determined_cells(shape, suppressed)
    while exposed:
        partner = _partner(grid, suppressed, exposed)
        if partner is None:
            break
        suppressed.add(partner)
        exposed = determined_cells(shape, suppressed)
    r, c = shape[0] - 1, shape[1] - 1

    def show(i: int, j: int) -> int | None:
        return None if (i, j) in suppressed else int(grid[i, j])

    return SuppressedTable(
        cells=tuple(tuple(show(i, j) for j in range(c)) for i in range(r)),
        row_totals=tuple(show(i, c) for i in range(r)),
        col_totals=tuple(show(r, j) for j in range(c)),
        grand_total=show(r, c),
        threshold=threshold,
        primary=frozenset(primary),
        complementary=frozenset(suppressed - primary),
    )


def _partner(
    grid: np.ndarray[tuple[int, int], np.dtype[np.int64]],
    suppressed: set[tuple[int, int]],
    exposed: set[tuple[int, int]],
) -> tuple[int, int] | None:
    """The shown cell to hide next (greedy): among shown cells in the rows and columns of
    exposed cells (else any shown cell), the one that leaves the fewest suppressed cells
    derivable; ties go to interior cells, then to real (non-zero) counts, then to the
    smallest count, so that as little information as possible is hidden."""
    rows, cols = grid.shape
    shape = (int(rows), int(cols))
    lines_r = {i for i, _ in exposed}
    lines_c = {j for _, j in exposed}
    shown = [(a, b) for a in range(rows) for b in range(cols) if (a, b) not in suppressed]
    near = [cell for cell in shown if cell[0] in lines_r or cell[1] in lines_c]
    candidates = near or shown
    if not candidates:
        return None

    def cost(cell: tuple[int, int]) -> tuple[int, bool, bool, int, tuple[int, int]]:
        remaining = len(determined_cells(shape, suppressed | {cell}))
        margin = cell[0] == rows - 1 or cell[1] == cols - 1
        return (remaining, margin, int(grid[cell]) == 0, int(grid[cell]), cell)

    return min(candidates, key=cost)


@dataclass(frozen=True)
class RateCell:
    unit: str
    period: str
    numerator: int
    denominator: int


@dataclass(frozen=True)
class ShownRate:
    """A series cell as it may be displayed; ``None`` means suppressed."""

    unit: str
    period: str
    numerator: int | None
    denominator: int | None
    rate: float | None


def suppress_rates(
    cells: Sequence[RateCell], threshold: int = DEFAULT_THRESHOLD
) -> tuple[ShownRate, ...]:
    """Unit x period numerators/denominators: suppress small counts (with complementary
    suppression across the unit x period tables) and every rate built on one."""
    units = list(dict.fromkeys(c.unit for c in cells))
    periods = list(dict.fromkeys(c.period for c in cells))
    ui = {u: k for k, u in enumerate(units)}
    pi = {p: k for k, p in enumerate(periods)}
    num = [[0] * len(periods) for _ in units]
    den = [[0] * len(periods) for _ in units]
    for c in cells:
        if c.numerator < 0 or c.denominator < 0 or c.numerator > c.denominator:
            raise PrivacyInputError(f"{c.unit} {c.period}: need 0 <= numerator <= denominator")
        num[ui[c.unit]][pi[c.period]] += c.numerator
        den[ui[c.unit]][pi[c.period]] += c.denominator
    if not cells:
        return ()
    shown_num = suppress(num, threshold).cells
    shown_den = suppress(den, threshold).cells
    out: list[ShownRate] = []
    for c in cells:
        n = shown_num[ui[c.unit]][pi[c.period]]
        d = shown_den[ui[c.unit]][pi[c.period]]
        rate = None
        if n is not None and d is not None and d > 0:
            rate = n / d
        out.append(ShownRate(c.unit, c.period, n, d, rate))
    return tuple(out)

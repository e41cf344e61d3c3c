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
4. ``protect_series`` is the one rule for everything built from a measure's unit x period
   series (tables, rates, totals, control limits, model terms, fitted values, intervals,
   sentences, charts, PDF, API), described below.

The series rule (issue 12)
--------------------------
Every output is computed from the ``ProtectedSeries`` alone, never from the raw cells:

- a cell is *small* when a count in it is 1..threshold-1: its denominator, or for a
  proportion its numerator or the complement (denominator - numerator), which the shown
  rate and denominator would give back;
- every unit with a small cell in any period (of any measure of the project: see
  ``combine_units``) is *combined*: its cells are never used one by one, only summed with
  the other combined units into one group per period. While the group's cell is small in
  some period, more units are combined (greedily, the one that clears the most such
  periods, then the smallest) if that helps;
- a period whose combined-group cell is still small is *left out*: its rate is hidden
  and it enters no total, rate, limit, model or interval, for any intervention date;
  only the parts of its pooled count that are themselves not small are shown;
- statistics see ``ProtectedSeries.cells``: the shown units' cells and the group's
  cells, for the periods not left out.

Why it is sound: which units are combined and which periods are left out is decided
from the counts alone, before any user choice (intervention date, measure shown, a
subset of the protected rows or periods), and every output is a function of the
protected cells only. Each of those is either 0 or at least the threshold (shown
units' cells and group cells that are not small), so any combination of outputs, over
any number of parameter choices, is a function of cells that may be shown: change a
small cell's value within the group (or within its left-out period) and no output
changes, so no difference of outputs, no linear algebra over totals and rates and no
model inversion can give it back. Limits: bounds reasoning (counts are >= 0) and
relations between measures other than equal counts are not modelled; a filter added
later must filter the protected series, never protect a filtered one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

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


# --- the series rule: one protected input for every output ---------------------------------

SeriesKind = Literal["proportion", "mean"]

#: The cluster label of the combined units in ``ProtectedSeries.cells``.
COMBINED_UNIT = "combined units with small counts"


@dataclass(frozen=True)
class SeriesCell:
    """One unit x period cell of a measure: for a proportion a count of events out of
    ``denominator``; for a mean the sum of the values and their count."""

    unit: str
    period: str
    numerator: float
    denominator: int


@dataclass(frozen=True)
class PeriodShown:
    """A period of the pooled series as it may be shown (``None``: suppressed).

    ``used`` says whether the period may enter any aggregate (total, rate over periods,
    control limit, model, interval); a left-out period never does.
    """

    period: str
    numerator: float | None
    denominator: int | None
    rate: float | None
    used: bool


@dataclass(frozen=True)
class ProtectedSeries:
    """A measure's series after the rule (module docstring): the only input of outputs."""

    kind: SeriesKind
    threshold: int
    periods: tuple[str, ...]
    pooled: tuple[PeriodShown, ...]
    units: tuple[str, ...]  # every unit of the data, sorted
    combined: frozenset[str]  # units never shown or used one by one
    cells: tuple[SeriesCell, ...]  # shown units and the combined group, used periods only
    combined_label: str = COMBINED_UNIT

    @property
    def left_out(self) -> tuple[str, ...]:
        return tuple(p.period for p in self.pooled if not p.used)

    @property
    def shown_units(self) -> tuple[str, ...]:
        return tuple(u for u in self.units if u not in self.combined)


def is_small(count: float, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A count that may not be shown or derivable: 1..threshold-1 (0 is shown)."""
    return 1 <= round(count) < threshold


def _small_parts(
    numerator: float, denominator: float, kind: SeriesKind, threshold: int
) -> tuple[bool, bool]:
    """(numerator part hidden, denominator hidden) for a cell or a sum of cells. A
    proportion's numerator is hidden when it or its complement is small; a mean's
    numerator is a sum of values, hidden with its count."""
    den_small = is_small(denominator, threshold)
    if kind == "proportion":
        events = round(numerator)
        return is_small(events, threshold) or is_small(denominator - events, threshold), den_small
    return den_small, den_small


def _grid(
    cells: Sequence[SeriesCell], units: Sequence[str], periods: Sequence[str]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Numerators and denominators as unit x period arrays (repeated cells add up)."""
    ui = {u: k for k, u in enumerate(units)}
    pi = {p: k for k, p in enumerate(periods)}
    num = np.zeros((len(units), len(periods)))
    den = np.zeros((len(units), len(periods)))
    for c in cells:
        num[ui[c.unit], pi[c.period]] += c.numerator
        den[ui[c.unit], pi[c.period]] += c.denominator
    return num, den


def _small_mask(
    num: np.ndarray[Any, np.dtype[np.float64]],
    den: np.ndarray[Any, np.dtype[np.float64]],
    kind: SeriesKind,
    threshold: int,
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Element-wise: does the cell (or group sum) hold a small count?"""

    def small(a: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        r = np.rint(a)
        return np.asarray((r >= 1) & (r < threshold), dtype=np.bool_)

    mask = small(den)
    if kind == "proportion":
        mask = mask | small(num) | small(den - np.rint(num))
    return mask


def combine_units(
    series: Sequence[tuple[SeriesKind, Sequence[SeriesCell]]],
    threshold: int = DEFAULT_THRESHOLD,
) -> frozenset[str]:
    """The units to combine, decided once over every measure of a project (so that two
    measures sharing a count group their units the same way): each unit with a small cell
    in any series, then greedily the unit that leaves the fewest small group cells (ties:
    the smallest denominator total, then the name) while that number goes down."""
    if threshold < 1:
        raise PrivacyInputError("threshold must be at least 1")
    units = sorted({c.unit for _, cells in series for c in cells})
    if not units:
        return frozenset()
    grids = []
    for kind, cells in series:
        periods = sorted({c.period for c in cells})
        num, den = _grid(cells, units, periods)
        grids.append((kind, num, den))
    chosen = np.zeros(len(units), dtype=bool)
    for kind, num, den in grids:
        chosen |= _small_mask(num, den, kind, threshold).any(axis=1)
    if not chosen.any():
        return frozenset()
    size = sum(den.sum(axis=1) for _, _, den in grids)

    def small_groups(extra: np.ndarray[Any, np.dtype[np.bool_]] | None) -> np.ndarray[Any, Any]:
        """Small group cells with the chosen units, plus each unit in turn if ``extra``."""
        total = np.zeros(len(units) if extra is not None else 1)
        for kind, num, den in grids:
            gn, gd = num[chosen].sum(axis=0), den[chosen].sum(axis=0)
            if extra is None:
                total += _small_mask(gn, gd, kind, threshold).sum()
            else:
                total += _small_mask(gn + num, gd + den, kind, threshold).sum(axis=1)
        return total

    current = int(small_groups(None)[0])
    while current and not chosen.all():
        counts = small_groups(chosen)
        best = min(
            (k for k in range(len(units)) if not chosen[k]),
            key=lambda k: (counts[k], size[k], units[k]),
        )
        if counts[best] >= current:
            break
        chosen[best] = True
        current = int(counts[best])
    return frozenset(u for u, c in zip(units, chosen, strict=True) if c)


def protect_series(
    cells: Sequence[SeriesCell],
    *,
    kind: SeriesKind,
    threshold: int = DEFAULT_THRESHOLD,
    periods: Sequence[str] | None = None,
    combined: Iterable[str] | None = None,
) -> ProtectedSeries:
    """Apply the series rule (module docstring). ``periods`` gives their order (default:
    sorted); ``combined`` is the project's ``combine_units`` result (default: this
    series' own). A unit with a small cell here is combined whatever ``combined`` says."""
    if threshold < 1:
        raise PrivacyInputError("threshold must be at least 1")
    order = (
        list(dict.fromkeys(periods)) if periods is not None else sorted({c.period for c in cells})
    )
    if {c.period for c in cells} - set(order):
        raise PrivacyInputError("every cell's period must be in the given periods")
    units = sorted({c.unit for c in cells})
    num, den = _grid(cells, units, order)
    own_small = np.asarray(_small_mask(num, den, kind, threshold).any(axis=1), dtype=bool)
    group = (
        combine_units([(kind, cells)], threshold) if combined is None else frozenset(combined)
    ) & set(units) | {u for k, u in enumerate(units) if own_small[k]}
    in_group = np.array([u in group for u in units], dtype=bool)
    has_cell = np.zeros((len(units), len(order)), dtype=bool)
    ui = {u: k for k, u in enumerate(units)}
    pi = {p: k for k, p in enumerate(order)}
    for c in cells:
        has_cell[ui[c.unit], pi[c.period]] = True
    label = COMBINED_UNIT
    while label in ui:
        label += "*"
    pooled: list[PeriodShown] = []
    out: list[SeriesCell] = []
    for j, period in enumerate(order):
        gn, gd = float(num[in_group, j].sum()), float(den[in_group, j].sum())
        tn, td = float(num[:, j].sum()), float(den[:, j].sum())
        g_num, g_den = _small_parts(gn, gd, kind, threshold)
        t_num, t_den = _small_parts(tn, td, kind, threshold)  # implied by the group's; kept
        num_hidden, den_hidden = g_num or t_num, g_den or t_den
        used = not (num_hidden or den_hidden)
        pooled.append(
            PeriodShown(
                period=period,
                numerator=tn if kind == "proportion" and not num_hidden else None,
                denominator=None if den_hidden else int(round(td)),
                rate=tn / td if used and td > 0 else None,
                used=used,
            )
        )
        if not used:
            continue
        for k, unit in enumerate(units):
            if not in_group[k] and has_cell[k, j]:
                out.append(SeriesCell(unit, period, float(num[k, j]), int(round(den[k, j]))))
        if (in_group & has_cell[:, j]).any():
            out.append(SeriesCell(label, period, gn, int(round(gd))))
    return ProtectedSeries(
        kind=kind,
        threshold=threshold,
        periods=tuple(order),
        pooled=tuple(pooled),
        units=tuple(units),
        combined=frozenset(group),
        cells=tuple(out),
        combined_label=label,
    )

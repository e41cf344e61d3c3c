"""Privacy guard: Safe Harbor identifiers, coarsening and small-cell suppression.

References: HIPAA 45 CFR 164.514(b)(2) (the 18 Safe Harbor identifiers); HHS OCR
de-identification guidance (2012), section 3.4 (restricted ZIP3 list); CMS cell size
suppression policy (no count 1-10 shown or derivable; threshold 11, as in PCORnet).

Hypothesis budget: the three suppression properties below each run 300 examples of a
batch of 12 random tables (1-5 x 1-5, counts drawn to hit 0, 1-10 and >= 11 often), i.e.
3 x 300 x 12 = 10,800 generated tables per run, kept at 300 examples per property so the
suite stays fast.
"""

from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmepath.outcomes.privacy import (
    PrivacyInputError,
    RateCell,
    coarsen_age,
    coarsen_date,
    coarsen_date_to_year,
    coarsen_zip,
    guard_columns,
    restricted_zip3,
    suppress,
    suppress_rates,
)

# --- identifier detection ------------------------------------------------------------

# One synthetic column per category, detected by its name.
BY_NAME = {
    "patient_name": "name",
    "street_address": "address",
    "phone": "phone",
    "fax_number": "fax",
    "email": "email",
    "ssn": "ssn",
    "mrn": "mrn",
    "health_plan_id": "health_plan",
    "account_number": "account",
    "licence_number": "licence",
    "vin": "vehicle",
    "device_serial": "device",
    "website_url": "url",
    "ip_address": "ip",
    "fingerprint": "biometric",
    "photo": "photo",
    "clinical_notes": "free_text",
}
# The same categories detected from values in a neutrally named column.
BY_VALUE = {
    "ssn": "123-45-6789",
    "phone": "(617) 555-0199",
    "email": "jane.doe@example.org",
    "ip": "192.168.10.24",
    "url": "https://example.org/patient/123",
    "mrn": "MRN00123456",
    "free_text": "Patient seen today, complains of chest pain since Monday morning.",
    "date": "seen on 2024-03-05 at clinic",
}


@pytest.mark.parametrize(("column", "category"), BY_NAME.items())
def test_direct_identifier_columns_are_refused_by_name(column, category):
    report = guard_columns([column, "outcome"], [{column: "x", "outcome": "1"}])
    assert not report.ok
    assert [(f.column, f.category, f.action) for f in report.refused] == [
        (column, category, "refuse")
    ]
    assert report.accepted == ("outcome",)
    assert column in report.message()


@pytest.mark.parametrize(("category", "value"), BY_VALUE.items())
def test_identifier_values_are_refused_in_any_column(category, value):
    report = guard_columns(["field_7"], [{"field_7": value}])
    assert category in {f.category for f in report.refused}


def test_ipv6_values_are_detected():
    report = guard_columns(["x"], [{"x": "2001:db8::8a2e:370:7334"}])
    assert "ip" in {f.category for f in report.refused}


def test_quasi_identifiers_are_marked_for_coarsening():
    rows = [{"zip": "02139", "age": "93", "admit_date": "2024-03-05", "period": "2024-03"}]
    report = guard_columns(["zip", "age", "admit_date", "period"], rows)
    assert report.ok
    assert {(f.column, f.category) for f in report.to_coarsen} == {
        ("zip", "zip"),
        ("age", "age"),
        ("admit_date", "date"),
    }


def test_five_digit_values_in_an_unnamed_column_are_treated_as_zip():
    report = guard_columns(["area"], [{"area": "02139"}, {"area": "94110"}])
    assert [f.category for f in report.to_coarsen] == ["zip"]


def test_allowlist_refuses_unlisted_columns_and_checks_numeric_kinds():
    allow = {"period": "period", "unit": "id", "events": "count", "patients": "count"}
    rows = [{"period": "2024-01", "unit": "C01", "events": "12", "patients": "n/a", "extra": "1"}]
    report = guard_columns(["period", "unit", "events", "patients", "extra"], rows, allowlist=allow)
    refused = {f.column: f.category for f in report.refused}
    assert refused == {"patients": "not_numeric", "extra": "not_allowlisted"}
    # five-digit denominators are counts, not ZIP codes, when declared as counts
    ok = guard_columns(["events"], [{"events": "12345"}], allowlist={"events": "count"})
    assert ok.ok and not ok.findings


def test_allowlisted_columns_are_still_scanned_for_identifier_values():
    report = guard_columns(["unit"], [{"unit": "john@example.org"}], allowlist={"unit": "id"})
    assert [f.category for f in report.refused] == ["email"]


def test_clean_extract_passes():
    rows = [{"period": "2024-01", "clinic": "C01", "events": "14", "patients": "120"}]
    report = guard_columns(list(rows[0]), rows)
    assert report.ok and report.findings == ()
    assert report.message() == "All columns passed the privacy check."


# --- coarsening ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03"),
        ("3/5/2024", "2024-03"),
        ("2024-03", "2024-03"),
        (date(2024, 12, 31), "2024-12"),
        ("2024-03-05T10:00:00", "2024-03"),
    ],
)
def test_coarsen_date_to_month(value, expected):
    assert coarsen_date(value) == expected


def test_coarsen_date_to_year_for_safe_harbor():
    assert coarsen_date_to_year("2024-03-05") == "2024"
    assert coarsen_date_to_year("2024") == "2024"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
@settings(max_examples=300)
def test_date_coarsening_is_idempotent(day):
    once = coarsen_date(day.isoformat())
    assert coarsen_date(once) == once
    assert once == f"{day.year:04d}-{day.month:02d}"
    assert coarsen_date_to_year(coarsen_date_to_year(day)) == str(day.year).zfill(4)


def test_restricted_zip3_list_is_the_hhs_list():
    """HHS OCR guidance (2012) section 3.4 lists 17 ZIP3 areas of 20,000 people or fewer."""
    assert len(restricted_zip3()) == 17
    assert {"036", "059", "102", "893"} <= restricted_zip3()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("02139", "021"), ("03601", "000"), ("10201-1234", "000"), (94110, "941")],
)
def test_coarsen_zip(value, expected):
    assert coarsen_zip(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(89, "89"), (90, "90+"), ("104", "90+"), ("90+", "90+"), (0, "0")]
)
def test_coarsen_age(value, expected):
    assert coarsen_age(value) == expected


def test_bad_values_raise_privacy_errors():
    with pytest.raises(PrivacyInputError):
        coarsen_zip("ABCDE")
    with pytest.raises(PrivacyInputError):
        coarsen_date("yesterday")
    with pytest.raises(PrivacyInputError):
        coarsen_age(-1)


# --- suppression -----------------------------------------------------------------------


def test_lone_small_cell_forces_complementary_suppression():
    result = suppress([[5, 20], [30, 40]])
    grid = result.grid()
    assert grid[0][0] is None
    assert (0, 0) in result.primary
    # the 5 cannot be recovered from its row or its column
    assert grid[0][1] is None or grid[0][2] is None
    assert grid[1][0] is None or grid[2][0] is None


def test_zero_cells_are_shown_and_nothing_else_is_hidden():
    result = suppress([[0, 20], [30, 40]])
    assert result.grid() == [[0, 20, 20], [30, 40, 70], [30, 60, 90]]


def test_threshold_is_configurable():
    assert suppress([[12, 20], [30, 40]], threshold=11).cells[0][0] == 12
    assert suppress([[12, 20], [30, 40]], threshold=13).cells[0][0] is None


COUNTS = np.array([0, 0, 1, 2, 5, 9, 10, 11, 12, 25, 60, 300])


def _batch(seed):
    """12 random tables (1-5 x 1-5) from one seed; numpy keeps generation cheap."""
    rng = np.random.default_rng(seed)
    return [rng.choice(COUNTS, size=tuple(rng.integers(1, 6, 2))).tolist() for _ in range(12)]


batches = st.integers(0, 2**32 - 1).map(_batch)


def _augmented(table):
    data = np.asarray(table)
    r, c = data.shape
    grid = np.zeros((r + 1, c + 1), dtype=int)
    grid[:r, :c] = data
    grid[:r, c] = data.sum(axis=1)
    grid[r, :c] = data.sum(axis=0)
    grid[r, c] = data.sum()
    return grid


def _recoverable(shown):
    """Independent check: a hidden cell is recoverable iff its unit vector lies in the row
    space of the line equations restricted to the hidden cells (rank test)."""
    rows, cols = len(shown), len(shown[0])
    hidden = [(i, j) for i in range(rows) for j in range(cols) if shown[i][j] is None]
    if not hidden:
        return []
    eqs = []
    for i in range(rows):
        eqs.append(
            [
                (1 if (a == i and b < cols - 1) else -1 if (a == i and b == cols - 1) else 0)
                for a, b in hidden
            ]
        )
    for j in range(cols):
        eqs.append(
            [
                (1 if (b == j and a < rows - 1) else -1 if (b == j and a == rows - 1) else 0)
                for a, b in hidden
            ]
        )
    m = np.array(eqs, dtype=float)
    rank = np.linalg.matrix_rank(m)
    out = []
    for k, cell in enumerate(hidden):
        unit = np.zeros(len(hidden))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([m, unit])) == rank:
            out.append(cell)
    return out


@given(batches)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_displayed_count_is_zero_or_at_least_the_threshold(batch):
    for table in batch:
        shown = suppress(table).grid()
        truth = _augmented(table)
        for i, row in enumerate(shown):
            for j, value in enumerate(row):
                if value is not None:
                    assert value == 0 or value >= 11
                    assert value == truth[i, j]
                else:
                    assert truth[i, j] >= 0


@given(batches)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_suppressed_cell_is_recoverable_from_the_totals(batch):
    for table in batch:
        shown = suppress(table).grid()
        assert _recoverable(shown) == []
        # the simple form of the rule: no line holds exactly one hidden cell
        for line in [*shown, *zip(*shown, strict=True)]:
            assert sum(v is None for v in line) != 1


@given(batches, st.integers(2, 30))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_properties_hold_for_any_threshold(batch, threshold):
    for table in batch:
        result = suppress(table, threshold=threshold)
        shown = result.grid()
        assert all(v is None or v == 0 or v >= threshold for row in shown for v in row)
        assert _recoverable(shown) == []
        assert result.primary.isdisjoint(result.complementary)


def test_rates_with_small_numerator_or_denominator_are_hidden():
    cells = [
        RateCell("A", "2024-01", 5, 100),
        RateCell("A", "2024-02", 30, 100),
        RateCell("B", "2024-01", 40, 100),
        RateCell("B", "2024-02", 3, 8),
        RateCell("C", "2024-01", 0, 50),
        RateCell("C", "2024-02", 20, 60),
    ]
    shown = {(c.unit, c.period): c for c in suppress_rates(cells)}
    assert shown[("A", "2024-01")].rate is None and shown[("A", "2024-01")].numerator is None
    assert shown[("B", "2024-02")].rate is None and shown[("B", "2024-02")].denominator is None
    assert shown[("B", "2024-01")].numerator is None  # complementary: B's column total is shown
    clean = suppress_rates([RateCell("A", "1", 0, 50), RateCell("A", "2", 20, 60)])
    assert [c.rate for c in clean] == [0.0, pytest.approx(1 / 3)]
    for cell in shown.values():
        assert cell.numerator is None or cell.numerator == 0 or cell.numerator >= 11
        assert cell.denominator is None or cell.denominator == 0 or cell.denominator >= 11
        if cell.rate is not None:
            assert cell.numerator is not None and cell.denominator is not None

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
    COMBINED_UNIT,
    PrivacyInputError,
    RateCell,
    SeriesCell,
    coarsen_age,
    coarsen_date,
    coarsen_date_to_year,
    coarsen_zip,
    combine_units,
    guard_columns,
    protect_series,
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


# --- the series rule (issue 12): protect_series and combine_units -----------------------------

MONTHS = [f"2024-{m:02d}" for m in range(1, 7)]


def _series(**units: list[tuple[float, int]]) -> list[SeriesCell]:
    return [
        SeriesCell(unit, MONTHS[j], n, d)
        for unit, cells in units.items()
        for j, (n, d) in enumerate(cells)
    ]


def test_a_small_cell_combines_its_unit_and_leaves_its_period_out():
    # B has 3 of 60 in March, A none of 60: even with A the group's March is small
    cells = _series(
        A=[(30, 60), (30, 60), (0, 60), (30, 60), (30, 60), (30, 60)],
        B=[(20, 60), (20, 60), (3, 60), (20, 60), (20, 60), (20, 60)],
    )
    ps = protect_series(cells, kind="proportion", periods=MONTHS)
    assert ps.combined == {"B"} and ps.shown_units == ("A",)
    assert ps.left_out == ("2024-03",)
    march = ps.pooled[2]
    assert (march.numerator, march.denominator, march.rate, march.used) == (None, 120, None, False)
    assert ps.pooled[0].numerator == 50 and ps.pooled[0].rate == pytest.approx(50 / 120)
    # statistics see A's cells and the group's, never B's alone, and nothing from March
    assert {c.unit for c in ps.cells} == {"A", COMBINED_UNIT}
    assert "2024-03" not in {c.period for c in ps.cells}


def test_a_period_is_kept_by_combining_more_units_when_that_helps():
    # with A's 30 of 60 the group's March (33 of 120) is large: A is combined too
    cells = _series(A=[(30, 60)] * 6, B=[(20, 60), (20, 60), (3, 60), (20, 60), (20, 60), (20, 60)])
    ps = protect_series(cells, kind="proportion", periods=MONTHS)
    assert ps.combined == {"A", "B"} and ps.left_out == () and ps.shown_units == ()


def test_a_partner_is_combined_when_it_keeps_periods_in():
    # A's counts are small every month: alone it would leave every month out; with the
    # smaller of B and C every group cell is large, so nothing is left out
    cells = _series(A=[(3, 9)] * 6, B=[(20, 60)] * 6, C=[(30, 100)] * 6)
    ps = protect_series(cells, kind="proportion", periods=MONTHS)
    assert ps.combined == {"A", "B"} and ps.left_out == ()
    assert [c.unit for c in ps.cells if c.period == "2024-01"] == ["C", COMBINED_UNIT]
    group = next(c for c in ps.cells if c.unit == COMBINED_UNIT)
    assert (group.numerator, group.denominator) == (23, 69)


def test_a_lone_unit_with_small_counts_has_them_left_out():
    ps = protect_series(
        _series(A=[(3, 40), (20, 40), (0, 40), (40, 40), (35, 40), (20, 40)]), kind="proportion"
    )
    # 3 events, and 5 orders without the event (40 - 35), are small; 0 and 40 of 40 are not
    assert ps.combined == {"A"} and ps.left_out == ("2024-01", "2024-05")
    assert [p.numerator for p in ps.pooled] == [None, 20, 0, 40, None, 20]
    assert all(p.denominator == 40 for p in ps.pooled)


def test_a_mean_checks_its_counts_only():
    # a mean's numerator is a sum of days, not a count: 3.0 days over 40 orders is shown
    cells = _series(A=[(3.0, 40)] * 5 + [(35.0, 5)], B=[(300.0, 40)] * 6)
    ps = protect_series(cells, kind="mean", periods=MONTHS)
    assert ps.combined == {"A", "B"} and ps.left_out == ()
    assert all(p.numerator is None for p in ps.pooled)  # a mean shows no numerator
    assert ps.pooled[5].rate == pytest.approx(335 / 45)


def test_units_are_combined_once_over_every_measure():
    # B is small only in the proportion, yet is combined for the mean too
    proportion = _series(
        A=[(0, 5)] + [(20, 40)] * 5,
        B=[(20, 40)] * 3 + [(5, 40)] + [(20, 40)] * 2,
        C=[(15, 30)] * 6,
    )
    mean = [SeriesCell(c.unit, c.period, 6.0 * c.denominator, c.denominator) for c in proportion]
    combined = combine_units([("proportion", proportion), ("mean", mean)])
    assert combined == {"A", "B"}
    assert combine_units([("mean", mean)]) == {"A", "C"}  # what the mean alone would choose
    assert protect_series(mean, kind="mean", combined=combined).combined == {"A", "B"}


def test_nothing_small_means_nothing_hidden():
    cells = _series(A=[(0, 40)] * 6, B=[(40, 40)] * 6)
    ps = protect_series(cells, kind="proportion")
    assert ps.combined == frozenset() and ps.left_out == ()
    assert len(ps.cells) == 12 and all(p.used and p.rate == 0.5 for p in ps.pooled)
    assert combine_units([]) == frozenset()


def test_series_rule_input_errors():
    with pytest.raises(PrivacyInputError):
        protect_series(_series(A=[(1, 2)]), kind="proportion", threshold=0)
    with pytest.raises(PrivacyInputError):
        protect_series(_series(A=[(1, 2)]), kind="proportion", periods=["2024-02"])


def _random_series(seed: int) -> tuple[str, list[SeriesCell]]:
    rng = np.random.default_rng(seed)
    n_units, n_periods = int(rng.integers(1, 6)), int(rng.integers(1, 8))
    kind = "proportion" if rng.random() < 0.7 else "mean"
    cells = []
    for u in range(n_units):
        for t in range(n_periods):
            d = int(rng.choice(COUNTS))
            n = (
                int(rng.integers(0, d + 1))
                if kind == "proportion"
                else float(d * rng.uniform(1, 9))
            )
            cells.append(SeriesCell(f"U{u}", f"{t:02d}", n, d))
    return kind, cells


@given(st.integers(0, 2**32 - 1), st.integers(2, 30))
@settings(max_examples=300, deadline=None)
def test_the_protected_series_holds_no_small_count(seed, threshold):
    kind, cells = _random_series(seed)
    ps = protect_series(cells, kind=kind, threshold=threshold)

    def fine(v: float | None) -> bool:
        return v is None or round(v) == 0 or round(v) >= threshold

    # every count shown or used is 0 or at least the threshold, and so is each complement
    for p in ps.pooled:
        assert fine(p.denominator) and fine(p.numerator)
        if p.numerator is not None and p.denominator is not None:
            assert fine(p.denominator - p.numerator)
        assert (p.rate is not None) <= p.used
    for c in ps.cells:
        assert fine(c.denominator)
        if kind == "proportion":
            assert fine(c.numerator) and fine(c.denominator - c.numerator)
        # a combined unit is never used on its own; a left-out period never at all
        assert c.unit not in ps.combined and c.period not in ps.left_out
    # every unit with a small count is combined
    small = {
        c.unit
        for c in cells
        if 1 <= c.denominator < threshold
        or (
            kind == "proportion"
            and (1 <= c.numerator < threshold or 1 <= c.denominator - c.numerator < threshold)
        )
    }
    assert small <= ps.combined

"""Dates written as pages write them, in Python (core.dates)."""

from __future__ import annotations

from datetime import date

from cmepath.core.dates import site_date, site_dates


def test_site_date_is_the_templates_m_j_y():
    assert site_date(date(2027, 6, 30)) == "Jun 30, 2027"
    assert site_date(date(2026, 1, 5)) == "Jan 5, 2026"


def test_iso_dates_in_text_become_site_dates_and_nothing_else_changes():
    assert site_dates("due 2027-06-30 (205 days); cycle 2025-07-01 to 2027-06-30") == (
        "due Jun 30, 2027 (205 days); cycle Jul 1, 2025 to Jun 30, 2027"
    )
    assert site_dates("code 2027-13-40 and id 12345-67-89") == "code 2027-13-40 and id 12345-67-89"

"""What the dashboard says of a requirement agrees with its colour and its deadline: a
requirement due in 206 days is "On track", not red (issue 13 item 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cmepath.credits.selectors import TIMED_STATUS, timed_status

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("status", "days", "shown", "label", "colour"),
    [
        ("unmet", 206, "on_track", "On track", ""),
        ("unmet", 91, "on_track", "On track", ""),
        ("unmet", 90, "due_soon", "Due within 90 days", "warn"),
        ("at_risk", 10, "due_soon", "Due within 90 days", "warn"),
        ("unmet", -1, "overdue", "Overdue", "bad"),
        ("met", -30, "met", "Met", "ok"),
        ("not_applicable", 5, "not_applicable", "Not applicable", ""),
    ],
)
def test_words_and_colours_follow_the_deadline(status, days, shown, label, colour):
    assert timed_status(status, TODAY + timedelta(days=days), TODAY) == shown
    assert TIMED_STATUS[shown] == (label, colour)


def test_the_dashboard_explains_its_statuses(client_for, clinician):
    body = client_for(clinician).get("/credits/").content.decode()
    assert "What the statuses mean" in body
    for label, _ in TIMED_STATUS.values():
        assert label in body

"""Pay-transparency laws: which states require a salary range, from when, and what we say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cmepath.jobs import paylaw

LATE_2026 = dt.date(2026, 12, 15)
SECTION_6 = {"CO", "CA", "WA", "NY", "IL", "MN", "NJ", "VT", "MA"}


def _raw() -> dict:
    return yaml.safe_load(paylaw.DATA_FILE.read_text(encoding="utf-8"))


def test_the_file_lists_the_nine_section_6_states_plus_hi_dc_md():
    assert set(paylaw.load_laws()) == SECTION_6 | {"HI", "DC", "MD"}


def test_every_entry_has_a_source_url_and_an_in_force_date():
    raw = _raw()
    assert raw["source_note"].strip()
    assert str(raw["as_of"]) == "2026-12"
    for state, entry in raw["laws"].items():
        assert isinstance(entry["in_force"], dt.date), state
        assert entry["sources"], state
        assert all(url.startswith(("https://", "http://")) for url in entry["sources"]), state
        assert entry["penalty"].strip() and entry["covers"].strip(), state
    for law in paylaw.load_laws().values():
        assert law.url == raw["laws"][law.state]["sources"][0]


@pytest.mark.parametrize(
    ("state", "in_force"),
    [
        ("CO", dt.date(2021, 1, 1)),
        ("CA", dt.date(2023, 1, 1)),
        ("NY", dt.date(2023, 9, 17)),
        ("IL", dt.date(2025, 1, 1)),
        ("NJ", dt.date(2025, 6, 1)),
        ("VT", dt.date(2025, 7, 1)),
        ("MA", dt.date(2025, 10, 29)),
        ("DC", dt.date(2024, 6, 30)),
    ],
)
def test_a_law_applies_from_its_first_day_and_not_before(state, in_force):
    # Given the day before and the day the law came into force
    before = paylaw.laws_requiring_range([state], in_force - dt.timedelta(days=1))
    on_the_day = paylaw.laws_requiring_range([state], in_force)
    # Then it applies from that day only
    assert before == []
    assert [law.state for law in on_the_day] == [state]
    assert on_the_day[0].in_force == in_force


def test_remote_states_bring_every_law_in_force_sorted_by_state():
    # Given a remote vacancy open to Washington, Texas, California and New Jersey
    laws = paylaw.laws_requiring_range(["WA", "TX", "CA", "NJ", "CA"], LATE_2026)
    # Then the three states with a law are named once each, in state order
    assert [law.state for law in laws] == ["CA", "NJ", "WA"]


@pytest.mark.parametrize("states", [["TX"], ["ZZ"], [""], [], ["PR"], ["Colorado"]])
def test_states_without_a_law_give_none(states):
    assert paylaw.laws_requiring_range(states, LATE_2026) == []


def test_state_codes_are_read_case_insensitively():
    assert [law.state for law in paylaw.laws_requiring_range([" co", "ny"], LATE_2026)] == [
        "CO",
        "NY",
    ]


def test_thresholds_and_remote_coverage_are_typed():
    laws = paylaw.load_laws()
    assert laws["CO"].min_employees is None  # any employer
    assert laws["NY"].min_employees == 4
    assert laws["MN"].min_employees == 30
    assert laws["HI"].min_employees == 50
    assert laws["CO"].covers_remote is True
    assert laws["MN"].covers_remote is False  # the law is silent on remote jobs


def test_message_names_the_law_and_asks_for_both_ends_of_the_range():
    law = paylaw.load_laws()["CO"]
    assert paylaw.message([law]) == (
        "A pay range is required: Colorado's Equal Pay for Equal Work Act (C.R.S. 8-5-201(2)) "
        "requires a salary range in every posting for a job in or open to that state. "
        "Add a minimum and maximum salary."
    )


def test_message_for_several_laws_names_each_of_them():
    laws = paylaw.laws_requiring_range(["DC", "CA", "NY"], LATE_2026)
    text = paylaw.message(laws)
    assert text.startswith(
        "A pay range is required: California's pay scale disclosure law (SB 1162) "
        "(Cal. Lab. Code § 432.3), District of Columbia's Wage Transparency Omnibus Amendment "
        "Act of 2023 (D.C. Code § 32-1451 et seq.) and New York's pay transparency law "
        "(N.Y. Lab. Law § 194-b) require a salary range"
    )
    assert text.endswith("open to those states. Add a minimum and maximum salary.")


def test_message_is_empty_when_no_law_applies():
    assert paylaw.message([]) == ""


GOOD_ENTRY = """
source_note: test
as_of: 2026-12
laws:
  CO:
    name: Act
    citation: C.R.S. 1
    in_force: 2021-01-01
    min_employees: null
    covers_remote: true
    sources: [https://example.org/co]
"""


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("    citation: C.R.S. 1\n", "", "missing citation"),
        ("in_force: 2021-01-01", "in_force: soon", "in_force must be a date"),
        ("sources: [https://example.org/co]", "sources: []", "sources must be"),
        ("sources: [https://example.org/co]", "sources: [example.org]", "sources must be"),
        ("min_employees: null", "min_employees: -3", "min_employees"),
        ("covers_remote: true", "covers_remote: sometimes", "covers_remote"),
        ("  CO:", "  ZZ:", "known two-letter state"),
    ],
)
def test_a_malformed_entry_raises_naming_the_file(old, new, problem):
    assert paylaw.parse_laws(GOOD_ENTRY, Path("x.yaml"))["CO"].citation == "C.R.S. 1"
    with pytest.raises(ValueError, match=r"^pay_laws\.yaml: .*" + problem):
        paylaw.parse_laws(GOOD_ENTRY.replace(old, new), Path("pay_laws.yaml"))


def test_a_file_without_laws_is_refused():
    with pytest.raises(ValueError, match="x.yaml: missing top-level 'laws'"):
        paylaw.parse_laws("source_note: a\nas_of: b\n", Path("x.yaml"))

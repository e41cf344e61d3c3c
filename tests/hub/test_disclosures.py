"""Disclosure views from dated rows: ACCME (ineligible, 24 months) and ICMJE (all, 36)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.hub.choices import DISCLOSURE_VALID_DAYS
from cmepath.hub.disclosures import (
    ACCME_NONE,
    ICMJE_NONE,
    MITIGATED,
    CompanyLine,
    Nature,
    Relationship,
    Statement,
    accme_view,
    icmje_view,
    months_before,
    statement_current,
)

AS_OF = date(2026, 12, 1)
ACCME_SINCE = date(2024, 12, 1)
ICMJE_SINCE = date(2023, 12, 1)


def rel(
    company: str = "Acme Pharma",
    *,
    start: date = date(2025, 1, 1),
    end: date | None = None,
    ineligible: bool = True,
    nature: str = "consultant",
    label: str = "Consultant",
    paid_to: str = "author",
) -> Relationship:
    return Relationship(
        company=company,
        ineligible=ineligible,
        nature=nature,
        nature_label=label,
        paid_to=paid_to,
        start=start,
        end=end,
    )


def names(view_companies: tuple[CompanyLine, ...]) -> list[str]:
    return [line.company for line in view_companies]


def test_windows_are_24_and_36_months() -> None:
    assert accme_view([], as_of=AS_OF).since == ACCME_SINCE
    assert icmje_view([], as_of=AS_OF).since == ICMJE_SINCE
    assert accme_view([], as_of=AS_OF).months == 24
    assert icmje_view([], as_of=AS_OF).months == 36


def test_ended_25_months_ago_is_out_of_accme_but_in_icmje() -> None:
    # Given a relationship that ended 25 months before the activity
    rows = [rel(start=date(2022, 6, 1), end=date(2024, 11, 1))]

    # Then ACCME no longer asks for it, ICMJE still does
    assert accme_view(rows, as_of=AS_OF).companies == ()
    assert names(icmje_view(rows, as_of=AS_OF).companies) == ["Acme Pharma"]


@pytest.mark.parametrize(
    ("end", "in_accme"),
    [
        (ACCME_SINCE, True),  # ended on the first day of the window: still inside
        (ACCME_SINCE - timedelta(days=1), False),  # the day before: outside
        (AS_OF, True),
        (None, True),
    ],
)
def test_accme_window_edge(end: date | None, in_accme: bool) -> None:
    rows = [rel(start=date(2020, 1, 1), end=end)]

    assert accme_view(rows, as_of=AS_OF).has_relationships is in_accme


@pytest.mark.parametrize(
    ("end", "in_icmje"),
    [(ICMJE_SINCE, True), (ICMJE_SINCE - timedelta(days=1), False)],
)
def test_icmje_window_edge(end: date, in_icmje: bool) -> None:
    rows = [rel(start=date(2019, 1, 1), end=end, ineligible=False)]

    assert icmje_view(rows, as_of=AS_OF).has_relationships is in_icmje


def test_open_ended_relationship_from_long_ago_is_in_both() -> None:
    rows = [rel(start=date(2010, 3, 1), end=None)]

    assert accme_view(rows, as_of=AS_OF).has_relationships
    assert icmje_view(rows, as_of=AS_OF).has_relationships


def test_relationship_starting_after_the_date_is_not_shown() -> None:
    rows = [rel(start=AS_OF + timedelta(days=1))]

    assert not accme_view(rows, as_of=AS_OF).has_relationships
    assert not icmje_view(rows, as_of=AS_OF).has_relationships


def test_eligible_companies_are_excluded_from_accme_but_shown_in_icmje() -> None:
    rows = [
        rel("Acme Pharma"),
        rel("City Hospital Foundation", ineligible=False, label="Advisor", nature="advisor"),
    ]

    assert names(accme_view(rows, as_of=AS_OF).companies) == ["Acme Pharma"]
    assert names(icmje_view(rows, as_of=AS_OF).companies) == [
        "Acme Pharma",
        "City Hospital Foundation",
    ]


def test_accme_view_names_companies_sorted_with_natures_and_mitigation() -> None:
    rows = [
        rel("Zeta Devices", label="Speaker", nature="speaker"),
        rel("acme  pharma", label="Speaker", nature="speaker"),
        rel("Acme Pharma", label="Consultant"),
        rel("Acme Pharma", label="Consultant", start=date(2025, 6, 1)),
    ]

    view = accme_view(rows, as_of=AS_OF)

    assert view.companies == (
        CompanyLine("acme pharma", (Nature("Consultant"), Nature("Speaker"))),
        CompanyLine("Zeta Devices", (Nature("Speaker"),)),
    )
    assert view.mitigated == MITIGATED
    assert view.mitigated == "All relevant financial relationships have been mitigated."
    assert view.none_statement == ""
    assert view.companies[0].text == "acme pharma: Consultant, Speaker"


def test_accme_none_sentence_when_nothing_to_disclose() -> None:
    rows = [
        rel("Old Pharma", end=date(2023, 1, 1)),
        rel("University", ineligible=False),
    ]

    view = accme_view(rows, as_of=AS_OF)

    assert view.companies == ()
    assert view.mitigated == ""
    assert view.none_statement == ACCME_NONE
    assert "No relevant financial relationships with ineligible companies" in ACCME_NONE


def test_icmje_view_shows_who_was_paid_and_no_mitigation_sentence() -> None:
    rows = [
        rel("Acme Pharma", label="Researcher", nature="researcher", paid_to="institution"),
        rel("Acme Pharma", label="Consultant", paid_to="author"),
    ]

    view = icmje_view(rows, as_of=AS_OF)

    assert view.companies == (
        CompanyLine(
            "Acme Pharma",
            (
                Nature("Consultant", "Paid to the author"),
                Nature("Researcher", "Paid to the institution"),
            ),
        ),
    )
    assert view.companies[0].text == (
        "Acme Pharma: Consultant (Paid to the author), Researcher (Paid to the institution)"
    )
    assert view.mitigated == ""
    assert icmje_view([], as_of=AS_OF).none_statement == ICMJE_NONE


def test_accme_view_never_shows_the_payee() -> None:
    view = accme_view([rel(paid_to="institution")], as_of=AS_OF)

    assert view.companies[0].natures == (Nature("Consultant"),)
    assert "Paid" not in view.companies[0].text


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 1), 24, date(2024, 12, 1)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 2, 29), 24, date(2026, 2, 28)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("declared_on", "current"),
    [
        (AS_OF, True),
        (AS_OF - timedelta(days=DISCLOSURE_VALID_DAYS), True),
        (AS_OF - timedelta(days=DISCLOSURE_VALID_DAYS + 1), False),
        (AS_OF + timedelta(days=1), False),
    ],
)
def test_statement_current(declared_on: date, current: bool) -> None:
    statement = Statement(declared_on=declared_on, none_to_disclose=True, mitigation="")

    assert statement_current(statement, AS_OF) is current


def test_no_statement_is_not_current() -> None:
    assert statement_current(None, AS_OF) is False


_days = st.dates(min_value=date(2015, 1, 1), max_value=date(2028, 12, 31))
_rows = st.lists(
    st.builds(
        lambda company, ineligible, start, length, paid_to: rel(
            company,
            ineligible=ineligible,
            start=start,
            end=None if length is None else start + timedelta(days=length),
            paid_to=paid_to,
        ),
        st.sampled_from(["Acme", "acme", "Beta Labs", "Gamma Health"]),
        st.booleans(),
        _days,
        st.none() | st.integers(0, 3000),
        st.sampled_from(["author", "institution"]),
    ),
    max_size=12,
)


@settings(max_examples=300)
@given(rows=_rows, as_of=_days)
def test_accme_companies_are_a_subset_of_icmje(rows: list[Relationship], as_of: date) -> None:
    accme = accme_view(rows, as_of=as_of)
    icmje = icmje_view(rows, as_of=as_of)

    assert {c.company.casefold() for c in accme.companies} <= {
        c.company.casefold() for c in icmje.companies
    }
    assert bool(accme.mitigated) != bool(accme.none_statement)
    assert bool(icmje.companies) != bool(icmje.none_statement)

"""Gaps lead to CME (issue 13 item 1), the credits side: each open requirement on the
dashboard and the home page links to the catalog search that closes it (its topics, the
credit types it accepts, the clinician's profession, activities ending by the deadline, the
``gap`` it is measured against), and what the clinician's rules accept is read once per page
to say how much of a gap an activity closes, or why it counts for none of them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse

from cmepath.accounts.models import Profile
from cmepath.catalog.selectors import activity_query, yyyymmdd
from cmepath.credits import selectors
from cmepath.credits.rules import default_rules
from cmepath.credits.selectors import ActivityCredits, count_notes, gap_ends_by, today
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory, UserFactory

pytestmark = pytest.mark.django_db

SPECS = {(r.id, q.id): q for r in default_rules() for q in r.requirements}


def _links(body: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"#]+)', body)]


@pytest.fixture
def ca_md(clinician):
    """An MD with a California licence expiring in 60 days (no DEA registration) and 7 h of
    AMA PRA Category 1 in the cycle."""
    Profile.objects.filter(user=clinician).update(profession="MD")
    LicenceFactory(
        user=clinician,
        state="CA",
        licence_type="MD",
        expiry_date=today() + timedelta(days=60),
        dea_registered=False,
    )
    CompletionFactory(
        user=clinician, completed_on=today() - timedelta(days=30), credits={"ama_pra_1": 7}
    )
    return clinician


def _open_requirements(user):
    board = selectors.dashboard(actor=user, as_of=today())
    return [
        (regime, req)
        for regime in board["regimes"]
        for req in regime.requirements
        if req.status in ("unmet", "at_risk")
    ]


def test_each_open_requirement_links_to_the_search_that_closes_it(ca_md, client_for):
    opened = _open_requirements(ca_md)
    assert {(r.regime_id, q.id) for r, q in opened} >= {("ca-md", "total")}
    body = client_for(ca_md).get(reverse("credits:dashboard")).content.decode()
    for regime, req in opened:
        spec = SPECS[(regime.regime_id, req.id)]
        url = urlsplit(req.find_url)
        params = parse_qs(url.query)
        assert url.path == reverse("catalog:search")
        assert sorted(params.get("topics", [])) == sorted(spec.topics)
        assert sorted(params.get("credit_type", [])) == sorted(spec.credit_types or ())
        assert params["profession"] == ["MD"]
        # activities ending by the deadline; an overdue one (the one-time pain management,
        # due within 4 years of the 2015 licensure) has no date filter
        ends_by = gap_ends_by(req.deadline or regime.deadline, regime.cure_until, today())
        assert params.get("ends_by") == ([ends_by.isoformat()] if ends_by else None)
        assert params["gap"] == [f"{regime.regime_id}:{req.id}"]
        assert "delivery" not in params  # delivery left open
        assert req.find_url in _links(body)
    assert body.count('data-testid="find-cme-row"') == len(opened)
    assert "Find CME for this" in body


def test_the_link_reads_back_as_the_catalog_filters(ca_md):
    regime, req = next((r, q) for r, q in _open_requirements(ca_md) if q.id == "total")
    query = QueryDict(urlsplit(req.find_url).query)
    parsed = activity_query(query, query.getlist)
    assert parsed.notes == ()
    assert parsed.query.filters == {"credit_type": ["ama_pra_1"], "profession": ["MD"]}
    assert parsed.query.ranges["end_date"].max == yyyymmdd(regime.deadline)
    assert parsed.values["ends_by"] == regime.deadline


def test_a_met_requirement_has_no_link(ca_md, client_for):
    CompletionFactory(
        user=ca_md, completed_on=today() - timedelta(days=10), credits={"ama_pra_1": 50}
    )
    body = client_for(ca_md).get(reverse("credits:dashboard")).content.decode()
    assert not [u for u in _links(body) if "gap=ca-md%3Atotal" in u or "gap=ca-md:total" in u]
    board = selectors.dashboard(actor=ca_md, as_of=today())
    total = next(q for r in board["regimes"] for q in r.requirements if q.id == "total")
    assert total.status == "met"
    assert total.find_url == ""


def test_home_top_gaps_carry_the_same_links(ca_md, client_for):
    body = client_for(ca_md).get("/").content.decode()
    dashboard_urls = {q.find_url for _, q in _open_requirements(ca_md)}
    home_urls = {u for u in _links(body) if "gap=" in u}
    assert home_urls
    assert home_urls <= dashboard_urls
    assert "Find CME for this" in body


@pytest.mark.parametrize(
    ("deadline", "cure", "expected"),
    [
        (date(2027, 1, 31), None, date(2027, 1, 31)),  # ahead: the deadline
        (date(2026, 1, 31), date(2027, 3, 1), date(2027, 3, 1)),  # passed, cure running
        (date(2026, 1, 31), date(2026, 3, 1), None),  # passed, cure over: no date filter
        (None, None, None),
    ],
)
def test_the_date_filter_follows_the_deadline_or_the_cure_period(deadline, cure, expected):
    assert gap_ends_by(deadline, cure, date(2026, 12, 7)) == expected


def test_only_a_signed_in_clinician_has_requirements_to_count(ca_md):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.requirements_accept(actor=AnonymousUser()) is None
    assert selectors.requirements_accept(actor=UserFactory(role="provider")) is None
    accept = selectors.requirements_accept(actor=ca_md)
    assert accept is not None and accept.profession == "MD"
    total = accept.gaps["ca-md:total"]
    assert (total.hours_needed, total.hours_missing) == (50.0, 43.0)
    assert total.credential == "California MD licence"
    deadline = total.deadline
    assert total.banner == (
        "Closing: 50 h AMA PRA Category 1 every 2 years for your California MD licence,"
        f" 43 h still needed by {deadline:%b} {deadline.day}, {deadline.year}"
    )


def test_a_gap_parameter_that_is_not_yours_names_nothing(ca_md):
    other = UserFactory(role="clinician")
    Profile.objects.filter(user=other).update(profession="NP")
    LicenceFactory(user=other, state="TX", licence_type="NP", dea_registered=False)
    theirs = selectors.requirements_accept(actor=other)
    assert "tx-np:total" in theirs.gaps
    mine = selectors.requirements_accept(actor=ca_md)
    for raw in ("tx-np:total", "nonsense", "ca-md:", ":total", "x" * 5000):
        focus = selectors.gap_focus(mine, raw)
        assert focus.target is None
        assert "is not one of your open requirements" in focus.message
        assert "Texas" not in focus.message and len(focus.message) < 300


def test_count_notes_close_part_of_the_gap_or_say_why_not(ca_md):
    accept = selectors.requirements_accept(actor=ca_md)
    gap = accept.gaps["ca-md:total"]
    notes = count_notes(
        accept,
        [
            ActivityCredits(1, {"ama_pra_1": 2.0, "ancc": 2.0}, frozenset()),
            ActivityCredits(2, {"ama_pra_1": 60.0}, frozenset()),
            ActivityCredits(3, {"ancc": 8.0}, frozenset({"pain_management"})),
            ActivityCredits(4, {}, frozenset()),
        ],
        gap,
    )
    assert notes[1].closes == "closes 2 of 43 h" and notes[1].closes_ok
    assert notes[2].closes == "closes 43 of 43 h"
    assert notes[3].closes == (
        "does not count toward this requirement: no AMA PRA Category 1 Credit"
    )
    assert not notes[3].closes_ok
    assert notes[3].not_counting == (
        "Does not count for your California MD licence: no AMA PRA Category 1 Credit"
    )
    assert notes[4].not_counting == (
        "Does not count for your California MD licence: no credit designated"
    )
    assert notes[1].not_counting == ""
    assert any(line.startswith("50 h AMA PRA Category 1") for line in notes[1].counts_toward)


def test_topic_reasons_use_labels(clinician):
    """DEA MATE takes any credit type but only substance-use training: the reason names the
    topic's label."""
    Profile.objects.filter(user=clinician).update(profession="NP")
    LicenceFactory(user=clinician, state="NV", licence_type="RN", dea_registered=True)
    accept = selectors.requirements_accept(actor=clinician)
    mate = next(g for g in accept.gaps.values() if g.key.startswith("dea-mate:"))
    note = count_notes(accept, [ActivityCredits(9, {"ancc": 3.0}, frozenset())], mate)[9]
    assert note.closes.startswith("does not count toward this requirement: not on a topic")
    assert "Substance use" in note.closes or "substance use" in note.closes.lower()
    assert "substance_use_disorder" not in note.closes


def test_a_gap_since_closed_says_it_is_met(ca_md):
    CompletionFactory(
        user=ca_md, completed_on=today() - timedelta(days=10), credits={"ama_pra_1": 50}
    )
    focus = selectors.gap_focus(selectors.requirements_accept(actor=ca_md), "ca-md:total")
    assert focus.target is None
    assert focus.message == (
        "Nothing still needed: 50 h AMA PRA Category 1 every 2 years for your California MD"
        " licence is met."
    )


def test_completion_form_is_prefilled_from_a_catalog_activity(client_for, clinician):
    from tests.catalog.factories import make_activity

    activity = make_activity(
        title="Pain management essentials",
        credits="ama_pra_1:12; ancc:10",
        topics=["pain_management"],
    )
    body = client_for(clinician).get(f"/credits/completions/new/?activity={activity.pk}")
    assert body.status_code == 200
    form = body.context["form"]
    assert form.initial["title"] == "Pain management essentials"
    assert form.initial["activity_id"] == activity.pk
    assert (form.initial["credit_type"], float(form.initial["amount"])) == ("ama_pra_1", 12.0)
    assert (form.initial["credit_type_2"], float(form.initial["amount_2"])) == ("ancc", 10.0)
    assert form.initial["topics"] == ["pain_management"]
    # an activity the user may not see is a 404, not a leak
    assert client_for(clinician).get("/credits/completions/new/?activity=999999").status_code == 404

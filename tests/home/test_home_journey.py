"""Issue 13, "one journey": the home agrees with itself and leads to the next step.

The next deadline is the first open requirement's (the gap list below it starts with the
same one); the editor's home links to the hub's review queue with a count; clinicians find
the planner and the reminder settings in their menus and a "Plan your CME" card on the home;
dates read "Mar 1, 2024" and the completion button is "Log a completion" everywhere.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from cmepath.accounts.models import Profile
from cmepath.credits.selectors import RegimeView, RequirementView, today
from cmepath.home import selectors
from cmepath.planner.models import Plan
from tests.factories import LicenceFactory, UserFactory
from tests.hub.conftest import draft, make_expert

AS_OF = date(2026, 3, 1)


def _req(label: str, *, deadline: date | None, status: str = "unmet", needed: float = 10):
    return RequirementView(
        id=label.lower().replace(" ", "_"),
        label=label,
        status=status,
        shown=status,
        status_label=status,
        status_class="bad" if status == "unmet" else "ok",
        hours_counted=0,
        hours_needed=needed,
        deadline=deadline,
        days_left=(deadline - AS_OF).days if deadline else None,
        explanation="",
        reason_not_applicable="",
        progress_value=0,
        progress_max=needed or 1,
        percent=0,
        counted_items=[],
        find_url="/catalog/" if status in {"unmet", "at_risk"} else "",
    )


def _regime(regime_id: str, deadline: date | None, *reqs: RequirementView, status: str = "unmet"):
    return RegimeView(
        regime_id=regime_id,
        name=f"{regime_id} licence",
        kind="licence",
        status=status,
        shown=status,
        status_label=status,
        status_class="bad",
        source_url="https://example.org/",
        as_of=AS_OF,
        cycle_start=None,
        cycle_end=deadline,
        deadline=deadline,
        days_left=(deadline - AS_OF).days if deadline else None,
        cure_until=deadline + timedelta(days=30) if deadline else None,
        requirements=list(reqs),
    )


# -- next deadline ------------------------------------------------------------------------------


def test_next_deadline_is_the_most_overdue_open_requirement_not_the_nearest_regime():
    # given a licence renewing in 10 days with its hours open, and a board whose cycle ends
    # in a year but whose one-time course was due 20 days ago
    licence = _regime("TX", AS_OF + timedelta(days=10), _req("Renewal hours", deadline=None))
    board = _regime(
        "ABIM",
        AS_OF + timedelta(days=365),
        _req("Cycle points", deadline=None),
        _req("One-time ethics course", deadline=AS_OF - timedelta(days=20), needed=2),
    )
    regimes = [licence, board]
    # when the home picks its next deadline
    nd = selectors.next_deadline(regimes)
    # then it is the overdue one-time requirement, the first gap of the list below it
    assert nd is not None
    assert (nd.requirement, nd.name, nd.days_left, nd.overdue, nd.open) == (
        "One-time ethics course",
        "ABIM licence",
        -20,
        True,
        True,
    )
    assert nd.countdown == "20 days overdue"
    first = selectors.top_gaps(regimes)[0]
    assert (first.label, first.deadline) == (nd.requirement, nd.deadline)
    # the board's cure period belongs to its own deadline, not to the one-time course
    assert nd.cure_until is None


def test_next_deadline_among_open_requirements_ignores_met_ones():
    met_soon = _regime(
        "CA", AS_OF + timedelta(days=5), _req("Pain course", deadline=None, status="met")
    )
    open_later = _regime("NY", AS_OF + timedelta(days=90), _req("Infection control", deadline=None))
    nd = selectors.next_deadline([met_soon, open_later])
    assert nd is not None
    assert (nd.regime_id, nd.requirement, nd.days_left) == ("NY", "Infection control", 90)
    assert nd.cure_until == open_later.cure_until  # the requirement set's own deadline


def test_with_everything_met_the_next_deadline_is_the_next_cycle_end():
    past = _regime("CA", AS_OF - timedelta(days=5), _req("Hours", deadline=None, status="met"))
    ahead = _regime("TX", AS_OF + timedelta(days=40), _req("Hours", deadline=None, status="met"))
    nd = selectors.next_deadline([past, ahead])
    assert nd is not None
    assert (nd.regime_id, nd.requirement, nd.days_left, nd.open) == ("TX", "", 40, False)


# -- pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_clinician_home_names_the_requirement_and_shows_dates_as_on_every_page(
    clinician, client_for
):
    Profile.objects.filter(user=clinician).update(profession="MD")
    LicenceFactory(user=clinician, state="CA", licence_type="MD", expiry_date=date(2027, 6, 30))
    context = selectors.clinician_home(user=clinician)
    body = client_for(clinician).get("/").content.decode()
    card = body[body.index('data-testid="next-deadline"') :]
    assert f'data-testid="next-deadline-requirement">{context["gaps"][0].label}<' in card[:800]
    # the licences table says "Jun 30, 2027", as the rest of the site does
    assert "<td>Jun 30, 2027</td>" in body and "June 30, 2027" not in body
    # the completion button has one name everywhere
    assert "Log a completion" in body and "Record a completion" not in body


@pytest.mark.django_db
def test_the_plan_card_leads_to_the_planner_and_shows_the_latest_plan(clinician, client_for):
    client = client_for(clinician)
    body = client.get("/").content.decode()
    card = body[body.index('data-testid="plan-card"') :]
    card = card[: card.index("</section>")]
    assert f'href="{reverse("planner:planner")}"' in card and "Make a plan" in card
    fields = {
        "as_of": today(),
        "horizon_months": 12,
        "budget": Decimal("1500"),
        "days": Decimal("3"),
        "status": "optimal",
        "fingerprint": "x",
        "total_cost": Decimal("1200"),
    }
    Plan.objects.create(user=clinician, goal_key="cmo", goal_label="Older goal", **fields)
    newest = Plan.objects.create(
        user=clinician, goal_key="quality_lead", goal_label="Quality lead", **fields
    )
    Plan.objects.create(user=UserFactory(role="clinician"), goal_label="Not mine", **fields)
    body = client.get("/").content.decode()
    latest = body[body.index('data-testid="latest-plan"') :]
    latest = latest[: latest.index("</p>")]
    assert f'href="{reverse("planner:plan", args=[newest.pk])}">Quality lead</a>' in latest
    assert "$1,200" in latest and "0 activities" in latest
    assert "Older goal" not in body and "Not mine" not in body


@pytest.mark.django_db
def test_clinician_menus_lead_to_the_planner_and_the_reminders(clinician, client_for):
    client = client_for(clinician)
    body = client.get("/").content.decode()
    main = body[body.index('<nav aria-label="Main">') :]
    main = main[: main.index("</nav>")]
    account = body[body.index('<nav aria-label="Account">') :]
    account = account[: account.index("</nav>")]
    assert f'<a href="{reverse("planner:planner")}">Planner</a>' in main
    assert f'<a href="{reverse("credits:notifications")}">Reminders</a>' in account
    assert client.get(reverse("planner:planner")).status_code == 200
    assert client.get(reverse("credits:notifications")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["provider", "employer"])
def test_other_roles_get_no_planner_or_reminders(role, client_for):
    body = client_for(UserFactory(role=role)).get("/").content.decode()
    assert ">Planner</a>" not in body and ">Reminders</a>" not in body


@pytest.mark.django_db
def test_editor_home_counts_the_review_queue_and_links_to_it(client_for):
    from cmepath.hub import services as hub_services
    from tests.hub.conftest import make_editor

    editor = make_editor()
    client = client_for(editor)
    # nothing submitted yet: the queue is linked, and nothing says the hub is not built
    body = client.get("/").content.decode()
    assert 'data-testid="review-count-none"' in body
    assert "not built yet" not in body and "Coming" not in body
    # given two articles submitted by an expert
    author = make_expert(editor)
    hub_services.statement_declare(actor=author, none_to_disclose=True)
    for title in ("Sepsis bundles", "Antibiotics for pediatric UTIs"):
        hub_services.article_submit(actor=author, article=draft(author, title=title))
    body = client.get("/").content.decode()
    assert 'data-testid="review-count">2<' in body
    assert "2 in review, 0 approved" in body
    links = set(re.findall(r'href="([^"#]+)"', body[body.index("<main") :]))
    assert {reverse("hub:review"), reverse("hub:experts")} <= links
    assert {reverse("catalog:search"), reverse("credits:coverage")} <= links
    for href in links:
        if href.startswith("/") and not href.startswith("/static/"):
            assert client.get(href).status_code == 200, href

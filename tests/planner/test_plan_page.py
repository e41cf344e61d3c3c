"""The plan's page reads well: one h1 (the plan), each sentence once, the simple choice in
words, dates as the site writes them ("Dec 7, 2026"), and a way to change the limits that
opens the planner with the plan's values."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from cmepath.credits.selectors import today
from cmepath.planner import selectors, services
from cmepath.planner.models import Plan
from tests.catalog.factories import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def md(md):
    """The shared clinician (tests/planner/conftest.py) and two activities that close her gap."""
    user = md
    start = today() + timedelta(days=30)
    make_activity(
        title="Category 1 bundle (online)",
        credits="ama_pra_1:50",
        cost=400,
        start_date=start,
        end_date=start + timedelta(days=1),
        topics=["ethics", "pain_management"],
        competencies=["quality_patient_safety"],
        professions=["MD"],
    )
    make_activity(
        title="Hospital QI project (PI-CME)",
        credits="ama_pra_1:20",
        cost=300,
        format="performance_improvement",
        start_date=start + timedelta(days=10),
        end_date=start + timedelta(days=200),
        topics=["patient_safety"],
        competencies=["quality_patient_safety", "leadership"],
        professions=["MD"],
    )
    return user


def _plan(user, budget: str) -> Plan:
    return services.plan_create(
        actor=user,
        goal_key="quality_lead",
        horizon_months=12,
        budget=Decimal(budget),
        days=Decimal("3"),
    )


def _page(client, user, plan: Plan) -> str:
    client.force_login(user)
    response = client.get(reverse("planner:plan", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _list(html: str, heading: str) -> list[str]:
    """The bullet texts under a heading of the page."""
    part = html.split(heading, 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", li).strip() for li in re.findall(r"<li>(.*?)</li>", part, re.S)]


def test_the_plan_page_has_one_h1_the_plan(client, md):
    plan = _plan(md, "1500")
    html = _page(client, md, plan)
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert h1s == ["Quality and patient-safety lead: 12-month plan"]
    assert "<h2>Why this plan</h2>" in html or "<h2>Timeline</h2>" in html


def test_the_planner_page_shows_a_new_plan_under_its_own_h1(client, md):
    """In place on the planner page (htmx), the plan is a section: h2, not a second h1."""
    client.force_login(md)
    response = client.post(
        reverse("planner:planner"),
        {"goal": "quality_lead", "horizon_months": 12, "budget": "1500", "days": "3"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<h1" not in html
    assert re.search(r"<h2 id=\"plan-h-\d+\">Quality and patient-safety lead", html)


def test_a_feasible_plan_compares_the_simple_choice_in_words(client, md):
    plan = _plan(md, "1500")
    assert plan.status in ("optimal", "within_gap")
    html = _page(client, md, plan)
    assert "Best value per dollar first</dt><dd>0.00" not in html
    line = selectors.plan_view(plan=plan).greedy_line
    assert re.fullmatch(r"reaches \d+% of this plan's value toward the goal \(.+\)", line)
    # no engine date ("14 Jan 2027") left on the page
    assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}", html)


def test_an_infeasible_plan_says_each_sentence_once_and_links_to_the_planner(client, md):
    plan = _plan(md, "150")
    assert plan.status == "infeasible"
    html = _page(client, md, plan)
    in_the_way = _list(html, "What stands in the way")
    why = _list(html, "Why this plan")
    assert in_the_way and not set(in_the_way) & set(why)
    assert not any("less than $0;" in s for s in why)
    assert "above and plan again" not in html
    link = re.search(r'<a href="(/planner/\?[^"]+)">Change the budget', html)
    assert link is not None
    prefilled = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert 'name="budget" value="150"' in prefilled
    assert 'value="quality_lead" selected' in prefilled


def test_page_text_writes_engine_dates_the_site_way():
    assert selectors.page_text("due by 31 Dec 2027; review on 1 Mar 2027") == (
        "due by Dec 31, 2027; review on Mar 1, 2027"
    )

"""The career planner in Chromium: a physician whose California licence renews in ten months
opens the planner (goal, money and days prefilled from her profile), makes a plan through
htmx, sees the licence hours covered with bars and a timeline, opens the plan and downloads
it as an iCalendar file; the same page at 390 px has no horizontal scroll."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.browser.test_identity_journey import ARTIFACTS, page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # noqa: S105 - the test factory's password
_WIDTH = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_plan_from_profile_to_calendar(page, live_server):  # noqa: F811
    from icalendar import Calendar

    from cmepath.credits.selectors import today
    from cmepath.planner.services import goal_sync_from_data
    from tests.catalog.factories import make_activity
    from tests.factories import LicenceFactory, UserFactory

    goal_sync_from_data()  # transactional tests start from empty tables
    doctor = UserFactory(role="clinician")
    profile = doctor.profile
    profile.first_name, profile.last_name = "Grace", "Demo"
    profile.profession = "MD"
    profile.career_goal = "Quality improvement lead"
    profile.annual_cme_allowance = Decimal("1500")
    profile.paid_cme_days = Decimal("3")
    profile.save()
    LicenceFactory(
        user=doctor,
        state="CA",
        licence_type="MD",
        issue_date=today() - timedelta(days=3650),
        expiry_date=today() + timedelta(days=300),
    )
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
    url = live_server.url
    page.goto(f"{url}/accounts/login/?next=/planner/")
    page.fill("input[name=login]", doctor.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/planner/")

    # prefilled from the profile
    assert page.input_value("select[name=goal]") == "quality_lead"
    assert page.input_value("input[name=budget]").startswith("1500")
    page.wait_for_load_state("networkidle")
    page.click("form[hx-post] button[type=submit]")
    page.wait_for_selector("#plan-result article.plan")
    result = page.inner_text("#plan-result")
    assert "Category 1 bundle (online)" in result
    assert "Hospital QI project (PI-CME)" in result
    assert "California" in result  # the licence requirement, by name
    assert page.locator("#plan-result progress.credit-progress").count() >= 2
    assert "/planner/" in page.url  # htmx: the result came in place
    page.screenshot(path=str(ARTIFACTS / "30-planner-result.png"), full_page=True)

    page.click("#plan-result a:has-text('Open this plan')")
    page.wait_for_selector("h2:has-text('plan')")
    with page.expect_download() as download:
        page.click("a:has-text('Add to my calendar')")
    body = download.value.path().read_bytes()
    events = [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]
    assert {str(e["summary"]) for e in events} == {
        "Category 1 bundle (online)",
        "Hospital QI project (PI-CME)",
    }

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(_WIDTH) <= 0
    page.screenshot(path=str(ARTIFACTS / "31-planner-plan-390.png"), full_page=True)

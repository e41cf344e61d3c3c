"""Catalog in Chromium: search, facet filter via htmx, score breakdown, wishlist."""

from __future__ import annotations

import pytest

from tests.browser.test_identity_journey import ARTIFACTS, page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_filter_score_and_wishlist(page, live_server, settings, tmp_path):  # noqa: F811
    from cmepath.catalog.services import activity_index_rebuild
    from tests.catalog.factories import ProviderFactory, make_activity
    from tests.factories import UserFactory

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    provider = ProviderFactory(name="Browser CME (synthetic)")
    make_activity(
        provider,
        title="Opioid prescribing essentials",
        topics=["opioid_prescribing"],
        delivery="online",
        cost=0,
    )
    make_activity(
        provider,
        title="Opioid tapering workshop",
        topics=["opioid_prescribing", "pain_management"],
        delivery="live",
        state="TX",
        city="Austin",
        cost=450,
    )
    make_activity(
        provider,
        title="Leading quality teams",
        topics=["quality_improvement"],
        competencies=["leadership"],
        delivery="online",
        cost=900,
        description="Running a quality team: measures, huddles and feedback.",
    )
    activity_index_rebuild()
    clinician = UserFactory(role="clinician")
    url = live_server.url

    page.goto(f"{url}/catalog/?q=opioid")
    page.wait_for_selector("#results-h:has-text('2 activities')")
    page.wait_for_load_state("networkidle")  # htmx is wired once its script has run
    page.check("input[name=delivery][value=live]")
    page.wait_for_selector("#results-h:has-text('1 activity')")
    assert "delivery=live" in page.url  # hx-push-url keeps the filter shareable
    page.screenshot(path=str(ARTIFACTS / "10-catalog-search.png"), full_page=True)
    page.click("text=Opioid tapering workshop")
    page.wait_for_selector("#why-h")
    assert page.locator("table").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "11-activity-score.png"), full_page=True)

    # Sign in and save it to the wishlist.
    page.goto(f"{url}/accounts/login/?next=/catalog/")
    page.fill("input[name=login]", clinician.email)
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/catalog/")
    page.wait_for_load_state("networkidle")
    page.fill("#q", "")
    page.type("#q", "tapering")  # real keystrokes: htmx searches as you type
    page.wait_for_selector("#results-h:has-text('1 activity')")
    page.click("text=Opioid tapering workshop")
    page.click("form[action*='wishlist'] button")
    # htmx swaps the button once the save has committed; navigating before that would
    # race the POST (a user sees the swapped button before moving on).
    page.wait_for_selector("form[action*='wishlist'] button[aria-pressed=true]")
    page.goto(f"{url}/catalog/wishlist/")
    assert "Opioid tapering workshop" in page.content()

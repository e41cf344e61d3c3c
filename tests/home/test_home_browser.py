"""Each role's home, the API docs, and the error pages in Debian's Chromium, with every request
to another origin refused (the pages must work offline) and no CSP violation.

Runs with CI=true (or BROWSER_TESTS=1). Screenshots land in test-artifacts/home-*.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@contextmanager
def _browser() -> Iterator[object]:
    """Chromium, started after the test data is written: Playwright's sync API runs an event
    loop in this thread, inside which Django refuses database calls."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "Debian's chromium package is required for browser tests (scripts/ensure-chromium.sh)"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        offsite: list[str] = []

        def local_only(route) -> None:
            if urlsplit(route.request.url).hostname in {"localhost", "127.0.0.1"}:
                route.continue_()
            else:
                offsite.append(route.request.url)
                route.abort()

        context.route("**/*", local_only)
        errors: list[str] = []
        context.on(
            "page",
            lambda pg: pg.on(
                "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
            ),
        )
        yield context
        context.close()
        browser.close()
        assert offsite == [], f"requests to other origins: {offsite}"
        csp = [e for e in errors if "Content Security Policy" in e]
        assert csp == [], csp


def _session(user) -> str:
    """A session cookie value for ``user`` (made by the test client, before the browser)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _page_as(context, live_server, session: str):
    from django.conf import settings

    context.clear_cookies()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context.new_page()


def test_homes_docs_and_error_pages(live_server, settings, tmp_path):
    from cmepath.accounts.models import Profile
    from cmepath.credits.selectors import today
    from tests.catalog.factories import ProviderFactory, make_activity
    from tests.credits.factories import CompletionFactory
    from tests.factories import LicenceFactory, UserFactory

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    url = live_server.url

    # a California physician six weeks before renewal, with some credits
    clinician = UserFactory(role="clinician")
    Profile.objects.filter(user=clinician).update(
        profession="MD", first_name="Ana", last_name="Lopez", npi="1999000015", npi_status="matched"
    )
    LicenceFactory(
        user=clinician, state="CA", licence_type="MD", expiry_date=today() + timedelta(days=45)
    )
    for i in range(6):
        CompletionFactory(
            user=clinician,
            title=f"Sepsis update part {i + 1}",
            completed_on=today() - timedelta(days=10 * i + 3),
            credits={"ama_pra_1": 4},
        )
    # the one-time pain course a licence issued in 2015 (the factory's date) owed by its first
    # renewal is done, so the next deadline is the renewal's (the first open requirement)
    CompletionFactory(
        user=clinician,
        title="Pain management and end-of-life care",
        completed_on=today() - timedelta(days=5),
        topics=["pain_management", "end_of_life_care"],
        credits={"ama_pra_1": 12},
    )
    # a provider with published, draft and past activities
    member = UserFactory(role="provider")
    provider = ProviderFactory(name="Alpha CME")
    provider.members.add(member)
    make_activity(provider, title="Opioid prescribing update")
    make_activity(provider, title="Team sepsis drills", moore_level=6, interprofessional=True)
    make_activity(provider, title="Draft: heart failure", status="draft")
    make_activity(
        provider,
        title="Diabetes in primary care",
        start_date=today() - timedelta(days=40),
        end_date=today() - timedelta(days=30),
        commercial_support="Acme Pharma:monetary:30000",
    )
    employer = UserFactory(role="employer")
    sessions = {
        name: _session(u)
        for name, u in [("clinician", clinician), ("provider", member), ("employer", employer)]
    }

    with _browser() as context:
        page = _page_as(context, live_server, sessions["clinician"])
        page.goto(f"{url}/")
        assert page.get_by_test_id("countdown").inner_text() == "in 45 days"
        assert page.get_by_test_id("unverified-badge").inner_text() == "NPI matched"
        assert page.get_by_test_id("gap").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "home-clinician.png"), full_page=True)
        # the account menu opens without script
        page.click("summary:has-text('Account')")
        assert page.get_by_role("link", name="API tokens").is_visible()
        page.screenshot(path=str(ARTIFACTS / "home-account-menu.png"))
        # "Find CME" lands on the catalog filtered by what the gap accepts
        page.get_by_test_id("gap").first.get_by_role("link", name="Find CME").click()
        page.wait_for_url("**/catalog/?*")
        assert "credit_type=ama_pra_1" in page.url
        # /admin/ is a 403 page in the site's layout, not a redirect loop
        response = page.goto(f"{url}/admin/")
        assert response is not None and response.status == 403
        assert page.locator(".site-header").is_visible()
        page.screenshot(path=str(ARTIFACTS / "home-admin-403.png"), full_page=True)
        response = page.goto(f"{url}/no-such-page/")
        assert response is not None and response.status == 404
        page.screenshot(path=str(ARTIFACTS / "home-404.png"), full_page=True)
        page.close()

        page = _page_as(context, live_server, sessions["provider"])
        page.goto(f"{url}/")
        assert page.get_by_test_id("score-band").count() == 5
        page.screenshot(path=str(ARTIFACTS / "home-provider.png"), full_page=True)
        page.close()

        page = _page_as(context, live_server, sessions["employer"])
        page.goto(f"{url}/")
        assert page.get_by_test_id("can-do-today").is_visible()
        page.screenshot(path=str(ARTIFACTS / "home-employer.png"), full_page=True)

        # the API docs: Swagger UI draws the schema from the package's static files
        page.goto(f"{url}/api/v1/docs")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "cmepath API" in page.inner_text(".swagger-ui .info .title")
        assert page.locator(".opblock").count() > 10
        page.screenshot(path=str(ARTIFACTS / "home-api-docs.png"))
        page.close()

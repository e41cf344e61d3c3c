"""The foundation journey in Debian's Chromium: sign up, confirm, profile, NPI, licence,
proof upload, admin TOTP login and approval, verified badge, API token.

Runs with CI=true (or BROWSER_TESTS=1). Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "a long journey passphrase"  # noqa: S105


@pytest.fixture
def page():
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
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        errors: list[str] = []
        pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        yield pg
        context.close()
        browser.close()
        csp_errors = [e for e in errors if "Content Security Policy" in e]
        assert not csp_errors, csp_errors


def _totp_now(secret: str) -> str:
    """The current code, taken early enough in its 30-second window to be submitted in it
    (the server accepts the current window only: a code read at second 29 would fail)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_signup_to_verified_journey(page, live_server, pdf_bytes, tmp_path):
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core import mail

    from tests.factories import UserFactory

    admin = UserFactory(
        email="queue.admin@example.test", role="admin", is_staff=True, is_superuser=True
    )
    admin.set_password(PASSWORD)
    admin.save()
    TOTP.activate(admin, ADMIN_SECRET)
    url = live_server.url

    # Sign up; the confirmation link arrives by email (console in dev, outbox here).
    page.goto(f"{url}/accounts/signup/")
    page.screenshot(path=str(ARTIFACTS / "01-signup.png"), full_page=True)
    page.fill("input[name=email]", "grace.journey@example.test")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.select_option("select[name=profession]", "MD")  # asked, never defaulted
    with page.expect_navigation():  # wait for the POST's response, not the page already shown
        page.click("form button[type=submit]")
    assert "confirm" in page.content().lower() or "verify" in page.content().lower()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    with page.expect_navigation():  # wait for the POST's response, not the page already shown
        page.click("form button[type=submit]")

    # Log in.
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", "grace.journey@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/")
    assert page.get_by_test_id("unverified-badge").is_visible()

    # Profile, with an error shown next to the NPI field first.
    page.goto(f"{url}/me/profile/")
    # The name of a (synthetic) NPI Registry entry: a registry match needs name and licence.
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Demo")
    page.select_option("#id_profession", "MD")
    page.select_option("#id_primary_specialty", "207R00000X")
    with page.expect_navigation():  # wait for the POST's response, not the page already shown
        page.click("text=Save profile")
    assert "Profile saved" in page.content()
    page.fill("#id_npi", "1234567890")
    page.click("text=Check NPI")
    page.wait_for_selector("#id_npi_error")
    assert "check digit" in page.inner_text("#id_npi_error").lower()
    page.fill("#id_npi", "1234567893")
    page.click("text=Check NPI")
    page.wait_for_selector("[data-testid=npi-status]:has-text('Not found')")
    page.screenshot(path=str(ARTIFACTS / "02-profile.png"), full_page=True)

    # A licence with a bad date first, then a good one; then the proof.
    page.goto(f"{url}/me/licences/")
    page.select_option("#id_state", "MA")
    page.select_option("#id_licence_type", "MD")
    page.fill("#id_number", "DEMO-10001")
    page.fill("#id_issue_date", "2020-01-01")
    page.fill("#id_expiry_date", "2019-01-01")
    page.click("text=Add licence")
    page.wait_for_selector("#id_expiry_date_error")
    page.fill("#id_expiry_date", "2027-12-31")
    page.click("text=Add licence")
    page.wait_for_selector("text=DEMO-10001")
    proof = tmp_path / "licence.pdf"
    proof.write_bytes(pdf_bytes)
    page.goto(f"{url}/me/licences/")
    page.set_input_files("input[type=file]", str(proof))
    page.click("text=Upload proof")
    page.wait_for_selector("text=Waiting for review")
    page.screenshot(path=str(ARTIFACTS / "03-licences.png"), full_page=True)

    # With the licence on record the NPI matches the registry: "NPI matched", not yet verified.
    page.goto(f"{url}/me/profile/")
    page.fill("#id_npi", "1999000015")
    page.click("text=Check NPI")
    page.wait_for_selector("[data-testid=npi-status]:has-text('Matched')")
    page.goto(f"{url}/")
    assert page.get_by_test_id("unverified-badge").is_visible()

    # A personal API token reads the same profile.
    page.goto(f"{url}/me/tokens/")
    page.fill("#id_name", "journey integration")
    page.click("text=Create token")
    token = page.inner_text("[data-testid=new-token]")
    request = urllib.request.Request(  # noqa: S310 (our live server)
        f"{url}/api/v1/me/profile", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our live server)
        assert json.loads(response.read())["last_name"] == "Demo"
    with page.expect_navigation():  # wait for the POST's response, not the page already shown
        page.click("form[action='/accounts/logout/'] button")

    # The admin signs in with TOTP and approves with a reason.
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", "queue.admin@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", _totp_now(ADMIN_SECRET))
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/me/verification/")
    assert "DEMO-10001" in page.content()
    page.screenshot(path=str(ARTIFACTS / "04-queue.png"), full_page=True)
    page.check("input[value=approve]")
    page.fill("textarea[name=reason]", "Matches the Medical Board of California lookup")
    page.click("text=Record decision")
    page.wait_for_selector("text=The queue is empty")
    with page.expect_navigation():  # wait for the POST's response, not the page already shown
        page.click("form[action='/accounts/logout/'] button")

    # The clinician now carries the verified badge.
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", "grace.journey@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/")
    assert page.get_by_test_id("verified-badge").is_visible()
    page.screenshot(path=str(ARTIFACTS / "05-verified-home.png"), full_page=True)

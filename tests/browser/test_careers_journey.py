"""Careers in Chromium: a nurse practitioner in Texas filters the job board (htmx), narrows
it to 25 miles of a ZIP code, sees her fit and the gap that links to the CME closing it,
applies; the employer's recruiter moves the application on; she sees it and withdraws."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.test_identity_journey import ARTIFACTS, page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # noqa: S105 - the test factory's password


def _sign_in(page, url: str, email: str, next_path: str) -> None:  # noqa: F811
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}{next_path}")


def test_find_fit_apply_and_hear_back(page, live_server, settings, tmp_path):  # noqa: F811
    from cmepath.accounts.models import Licence
    from cmepath.jobs.services import vacancy_index_rebuild
    from tests.factories import UserFactory
    from tests.jobs.factories import TODAY, make_employer, make_vacancy

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    recruiter = UserFactory(role="employer")
    employer = make_employer(member=recruiter, name="Hill Country Health (synthetic)")
    austin = make_vacancy(employer, title="Family Nurse Practitioner, Austin")
    make_vacancy(employer, title="Family Nurse Practitioner, Dallas", zip_code="75201")
    make_vacancy(
        employer,
        title="Hospitalist",
        profession="MD",
        specialty="208M00000X",
        zip_code="78701",
        setting="hospital",
    )
    vacancy_index_rebuild()
    nurse = UserFactory(role="clinician")
    nurse.profile.first_name, nurse.profile.last_name = "Rosa", "Demo"
    nurse.profile.profession = "NP"
    nurse.profile.primary_specialty = "363LF0000X"
    nurse.profile.save()
    Licence.objects.create(
        user=nurse,
        state="TX",
        licence_type="NP",
        number="NP-4411",
        issue_date=TODAY - timedelta(days=700),
        expiry_date=TODAY + timedelta(days=500),
    )
    url = live_server.url

    # Anyone: the board, a facet through htmx, then a radius around a ZIP code.
    page.goto(f"{url}/jobs/")
    page.wait_for_selector("#results-h:has-text('3 vacancies')")
    page.wait_for_load_state("networkidle")
    page.check("input[name=physician][value=yes]")
    page.wait_for_selector("#results-h:has-text('1 vacancy')")
    assert "physician=yes" in page.url
    page.goto(f"{url}/jobs/?zip=78702&miles=25")
    page.wait_for_selector("#results-h:has-text('2 vacancies within 25 miles of 78702')")
    assert "Dallas" not in page.inner_text("#jobs-results")
    page.screenshot(path=str(ARTIFACTS / "20-jobs-radius.png"), full_page=True)

    # The nurse: jobs for her, the fit with its gap linked to the CME that closes it.
    _sign_in(page, url, nurse.email, "/jobs/for-you/")
    body = page.inner_text("main")
    assert "Family Nurse Practitioner, Austin" in body and "Hospitalist" not in body
    assert "Texas mandates CME" in body  # Texas NP rules mandate topics she has not done
    link = page.locator("a:has-text('Find CME on')").first
    assert "/catalog/" in (link.get_attribute("href") or "")
    page.screenshot(path=str(ARTIFACTS / "21-jobs-for-you.png"), full_page=True)
    page.goto(f"{url}/jobs/vacancies/{austin.pk}/")
    assert page.locator("script[type='application/ld+json']").count() == 1
    page.fill("textarea[name=cover_note]", "Bilingual, four years in primary care.")
    page.click("form[action$='/apply/'] button[type=submit]")
    page.wait_for_selector("h1:has-text('Application')")
    assert "Submitted" in page.inner_text("main")

    # The recruiter, in a second browser context: the applicant, ranked with reasons.
    other = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    recruiter_page = other.new_page()
    _sign_in(recruiter_page, url, recruiter.email, f"/jobs/vacancies/{austin.pk}/applicants/")
    assert "Rosa Demo" in recruiter_page.inner_text("main")
    assert "NP-4411" not in recruiter_page.content()  # never the licence number
    recruiter_page.click("a:has-text('Rosa Demo')")
    recruiter_page.select_option("select[name=status]", "interview")
    recruiter_page.click("form[action$='/move/'] button[type=submit]")
    recruiter_page.wait_for_selector(".score-badge:has-text('Interview')")
    recruiter_page.screenshot(path=str(ARTIFACTS / "22-jobs-applicant.png"), full_page=True)
    other.close()

    # The nurse sees the move and withdraws in one click.
    page.goto(f"{url}/jobs/applications/")
    assert "Interview" in page.inner_text("main")
    page.click("a:has-text('Family Nurse Practitioner, Austin')")
    page.click("form[action$='/withdraw/'] button[type=submit]")
    page.wait_for_selector(".score-badge:has-text('Withdrawn')")

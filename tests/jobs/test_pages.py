"""Careers pages: search (full page and htmx partial), the vacancy page with its labels and
JobPosting JSON-LD, 410 for a closed vacancy, applying and both sides of an application,
saved searches and the unsubscribe link, the employer's forms with errors next to fields,
moderation, and who may see or act on what."""

from __future__ import annotations

import json
import re

import extruct
import pytest

from cmepath.jobs import jsonld, services
from cmepath.jobs.choices import ApplicationStatus, VacancyStatus
from cmepath.jobs.models import Application, SavedSearch, Vacancy, VacancyReport
from cmepath.jobs.validation import VACANCY_FIELDS
from tests.factories import LicenceFactory, UserFactory
from tests.jobs.factories import TODAY, committed, make_employer, make_vacancy, vacancy_data

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def assert_no_inline_style_or_executable_script(html: str) -> None:
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", html)


@pytest.fixture
def np_clinician(db):
    """A nurse practitioner licensed in Texas (where the factory's vacancies are)."""
    user = UserFactory(role="clinician")
    user.profile.profession = "NP"
    user.profile.first_name, user.profile.last_name = "Ada", "Lovelace"
    user.profile.save()
    LicenceFactory(user=user, state="TX", licence_type="NP", number="NP-SECRET-4711")
    return user


@pytest.fixture
def recruiter(db):
    return UserFactory(role="employer")


@pytest.fixture
def employer(recruiter):
    return make_employer(member=recruiter)


@pytest.fixture
def austin(employer):
    return make_vacancy(employer, title="Family Nurse Practitioner Austin")


@pytest.fixture
def denver(db):
    return make_vacancy(
        make_employer(name="Front Range Medical"),
        title="Hospitalist physician Denver",
        profession="MD",
        specialty="",
        zip_code="80202",
        salary_min="280000",
        salary_max="320000",
        cme_allowance="5000",
        cme_days="5",
        credentials=[],
    )


# ------------------------------------------------------------------ search


def test_search_page_renders_cards_with_labels_and_filters(client, austin, denver):
    r = client.get("/jobs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert austin.title in html and denver.title in html
    assert "$5,000 CME / 5 paid days" in html and "$2,500 CME / 3 paid days" in html
    assert "$280,000–$320,000 per year" in html
    assert "Austin, TX" in html and "Verified employer" in html
    assert 'hx-get="/jobs/"' in html and 'aria-live="polite"' in html
    assert "application/ld+json" not in html  # no JSON-LD on list pages
    assert "zipcodes" in html  # the ZIP data credit in the footer
    assert "Best fit for me" not in html and "Nearest" not in html
    assert_no_inline_style_or_executable_script(html)

    only_md = client.get("/jobs/", {"profession": "MD"}).content.decode()
    assert denver.title in only_md and austin.title not in only_md
    physicians = client.get("/jobs/", {"physician": "yes"}).content.decode()
    assert denver.title in physicians and austin.title not in physicians
    rich = client.get("/jobs/", {"cme_min": "4000"}).content.decode()
    assert denver.title in rich and austin.title not in rich


def test_search_partial_for_htmx(client, austin):
    r = client.get("/jobs/", {"q": "practitioner"}, headers=HX)
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="jobs-results"')
    assert "HX-Request" in r["Vary"]


def test_search_around_a_zip_shows_distance_and_offers_nearest(client, austin, denver):
    html = client.get("/jobs/", {"zip": "78701", "miles": "25"}).content.decode()
    assert austin.title in html and denver.title not in html
    assert "within 25 miles of 78701" in html and "away" in html
    assert '<option value="distance"' in html


def test_bad_search_input_never_errors(client, austin):
    r = client.get(
        "/jobs/", {"q": '"(((', "sort": "nope", "page": "x", "zip": "00000", "salary_min": "inf"}
    )
    assert r.status_code == 200
    assert "does not exist" in r.content.decode()


def test_signed_in_clinician_sees_fit_and_can_save_the_search(client_for, np_clinician, austin):
    c = client_for(np_clinician)
    html = c.get("/jobs/", {"profession": "NP"}).content.decode()
    assert re.search(r"Fit \d+ of 100", html)
    assert "Best fit for me" in html and "Save this search" in html
    assert 'name="query" value="profession=NP" form="save-search"' in html

    r = c.post(
        "/jobs/saved/new/",
        {"name": "NPs in Austin", "query": "profession=NP", "frequency": "daily"},
    )
    assert r.status_code == 302 and r["Location"] == "/jobs/saved/"
    saved = SavedSearch.objects.get(user=np_clinician)
    page = c.get("/jobs/saved/").content.decode()
    assert "NPs in Austin" in page and f'href="/jobs/?{saved.query}"' in page
    assert 'data-label="Alerts"' in page


def test_saving_a_search_without_a_name_shows_the_error(client_for, np_clinician):
    r = client_for(np_clinician).post("/jobs/saved/new/", {"name": "", "query": "q=icu"})
    assert r.status_code == 422
    assert "This field is required" in r.content.decode()


# ------------------------------------------------------------------ the vacancy page


def test_vacancy_page_shows_labels_not_codes_and_valid_job_posting(client, austin):
    r = client.get(f"/jobs/vacancies/{austin.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    for label in (
        "Outpatient clinic / group practice",
        "Employed (W-2)",
        "Full time",
        "Nurse Practitioner: Family",  # NUCC 363LF0000X
        "Basic Life Support (BLS)",
        "DEA registration",
        "Texas",
        "CME benefit",
    ):
        assert label in html, label
    assert ">outpatient<" not in html and ">w2<" not in html
    assert '<meta name="robots"' not in html
    assert_no_inline_style_or_executable_script(html)

    found = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
    postings = [d for d in found if d.get("@type") == "JobPosting"]
    assert len(postings) == 1
    assert jsonld.check_job_posting(postings[0]) == []
    assert postings[0]["title"] == austin.title


def test_json_ld_cannot_be_broken_out_of(client):
    vacancy = make_vacancy(
        title="Nurse practitioner </script><script>alert(1)</script> & more",
        description="Ends </script> here & <b>there</b>",
    )
    html = client.get(f"/jobs/vacancies/{vacancy.pk}/").content.decode()
    (payload,) = LD_SCRIPT.findall(html)
    assert "<" not in payload and ">" not in payload and "&" not in payload
    assert json.loads(payload)["title"] == vacancy.title


def test_closed_vacancy_answers_410_without_json_ld(client, recruiter, austin):
    with committed(execute=True):
        services.vacancy_close(actor=recruiter, vacancy=austin)
    r = client.get(f"/jobs/vacancies/{austin.pk}/")
    assert r.status_code == 410
    html = r.content.decode()
    assert f"This vacancy closed on {TODAY:%b} {TODAY.day}, {TODAY.year}" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html
    assert austin.title not in client.get("/jobs/").content.decode()


def test_drafts_are_for_the_employer_only(client, client_for, recruiter, employer):
    draft = make_vacancy(employer, publish=False, title="Draft role")
    assert client.get(f"/jobs/vacancies/{draft.pk}/").status_code == 404
    other = UserFactory(role="employer")
    make_employer(member=other)
    assert client_for(other).get(f"/jobs/vacancies/{draft.pk}/").status_code == 404
    html = client_for(recruiter).get(f"/jobs/vacancies/{draft.pk}/").content.decode()
    assert "Not public" in html and "Submit for review" in html
    assert "application/ld+json" not in html


# ------------------------------------------------------------------ applications


def test_apply_then_both_sides_see_the_application(client_for, np_clinician, recruiter, austin):
    c = client_for(np_clinician)
    page = c.get(f"/jobs/vacancies/{austin.pk}/").content.decode()
    assert "How you fit" in page and "Send application" in page
    assert "Create a transcript share link" in page

    r = c.post(f"/jobs/vacancies/{austin.pk}/apply/", {"cover_note": "Glad to help."})
    application = Application.objects.get(user=np_clinician, vacancy=austin)
    assert r.status_code == 302 and r["Location"] == f"/jobs/applications/{application.pk}/"
    mine = c.get(r["Location"]).content.decode()
    assert "Submitted" in mine and "Withdraw this application" in mine
    assert austin.title in c.get("/jobs/applications/").content.decode()

    e = client_for(recruiter)
    listing = e.get(f"/jobs/vacancies/{austin.pk}/applicants/").content.decode()
    assert "Ada Lovelace" in listing and f"/jobs/applications/{application.pk}/" in listing
    theirs = e.get(f"/jobs/applications/{application.pk}/").content.decode()
    assert "Ada Lovelace" in theirs and "Nurse practitioner (NP)" in theirs
    assert "Move this application on" in theirs and "Glad to help." in theirs
    assert "NP-SECRET-4711" not in theirs and "NP-SECRET-4711" not in listing

    again = c.post(f"/jobs/vacancies/{austin.pk}/apply/", {"cover_note": "Twice"})
    assert again.status_code == 409 and "already applied" in again.content.decode()


def test_withdraw_is_one_click(client_for, np_clinician, austin):
    application = services.application_create(actor=np_clinician, vacancy=austin)
    c = client_for(np_clinician)
    r = c.post(f"/jobs/applications/{application.pk}/withdraw/")
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    html = c.get(f"/jobs/applications/{application.pk}/").content.decode()
    assert "Withdrawn" in html and "Withdraw this application" not in html


def test_employer_moves_an_application_and_bad_moves_are_refused(
    client_for, np_clinician, recruiter, austin
):
    application = services.application_create(actor=np_clinician, vacancy=austin)
    e = client_for(recruiter)
    bad = e.post(f"/jobs/applications/{application.pk}/move/", {"status": "hired"})
    assert bad.status_code == 422 and "Select a valid choice" in bad.content.decode()
    r = e.post(
        f"/jobs/applications/{application.pk}/move/", {"status": "interview", "note": "Tue 10am"}
    )
    assert r.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INTERVIEW
    html = client_for(np_clinician).get(f"/jobs/applications/{application.pk}/").content.decode()
    assert "Interview" in html and "Tue 10am" in html
    # the applicant cannot move it, a stranger cannot see it
    assert (
        client_for(np_clinician)
        .post(f"/jobs/applications/{application.pk}/move/", {"status": "offer"})
        .status_code
        == 403
    )
    stranger = UserFactory(role="clinician")
    assert client_for(stranger).get(f"/jobs/applications/{application.pk}/").status_code == 404


def test_report_a_listing_once(client_for, np_clinician, austin):
    c = client_for(np_clinician)
    r = c.post(f"/jobs/vacancies/{austin.pk}/report/", {"reason": "filled", "detail": "Filled."})
    assert r.status_code == 302
    assert VacancyReport.objects.filter(vacancy=austin, reporter=np_clinician).exists()
    again = c.post(f"/jobs/vacancies/{austin.pk}/report/", {"reason": "duplicate"})
    assert again.status_code == 409 and "already reported" in again.content.decode()


# ------------------------------------------------------------------ saved searches


def test_unsubscribe_get_asks_and_post_stops_without_signing_in(client, np_clinician):
    saved = services.saved_search_create(actor=np_clinician, name="ICU nights", query="q=icu")
    url = f"/jobs/unsubscribe/{saved.unsubscribe_token}/"
    r = client.get(url)
    assert r.status_code == 200 and "Stop these alerts" in r.content.decode()
    saved.refresh_from_db()
    assert saved.alerts is True
    r = client.post(url)
    assert r.status_code == 200 and "Alerts stopped for ICU nights" in r.content.decode()
    saved.refresh_from_db()
    assert saved.alerts is False
    assert client.get("/jobs/unsubscribe/not-a-token/").status_code == 404
    assert client.post("/jobs/unsubscribe/not-a-token/").status_code == 404


def test_saved_search_delete_is_the_owners(client_for, np_clinician):
    saved = services.saved_search_create(actor=np_clinician, name="Mine", query="q=icu")
    other = UserFactory(role="clinician")
    assert client_for(other).post(f"/jobs/saved/{saved.pk}/delete/").status_code == 404
    assert client_for(np_clinician).post(f"/jobs/saved/{saved.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.exists()


# ------------------------------------------------------------------ the employer's forms


def _form(**overrides: object) -> dict[str, object]:
    data = {k: v for k, v in vacancy_data(**overrides).items() if v not in (None, "")}
    data.setdefault("career_track", "clinical")
    data.setdefault("call_type", "none")
    data.setdefault("salary_unit", "YEAR")
    data.setdefault("board_requirement", "none")
    data["cme_days_separate_from_pto"] = "on"
    return data


def test_vacancy_form_has_every_field_in_fieldsets(client_for, recruiter, employer):
    from cmepath.jobs.forms import VacancyForm

    grouped = [name for _, names in VacancyForm.FIELDSETS for name in names]
    assert sorted(grouped) == sorted(VacancyForm.base_fields)
    assert set(VacancyForm.base_fields) == set(VACANCY_FIELDS) - {"posted_on"}
    html = (
        client_for(recruiter).get(f"/jobs/employers/{employer.pk}/vacancies/new/").content.decode()
    )
    for legend in ("Role", "Location", "Licences &amp; credentials", "Pay", "CME benefit", "Terms"):
        assert f"<legend>{legend}</legend>" in html
    assert "required by law in" in html


def test_employer_creates_a_vacancy_and_errors_sit_next_to_fields(client_for, recruiter, employer):
    c = client_for(recruiter)
    url = f"/jobs/employers/{employer.pk}/vacancies/new/"
    bad = c.post(url, _form(salary_min="150000", salary_max="120000"))
    assert bad.status_code == 422
    html = bad.content.decode()
    assert re.search(r'id="id_salary_max_error"[^>]*>The salary minimum \(150,000', html)
    assert not Vacancy.objects.exists()

    ok = c.post(url, _form(title="Nurse practitioner, walk-in clinic"))
    vacancy = Vacancy.objects.get(title="Nurse practitioner, walk-in clinic")
    assert ok.status_code == 302 and ok["Location"] == f"/jobs/vacancies/{vacancy.pk}/"
    assert vacancy.status == VacancyStatus.DRAFT and vacancy.city == "Austin"


def test_missing_pay_range_in_colorado_names_the_law_next_to_the_field(
    client_for, recruiter, employer
):
    c = client_for(recruiter)
    form = _form(zip_code="80202")
    form.pop("salary_min"), form.pop("salary_max")
    c.post(f"/jobs/employers/{employer.pk}/vacancies/new/", form)
    vacancy = Vacancy.objects.get()
    r = c.post(f"/jobs/vacancies/{vacancy.pk}/submit/")
    assert r.status_code == 422
    html = r.content.decode()
    assert re.search(r'id="id_salary_min_error"[^>]*>[^<]*Colorado', html)
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.DRAFT


def test_an_employer_cannot_touch_another_employers_vacancy(client_for, austin):
    stranger = UserFactory(role="employer")
    make_employer(member=stranger)
    c = client_for(stranger)
    assert c.get(f"/jobs/vacancies/{austin.pk}/edit/").status_code == 403  # public, not theirs
    assert c.post(f"/jobs/vacancies/{austin.pk}/close/").status_code == 403
    draft = make_vacancy(austin.employer, publish=False, title="Hidden draft")
    assert c.get(f"/jobs/vacancies/{draft.pk}/edit/").status_code == 404
    assert c.get(f"/jobs/vacancies/{austin.pk}/applicants/").status_code == 403
    assert c.get(f"/jobs/employers/{austin.employer_id}/vacancies/new/").status_code == 403
    austin.refresh_from_db()
    assert austin.status == VacancyStatus.PUBLISHED


def test_employer_home_and_adding_an_organization(client_for, recruiter, austin):
    c = client_for(recruiter)
    html = c.get("/jobs/employer/").content.decode()
    assert austin.title in html and "Published" in html and 'data-label="Status"' in html
    newcomer = UserFactory(role="employer")
    n = client_for(newcomer)
    assert "Add your organization" in n.get("/jobs/employer/").content.decode()
    bad = n.post(
        "/jobs/employer/new/",
        {"name": "Clinic", "legal_name": "Clinic LLC", "state": "TX", "ein": "12"},
    )
    assert bad.status_code == 422 and "12-3456789" in bad.content.decode()
    ok = n.post(
        "/jobs/employer/new/",
        {
            "name": "Hill Country Clinic",
            "legal_name": "Hill Country Clinic LLC",
            "state": "TX",
            "ein": "12-3456789",
        },
    )
    assert ok.status_code == 302
    assert "Hill Country Clinic" in n.get("/jobs/employer/").content.decode()


def test_public_employer_page_shows_cme_summary_and_open_vacancies(client, austin):
    html = client.get(f"/jobs/employers/{austin.employer_id}/").content.decode()
    assert austin.title in html and "Median CME allowance" in html and "$2,500 per year" in html


# ------------------------------------------------------------------ roles and moderation


def test_for_you_is_for_clinicians(client, client_for, np_clinician, recruiter, austin):
    r = client.get("/jobs/for-you/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client_for(recruiter).get("/jobs/for-you/").status_code == 403
    html = client_for(np_clinician).get("/jobs/for-you/").content.decode()
    assert austin.title in html and re.search(r"Fit \d+ of 100", html)


def test_for_you_empty_state_says_what_to_add(client_for, clinician):
    html = client_for(clinician).get("/jobs/for-you/").content.decode()
    assert "No matches yet" in html and "/me/licences/" in html and "career goal" in html


def test_submit_then_moderator_publishes_from_the_queue(
    client, client_for, recruiter, employer, admin_user
):
    draft = make_vacancy(employer, publish=False, title="Clinic NP role")
    assert client_for(recruiter).post(f"/jobs/vacancies/{draft.pk}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == VacancyStatus.REVIEW
    assert client_for(recruiter).get("/jobs/moderation/").status_code == 403
    a = client_for(admin_user)
    queue = a.get("/jobs/moderation/").content.decode()
    assert "Clinic NP role" in queue and "Publish" in queue
    bad = a.post(f"/jobs/vacancies/{draft.pk}/return/", {"reason": ""})
    assert bad.status_code == 422
    with committed(execute=True):
        r = a.post(f"/jobs/vacancies/{draft.pk}/publish/")
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VacancyStatus.PUBLISHED
    assert "Clinic NP role" in client.get("/jobs/").content.decode()


def test_moderator_decides_a_report_and_verifies_an_employer(
    client_for, np_clinician, admin_user, austin
):
    report = services.vacancy_report(actor=np_clinician, vacancy=austin, reason="filled")
    pending = make_employer(name="Unverified Care", verified=False)
    a = client_for(admin_user)
    queue = a.get("/jobs/moderation/").content.decode()
    assert "The position is already filled" in queue and "Unverified Care" in queue
    with committed(execute=True):
        assert (
            a.post(f"/jobs/reports/{report.pk}/decide/", {"decision": "uphold"}).status_code == 302
        )
    austin.refresh_from_db()
    assert austin.status == VacancyStatus.CLOSED
    assert a.post(f"/jobs/employers/{pending.pk}/verify/").status_code == 302
    pending.refresh_from_db()
    assert pending.is_verified
    assert client_for(np_clinician).post(f"/jobs/employers/{pending.pk}/verify/").status_code == 403


def test_moderator_sends_a_vacancy_back_with_a_reason_the_employer_sees(
    client_for, recruiter, employer, admin_user
):
    draft = make_vacancy(employer, publish=False, title="Clinic NP role")
    services.vacancy_submit(actor=recruiter, vacancy=draft)
    r = client_for(admin_user).post(
        f"/jobs/vacancies/{draft.pk}/return/", {"reason": "Add the call schedule."}
    )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VacancyStatus.DRAFT
    html = client_for(recruiter).get("/jobs/employer/").content.decode()
    assert "Sent back:" in html and "Add the call schedule." in html

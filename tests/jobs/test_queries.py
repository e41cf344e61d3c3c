"""The vacancy list page and the vacancy page run a bounded number of queries: the same
for 5 listings as for 25 (no query per card), pinned here so a change that adds one per
row fails. Also the employer's and admin's home pages with the careers counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmepath.accounts.models import Licence
from tests.factories import UserFactory
from tests.jobs.factories import TODAY, make_employer, make_vacancy

pytestmark = pytest.mark.django_db

#: Queries of the search page: anonymous (the rows of the page, by id, through the policy);
#: a signed-in clinician adds the session, the profile, the facts matching reads (licences,
#: certifications, completions) and the rows.
SEARCH_ANONYMOUS = 1
SEARCH_CLINICIAN_MAX = 10
VACANCY_ANONYMOUS_MAX = 2
VACANCY_CLINICIAN_MAX = 13


def _listings(n: int) -> None:
    employer = make_employer()
    for i in range(n):
        make_vacancy(employer, title=f"Family Nurse Practitioner {i}")


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def _nurse():
    user = UserFactory()
    user.profile.profession = "NP"
    user.profile.primary_specialty = "363LF0000X"
    user.profile.save()
    Licence.objects.create(
        user=user,
        state="TX",
        licence_type="NP",
        number="NP-9",
        issue_date=TODAY - timedelta(days=800),
        expiry_date=TODAY + timedelta(days=400),
    )
    return user


@pytest.mark.parametrize("n", [5, 25])
def test_search_page_queries_do_not_grow_with_the_results(client, client_for, n):
    _listings(n)
    assert _count(client, "/jobs/") == SEARCH_ANONYMOUS
    signed_in = client_for(_nurse())
    signed_in.get("/jobs/")  # first request: session and caches
    assert _count(signed_in, "/jobs/") <= SEARCH_CLINICIAN_MAX
    assert _count(signed_in, "/jobs/?sort=match") <= SEARCH_CLINICIAN_MAX
    assert _count(signed_in, "/jobs/for-you/") <= SEARCH_CLINICIAN_MAX


def test_search_page_query_count_is_the_same_for_5_and_25_listings(client_for):
    nurse = client_for(_nurse())
    _listings(5)
    nurse.get("/jobs/")
    few = _count(nurse, "/jobs/")
    _listings(20)
    assert _count(nurse, "/jobs/") == few


def test_vacancy_page_queries_are_bounded(client, client_for):
    vacancy = make_vacancy()
    assert _count(client, f"/jobs/vacancies/{vacancy.pk}/") <= VACANCY_ANONYMOUS_MAX
    nurse = client_for(_nurse())
    nurse.get(f"/jobs/vacancies/{vacancy.pk}/")
    assert _count(nurse, f"/jobs/vacancies/{vacancy.pk}/") <= VACANCY_CLINICIAN_MAX


def test_employer_home_shows_each_employer_with_its_counts(client_for):
    recruiter = UserFactory(role="employer")
    employer = make_employer(member=recruiter)
    make_vacancy(employer)
    make_vacancy(employer, publish=False, title="Draft role")
    body = client_for(recruiter).get("/").content.decode()
    assert employer.name in body
    assert "<strong>1</strong> open vacancy" in body and "<strong>1</strong> draft" in body
    lonely = UserFactory(role="employer")
    assert "Register an employer" in client_for(lonely).get("/").content.decode()


def test_admin_home_counts_the_moderation_queue(client_for, admin_user):
    make_employer(verified=False)
    body = client_for(admin_user).get("/").content.decode()
    assert "1 employer to verify" in body

"""``/api/v1/vacancies`` and friends: public search with facets and radius, employer writes
with per-field reasons, the pay law, matches with gaps, applications and saved searches."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from cmepath.accounts.models import Licence
from tests.factories import UserFactory
from tests.jobs.factories import TODAY, make_employer, make_vacancy, vacancy_data

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict | None = None, method: str = "post"):
    return getattr(c, method)(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def board():
    employer = make_employer()
    return {
        "austin_np": make_vacancy(employer),
        "nyc_md": make_vacancy(
            employer,
            title="Hospitalist",
            profession="MD",
            specialty="208M00000X",
            zip_code="10001",
            setting="hospital",
            salary_min="280000",
            salary_max="320000",
            cme_allowance="5000",
            cme_days="5",
        ),
        "remote_rn": make_vacancy(
            employer,
            title="Telehealth triage nurse",
            profession="RN",
            specialty="",
            zip_code="",
            remote=True,
            remote_states=["TX", "OK"],
            setting="telehealth",
            salary_min="40",
            salary_max="48",
            salary_unit="HOUR",
            cme_allowance="500",
        ),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_public_search_filters_facets_and_minimums(board):
    c = _client()
    everything = c.get("/api/v1/vacancies").json()
    assert everything["total"] == 3
    assert {f["value"] for f in everything["facets"]["profession"]} == {"NP", "MD", "RN"}
    assert _ids(c.get("/api/v1/vacancies?physician=yes")) == {board["nyc_md"].pk}
    assert _ids(c.get("/api/v1/vacancies?remote=yes")) == {board["remote_rn"].pk}
    # $40-48 an hour is $83,200-99,840 a year: the salary minimum compares yearly pay
    assert board["remote_rn"].pk in _ids(c.get("/api/v1/vacancies?salary_min=90000"))
    assert board["remote_rn"].pk not in _ids(c.get("/api/v1/vacancies?salary_min=100000"))
    assert _ids(c.get("/api/v1/vacancies?cme_min=3000")) == {board["nyc_md"].pk}
    assert _ids(c.get("/api/v1/vacancies?q=hospitalist")) == {board["nyc_md"].pk}


def test_radius_around_a_zip_code(board):
    c = _client()
    near_austin = c.get("/api/v1/vacancies?zip=78702&miles=25&sort=distance").json()
    assert [r["id"] for r in near_austin["results"]] == [board["austin_np"].pk]
    assert near_austin["results"][0]["distance_miles"] < 25
    bad = c.get("/api/v1/vacancies?zip=00000&miles=25").json()
    assert "does not exist" in bad["message"]


def test_bad_query_values_are_refused_with_a_4xx(board):
    c = _client()
    assert c.get("/api/v1/vacancies?sort=cheapest").status_code == 422
    assert c.get("/api/v1/vacancies?miles=-3").status_code == 422
    assert c.get("/api/v1/vacancies?page=0").status_code == 422


def test_detail_is_public_for_published_and_hidden_for_drafts(board):
    draft = make_vacancy(publish=False, title="Draft role")
    c = _client()
    assert c.get(f"/api/v1/vacancies/{board['nyc_md'].pk}").json()["cme_allowance"] == "5000.00"
    assert c.get(f"/api/v1/vacancies/{draft.pk}").status_code == 404


def test_employer_creates_a_draft_and_gets_every_field_error_at_once():
    recruiter = UserFactory(role="employer")
    employer = make_employer(member=recruiter)
    c = _client(recruiter)
    bad = _post(
        c,
        "/api/v1/vacancies",
        {
            **vacancy_data(salary_min="200000", salary_max="100000", zip_code="99999"),
            "employer_id": employer.pk,
        },
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert "salary_max" in errors and "zip_code" in errors
    ok = _post(c, "/api/v1/vacancies", {**vacancy_data(), "employer_id": employer.pk})
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "draft"
    other = make_employer()
    foreign = _post(c, "/api/v1/vacancies", {**vacancy_data(), "employer_id": other.pk})
    assert foreign.status_code == 404


def test_submitting_without_the_range_a_law_requires_names_the_law():
    recruiter = UserFactory(role="employer")
    employer = make_employer(member=recruiter)
    vacancy = make_vacancy(employer, publish=False, zip_code="80202", salary_min="", salary_max="")
    response = _post(_client(recruiter), f"/api/v1/vacancies/{vacancy.pk}/submit")
    assert response.status_code == 422
    assert response.json()["code"] == "pay_range_required"
    assert "Colorado" in response.json()["message"]


def test_match_with_gaps_that_link_to_what_closes_them(board):
    nurse = UserFactory()
    nurse.profile.profession = "NP"
    nurse.profile.primary_specialty = "363LF0000X"
    nurse.profile.save()
    Licence.objects.create(
        user=nurse,
        state="TX",
        licence_type="NP",
        number="NP-1",
        issue_date=TODAY - timedelta(days=900),
        expiry_date=TODAY + timedelta(days=20),
    )
    c = _client(nurse)
    match = c.get(f"/api/v1/vacancies/{board['austin_np'].pk}/match").json()
    assert match["eligible"] is True and 0 < match["score"] <= 100
    kinds = {g["kind"] for g in match["gaps"]}
    assert "licence_renewal" in kinds  # the licence expires before the start date
    renewal = next(g for g in match["gaps"] if g["kind"] == "licence_renewal")
    assert renewal["action_url"] == "/me/licences/"
    other = c.get(f"/api/v1/vacancies/{board['nyc_md'].pk}/match").json()
    assert other["eligible"] is False and other["score"] == 0
    mine = c.get("/api/v1/me/job-matches").json()
    assert [v["id"] for v in mine] == [board["austin_np"].pk]
    assert mine[0]["match"]["reasons"]
    employer_user = UserFactory(role="employer")
    assert _client(employer_user).get("/api/v1/me/job-matches").status_code == 403


def test_apply_list_withdraw_and_the_employer_moves_it(board):
    recruiter = UserFactory(role="employer")
    vacancy = make_vacancy(make_employer(member=recruiter))
    clinician = UserFactory()
    c = _client(clinician)
    made = _post(c, f"/api/v1/vacancies/{vacancy.pk}/applications", {"cover_note": "Hello"})
    assert made.status_code == 201, made.content
    app_id = made.json()["id"]
    again = _post(c, f"/api/v1/vacancies/{vacancy.pk}/applications")
    assert (again.status_code, again.json()["code"]) == (409, "already_applied")
    applicants = _client(recruiter).get(f"/api/v1/vacancies/{vacancy.pk}/applicants").json()
    assert applicants[0]["application_id"] == app_id
    assert "number" not in json.dumps(applicants)  # never licence numbers
    moved = _post(
        _client(recruiter), f"/api/v1/applications/{app_id}/status", {"status": "interview"}
    )
    assert moved.json()["status"] == "interview"
    skip = _post(_client(recruiter), f"/api/v1/applications/{app_id}/status", {"status": "hired"})
    assert skip.status_code == 409
    done = _post(c, f"/api/v1/applications/{app_id}/withdraw")
    assert [h["status"] for h in done.json()["history"]] == ["submitted", "interview", "withdrawn"]


def test_saved_searches_are_personal():
    a, b = UserFactory(), UserFactory()
    made = _post(_client(a), "/api/v1/me/saved-searches", {"name": "ICU", "query": "q=icu&page=2"})
    assert made.status_code == 201
    assert made.json()["query"] == "q=icu"
    assert _client(b).get("/api/v1/me/saved-searches").json() == []
    gone = _client(b).delete(f"/api/v1/me/saved-searches/{made.json()['id']}")
    assert gone.status_code == 404
    bad = _post(_client(a), "/api/v1/me/saved-searches", {"name": "x", "frequency": "hourly"})
    assert bad.status_code == 422


def test_employer_registration_and_verification(admin_user):
    recruiter = UserFactory(role="employer")
    made = _post(
        _client(recruiter),
        "/api/v1/employers",
        {
            "name": "Hill Country Clinics",
            "legal_name": "Hill Country Clinics LLC",
            "state": "TX",
            "ein": "12-3456789",
        },
    )
    assert made.status_code == 201 and made.json()["verified"] is False
    bad = _post(
        _client(recruiter),
        "/api/v1/employers",
        {"name": "X", "legal_name": "X LLC", "state": "ZZ", "ein": "123"},
    )
    assert bad.status_code == 422 and {"state", "ein"} <= set(bad.json()["errors"])
    verified = _post(_client(admin_user), f"/api/v1/employers/{made.json()['id']}/verify")
    assert verified.json()["verified"] is True
    assert (
        _post(_client(recruiter), f"/api/v1/employers/{made.json()['id']}/verify").status_code
        == 404
    )


def test_home_zip_is_checked_and_used_for_distance(board):
    nurse = UserFactory()
    c = _client(nurse)
    bad = _post(c, "/api/v1/me/profile", {"home_zip": "00000"}, method="patch")
    assert bad.status_code == 422 and "home_zip" in bad.json()["errors"]
    ok = _post(c, "/api/v1/me/profile", {"home_zip": "78702", "profession": "NP"}, method="patch")
    assert ok.json()["home_zip"] == "78702"
    # "within 25 miles" without a ZIP starts from the profile's ZIP
    near = c.get("/api/v1/vacancies?miles=25").json()
    assert [r["id"] for r in near["results"]] == [board["austin_np"].pk]
    match = c.get(f"/api/v1/vacancies/{board['austin_np'].pk}/match").json()
    assert any(r["kind"] == "distance" for r in match["reasons"])


def test_an_employer_administrator_adds_a_recruiter():
    boss, recruiter = UserFactory(role="employer"), UserFactory(role="employer")
    employer = make_employer(member=boss)
    url = f"/api/v1/employers/{employer.pk}/members"
    made = _post(_client(boss), url, {"email": recruiter.email.upper(), "role": "recruiter"})
    assert made.status_code == 201 and made.json()["role"] == "recruiter"
    # the recruiter now posts for the employer, but cannot add people
    draft = _post(
        _client(recruiter), "/api/v1/vacancies", {**vacancy_data(), "employer_id": employer.pk}
    )
    assert draft.status_code == 201
    again = _post(_client(recruiter), url, {"email": boss.email, "role": "admin"})
    assert again.status_code == 404  # "change" is the administrators': hidden from recruiters
    clinician = UserFactory()
    refused = _post(_client(boss), url, {"email": clinician.email})
    assert refused.status_code == 422 and "employer accounts" in refused.json()["message"]
    unknown = _post(_client(boss), url, {"email": "nobody@example.test"})
    assert unknown.status_code == 422

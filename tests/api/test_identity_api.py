"""The identity API: /me, profile, licences, certifications; errors are 4xx with a shape."""

from __future__ import annotations

import pytest

from cmepath.accounts.models import Licence, Profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, clinician, token_for):
    token = token_for(clinician)

    class Api:
        def get(self, path):
            return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")

        def send(self, method, path, body):
            return getattr(client, method)(
                path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )

    return Api()


def test_me_and_profile(api, clinician):
    me = api.get("/api/v1/me").json()
    assert me == {
        "id": clinician.pk,
        "email": clinician.email,
        "role": "clinician",
        "verified": False,
        "npi_matched": False,
    }
    response = api.send(
        "patch",
        "/api/v1/me/profile",
        {"first_name": "Ines", "profession": "PA", "annual_cme_allowance": "1500.00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["first_name"] == "Ines"
    assert Profile.objects.get(user=clinician).profession == "PA"


def test_privileged_fields_cannot_be_written(api, clinician):
    body = {
        "role": "admin",
        "is_staff": True,
        "npi_verified": True,
        "license_verified": True,
        "admin_verified": True,
        "npi_status": "matched",
    }
    response = api.send("patch", "/api/v1/me/profile", body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error" and payload["message"]
    clinician.refresh_from_db()
    assert clinician.role == "clinician" and not clinician.is_staff
    assert Profile.objects.get(user=clinician).verified_at is None


def test_profile_response_keys_are_the_documented_allowlist(api):
    keys = set(api.get("/api/v1/me/profile").json())
    assert keys == {
        "first_name",
        "last_name",
        "profession",
        "primary_specialty",
        "specialties",
        "npi",
        "npi_status",
        "npi_matched",
        "verified",
        "birth_month",
        "date_of_first_licensure",
        "share_patients_65_plus",
        "career_goal",
        "home_zip",
        "next_review_date",
        "annual_cme_allowance",
        "paid_cme_days",
    }


def test_licence_crud(api, clinician):
    body = {
        "state": "ny",
        "licence_type": "MD",
        "number": "NY-1",
        "issue_date": "2020-01-01",
        "expiry_date": "2026-12-31",
        "dea_registered": True,
    }
    created = api.send("post", "/api/v1/me/licences", body)
    assert created.status_code == 201, created.content
    lid = created.json()["id"]
    assert created.json()["state"] == "NY"
    patched = api.send("patch", f"/api/v1/me/licences/{lid}", {"number": "NY-2"})
    assert patched.status_code == 200 and patched.json()["number"] == "NY-2"
    assert api.get(f"/api/v1/me/licences/{lid}").json()["number"] == "NY-2"
    assert api.send("delete", f"/api/v1/me/licences/{lid}", {}).status_code == 204
    assert not Licence.objects.filter(pk=lid).exists()


def test_licence_expiry_before_issue_is_422_and_nothing_saved(api):
    body = {
        "state": "CA",
        "licence_type": "MD",
        "number": "X",
        "issue_date": "2024-01-01",
        "expiry_date": "2023-01-01",
    }
    response = api.send("post", "/api/v1/me/licences", body)
    assert response.status_code == 422
    assert "expiry_date" in response.json()["errors"] or "__all__" in response.json()["errors"]
    assert Licence.objects.count() == 0


def test_invalid_npi_is_422_with_reason(api):
    response = api.send("post", "/api/v1/me/npi", {"npi": "12345"})
    assert response.status_code == 422
    assert "10" in response.json()["message"]


def test_board_certification_crud(api):
    created = api.send(
        "post",
        "/api/v1/me/board-certifications",
        {
            "board": "ABIM",
            "specialty": "Cardiology",
            "cycle_start": "2024-01-01",
            "cycle_end": "2028-12-31",
        },
    )
    assert created.status_code == 201
    cid = created.json()["id"]
    bad = api.send("patch", f"/api/v1/me/board-certifications/{cid}", {"cycle_end": "2020-01-01"})
    assert bad.status_code == 422
    assert api.get(f"/api/v1/me/board-certifications/{cid}").json()["cycle_end"] == "2028-12-31"


def test_bad_json_and_wrong_types_are_4xx(api):
    response = api.send("patch", "/api/v1/me/profile", {"birth_month": 13})
    assert response.status_code == 422
    response = api.send("post", "/api/v1/me/licences", {"state": "CA"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "patch",
            "/api/v1/me/profile",
            {"share_patients_65_plus": True},
            "share_patients_65_plus",
        ),  # true is not 1
        ("patch", "/api/v1/me/profile", {"birth_month": "5"}, "birth_month"),  # "5" is not 5
        ("patch", "/api/v1/me/profile", {"annual_cme_allowance": False}, "annual_cme_allowance"),
        (
            "post",
            "/api/v1/me/licences",
            {
                "state": "CA",
                "licence_type": "MD",
                "number": "A1",
                "issue_date": "2020-01-01",
                "expiry_date": "2027-01-01",
                "dea_registered": 1,
            },
            "dea_registered",
        ),
        (
            "post",
            "/api/v1/me/completions",
            {"title": "x", "completed_on": "2025-01-01", "credits": {"ama_pra_1": True}},
            "credits",
        ),
    ],
)
def test_values_of_the_wrong_json_type_are_422_not_coerced(api, method, path, body, field):
    # found by `make fuzz`: Pydantic's lax mode read true as 1; the JSON schema says integer
    before = api.get("/api/v1/me/profile").json()
    response = api.send(method, path, body)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert api.get("/api/v1/me/profile").json() == before


def test_revoked_or_garbage_token_is_401(client):
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cmp_nonsense").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + "x" * 5000).status_code == 401


def test_session_auth_needs_csrf_for_writes(clinician):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(clinician)
    assert c.get("/api/v1/me").status_code == 200
    assert c.patch(
        "/api/v1/me/profile", {"first_name": "Z"}, content_type="application/json"
    ).status_code in (401, 403)


def test_openapi_schema_lists_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me/profile" in schema["paths"]
    assert "patch" in schema["paths"]["/api/v1/me/profile"]

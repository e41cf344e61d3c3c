"""User B can never read or change user A's profile, licences, proofs or tokens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cmepath.accounts import services
from cmepath.accounts.models import ApiToken, Licence, LicenceProof
from tests.factories import BoardCertificationFactory, LicenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(clinician, pdf_bytes):
    licence = LicenceFactory(user=clinician, number="A-OWNED-1")
    cert = BoardCertificationFactory(user=clinician)
    proof = services.proof_upload(
        actor=clinician, licence=licence, data=pdf_bytes, filename="p.pdf"
    )
    token, _ = services.token_create(actor=clinician, name="mine")
    return {"licence": licence, "cert": cert, "proof": proof, "token": token}


def test_pages_hide_and_protect_other_users_rows(client_for, clinician_b, owned):
    c = client_for(clinician_b)
    assert c.get(reverse("accounts:proof_download", args=[owned["proof"].pk])).status_code == 404
    assert c.post(reverse("accounts:licence_delete", args=[owned["licence"].pk])).status_code == 404
    assert c.post(reverse("accounts:board_cert_delete", args=[owned["cert"].pk])).status_code == 404
    assert c.post(reverse("accounts:proof_upload", args=[owned["licence"].pk])).status_code == 404
    assert c.post(reverse("accounts:token_revoke", args=[owned["token"].pk])).status_code == 404
    assert (
        c.post(
            reverse("accounts:proof_decide", args=[owned["proof"].pk]),
            {"decision": "approve", "reason": "x"},
        ).status_code
        == 404
    )
    page = c.get(reverse("accounts:licences")).content.decode()
    assert "A-OWNED-1" not in page
    assert Licence.objects.filter(pk=owned["licence"].pk).exists()
    assert ApiToken.objects.get(pk=owned["token"].pk).revoked_at is None
    assert LicenceProof.objects.get(pk=owned["proof"].pk).status == "pending"


def test_owner_and_admin_can_download_proof(client_for, clinician, admin_user, owned):
    assert (
        client_for(clinician)
        .get(reverse("accounts:proof_download", args=[owned["proof"].pk]))
        .status_code
        == 200
    )
    response = client_for(admin_user).get(
        reverse("accounts:proof_download", args=[owned["proof"].pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_api_hides_and_protects_other_users_rows(client, clinician_b, token_for, owned):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(clinician_b)}"}
    lid, cid = owned["licence"].pk, owned["cert"].pk
    assert client.get(f"/api/v1/me/licences/{lid}", **auth).status_code == 404
    assert (
        client.patch(
            f"/api/v1/me/licences/{lid}",
            {"number": "stolen"},
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/me/licences/{lid}", **auth).status_code == 404
    assert client.get(f"/api/v1/me/board-certifications/{cid}", **auth).status_code == 404
    assert client.delete(f"/api/v1/me/board-certifications/{cid}", **auth).status_code == 404
    listed = client.get("/api/v1/me/licences", **auth).json()
    assert listed == []
    tokens = client.get("/api/v1/me/tokens", **auth).json()
    assert all(t["name"] != "mine" for t in tokens)
    assert Licence.objects.get(pk=lid).number == "A-OWNED-1"


def test_anonymous_gets_login_redirect_or_401(client, owned):
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert (
        client.get(reverse("accounts:proof_download", args=[owned["proof"].pk])).status_code == 302
    )
    assert client.get("/api/v1/me/profile").status_code == 401


def test_verification_queue_is_admin_only(client_for, clinician, admin_user, owned):
    assert client_for(clinician).get(reverse("accounts:verification_queue")).status_code == 403
    page = client_for(admin_user).get(reverse("accounts:verification_queue"))
    assert page.status_code == 200
    assert "A-OWNED-1" in page.content.decode()

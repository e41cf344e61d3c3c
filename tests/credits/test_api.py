"""API: completions CRUD, certificate upload, evaluation, share links, badges; isolation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cmepath.credits.models import Certificate, Completion, ShareLink
from tests.credits import certgen
from tests.credits.factories import CompletionFactory
from tests.factories import LicenceFactory


@pytest.fixture
def api_a(clinician, token_for):
    return Client(headers={"Authorization": f"Bearer {token_for(clinician)}"})


@pytest.fixture
def api_b(clinician_b, token_for):
    return Client(headers={"Authorization": f"Bearer {token_for(clinician_b)}"})


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_completion_crud(api_a, today):
    created = _post(
        api_a,
        "/api/v1/me/completions",
        {
            "title": "Ethics refresher",
            "completed_on": (today - timedelta(days=1)).isoformat(),
            "credits": {"ama_pra_1": 1.5},
            "topics": ["ethics"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["provenance"] == "self_reported"
    assert body["credits"] == [{"credit_type": "ama_pra_1", "amount": "1.50"}]
    cid = body["id"]
    assert [c["id"] for c in api_a.get("/api/v1/me/completions").json()] == [cid]
    patched = api_a.patch(
        f"/api/v1/me/completions/{cid}",
        json.dumps({"title": "Ethics 2"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["title"] == "Ethics 2"
    assert api_a.delete(f"/api/v1/me/completions/{cid}").status_code == 204
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"credits": {"made_up": 1}}, 422, "Unknown credit type"),
        ({"credits": {"ama_pra_1": 1}, "completed_on": "FUTURE"}, 422, "future"),
        ({"credits": {"ama_pra_1": 1}, "provenance": "imported"}, 422, "provenance"),
        ({"credits": {}}, 422, "credits"),
    ],
)
def test_bad_completions_are_refused(api_a, today, body, status, needle):
    payload = {"title": "X", "completed_on": today.isoformat(), **body}
    if payload["completed_on"] == "FUTURE":
        payload["completed_on"] = (today + timedelta(days=3)).isoformat()
    response = _post(api_a, "/api/v1/me/completions", payload)
    assert response.status_code == status
    assert needle.lower() in json.dumps(response.json()).lower()
    assert not Completion.objects.exists()


def test_certificate_upload_returns_prefill(api_a):
    sample = certgen.corpus()[0]
    response = api_a.post(
        "/api/v1/me/certificates",
        {"file": SimpleUploadedFile("c.pdf", sample.pdf, content_type="application/pdf")},
    )
    assert response.status_code == 201, response.content
    prefill = response.json()["prefill"]
    assert prefill["title"] == sample.title and prefill["credit_type"] == sample.credit_type
    cert_id = response.json()["id"]
    download = api_a.get(f"/api/v1/me/certificates/{cert_id}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_bad_certificate_upload_stores_nothing(api_a):
    response = api_a.post(
        "/api/v1/me/certificates",
        {
            "file": SimpleUploadedFile(
                "c.pdf", certgen.encrypted_pdf(), content_type="application/pdf"
            )
        },
    )
    assert response.status_code == 422
    assert "encrypted" in response.json()["message"]
    assert not Certificate.objects.exists()


def test_evaluation_and_snapshot(api_a, clinician, today):
    LicenceFactory(user=clinician, state="CA", expiry_date=today + timedelta(days=200))
    CompletionFactory(user=clinician, completed_on=today, credits={"ama_pra_1": 10})
    live = api_a.get("/api/v1/me/evaluation")
    assert live.status_code == 200
    regimes = {r["regime_id"]: r for r in live.json()["regimes"]}
    assert "ca-md" in regimes and regimes["ca-md"]["requirements"]
    assert api_a.get("/api/v1/me/evaluation/snapshot").status_code == 404
    assert api_a.post("/api/v1/me/evaluation/snapshot").status_code == 200
    assert api_a.get("/api/v1/me/evaluation/snapshot").json()["regimes"] >= 1
    future = api_a.get(f"/api/v1/me/evaluation?as_of={(today + timedelta(days=1)).isoformat()}")
    assert future.status_code == 422


def test_share_links(api_a, client):
    created = _post(api_a, "/api/v1/me/share-links", {"label": "Board", "days": 7})
    assert created.status_code == 201
    body = created.json()
    assert body["token"] and body["url"].endswith(f"/credits/shared/{body['token']}/")
    assert client.get(f"/credits/shared/{body['token']}/").status_code == 200
    listed = api_a.get("/api/v1/me/share-links").json()
    assert "token" not in listed[0] and listed[0]["prefix"] == body["token"][:6]
    assert api_a.delete(f"/api/v1/me/share-links/{body['id']}").status_code == 204
    assert client.get(f"/credits/shared/{body['token']}/").status_code == 404
    assert (
        _post(api_a, "/api/v1/me/share-links", {"label": "Board", "regime_id": "zz-md"}).status_code
        == 422
    )


def test_badge_export_and_public_verify(api_a, clinician, client, today):
    completion = CompletionFactory(user=clinician, completed_on=today, credits={"ancc": 2})
    badge = api_a.get(f"/api/v1/me/completions/{completion.pk}/badge").json()
    ok = client.post("/api/v1/badges/verify", json.dumps(badge), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["valid"] is True
    badge["name"] = "Changed"
    ko = client.post("/api/v1/badges/verify", json.dumps(badge), content_type="application/json")
    assert ko.json()["valid"] is False


def test_user_b_cannot_see_a_records(api_a, api_b, clinician, today):
    completion = CompletionFactory(user=clinician, completed_on=today)
    sample = certgen.corpus()[0]
    cert_id = api_a.post(
        "/api/v1/me/certificates",
        {"file": SimpleUploadedFile("c.pdf", sample.pdf, content_type="application/pdf")},
    ).json()["id"]
    link_id = _post(api_a, "/api/v1/me/share-links", {"label": "HR"}).json()["id"]
    assert api_b.get("/api/v1/me/completions").json() == []
    assert api_b.get("/api/v1/me/certificates").json() == []
    assert api_b.get("/api/v1/me/share-links").json() == []
    for method, url in [
        ("get", f"/api/v1/me/completions/{completion.pk}"),
        ("patch", f"/api/v1/me/completions/{completion.pk}"),
        ("delete", f"/api/v1/me/completions/{completion.pk}"),
        ("get", f"/api/v1/me/completions/{completion.pk}/badge"),
        ("get", f"/api/v1/me/certificates/{cert_id}"),
        ("get", f"/api/v1/me/certificates/{cert_id}/file"),
        ("delete", f"/api/v1/me/certificates/{cert_id}"),
        ("delete", f"/api/v1/me/share-links/{link_id}"),
    ]:
        kwargs = (
            {"data": json.dumps({"title": "x"}), "content_type": "application/json"}
            if method == "patch"
            else {}
        )
        assert getattr(api_b, method)(url, **kwargs).status_code == 404, url
    # B cannot attach A's certificate to their own completion either
    response = _post(
        api_b,
        "/api/v1/me/completions",
        {
            "title": "x",
            "completed_on": today.isoformat(),
            "credits": {"ama_pra_1": 1},
            "certificate_id": cert_id,
        },
    )
    assert response.status_code == 404
    assert Completion.objects.count() == 1 and ShareLink.objects.get().revoked_at is None


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/me/completions").status_code == 401


def test_csv_import_endpoint(api_a):
    text = "title,completed_on,credits\nA,2025-01-01,ama_pra_1=1\nB,2025-02-01,ancc=2\n"
    response = api_a.post(
        "/api/v1/me/completions/import",
        {"file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 201 and response.json()["created"] == 2


def test_provider_reports_a_learner_completion(
    clinician, clinician_b, token_for, today, provider_activity
):
    provider_user, activity = provider_activity
    api_provider = Client(headers={"Authorization": f"Bearer {token_for(provider_user)}"})
    url = f"/api/v1/activities/{activity.pk}/completions"
    body = {
        "learner_email": clinician.email,
        "completed_on": today.isoformat(),
        "credits": {"ama_pra_1": 2},
    }
    response = _post(api_provider, url, body)
    assert response.status_code == 201, response.content
    assert response.json()["provenance"] == "provider_reported"
    assert Completion.objects.get().user == clinician
    # above the designation: refused; a stranger (or an unknown email): the same 404
    assert _post(api_provider, url, {**body, "credits": {"ama_pra_1": 3}}).status_code == 422
    api_stranger = Client(headers={"Authorization": f"Bearer {token_for(clinician_b)}"})
    assert _post(api_stranger, url, body).status_code == 404
    assert (
        _post(api_provider, url, {**body, "learner_email": "nobody@example.test"}).status_code
        == 404
    )
    assert Completion.objects.count() == 1

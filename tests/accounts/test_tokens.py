"""Issue 12, defect 15: personal API tokens expire, carry a scope, and are off for admins and
editors unless an administrator enables them; the active-token limit holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cmepath.accounts import services
from cmepath.accounts.models import ApiToken
from cmepath.core.errors import PermissionDeniedError, ValidationError
from cmepath.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_made_on_the_page_is_read_only_expires_in_90_days_and_says_so(
    client_for, clinician
):
    # when a clinician creates a token giving only its name
    page = client_for(clinician).post(reverse("accounts:tokens"), {"name": "EHR sync"})
    # then it is read-only and expires in 90 days, which the page shows with the secret
    token = ApiToken.objects.get(user=clinician)
    assert token.scope == "read"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    html = page.content.decode()
    expiry = token.expires_at
    assert f'data-testid="new-token-expiry">{expiry:%b} {expiry.day}, {expiry.year}<' in html
    assert 'data-testid="new-token"' in html


def test_the_page_offers_a_lifetime_and_the_write_scope(client_for, clinician):
    client_for(clinician).post(
        reverse("accounts:tokens"), {"name": "sync", "scope": "write", "expires_in_days": "7"}
    )
    token = ApiToken.objects.get(user=clinician)
    assert token.scope == "write"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


@pytest.mark.parametrize("days", [0, 366, -1])
def test_lifetimes_outside_one_day_to_a_year_are_refused(clinician, days):
    with pytest.raises(ValidationError, match="between 1 and 365"):
        services.token_create(actor=clinician, name="x", expires_in_days=days)


def test_an_expired_token_is_401_with_a_message_that_says_so(client, clinician):
    import time_machine

    token, raw = services.token_create(actor=clinician, name="old", scope="read")
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    with time_machine.travel(token.expires_at + timedelta(seconds=1)):
        response = client.get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "token_expired"
    assert f"expired on {token.expires_at:%Y-%m-%d}" in body["message"]
    assert "/me/tokens/" in body["message"]


def test_an_unknown_token_keeps_the_generic_401(client):
    response = client.get("/api/v1/me", **_bearer("cmp_" + "x" * 43))
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


LICENCE = {
    "state": "CA",
    "licence_type": "MD",
    "number": "RO-1",
    "issue_date": "2020-01-01",
    "expiry_date": "2027-01-01",
}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/me/licences", LICENCE),
        ("patch", "/api/v1/me/profile", {"first_name": "Z"}),
        ("delete", "/api/v1/me/licences/{licence}", {}),
        ("post", "/api/v1/me/npi", {"npi": "1999000015"}),
    ],
)
def test_a_read_token_reads_but_cannot_write(client, clinician, method, path, body):
    from tests.factories import LicenceFactory

    licence = LicenceFactory(user=clinician)
    _, raw = services.token_create(actor=clinician, name="r", scope="read")
    assert client.get("/api/v1/me/profile", **_bearer(raw)).status_code == 200
    response = getattr(client, method)(
        path.format(licence=licence.pk), body, content_type="application/json", **_bearer(raw)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert "read-only" in response.json()["message"]
    clinician.profile.refresh_from_db()
    assert clinician.profile.first_name == "" and clinician.profile.npi == ""
    assert list(clinician.licences.values_list("pk", flat=True)) == [licence.pk]


def test_a_write_token_writes(client, clinician):
    _, raw = services.token_create(actor=clinician, name="w", scope="write")
    response = client.patch(
        "/api/v1/me/profile", {"first_name": "Zoe"}, content_type="application/json", **_bearer(raw)
    )
    assert response.status_code == 200 and response.json()["first_name"] == "Zoe"


def test_token_list_shows_scope_and_expiry(client, clinician):
    token, raw = services.token_create(actor=clinician, name="r", scope="read", expires_in_days=30)
    listed = client.get("/api/v1/me/tokens", **_bearer(raw)).json()
    assert listed[0]["scope"] == "read"
    assert listed[0]["expires_at"].startswith(f"{token.expires_at:%Y-%m-%d}")
    assert listed[0]["active"] is True


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_admins_and_editors_get_no_token_unless_an_admin_enables_it(role, client_for, admin_user):
    user = UserFactory(role=role, is_staff=role == "admin", is_superuser=role == "admin")
    with pytest.raises(PermissionDeniedError, match="enables them"):
        services.token_create(actor=user, name="x")
    assert ApiToken.objects.filter(user=user).count() == 0
    # when an administrator allows it, the token works, and the decision is audited
    services.user_allow_api_tokens(actor=admin_user, user=user, allowed=True)
    _, raw = services.token_create(actor=user, name="x", scope="read")
    assert services.token_authenticate(raw) == user
    event = AuditEvent.objects.get(action="user.api_tokens", subject_user_id=user.pk)
    assert event.actor_id == admin_user.pk and event.detail == {"allowed": True}


def test_the_tokens_page_tells_an_admin_why_there_is_no_form(client_for, admin_user):
    page = client_for(admin_user).get(reverse("accounts:tokens")).content.decode()
    assert 'data-testid="tokens-off"' in page and 'name="name"' not in page
    refused = client_for(admin_user).post(reverse("accounts:tokens"), {"name": "x"})
    assert refused.status_code == 403
    assert not ApiToken.objects.filter(user=admin_user).exists()


def test_a_token_stops_working_when_its_owner_becomes_an_admin(client, clinician, admin_user):
    _, raw = services.token_create(actor=clinician, name="x", scope="read")
    services.user_set_role(actor=admin_user, user=clinician, role="admin")
    response = client.get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_allowed"


def test_disallowing_tokens_stops_existing_ones(client, admin_user):
    editor = UserFactory(role="editor")
    services.user_allow_api_tokens(actor=admin_user, user=editor, allowed=True)
    _, raw = services.token_create(actor=editor, name="x", scope="read")
    services.user_allow_api_tokens(actor=admin_user, user=editor, allowed=False)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401


def test_only_admins_allow_tokens(clinician):
    editor = UserFactory(role="editor")
    with pytest.raises(PermissionDeniedError):
        services.user_allow_api_tokens(actor=clinician, user=editor, allowed=True)
    editor.refresh_from_db()
    assert editor.api_tokens_allowed is False


def test_the_admin_site_switch_goes_through_the_audited_service(client_for, admin_user):
    editor = UserFactory(role="editor", email="ed@example.test")
    response = client_for(admin_user).post(
        f"/admin/accounts/user/{editor.pk}/change/",
        {
            "email": editor.email,
            "role": "editor",
            "is_active": "on",
            "api_tokens_allowed": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    editor.refresh_from_db()
    assert editor.api_tokens_allowed is True
    assert (
        AuditEvent.objects.filter(action="user.api_tokens", subject_user_id=editor.pk).count() == 1
    )


def test_the_limit_counts_active_tokens_only(clinician):
    import time_machine

    with time_machine.travel(timezone.now() - timedelta(days=100)):
        old, _ = services.token_create(actor=clinician, name="expired", expires_in_days=7)
    for i in range(20):
        services.token_create(actor=clinician, name=f"t{i}")
    with pytest.raises(ValidationError, match="20 active tokens"):
        services.token_create(actor=clinician, name="one too many")
    assert ApiToken.objects.filter(user=clinician).count() == 21  # 20 active + the expired one
    assert not old.active

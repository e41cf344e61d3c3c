"""Web security settings: deploy checks, headers, CSP, cookies, sessions, throttling, probes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "cmepath.settings.prod",
    "DJANGO_SECRET_KEY": "x9" * 10 + "prod-test-secret-key-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "cmepath.example",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "redis://127.0.0.1:6379/15",  # a setting only: check --deploy does not connect
}


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _run(code, PROD_ENV)
    assert result.returncode == 0, result.stderr[-2000:]


def test_check_deploy_warns_without_a_shared_cache():
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _run(code, {k: v for k, v in PROD_ENV.items() if k != "REDIS_URL"})
    assert result.returncode != 0
    assert "cmepath.W001" in result.stderr and "REDIS_URL" in result.stderr


def test_redis_url_gives_a_shared_cache_and_cached_sessions():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.SESSION_ENGINE)"
    )
    assert _run(code, PROD_ENV).stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/15",
        "django.contrib.sessions.backends.cached_db",
    ]
    without = _run(
        code.replace("s.CACHES['default']['LOCATION'], ", ""),
        {k: v for k, v in PROD_ENV.items() if k != "REDIS_URL"},
    )
    assert without.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _run("import django; django.setup()", env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_cookie_and_transport_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.DEBUG, "
        "[c for c in s.SILENCED_SYSTEM_CHECKS if c.startswith('security')])"
    )
    out = _run(code, PROD_ENV).stdout.split()
    assert out == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "Lax",
        "63072000",
        "True",
        "True",
        "False",
        "[]",
    ]


def test_argon2id_is_the_production_hasher():
    assert settings.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # tests only
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('a long enough passphrase'))"
    )
    assert _run(code, PROD_ENV).stdout.startswith("argon2$argon2id$")


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/healthz"])
def test_security_headers_on_anonymous_responses(client, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        bits = part.split()
        if bits:
            out[bits[0]] = bits[1:]
    return out


@pytest.mark.parametrize(
    "name", ["core:home", "accounts:profile", "accounts:licences", "accounts:tokens"]
)
def test_enforced_csp_without_unsafe_inline(client_for, clinician, name):
    response = client_for(clinician).get(reverse(name))
    assert "Content-Security-Policy" in response, "CSP must be enforced, not report-only"
    csp = _csp_directives(response["Content-Security-Policy"])
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(csp["script-src"])
    assert "<script>" not in response.content.decode(), "inline scripts would be blocked by the CSP"


def test_authenticated_pages_are_not_cached(client_for, clinician):
    assert client_for(clinician).get(reverse("accounts:profile"))["Cache-Control"] == "no-store"


def test_security_txt_and_health_probes(client):
    body = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: " in body and "Expires: " in body
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["database"] == "up"


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503


def test_login_rotates_session_and_logout_kills_it(client, clinician):
    client.get("/accounts/login/")
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)
    response = client.post(
        "/accounts/login/", {"login": clinician.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before is None or before.value != after
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post("/accounts/logout/")
    from django.test import Client

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = after
    assert replay.get(reverse("accounts:profile")).status_code == 302


def test_deactivated_user_loses_the_session(client_for, clinician):
    c = client_for(clinician)
    assert c.get(reverse("accounts:profile")).status_code == 200
    clinician.is_active = False
    clinician.save()
    assert c.get(reverse("accounts:profile")).status_code == 302


def test_privileged_session_idle_timeout(client_for, admin_user):
    import time_machine as tm

    with tm.travel("2026-01-01 09:00", tick=False):
        c = client_for(admin_user)
        c.get(reverse("core:home"))
    with tm.travel("2026-01-01 09:20", tick=False):
        assert c.get(reverse("core:home")).status_code == 200
    with tm.travel("2026-01-01 09:55", tick=False):
        response = c.get(reverse("core:home"))
        assert response.status_code == 302 and "expired" in response["Location"]


def test_clinician_session_survives_an_hour_idle(client_for, clinician):
    import time_machine as tm

    with tm.travel("2026-01-01 09:00", tick=False):
        c = client_for(clinician)
        c.get(reverse("core:home"))
    with tm.travel("2026-01-01 11:00", tick=False):
        assert c.get(reverse("accounts:profile")).status_code == 200


def test_login_is_throttled_after_ten_failures_for_an_account(client, clinician):
    for _ in range(10):
        client.post(
            "/accounts/login/", {"login": clinician.email, "password": "wrong password here"}
        )
    response = client.post(
        "/accounts/login/", {"login": clinician.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 429


def test_login_failure_does_not_reveal_whether_the_account_exists(client, clinician):
    known = client.post(
        "/accounts/login/", {"login": clinician.email, "password": "wrong password here"}
    )
    unknown = client.post(
        "/accounts/login/", {"login": "nobody@example.test", "password": "wrong password here"}
    )
    assert known.status_code == unknown.status_code == 200
    strip = lambda html: html.replace(clinician.email, "X").replace("nobody@example.test", "X")  # noqa: E731
    import re

    def norm(r):
        return re.sub(r'(value="[^"]*"|"X-CSRFToken": "[^"]*")', "", strip(r.content.decode()))

    assert norm(known) == norm(unknown)


def test_password_reset_does_not_reveal_accounts(client, clinician):
    from django.core import mail

    a = client.post("/accounts/password/reset/", {"email": clinician.email})
    b = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert a.status_code == b.status_code == 302
    assert a["Location"] == b["Location"]
    assert len(mail.outbox) == 2  # allauth mails the unknown address an "unknown account" notice


def test_signup_with_existing_email_does_not_reveal_it(client, clinician):
    from django.core import mail

    response = client.post(
        "/accounts/signup/",
        {
            "email": clinician.email,
            "password1": "a perfectly fine passphrase",
            "password2": "a perfectly fine passphrase",
            "profession": "MD",
        },
    )
    fresh = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.test",
            "password1": "a perfectly fine passphrase",
            "password2": "a perfectly fine passphrase",
            "profession": "MD",
        },
    )
    assert response.status_code == fresh.status_code == 302
    assert response["Location"] == fresh["Location"]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("elevenchars", False),
        ("twelve chars", True),
        ("Password123!", False),
        ("my cmepath passphrase", False),
        ("long passphrase " * 8, True),
    ],
)
def test_password_policy(password, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_admin_without_totp_is_sent_to_enrol(client_for, db):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin", is_staff=True)
    c = client_for(admin)
    response = c.get(reverse("accounts:verification_queue"))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    assert c.get("/api/v1/me").status_code == 403


def test_no_csrf_exempt_views():
    from django.urls import get_resolver

    exempt = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif getattr(p.callback, "csrf_exempt", False):
                exempt.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    # django-ninja marks its views csrf_exempt and enforces CSRF itself for cookie auth
    # (tests/api/test_identity_api.py::test_session_auth_needs_csrf_for_writes).
    assert [e for e in exempt if not e.startswith("api/v1/")] == []


@pytest.mark.parametrize(
    "path", ["/api/v1/activities?q=%00", "/catalog/?q=a%00b", "/api/v1/me?x=%00"]
)
def test_nul_in_query_string_is_dropped(client, clinician, token_for, path):
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token_for(clinician)}")
    assert response.status_code == 200


def test_nul_in_json_body_is_a_422_and_saves_nothing(client, clinician, token_for):
    from cmepath.accounts.models import Licence

    body = (
        '{"state": "CA", "licence_type": "MD", "number": "\\u0000", "issue_date": "2020-01-01", '
        '"expiry_date": "2027-01-01"}'
    )
    response = client.post(
        "/api/v1/me/licences",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(clinician)}",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_characters"
    assert not Licence.objects.exists()


@pytest.mark.parametrize("command", ["demo", "demo_totp"])
def test_production_refuses_the_demo_commands(command):
    """The demo creates accounts with the published password: not installed in production."""
    code = f"from cmepath.cli import main; main([{command!r}])"
    result = _run(code, PROD_ENV)
    assert result.returncode == 1
    assert f"cmepath {command}: refused under cmepath.settings.prod" in result.stderr
    assert "cmepath.settings.dev" in result.stderr


def test_only_dev_test_and_load_settings_install_the_demo_app():
    code = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('cmepath.demo'))"
    assert _run(code, PROD_ENV).stdout.strip() == "False"
    assert settings.INSTALLED_APPS.count("cmepath.demo") == 1  # the test settings

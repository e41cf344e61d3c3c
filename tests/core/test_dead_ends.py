"""Issue 13 item 8: no dead ends.

The API docs page works offline (Swagger UI from django-ninja's static files, no CDN, no
inline script under the CSP); a signed-in account that is not staff gets a 403 page at
``/admin/`` instead of a redirect loop; 404 and 500 pages come in the site's layout, and the
500 page needs neither a database nor a request.
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse

from tests.factories import UserFactory

NON_STAFF = ["clinician", "employer", "provider", "editor"]


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


# A URL configuration for the 500 test alone (pytest.mark.urls): it has none of the site's
# routes, so a 500 page that reversed a URL would fail here.
urlpatterns = [path("boom/", _boom)]


def _csp(response) -> dict[str, list[str]]:
    out = {}
    for part in response["Content-Security-Policy"].split(";"):
        bits = part.split()
        if bits:
            out[bits[0]] = bits[1:]
    return out


def _user(role: str):
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory(role=role)
    if role == "editor":  # editors must enrol TOTP before any page
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


# -- API docs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_docs_render_offline_from_static_files(settings):
    # given static files served the way production serves them (WhiteNoise), from the finders
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()  # a fresh handler reads the setting
    # when the docs page is read
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    # then nothing comes from another origin
    assert "cdn" not in html.lower()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    # and no script runs inline: every <script> is external or a JSON data block
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        assert 'src="' in attrs or 'type="application/json"' in attrs, attrs
        assert 'src="' not in attrs or not body.strip()
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    # and every script, stylesheet and icon it names is served by the static files
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= {
        "swagger-ui-bundle.js",
        "swagger-ui-init.js",
        "swagger-ui.css",
    }
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content if served.streaming else [served.content])
    # and the schema the page loads answers on the same origin
    assert client.get(reverse("api:openapi-json")).status_code == 200


@pytest.mark.django_db
def test_api_docs_turn_off_the_online_validator():
    html = Client().get(reverse("api:openapi-view")).content.decode()
    assert '"validatorUrl": null' in html


# -- admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_STAFF)
def test_admin_answers_signed_in_non_staff_with_a_403_page(role, client_for):
    client = client_for(_user(role))
    for url in ("/admin/", "/admin/accounts/user/", "/admin/login/?next=/admin/"):
        response = client.get(url)
        assert response.status_code == 403, url
        body = response.content.decode()
        assert 'class="site-header"' in body, "the 403 page is in the site's layout"
        assert "administration site is for staff accounts" in body
        assert reverse("core:home") in body


@pytest.mark.django_db
def test_admin_no_longer_loops_for_a_signed_in_clinician(client_for):
    client = client_for(_user("clinician"))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert response.redirect_chain == []


@pytest.mark.django_db
def test_admin_still_sends_visitors_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.django_db
def test_admin_site_opens_for_staff_and_login_sends_them_on(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"] == "/admin/accounts/user/"
    offsite = client.get("/admin/login/?next=https://evil.example/")
    assert offsite["Location"] == reverse("admin:index")


# -- 404 and 500 --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_is_in_the_site_layout(client, client_for):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="site-header"' in body and "Not found" in body
    assert reverse("catalog:search") in body
    # signed in, the menus are there too
    signed_in = client_for(_user("clinician")).get("/no-such-page/").content.decode()
    assert 'aria-label="Account"' in signed_in and reverse("credits:dashboard") in signed_in


def test_500_renders_without_database_or_request():
    """No ``db`` fixture: pytest-django refuses any query, so this fails if the page needs one."""
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert 'class="site-header"' in body and "/static/cmepath/site.css" in body
    assert "Something went wrong on our side" in body
    assert "<script" not in body


@pytest.mark.urls("tests.core.test_dead_ends")
def test_500_from_a_failing_view_is_the_site_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert 'class="site-header"' in body and "Something went wrong on our side" in body

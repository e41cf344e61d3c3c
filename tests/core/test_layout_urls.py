"""The layout's links are reversed once per URL configuration (core.context_processors).

They must be the links ``{% url %}`` gave before the table was cached, under every urlconf a
test or a deployment uses (another urlconf, a script prefix), and a table built for one
urlconf must never be shown under another.
"""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory, override_settings
from django.urls import clear_url_caches, include, path, reverse, set_script_prefix, set_urlconf
from django.urls.base import get_script_prefix

from cmepath import urls as project
from cmepath.core.context_processors import layout_links, navigation
from tests.factories import UserFactory

WITHOUT_API = "tests.core.urls_without_api"
MOUNTED = "tests.core.test_layout_urls"

# A urlconf with the whole site under /site/ (pytest's override of ROOT_URLCONF names this module).
urlpatterns = [path("site/", include(project.urlpatterns))]

LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def _section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def _main_nav(html: str) -> list[tuple[str, str, bool]]:
    return [
        (label, url, bool(current))
        for url, current, label in LINK.findall(_section(html, '<nav aria-label="Main">', "</nav>"))
    ]


def _account_nav(html: str) -> list[tuple[str, str, bool]]:
    return [
        (label, url, bool(current))
        for url, current, label in LINK.findall(
            _section(html, '<nav aria-label="Account">', "</nav>")
        )
    ]


def _footer(html: str) -> str:
    return _section(html, '<footer class="site-footer', "</footer>")


def _brand(html: str) -> str:
    return re.search(r'<a class="brand" href="([^"]*)"', html).group(1)


# The clinician's menus (labels in order): as the layout showed them before the table was
# cached, plus the planner and the reminder settings (issue 13, "one journey").
CLINICIAN_MAIN = [
    ("Home", "core:home"),
    ("Find CME", "catalog:search"),
    ("Jobs", "jobs:search"),
    ("Knowledge hub", "hub:index"),
    ("Jobs for you", "jobs:for_you"),
    ("Wishlist", "catalog:wishlist"),
    ("Compliance", "credits:dashboard"),
    ("Completions", "credits:history"),
    ("Planner", "planner:planner"),
    ("Licences", "accounts:licences"),
    ("QI projects", "outcomes:project_list"),
]
CLINICIAN_ACCOUNT = [
    ("Profile", "accounts:profile"),
    ("Reading list", "hub:reading_list"),
    ("Write for the hub", "hub:write"),
    ("Disclosures", "hub:disclosures"),
    ("Reminders", "credits:notifications"),
    ("Security", "mfa_index"),
    ("API tokens", "accounts:tokens"),
]


@pytest.mark.django_db
def test_anonymous_landing_page_links_are_the_reversed_urls():
    html = Client().get("/").content.decode()
    assert _brand(html) == reverse("core:home") == "/"
    assert f'<a href="{reverse("account_login")}">Sign in</a>' in html
    assert f'<a class="button small" href="{reverse("account_signup")}">Sign up</a>' in html
    assert _main_nav(html) == []
    assert '<nav aria-label="Account">' not in html
    footer = _footer(html)
    assert f'<a href="{reverse("credits:coverage")}">What the rules cover</a>' in footer
    assert f'<a href="{reverse("api:openapi-view")}">API</a>' in footer


@pytest.mark.django_db
def test_signed_in_page_shows_the_same_menus_as_before(clinician):
    client = Client()
    client.force_login(clinician)
    url = reverse("accounts:tokens")
    html = client.get(url).content.decode()
    assert _main_nav(html) == [(label, reverse(name), False) for label, name in CLINICIAN_MAIN]
    assert _account_nav(html) == [
        (label, reverse(name), reverse(name) == url) for label, name in CLINICIAN_ACCOUNT
    ]
    assert '<details class="account-menu" open>' in html  # the current page is in the menu
    assert f'<form method="post" action="{reverse("account_logout")}" class="inline">' in html
    assert _brand(html) == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("provider", "My activities", "Compliance"),
        ("employer", "Hiring", "Wishlist"),
        ("editor", "Experts", "Verification queue"),
    ],
)
def test_each_role_gets_its_own_menu(role, present, absent):
    request = RequestFactory().get("/")
    request.user = UserFactory(role=role)
    labels = [item["label"] for item in navigation(request)["nav_items"]]
    assert present in labels
    assert absent not in labels
    assert labels[0] == "Home"


@pytest.mark.django_db
def test_a_urlconf_without_the_api_drops_only_the_api_link_and_does_not_leak():
    client = Client()
    before = _footer(client.get("/").content.decode())
    assert '">API</a>' in before  # the project's table is built and cached first
    with override_settings(ROOT_URLCONF=WITHOUT_API):
        html = Client().get("/").content.decode()
        footer = _footer(html)
        assert '">API</a>' not in footer
        assert f'<a href="{reverse("credits:coverage")}">What the rules cover</a>' in footer
        assert _brand(html) == "/"
        assert "api" not in layout_links().layout
    after = _footer(Client().get("/").content.decode())
    assert after == before


@pytest.mark.django_db
def test_links_follow_a_urlconf_that_mounts_the_site_elsewhere(clinician):
    Client().get("/")  # the project's table first, so a leak would show below
    with override_settings(ROOT_URLCONF=MOUNTED):
        client = Client()
        client.force_login(clinician)
        html = client.get("/site/me/tokens/").content.decode()
        assert _brand(html) == "/site/"
        nav = _main_nav(html)
        assert nav[0] == ("Home", "/site/", False)
        assert all(url.startswith("/site/") for _, url, _ in nav + _account_nav(html))
        assert '<form method="post" action="/site/accounts/logout/"' in html
        assert '<a href="/site/api/v1/docs">API</a>' in _footer(html)
    html = Client().get("/").content.decode()
    assert _brand(html) == "/"
    assert '<a href="/api/v1/docs">API</a>' in _footer(html)


@pytest.mark.django_db
def test_links_carry_the_script_prefix(clinician):
    request = RequestFactory().get("/")
    request.user = clinician
    plain = navigation(request)
    old = get_script_prefix()
    set_script_prefix("/cme/")
    try:
        prefixed = navigation(request)
    finally:
        set_script_prefix(old)
    assert prefixed["layout_urls"]["home"] == "/cme/"
    assert [i["url"] for i in prefixed["nav_items"]] == [
        "/cme" + i["url"] for i in plain["nav_items"]
    ]
    assert navigation(request)["layout_urls"]["home"] == "/"


def test_clearing_the_url_caches_builds_a_new_table():
    first = layout_links()
    assert layout_links() is first  # cached: reversed once, not per page
    clear_url_caches()
    assert layout_links() is not first
    assert layout_links().layout == first.layout


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_static_files_are_what_the_static_and_htmx_tags_render(debug):
    tags = '{% load static django_htmx %}<link rel="stylesheet" href="{% static \'cmepath/site.css\' %}">{% htmx_script minified=True %}<script src="{% static \'cmepath/site.js\' %}" defer></script>'
    with override_settings(DEBUG=debug):
        html = Client().get("/").content.decode()
        expected = engines["django"].from_string(tags).render({})
    head = re.sub(r"\n\s*", "", _section(html, '<link rel="icon" href="data:,">', "</head>"))
    assert head == expected
    assert ("django-htmx" in head) is debug  # htmx's debug extension only when DEBUG


@pytest.mark.django_db
def test_static_files_follow_the_static_url():
    assert (
        '<link rel="stylesheet" href="/static/cmepath/site.css">'
        in Client().get("/").content.decode()
    )
    with override_settings(STATIC_URL="/assets/"):
        html = Client().get("/").content.decode()
        assert '<link rel="stylesheet" href="/assets/cmepath/site.css">' in html
        assert '<script src="/assets/cmepath/site.js" defer></script>' in html
        assert "/static/" not in html
    assert (
        '<script src="/static/cmepath/site.js" defer></script>'
        in Client().get("/").content.decode()
    )


@pytest.mark.django_db
def test_a_per_request_urlconf_gets_its_own_links(clinician):
    """A middleware may set ``request.urlconf``; Django's handler then calls ``set_urlconf``
    for that request, and ``ROOT_URLCONF`` itself does not change."""
    request = RequestFactory().get("/")
    request.user = clinician
    assert "api" in navigation(request)["layout_urls"]
    set_urlconf(MOUNTED)
    try:
        mounted = navigation(request)
    finally:
        set_urlconf(None)
    assert mounted["layout_urls"]["home"] == "/site/"
    assert mounted["layout_urls"]["api"] == "/site/api/v1/docs"
    assert mounted["nav_items"][0]["url"] == "/site/"
    assert navigation(request)["layout_urls"]["home"] == "/"

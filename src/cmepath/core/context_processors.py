"""Navigation per role and the layout's own links, for the base layout.

Two menus: the main one (what the role works on) and the account menu (profile, security,
API tokens). Every item leads to a page that works today: a feature that is not built yet
gets no item (the role's home page names it as coming).

The URLs never change while a URL configuration is in force, so they are reversed once per
configuration, not on every page: ``_links`` is cached on the resolver Django builds for the
urlconf of the request (``request.urlconf`` or ``ROOT_URLCONF``) and the script prefix. A
test that swaps the urlconf (``override_settings(ROOT_URLCONF=...)``, ``clear_url_caches()``)
gets a new resolver and so its own table; nothing leaks from one urlconf to another. The
layout's static files (stylesheet, script, the htmx script tag) are likewise built once per
static files storage (Django makes a new one when ``STORAGES``, ``STATIC_URL`` or
``STATIC_ROOT`` change) and ``DEBUG`` (which adds htmx's debug extension).

Adding a link is one line: a menu item in ``_NAV`` or ``_ACCOUNT`` (label, URL name, roles
or None for everyone), or a layout link in ``_LAYOUT``/``_LAYOUT_OPTIONAL`` (key, URL name),
which base.html reads as ``layout_urls.<key>``. A menu item or optional layout link whose URL
name the urlconf lacks is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.conf import STATICFILES_STORAGE_ALIAS, settings
from django.core.files.storage import Storage, storages
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import NoReverseMatch, URLResolver, get_resolver, get_script_prefix, reverse
from django.urls.base import get_urlconf
from django.utils.safestring import SafeString
from django_htmx.jinja import htmx_script

from .policy import role_of
from .roles import Role

_NAV: list[tuple[str, str, frozenset[str] | None]] = [
    ("Home", "core:home", None),
    ("Find CME", "catalog:search", None),
    ("Jobs", "jobs:search", None),
    ("Knowledge hub", "hub:index", None),
    ("Jobs for you", "jobs:for_you", frozenset({Role.CLINICIAN})),
    ("Hiring", "jobs:employer_home", frozenset({Role.EMPLOYER})),
    ("Wishlist", "catalog:wishlist", frozenset({Role.CLINICIAN})),
    ("My activities", "catalog:provider_home", frozenset({Role.PROVIDER})),
    ("Compliance", "credits:dashboard", frozenset({Role.CLINICIAN})),
    ("Completions", "credits:history", frozenset({Role.CLINICIAN})),
    ("Planner", "planner:planner", frozenset({Role.CLINICIAN})),
    ("Licences", "accounts:licences", frozenset({Role.CLINICIAN})),
    ("QI projects", "outcomes:project_list", frozenset({Role.CLINICIAN})),
    ("Verification queue", "accounts:verification_queue", frozenset({Role.ADMIN})),
    ("Job moderation", "jobs:moderation", frozenset({Role.ADMIN})),
    ("Review articles", "hub:review", frozenset({Role.EDITOR, Role.ADMIN})),
    ("Experts", "hub:experts", frozenset({Role.EDITOR})),
]
#: The account menu: the professional profile is a clinician's record (NPI, licensure), and
#: so are the reminder settings; security (allauth's MFA pages) and API tokens are everyone's.
_ACCOUNT: list[tuple[str, str, frozenset[str] | None]] = [
    ("Profile", "accounts:profile", frozenset({Role.CLINICIAN})),
    ("Reading list", "hub:reading_list", frozenset({Role.CLINICIAN})),
    ("Write for the hub", "hub:write", frozenset({Role.CLINICIAN})),
    ("Disclosures", "hub:disclosures", frozenset({Role.CLINICIAN})),
    ("Reminders", "credits:notifications", frozenset({Role.CLINICIAN})),
    ("Security", "mfa_index", None),
    ("API tokens", "accounts:tokens", None),
]
#: The layout's own links (header, sign-in and sign-out), ``layout_urls.<key>`` in base.html.
#: Every urlconf that serves pages has them: a missing one fails loudly, as ``{% url %}`` did.
_LAYOUT: dict[str, str] = {
    "home": "core:home",
    "login": "account_login",
    "signup": "account_signup",
    "logout": "account_logout",
}
#: Footer links to other apps' pages: a urlconf without the app (a test urlconf without the
#: API) shows no link.
_LAYOUT_OPTIONAL: dict[str, str] = {
    "coverage": "credits:coverage",
    "api": "api:openapi-view",
}


@dataclass(frozen=True)
class Links:
    """Every URL of the layout for one urlconf and script prefix, reversed once."""

    layout: Mapping[str, str]
    main: Mapping[str, tuple[tuple[str, str], ...]]  # role -> (label, URL) pairs
    account: Mapping[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Static:
    """The layout's static files for one storage and ``DEBUG`` setting, built once."""

    css: str
    js: str
    #: what ``{% htmx_script minified=True %}`` renders: the layout takes no CSP nonce
    #: (script-src is 'self'), so the tag is the same on every page.
    htmx_script: SafeString


def navigation(request: HttpRequest) -> dict[str, Any]:
    links = layout_links()
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {
            "layout_static": layout_static(),
            "layout_urls": links.layout,
            "nav_items": [],
            "account_items": [],
            "account_active": False,
            "user_role": None,
        }
    path = request.path
    items = [
        {"label": label, "url": url, "active": path == url}
        for label, url in links.main.get(role, ())
    ]
    account = [
        {"label": label, "url": url, "active": path == url}
        for label, url in links.account.get(role, ())
    ]
    return {
        "layout_static": layout_static(),
        "layout_urls": links.layout,
        "nav_items": items,
        "account_items": account,
        "account_active": any(item["active"] for item in account),
        "user_role": role,
    }


def layout_links() -> Links:
    """The links for the urlconf in force now (the request's, else ``ROOT_URLCONF``)."""
    urlconf = get_urlconf()
    return _links(get_resolver(urlconf), urlconf, get_script_prefix())


def layout_static() -> Static:
    """The static files for the storage ``{% static %}`` uses now (a test that overrides the
    static files settings gets a new storage object, so a new entry)."""
    return _static(storages[STATICFILES_STORAGE_ALIAS], settings.DEBUG)


@lru_cache(maxsize=8)
def _static(storage: Storage, debug: bool) -> Static:
    return Static(
        css=static("cmepath/site.css"),
        js=static("cmepath/site.js"),
        htmx_script=htmx_script(minified=True),
    )


@lru_cache(maxsize=16)
def _links(resolver: URLResolver, urlconf: str | None, prefix: str) -> Links:
    """Keyed on the resolver object (Django keeps one per urlconf until ``clear_url_caches``),
    the urlconf it was built from (None: ``ROOT_URLCONF``) and the prefix ``reverse`` puts in
    front of every path."""

    def url(name: str) -> str | None:
        try:
            return reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            return None

    layout = {key: reverse(name, urlconf=urlconf) for key, name in _LAYOUT.items()}
    for key, name in _LAYOUT_OPTIONAL.items():
        if (found := url(name)) is not None:
            layout[key] = found

    def menu(
        table: list[tuple[str, str, frozenset[str] | None]],
    ) -> Mapping[str, tuple[tuple[str, str], ...]]:
        urls = {name: url(name) for _, name, _ in table}
        return MappingProxyType(
            {
                role: tuple(
                    (label, found)
                    for label, name, roles in table
                    if (roles is None or role in roles) and (found := urls[name]) is not None
                )
                for role in Role.values
            }
        )

    return Links(MappingProxyType(layout), menu(_NAV), menu(_ACCOUNT))

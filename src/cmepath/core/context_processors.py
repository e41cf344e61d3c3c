"""Navigation per role, computed once per request for the base layout.

Two menus: the main one (what the role works on) and the account menu (profile, security,
API tokens). Every item leads to a page that works today: a feature that is not built yet
gets no item (the role's home page names it as coming).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse

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
    ("Licences", "accounts:licences", frozenset({Role.CLINICIAN})),
    ("QI projects", "outcomes:project_list", frozenset({Role.CLINICIAN})),
    ("Verification queue", "accounts:verification_queue", frozenset({Role.ADMIN})),
    ("Job moderation", "jobs:moderation", frozenset({Role.ADMIN})),
    ("Review articles", "hub:review", frozenset({Role.EDITOR, Role.ADMIN})),
    ("Experts", "hub:experts", frozenset({Role.EDITOR})),
]
#: The account menu: the professional profile is a clinician's record (NPI, licensure);
#: security (allauth's MFA pages) and API tokens are everyone's.
_ACCOUNT: list[tuple[str, str, frozenset[str] | None]] = [
    ("Profile", "accounts:profile", frozenset({Role.CLINICIAN})),
    ("Reading list", "hub:reading_list", frozenset({Role.CLINICIAN})),
    ("Write for the hub", "hub:write", frozenset({Role.CLINICIAN})),
    ("Disclosures", "hub:disclosures", frozenset({Role.CLINICIAN})),
    ("Security", "mfa_index", None),
    ("API tokens", "accounts:tokens", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {"nav_items": [], "account_items": [], "account_active": False, "user_role": None}
    prefix = get_script_prefix()
    items = [
        {"label": label, "url": url, "active": request.path == url}
        for label, url in _nav_for(role, prefix, "main")
    ]
    account = [
        {"label": label, "url": url, "active": request.path == url}
        for label, url in _nav_for(role, prefix, "account")
    ]
    return {
        "nav_items": items,
        "account_items": account,
        "account_active": any(item["active"] for item in account),
        "user_role": role,
    }


@lru_cache(maxsize=128)
def _nav_for(role: str, prefix: str, menu: str = "main") -> tuple[tuple[str, str], ...]:
    """A role's menu as (label, URL) pairs: the URLs are fixed for a URL prefix, so each is
    reversed once per process instead of on every page."""
    items = []
    for label, name, roles in _NAV if menu == "main" else _ACCOUNT:
        if roles is not None and role not in roles:
            continue
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return tuple(items)

"""Navigation per role, computed once per request for the base layout."""

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
    ("Wishlist", "catalog:wishlist", frozenset({Role.CLINICIAN})),
    ("My activities", "catalog:provider_home", frozenset({Role.PROVIDER})),
    ("Compliance", "credits:dashboard", frozenset({Role.CLINICIAN})),
    ("Completions", "credits:history", frozenset({Role.CLINICIAN})),
    ("Profile", "accounts:profile", frozenset({Role.CLINICIAN})),
    ("Licences", "accounts:licences", frozenset({Role.CLINICIAN})),
    ("QI projects", "outcomes:project_list", frozenset({Role.CLINICIAN})),
    ("Verification queue", "accounts:verification_queue", frozenset({Role.ADMIN})),
    ("API tokens", "accounts:tokens", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = [
        {"label": label, "url": url, "active": request.path == url}
        for label, url in _nav_for(role, get_script_prefix())
    ]
    return {"nav_items": items, "user_role": role}


@lru_cache(maxsize=64)
def _nav_for(role: str, prefix: str) -> tuple[tuple[str, str], ...]:
    """A role's menu as (label, URL) pairs: the URLs are fixed for a URL prefix, so each is
    reversed once per process instead of on every page."""
    items = []
    for label, name, roles in _NAV:
        if roles is not None and role not in roles:
            continue
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return tuple(items)

"""Navigation per role, computed once per request for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

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
    items = []
    for label, name, roles in _NAV:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items, "user_role": role}

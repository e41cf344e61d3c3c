"""What every app's API module shares: the acting user of an authenticated request."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from cmepath.accounts.models import User


def actor(request: HttpRequest) -> User:
    """The signed-in user behind an API request (token or session).

    Every operation is mounted behind ``TokenAuth`` or ``SessionAuth`` (``cmepath.api``),
    which both return the user, so ninja has set ``request.auth`` before the operation
    runs. Operations open to anonymous callers (``auth=None``) must not call this.
    """
    user = getattr(request, "auth", None)
    if user is None or not user.is_authenticated:
        raise RuntimeError("actor() called on an operation without authentication")
    return cast("User", user)

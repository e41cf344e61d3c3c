"""What every app's API module shares: the acting user of an authenticated request, and the
operation ids of an API module that became a package."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from ninja import Router

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


def keep_operation_ids(router: Router, package: str) -> None:
    """Give every operation of ``router`` without an explicit id the id django-ninja gave it
    when the app's API was one module ``package`` (``cmepath_credits_api_<function>``): an
    app whose ``api.py`` became a package keeps the ids clients generated from the schema use."""
    for path in router.path_operations.values():
        for operation in path.operations:
            operation.operation_id = operation.operation_id or (
                f"{package}_{operation.view_func.__name__}".replace(".", "_")
            )

"""Permission policies: one per model, answering both questions in one place.

A policy says "may this user do ACTION to this object?" (:meth:`Policy.allows`) and
"which rows may this user see?" (:meth:`Policy.visible`). Views, API operations, the CLI
and selectors ask the policy; nobody checks roles inline. Modelled on Wagtail's
permission policies and NetBox's ``restrict(user, action)``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.db import models

from .errors import NotFoundError, PermissionDeniedError
from .roles import Role

M = TypeVar("M", bound=models.Model)


def role_of(user: Any) -> str | None:
    """The platform role of ``user``, or ``None`` for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return getattr(user, "role", None)


def is_admin(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


class Policy(Generic[M]):
    """Base policy: owners act on their own rows, admins see and decide everything."""

    model: ClassVar[type[models.Model]]
    owner_field: ClassVar[str] = "user"
    actions: ClassVar[frozenset[str]] = frozenset({"view", "change", "delete"})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[M]:
        qs: models.QuerySet[M] = self.model._default_manager.all()  # type: ignore[assignment]
        if role_of(user) is None:
            return qs.none()
        if is_admin(user) and action == "view":
            return qs
        return qs.filter(**{self.owner_field: user})

    def allows(self, user: Any, action: str, obj: M) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        if role_of(user) is None:
            return False
        if is_admin(user) and action == "view":
            return True
        owner_id = getattr(obj, f"{self.owner_field}_id", None)
        return owner_id is not None and owner_id == user.pk

    def get(self, user: Any, action: str, /, **lookup: Any) -> M:
        """Fetch one row the user may act on; 404 (not 403) hides others' rows."""
        try:
            return self.visible(user, action).get(**lookup)
        except self.model.DoesNotExist as exc:  # type: ignore[attr-defined]
            raise NotFoundError("Not found.") from exc

    def require(self, user: Any, action: str, obj: M) -> None:
        if not self.allows(user, action, obj):
            raise PermissionDeniedError("You are not allowed to do that.")

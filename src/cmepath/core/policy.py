"""Permission policies: one per model, answering both questions in one place.

A policy says "may this user do ACTION to this object?" (:meth:`Policy.allows`) and
"which rows may this user see?" (:meth:`Policy.visible`). Views, API operations, the CLI
and selectors ask the policy; nobody checks roles inline. Modelled on Wagtail's
permission policies and NetBox's ``restrict(user, action)``.
"""

from __future__ import annotations

from collections.abc import Mapping
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


class OwnerPolicy(Policy[M]):
    """Strictly personal rows (API tokens, wishlists, certificates, share links): only the
    owner sees or acts on them; admins get no support view either."""

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[M]:
        qs: models.QuerySet[M] = self.model._default_manager.all()  # type: ignore[assignment]
        if role_of(user) is None:
            return qs.none()
        return qs.filter(**{self.owner_field: user})

    def allows(self, user: Any, action: str, obj: M) -> bool:
        return role_of(user) is not None and getattr(obj, f"{self.owner_field}_id", None) == user.pk


class MembershipPolicy(Policy[M]):
    """Rows that belong to a group (a provider, a QI project, an employer) whose members act
    on them by their role in the group.

    - ``members_lookup``: the lookup from the model to the member's user id
      (``"members__user_id"`` through a membership model, ``"members"`` through a plain
      many-to-many);
    - ``role_lookup``: the lookup to the member's role in the group, or ``None`` when every
      member has the same rights (then ``actions_by_role`` has the one key :data:`ANY_MEMBER`);
    - ``actions_by_role``: which actions each group role may take;
    - ``participant_roles``: the platform roles that may act through a membership at all
      (an employer added to a QI project still sees nothing); ``None`` admits every
      signed-in user.

    Subclasses add what is not membership (public reading, admin rights) around
    :meth:`member_actions` and :meth:`member_rows`.
    """

    ANY_MEMBER: ClassVar[str] = "member"
    members_lookup: ClassVar[str]
    role_lookup: ClassVar[str | None] = None
    actions_by_role: ClassVar[Mapping[str, frozenset[str]]]
    participant_roles: ClassVar[frozenset[str] | None] = None

    def _participates(self, user: Any) -> bool:
        role = role_of(user)
        return role is not None and (
            self.participant_roles is None or role in self.participant_roles
        )

    def member_rows(self, user: Any, action: str) -> models.QuerySet[M]:
        """The rows on which ``user`` may take ``action`` through a membership (a subquery
        on primary keys, so a member of several groups never repeats a row)."""
        qs: models.QuerySet[M] = self.model._default_manager.all()  # type: ignore[assignment]
        if not self._participates(user):
            return qs.none()
        lookup: dict[str, Any] = {self.members_lookup: user.pk}
        if self.role_lookup is not None:
            lookup[f"{self.role_lookup}__in"] = [
                r for r, acts in self.actions_by_role.items() if action in acts
            ]
        elif action not in self.actions_by_role.get(self.ANY_MEMBER, frozenset()):
            return qs.none()
        return qs.filter(pk__in=self.model._default_manager.filter(**lookup).values("pk"))

    def member_actions(self, user: Any, obj: M) -> frozenset[str]:
        """What ``user`` may do to ``obj`` as a member of its group (one query)."""
        if not self._participates(user):
            return frozenset()
        rows = self.model._default_manager.filter(pk=obj.pk, **{self.members_lookup: user.pk})
        if self.role_lookup is None:
            found = rows.exists()
            return self.actions_by_role.get(self.ANY_MEMBER, frozenset()) if found else frozenset()
        role = rows.values_list(self.role_lookup, flat=True).first()
        return self.actions_by_role.get(role, frozenset()) if role is not None else frozenset()

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[M]:
        return self.member_rows(user, action)

    def allows(self, user: Any, action: str, obj: M) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        return action in self.member_actions(user, obj)

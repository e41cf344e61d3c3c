"""Who may see and do what on QI projects (security-checks rows 11 and 21).

Only project members see a project; row-level data (kept datasets) only the lead and
team members, never reviewers; employers and recruiters see nothing, even if added.
Others get 404, not 403, so a project's existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cmepath.core.policy import Policy, role_of
from cmepath.core.roles import Role

from .choices import MemberRole
from .models import Project

#: Roles that may take part in projects at all.
PARTICIPANT_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})
_ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    MemberRole.LEAD: frozenset({"view", "change", "upload", "rows", "stage", "finish", "manage"}),
    MemberRole.MEMBER: frozenset({"view", "change", "upload", "rows", "stage"}),
    MemberRole.REVIEWER: frozenset({"view"}),
}


class ProjectPolicy(Policy[Project]):
    model = Project
    actions = frozenset({"view", "change", "upload", "rows", "stage", "finish", "manage", "delete"})

    def _member_role(self, user: Any, project: Project) -> str | None:
        if role_of(user) not in PARTICIPANT_ROLES:
            return None
        member = project.members.filter(user_id=user.pk).only("role").first()
        return member.role if member else None

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Project]:
        if role_of(user) not in PARTICIPANT_ROLES:
            return Project.objects.none()
        roles = [r for r, acts in _ACTIONS_BY_ROLE.items() if action in acts]
        return Project.objects.filter(members__user_id=user.pk, members__role__in=roles).distinct()

    def allows(self, user: Any, action: str, obj: Project) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for ProjectPolicy")
        role = self._member_role(user, obj)
        return role is not None and action in _ACTIONS_BY_ROLE.get(role, frozenset())


projects = ProjectPolicy()

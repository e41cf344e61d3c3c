"""Who may see and do what on QI projects (security-checks rows 11 and 21).

Only project members see a project; row-level data (kept datasets) only the lead and
team members, never reviewers; employers and recruiters see nothing, even if added.
Others get 404, not 403, so a project's existence is not revealed.
"""

from __future__ import annotations

from cmepath.core.policy import MembershipPolicy
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


class ProjectPolicy(MembershipPolicy[Project]):
    """A project's members act on it by their role in it (lead, member, reviewer)."""

    model = Project
    actions = frozenset({"view", "change", "upload", "rows", "stage", "finish", "manage", "delete"})
    members_lookup = "members__user_id"
    role_lookup = "members__role"
    actions_by_role = _ACTIONS_BY_ROLE
    participant_roles = PARTICIPANT_ROLES


projects = ProjectPolicy()

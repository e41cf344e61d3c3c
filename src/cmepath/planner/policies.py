"""Who may see and act on plans and career goals."""

from __future__ import annotations

from typing import Any

from django.db import models

from cmepath.core.policy import OwnerPolicy, Policy, is_admin, role_of
from cmepath.core.roles import Role

from .models import CareerGoal, Plan


class PlanPolicy(OwnerPolicy[Plan]):
    """A plan is personal (it shows the clinician's budget and gaps): only its owner sees it."""

    model = Plan
    actions = frozenset({"view", "delete"})


class CareerGoalPolicy(Policy[CareerGoal]):
    """Every signed-in user reads the active goals; admins edit them (in the admin site)."""

    model = CareerGoal
    actions = frozenset({"view", "change"})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[CareerGoal]:
        qs = CareerGoal.objects.all()
        if action == "view" and role_of(user) is not None:
            return qs if is_admin(user) else qs.filter(active=True)
        return qs if is_admin(user) else qs.none()

    def allows(self, user: Any, action: str, obj: CareerGoal) -> bool:
        if action == "view":
            return role_of(user) is not None and (obj.active or is_admin(user))
        return is_admin(user)


def may_plan(user: Any) -> bool:
    """Planning is for clinicians (it reads their licences, record and allowance)."""
    return role_of(user) == Role.CLINICIAN

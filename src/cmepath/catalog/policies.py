"""Permission policies of the catalog (core.policy): one per model.

- Anyone, even anonymous, may view published activities and every provider.
- Members of a provider may view and change all of its activities (drafts included),
  record cohort outcomes and import files for it.
- Admins may do everything.
- Wishlists are personal.

Providers are a :class:`MembershipPolicy` (every member has the same rights). Activities
keep their own rules: public reading of published rows, admin rights except ``report``,
and membership through the activity's provider as a subquery on provider ids (the search
page filters its rows with it; a subquery through the activity's own members join would
be a heavier plan for the same rows).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from cmepath.core.policy import MembershipPolicy, OwnerPolicy, Policy, is_admin, role_of

from .choices import ActivityStatus
from .models import Activity, CohortOutcome, Provider, WishlistItem


def _member_provider_ids(user: Any) -> Any:
    # A subquery, not a join: joining the members table would repeat activity rows.
    return Provider.objects.filter(members=user).values("pk")


class ProviderPolicy(MembershipPolicy[Provider]):
    """Providers are public; members (and admins) may change them and import for them."""

    model = Provider
    actions = frozenset({"view", "change", "import"})
    members_lookup = "members"
    actions_by_role = {MembershipPolicy.ANY_MEMBER: frozenset({"view", "change", "import"})}

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Provider]:
        if action == "view" or is_admin(user):
            return Provider.objects.all()
        return self.member_rows(user, action)

    def allows(self, user: Any, action: str, obj: Provider) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        if action == "view" or is_admin(user):
            return True
        return action in self.member_actions(user, obj)


class ActivityPolicy(Policy[Activity]):
    """Published activities are public; the provider's members see and change all of theirs.
    ``report`` (completions for learners) is the members' alone, admins included: a
    completion reported by the provider must come from the provider."""

    model = Activity
    actions = frozenset({"view", "change", "delete", "report"})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Activity]:
        qs = Activity.objects.all()
        if action == "report":
            return (
                qs.filter(provider_id__in=_member_provider_ids(user))
                if role_of(user)
                else qs.none()
            )
        if is_admin(user):
            return qs
        published = Q(status=ActivityStatus.PUBLISHED)
        if role_of(user) is None:
            return qs.filter(published) if action == "view" else qs.none()
        mine = Q(provider_id__in=_member_provider_ids(user))
        return qs.filter(published | mine) if action == "view" else qs.filter(mine)

    def allows(self, user: Any, action: str, obj: Activity) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        if is_admin(user) and action != "report":
            return True
        if action == "view" and obj.status == ActivityStatus.PUBLISHED:
            return True
        if role_of(user) is None:
            return False
        return Provider.objects.filter(pk=obj.provider_id, members=user).exists()


class CohortOutcomePolicy(Policy[CohortOutcome]):
    """Outcomes are as visible as their activity; changing them is changing the activity."""

    model = CohortOutcome

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[CohortOutcome]:
        return CohortOutcome.objects.filter(
            activity__in=activities.visible(user, action).values("pk")
        )

    def allows(self, user: Any, action: str, obj: CohortOutcome) -> bool:
        return activities.allows(user, "view" if action == "view" else "change", obj.activity)


class WishlistPolicy(OwnerPolicy[WishlistItem]):
    """Strictly personal, like API tokens: not even admins read another user's wishlist."""

    model = WishlistItem


providers = ProviderPolicy()
activities = ActivityPolicy()
outcomes = CohortOutcomePolicy()
wishlist = WishlistPolicy()

"""Permission policies of the jobs app (core.policy): one per model.

- Employers are public pages. Their members act by their role: an employer administrator
  changes the employer and posts vacancies, a recruiter posts vacancies. Only platform
  admins verify an employer.
- Published vacancies are public (closed and expired ones stay readable and answer 410 on
  their page); drafts and vacancies in review are the employer's members' and the admins'.
  Admins moderate (publish, send back, close); they never post for an employer.
- An application is seen by the clinician who made it and by the members of the employer
  it went to; nobody else, admins included (it is a private conversation).
- Saved searches are personal. Listing reports are the reporter's and the moderators'.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from cmepath.core.policy import MembershipPolicy, OwnerPolicy, Policy, is_admin, role_of
from cmepath.core.roles import Role

from .choices import EmployerRole, VacancyStatus
from .models import Application, Employer, SavedSearch, Vacancy, VacancyReport

#: Statuses everyone may read (the page of a closed or expired one answers 410).
PUBLIC_STATUSES = (VacancyStatus.PUBLISHED, VacancyStatus.CLOSED, VacancyStatus.EXPIRED)


def member_employer_ids(user: Any, action: str = "post") -> Any:
    """Ids of the employers where ``user`` may take ``action`` (a subquery)."""
    return EmployerPolicy().member_rows(user, action).values("pk")


class EmployerPolicy(MembershipPolicy[Employer]):
    model = Employer
    actions = frozenset({"view", "change", "post", "verify"})
    members_lookup = "memberships__user_id"
    role_lookup = "memberships__role"
    actions_by_role = {
        EmployerRole.ADMIN: frozenset({"view", "change", "post"}),
        EmployerRole.RECRUITER: frozenset({"view", "post"}),
    }
    participant_roles = frozenset({Role.EMPLOYER})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Employer]:
        if action == "view" or (is_admin(user) and action == "verify"):
            return Employer.objects.all()
        return self.member_rows(user, action)

    def allows(self, user: Any, action: str, obj: Employer) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        if action == "view":
            return True
        if action == "verify":
            return is_admin(user)
        return action in self.member_actions(user, obj)


class VacancyPolicy(Policy[Vacancy]):
    """``view``: public for published/closed/expired, members and admins for the rest;
    ``change``: the employer's posting members; ``moderate``: admins; ``apply`` and
    ``report``: signed-in clinicians, on published vacancies."""

    model = Vacancy
    actions = frozenset({"view", "change", "moderate", "apply", "report"})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Vacancy]:
        qs = Vacancy.objects.all()
        role = role_of(user)
        if action == "view":
            if is_admin(user):
                return qs
            public = Q(status__in=PUBLIC_STATUSES)
            if role == Role.EMPLOYER:
                return qs.filter(public | Q(employer_id__in=member_employer_ids(user, "view")))
            return qs.filter(public)
        if action == "change":
            return qs.filter(employer_id__in=member_employer_ids(user)) if role else qs.none()
        if action == "moderate":
            return qs if is_admin(user) else qs.none()
        if action in ("apply", "report"):
            ok = role == Role.CLINICIAN
            return qs.filter(status=VacancyStatus.PUBLISHED) if ok else qs.none()
        raise ValueError(f"unknown action {action!r} for {type(self).__name__}")

    def allows(self, user: Any, action: str, obj: Vacancy) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        role = role_of(user)
        if action == "view":
            if obj.status in PUBLIC_STATUSES or is_admin(user):
                return True
            return role == Role.EMPLOYER and EmployerPolicy().allows(user, "view", obj.employer)
        if action == "change":
            return role == Role.EMPLOYER and EmployerPolicy().allows(user, "post", obj.employer)
        if action == "moderate":
            return is_admin(user)
        return role == Role.CLINICIAN and obj.status == VacancyStatus.PUBLISHED


class ApplicationPolicy(Policy[Application]):
    """``view``: the applicant and the employer's members; ``withdraw``: the applicant;
    ``move`` (reviewed, interview, offer, hired, not selected): the employer's members."""

    model = Application
    actions = frozenset({"view", "withdraw", "move"})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Application]:
        qs = Application.objects.all()
        role = role_of(user)
        if role is None:
            return qs.none()
        mine = Q(user=user)
        theirs = Q(vacancy__employer_id__in=member_employer_ids(user, "view"))
        if action == "view":
            return qs.filter(mine | theirs) if role == Role.EMPLOYER else qs.filter(mine)
        if action == "withdraw":
            return qs.filter(mine)
        if action == "move":
            return qs.filter(theirs) if role == Role.EMPLOYER else qs.none()
        raise ValueError(f"unknown action {action!r} for {type(self).__name__}")

    def allows(self, user: Any, action: str, obj: Application) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        return self.visible(user, action).filter(pk=obj.pk).exists()


class SavedSearchPolicy(OwnerPolicy[SavedSearch]):
    model = SavedSearch


class VacancyReportPolicy(Policy[VacancyReport]):
    """The reporter sees their reports; admins see and decide all of them."""

    model = VacancyReport
    owner_field = "reporter"
    actions = frozenset({"view", "decide"})

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[VacancyReport]:
        qs = VacancyReport.objects.all()
        if is_admin(user):
            return qs
        if action == "view" and role_of(user) is not None:
            return qs.filter(reporter=user)
        return qs.none()

    def allows(self, user: Any, action: str, obj: VacancyReport) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        if is_admin(user):
            return True
        return action == "view" and role_of(user) is not None and obj.reporter_id == user.pk

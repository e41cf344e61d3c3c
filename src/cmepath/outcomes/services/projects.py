"""QI projects: create, change, team, data use agreement, finish (the documented outcome)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cmepath.accounts.choices import Profession
from cmepath.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from cmepath.core.errors import ErrorCode as CoreErrorCode
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.core.services import audit_record
from cmepath.outcomes import policies
from cmepath.outcomes.choices import (
    INVITATION_TTL,
    MAX_OPEN_INVITATIONS,
    MemberRole,
    MooreLevel,
    ProjectStatus,
    Stage,
    UnitOfAnalysis,
)
from cmepath.outcomes.models import (
    Outcome,
    Project,
    ProjectActivity,
    ProjectInvitation,
    ProjectMeasure,
    ProjectMember,
    StageRecord,
)

log = logging.getLogger(__name__)
PROJECT_FIELDS = frozenset(
    {"title", "practice_gap", "unit_of_analysis", "intervention_date", "comparison_units"}
)


def _check_measures(measure_ids: Iterable[str]) -> list[str]:
    from cmepath.outcomes.measures import MeasureSpecError, measure_by_id

    ids = list(dict.fromkeys(measure_ids))
    for mid in ids:
        try:
            measure_by_id(mid)
        except MeasureSpecError as exc:
            raise ValidationError(str(exc), field="measure_ids") from None
    return ids


def _check_text(**fields: str) -> None:
    """NUL characters cannot be stored (PostgreSQL text) and never belong in a title."""
    for name, value in fields.items():
        if "\x00" in value:
            raise ValidationError("Remove the NUL character from the text.", field=name)


@transaction.atomic
def project_create(
    *,
    actor: Any,
    title: str,
    practice_gap: str,
    unit_of_analysis: str = UnitOfAnalysis.CLINIC,
    measure_ids: Iterable[str] = (),
    activity_ids: Iterable[int] = (),
    intervention_date: date | None = None,
    comparison_units: Iterable[str] = (),
    profession: str | None = None,
) -> Project:
    from cmepath.outcomes.ingest import new_salt

    if role_of(actor) != Role.CLINICIAN:
        raise PermissionDeniedError("Only clinicians lead QI projects.")
    _check_text(title=title, practice_gap=practice_gap, comparison_units=" ".join(comparison_units))
    if not title.strip() or not practice_gap.strip():
        raise ValidationError(
            "Give the project a title and describe the practice gap.", field="title"
        )
    if unit_of_analysis not in UnitOfAnalysis.values:
        raise ValidationError("Choose clinic, practice or prescriber.", field="unit_of_analysis")
    project = Project.objects.create(
        title=title.strip(),
        practice_gap=practice_gap.strip(),
        lead=actor,
        unit_of_analysis=unit_of_analysis,
        intervention_date=intervention_date,
        comparison_units=list(comparison_units),
        patient_salt=new_salt(),
    )
    prof = profession or getattr(getattr(actor, "profile", None), "profession", "MD") or "MD"
    ProjectMember.objects.create(project=project, user=actor, role=MemberRole.LEAD, profession=prof)
    for mid in _check_measures(measure_ids):
        ProjectMeasure.objects.create(project=project, measure_id=mid)
    for aid in dict.fromkeys(int(a) for a in activity_ids):
        ProjectActivity.objects.create(project=project, activity_id=aid)
    for stage in Stage:
        StageRecord.objects.create(project=project, stage=stage)
    audit_record(
        actor=actor, action="outcomes.project_create", target=project, subject_user_id=actor.pk
    )
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, data: dict[str, Any]) -> Project:
    policies.projects.require(actor, "change", project)
    unknown = sorted(set(data) - PROJECT_FIELDS)
    if unknown:
        raise ValidationError(
            f"These fields cannot be set: {', '.join(unknown)}.",
            code=CoreErrorCode.FORBIDDEN_FIELDS,
        )
    for key in ("title", "practice_gap"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise ValidationError(f"{key}: send some text; it cannot be empty or null.", field=key)
    _check_text(**{k: data[k] for k in ("title", "practice_gap") if k in data})
    if "unit_of_analysis" in data and data["unit_of_analysis"] not in UnitOfAnalysis.values:
        raise ValidationError("Choose clinic, practice or prescriber.", field="unit_of_analysis")
    if "comparison_units" in data:
        units = data["comparison_units"]
        if not isinstance(units, list | tuple) or not all(isinstance(u, str) for u in units):
            raise ValidationError(
                "comparison_units: send a list of unit names ([] for none), not null.",
                field="comparison_units",
            )
        _check_text(comparison_units=" ".join(units))
        data = {**data, "comparison_units": list(units)}
    if (
        "intervention_date" in data
        and data["intervention_date"] != project.intervention_date
        and project.stages.filter(stage=Stage.B, completed_on__isnull=False).exists()
    ):
        raise ValidationError(
            "The intervention date is fixed once stage B is complete: the PI-CME stages were "
            "measured against it.",
            field="intervention_date",
        )
    for key, value in data.items():
        setattr(project, key, value)
    project.save()
    audit_record(
        actor=actor,
        action="outcomes.project_update",
        target=project,
        detail={"fields": sorted(data)},
    )
    return project


@transaction.atomic
def project_measures_set(*, actor: Any, project: Project, measure_ids: Iterable[str]) -> None:
    policies.projects.require(actor, "change", project)
    ids = _check_measures(measure_ids)
    project.measures.exclude(measure_id__in=ids).delete()
    for mid in ids:
        ProjectMeasure.objects.get_or_create(project=project, measure_id=mid)
    audit_record(
        actor=actor, action="outcomes.measures_set", target=project, detail={"measures": ids}
    )


@transaction.atomic
def project_activity_link(*, actor: Any, project: Project, activity_id: int) -> ProjectActivity:
    policies.projects.require(actor, "change", project)
    link, _ = ProjectActivity.objects.get_or_create(project=project, activity_id=int(activity_id))
    audit_record(
        actor=actor,
        action="outcomes.activity_link",
        target=project,
        detail={"activity_id": activity_id},
    )
    return link


@transaction.atomic
def project_dua_record(*, actor: Any, project: Project, reference: str) -> Project:
    """Record the data use agreement that allows keeping row-level data (limited data set)."""
    policies.projects.require(actor, "manage", project)
    if not reference.strip():
        raise ValidationError(
            "Give the agreement's reference (number, date, parties).", field="reference"
        )
    project.dua_reference = reference.strip()[:200]
    project.dua_recorded_at = timezone.now()
    project.save(update_fields=["dua_reference", "dua_recorded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="outcomes.dua_record",
        target=project,
        detail={"reference": project.dua_reference},
    )
    return project


def _invitation_url(base_url: str, token: str) -> str:
    from django.urls import reverse

    return base_url.rstrip("/") + reverse("outcomes:invitation", args=[token])


@transaction.atomic
def project_invite(
    *,
    actor: Any,
    project: Project,
    email: str,
    role: str = MemberRole.MEMBER,
    profession: str = Profession.MD,
    base_url: str,
) -> ProjectInvitation:
    """Invite an email address to the team; the invitee joins only by accepting it.

    Whether the address has an account is never looked up here: the same invitation is
    stored and the same email sent either way, so the person inviting learns nothing
    about who uses cmepath (and nobody is added without consent). A new invitation to
    the same address replaces the open one.
    """
    policies.projects.require(actor, "manage", project)
    if role not in (MemberRole.MEMBER, MemberRole.REVIEWER):
        raise ValidationError("A member is a team member or a reviewer.", field="role")
    if profession not in Profession.values:
        raise ValidationError("Choose a profession from the list.", field="profession")
    address = email.strip().lower()
    if not address or "@" not in address or len(address) > 254:
        raise ValidationError("Enter an email address.", field="email")
    # The team's emails are on the project page already: saying so reveals nothing.
    if project.members.filter(user__email__iexact=address).exists():
        raise ConflictError("That person is already on the team.", field="email")
    now = timezone.now()
    open_invitations = project.invitations.filter(accepted_at__isnull=True, expires_at__gt=now)
    if open_invitations.exclude(email=address).count() >= MAX_OPEN_INVITATIONS:
        raise ValidationError(
            f"The project has {MAX_OPEN_INVITATIONS} open invitations; wait for answers "
            "or for them to expire before inviting more people.",
            field="email",
        )
    project.invitations.filter(email=address, accepted_at__isnull=True).delete()
    invitation = ProjectInvitation.objects.create(
        project=project,
        email=address,
        role=role,
        profession=profession,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=now + INVITATION_TTL,
    )
    audit_record(
        actor=actor,
        action="outcomes.member_invite",
        target=project,
        detail={"invitation": invitation.pk, "role": role},
    )
    url = _invitation_url(base_url, invitation.token)
    title = " ".join(project.title.split())  # one line: a mail header
    subject = f"Invitation to the QI project “{title}”"[:200]
    body = (
        f"{actor.email} invited you to join the quality-improvement project "
        f"“{project.title}” on cmepath as {MemberRole(role).label.lower()}.\n\n"
        f"To accept, sign in to cmepath with this email address ({address}) — or create a "
        f"clinician account with it — and open:\n{url}\n\n"
        f"The invitation expires on {invitation.expires_at:%Y-%m-%d}. If you do not want to "
        "join, ignore this email: nothing happens until you accept.\n"
    )
    # robust: a mail server that is down is logged, and the invitation stays on the page
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]), robust=True)
    return invitation


def invitations_open_for(*, actor: Any) -> QuerySet[ProjectInvitation]:
    """The open invitations addressed to the actor's (verified) email: what the invitee
    sees. A read, kept beside the writes on invitations (selectors.py is shared with the
    reports work)."""
    if role_of(actor) != Role.CLINICIAN or not getattr(actor, "email", ""):
        return ProjectInvitation.objects.none()
    return ProjectInvitation.objects.filter(
        email=actor.email.lower(), accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("project", "invited_by")


def invitation_get(*, actor: Any, token: str) -> ProjectInvitation:
    """One open invitation for the actor, by its token; 404 for anyone else, so the page
    tells a stranger nothing (not even that the token exists)."""
    invitation = invitations_open_for(actor=actor).filter(token=token).first()
    if invitation is None:
        raise NotFoundError("This invitation is not open, or not for this account.")
    return invitation


@transaction.atomic
def project_invitation_accept(*, actor: Any, invitation: ProjectInvitation) -> ProjectMember:
    """The invitee joins the team. Only a clinician signed in with the invited email may
    accept (selectors.invitation_get returns 404 to anyone else)."""
    invitation = ProjectInvitation.objects.select_for_update().get(pk=invitation.pk)
    if (
        invitation.accepted_at is not None
        or invitation.expires_at <= timezone.now()
        or role_of(actor) != Role.CLINICIAN
        or (actor.email or "").lower() != invitation.email
    ):
        raise NotFoundError("This invitation is not open, or not for this account.")
    project = invitation.project
    member = project.members.filter(user=actor).first()
    if member is None:
        prof = getattr(getattr(actor, "profile", None), "profession", "") or invitation.profession
        member = ProjectMember.objects.create(
            project=project, user=actor, role=invitation.role, profession=prof
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=actor,
        action="outcomes.member_join",
        target=project,
        subject_user_id=actor.pk,
        detail={"invitation": invitation.pk, "role": member.role},
    )
    return member


@transaction.atomic
def project_finish(
    *,
    actor: Any,
    project: Project,
    moore_level: int = MooreLevel.PERFORMANCE,
    measure_id: str | None = None,
) -> Outcome:
    """Close the project and document its outcome on the lead's profile."""
    from cmepath.outcomes.selectors import project_reports

    policies.projects.require(actor, "finish", project)
    if project.status == ProjectStatus.FINISHED:
        raise ConflictError("The project is already finished.")
    if moore_level not in MooreLevel.values:
        raise ValidationError(
            "Moore level is 5 (performance) or 6 (patient health).", field="moore_level"
        )
    if not project.stages.filter(stage=Stage.C, completed_on__isnull=False).exists():
        raise ValidationError("Complete stage C (re-measure) before finishing.", field="stage")
    reports = [r for r in project_reports(project=project) if r.sentence]
    if measure_id:
        reports = [r for r in reports if r.measure_id == measure_id]
    if not reports:
        raise ValidationError(
            "No measure has a before/after result yet; check the data and the intervention date."
        )
    main = reports[0]
    outcome = Outcome.objects.create(
        project=project,
        user=project.lead,
        moore_level=moore_level,
        measure_id=main.measure_id,
        summary=main.sentence,
        result={"prepost": main.results.get("prepost"), "title": main.title},
    )
    project.status = ProjectStatus.FINISHED
    project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="outcomes.project_finish",
        target=project,
        subject_user_id=project.lead_id,
        detail={"moore_level": moore_level, "measure": main.measure_id},
    )
    return outcome

"""QI projects: create, change, team, data use agreement, finish (the documented outcome)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, PermissionDeniedError, ValidationError
from cmepath.core.errors import ErrorCode as CoreErrorCode
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.core.services import audit_record
from cmepath.outcomes import policies
from cmepath.outcomes.choices import (
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
    _check_text(**{k: str(v) for k, v in data.items() if k in ("title", "practice_gap")})
    if "unit_of_analysis" in data and data["unit_of_analysis"] not in UnitOfAnalysis.values:
        raise ValidationError("Choose clinic, practice or prescriber.", field="unit_of_analysis")
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


@transaction.atomic
def project_member_add(
    *,
    actor: Any,
    project: Project,
    user: Any,
    role: str = MemberRole.MEMBER,
    profession: str | None = None,
) -> ProjectMember:
    policies.projects.require(actor, "manage", project)
    if role not in (MemberRole.MEMBER, MemberRole.REVIEWER):
        raise ValidationError("A member is a team member or a reviewer.", field="role")
    if role_of(user) != Role.CLINICIAN:
        raise ValidationError("Only clinicians can join a QI project team.", field="email")
    if project.members.filter(user=user).exists():
        raise ConflictError("That person is already on the team.", field="email")
    prof = profession or getattr(getattr(user, "profile", None), "profession", "other") or "other"
    member = ProjectMember.objects.create(project=project, user=user, role=role, profession=prof)
    audit_record(
        actor=actor,
        action="outcomes.member_add",
        target=project,
        subject_user_id=user.pk,
        detail={"role": role},
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

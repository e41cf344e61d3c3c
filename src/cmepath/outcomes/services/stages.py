"""AMA PI-CME stages A-C: completed in order, credited to the lead's record."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, DomainError, ValidationError
from cmepath.core.services import audit_record
from cmepath.credits.services import completion_record
from cmepath.outcomes import policies
from cmepath.outcomes.choices import (
    STAGE_CREDITS,
    DatasetStatus,
    ProjectStatus,
    Stage,
)
from cmepath.outcomes.models import (
    Project,
    StageRecord,
)

log = logging.getLogger(__name__)


def _record_pi_cme_credits(*, user: Any, project: Project, record: StageRecord) -> bool:
    """Record the stage's AMA PRA Category 1 PI-CME credits in the lead's credit record: a
    self-reported completion with ``pi_cme`` set (outcomes sits above credits and calls its
    service). Returns True when recorded; False (the credits service refused) leaves the
    credits on the stage record only, and the page says they are still to be added.
    """
    reference = f"outcomes-project-{project.pk}-stage-{record.stage}"
    try:
        with transaction.atomic():
            completion_record(
                actor=user,
                user=user,
                data={
                    "title": f"PI-CME stage {record.stage}: {project.title}"[:300],
                    "provider": "cmepath QI project",
                    "completed_on": record.completed_on,
                    "pi_cme": True,
                },
                credits={"ama_pra_1": record.credits},
            )
    except DomainError as exc:
        log.warning("PI-CME credits for %s not recorded: %s", reference, exc.message)
        return False
    return True


@transaction.atomic
def project_stage_complete(
    *, actor: Any, project: Project, stage: str, completed_on: date | None = None, note: str = ""
) -> StageRecord:
    """Complete a PI-CME stage. A comes first (and needs measured data), then B, then C."""
    policies.projects.require(actor, "stage", project)
    if stage not in Stage.values:
        raise ValidationError("Stage is A, B or C.", field="stage")
    records = {r.stage: r for r in project.stages.select_for_update()}
    record = records[stage]
    if record.completed_on:
        raise ConflictError(f"Stage {stage} is already complete.")
    order = list(Stage.values)
    for earlier in order[: order.index(stage)]:
        if not records[earlier].completed_on:
            raise ValidationError(
                f"Complete stage {earlier} first (AMA PI-CME: stage A comes before any credit).",
                field="stage",
            )
    done = project.datasets.filter(status=DatasetStatus.DONE).exists()
    if stage == Stage.A and not done:
        raise ValidationError(
            "Stage A needs a baseline measurement: upload data first.", field="stage"
        )
    if stage == Stage.B and project.intervention_date is None:
        raise ValidationError("Set the intervention date before completing stage B.", field="stage")
    record.completed_on = completed_on or timezone.localdate()
    record.started_on = record.started_on or record.completed_on
    record.credits = STAGE_CREDITS[Stage(stage)]
    record.note = note[:2000]
    record.credit_recorded = _record_pi_cme_credits(
        user=project.lead, project=project, record=record
    )
    record.save()
    if project.status == ProjectStatus.DRAFT:
        project.status = ProjectStatus.ACTIVE
        project.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="outcomes.stage_complete",
        target=project,
        subject_user_id=project.lead_id,
        detail={
            "stage": stage,
            "credits": str(record.credits),
            "credit_recorded": record.credit_recorded,
        },
    )
    return record

"""AMA PI-CME stages A-C: completed in order, each only after its measured period, and
credited to the lead's record once per project and clinician.

The AMA format (standards.md 2.4) asks for a measured baseline (A), an intervention
applied to patient care over a useful interval (B) and a re-assessment after it (C). The
minimums are data (``choices.PI_CME_MINIMUMS``); the periods that meet them are counted
from the project's measured series, never from what the user says:

- a period counts only if it has data and had ended when the data holding it was
  uploaded (a series cannot record months that had not happened yet);
- B counts periods from the intervention date, and after stage A's completion, up to
  its own completion (so the intervention follows the assessment in real time);
- C counts periods after stage B's completion, in data uploaded after it.

Completing all three on made-up data at once is therefore impossible: C needs at least
``PI_CME_MINIMUMS[C].periods`` periods to pass after B, and B as many after A.
"""

from __future__ import annotations

import calendar
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, DomainError, ValidationError
from cmepath.core.services import audit_record
from cmepath.credits.services import completion_record
from cmepath.outcomes import policies
from cmepath.outcomes.choices import (
    PI_CME_MINIMUMS,
    STAGE_CREDITS,
    DatasetStatus,
    ProjectStatus,
    Stage,
)
from cmepath.outcomes.models import (
    PiCmeCredit,
    Project,
    SeriesPoint,
    StageRecord,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeasuredPeriod:
    """One period of one measure with data: its first and last day, and the day the data
    holding it was uploaded."""

    measure_id: str
    start: date
    end: date
    uploaded_on: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_span(label: str, grain: str | None) -> tuple[date, date] | None:
    """First and last day of a period label (``YYYY-MM`` for a month or a quarter by its
    first month, ``YYYY-MM-DD`` for a week by its Monday or a single day). Integer
    periods carry no dates: None (they cannot show that time has passed)."""
    try:
        if len(label) == 7 and label[4] == "-":
            year, month = int(label[:4]), int(label[5:])
            start = date(year, month, 1)
            if grain == "quarter":
                last = month + 2
                return start, _month_end(year + (last - 1) // 12, (last - 1) % 12 + 1)
            return start, _month_end(year, month)
        if len(label) == 10 and label[4] == "-" and label[7] == "-":
            start = date.fromisoformat(label)
            return start, start + timedelta(days=6) if grain == "week" else start
    except ValueError:
        return None
    return None


def _grains(measure_ids: Iterable[str]) -> dict[str, str | None]:
    from cmepath.outcomes.measures import MeasureSpecError, measure_by_id

    out: dict[str, str | None] = {}
    for mid in measure_ids:
        try:
            out[mid] = measure_by_id(mid).period
        except MeasureSpecError:
            out[mid] = None  # an uploaded series: months or days, read from the label
    return out


def measured_periods(*, project: Project) -> list[MeasuredPeriod]:
    """Every period with data in the project's processed datasets (one query), with the
    upload day of each dataset holding it. A period that had not ended on its upload day
    is left out: it cannot have been measured."""
    rows = (
        SeriesPoint.objects.filter(
            project=project, dataset__status=DatasetStatus.DONE, denominator__gt=0
        )
        .values_list("measure_id", "period", "dataset__created_at")
        .distinct()
    )
    found = list(rows)
    grains = _grains({mid for mid, _, _ in found})
    out = []
    for mid, label, uploaded in found:
        span = period_span(label, grains[mid])
        uploaded_on = timezone.localdate(uploaded) if isinstance(uploaded, datetime) else None
        if span is None or uploaded_on is None or span[1] >= uploaded_on:
            continue
        out.append(MeasuredPeriod(mid, span[0], span[1], uploaded_on))
    return out


def _count(periods: Iterable[MeasuredPeriod]) -> int:
    """Periods of the best-covered measure (distinct periods, whatever the dataset)."""
    by_measure: dict[str, set[date]] = defaultdict(set)
    for p in periods:
        by_measure[p.measure_id].add(p.start)
    return max((len(s) for s in by_measure.values()), default=0)


def _check_minimum(*, project: Project, stage: str, on: date, previous: date | None) -> None:
    """Refuse a stage whose measured period does not meet ``PI_CME_MINIMUMS``; ``on`` is
    the stage's completion day, ``previous`` the previous stage's."""
    need = PI_CME_MINIMUMS[Stage(stage)].periods
    periods = measured_periods(project=project)
    intervention = project.intervention_date
    if stage == Stage.A:
        have = _count(
            p for p in periods if p.end <= on and (intervention is None or p.end < intervention)
        )
        if have < need:
            before = f" before the intervention date ({intervention})" if intervention else ""
            raise ValidationError(
                f"Stage A needs a measured baseline: at least {need} periods with data{before} "
                f"that have ended; the data has {have}. Upload the baseline data first.",
                field="stage",
            )
        return
    after = previous or on
    if stage == Stage.B:
        if intervention is None:
            raise ValidationError(
                "Set the intervention date before completing stage B.", field="stage"
            )
        have = _count(
            p for p in periods if p.start >= intervention and p.start > after and p.end <= on
        )
        if have < need:
            raise ValidationError(
                f"Stage B needs an intervention period with data: at least {need} periods that "
                f"start on or after the intervention date ({intervention}) and after stage A "
                f"({after}) and have ended; the data has {have}. Upload the data once they "
                "have passed.",
                field="stage",
            )
        return
    have = _count(p for p in periods if p.start > after and p.end <= on and p.uploaded_on > after)
    if have < need:
        raise ValidationError(
            f"Stage C needs a re-measurement after stage B ({after}): at least {need} periods "
            f"that start after it and have ended, in data uploaded after it; the data has {have}. "
            "Upload the new data once they have passed.",
            field="stage",
        )


def _record_pi_cme_credits(*, user: Any, project: Project, record: StageRecord) -> bool:
    """Record the stage's AMA PRA Category 1 PI-CME credits in the lead's credit record: a
    self-reported completion with ``pi_cme`` set (outcomes sits above credits and calls its
    service), once per project, stage and clinician (``PiCmeCredit``'s constraint).
    Returns True when recorded (now or before); False (the credits service refused)
    leaves the credits on the stage record only, and the page says they are still to be
    added.
    """
    reference = f"outcomes-project-{project.pk}-stage-{record.stage}"
    try:
        with transaction.atomic():
            award = PiCmeCredit.objects.create(
                project=project, user=user, stage=record.stage, credits=record.credits
            )
            completion = completion_record(
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
            award.completion_id = completion.pk
            award.save(update_fields=["completion_id"])
    except IntegrityError:
        log.warning("PI-CME credits for %s were already awarded", reference)
        return True
    except DomainError as exc:
        log.warning("PI-CME credits for %s not recorded: %s", reference, exc.message)
        return False
    return True


@transaction.atomic
def project_stage_complete(
    *, actor: Any, project: Project, stage: str, completed_on: date | None = None, note: str = ""
) -> StageRecord:
    """Complete a PI-CME stage: in order, each after its measured period (see the module
    docstring). ``completed_on`` back-dates a completion (the demo); never in the future
    nor before the previous stage."""
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
    today = timezone.localdate()
    on = completed_on or today
    if on > today:
        raise ValidationError("A stage cannot be completed in the future.", field="completed_on")
    previous = records[order[order.index(stage) - 1]].completed_on if stage != Stage.A else None
    if previous is not None and on < previous:
        raise ValidationError(
            f"Stage {stage} cannot be completed before the previous stage ({previous}).",
            field="completed_on",
        )
    _check_minimum(project=project, stage=stage, on=on, previous=previous)
    record.completed_on = on
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
            "completed_on": on.isoformat(),
            "credits": str(record.credits),
            "credit_recorded": record.credit_recorded,
        },
    )
    return record

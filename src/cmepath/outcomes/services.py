"""Writes on QI projects: create, team, uploads, stages, finish.

Pages, the API, the CLI and tasks call these functions. Each decision that matters lands
in the audit log (security-checks row 22). Privacy rules (security-checks rows 19-21):

- an upload passes the privacy guard before anything else, or is refused whole with
  the list of offending columns;
- the raw upload is deleted after normalization, whatever happens;
- row-level data (the normalized Parquet) is kept only when the project records a data
  use agreement (a HIPAA limited data set); otherwise only the measures' unit x period
  series are kept.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationError
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.core.services import audit_record
from cmepath.credits.services import completion_record

from . import policies
from .choices import (
    MAX_UPLOAD_BYTES,
    STAGE_CREDITS,
    DatasetFormat,
    DatasetStatus,
    MemberRole,
    MooreLevel,
    ProjectStatus,
    Stage,
    UnitOfAnalysis,
)
from .models import (
    Dataset,
    Outcome,
    Project,
    ProjectActivity,
    ProjectMeasure,
    ProjectMember,
    SeriesPoint,
    StageRecord,
)

log = logging.getLogger(__name__)
PROJECT_FIELDS = frozenset(
    {"title", "practice_gap", "unit_of_analysis", "intervention_date", "comparison_units"}
)
UPLOADED_SERIES = "uploaded-series"


def outcomes_dir() -> Path:
    """Where uploads and kept datasets live (never under MEDIA_ROOT: served by nothing)."""
    return Path(getattr(settings, "CMEPATH_OUTCOMES_DIR", Path(settings.DATA_DIR) / "outcomes"))


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
            f"These fields cannot be set: {', '.join(unknown)}.", code="forbidden_fields"
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
def project_record_dua(*, actor: Any, project: Project, reference: str) -> Project:
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
def member_add(
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


def is_interprofessional(project: Project) -> bool:
    return project.members.values("profession").distinct().count() > 1


# --- datasets ----------------------------------------------------------------------------------


def dataset_upload(
    *, actor: Any, project: Project, chunks: Iterable[bytes], filename: str, fmt: str
) -> Dataset:
    """Store the upload privately, run the privacy guard, queue the processing task.

    A file the guard refuses is deleted at once and the whole upload is refused with the
    list of offending columns (a ValidationError with ``errors["columns"]``).
    """
    from cmepath.outcomes.ingest import IngestError, RefusedError, guard_file

    policies.projects.require(actor, "upload", project)
    if fmt not in DatasetFormat.values:
        raise ValidationError("Choose CSV, Parquet or FHIR NDJSON.", field="format")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename or "upload").name)[:120] or "upload"
    folder = outcomes_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f"{uuid.uuid4().hex}{Path(safe_name).suffix.lower()[:10]}"
    size = 0
    try:
        with raw.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise ValidationError("The file is larger than 2 GiB; split it.", field="file")
                fh.write(chunk)
        if size == 0:
            raise ValidationError("The file is empty.", field="file")
        if fmt in (DatasetFormat.CSV, DatasetFormat.PARQUET):
            kind, _ = guard_file(raw, fmt)
        else:
            kind = "orders"
    except RefusedError as exc:
        raw.unlink(missing_ok=True)
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="outcomes.upload_refused",
                target=project,
                detail={"file": safe_name, "columns": exc.columns},
            )
        raise ValidationError(
            str(exc).splitlines()[0],
            code="refused",
            errors={"columns": exc.columns, "file": [str(exc)]},
        ) from None
    except IngestError as exc:
        raw.unlink(missing_ok=True)
        raise ValidationError(str(exc), field="file") from None
    except BaseException:
        raw.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        dataset = Dataset.objects.create(
            project=project,
            uploaded_by=actor,
            format=fmt,
            kind=kind,
            original_name=safe_name,
            upload_path=str(raw),
        )
        audit_record(
            actor=actor,
            action="outcomes.upload",
            target=dataset,
            detail={"project": project.pk, "file": safe_name, "bytes": size, "format": fmt},
        )
        from .tasks import process_dataset

        transaction.on_commit(lambda: process_dataset.enqueue(dataset.pk))
    return dataset


def _redact(detail: str) -> str:
    """Reference values in problem details may carry source ids: keep only the type."""
    return re.sub(r"\b([A-Z][A-Za-z]+)([/?][^\s]+)", r"\1/…", detail)


def dataset_process(*, dataset_id: int) -> Dataset:
    """Normalize, measure, keep series (and rows only under a DUA), delete the upload.
    Safe to run twice: a finished dataset is left as it is."""
    from cmepath.outcomes.ingest import IngestError, ingest
    from cmepath.outcomes.measures import MeasureRunError, measure_by_id, run_measure

    dataset = Dataset.objects.select_related("project").get(pk=dataset_id)
    if dataset.status in (DatasetStatus.DONE, DatasetStatus.REFUSED, DatasetStatus.FAILED):
        return dataset
    project = dataset.project
    keep = project.has_dua and dataset.kind == "orders"
    kept_dir = outcomes_dir() / "projects" / str(project.pk) / "datasets" / str(dataset.pk)
    work = kept_dir if keep else Path(tempfile.mkdtemp(prefix="cmepath-dataset-"))
    raw = Path(dataset.upload_path)
    last = [0.0]

    def progress(step: str, done: int, total: int) -> None:
        fraction = done / total if total else 0.0
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            Dataset.objects.filter(pk=dataset.pk).update(
                progress=round(min(fraction, 1.0) * 0.8, 3), stage=step[:64]
            )

    Dataset.objects.filter(pk=dataset.pk).update(status=DatasetStatus.PROCESSING, stage="starting")
    try:
        report = ingest(
            [raw], work, fmt=dataset.format, salt=project.patient_salt, progress=progress
        )
        points: list[SeriesPoint] = []
        if report.kind == "series":
            import csv

            with (work / "series.csv").open(encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    points.append(
                        SeriesPoint(
                            project=project,
                            dataset=dataset,
                            measure_id=UPLOADED_SERIES,
                            unit=row["unit"],
                            period=row["period"],
                            numerator=float(row["numerator"]),
                            denominator=int(float(row["denominator"])),
                        )
                    )
        else:
            measure_ids = list(project.measures.values_list("measure_id", flat=True))
            for i, mid in enumerate(measure_ids):
                Dataset.objects.filter(pk=dataset.pk).update(
                    progress=0.8 + 0.2 * i / max(len(measure_ids), 1), stage=f"measuring {mid}"[:64]
                )
                spec = measure_by_id(mid)
                for r in run_measure(spec, work):
                    points.append(
                        SeriesPoint(
                            project=project,
                            dataset=dataset,
                            measure_id=mid,
                            unit=r.unit,
                            period=r.period,
                            numerator=r.numerator,
                            denominator=r.denominator,
                        )
                    )
        data = report.to_dict()
        data["output"] = ""
        data["problems"] = [{**p, "detail": _redact(p["detail"])} for p in data["problems"]]
        with transaction.atomic():
            SeriesPoint.objects.bulk_create(points, batch_size=2000)
            Dataset.objects.filter(pk=dataset.pk).update(
                status=DatasetStatus.DONE,
                progress=1.0,
                stage="done",
                report=data,
                row_count=report.rows_written,
                kept_rows=keep,
                rows_path=str(kept_dir.relative_to(outcomes_dir())) if keep else "",
                finished_at=timezone.now(),
                message=f"{report.rows_written} rows, {report.skipped} skipped; {len(points)} series cells.",
            )
            audit_record(
                actor=None,
                action="outcomes.dataset_processed",
                target=dataset,
                detail={"rows": report.rows_written, "skipped": report.skipped, "kept_rows": keep},
            )
    except (IngestError, MeasureRunError) as exc:
        Dataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.FAILED,
            stage="failed",
            message=str(exc),
            finished_at=timezone.now(),
        )
    except Exception:
        log.exception("dataset %s failed", dataset.pk)
        Dataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.FAILED,
            stage="failed",
            finished_at=timezone.now(),
            message="Processing failed unexpectedly; the upload was deleted. Check the file and try again.",
        )
    finally:
        raw.unlink(missing_ok=True)  # raw uploads never outlive processing
        Dataset.objects.filter(pk=dataset.pk).update(upload_path="")
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    dataset.refresh_from_db()
    return dataset


# --- stages, credits, outcome ----------------------------------------------------------------


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
def stage_complete(
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


@transaction.atomic
def project_finish(
    *,
    actor: Any,
    project: Project,
    moore_level: int = MooreLevel.PERFORMANCE,
    measure_id: str | None = None,
) -> Outcome:
    """Close the project and document its outcome on the lead's profile."""
    from .selectors import project_reports

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

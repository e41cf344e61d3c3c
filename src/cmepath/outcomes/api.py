"""API operations on QI projects (``/api/v1/outcomes/...``), for project members only.

Series and analyses are aggregates with small-cell suppression applied server-side;
row-level data is never served by the API. Non-members and employers get 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.core.schemas import IsoDate
from cmepath.core.schemas import StrictSchema as Strict

from . import policies, selectors, services
from .choices import DatasetFormat, Stage, UnitOfAnalysis

router = Router(tags=["outcomes"])


class ProjectOut(Schema):
    id: int
    title: str
    practice_gap: str
    unit_of_analysis: str
    intervention_date: date | None
    status: str
    measures: list[str]
    activity_ids: list[int]
    has_dua: bool
    interprofessional: bool
    stages: list[dict[str, Any]]
    created_at: datetime


class ProjectIn(Strict):
    title: str = Field(..., min_length=1, max_length=200)
    practice_gap: str = Field(..., min_length=1, max_length=5000)
    unit_of_analysis: UnitOfAnalysis = UnitOfAnalysis.CLINIC
    measure_ids: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=10
    )
    activity_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        default_factory=list, max_length=50
    )
    intervention_date: IsoDate | None = None
    comparison_units: list[Annotated[str, Field(max_length=128)]] = Field(
        default_factory=list, max_length=100
    )


class ProjectPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=200)
    practice_gap: str | None = Field(None, min_length=1, max_length=5000)
    unit_of_analysis: UnitOfAnalysis | None = None
    intervention_date: IsoDate | None = None
    comparison_units: list[Annotated[str, Field(max_length=128)]] | None = Field(
        None, max_length=100
    )


class DatasetOut(Schema):
    id: int
    status: str
    progress: float
    stage: str
    message: str
    format: str
    kind: str
    row_count: int
    kept_rows: bool
    report: dict[str, Any]

    @staticmethod
    def resolve_message(obj: Any) -> str:
        """The stored message as the owner reads it (their file's name, no server path)."""
        return selectors.dataset_text(obj, obj.message)


class SeriesOut(Schema):
    measure_id: str
    kind: str
    suppression_threshold: int
    pooled: list[dict[str, Any]]
    units: list[dict[str, Any]]
    left_out_periods: list[str] = Field(
        description="Periods with suppressed counts: in no total, rate, limit or model."
    )
    combined_units: list[str] = Field(
        description="Units with a small count in some period: shown only as one group."
    )


class AnalysisOut(Schema):
    measure_id: str
    title: str
    sentence: str
    messages: list[str]
    results: dict[str, Any]
    left_out_periods: list[str] = Field(
        description="Periods with suppressed counts: in no total, rate, limit or model."
    )
    combined_units: list[str] = Field(
        description="Units with a small count in some period: used only as one group."
    )
    withheld: dict[str, str] = Field(
        description="Results (prepost, spc, its) withheld for privacy, with the reason; "
        "their numbers in results are null."
    )


class StageOut(Schema):
    stage: str
    completed_on: date | None
    credits: str
    credit_recorded: bool


def _out(project: Any) -> dict[str, Any]:
    return {
        "id": project.pk,
        "title": project.title,
        "practice_gap": project.practice_gap,
        "unit_of_analysis": project.unit_of_analysis,
        "intervention_date": project.intervention_date,
        "status": project.status,
        "measures": [m.measure_id for m in project.measures.all()],
        "activity_ids": [a.activity_id for a in project.activities.all()],
        "has_dua": project.has_dua,
        "interprofessional": selectors.project_is_interprofessional(project),
        "stages": [
            {"stage": s.stage, "completed_on": s.completed_on, "credits": str(s.credits)}
            for s in project.stages.all()
        ],
        "created_at": project.created_at,
    }


@router.get("/outcomes/projects", response=list[ProjectOut], url_name="outcomes_project_list")
def project_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(p) for p in selectors.projects_for(actor=actor(request))]


@router.post("/outcomes/projects", response={201: ProjectOut}, url_name="outcomes_project_create")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[dict[str, Any]]:
    project = services.project_create(actor=actor(request), **payload.model_dump())
    return Status(201, _out(project))


@router.get("/outcomes/projects/{pk}", response=ProjectOut, url_name="outcomes_project_get")
def project_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(selectors.project_get(actor=actor(request), pk=pk))


@router.patch("/outcomes/projects/{pk}", response=ProjectOut, url_name="outcomes_project_patch")
def project_patch(request: HttpRequest, pk: int, payload: ProjectPatch) -> dict[str, Any]:
    project = selectors.project_get(actor=actor(request), pk=pk, action="change")
    project = services.project_update(
        actor=actor(request), project=project, data=payload.model_dump(exclude_unset=True)
    )
    return _out(project)


@router.post(
    "/outcomes/projects/{pk}/datasets",
    response={202: DatasetOut},
    url_name="outcomes_dataset_upload",
)
def dataset_upload(request: HttpRequest, pk: int) -> Status[Any]:
    """Multipart form: ``file`` and ``format`` (csv, parquet or fhir). Read by hand after the
    permission check, so a non-member gets 404 whatever the body holds, and after the size
    check (Content-Length against the limit and the quota: 413), so a file too large is
    refused before it is read."""
    from cmepath.core.uploads import declared_length

    project = selectors.project_get(actor=actor(request), pk=pk, action="upload")
    services.dataset_upload_precheck(
        actor=actor(request), project=project, declared_bytes=declared_length(request)
    )
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "")
    if upload is None:
        raise ValidationError("Send the file as multipart form field 'file'.", field="file")
    if fmt not in DatasetFormat.values:
        raise ValidationError("Field 'format' must be csv, parquet or fhir.", field="format")
    dataset = services.dataset_upload(
        actor=actor(request),
        project=project,
        chunks=upload.chunks(),
        filename=upload.name or "upload",
        fmt=fmt,
    )
    dataset.refresh_from_db()
    return Status(202, dataset)


@router.get(
    "/outcomes/projects/{pk}/datasets/{dataset_id}",
    response=DatasetOut,
    url_name="outcomes_dataset_status",
)
def dataset_status(request: HttpRequest, pk: int, dataset_id: int) -> Any:
    dataset = selectors.dataset_get(actor=actor(request), pk=dataset_id)
    if dataset.project_id != pk:
        raise NotFoundError("Not found.")
    return dataset


def _report(request: HttpRequest, pk: int, measure: str | None) -> Any:
    project = selectors.project_get(actor=actor(request), pk=pk)
    reports = selectors.project_reports(project=project)
    for rep in reports:
        if measure in (None, rep.measure_id):
            return rep
    raise NotFoundError("The project has no such measure.")


@router.get("/outcomes/projects/{pk}/series", response=SeriesOut, url_name="outcomes_series")
def series(request: HttpRequest, pk: int, measure: str | None = None) -> dict[str, Any]:
    from cmepath.outcomes.privacy import DEFAULT_THRESHOLD

    rep = _report(request, pk, measure)
    return {
        "measure_id": rep.measure_id,
        "kind": rep.kind,
        "suppression_threshold": DEFAULT_THRESHOLD,
        "pooled": rep.pooled,
        "units": rep.units,
        "left_out_periods": rep.left_out_periods,
        "combined_units": rep.combined_units,
    }


@router.get("/outcomes/projects/{pk}/analysis", response=AnalysisOut, url_name="outcomes_analysis")
def analysis(request: HttpRequest, pk: int, measure: str | None = None) -> dict[str, Any]:
    rep = _report(request, pk, measure)
    return {
        "measure_id": rep.measure_id,
        "title": rep.title,
        "sentence": rep.sentence,
        "messages": rep.messages,
        "results": rep.results,
        "left_out_periods": rep.left_out_periods,
        "combined_units": rep.combined_units,
        "withheld": rep.withheld,
    }


@router.post(
    "/outcomes/projects/{pk}/stages/{stage}/complete",
    response=StageOut,
    url_name="outcomes_stage_complete",
)
def stage_complete(request: HttpRequest, pk: int, stage: Stage) -> dict[str, Any]:
    project = selectors.project_get(actor=actor(request), pk=pk)
    policies.projects.require(actor(request), "stage", project)
    record = services.project_stage_complete(
        actor=actor(request), project=project, stage=str(stage)
    )
    return {
        "stage": record.stage,
        "completed_on": record.completed_on,
        "credits": str(record.credits),
        "credit_recorded": record.credit_recorded,
    }

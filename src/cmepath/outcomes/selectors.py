"""Reads on QI projects; visibility comes from the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import policies
from .models import Dataset, Outcome, Project, SeriesPoint
from .reports import Cell, Report, build_project_reports


def projects_for(*, actor: Any) -> QuerySet[Project]:
    return (
        policies.projects.visible(actor)
        .select_related("lead")
        .prefetch_related("members", "stages")
    )


def project_get(*, actor: Any, pk: int, action: str = "view") -> Project:
    """One project the actor may act on (404 otherwise)."""
    return policies.projects.get(actor, action, pk=pk)


def dataset_text(dataset: Dataset, text: str) -> str:
    """A dataset's message or problem as its owner reads it, on pages and in the API: about
    their file by the name they gave it, never a path or stored name of our server."""
    from cmepath.core.uploads import upload_message

    stored = [p for p in (dataset.upload_path, dataset.rows_path) if p]
    return upload_message(text, user_name=dataset.original_name, stored_names=stored)


def dataset_get(*, actor: Any, pk: int) -> Dataset:
    projects = policies.projects.visible(actor)
    try:
        return Dataset.objects.select_related("project").get(pk=pk, project__in=projects)
    except Dataset.DoesNotExist:
        from cmepath.core.errors import NotFoundError

        raise NotFoundError("Not found.") from None


def series_cells(*, project: Project, measure_id: str) -> list[Cell]:
    """The latest finished dataset's cells for a measure (caller has checked access)."""
    latest = (
        project.datasets.filter(status="done", series__measure_id=measure_id)
        .order_by("-created_at")
        .first()
    )
    if latest is None:
        return []
    rows = SeriesPoint.objects.filter(dataset=latest, measure_id=measure_id).values_list(
        "unit", "period", "numerator", "denominator"
    )
    return [Cell(u, p, float(n), int(d)) for u, p, n, d in rows]


def measure_titles(project: Project) -> list[tuple[str, str, str]]:
    """(id, title, kind) of the project's measures, plus an uploaded series if any."""
    from cmepath.outcomes.measures import MeasureSpecError, measure_by_id

    out = []
    for pm in project.measures.all():
        try:
            spec = measure_by_id(pm.measure_id)
            out.append((spec.id, spec.title, spec.kind))
        except MeasureSpecError:
            out.append((pm.measure_id, pm.measure_id, "proportion"))
    if SeriesPoint.objects.filter(project=project, measure_id="uploaded-series").exists():
        out.append(("uploaded-series", "Uploaded series", "proportion"))
    return out


def project_reports(*, project: Project) -> list[Report]:
    """Every measure's report, built together so that the privacy rule groups units alike
    across measures (``build_project_reports``)."""
    intervention = (
        project.intervention_date.strftime("%Y-%m") if project.intervention_date else None
    )
    return build_project_reports(
        [
            (mid, title, kind, series_cells(project=project, measure_id=mid))
            for mid, title, kind in measure_titles(project)
        ],
        intervention=intervention,
    )


def outcomes_for_user(*, user: Any) -> QuerySet[Outcome]:
    """Documented outcomes on a clinician's own record."""
    return Outcome.objects.filter(user=user).select_related("project")


def project_is_interprofessional(project: Project) -> bool:
    """More than one profession on the team (IPCE's "by the team, for the team")."""
    return project.members.values("profession").distinct().count() > 1

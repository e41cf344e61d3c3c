"""How well the signed-in clinician fits a vacancy, and their best matches."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query

from cmepath.core.api import actor
from cmepath.jobs import selectors
from cmepath.jobs.api._common import MatchOut, _require_clinician, match_out, router
from cmepath.jobs.api.vacancies import VacancySummaryOut, _summary


@router.get(
    "/vacancies/{vacancy_id}/match",
    response=MatchOut,
    summary="My fit for a vacancy, with reasons and the gaps that stand between (clinicians)",
)
def vacancy_match(request: HttpRequest, vacancy_id: int) -> dict[str, Any] | None:
    user = actor(request)
    _require_clinician(user)
    vacancy = selectors.vacancy_detail(actor=user, pk=vacancy_id)
    return match_out(selectors.vacancy_match(actor=user, vacancy=vacancy))


@router.get(
    "/me/job-matches",
    response=list[VacancySummaryOut],
    summary="Jobs for me: open vacancies retrieved by hard filters, ranked by fit (clinicians)",
)
def jobs_for_me(request: HttpRequest, limit: int = Query(20, ge=1, le=100)) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    user = actor(request)
    _require_clinician(user)
    return [
        _summary(v, distance_km=m.distance_km, m=m)
        for v, m in selectors.jobs_for_you(actor=user, limit=limit)
    ]

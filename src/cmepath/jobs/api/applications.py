"""Applications: apply, the clinician's own, withdraw; the employer's applicants and moving
an application through the pipeline.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.jobs import selectors, services
from cmepath.jobs.api._common import MatchOut, match_out, router
from cmepath.jobs.models import Application
from cmepath.jobs.policies import (
    ApplicationPolicy,
    VacancyPolicy,
)


class ApplyIn(Strict):
    cover_note: str = Field("", max_length=4000)
    share_link_id: int | None = None


class ApplicationOut(Schema):
    id: int
    vacancy_id: int
    vacancy_title: str
    employer: str
    status: str
    cover_note: str
    has_transcript: bool
    fit_score: int
    created_at: Any
    history: list[dict[str, Any]]


class MoveIn(Strict):
    status: Literal["reviewed", "interview", "offer", "hired", "rejected"]
    note: str = Field("", max_length=1000)


class ApplicantOut(BaseModel):
    application_id: int
    name: str
    verified: bool
    profession: str
    status: str
    match: MatchOut | None


def _application(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "vacancy_id": a.vacancy_id,
        "vacancy_title": a.vacancy.title,
        "employer": a.vacancy.employer.name,
        "status": a.status,
        "cover_note": a.cover_note,
        "has_transcript": a.share_link_id is not None,
        "fit_score": a.fit_score,
        "created_at": a.created_at,
        "history": [
            {"status": e.status, "at": e.at.isoformat(), "note": e.note} for e in a.events.all()
        ],
    }


@router.post(
    "/vacancies/{vacancy_id}/applications",
    response={201: ApplicationOut},
    summary="Apply with my verified profile, optionally with a transcript share link",
)
def application_create(
    request: HttpRequest, vacancy_id: int, payload: ApplyIn
) -> Status[dict[str, Any]]:
    from cmepath.credits.selectors import share_links_for

    user = actor(request)
    vacancy = VacancyPolicy().get(user, "apply", pk=vacancy_id)
    link = None
    if payload.share_link_id is not None:
        link = share_links_for(actor=user).filter(pk=payload.share_link_id).first()
        if link is None:
            from cmepath.core.errors import ValidationError

            raise ValidationError("No share link of yours has that id.", field="share_link_id")
    fit = selectors.vacancy_match(actor=user, vacancy=vacancy)
    application = services.application_create(
        actor=user,
        vacancy=vacancy,
        cover_note=payload.cover_note,
        share_link=link,
        fit_score=fit.score if fit else 0,
    )
    return Status(201, _application(selectors.application_detail(actor=user, pk=application.pk)))


@router.get("/me/applications", response=list[ApplicationOut], summary="My applications")
def application_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_application(a) for a in selectors.applications_for(actor=actor(request))]


@router.get(
    "/applications/{application_id}",
    response=ApplicationOut,
    summary="One application (the applicant or the employer's members)",
)
def application_get(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _application(selectors.application_detail(actor=actor(request), pk=application_id))


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationOut,
    summary="Withdraw my application",
)
def application_withdraw(request: HttpRequest, application_id: int) -> dict[str, Any]:
    user = actor(request)
    application = ApplicationPolicy().get(user, "withdraw", pk=application_id)
    services.application_withdraw(actor=user, application=application)
    return _application(selectors.application_detail(actor=user, pk=application_id))


@router.post(
    "/applications/{application_id}/status",
    response=ApplicationOut,
    summary="Move an application on (the employer's members)",
)
def application_move(request: HttpRequest, application_id: int, payload: MoveIn) -> dict[str, Any]:
    user = actor(request)
    application = ApplicationPolicy().get(user, "move", pk=application_id)
    services.application_move(
        actor=user, application=application, status=payload.status, note=payload.note
    )
    return _application(selectors.application_detail(actor=user, pk=application_id))


@router.get(
    "/vacancies/{vacancy_id}/applicants",
    response=list[ApplicantOut],
    summary="Applicants of a vacancy, ranked by fit with the reasons (employer members)",
)
def applicant_list(request: HttpRequest, vacancy_id: int) -> list[dict[str, Any]]:
    user = actor(request)
    vacancy = VacancyPolicy().get(user, "change", pk=vacancy_id)
    return [
        {
            "application_id": a.application.pk,
            "name": a.name,
            "verified": a.verified,
            "profession": a.profession,
            "status": a.application.status,
            "match": match_out(a.match),
        }
        for a in selectors.applicants_for(actor=user, vacancy=vacancy)
    ]

"""Vacancies: public search and read; drafting, changing and the lifecycle for employer
members (submit, close); publishing and returning for admins; reports.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from ninja import Query, Schema, Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.errors import PermissionDeniedError
from cmepath.core.schemas import FacetCountOut, IsoDate
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.jobs import matching, selectors, services
from cmepath.jobs.api._common import MatchOut, _user, match_out, router
from cmepath.jobs.models import Vacancy
from cmepath.jobs.policies import (
    EmployerPolicy,
    VacancyPolicy,
)

SortName = Literal["relevance", "date", "salary", "cme", "cme_days", "distance", "match"]


class VacancyListQuery(Schema):
    q: str = Field("", description="Free text; any length or characters (cut at 500).")
    sort: SortName = "relevance"
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)
    profession: list[str] = Field(default_factory=list)
    physician: list[Literal["yes", "no"]] = Field(default_factory=list)
    specialty: list[str] = Field(default_factory=list, description="NUCC taxonomy codes.")
    state: list[str] = Field(default_factory=list)
    setting: list[str] = Field(default_factory=list)
    employment_model: list[str] = Field(default_factory=list)
    schedule: list[str] = Field(default_factory=list)
    career_track: list[str] = Field(default_factory=list)
    remote: list[Literal["yes", "no"]] = Field(default_factory=list)
    visa: list[str] = Field(default_factory=list)
    loan_repayment: list[Literal["yes", "no"]] = Field(default_factory=list)
    credentials: list[str] = Field(default_factory=list)
    employer: list[str] = Field(default_factory=list, description="Employer ids.")
    licence_states: list[str] = Field(default_factory=list)
    salary_min: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="Yearly pay at least this (USD)."
    )
    cme_min: float | None = Field(None, ge=0, allow_inf_nan=False)
    cme_days_min: float | None = Field(None, ge=0, allow_inf_nan=False)
    zip: str = Field("", max_length=10, description="Search around this US ZIP code.")
    miles: float | None = Field(None, gt=0, le=500, allow_inf_nan=False)


class VacancySummaryOut(BaseModel):
    id: int
    title: str
    employer_id: int
    employer: str
    employer_verified: bool
    profession: str
    specialty: str
    city: str
    state: str
    remote: bool
    remote_states: list[str]
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_unit: str
    cme_allowance: Decimal | None
    cme_days: Decimal | None
    posted_on: date | None
    expires_on: date | None
    distance_miles: float | None
    synthetic: bool
    match: MatchOut | None


class VacancyListOut(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    message: str | None
    facets: dict[str, list[FacetCountOut]]
    results: list[VacancySummaryOut]


class VacancyOut(Schema):
    id: int
    status: str
    employer_id: int
    employer: str
    reference: str
    title: str
    description: str
    profession: str
    specialty: str
    soc_code: str
    setting: str
    career_track: str
    employment_model: str
    schedule: str
    shifts: str
    call_ratio: int | None
    call_type: str
    call_paid: bool
    city: str
    state: str
    zip_code: str
    latitude: float | None
    longitude: float | None
    remote: bool
    remote_states: list[str]
    licence_states: list[str]
    compact_accepted: bool
    board_requirement: str
    credentials: list[str]
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_unit: str
    guarantee_months: int | None
    wrvu_threshold: int | None
    dollars_per_wrvu: Decimal | None
    collections_percent: Decimal | None
    sign_on_bonus: Decimal | None
    sign_on_clawback_months: int | None
    relocation: Decimal | None
    loan_repayment: Decimal | None
    nhsc_site: bool
    hpsa_score: int | None
    cme_allowance: Decimal | None
    cme_days: Decimal | None
    cme_days_separate_from_pto: bool
    cme_expenses: list[str]
    cme_rollover: bool
    cme_repay_on_leaving: bool
    malpractice: str
    tail: str
    noncompete_miles: int | None
    noncompete_months: int | None
    visas: list[str]
    agencies_may_contact: bool
    start_date: date | None
    posted_on: date | None
    expires_on: date | None
    duplicate_of: int | None
    review_note: str


class _VacancyFields(Strict):
    reference: str | None = Field(None, max_length=64)
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    profession: str | None = Field(None, max_length=8)
    specialty: str | None = Field(None, max_length=10)
    soc_code: str | None = Field(None, max_length=7)
    setting: str | None = Field(None, max_length=16)
    career_track: str | None = Field(None, max_length=16)
    employment_model: str | None = Field(None, max_length=12)
    schedule: str | None = Field(None, max_length=12)
    shifts: str | None = Field(None, max_length=200)
    call_ratio: int | None = None
    call_type: str | None = Field(None, max_length=10)
    call_paid: bool | None = None
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=2)
    zip_code: str | None = Field(None, max_length=10)
    remote: bool | None = None
    remote_states: list[str] | None = Field(None, max_length=60)
    licence_states: list[str] | None = Field(None, max_length=60)
    compact_accepted: bool | None = None
    board_requirement: str | None = Field(None, max_length=10)
    credentials: list[str] | None = Field(None, max_length=20)
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_unit: str | None = Field(None, max_length=6)
    guarantee_months: int | None = None
    wrvu_threshold: int | None = None
    dollars_per_wrvu: Decimal | None = None
    collections_percent: Decimal | None = None
    sign_on_bonus: Decimal | None = None
    sign_on_clawback_months: int | None = None
    relocation: Decimal | None = None
    loan_repayment: Decimal | None = None
    nhsc_site: bool | None = None
    hpsa_score: int | None = None
    cme_allowance: Decimal | None = None
    cme_days: Decimal | None = None
    cme_days_separate_from_pto: bool | None = None
    cme_expenses: list[str] | None = Field(None, max_length=20)
    cme_rollover: bool | None = None
    cme_repay_on_leaving: bool | None = None
    malpractice: str | None = Field(None, max_length=12)
    tail: str | None = Field(None, max_length=12)
    noncompete_miles: int | None = None
    noncompete_months: int | None = None
    visas: list[str] | None = Field(None, max_length=5)
    agencies_may_contact: bool | None = None
    start_date: IsoDate | None = None
    expires_on: IsoDate | None = None


class VacancyIn(_VacancyFields):
    employer_id: int
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=20_000)
    profession: str = Field(..., max_length=8)
    setting: str = Field(..., max_length=16)
    employment_model: str = Field(..., max_length=12)
    schedule: str = Field(..., max_length=12)


class VacancyPatch(_VacancyFields):
    pass


class ReasonIn(Strict):
    reason: str = Field(..., min_length=1, max_length=500)


class ReportIn(Strict):
    reason: Literal["filled", "misleading", "duplicate"]
    detail: str = Field("", max_length=1000)


def _summary(v: Vacancy, *, distance_km: float | None, m: matching.Match | None) -> dict[str, Any]:
    return {
        "id": v.pk,
        "title": v.title,
        "employer_id": v.employer_id,
        "employer": v.employer.name,
        "employer_verified": v.employer.is_verified,
        "profession": v.profession,
        "specialty": v.specialty,
        "city": v.city,
        "state": v.state,
        "remote": v.remote,
        "remote_states": v.remote_states,
        "salary_min": v.salary_min,
        "salary_max": v.salary_max,
        "salary_unit": v.salary_unit,
        "cme_allowance": v.cme_allowance,
        "cme_days": v.cme_days,
        "posted_on": v.posted_on,
        "expires_on": v.expires_on,
        "distance_miles": round(distance_km / selectors.KM_PER_MILE, 1)
        if distance_km is not None
        else None,
        "synthetic": v.employer.synthetic,
        "match": match_out(m),
    }


def _detail(v: Vacancy) -> dict[str, Any]:
    from cmepath.jobs.validation import VACANCY_FIELDS

    out = {name: getattr(v, name) for name in VACANCY_FIELDS if name != "posted_on"}
    out.update(
        id=v.pk,
        status=v.status,
        employer_id=v.employer_id,
        employer=v.employer.name,
        latitude=v.latitude,
        longitude=v.longitude,
        posted_on=v.posted_on,
        duplicate_of=v.duplicate_of_id,
        review_note=v.review_note,
    )
    return out


def _fields(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    data.pop("employer_id", None)
    return {k: ("" if v is None and k in _TEXTUAL else v) for k, v in data.items()}


_TEXTUAL = frozenset(
    {
        "reference",
        "shifts",
        "city",
        "state",
        "zip_code",
        "specialty",
        "soc_code",
        "malpractice",
        "tail",
    }
)


@router.get(
    "/vacancies",
    response=VacancyListOut,
    auth=None,
    summary="Search open vacancies: text, facets, pay and CME minimums, radius around a ZIP",
)
def vacancy_list(request: HttpRequest, params: Query[VacancyListQuery]) -> dict[str, Any]:
    data = params.model_dump()
    qd = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            qd.setlist(key, [str(v) for v in value])
        elif value not in (None, ""):
            qd[key] = str(value)
    found = selectors.vacancy_search(actor=_user(request), params=qd, getlist=qd.getlist)
    page = found.page
    return {
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
        "message": page.message,
        "facets": {
            name: [{"value": v, "count": c} for v, c in pairs]
            for name, pairs in page.facets.items()
        },
        "results": [
            _summary(v, distance_km=page.distances.get(v.pk), m=page.matches.get(v.pk))
            for v in page.vacancies
        ],
    }


@router.get(
    "/vacancies/{vacancy_id}",
    response=VacancyOut,
    auth=None,
    summary="One vacancy (published, closed and expired ones are public; drafts to members)",
)
def vacancy_get(request: HttpRequest, vacancy_id: int) -> dict[str, Any]:
    vacancy = selectors.vacancy_detail(actor=_user(request), pk=vacancy_id)
    return _detail(vacancy)


@router.post("/vacancies", response={201: VacancyOut}, summary="Draft a vacancy (employer members)")
def vacancy_create(request: HttpRequest, payload: VacancyIn) -> Status[dict[str, Any]]:
    user = actor(request)
    employer = EmployerPolicy().get(user, "post", pk=payload.employer_id)
    vacancy = services.vacancy_create(actor=user, employer=employer, data=_fields(payload))
    return Status(201, _detail(vacancy))


@router.patch(
    "/vacancies/{vacancy_id}", response=VacancyOut, summary="Change a vacancy (employer members)"
)
def vacancy_patch(request: HttpRequest, vacancy_id: int, payload: VacancyPatch) -> dict[str, Any]:
    user = actor(request)
    vacancy = VacancyPolicy().get(user, "change", pk=vacancy_id)
    return _detail(services.vacancy_update(actor=user, vacancy=vacancy, data=_fields(payload)))


@router.post(
    "/vacancies/{vacancy_id}/submit",
    response=VacancyOut,
    summary="Send a draft to review (checks the employer's verification and the pay law)",
)
def vacancy_submit(request: HttpRequest, vacancy_id: int) -> dict[str, Any]:
    user = actor(request)
    vacancy = VacancyPolicy().get(user, "change", pk=vacancy_id)
    return _detail(services.vacancy_submit(actor=user, vacancy=vacancy))


@router.post(
    "/vacancies/{vacancy_id}/close", response=VacancyOut, summary="Close a vacancy (filled)"
)
def vacancy_close(request: HttpRequest, vacancy_id: int) -> dict[str, Any]:
    user = actor(request)
    policy = VacancyPolicy()
    vacancy = selectors.vacancy_detail(actor=user, pk=vacancy_id)
    if not (policy.allows(user, "change", vacancy) or policy.allows(user, "moderate", vacancy)):
        raise PermissionDeniedError("Only the employer's members or a moderator can close it.")
    return _detail(services.vacancy_close(actor=user, vacancy=vacancy))


@router.post(
    "/vacancies/{vacancy_id}/publish", response=VacancyOut, summary="Publish a vacancy (admins)"
)
def vacancy_publish(request: HttpRequest, vacancy_id: int) -> dict[str, Any]:
    user = actor(request)
    vacancy = VacancyPolicy().get(user, "moderate", pk=vacancy_id)
    return _detail(services.vacancy_publish(actor=user, vacancy=vacancy))


@router.post(
    "/vacancies/{vacancy_id}/return",
    response=VacancyOut,
    summary="Send a vacancy in review back to its employer with a reason (admins)",
)
def vacancy_return(request: HttpRequest, vacancy_id: int, payload: ReasonIn) -> dict[str, Any]:
    user = actor(request)
    vacancy = VacancyPolicy().get(user, "moderate", pk=vacancy_id)
    return _detail(services.vacancy_return(actor=user, vacancy=vacancy, reason=payload.reason))


@router.post(
    "/vacancies/{vacancy_id}/reports",
    response={201: dict[str, Any]},
    summary="Report a listing as filled, misleading or a duplicate (clinicians)",
)
def vacancy_report(
    request: HttpRequest, vacancy_id: int, payload: ReportIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    vacancy = VacancyPolicy().get(user, "report", pk=vacancy_id)
    report = services.vacancy_report(
        actor=user, vacancy=vacancy, reason=payload.reason, detail=payload.detail
    )
    return Status(201, {"id": report.pk, "status": report.status})

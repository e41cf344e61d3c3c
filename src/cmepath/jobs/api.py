"""API operations of the jobs app: vacancies (public read, employer write), search,
matches, applications, saved searches, employers and moderation.

Reading published vacancies and employers is public (``auth=None``). Writes need a session
or a token and go through the policies: another employer's vacancy answers 404, a row the
caller may see but not change 403. Every field is checked by ``validation.clean_vacancy``,
which names each wrong field and the accepted values.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.errors import PermissionDeniedError
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.core.schemas import FacetCountOut, IsoDate
from cmepath.core.schemas import StrictSchema as Strict

from . import matching, selectors, services
from .models import Application, Employer, SavedSearch, Vacancy
from .policies import ApplicationPolicy, EmployerPolicy, SavedSearchPolicy, VacancyPolicy

router = Router(tags=["jobs"])

SortName = Literal["relevance", "date", "salary", "cme", "cme_days", "distance", "match"]


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or getattr(request, "user", None)


# ------------------------------------------------------------------ schemas


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


class ReasonOut(BaseModel):
    kind: str
    text: str
    points: float


class GapOut(BaseModel):
    kind: str
    text: str
    state: str
    topic: str
    credential: str
    action_url: str


class MatchOut(BaseModel):
    score: int
    eligible: bool
    reasons: list[ReasonOut]
    gaps: list[GapOut]


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


class SavedSearchIn(Strict):
    name: str = Field(..., min_length=1, max_length=120)
    query: str = Field(
        "", max_length=2000, description="The search's query string, e.g. 'profession=NP&state=TX'."
    )
    frequency: Literal["daily", "weekly"] = "weekly"


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str
    frequency: str
    alerts: bool
    last_sent_at: Any


class EmployerIn(Strict):
    name: str = Field(..., min_length=1, max_length=200)
    legal_name: str = Field(..., min_length=1, max_length=200)
    state: str = Field(..., max_length=2)
    ein: str = Field("", max_length=10)
    npi: str = Field("", max_length=10)
    address: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    zip_code: str = Field("", max_length=5)
    website: str = Field("", max_length=200)
    cme_policy: str = Field("", max_length=5000)


class MemberIn(Strict):
    email: str = Field(..., min_length=3, max_length=254)
    role: Literal["admin", "recruiter"] = "recruiter"


class MemberOut(Schema):
    email: str
    role: str


class EmployerOut(Schema):
    id: int
    name: str
    legal_name: str
    city: str
    state: str
    website: str
    cme_policy: str
    verified: bool
    synthetic: bool
    open_vacancies: int
    median_cme_allowance: float | None
    median_cme_days: float | None


# ------------------------------------------------------------------ helpers


def gap_action_url(gap: matching.Gap) -> str:
    """Where a gap is closed: the catalog for a missing mandated topic, the licences page
    for a licence, the profile for a specialty, board or credential."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if gap.kind == "topic" and gap.topic:
        params = {"mandated_topic": gap.topic}
        return f"{reverse('catalog:search')}?{urlencode(params)}"
    if gap.kind in ("licence", "licence_renewal"):
        return reverse("accounts:licences")
    if gap.kind == "cme_cost":
        return f"{reverse('catalog:search')}?sort=credits_per_dollar"
    if gap.kind in ("specialty", "board", "credential", "profession"):
        return reverse("accounts:profile")
    return ""


def match_out(m: matching.Match | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "score": m.score,
        "eligible": m.eligible,
        "reasons": [{"kind": r.kind, "text": r.text, "points": r.points} for r in m.reasons],
        "gaps": [
            {
                "kind": g.kind,
                "text": g.text,
                "state": g.state,
                "topic": g.topic,
                "credential": g.credential,
                "action_url": gap_action_url(g),
            }
            for g in m.gaps
        ],
    }


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
    from .validation import VACANCY_FIELDS

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


def _employer(e: Employer) -> dict[str, Any]:
    summary = selectors.cme_benefit_summary(e)
    return {
        "id": e.pk,
        "name": e.name,
        "legal_name": e.legal_name,
        "city": e.city,
        "state": e.state,
        "website": e.website,
        "cme_policy": e.cme_policy,
        "verified": e.is_verified,
        "synthetic": e.synthetic,
        "open_vacancies": summary["open"],
        "median_cme_allowance": summary["allowance"],
        "median_cme_days": summary["days"],
    }


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


def _require_clinician(user: Any) -> None:
    if role_of(user) != Role.CLINICIAN:
        raise PermissionDeniedError("Only clinician accounts can do this.")


# ------------------------------------------------------------------ vacancies


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


# ------------------------------------------------------------------ applications


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


# ------------------------------------------------------------------ saved searches


@router.get("/me/saved-searches", response=list[SavedSearchOut], summary="My saved job searches")
def saved_list(request: HttpRequest) -> list[SavedSearch]:
    return list(selectors.saved_searches_for(actor=actor(request)))


@router.post(
    "/me/saved-searches",
    response={201: SavedSearchOut},
    summary="Save a job search with e-mail alerts of new vacancies",
)
def saved_create(request: HttpRequest, payload: SavedSearchIn) -> Status[SavedSearch]:
    user = actor(request)
    _require_clinician(user)
    saved = services.saved_search_create(
        actor=user, name=payload.name, query=payload.query, frequency=payload.frequency
    )
    return Status(201, saved)


@router.delete(
    "/me/saved-searches/{saved_id}", response={204: None}, summary="Delete a saved search"
)
def saved_delete(request: HttpRequest, saved_id: int) -> Status[None]:
    user = actor(request)
    saved = SavedSearchPolicy().get(user, "delete", pk=saved_id)
    services.saved_search_delete(actor=user, saved=saved)
    return Status(204, None)


# ------------------------------------------------------------------ employers


@router.get(
    "/employers/{employer_id}",
    response=EmployerOut,
    auth=None,
    summary="An employer with its verification and CME benefit summary",
)
def employer_get(request: HttpRequest, employer_id: int) -> dict[str, Any]:
    return _employer(selectors.employer_detail(actor=_user(request), pk=employer_id))


@router.post(
    "/employers",
    response={201: EmployerOut},
    summary="Register an employer (employer accounts; an admin verifies it)",
)
def employer_create(request: HttpRequest, payload: EmployerIn) -> Status[dict[str, Any]]:
    user = actor(request)
    if role_of(user) != Role.EMPLOYER:
        raise PermissionDeniedError("Only employer accounts can register an employer.")
    employer = services.employer_create(actor=user, **payload.model_dump())
    return Status(201, _employer(employer))


@router.post(
    "/employers/{employer_id}/verify",
    response=EmployerOut,
    summary="Verify an employer's legal name against its EIN or NPI (admins)",
)
def employer_verify(request: HttpRequest, employer_id: int) -> dict[str, Any]:
    user = actor(request)
    employer = EmployerPolicy().get(user, "verify", pk=employer_id)
    return _employer(services.employer_verify(actor=user, employer=employer))


@router.post(
    "/employers/{employer_id}/members",
    response={201: MemberOut},
    summary="Add an employer account as recruiter or administrator (the employer's administrators)",
)
def employer_member_add(
    request: HttpRequest, employer_id: int, payload: MemberIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    employer = EmployerPolicy().get(user, "change", pk=employer_id)
    member = services.employer_member_add_by_email(
        actor=user, employer=employer, email=payload.email, role=payload.role
    )
    return Status(201, {"email": member.user.email, "role": member.role})

"""API operations on the catalog (``/api/v1/activities...``, ``/api/v1/me/wishlist...``).

Reading the catalog is public (``auth=None``): anonymous callers see published activities;
a signed-in provider member also sees their own drafts by id. Writes need a session or a
token, and go through the policies (another provider's activity answers 404).
Each operation has its own input and output schema.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.schemas import FacetCountOut, IsoDate
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.search.base import SearchQuery
from cmepath.search.selectors import ranges_of

from . import policies, selectors, services
from .choices import SEARCH_FACETS
from .models import Activity

router = Router(tags=["catalog"])

SortName = Literal["relevance", "score", "cost", "start_date", "credits_per_dollar"]


class ActivityListQuery(Schema):
    q: str = Field("", description="Free text; any length or characters (cut at 500).")
    sort: SortName = "relevance"
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)
    profession: list[str] = Field(default_factory=list)
    credit_type: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    mandated_topic: list[str] = Field(default_factory=list)
    specialty: list[str] = Field(default_factory=list)
    format: list[str] = Field(default_factory=list)
    delivery: list[str] = Field(default_factory=list)
    state: list[str] = Field(default_factory=list)
    cost_range: list[str] = Field(default_factory=list)
    accreditor: list[str] = Field(default_factory=list)
    interprofessional: list[str] = Field(default_factory=list)
    no_commercial_support: list[str] = Field(default_factory=list)
    moc: list[str] = Field(default_factory=list)
    moore_min: int | None = Field(None, ge=1, le=7, description="Moore level at least this.")
    cost_max: float | None = Field(None, ge=0, allow_inf_nan=False)
    credits_min: float | None = Field(None, ge=0, allow_inf_nan=False)
    starts_after: IsoDate | None = None
    ends_by: IsoDate | None = Field(
        None,
        description="Only activities that end on or before this date (a requirement's "
        "deadline: the dashboard's Find CME links pass it).",
    )


# The list's output models are plain pydantic models: the view hands them dicts, and ninja's
# Schema (built to read ORM objects) ran its getter for each of several hundred facet
# counts, a third of the search API's time.
class ActivitySummaryOut(BaseModel):
    id: int
    title: str
    provider: str
    format: str
    delivery: str
    start_date: date
    end_date: date
    city: str
    state: str
    cost: Decimal
    credits: float
    credit_types: list[str]
    value_score: float
    url: str


class ActivityListOut(BaseModel):
    total: int
    page: int
    page_size: int
    pages: int
    message: str | None
    facets: dict[str, list[FacetCountOut]]
    results: list[ActivitySummaryOut]


class FactorOut(Schema):
    key: str
    label: str
    value: float
    weight: float
    points: float
    reason: str


class ScoreOut(Schema):
    total: float
    factors: list[FactorOut]


class CreditOut(Schema):
    credit_type: str
    amount: Decimal
    pharmacology_hours: Decimal | None


class SupportOut(Schema):
    source: str
    kind: str
    amount: Decimal


class ProviderOut(Schema):
    id: int
    name: str
    accreditor: str


class CohortOutcomeOut(Schema):
    period_start: date
    period_end: date
    learners: int
    moore_level: int
    summary: str


class ActivityDetailOut(Schema):
    id: int
    provider_activity_id: str
    status: str
    title: str
    description: str
    provider: ProviderOut
    format: str
    delivery: str
    start_date: date
    end_date: date
    city: str
    state: str
    cost: Decimal
    url: str
    credits: list[CreditOut]
    professions: list[str]
    specialties: list[str]
    topics: list[str]
    competencies: list[str]
    commercial_support: list[SupportOut]
    disclosure_summary: str
    designed_to_change: list[str]
    outcomes_evaluated: bool
    moore_level: int | None
    outcomes_summary: str
    moc_boards: list[str]
    moc_points: Decimal | None
    rems: str
    interprofessional: bool
    pi_component: bool
    value_score: float
    score: ScoreOut
    cohort_outcomes: list[CohortOutcomeOut]


class CreditIn(Strict):
    credit_type: str = Field(..., max_length=32)
    amount: Decimal
    pharmacology_hours: Decimal | None = None


class SupportIn(Strict):
    source: str = Field(..., max_length=200)
    kind: Literal["monetary", "in_kind"]
    amount: Decimal = Decimal(0)


class ActivityIn(Strict):
    provider_id: int
    provider_activity_id: str = Field("", max_length=64)
    status: Literal["draft", "published", "withdrawn"] = "published"
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Field("", max_length=20_000)
    format: str = Field(..., max_length=32)
    delivery: str = Field(..., max_length=12)
    start_date: IsoDate
    end_date: IsoDate
    city: str = Field("", max_length=100)
    state: str = Field("", max_length=2)
    cost: Decimal = Decimal(0)
    url: str = Field("", max_length=500)
    credits: list[CreditIn] = Field(default_factory=list, max_length=20)
    professions: list[str] = Field(default_factory=list, max_length=20)
    specialties: list[str] = Field(default_factory=list, max_length=20)
    topics: list[str] = Field(default_factory=list, max_length=60)
    competencies: list[str] = Field(default_factory=list, max_length=20)
    commercial_support: list[SupportIn] = Field(default_factory=list, max_length=50)
    disclosure_summary: str = Field("", max_length=5_000)
    designed_to_change: list[Literal["competence", "performance", "patient_outcomes"]] = Field(
        default_factory=list
    )
    outcomes_evaluated: bool = False
    moore_level: int | None = Field(None, ge=1, le=7)
    outcomes_summary: str = Field("", max_length=5_000)
    moc_boards: list[str] = Field(default_factory=list, max_length=20)
    moc_points: Decimal | None = None
    rems: Literal["none", "compliant", "related"] = "none"
    interprofessional: bool = False
    pi_component: bool = False


class ActivityPatch(Strict):
    provider_activity_id: str | None = Field(None, min_length=1, max_length=64)
    status: Literal["draft", "published", "withdrawn"] | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=20_000)
    format: str | None = Field(None, max_length=32)
    delivery: str | None = Field(None, max_length=12)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=2)
    cost: Decimal | None = None
    url: str | None = Field(None, max_length=500)
    credits: list[CreditIn] | None = Field(None, max_length=20)
    professions: list[str] | None = Field(None, max_length=20)
    specialties: list[str] | None = Field(None, max_length=20)
    topics: list[str] | None = Field(None, max_length=60)
    competencies: list[str] | None = Field(None, max_length=20)
    commercial_support: list[SupportIn] | None = Field(None, max_length=50)
    disclosure_summary: str | None = Field(None, max_length=5_000)
    designed_to_change: list[Literal["competence", "performance", "patient_outcomes"]] | None = None
    outcomes_evaluated: bool | None = None
    moore_level: int | None = Field(None, ge=1, le=7)
    outcomes_summary: str | None = Field(None, max_length=5_000)
    moc_boards: list[str] | None = Field(None, max_length=20)
    moc_points: Decimal | None = None
    rems: Literal["none", "compliant", "related"] | None = None
    interprofessional: bool | None = None
    pi_component: bool | None = None


class WishlistItemOut(Schema):
    activity: ActivitySummaryOut


def _summary(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "provider": a.provider.name,
        "format": a.format,
        "delivery": a.delivery,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "city": a.city,
        "state": a.state,
        "cost": a.cost,
        "credits": a.credits,
        "credit_types": a.credit_types,
        "value_score": a.value_score,
        "url": a.url,
    }


def _detail(a: Activity) -> dict[str, Any]:
    return {
        **{
            name: getattr(a, name)
            for name in (
                "provider_activity_id",
                "status",
                "title",
                "description",
                "format",
                "delivery",
                "start_date",
                "end_date",
                "city",
                "state",
                "cost",
                "url",
                "professions",
                "specialties",
                "topics",
                "competencies",
                "disclosure_summary",
                "designed_to_change",
                "outcomes_evaluated",
                "moore_level",
                "outcomes_summary",
                "moc_boards",
                "moc_points",
                "rems",
                "interprofessional",
                "pi_component",
                "value_score",
            )
        },
        "id": a.pk,
        "provider": {
            "id": a.provider.pk,
            "name": a.provider.name,
            "accreditor": a.provider.accreditor,
        },
        "credits": [
            {
                "credit_type": d.credit_type,
                "amount": d.amount,
                "pharmacology_hours": d.pharmacology_hours,
            }
            for d in a.designations.all()
        ],
        "commercial_support": [
            {"source": s.source, "kind": s.kind, "amount": s.amount}
            for s in a.commercial_support.all()
        ],
        "score": a.score_breakdown or {"total": a.value_score, "factors": []},
        "cohort_outcomes": list(a.cohort_outcomes.all()),
    }


def _user(request: HttpRequest) -> Any:
    """The caller of a public operation (``auth=None``): a token or session user, or the
    anonymous user (``actor()`` is for authenticated operations only)."""
    return getattr(request, "auth", None) or getattr(request, "user", None)


@router.get(
    "/activities",
    response=ActivityListOut,
    auth=None,
    summary="Search published activities with filters, facet counts and sorts",
)
def activity_list(request: HttpRequest, params: Query[ActivityListQuery]) -> dict[str, Any]:
    data = params.model_dump()
    query = SearchQuery(
        text=params.q,
        filters={k: v for k, v in data.items() if isinstance(v, list) and v},
        ranges=ranges_of(selectors.SEARCH_RANGES, data),
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        facets=SEARCH_FACETS,
    )
    page = selectors.activity_search(actor=_user(request), query=query)
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
        "results": [_summary(a) for a in page.activities],
    }


@router.get(
    "/activities/{activity_id}",
    response=ActivityDetailOut,
    auth=None,
    summary="One activity with its credits, commercial support and value-score breakdown",
)
def activity_get(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return _detail(selectors.activity_detail(actor=_user(request), pk=activity_id))


def _payload(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    data.pop("provider_id", None)
    return data


@router.post(
    "/activities", response={201: ActivityDetailOut}, summary="Add an activity (provider members)"
)
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[dict[str, Any]]:
    user = actor(request)
    provider = policies.providers.get(user, "change", pk=payload.provider_id)
    activity = services.activity_create(actor=user, provider=provider, data=_payload(payload))
    return Status(201, _detail(selectors.activity_detail(actor=user, pk=activity.pk)))


@router.patch(
    "/activities/{activity_id}",
    response=ActivityDetailOut,
    summary="Change an activity (members of its provider)",
)
def activity_patch(
    request: HttpRequest, activity_id: int, payload: ActivityPatch
) -> dict[str, Any]:
    user = actor(request)
    activity = policies.activities.get(user, "change", pk=activity_id)
    data = {
        k: v
        for k, v in _payload(payload).items()
        if v is not None or k in ("moore_level", "moc_points")
    }
    services.activity_update(actor=user, activity=activity, data=data)
    return _detail(selectors.activity_detail(actor=user, pk=activity_id))


@router.get("/me/wishlist", response=list[WishlistItemOut], summary="My saved activities")
def wishlist_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"activity": _summary(i.activity)} for i in selectors.wishlist_for(actor=actor(request))
    ]


@router.put(
    "/me/wishlist/{activity_id}", response={204: None}, summary="Save an activity to my wishlist"
)
def wishlist_put(request: HttpRequest, activity_id: int) -> Status[None]:
    user = actor(request)
    activity = policies.activities.get(user, "view", pk=activity_id)
    services.wishlist_add(actor=user, activity=activity)
    return Status(204, None)


@router.delete(
    "/me/wishlist/{activity_id}",
    response={204: None},
    summary="Remove an activity from my wishlist",
)
def wishlist_delete(request: HttpRequest, activity_id: int) -> Status[None]:
    services.wishlist_remove(actor=actor(request), activity_id=activity_id)
    return Status(204, None)

"""API operations of the career planner: goals, plans (make, list, read, delete) and a plan's
iCalendar file.

``POST /plans`` answers 201 with the plan document (the same fields as ``cmepath plan
--json``: status, objective, bound, gap, greedy_objective, items, totals, coverage,
explanation, binding). An unknown goal, a negative budget or days, a horizon outside 1-60
months or an unknown preference answers 422 naming the field and the accepted values.
Plans are personal: another user's plan answers 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.schemas import IsoDate
from cmepath.core.schemas import StrictSchema as Strict

from . import selectors, services
from .choices import HORIZON_MAX, HORIZON_MIN
from .models import CareerGoal, Plan

router = Router(tags=["planner"])

PreferenceName = Literal["online_only", "no_travel"]


class PlanIn(Strict):
    goal: str = Field(..., max_length=40, description="A career goal key (GET /career-goals).")
    horizon_months: int = Field(
        24, ge=HORIZON_MIN, le=HORIZON_MAX, description="How far ahead to plan."
    )
    budget: Decimal = Field(
        ..., ge=0, max_digits=9, decimal_places=2, description="USD per policy year."
    )
    days: Decimal = Field(
        ..., ge=0, le=365, max_digits=4, decimal_places=1, description="Paid CME days per year."
    )
    review_date: IsoDate | None = Field(None, description="Next performance review, YYYY-MM-DD.")
    preferences: list[PreferenceName] = Field(default_factory=list)


class GoalCredentialRequirementOut(BaseModel):
    text: str
    verify: bool


class GoalCredentialOut(BaseModel):
    name: str
    source: str
    verify: bool
    requirements: list[GoalCredentialRequirementOut]


class CareerGoalOut(BaseModel):
    key: str
    label: str
    professions: list[str]
    horizon_months: int
    competency_targets: dict[str, float]
    pi_per_12_months: int
    formats: list[str]
    credential: GoalCredentialOut | None
    sources: list[str]
    as_of: date


class PlanItemOut(BaseModel):
    activity_id: int | None
    title: str
    start_date: date
    end_date: date
    cost: Decimal
    days: Decimal
    counts_toward: dict[str, float]
    competency_hours: dict[str, float]
    why: str
    completed_on: date | None


class CoverageOut(BaseModel):
    key: str
    label: str
    target: float
    planned: float


class BindingOut(BaseModel):
    constraint: str
    message: str
    relax_by: float


class PlanOut(BaseModel):
    id: int
    goal: str
    goal_label: str
    as_of: date
    horizon_months: int
    budget: Decimal
    days: Decimal
    review_date: date | None
    preferences: list[str]
    status: str
    objective: float
    bound: float
    gap: float
    greedy_objective: float
    items: list[PlanItemOut]
    totals: dict[str, Decimal]
    coverage: dict[str, list[CoverageOut]]
    explanation: list[str]
    binding: list[BindingOut]
    out_of_date: bool
    created_at: Any


class PlanSummaryOut(BaseModel):
    id: int
    goal: str
    goal_label: str
    status: str
    total_cost: Decimal
    items: int
    created_at: Any


def _goal(g: CareerGoal) -> dict[str, Any]:
    cred = g.credential or {}
    return {
        "key": g.key,
        "label": g.label,
        "professions": list(g.professions or ()),
        "horizon_months": g.horizon_months,
        "competency_targets": dict(g.competency_targets or {}),
        "pi_per_12_months": g.pi_per_12_months,
        "formats": list(g.formats or ()),
        "credential": (
            {
                "name": cred.get("name", ""),
                "source": cred.get("source", ""),
                "verify": bool(cred.get("verify")),
                "requirements": [
                    {"text": r.get("text", ""), "verify": bool(r.get("verify"))}
                    for r in cred.get("requirements", ())
                ],
            }
            if cred.get("name")
            else None
        ),
        "sources": list(g.sources or ()),
        "as_of": g.as_of,
    }


def _plan(plan: Plan) -> dict[str, Any]:
    view = selectors.plan_view(plan=plan)
    result = plan.result or {}
    return {
        "id": plan.pk,
        "goal": plan.goal_key,
        "goal_label": plan.goal_label,
        "as_of": plan.as_of,
        "horizon_months": plan.horizon_months,
        "budget": plan.budget,
        "days": plan.days,
        "review_date": plan.review_date,
        "preferences": list((plan.preferences or {}).get("chosen", ())),
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "greedy_objective": plan.greedy_objective,
        "items": [
            {
                "activity_id": v.item.activity_id,
                "title": v.item.title,
                "start_date": v.item.start_date,
                "end_date": v.item.end_date,
                "cost": v.item.cost,
                "days": v.item.days,
                "counts_toward": v.item.counts_toward,
                "competency_hours": v.item.competency_hours,
                "why": v.item.why,
                "completed_on": v.completed_on,
            }
            for v in view.items
        ],
        "totals": {"cost": plan.total_cost, "days": plan.total_days},
        "coverage": {
            "needs": result.get("needs", []),
            "competencies": result.get("competencies", []),
        },
        "explanation": list(result.get("explanation", [])),
        "binding": list(result.get("binding", [])),
        "out_of_date": view.stale,
        "created_at": plan.created_at,
    }


@router.get("/career-goals", response=list[CareerGoalOut], summary="Career goals one can plan for")
def career_goal_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_goal(g) for g in selectors.goals_for(actor=actor(request))]


@router.post(
    "/plans",
    response={201: PlanOut},
    summary="Make a CME plan for a career goal within budget, paid days and deadlines (clinicians)",
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    plan = services.plan_create(
        actor=actor(request),
        goal_key=payload.goal,
        horizon_months=payload.horizon_months,
        budget=payload.budget,
        days=payload.days,
        review_date=payload.review_date,
        preferences=list(payload.preferences),
    )
    return Status(201, _plan(plan))


@router.get("/plans", response=list[PlanSummaryOut], summary="Your plans, newest first")
def plan_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "goal": p.goal_key,
            "goal_label": p.goal_label,
            "status": p.status,
            "total_cost": p.total_cost,
            "items": p.item_count,  # type: ignore[attr-defined]
            "created_at": p.created_at,
        }
        for p in selectors.plans_for(actor=actor(request))[:100]
    ]


@router.get("/plans/{plan_id}", response=PlanOut, summary="One of your plans")
def plan_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    return _plan(selectors.plan_detail(actor=actor(request), pk=plan_id))


@router.delete("/plans/{plan_id}", response={204: None}, summary="Delete one of your plans")
def plan_delete(request: HttpRequest, plan_id: int) -> Status[None]:
    user = actor(request)
    services.plan_delete(actor=user, plan=selectors.plan_detail(actor=user, pk=plan_id))
    return Status(204, None)


@router.get(
    "/plans/{plan_id}/calendar",
    summary="A plan as an iCalendar file (RFC 5545): one all-day event per item",
    response={200: None},
)
def plan_calendar(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_detail(actor=actor(request), pk=plan_id)
    body = services.plan_calendar(plan=plan, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cmepath-plan-{plan.pk}.ics"'
    return response

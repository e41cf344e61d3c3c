"""Writes of the planner: make a plan (adapt the clinician's record, the catalog and the goal to
the solver's :class:`~cmepath.planner.problem.Problem`, solve, keep the result), plan again,
delete, and keep goal rows in step with the shipped data file.

The solver and the input builder are pure (``solver.py``, ``inputs.py``); this module only
reads rows and writes the plan, in one transaction, so a failed plan leaves nothing behind.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from cmepath.catalog.models import Activity, CreditDesignation
from cmepath.core.career_goals import (
    CareerGoalTemplate,
    Credential,
    CredentialRequirement,
    Framework,
)
from cmepath.core.errors import PermissionDeniedError, ValidationError
from cmepath.core.zipdata import lookup as zip_lookup
from cmepath.credits import batch
from cmepath.credits.inputs import inputs_for_user
from cmepath.credits.rules import default_rules, evaluate
from cmepath.credits.selectors import today

from . import ical, selectors, solver
from .choices import HORIZON_MAX, HORIZON_MIN, PREFERENCES
from .goal_rows import goal_row_values
from .goals import PlannerGoal, planner_goal
from .inputs import CatalogRow, PlanInputError, build_problem, horizon_end
from .jsonio import result_json
from .models import CareerGoal, Plan, PlanItem
from .policies import PlanPolicy, may_plan
from .problem import PlanResult

_PLANS = PlanPolicy()
#: Seconds the solver may take on a page request before it returns its best plan so far.
WEB_TIME_LIMIT_S = 5.0


# ------------------------------------------------------------------ goals


def goal_sync_from_data() -> int:
    """Create or update goal rows from ``core/data/career_goals.yaml``; rows an admin has
    edited are kept. Returns the number of rows written."""
    written = 0
    for position, (key, values) in enumerate(goal_row_values().items()):
        row = CareerGoal.objects.filter(key=key).first()
        if row is not None and row.edited:
            continue
        CareerGoal.objects.update_or_create(key=key, defaults={**values, "position": position})
        written += 1
    return written


def _template(row: CareerGoal) -> CareerGoalTemplate:
    """A goal row (perhaps edited by an admin) as the template the planner reads."""
    cred = row.credential or {}
    credential = None
    if cred.get("name"):
        credential = Credential(
            name=str(cred["name"]),
            source=str(cred.get("source", "")),
            requirements=tuple(
                CredentialRequirement(text=str(r.get("text", "")), verify=bool(r.get("verify")))
                for r in cred.get("requirements", ())
            ),
            verify=bool(cred.get("verify")),
            note=str(cred.get("note", "")),
        )
    return CareerGoalTemplate(
        key=row.key,
        label=row.label,
        professions=tuple(row.professions or ()),
        aliases=(),
        competencies=tuple(row.competencies or ()),
        frameworks=tuple(
            Framework(
                name=str(f.get("name", "")),
                domains=tuple(f.get("domains", ())),
                source=str(f.get("source", "")),
            )
            for f in row.frameworks or ()
        ),
        horizon_months=max(1, row.horizon_months),
        horizon_basis=row.horizon_basis,
        targets={str(k): float(v) for k, v in (row.competency_targets or {}).items()},
        pi_per_12_months=row.pi_per_12_months,
        formats=tuple(row.formats or ()),
        sources=tuple(row.sources or ()),
        as_of=row.as_of,
        credential=credential,
        recurring=row.recurring,
    )


# ------------------------------------------------------------------ catalog rows


def _catalog_rows(
    *, as_of: date, end: date, preferences: frozenset[str], home_state: str
) -> list[CatalogRow]:
    """Published activities inside the horizon, as the planner reads them (two queries)."""
    qs = Activity.objects.filter(status="published", start_date__gte=as_of, end_date__lte=end)
    if "online_only" in preferences:
        qs = qs.filter(delivery="online")
    fields = (
        "pk",
        "title",
        "start_date",
        "end_date",
        "cost",
        "delivery",
        "value_score",
        "topics",
        "competencies",
        "professions",
        "format",
        "state",
        "pi_component",
    )
    rows = list(qs.values(*fields))
    if "no_travel" in preferences:
        rows = [
            r
            for r in rows
            if r["delivery"] == "online" or (home_state and r["state"] == home_state)
        ]
    credits: dict[int, dict[str, float]] = {}
    for activity_id, credit_type, amount in CreditDesignation.objects.filter(
        activity_id__in=[r["pk"] for r in rows]
    ).values_list("activity_id", "credit_type", "amount"):
        credits.setdefault(activity_id, {})[credit_type] = float(amount)
    return [
        CatalogRow(
            id=str(r["pk"]),
            title=r["title"],
            start=r["start_date"],
            end=r["end_date"],
            cost=float(r["cost"]),
            delivery=r["delivery"],
            value_score=float(r["value_score"]),
            credits=credits.get(r["pk"], {}),
            topics=frozenset(r["topics"] or ()),
            competencies=frozenset(r["competencies"] or ()),
            professions=frozenset(r["professions"] or ()),
            format=r["format"],
            state=r["state"] or "",
            pi_component=bool(r["pi_component"]),
        )
        for r in rows
    ]


# ------------------------------------------------------------------ plans


def _check(
    *, goal_key: str, horizon_months: int, budget: Decimal, days: Decimal, preferences: list[str]
) -> None:
    """Refuse what cannot be planned, naming the field and the accepted values."""
    if not HORIZON_MIN <= horizon_months <= HORIZON_MAX:
        raise ValidationError(
            f"The horizon must be {HORIZON_MIN} to {HORIZON_MAX} months, not {horizon_months}.",
            field="horizon_months",
        )
    if budget < 0:
        raise ValidationError("The budget cannot be negative.", field="budget")
    if days < 0:
        raise ValidationError("Paid CME days cannot be negative.", field="days")
    unknown = [p for p in preferences if p not in PREFERENCES]
    if unknown:
        raise ValidationError(
            f"Unknown preference {', '.join(map(repr, unknown))}: accepted values are "
            f"{', '.join(PREFERENCES)}.",
            field="preferences",
        )


def _home_state(user: Any) -> str:
    profile = getattr(user, "profile", None)
    place = zip_lookup(getattr(profile, "home_zip", "") or "")
    if place is not None:
        return place.state
    licences = list(user.licences.values_list("state", flat=True)[:1])
    return licences[0] if licences else ""


def _goal_for(actor: Any, goal_key: str, horizon_months: int) -> PlannerGoal:
    row = selectors.goal_by_key(actor=actor, key=goal_key)
    if row is None:
        accepted = ", ".join(g.key for g in selectors.goals_for(actor=actor))
        raise ValidationError(
            f"Unknown career goal {goal_key!r}: accepted values are {accepted}.", field="goal"
        )
    return planner_goal(_template(row), horizon_months)


def _solve(
    *,
    actor: Any,
    goal: PlannerGoal,
    horizon_months: int,
    budget: Decimal,
    days: Decimal,
    review_date: date | None,
    preferences: frozenset[str],
    as_of: date,
) -> tuple[PlanResult, PlanResult, PlanResult | None]:
    profile, completions, _rows = inputs_for_user(actor)
    evaluation = evaluate(profile, completions, as_of, batch.rule_index())
    home_state = _home_state(actor)
    rows = _catalog_rows(
        as_of=as_of,
        end=horizon_end(as_of, horizon_months),
        preferences=preferences,
        home_state=home_state,
    )
    if not rows:
        raise ValidationError(
            "No published activity in the catalog fits this horizon"
            + (" and your preferences" if preferences else "")
            + ": lengthen the horizon or drop a preference.",
            field="horizon_months",
        )
    try:
        problem = build_problem(
            profile=profile,
            evaluation=evaluation,
            rules=default_rules(),
            catalog=rows,
            goal=goal,
            money=float(budget),
            days=float(days),
            horizon_months=horizon_months,
            as_of=as_of,
            home_state=home_state,
            review_date=review_date,
            time_limit_s=WEB_TIME_LIMIT_S,
        )
    except PlanInputError as exc:
        raise ValidationError(exc.message, field=exc.field) from exc
    best = solver.solve(problem)
    quick = solver.greedy(problem)
    alternative = solver.second_best(problem, best) if best.items else None
    return best, quick, alternative


def plan_create(
    *,
    actor: Any,
    goal_key: str,
    horizon_months: int,
    budget: Decimal,
    days: Decimal,
    review_date: date | None = None,
    preferences: list[str] | None = None,
    as_of: date | None = None,
) -> Plan:
    """Plan the actor's CME toward ``goal_key`` and keep the plan (its items, coverage,
    explanation, greedy comparison and second-best alternative)."""
    if not may_plan(actor):
        raise PermissionDeniedError("The career planner is for clinicians.")
    chosen = sorted(set(preferences or ()))
    _check(
        goal_key=goal_key,
        horizon_months=horizon_months,
        budget=budget,
        days=days,
        preferences=chosen,
    )
    as_of = as_of or today()
    goal = _goal_for(actor, goal_key, horizon_months)
    best, quick, alternative = _solve(
        actor=actor,
        goal=goal,
        horizon_months=horizon_months,
        budget=budget,
        days=days,
        review_date=review_date,
        preferences=frozenset(chosen),
        as_of=as_of,
    )
    fingerprint = selectors.record_fingerprint(user=actor)
    with transaction.atomic():
        plan = Plan.objects.create(
            user=actor,
            goal_key=goal.key,
            goal_label=goal.label,
            as_of=as_of,
            horizon_months=horizon_months,
            budget=budget,
            days=days,
            review_date=review_date,
            preferences={"chosen": chosen},
            status=best.status,
            objective=best.objective,
            bound=best.bound,
            gap=best.gap,
            greedy_objective=quick.objective if quick.status != "infeasible" else 0.0,
            total_cost=Decimal(str(round(best.total_cost, 2))),
            total_days=Decimal(str(round(best.total_days, 1))),
            result=result_json(best, greedy=quick, alternative=alternative),
            fingerprint=fingerprint,
        )
        known = set(
            Activity.objects.filter(
                pk__in=[int(i.candidate_id) for i in best.items if i.candidate_id.isdigit()]
            ).values_list("pk", flat=True)
        )
        PlanItem.objects.bulk_create(
            PlanItem(
                plan=plan,
                activity_id=int(i.candidate_id)
                if i.candidate_id.isdigit() and int(i.candidate_id) in known
                else None,
                position=n,
                title=i.title[:300],
                start_date=i.start,
                end_date=i.end,
                cost=Decimal(str(round(i.cost, 2))),
                days=Decimal(str(round(i.days, 1))),
                counts_toward=dict(i.counts_toward),
                competency_hours=dict(i.competency_hours),
                why=i.why[:500],
            )
            for n, i in enumerate(best.items)
        )
    return plan


def plan_replan(*, actor: Any, plan: Plan) -> Plan:
    """A new plan with the same inputs, against today's catalog and record."""
    _PLANS.require(actor, "view", plan)
    return plan_create(
        actor=actor,
        goal_key=plan.goal_key,
        horizon_months=plan.horizon_months,
        budget=plan.budget,
        days=plan.days,
        review_date=plan.review_date if plan.review_date and plan.review_date >= today() else None,
        preferences=list((plan.preferences or {}).get("chosen", ())),
    )


def plan_delete(*, actor: Any, plan: Plan) -> None:
    _PLANS.require(actor, "delete", plan)
    plan.delete()


def plan_calendar(*, plan: Plan, base_url: str) -> bytes:
    """The plan as an iCalendar file: one all-day event per item."""
    host = base_url.split("//", 1)[-1].split("/", 1)[0] or "cmepath"
    items = [
        ical.CalendarItem(
            uid=f"plan-{plan.pk}-item-{i.position}@{host}",
            title=i.title,
            start=i.start_date,
            end=i.end_date,
            description=i.why,
            url=(
                base_url.rstrip("/") + reverse("catalog:activity", args=[i.activity_id])
                if i.activity_id
                else ""
            ),
        )
        for i in plan.items.all()
    ]
    return ical.plan_calendar(f"cmepath: {plan.goal_label}", items)

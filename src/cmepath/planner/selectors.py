"""Reads of the planner: goals, the planner form's defaults from the profile, saved plans with
what became of their items, and the fingerprint that tells a plan is out of date."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, QuerySet

from cmepath.catalog.choices import career_goal
from cmepath.catalog.models import Activity
from cmepath.credits.models import Completion
from cmepath.credits.selectors import today

from .models import CareerGoal, Plan, PlanItem
from .policies import CareerGoalPolicy, PlanPolicy

_PLANS = PlanPolicy()
_GOALS = CareerGoalPolicy()

#: Used when the profile holds no allowance or paid days (the planner form says so).
DEFAULT_HORIZON_MONTHS = 24


def goals_for(*, actor: Any) -> list[CareerGoal]:
    """Active goals, those suited to the actor's profession first."""
    goals = list(_GOALS.visible(actor).filter(active=True))
    profession = getattr(getattr(actor, "profile", None), "profession", "")
    return sorted(goals, key=lambda g: bool(g.professions) and profession not in g.professions)


def goal_by_key(*, actor: Any, key: str) -> CareerGoal | None:
    return _GOALS.visible(actor).filter(active=True, key=key).first()


@dataclass(frozen=True, slots=True)
class PlanDefaults:
    """The planner form's starting values and where each came from."""

    goal: str
    horizon_months: int
    budget: Decimal | None
    days: Decimal | None
    review_date: date | None
    notes: tuple[str, ...]  # "Budget from your profile's CME allowance", missing values


def plan_defaults(*, actor: Any, goals: list[CareerGoal]) -> PlanDefaults:
    profile = getattr(actor, "profile", None)
    notes: list[str] = []
    keys = [g.key for g in goals]
    goal_key = ""
    if profile is not None and profile.career_goal:
        found = career_goal(profile.career_goal)
        if found is not None and found.key in keys:
            goal_key = found.key
            notes.append(f"Goal from your profile (“{profile.career_goal}”).")
    if not goal_key and keys:
        goal_key = "stay_current" if "stay_current" in keys else keys[0]
        notes.append("Your profile names no career goal: choose one.")
    horizon = next((g.horizon_months for g in goals if g.key == goal_key), DEFAULT_HORIZON_MONTHS)
    budget = getattr(profile, "annual_cme_allowance", None)
    days = getattr(profile, "paid_cme_days", None)
    notes.append(
        "Budget from your profile's CME allowance."
        if budget is not None
        else "Your profile has no CME allowance: enter the money you can spend."
    )
    notes.append(
        "Paid days from your profile."
        if days is not None
        else "Your profile has no paid CME days: enter the days you can take."
    )
    return PlanDefaults(
        goal=goal_key,
        horizon_months=min(max(horizon, 1), 60),
        budget=budget,
        days=days,
        review_date=getattr(profile, "next_review_date", None),
        notes=tuple(notes),
    )


def plans_for(*, actor: Any) -> QuerySet[Plan]:
    return _PLANS.visible(actor).annotate(item_count=Count("items"))


def plan_detail(*, actor: Any, pk: int) -> Plan:
    """One plan the actor owns (404 otherwise)."""
    return _PLANS.get(actor, "view", pk=pk)


@dataclass(frozen=True, slots=True)
class ItemView:
    item: PlanItem
    completed_on: date | None  # a completion of this activity is on the record
    activity_available: bool  # the activity is still published in the catalog
    why: str = ""  # the item's "why" line with the pages' dates


def plan_items(*, plan: Plan) -> list[ItemView]:
    """The plan's items with what became of them (two queries whatever the plan's size)."""
    items = list(plan.items.all())
    activity_ids = [i.activity_id for i in items if i.activity_id is not None]
    done = dict(
        Completion.objects.filter(user_id=plan.user_id, activity_id__in=activity_ids)
        .values("activity_id")
        .annotate(on=Max("completed_on"))
        .values_list("activity_id", "on")
    )
    live = set(
        Activity.objects.filter(pk__in=activity_ids, status="published").values_list(
            "pk", flat=True
        )
    )
    return [
        ItemView(
            item=i,
            completed_on=done.get(i.activity_id),
            activity_available=i.activity_id in live,
            why=page_text(i.why),
        )
        for i in items
    ]


def record_fingerprint(*, user: Any, as_of: date | None = None) -> str:
    """A digest of what a plan depends on: the published catalog (count and last change), the
    clinician's record (completions, licences, certifications, profile) and the day. A plan
    whose fingerprint differs from today's is out of date."""
    catalog = Activity.objects.filter(status="published").aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )
    completions = Completion.objects.filter(user=user).aggregate(n=Count("pk"), last=Max("pk"))
    profile = getattr(user, "profile", None)
    parts = [
        str(catalog["n"]),
        str(catalog["changed"]),
        str(completions["n"]),
        str(completions["last"]),
        str(getattr(profile, "updated_at", "")),
        str(_credentials_changed(user)),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _credentials_changed(user: Any) -> str:
    """Licences and board certifications on file (ids and dates), as one string."""
    from cmepath.accounts.selectors import board_certs_for, licences_for

    licences = list(licences_for(actor=user).order_by("pk").values_list("pk", "expiry_date"))
    certs = list(board_certs_for(actor=user).order_by("pk").values_list("pk", "cycle_end"))
    return f"{licences}{certs}"


def plan_is_stale(*, plan: Plan) -> bool:
    return plan.fingerprint != record_fingerprint(user=plan.user)


def as_of_today() -> date:
    return today()


@dataclass(frozen=True, slots=True)
class Bar:
    """One coverage bar: planned of target, as the page draws it."""

    label: str
    target: float
    planned: float
    already: float = 0.0  # hours already on the record (needs only)

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return int(min(100.0, 100.0 * self.planned / self.target))

    @property
    def met(self) -> bool:
        return self.planned + 1e-9 >= self.target


@dataclass(frozen=True, slots=True)
class MonthGroup:
    label: str  # "March 2027"
    items: tuple[ItemView, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    plan: Plan
    items: tuple[ItemView, ...]
    needs: tuple[Bar, ...]
    competencies: tuple[Bar, ...]
    timeline: tuple[MonthGroup, ...]
    explanation: tuple[str, ...]  # "why this plan", without the binding limits' sentences
    binding: tuple[dict[str, Any], ...]
    greedy: dict[str, Any]
    alternative: dict[str, Any] | None
    stale: bool
    preferences: tuple[str, ...]
    value_vs_greedy: float | None  # the plan's value as a multiple of greedy's
    greedy_line: str  # the simple choice compared with this plan, in words ("" to hide)
    replan_query: str  # the planner form prefilled with this plan's inputs (a query string)


_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_ENGINE_DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b")
#: A sentence of the engine's cost check that says nothing: a need whose cheapest cover is
#: free "cannot be covered for less than $0" (the money is short because of the others).
_FREE_NEED = re.compile(r"cannot be covered for less than \$0(?:\.00)?;")


def page_text(sentence: str) -> str:
    """An engine sentence as the pages write dates: "31 Dec 2027" -> "Dec 31, 2027" (the
    site's "M j, Y"). The engine writes dates that way now; plans saved before it did keep
    the old form in their stored result, which this rewrites on the page."""
    return _ENGINE_DATE.sub(lambda m: f"{m[2]} {int(m[1])}, {m[3]}", sentence)


def greedy_line(plan: Plan, greedy: dict[str, Any]) -> str:
    """The simple "best value per dollar first" choice against this plan, in words."""
    if not greedy:
        return ""
    if greedy.get("status") == "infeasible":
        return (
            "finds no plan that meets every requirement within these limits"
            if plan.status != "infeasible"
            else ""
        )
    if plan.status == "infeasible" or plan.objective <= 0:
        return ""
    value = float(greedy.get("objective") or 0.0)
    cost = float(greedy.get("total_cost") or 0.0)
    share = round(100.0 * value / plan.objective)
    return (
        f"reaches {share}% of this plan's value toward the goal "
        f"(${cost:,.0f} for {int(greedy.get('items') or 0)} "
        f"activit{'y' if greedy.get('items') == 1 else 'ies'})"
    )


def _replan_query(plan: Plan) -> str:
    values = {
        "goal": plan.goal_key,
        "horizon_months": plan.horizon_months,
        "budget": f"{plan.budget:f}".rstrip("0").rstrip("."),
        "days": f"{plan.days:f}".rstrip("0").rstrip("."),
    }
    if plan.review_date is not None:
        values["review_date"] = plan.review_date.isoformat()
    return urlencode(values)


def _bars(rows: Any) -> tuple[Bar, ...]:
    return tuple(
        Bar(
            label=str(r.get("label", "")),
            target=float(r.get("target", 0)),
            planned=float(r.get("planned", 0)),
        )
        for r in rows or ()
    )


def plan_view(*, plan: Plan) -> PlanView:
    """Everything the plan page shows, from the stored result (no solving on reading)."""
    from .choices import PREFERENCES

    items = tuple(plan_items(plan=plan))
    months: dict[tuple[int, int], list[ItemView]] = {}
    for view in items:
        months.setdefault((view.item.start_date.year, view.item.start_date.month), []).append(view)
    timeline = tuple(
        MonthGroup(label=date(y, m, 1).strftime("%B %Y"), items=tuple(group))
        for (y, m), group in sorted(months.items())
    )
    result = plan.result or {}
    greedy = dict(result.get("greedy") or {})
    ratio = None
    if plan.greedy_objective > 0:
        ratio = round(plan.objective / plan.greedy_objective, 2)
    binding = tuple(
        {**b, "message": page_text(str(b.get("message", "")))} for b in result.get("binding") or ()
    )
    # each sentence once: the binding limits are shown under "What stands in the way"
    shown = {b["message"] for b in binding}
    explanation = tuple(
        text
        for text in (page_text(str(s)) for s in result.get("explanation") or ())
        if text not in shown and not _FREE_NEED.search(text)
    )
    return PlanView(
        plan=plan,
        items=items,
        needs=_bars(result.get("needs")),
        competencies=_bars(result.get("competencies")),
        timeline=timeline,
        explanation=explanation,
        binding=binding,
        greedy=greedy,
        alternative=result.get("alternative"),
        stale=plan_is_stale(plan=plan),
        preferences=tuple(
            PREFERENCES.get(p, p) for p in (plan.preferences or {}).get("chosen", ())
        ),
        value_vs_greedy=ratio,
        greedy_line=greedy_line(plan, greedy),
        replan_query=_replan_query(plan),
    )

"""A plan result as JSON: the one document the CLI (``--json``), the API and the stored plan
use (``docs/planner.md`` lists the fields). Pure: no Django."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from .goals import PlannerGoal, competency_label
from .problem import PlanResult


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits) if math.isfinite(value) else 0.0


def _goal_json(goal: PlannerGoal) -> dict[str, Any]:
    cred = goal.credential
    return {
        "key": goal.key,
        "label": goal.label,
        "horizon_months": goal.horizon_months,
        "targets": dict(goal.targets),
        "pi_per_12_months": goal.pi_per_12_months,
        "formats": list(goal.formats),
        "credential": None
        if cred is None
        else {
            "name": cred.name,
            "source": cred.source,
            "verify": cred.verify,
            "requirements": [{"text": r.text, "verify": r.verify} for r in cred.requirements],
        },
        "sources": list(goal.sources),
    }


def result_json(
    result: PlanResult,
    *,
    greedy: PlanResult | None = None,
    alternative: PlanResult | None = None,
    goal: PlannerGoal | None = None,
    as_of: date | None = None,
    horizon_end: date | None = None,
    money: float | None = None,
    days: float | None = None,
    candidates: int | None = None,
) -> dict[str, Any]:
    """The plan document; the optional parts appear when given."""
    doc: dict[str, Any] = {
        "status": result.status,
        "objective": _r(result.objective, 4),
        "bound": _r(result.bound, 4),
        "gap": _r(result.gap, 6),
    }
    if greedy is not None:
        doc["greedy_objective"] = _r(greedy.objective, 4)
        doc["greedy_status"] = greedy.status
        doc["greedy"] = {
            "objective": _r(greedy.objective, 4),
            "status": greedy.status,
            "total_cost": _r(greedy.total_cost),
            "items": len(greedy.items),
        }
    if as_of is not None:
        doc["as_of"] = as_of.isoformat()
    if horizon_end is not None:
        doc["horizon_end"] = horizon_end.isoformat()
    if money is not None:
        doc["budget_per_year"] = money
    if days is not None:
        doc["days_per_year"] = days
    if goal is not None:
        doc["goal"] = _goal_json(goal)
    doc["items"] = [
        {
            "activity_id": item.candidate_id,
            "title": item.title,
            "start_date": item.start.isoformat(),
            "end_date": item.end.isoformat(),
            "cost": _r(item.cost),
            "days": _r(item.days),
            "counts_toward": {k: _r(v) for k, v in item.counts_toward.items()},
            "competency_hours": {k: _r(v) for k, v in item.competency_hours.items()},
            "why": item.why,
        }
        for item in result.items
    ]
    doc["totals"] = {"cost": _r(result.total_cost), "days": _r(result.total_days)}
    needs = [
        {"key": c.key, "label": c.label, "target": _r(c.target), "planned": _r(c.planned)}
        for c in result.needs
    ]
    competencies = [
        {
            "key": c.key,
            "label": competency_label(c.key),
            "target": _r(c.target),
            "planned": _r(c.planned),
        }
        for c in result.competencies
    ]
    doc["coverage"] = {"needs": needs, "competencies": competencies}
    doc["needs"] = needs  # the plan page's bars
    doc["competencies"] = competencies
    doc["explanation"] = list(result.explanation)
    doc["binding"] = [
        {"constraint": b.constraint, "message": b.message, "relax_by": _r(b.relax_by)}
        for b in result.binding
    ]
    if alternative is not None:
        doc["alternative"] = {
            "objective": _r(alternative.objective, 4),
            "total_cost": _r(alternative.total_cost),
            "titles": [i.title for i in alternative.items],
        }
    if candidates is not None:
        doc["candidates"] = candidates
    doc["candidates_considered"] = result.candidates_considered
    doc["solve_seconds"] = _r(result.solve_seconds, 3)
    return doc

"""Reads on the CME record, always through the policies.

``dashboard`` evaluates the clinician live (the engine is fast: about 1 ms for 200
completions) so the page never shows stale numbers; it costs four queries (profile,
licences, certifications, completions with their derived credit summary), pinned by
``tests/credits/test_dashboard.py`` together with the page's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from . import policies
from .models import Certificate, Completion, CompletionCredit, EvaluationSnapshot, ShareLink

STATUS_LABELS = {
    "met": "Met",
    "at_risk": "At risk",
    "unmet": "Not met",
    "not_applicable": "Not applicable",
}
STATUS_CLASSES = {"met": "ok", "at_risk": "warn", "unmet": "bad", "not_applicable": ""}


def completions_for(*, actor: Any) -> QuerySet[Completion]:
    return (
        policies.completions.visible(actor)
        .filter(user=actor)
        .prefetch_related(
            Prefetch("credits", queryset=CompletionCredit.objects.order_by("credit_type")),
            "certificates",
        )
    )


def provider_reported(*, actor: Any, activity_id: int) -> QuerySet[Completion]:
    """Completions a provider's members reported for one of its activities, newest first."""
    return (
        policies.completions.visible(actor, "reported")
        .filter(activity_id=activity_id)
        .select_related("user")
        .prefetch_related("credits")
        .order_by("-completed_on", "-pk")
    )


def certificates_for(*, actor: Any) -> QuerySet[Certificate]:
    return policies.certificates.visible(actor).select_related("completion")


def share_links_for(*, actor: Any) -> QuerySet[ShareLink]:
    return policies.share_links.visible(actor)


def snapshot_for(*, user: Any) -> EvaluationSnapshot | None:
    return EvaluationSnapshot.objects.filter(user=user).first()


@dataclass(frozen=True)
class CountedItem:
    id: str
    title: str
    completed_on: str  # ISO date


def _requirement_view(req: dict[str, Any], titles: dict[str, Any], as_of: date) -> dict[str, Any]:
    needed = float(req["hours_needed"] or 0)
    counted = float(req["hours_counted"] or 0)
    deadline = date.fromisoformat(req["deadline"]) if req["deadline"] else None
    # Dates pre-formatted here: localising hundreds of dates in the template costs more than
    # the whole evaluation.
    items = [
        CountedItem(cid, titles[cid].title, titles[cid].completed_on.isoformat())
        if cid in titles
        else CountedItem(cid, f"completion {cid}", "")
        for cid in req["counted_completion_ids"]
    ]
    return {
        **req,
        "deadline": deadline,
        "days_left": (deadline - as_of).days if deadline else None,
        "status_label": STATUS_LABELS.get(req["status"], req["status"]),
        "status_class": STATUS_CLASSES.get(req["status"], ""),
        "progress_value": min(counted, needed) if needed > 0 else 1,
        "progress_max": needed if needed > 0 else 1,
        "percent": round(min(100.0, counted / needed * 100)) if needed > 0 else 100,
        "counted_items": items,
    }


def dashboard(*, actor: Any, as_of: date) -> dict[str, Any]:
    """Every applicable regime for the actor on ``as_of``, ready for the template."""
    from .rules import evaluation_to_json
    from .services import evaluation_compute_brief

    evaluation, rows = evaluation_compute_brief(user=actor, as_of=as_of)
    regimes = []
    for regime in evaluation_to_json(evaluation)["regimes"]:
        deadline = date.fromisoformat(regime["deadline"]) if regime["deadline"] else None
        regimes.append(
            {
                **regime,
                "deadline": deadline,
                "days_left": (deadline - as_of).days if deadline else None,
                "status_label": STATUS_LABELS.get(regime["status"], regime["status"]),
                "status_class": STATUS_CLASSES.get(regime["status"], ""),
                "requirements": [_requirement_view(r, rows, as_of) for r in regime["requirements"]],
            }
        )
    order = {"unmet": 0, "at_risk": 1, "met": 2, "not_applicable": 3}
    regimes.sort(
        key=lambda r: (order.get(r["status"], 9), r["deadline"] or date.max, r["regime_id"])
    )
    recent = sorted(rows.values(), key=lambda c: (c.completed_on, c.pk), reverse=True)[:5]
    return {
        "as_of": as_of,
        "regimes": regimes,
        "recent": recent,
        "completion_count": len(rows),
        "summary": {s: sum(1 for r in regimes if r["status"] == s) for s in order},
    }

"""Pre-filling the completion form: from an uploaded certificate, or from a catalog
activity (live sessions count the hours attended).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS
from cmepath.credits.models import Certificate
from cmepath.credits.selectors.records import today


def certificate_prefill(*, certificate: Certificate) -> dict[str, Any]:
    """Initial values for the completion form from what the certificate text said."""
    found = certificate.extracted or {}
    initial: dict[str, Any] = {"certificate": certificate.pk}
    if found.get("title"):
        initial["title"] = found["title"]
    if found.get("provider"):
        initial["provider"] = found["provider"]
    if found.get("completed_on"):
        try:
            on = date.fromisoformat(found["completed_on"])
        except ValueError:
            on = None
        if on is not None and on <= today():
            initial["completed_on"] = on
    if found.get("credit_type") in CREDIT_TYPES:
        initial["credit_type"] = found["credit_type"]
        if found.get("amount"):
            initial["amount"] = Decimal(str(found["amount"]))
    return initial


# Catalog deliveries that make a completion of the activity live (the FL, NY and NC
# pharmacist live-hour minimums count live and real-time online hours; hybrid includes both).
LIVE_DELIVERIES = frozenset({"live", "hybrid"})


def activity_prefill(*, actor: Any, activity_id: int) -> dict[str, Any]:
    """Initial values for the completion form from a catalog activity the actor may see
    (the wishlist's and the plan's "record as completed"): title, provider, accreditor, the
    two largest credit designations, topics, PI-CME, live (from the delivery) and the link to
    the activity. The date
    is the activity's end when it has passed."""
    from cmepath.catalog.selectors import activity_detail

    activity = activity_detail(actor=actor, pk=activity_id)
    initial: dict[str, Any] = {
        "activity_id": activity.pk,
        "title": activity.title[:300],
        "provider": activity.provider.name[:200],
        "accreditor": (activity.provider.accreditor or "")[:40],
        "topics": [t for t in activity.topics or () if t in TOPICS],
        "pi_cme": bool(activity.pi_component),
        "live": activity.delivery in LIVE_DELIVERIES,
    }
    if activity.end_date <= today():
        initial["completed_on"] = activity.end_date
    designations = sorted(
        ((d.credit_type, d.amount) for d in activity.designations.all()),
        key=lambda pair: -pair[1],
    )
    for suffix, (credit_type, amount) in zip(("", "_2"), designations, strict=False):
        initial[f"credit_type{suffix}"] = credit_type
        initial[f"amount{suffix}"] = amount
    return initial

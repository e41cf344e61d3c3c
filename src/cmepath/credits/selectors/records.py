"""The record through the policies (completions, certificates, share links, the stored
evaluation), the day it is judged on, and what a requirement's status reads as and its
colour, before and once its deadline is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol, TypeVar

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cmepath.credits import policies
from cmepath.credits.models import (
    Certificate,
    Completion,
    CompletionCredit,
    EvaluationSnapshot,
    ShareLink,
)

STATUS_LABELS = {
    "met": "Met",
    "at_risk": "At risk",
    "unmet": "Not met",
    "not_applicable": "Not applicable",
    "not_covered": "Not covered yet",
}


STATUS_CLASSES = {
    "met": "ok",
    "at_risk": "warn",
    "unmet": "bad",
    "not_applicable": "",
    "not_covered": "bad",
}


_STATUS_ORDER = {"unmet": 0, "at_risk": 1, "met": 2, "not_applicable": 3}


class _HasShown(Protocol):
    @property
    def shown(self) -> str: ...


_Shown = TypeVar("_Shown", bound=_HasShown)

#: Shown statuses from the most pressing: a credential reads like its most pressing rule set
#: (dashboard, shared page, transcript), and regimes are listed in this order.
_SHOWN_ORDER = {
    "overdue": 0,
    "not_covered": 1,
    "due_soon": 2,
    "on_track": 3,
    "met": 4,
    "not_applicable": 5,
}


def most_pressing(rows: Iterable[_Shown]) -> _Shown | None:
    """The row (a regime as shown) whose ``shown`` status is the most pressing; None if none."""
    return min(rows, key=lambda r: _SHOWN_ORDER.get(r.shown, 9), default=None)


#: Days before a deadline from which an unmet requirement reads "due within 90 days".
DUE_SOON_DAYS = 90


#: What the page says of a status, and its colour, once the deadline is known: words and
#: colours agree, and the legend on the dashboard lists them (issue 13 item 4).
TIMED_STATUS = {
    "overdue": ("Overdue", "bad"),
    "due_soon": ("Due within 90 days", "warn"),
    "on_track": ("On track", ""),
    "met": ("Met", "ok"),
    "not_applicable": ("Not applicable", ""),
    "not_covered": ("Not covered yet", "bad"),
}


def timed_status(status: str, deadline: date | None, as_of: date) -> str:
    """The status a reader sees: met, not applicable and not covered as they are; an unmet
    requirement is overdue once its deadline has passed, due within 90 days before that,
    and on track earlier (a deadline 206 days away is not red)."""
    if status in ("met", "not_applicable", "not_covered"):
        return status
    if deadline is None:
        return "due_soon" if status == "at_risk" else "on_track"
    days = (deadline - as_of).days
    if days < 0:
        return "overdue"
    return "due_soon" if days <= DUE_SOON_DAYS else "on_track"


def today() -> date:
    """The day the record is judged on (the site's local date); pages, API and services share it."""
    return timezone.localdate()


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

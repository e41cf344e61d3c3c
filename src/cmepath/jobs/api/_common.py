"""What the jobs operations share: the one router they register on (tagged ``jobs``, so
tags and operation order are as when this package was one module), the caller, the
clinician check, and a match as the API shows it (score, reasons, gaps with the page that
closes each).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel

from cmepath.core.errors import PermissionDeniedError
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.jobs import matching

router = Router(tags=["jobs"])


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or getattr(request, "user", None)


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


def _require_clinician(user: Any) -> None:
    if role_of(user) != Role.CLINICIAN:
        raise PermissionDeniedError("Only clinician accounts can do this.")

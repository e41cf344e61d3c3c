"""The live evaluation of the clinician's record and its stored snapshot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from cmepath.core.api import actor
from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.core.schemas import IsoDate
from cmepath.credits import selectors, services
from cmepath.credits.api._common import router


class RequirementOut(Schema):
    id: str
    label: str
    status: str
    hours_counted: float
    hours_needed: float
    deadline: date | None
    counted_completion_ids: list[str]
    explanation: str
    reason_not_applicable: str


class RegimeOut(Schema):
    regime_id: str
    name: str
    kind: str
    status: str
    source_url: str
    cycle_start: date | None
    cycle_end: date | None
    deadline: date | None
    cure_until: date | None
    requirements: list[RequirementOut]


class CredentialOut(Schema):
    """One licence, board certification or DEA registration of the profile: the regimes that
    cover it, or ``status`` ``not_covered`` with the body to check with."""

    kind: str
    code: str
    profession: str
    label: str
    status: str
    regime_ids: list[str]
    explanation: str
    authority: str
    authority_url: str
    check_with: str


class EvaluationOut(Schema):
    as_of: date
    regimes: list[RegimeOut]
    credentials: list[CredentialOut]


class SnapshotOut(Schema):
    as_of: date
    computed_at: datetime
    status: str
    next_deadline: date | None
    regimes: int
    unmet: int


@router.get(
    "/me/evaluation",
    response=EvaluationOut,
    summary="Evaluate my record now (every applicable regime; every licence, certification and "
    "registration, covered or not)",
)
def evaluation_get(request: HttpRequest, as_of: IsoDate | None = None) -> dict[str, Any]:
    from cmepath.credits.rules import evaluation_to_json

    when = as_of or selectors.today()
    if when > selectors.today():
        raise ValidationError("as_of cannot be in the future.", field="as_of")
    evaluation, _ = selectors.evaluation_compute(user=actor(request), as_of=when)
    return evaluation_to_json(evaluation)


@router.post(
    "/me/evaluation/snapshot",
    response=SnapshotOut,
    summary="Re-evaluate my record and store the result",
)
def evaluation_run(request: HttpRequest) -> Any:
    return services.evaluation_run(user=actor(request))


@router.get(
    "/me/evaluation/snapshot",
    response=SnapshotOut,
    summary="The stored result of the last evaluation",
)
def evaluation_snapshot(request: HttpRequest) -> Any:
    snapshot = selectors.snapshot_for(user=actor(request))
    if snapshot is None:
        raise NotFoundError("No stored evaluation yet; POST to this address to run one.")
    return snapshot

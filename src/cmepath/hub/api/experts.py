"""Expert approval (editors): who may write for the hub."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Status
from pydantic import BaseModel, Field

from cmepath.core.api import actor
from cmepath.core.errors import PermissionDeniedError, ValidationError
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.hub import services
from cmepath.hub.api._common import router
from cmepath.hub.policies import can_approve_experts


class ExpertIn(Strict):
    email: str = Field(..., min_length=3, max_length=254)
    specialties: list[str] = Field(..., min_length=1, max_length=20)
    bio: str = Field("", max_length=500)


class ExpertOut(BaseModel):
    email: str
    specialties: list[str]
    approved_at: datetime


@router.post(
    "/hub/experts",
    response={201: ExpertOut},
    summary="Approve a verified clinician as an expert author in named specialties (editors)",
)
def hub_expert_approve(request: HttpRequest, payload: ExpertIn) -> Status[dict[str, Any]]:
    from cmepath.accounts.selectors import active_user_by_email

    user = actor(request)
    if not can_approve_experts(user):
        raise PermissionDeniedError("Only editors approve experts.")
    clinician = active_user_by_email(payload.email)
    if clinician is None:
        raise ValidationError("No active cmepath account has that e-mail.", field="email")
    expert = services.expert_approve(
        actor=user, user=clinician, specialties=payload.specialties, bio=payload.bio
    )
    return Status(
        201,
        {
            "email": clinician.email,
            "specialties": expert.specialties,
            "approved_at": expert.approved_at,
        },
    )

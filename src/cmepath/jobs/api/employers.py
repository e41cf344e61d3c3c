"""Employers: public read, creation, verification (admins), members."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.errors import PermissionDeniedError
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.jobs import selectors, services
from cmepath.jobs.api._common import _user, router
from cmepath.jobs.models import Employer
from cmepath.jobs.policies import EmployerPolicy


class EmployerIn(Strict):
    name: str = Field(..., min_length=1, max_length=200)
    legal_name: str = Field(..., min_length=1, max_length=200)
    state: str = Field(..., max_length=2)
    ein: str = Field("", max_length=10)
    npi: str = Field("", max_length=10)
    address: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    zip_code: str = Field("", max_length=5)
    website: str = Field("", max_length=200)
    cme_policy: str = Field("", max_length=5000)


class MemberIn(Strict):
    email: str = Field(..., min_length=3, max_length=254)
    role: Literal["admin", "recruiter"] = "recruiter"


class MemberOut(Schema):
    email: str
    role: str


class EmployerOut(Schema):
    id: int
    name: str
    legal_name: str
    city: str
    state: str
    website: str
    cme_policy: str
    verified: bool
    synthetic: bool
    open_vacancies: int
    median_cme_allowance: float | None
    median_cme_days: float | None


def _employer(e: Employer) -> dict[str, Any]:
    summary = selectors.cme_benefit_summary(e)
    return {
        "id": e.pk,
        "name": e.name,
        "legal_name": e.legal_name,
        "city": e.city,
        "state": e.state,
        "website": e.website,
        "cme_policy": e.cme_policy,
        "verified": e.is_verified,
        "synthetic": e.synthetic,
        "open_vacancies": summary["open"],
        "median_cme_allowance": summary["allowance"],
        "median_cme_days": summary["days"],
    }


@router.get(
    "/employers/{employer_id}",
    response=EmployerOut,
    auth=None,
    summary="An employer with its verification and CME benefit summary",
)
def employer_get(request: HttpRequest, employer_id: int) -> dict[str, Any]:
    return _employer(selectors.employer_detail(actor=_user(request), pk=employer_id))


@router.post(
    "/employers",
    response={201: EmployerOut},
    summary="Register an employer (employer accounts; an admin verifies it)",
)
def employer_create(request: HttpRequest, payload: EmployerIn) -> Status[dict[str, Any]]:
    user = actor(request)
    if role_of(user) != Role.EMPLOYER:
        raise PermissionDeniedError("Only employer accounts can register an employer.")
    employer = services.employer_create(actor=user, **payload.model_dump())
    return Status(201, _employer(employer))


@router.post(
    "/employers/{employer_id}/verify",
    response=EmployerOut,
    summary="Verify an employer's legal name against its EIN or NPI (admins)",
)
def employer_verify(request: HttpRequest, employer_id: int) -> dict[str, Any]:
    user = actor(request)
    employer = EmployerPolicy().get(user, "verify", pk=employer_id)
    return _employer(services.employer_verify(actor=user, employer=employer))


@router.post(
    "/employers/{employer_id}/members",
    response={201: MemberOut},
    summary="Add an employer account as recruiter or administrator (the employer's administrators)",
)
def employer_member_add(
    request: HttpRequest, employer_id: int, payload: MemberIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    employer = EmployerPolicy().get(user, "change", pk=employer_id)
    member = services.employer_member_add_by_email(
        actor=user, employer=employer, email=payload.email, role=payload.role
    )
    return Status(201, {"email": member.user.email, "role": member.role})

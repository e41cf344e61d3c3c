"""API operations on the signed-in user's own identity record (``/api/v1/me...``).

Each operation has its own input and output schema. Input schemas list only the fields a
user may write: role, verification and staff flags are not in them, so a request that
sends them is refused with 422 (``extra="forbid"``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.errors import ValidationError
from cmepath.core.schemas import IsoDate
from cmepath.core.schemas import StrictSchema as Strict

from . import policies, selectors, services
from .choices import Profession
from .models import Profile

router = Router(tags=["identity"])


class MeOut(Schema):
    id: int
    email: str
    role: str
    verified: bool = Field(
        description="The badge: NPI matched and a licence proof in this name approved by an administrator."
    )
    npi_matched: bool = Field(description="The NPI Registry record matches the profile's name.")


class ProfileOut(Schema):
    first_name: str
    last_name: str
    profession: str
    primary_specialty: str
    specialties: list[str]
    npi: str
    npi_status: str
    npi_matched: bool = Field(description="The NPI Registry record matches the profile's name.")
    verified: bool = Field(
        description="The badge: NPI matched and a licence proof in this name approved by an administrator."
    )
    birth_month: int | None
    date_of_first_licensure: date | None
    share_patients_65_plus: int | None
    career_goal: str
    home_zip: str
    next_review_date: date | None
    annual_cme_allowance: Decimal | None
    paid_cme_days: Decimal | None


class ProfilePatch(Strict):
    first_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    profession: Profession | None = None
    primary_specialty: str | None = Field(None, max_length=10)
    specialties: list[str] | None = Field(None, max_length=15)
    birth_month: int | None = Field(None, ge=1, le=12)
    date_of_first_licensure: IsoDate | None = None
    share_patients_65_plus: int | None = Field(None, ge=0, le=100)
    career_goal: str | None = Field(None, max_length=200)
    home_zip: str | None = Field(None, max_length=5, description="US ZIP code, 5 digits.")
    next_review_date: IsoDate | None = None
    annual_cme_allowance: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    paid_cme_days: Decimal | None = Field(None, ge=0, max_digits=4, decimal_places=1)


class NpiIn(Strict):
    npi: str = Field(..., max_length=20)


class NpiDisputeIn(Strict):
    npi: str = Field(..., max_length=20)
    statement: str = Field("", max_length=1000, description="Why this NPI is yours.")


class NpiDisputeOut(Schema):
    id: int
    npi: str
    status: str
    statement: str
    reason: str
    created_at: datetime


class LicenceOut(Schema):
    id: int
    state: str
    licence_type: str
    number: str
    issue_date: date
    expiry_date: date
    dea_registered: bool
    dea_registration_date: date | None
    direct_patient_care: bool
    verified: bool


class LicenceIn(Strict):
    state: str = Field(..., min_length=2, max_length=2)
    licence_type: Profession
    number: str = Field(..., min_length=1, max_length=40)
    issue_date: IsoDate
    expiry_date: IsoDate
    dea_registered: bool = False
    dea_registration_date: IsoDate | None = None
    direct_patient_care: bool = True


class LicencePatch(Strict):
    state: str | None = Field(None, min_length=2, max_length=2)
    licence_type: Profession | None = None
    number: str | None = Field(None, min_length=1, max_length=40)
    issue_date: IsoDate | None = None
    expiry_date: IsoDate | None = None
    dea_registered: bool | None = None
    dea_registration_date: IsoDate | None = None
    direct_patient_care: bool | None = None


class BoardCertOut(Schema):
    id: int
    board: str
    specialty: str
    cycle_start: date
    cycle_end: date


class BoardCertIn(Strict):
    board: str = Field(..., max_length=16)
    specialty: str = Field(..., min_length=1, max_length=120)
    cycle_start: IsoDate
    cycle_end: IsoDate


class BoardCertPatch(Strict):
    board: str | None = Field(None, max_length=16)
    specialty: str | None = Field(None, min_length=1, max_length=120)
    cycle_start: IsoDate | None = None
    cycle_end: IsoDate | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str = Field(description="read: GET only; write: every method.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    active: bool


def _profile_out(profile: Profile) -> dict[str, object]:
    return {
        **{f: getattr(profile, f) for f in ProfileOut.model_fields if f != "verified"},
        "verified": profile.is_verified,
    }


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, object]:
    user = actor(request)
    profile = selectors.profile_for(user=user)
    return {
        "id": user.pk,
        "email": user.email,
        "role": user.role,
        "verified": profile.is_verified,
        "npi_matched": profile.npi_matched,
    }


@router.get("/me/profile", response=ProfileOut, summary="Read my professional profile")
def profile_get(request: HttpRequest) -> dict[str, object]:
    return _profile_out(selectors.profile_for(user=actor(request)))


@router.patch("/me/profile", response=ProfileOut, summary="Update my professional profile")
def profile_patch(request: HttpRequest, payload: ProfilePatch) -> dict[str, object]:
    data = payload.model_dump(exclude_unset=True)
    for key in ("first_name", "last_name", "primary_specialty", "career_goal", "home_zip"):
        if key in data and data[key] is None:
            data[key] = ""
    if data.get("specialties") is None and "specialties" in data:
        data["specialties"] = []
    if "profession" in data and data["profession"] is None:
        raise ValidationError("profession cannot be empty.", field="profession")
    profile = services.profile_update(actor=actor(request), data=data)
    return _profile_out(profile)


@router.post(
    "/me/npi", response=ProfileOut, summary="Submit my NPI for checking and registry matching"
)
def npi_submit(request: HttpRequest, payload: NpiIn) -> dict[str, object]:
    return _profile_out(services.npi_submit(actor=actor(request), npi=payload.npi))


@router.post(
    "/me/npi/disputes",
    response={201: NpiDisputeOut},
    summary="Dispute an NPI another account has matched (an administrator decides)",
)
def npi_dispute_open(request: HttpRequest, payload: NpiDisputeIn) -> Status[object]:
    dispute = services.npi_dispute_open(
        actor=actor(request), npi=payload.npi, statement=payload.statement
    )
    return Status(201, dispute)


@router.get("/me/licences", response=list[LicenceOut], summary="List my licences")
def licence_list(request: HttpRequest) -> object:
    return selectors.licences_for(actor=actor(request))


@router.post("/me/licences", response={201: LicenceOut}, summary="Add a licence")
def licence_create(request: HttpRequest, payload: LicenceIn) -> Status[object]:
    data = payload.model_dump()
    data["state"] = data["state"].upper()
    return Status(201, services.licence_create(actor=actor(request), data=data))


@router.get("/me/licences/{licence_id}", response=LicenceOut, summary="Read one of my licences")
def licence_get(request: HttpRequest, licence_id: int) -> object:
    return policies.licences.get(actor(request), "view", pk=licence_id, user=actor(request))


@router.patch("/me/licences/{licence_id}", response=LicenceOut, summary="Change one of my licences")
def licence_patch(request: HttpRequest, licence_id: int, payload: LicencePatch) -> object:
    licence = policies.licences.get(actor(request), "change", pk=licence_id)
    data = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None or k == "dea_registration_date"
    }
    if "state" in data:
        data["state"] = data["state"].upper()
    return services.licence_update(actor=actor(request), licence=licence, data=data)


@router.delete(
    "/me/licences/{licence_id}", response={204: None}, summary="Remove one of my licences"
)
def licence_delete(request: HttpRequest, licence_id: int) -> Status[None]:
    licence = policies.licences.get(actor(request), "delete", pk=licence_id)
    services.licence_delete(actor=actor(request), licence=licence)
    return Status(204, None)


@router.get(
    "/me/board-certifications", response=list[BoardCertOut], summary="List my board certifications"
)
def cert_list(request: HttpRequest) -> object:
    return selectors.board_certs_for(actor=actor(request))


@router.post(
    "/me/board-certifications", response={201: BoardCertOut}, summary="Add a board certification"
)
def cert_create(request: HttpRequest, payload: BoardCertIn) -> Status[object]:
    return Status(201, services.board_cert_create(actor=actor(request), data=payload.model_dump()))


@router.get(
    "/me/board-certifications/{cert_id}",
    response=BoardCertOut,
    summary="Read one board certification",
)
def cert_get(request: HttpRequest, cert_id: int) -> object:
    return policies.board_certifications.get(
        actor(request), "view", pk=cert_id, user=actor(request)
    )


@router.patch(
    "/me/board-certifications/{cert_id}",
    response=BoardCertOut,
    summary="Change a board certification",
)
def cert_patch(request: HttpRequest, cert_id: int, payload: BoardCertPatch) -> object:
    cert = policies.board_certifications.get(actor(request), "change", pk=cert_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.board_cert_update(actor=actor(request), cert=cert, data=data)


@router.delete(
    "/me/board-certifications/{cert_id}",
    response={204: None},
    summary="Remove a board certification",
)
def cert_delete(request: HttpRequest, cert_id: int) -> Status[None]:
    cert = policies.board_certifications.get(actor(request), "delete", pk=cert_id)
    services.board_cert_delete(actor=actor(request), cert=cert)
    return Status(204, None)


@router.get(
    "/me/tokens",
    response=list[TokenOut],
    summary="List my API tokens (secrets are never shown again)",
)
def token_list(request: HttpRequest) -> object:
    return selectors.tokens_for(actor=actor(request))

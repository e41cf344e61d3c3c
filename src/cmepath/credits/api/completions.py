"""Completions: list, log, the provider's completion for a learner, CSV import, read,
change and delete; a completion's Open Badge, badge verification and badge status.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.core.schemas import IsoDate
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.credits import policies, selectors, services
from cmepath.credits.api._common import router
from cmepath.credits.choices import IMPORT_MAX_BYTES
from cmepath.credits.models import Completion


class CompletionCreditOut(Schema):
    credit_type: str
    amount: Decimal


class CompletionOut(Schema):
    id: int
    activity_id: int | None
    title: str
    provider: str
    accreditor: str
    completed_on: date
    credits: list[CompletionCreditOut]
    topics: list[str]
    sa_cme: bool
    pi_cme: bool
    live: bool
    provenance: str
    certificate_ids: list[int]
    created_at: datetime


class CompletionIn(Strict):
    activity_id: int | None = Field(None, ge=1)
    title: str = Field("", max_length=300)
    provider: str = Field("", max_length=200)
    accreditor: str = Field("", max_length=40)
    completed_on: IsoDate
    credits: dict[str, Decimal] = Field(
        ...,
        min_length=1,
        max_length=16,
        description='Credit type code to amount, e.g. {"ama_pra_1": 2}.',
    )
    topics: list[str] = Field(default_factory=list, max_length=30)
    sa_cme: bool = False
    pi_cme: bool = False
    live: bool = Field(
        False,
        description="Live activity (in person or real-time online); some boards require a "
        "minimum of live hours.",
    )
    certificate_id: int | None = None


class CompletionPatch(Strict):
    title: str | None = Field(None, min_length=1, max_length=300)
    provider: str | None = Field(None, max_length=200)
    accreditor: str | None = Field(None, max_length=40)
    completed_on: IsoDate | None = None
    credits: dict[str, Decimal] | None = Field(None, min_length=1, max_length=16)
    topics: list[str] | None = Field(None, max_length=30)
    sa_cme: bool | None = None
    pi_cme: bool | None = None
    live: bool | None = None


class ImportOut(Schema):
    created: int
    batch: str


class BadgeCheckOut(Schema):
    valid: bool
    reason: str
    facts: dict[str, Any]


def _completion_out(c: Completion) -> dict[str, Any]:
    return {
        "id": c.pk,
        "activity_id": c.activity_id,
        "title": c.title,
        "provider": c.provider,
        "accreditor": c.accreditor,
        "completed_on": c.completed_on,
        "credits": [{"credit_type": cc.credit_type, "amount": cc.amount} for cc in c.credits.all()],
        "topics": list(c.topics or []),
        "sa_cme": c.sa_cme,
        "pi_cme": c.pi_cme,
        "live": c.live,
        "provenance": c.provenance,
        "certificate_ids": [cert.pk for cert in c.certificates.all()],
        "created_at": c.created_at,
    }


@router.get("/me/completions", response=list[CompletionOut], summary="My completions (history)")
def completion_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_completion_out(c) for c in selectors.completions_for(actor=actor(request))]


@router.post("/me/completions", response={201: CompletionOut}, summary="Log a completion")
def completion_create(request: HttpRequest, payload: CompletionIn) -> Status[dict[str, Any]]:
    user = actor(request)
    data = payload.model_dump(exclude={"credits", "certificate_id"})
    certificate = (
        policies.certificates.get(user, "change", pk=payload.certificate_id)
        if payload.certificate_id
        else None
    )
    completion = services.completion_record(
        actor=user, data=data, credits=payload.credits, certificate=certificate
    )
    return Status(201, _completion_out(selectors.completions_for(actor=user).get(pk=completion.pk)))


class ProviderCompletionIn(Strict):
    learner_email: str = Field(..., max_length=254)
    completed_on: IsoDate
    credits: dict[str, Decimal] = Field(..., min_length=1, max_length=16)


class ProviderCompletionOut(Schema):
    id: int
    activity_id: int | None
    title: str
    completed_on: date
    provenance: str


@router.post(
    "/activities/{activity_id}/completions",
    response={201: ProviderCompletionOut},
    summary="Provider members: report that a learner completed one of your activities",
)
def provider_completion_create(
    request: HttpRequest, activity_id: int, payload: ProviderCompletionIn
) -> Status[dict[str, Any]]:
    from cmepath.accounts.selectors import active_user_by_email

    learner = active_user_by_email(payload.learner_email)
    if learner is None:  # same answer as "not your activity": no account probing
        raise NotFoundError("No such learner for this activity.")
    completion = services.completion_record(
        actor=actor(request),
        user=learner,
        data={"activity_id": activity_id, "completed_on": payload.completed_on},
        credits=payload.credits,
    )
    return Status(
        201,
        {
            "id": completion.pk,
            "activity_id": completion.activity_id,
            "title": completion.title,
            "completed_on": completion.completed_on,
            "provenance": completion.provenance,
        },
    )


@router.post(
    "/me/completions/import", response={201: ImportOut}, summary="Import completions from CSV"
)
def completion_import(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    if (file.size or 0) > IMPORT_MAX_BYTES:
        raise ValidationError("The CSV is larger than 2 MiB; split it.", field="file")
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The CSV must be UTF-8 text.", field="file") from None
    report = services.completion_import_csv(actor=actor(request), data=text)
    return Status(201, {"created": report.created, "batch": report.batch})


@router.get(
    "/me/completions/{completion_id}", response=CompletionOut, summary="One of my completions"
)
def completion_get(request: HttpRequest, completion_id: int) -> dict[str, Any]:
    user = actor(request)
    policies.completions.get(user, "change", pk=completion_id)
    return _completion_out(selectors.completions_for(actor=user).get(pk=completion_id))


@router.patch(
    "/me/completions/{completion_id}",
    response=CompletionOut,
    summary="Change one of my completions",
)
def completion_patch(
    request: HttpRequest, completion_id: int, payload: CompletionPatch
) -> dict[str, Any]:
    user = actor(request)
    completion = policies.completions.get(user, "change", pk=completion_id)
    data = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True, exclude={"credits"}).items()
        if v is not None
    }
    services.completion_update(
        actor=user, completion=completion, data=data, credits=payload.credits
    )
    return _completion_out(selectors.completions_for(actor=user).get(pk=completion_id))


@router.delete(
    "/me/completions/{completion_id}", response={204: None}, summary="Delete one of my completions"
)
def completion_delete(request: HttpRequest, completion_id: int) -> Status[None]:
    user = actor(request)
    completion = policies.completions.get(user, "delete", pk=completion_id)
    services.completion_delete(actor=user, completion=completion)
    return Status(204, None)


@router.get(
    "/me/completions/{completion_id}/badge",
    summary="Export a completion as an Open Badges 3.0 credential",
)
def completion_badge(request: HttpRequest, completion_id: int) -> dict[str, Any]:
    user = actor(request)
    completion = policies.completions.get(user, "change", pk=completion_id)
    return services.badge_issue(
        actor=user, completion=completion, base_url=request.build_absolute_uri("/")
    )


@router.post(
    "/badges/verify",
    response=BadgeCheckOut,
    auth=None,
    summary="Verify an Open Badges 3.0 credential issued by this platform (signature, content, "
    "revocation status)",
)
def badge_verify(request: HttpRequest) -> dict[str, Any]:
    from cmepath.credits.badges import BadgeError, BadgeInputRejected, parse_badge_bytes

    try:
        result = services.badge_verify(document=parse_badge_bytes(request.body))
    except BadgeInputRejected as exc:  # beyond the verifier's bounds: a 4xx, not a verdict
        raise ValidationError(str(exc), field="body", code=exc.code) from None
    except BadgeError as exc:
        return {"valid": False, "reason": str(exc), "facts": {}}
    return {"valid": result.valid, "reason": result.reason, "facts": result.facts}


@router.get(
    "/badges/status",
    auth=None,
    summary="The revocation status list of every badge (W3C BitstringStatusListCredential)",
)
def badge_status_list(request: HttpRequest) -> HttpResponseBase:
    import json

    from django.http import HttpResponse

    from cmepath.credits.services.badging import STATUS_LIST_TTL_SECONDS, badge_status_list

    document = badge_status_list(base_url=request.build_absolute_uri("/"))
    response = HttpResponse(json.dumps(document), content_type="application/vc+ld+json")
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_TTL_SECONDS}"
    return response

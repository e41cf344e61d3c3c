"""API operations on the signed-in clinician's CME record (``/api/v1/me/completions...``,
``/me/certificates``, ``/me/evaluation``, ``/me/share-links``, ``/me/notifications``) and
badge verification.

Each operation has its own input and output schema; input schemas forbid unknown fields
(``extra="forbid"``), so provenance, owner and timestamps cannot be written. Another
user's completion, certificate or share link answers 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from cmepath.core.api import actor
from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.core.schemas import IsoDate
from cmepath.core.schemas import StrictSchema as Strict
from cmepath.core.uploads import max_upload_bytes, max_upload_text, too_large_message

from . import policies, selectors, services
from .choices import IMPORT_MAX_BYTES, ErrorCode
from .models import Certificate, Completion, ShareLink

router = Router(tags=["credits"])


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


class CertificateOut(Schema):
    id: int
    original_name: str
    size: int
    sha256: str
    pages: int
    completion_id: int | None
    uploaded_at: datetime
    prefill: dict[str, Any]


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


class ShareLinkOut(Schema):
    id: int
    label: str
    prefix: str
    regime_id: str
    expires_at: datetime
    revoked_at: datetime | None
    created_at: datetime
    last_viewed_at: datetime | None
    view_count: int


class ShareLinkIn(Strict):
    label: str = Field(..., min_length=1, max_length=120)
    regime_id: str = Field("", max_length=64)
    days: int = Field(30, ge=1, le=365)


class ShareLinkCreatedOut(ShareLinkOut):
    token: str
    url: str


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


def _certificate_out(cert: Certificate) -> dict[str, Any]:
    return {
        "id": cert.pk,
        "original_name": cert.original_name,
        "size": cert.size,
        "sha256": cert.sha256,
        "pages": cert.pages,
        "completion_id": cert.completion_id,
        "uploaded_at": cert.uploaded_at,
        "prefill": cert.extracted or {},
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
    from .badges import BadgeError, BadgeInputRejected, parse_badge_bytes

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

    from .services.badging import STATUS_LIST_TTL_SECONDS, badge_status_list

    document = badge_status_list(base_url=request.build_absolute_uri("/"))
    response = HttpResponse(json.dumps(document), content_type="application/vc+ld+json")
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_TTL_SECONDS}"
    return response


@router.get("/me/certificates", response=list[CertificateOut], summary="My certificates")
def certificate_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_certificate_out(c) for c in selectors.certificates_for(actor=actor(request))]


@router.post(
    "/me/certificates",
    response={201: CertificateOut},
    summary=f"Upload a certificate PDF (at most {max_upload_text()}); returns what its text pre-fills",
)
def certificate_upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    if (file.size or 0) > max_upload_bytes():
        raise ValidationError(
            too_large_message("PDF"), field="file", code=ErrorCode.UPLOAD_TOO_LARGE
        )
    cert = services.certificate_upload(
        actor=actor(request), data=file.read(), filename=file.name or "upload.pdf"
    )
    return Status(201, _certificate_out(cert))


@router.get(
    "/me/certificates/{certificate_id}", response=CertificateOut, summary="One of my certificates"
)
def certificate_get(request: HttpRequest, certificate_id: int) -> dict[str, Any]:
    return _certificate_out(policies.certificates.get(actor(request), "view", pk=certificate_id))


@router.get(
    "/me/certificates/{certificate_id}/file", summary="Download one of my certificates (PDF)"
)
def certificate_file(request: HttpRequest, certificate_id: int) -> HttpResponseBase:
    from .views import certificate_response

    cert = policies.certificates.get(actor(request), "view", pk=certificate_id)
    return certificate_response(cert, actor=actor(request))


@router.delete(
    "/me/certificates/{certificate_id}",
    response={204: None},
    summary="Delete one of my certificates",
)
def certificate_delete(request: HttpRequest, certificate_id: int) -> Status[None]:
    user = actor(request)
    services.certificate_delete(
        actor=user, certificate=policies.certificates.get(user, "delete", pk=certificate_id)
    )
    return Status(204, None)


@router.get(
    "/me/evaluation",
    response=EvaluationOut,
    summary="Evaluate my record now (every applicable regime; every licence, certification and "
    "registration, covered or not)",
)
def evaluation_get(request: HttpRequest, as_of: IsoDate | None = None) -> dict[str, Any]:
    from .rules import evaluation_to_json

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


@router.get("/me/share-links", response=list[ShareLinkOut], summary="My transcript share links")
def share_link_list(request: HttpRequest) -> Any:
    return selectors.share_links_for(actor=actor(request))


@router.post(
    "/me/share-links",
    response={201: ShareLinkCreatedOut},
    summary="Create a read-only transcript link (the token is shown once)",
)
def share_link_create(request: HttpRequest, payload: ShareLinkIn) -> Status[dict[str, Any]]:
    from django.urls import reverse

    link, raw = services.share_link_create(
        actor=actor(request), label=payload.label, regime_id=payload.regime_id, days=payload.days
    )
    out = {f: getattr(link, f) for f in ShareLinkOut.model_fields if f != "id"}
    return Status(
        201,
        {
            **out,
            "id": link.pk,
            "token": raw,
            "url": request.build_absolute_uri(reverse("credits:shared", args=[raw])),
        },
    )


@router.delete("/me/share-links/{link_id}", response={204: None}, summary="Revoke a share link")
def share_link_revoke(request: HttpRequest, link_id: int) -> Status[None]:
    user = actor(request)
    link: ShareLink = policies.share_links.get(user, "delete", pk=link_id)
    services.share_link_revoke(actor=user, link=link)
    return Status(204, None)


class SentOut(Schema):
    kind: str = Field(..., description='"reminder" or "digest"')
    kind_label: str
    regime_name: str
    requirement_label: str
    deadline: date | None
    days_before: int | None
    week: str = Field(..., description='ISO week of a digest, e.g. "2026-W49"; "" for reminders')
    sent_at: datetime


class NotificationsOut(Schema):
    reminder_days: list[int] = Field(
        ..., description="Deadline reminders on: days before a deadline (of 90, 30, 7)."
    )
    weekly_digest: bool
    sent: list[SentOut]


class NotificationsIn(Strict):
    reminder_days: list[int] = Field(
        ...,
        max_length=3,
        description="Deadline reminders to get, in days before a deadline: any of 90, 30, 7 "
        "(empty: none).",
    )
    weekly_digest: bool


def _notifications_out(user: Any) -> dict[str, Any]:
    from .services.notifications import reminder_days_on

    pref = services.notification_preferences_for(actor=user)
    return {
        "reminder_days": reminder_days_on(pref),
        "weekly_digest": pref.weekly_digest,
        "sent": services.notifications_sent(actor=user),
    }


@router.get(
    "/me/notifications",
    response=NotificationsOut,
    summary="My reminder settings and the reminders sent to me",
)
def notifications_get(request: HttpRequest) -> dict[str, Any]:
    return _notifications_out(actor(request))


@router.put(
    "/me/notifications",
    response=NotificationsOut,
    summary="Choose my reminders (deadline horizons 90/30/7 days, weekly digest)",
)
def notifications_put(request: HttpRequest, payload: NotificationsIn) -> dict[str, Any]:
    user = actor(request)
    services.notification_preferences_update(
        actor=user, reminder_days=payload.reminder_days, weekly_digest=payload.weekly_digest
    )
    return _notifications_out(user)

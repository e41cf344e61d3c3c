"""Certificates: list, upload (stored, then read for a pre-fill), read, the file, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Schema, Status
from ninja.files import UploadedFile

from cmepath.core.api import actor
from cmepath.core.errors import ValidationError
from cmepath.core.uploads import max_upload_bytes, max_upload_text, too_large_message
from cmepath.credits import policies, selectors, services
from cmepath.credits.api._common import router
from cmepath.credits.choices import ErrorCode
from cmepath.credits.models import Certificate


class CertificateOut(Schema):
    id: int
    original_name: str
    size: int
    sha256: str
    pages: int
    completion_id: int | None
    uploaded_at: datetime
    prefill: dict[str, Any]


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
    from cmepath.credits.views import certificate_response

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

"""Writes on certificates: upload (checked by content, text read in the sandbox) and delete.

What a certificate's text suggests for the completion form is a read:
``selectors.certificate_prefill``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Sum

from cmepath.core.errors import ValidationError
from cmepath.core.filecheck import UploadRejected, display_name, extract_pdf_text, inspect_upload
from cmepath.core.services import audit_record
from cmepath.core.uploads import max_upload_bytes, too_large_message, upload_row_save, upload_store
from cmepath.credits import policies
from cmepath.credits.choices import CERTIFICATE_QUOTA_BYTES, CERTIFICATE_QUOTA_FILES, ErrorCode
from cmepath.credits.models import Certificate
from cmepath.credits.prefill import parse_certificate_text


def certificate_upload(*, actor: Any, data: bytes, filename: str) -> Certificate:
    """Check a certificate PDF by content, read its text in the sandbox, store it under a
    random name and return it with the pre-fill it suggests. Nothing is stored on error."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationError(
            too_large_message("PDF"),
            field="file",
            code=ErrorCode.UPLOAD_TOO_LARGE,
        )
    usage = Certificate.objects.filter(user=actor).aggregate(n=Count("pk"), size=Sum("size"))
    if (
        usage["n"] >= CERTIFICATE_QUOTA_FILES
        or (usage["size"] or 0) + len(data) > CERTIFICATE_QUOTA_BYTES
    ):
        raise ValidationError(
            "You have reached the certificate storage limit (200 files or 500 MiB); "
            "delete certificates you no longer need.",
            field="file",
            code=ErrorCode.QUOTA,
        )
    try:
        verdict = inspect_upload(data, filename, allowed={"pdf"}, max_bytes=limit)
        text = extract_pdf_text(data, max_pages=3)
    except UploadRejected as exc:
        raise ValidationError(exc.message, field="file", code=f"upload_{exc.code}") from exc
    prefill = parse_certificate_text(text)
    certificate = Certificate(
        user=actor,
        size=verdict.size,
        sha256=verdict.sha256,
        pages=verdict.pages or 0,
        original_name=display_name(filename)[:200],
        extracted_text=text[:20_000],
        extracted=prefill.as_dict(),
    )
    upload_store(certificate.file, data, name="certificate.pdf")
    upload_row_save(
        certificate,
        certificate.file,
        audit=lambda: audit_record(
            actor=actor,
            action="certificate.upload",
            target=certificate,
            subject_user_id=actor.pk,
            detail={"sha256": verdict.sha256, "size": verdict.size},
        ),
    )
    return certificate


@transaction.atomic
def certificate_delete(*, actor: Any, certificate: Certificate) -> None:
    policies.certificates.require(actor, "delete", certificate)
    audit_record(
        actor=actor,
        action="certificate.delete",
        target=certificate,
        subject_user_id=certificate.user_id,
    )
    path_file = certificate.file
    certificate.delete()
    transaction.on_commit(lambda: path_file.delete(save=False))

"""Certificates: upload (then the completion form pre-filled from it) and the file, served
only to who may see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.services import audit_record
from cmepath.core.uploads import max_upload_bytes, too_large_message
from cmepath.credits import policies, services
from cmepath.credits.forms import (
    CertificateForm,
    CompletionForm,
)
from cmepath.credits.models import Certificate


@login_required
@require_POST
def certificate_upload(request: HttpRequest) -> HttpResponse:
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["file"].size > max_upload_bytes():
        # Refused before the file is read, with the status the size deserves.
        form.add_error("file", too_large_message("PDF"))
        return _upload_page(request, form, 413)

    def upload(data: Mapping[str, Any]) -> Certificate:
        return services.certificate_upload(
            actor=request.user,
            data=data["file"].read(),
            filename=data["file"].name or "certificate.pdf",
        )

    submitted = form_submit(request, form, upload)
    cert = submitted.result
    if cert is None:
        return _upload_page(request, form, submitted.status)
    found = [k for k, v in (cert.extracted or {}).items() if v]
    messages.success(
        request,
        "Certificate checked and stored. "
        + (
            f"We filled in: {', '.join(found).replace('_', ' ')}. Check every field before saving."
            if found
            else "We could not read its details; please fill in the form."
        ),
    )
    return redirect(f"{reverse('credits:completion_new')}?certificate={cert.pk}")


def _upload_page(request: HttpRequest, form: CertificateForm, status: int) -> HttpResponse:
    return render_page(
        request,
        "credits/completion_form.html",
        {"form": CompletionForm(), "upload_form": form},
        status=status,
    )


def certificate_response(cert: Certificate, *, actor: Any) -> FileResponse:
    """Serve a certificate as an attachment with a safe, server-made name; audited."""
    audit_record(actor=actor, action="certificate.view", target=cert, subject_user_id=cert.user_id)
    response = FileResponse(
        cert.file.open("rb"),
        as_attachment=True,
        filename=f"certificate-{cert.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    cert = policies.certificates.get(request.user, "view", pk=pk)
    return certificate_response(cert, actor=request.user)

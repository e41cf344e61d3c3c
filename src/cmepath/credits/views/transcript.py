"""The clinician's own transcript as CSV or PDF, for all regimes or one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cmepath.core.errors import ValidationError
from cmepath.credits import selectors, services, transcripts
from cmepath.credits.views.compliance import _as_of


def _transcript_download(
    data: transcripts.TranscriptData, regime_id: str, fmt: str
) -> HttpResponse:
    name = f"transcript-{regime_id or 'all'}-{data.as_of.isoformat()}"
    if fmt == "csv":
        response = HttpResponse(transcripts.to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(transcripts.to_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _transcript(request: HttpRequest, user: Any, regime_id: str, fmt: str) -> HttpResponse:
    """The owner's download: its verification URL is a share link made for it (one per
    scope and day, 90 days, listed on the share-links page, revocable)."""
    data = selectors.transcript_data(user=user, regime_id=regime_id, as_of=_as_of(request))
    link, raw = services.share_link_for_transcript(actor=user, regime_id=regime_id)
    data = transcripts.with_identity(
        data,
        user=user,
        url=request.build_absolute_uri(reverse("credits:shared", args=[raw])),
        on=selectors.today(),
        valid_until=timezone.localdate(link.expires_at),
    )
    return _transcript_download(data, regime_id, fmt)


def _regime_param(request: HttpRequest) -> str:
    regime = request.GET.get("regime", "")
    if regime and not all(ch.isalnum() or ch in "-_" for ch in regime):
        raise ValidationError("Unknown regime.", field="regime")
    return regime[:64]


@login_required
@require_GET
def transcript_csv(request: HttpRequest) -> HttpResponse:
    return _transcript(request, request.user, _regime_param(request), "csv")


@login_required
@require_GET
def transcript_pdf(request: HttpRequest) -> HttpResponse:
    return _transcript(request, request.user, _regime_param(request), "pdf")

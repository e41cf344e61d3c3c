"""Transcript share links (create, revoke, undo) and what a link shows, without sign-in:
the read-only transcript, its PDF and its certificates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import ConflictError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.undo import undo_capture, undo_offer, undo_offers, undo_restore, undo_seconds
from cmepath.credits import policies, selectors, services, transcripts
from cmepath.credits.forms import ShareLinkForm
from cmepath.credits.models import ShareLink
from cmepath.credits.views.certificates import certificate_response
from cmepath.credits.views.transcript import _transcript_download


def _regime_choices(user: Any) -> list[tuple[str, str]]:
    evaluation, _ = selectors.evaluation_compute(user=user, as_of=selectors.today())
    return [(r.regime_id, r.name) for r in evaluation.regimes]


@login_required
@require_http_methods(["GET", "POST"])
def share_links(request: HttpRequest) -> HttpResponse:
    regimes = _regime_choices(request.user)
    form = ShareLinkForm(request.POST or None, regimes=regimes)
    new_url = None

    def create(data: Mapping[str, Any]) -> tuple[ShareLink, str]:
        return services.share_link_create(
            actor=request.user,
            label=data["label"],
            regime_id=data["regime_id"] or "",
            days=data["days"],
        )

    submitted = form_submit(request, form, create)
    if submitted.result is not None:
        _, raw = submitted.result
        new_url = request.build_absolute_uri(reverse("credits:shared", args=[raw]))
        form = ShareLinkForm(regimes=regimes)
    return render_page(
        request,
        "credits/share_links.html",
        {
            "form": form,
            "links": selectors.share_links_for(actor=request.user),
            "new_url": new_url,
            "now": timezone.now(),
            "regime_names": dict(regimes),
            "undo_offers": undo_offers(request),
        },
        status=submitted.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a share link: a GET asks to confirm, a POST revokes it (it stops opening at
    once) and offers an undo for ``CMEPATH_UNDO_SECONDS``."""
    link = policies.share_links.get(request.user, "delete", pk=pk)
    if request.method == "GET":
        return render_page(
            request,
            "credits/share_link_revoke.html",
            {"link": link, "undo_seconds": undo_seconds()},
        )
    entry = undo_capture(
        actor=request.user,
        objects=[link],
        kind="sharelink.revoke",
        label=f"Link for “{link.label}” revoked; it no longer opens.",
        cascade=False,
    )
    services.share_link_revoke(actor=request.user, link=link)
    undo_offer(request, entry, url=reverse("credits:share_link_undo", args=[entry.token]))
    return redirect("credits:share_links")


@login_required
@require_POST
def share_link_undo(request: HttpRequest, token: str) -> HttpResponse:
    """Make a revoked link open again while the undo time lasts."""
    try:
        restored = undo_restore(
            actor=request.user, token=token, kind="sharelink.revoke", request=request
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The link opens again." if restored else "Nothing to restore.")
    return redirect("credits:share_links")


def _public_headers(response: HttpResponse | FileResponse) -> HttpResponse | FileResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _shared_data(request: HttpRequest, link: ShareLink, token: str) -> transcripts.TranscriptData:
    """What the link shows, with the clinician's identity and the mark naming the link."""
    return transcripts.with_identity(
        selectors.shared_transcript(link=link),
        user=link.user,
        url=request.build_absolute_uri(reverse("credits:shared", args=[token])),
        on=selectors.today(),
        valid_until=timezone.localdate(link.expires_at),
    )


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only transcript behind a share link (no sign-in; GET only)."""
    link = services.share_link_resolve(raw=token)
    data = _shared_data(request, link, token)
    response = render_page(
        request,
        "credits/shared.html",
        {"data": data, "link": link, "token": token},
    )
    _public_headers(response)
    return response


@require_GET
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The shared page as a PDF: the same rows (no ``as_of``: the link shows today's scope)."""
    link = services.share_link_resolve(raw=token)
    response = _transcript_download(_shared_data(request, link, token), link.regime_id, "pdf")
    _public_headers(response)
    return response


@require_GET
def shared_certificate(request: HttpRequest, token: str, pk: int) -> FileResponse:
    """A certificate on a row of the shared transcript: the owner shared it by sharing the
    link. Other ids (outside the link's scope, or not the owner's) are 404."""
    link = services.share_link_resolve(raw=token)
    cert = selectors.shared_certificate(link=link, certificate_id=pk)
    response = certificate_response(cert, actor=None)
    _public_headers(response)
    return response

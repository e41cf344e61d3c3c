"""A completion's Open Badge: the page and the signed .json."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from cmepath.core.htmx import render_page
from cmepath.credits import policies, services


@login_required
@require_GET
def completion_badge(request: HttpRequest, pk: int) -> HttpResponse:
    """The badge as an Open Badges 3.0 credential file (``badge-<id>.json``, an attachment)."""
    completion = policies.completions.get(request.user, "change", pk=pk)
    badge = services.badge_issue(
        actor=request.user, completion=completion, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(
        json.dumps(badge, indent=2, ensure_ascii=False), content_type="application/ld+json"
    )
    response["Content-Disposition"] = f'attachment; filename="badge-{completion.pk}.json"'
    return response


@login_required
@require_GET
def badge_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The badge for people: achievement, clinician, issue date, credits, where the claim
    came from, and its verification checked now (signature, revocation, expiry), beside the
    .json download. Owner only, like the .json: badges are handed out as files."""
    completion = policies.completions.get(request.user, "change", pk=pk)
    badge = services.badge_page(
        actor=request.user, completion=completion, base_url=request.build_absolute_uri("/")
    )
    return render_page(
        request,
        "credits/badge.html",
        {
            "badge": badge,
            "verify_url": request.build_absolute_uri(reverse("api:badge_verify")),
        },
    )

"""Site-wide endpoints: health probes, security.txt, lockout. (The start page is ``home``.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .htmx import render_page


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers (503 otherwise)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116 security.txt with a rolling expiry one year ahead."""
    expires = (
        (timezone.now() + timedelta(days=365))
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z")
    )
    body = (
        f"Contact: {settings.CMEPATH_SECURITY_CONTACT}\n"
        f"Expires: {expires}\n"
        "Preferred-Languages: en\n"
        f"Canonical: {request.build_absolute_uri('/.well-known/security.txt')}\n"
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def lockout(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Shown by django-axes after 10 failed logins for one account in 15 minutes."""
    return render_page(
        request,
        "core/error.html",
        {
            "message": "Too many failed sign-in attempts for this account or from this network. Wait 15 minutes, or reset your password."
        },
        status=429,
    )

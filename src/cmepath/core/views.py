"""Site-wide endpoints: health probes, security.txt, lockout, the admin site's sign-in and
refusal pages. (The start page is ``home``.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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


ADMIN_DENIED = (
    "The administration site is for staff accounts only, and this account is not one. "
    "What you can do here is on your home page."
)


def admin_denied(request: HttpRequest) -> HttpResponse:
    """The 403 page, in the site's layout, for a signed-in account that is not staff."""
    return render_page(request, "403.html", {"message": ADMIN_DENIED}, status=403)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Stands in for ``admin.site.login``: every sign-in, the admin's included, goes through
    allauth so TOTP is always asked. A signed-in account is never sent there: allauth sends
    a signed-in user straight back to ``next`` (the admin), which sent it back here, a
    redirect loop; staff go on to where they were going, others get the 403 page."""
    if not request.user.is_authenticated:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(reverse("account_login") + (f"?{query}" if query else ""))
    if not admin.site.has_permission(request):
        return admin_denied(request)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return HttpResponseRedirect(target)

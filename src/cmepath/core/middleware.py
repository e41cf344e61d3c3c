"""Cross-cutting request policies: session lifetimes, required MFA, no-store."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .roles import MFA_REQUIRED_ROLES, PRIVILEGED_ROLES

Handler = Callable[[HttpRequest], HttpResponse]


class SessionPolicyMiddleware:
    """Idle and absolute session timeouts by role (ASVS 7.3.1/7.3.2, NIST 800-63B AAL2).

    Privileged roles: 30 minutes idle, 12 hours absolute. Others: the 14-day cookie age.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("cmepath_started", now)
            last = session.get("cmepath_seen", now)
            privileged = getattr(user, "role", None) in PRIVILEGED_ROLES or user.is_superuser
            idle = (
                settings.CMEPATH_PRIVILEGED_IDLE_SECONDS
                if privileged
                else settings.CMEPATH_BASIC_IDLE_SECONDS
            )
            absolute = (
                settings.CMEPATH_PRIVILEGED_ABSOLUTE_SECONDS
                if privileged
                else settings.SESSION_COOKIE_AGE
            )
            if now - last > idle or now - started > absolute:
                logout(request)
                return redirect(f"{reverse('account_login')}?expired=1")
            if (
                now - last > 60 or "cmepath_seen" not in session
            ):  # avoid a session write on every request
                session["cmepath_seen"] = now
        return self.get_response(request)


class RequireMfaMiddleware:
    """Admins and editors must enrol TOTP before using anything but the MFA pages.

    allauth then asks for the code at every login, so their sessions are always
    second-factor verified (security-checks row 9).
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/.well-known/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (getattr(user, "role", None) in MFA_REQUIRED_ROLES or user.is_superuser)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                if request.path.startswith("/api/"):
                    return HttpResponse(
                        '{"code":"mfa_required","message":"Enrol a TOTP authenticator first.","errors":{}}',
                        status=403,
                        content_type="application/json",
                    )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every authenticated response (ASVS 14.3.2)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class DomainErrorMiddleware:
    """Map a DomainError escaping a page view to the error page with its status."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import IntegrityError
        from django.shortcuts import render

        from .errors import DomainError, constraint_error

        if isinstance(exception, DomainError):
            return render(
                request, "core/error.html", {"message": exception.message}, status=exception.status
            )
        if isinstance(exception, IntegrityError):  # a constraint's message, never its name
            err = constraint_error(exception)
            return render(request, "core/error.html", {"message": err.message}, status=err.status)
        if isinstance(exception, OverflowError):  # an id too large for the database names no row
            return render(request, "404.html", status=404)
        return None


class RejectNulMiddleware:
    """Keep NUL characters (U+0000) away from the database.

    PostgreSQL cannot store U+0000 in text, so such input would surface as a database
    error (a 500). Query strings are cleaned (NULs dropped: a search for "a\\x00b" is a
    search for "ab"); a JSON body carrying one is refused with a 422 that says so. Form
    fields are covered by Django's own validator and file uploads are binary.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            request.META["QUERY_STRING"] = query.replace("%00", "").replace("\x00", "")
            if hasattr(request, "GET"):
                from django.http import QueryDict

                request.GET = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)
        if request.content_type == "application/json":
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                import json

                message = "The request contains a NUL character (U+0000); remove it and try again."
                return HttpResponse(
                    json.dumps(
                        {
                            "code": "invalid_characters",
                            "message": message,
                            "errors": {"request": [message]},
                        }
                    ),
                    status=422,
                    content_type="application/json",
                )
        return self.get_response(request)


class ServerTimingMiddleware:
    """`Server-Timing: app;dur=<ms>`: the CPU this thread spent on the request inside Django.

    Only the load-test settings install it (first, so every other middleware is inside the
    measurement): `make load` reads the header to report CPU per page type. Production does
    not send it; timings of individual requests help an attacker more than an operator.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = (
            f'app;desc="CPU";dur={(time.thread_time() - started) * 1000:.3f}'
        )
        return response

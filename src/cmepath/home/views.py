"""The start page: the landing page for visitors, each role's home once signed in.

It sits on top of the dependency direction (ARCHITECTURE.md section 4): it reads the
selectors of the apps below it, so ``core`` no longer has to import ``accounts``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cmepath.accounts import selectors as account_selectors
from cmepath.core.htmx import render_page
from cmepath.core.policy import role_of
from cmepath.core.roles import Role


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render_page(request, "home/landing.html")
    role = role_of(request.user)
    context: dict[str, Any] = {"role": role}
    if role == Role.CLINICIAN:
        context.update(account_selectors.verification_summary(user=request.user))
    if role == Role.ADMIN:
        context["queue_count"] = account_selectors.verification_queue(actor=request.user).count()
    return render_page(request, "home/home.html", context)

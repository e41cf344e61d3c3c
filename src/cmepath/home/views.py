"""The start page: the landing page for visitors, each role's home once signed in.

It sits on top of the dependency direction (ARCHITECTURE.md section 4): it reads the
selectors of the apps below it (through ``home.selectors``), so ``core`` no longer has to
import ``accounts``. Each role's home says what that person can act on today and links only to
pages that work.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cmepath.core.htmx import render_page
from cmepath.core.policy import role_of
from cmepath.core.roles import Role

from . import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render_page(request, "home/landing.html")
    role = role_of(request.user)
    context: dict[str, Any] = {"role": role}
    if role == Role.CLINICIAN:
        context.update(selectors.clinician_home(user=request.user))
    elif role == Role.PROVIDER:
        context.update(selectors.provider_home(actor=request.user))
    elif role == Role.ADMIN:
        context.update(selectors.admin_home(actor=request.user))
    elif role == Role.EMPLOYER:
        context.update(selectors.employer_home(actor=request.user))
    elif role == Role.EDITOR:
        context.update(selectors.editor_home(actor=request.user))
    return render_page(request, "home/home.html", context)

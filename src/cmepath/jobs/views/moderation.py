"""Moderation, for administrators: the queue (vacancies in review, listing reports,
unverified employers), publishing or returning a vacancy, deciding a report and verifying
an employer.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cmepath.core.errors import PermissionDeniedError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.roles import Role
from cmepath.jobs import selectors, services
from cmepath.jobs.forms import DecideForm, ReturnForm
from cmepath.jobs.views._common import (
    _EMPLOYERS,
    _REPORTS,
    _button,
    _next_or,
    _require_role,
    _vacancy_for,
)


def _moderation_page(
    request: HttpRequest, *, return_forms: Mapping[int, ReturnForm] | None = None, status: int = 200
) -> HttpResponse:
    queue = selectors.moderation_queue(actor=request.user)
    forms = return_forms or {}
    review = [
        {"vacancy": v, "return_form": forms.get(v.pk) or ReturnForm(auto_id=f"id_v{v.pk}_%s")}
        for v in queue["review"]
    ]
    return render_page(
        request,
        "jobs/moderation.html",
        {
            "review": review,
            "reports": list(queue["reports"]),
            "unverified": list(queue["unverified"]),
        },
        status=status,
    )


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.ADMIN, "This page is for administrators.")
    return _moderation_page(request)


@login_required
@require_POST
def vacancy_publish(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "moderate")
    return _button(
        request,
        lambda: services.vacancy_publish(actor=request.user, vacancy=vacancy),
        success=f"“{vacancy.title}” published.",
        fallback=reverse("jobs:moderation"),
    )


@login_required
@require_POST
def vacancy_return(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "moderate")
    form = ReturnForm(request.POST, auto_id=f"id_v{vacancy.pk}_%s")
    done = form_submit(
        request,
        form,
        lambda data: services.vacancy_return(
            actor=request.user, vacancy=vacancy, reason=data["reason"]
        ),
        success=f"“{vacancy.title}” sent back to the employer with your note.",
    )
    if done.ok:
        return _next_or(request, reverse("jobs:moderation"))
    return _moderation_page(request, return_forms={vacancy.pk: form}, status=done.status)


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _REPORTS.get(request.user, "view", pk=pk)
    if not _REPORTS.allows(request.user, "decide", found):
        raise PermissionDeniedError("Only administrators decide listing reports.")
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose uphold or dismiss.")
        return redirect("jobs:moderation")
    uphold = form.cleaned_data["decision"] == "uphold"
    return _button(
        request,
        lambda: services.report_decide(actor=request.user, report=found, uphold=uphold),
        success="Report upheld: the listing is closed."
        if uphold
        else "Report dismissed: the listing stays up.",
        fallback=reverse("jobs:moderation"),
    )


@login_required
@require_POST
def employer_verify(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_detail(actor=request.user, pk=pk)
    if not _EMPLOYERS.allows(request.user, "verify", employer):
        raise PermissionDeniedError("Only administrators verify employers.")
    return _button(
        request,
        lambda: services.employer_verify(actor=request.user, employer=employer),
        success=f"{employer.name} verified: its members can now submit vacancies.",
        fallback=reverse("jobs:moderation"),
    )

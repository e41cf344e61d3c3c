"""Applications on both sides: a clinician's list and withdrawal; the application page,
where the employer also sees the applicant's profile, fit and shared transcript link and
moves the application on.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.credits import selectors as credit_selectors
from cmepath.jobs import selectors, services
from cmepath.jobs.choices import APPLICATION_NEXT, APPLICATION_OPEN
from cmepath.jobs.forms import MoveForm
from cmepath.jobs.models import Application
from cmepath.jobs.policies import ApplicationPolicy
from cmepath.jobs.views._common import _APPLICATIONS, _application_for, _button, _require_clinician


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    return render_page(
        request,
        "jobs/applications.html",
        {"applications": list(selectors.applications_for(actor=request.user))},
    )


def _application_page(
    request: HttpRequest,
    application: Application,
    *,
    move_form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    vacancy = application.vacancy
    is_applicant = application.user_id == user.pk
    is_employer = _APPLICATIONS.allows(user, "move", application)
    context: dict[str, Any] = {
        "application": application,
        "vacancy": vacancy,
        "events": list(application.events.select_related("actor").order_by("at", "pk")),
        "is_applicant": is_applicant,
        "is_employer": is_employer,
        "can_withdraw": is_applicant and application.status in APPLICATION_OPEN,
    }
    if is_employer:
        profile = getattr(application.user, "profile", None)
        context.update(
            profile=profile,
            match=selectors.vacancy_match(actor=application.user, vacancy=vacancy),
            share_link=application.share_link,
            now=timezone.now(),
            move_form=move_form
            if move_form is not None
            else (
                MoveForm(current=application.status)
                if APPLICATION_NEXT.get(application.status)
                else None
            ),
        )
    return render_page(request, "jobs/application.html", context, status=status)


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(actor=request.user, pk=pk)
    return _application_page(request, application)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "withdraw")
    return _button(
        request,
        lambda: services.application_withdraw(actor=request.user, application=application),
        success="Application withdrawn; the employer has been told.",
        fallback=reverse("jobs:application", args=[application.pk]),
    )


@login_required
@require_POST
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "move")
    form = MoveForm(request.POST, current=application.status)
    done = form_submit(
        request,
        form,
        lambda data: services.application_move(
            actor=request.user, application=application, status=data["status"], note=data["note"]
        ),
        success="Application moved on; the applicant gets an e-mail.",
    )
    if done.ok:
        return redirect("jobs:application", pk=application.pk)
    return _application_page(request, application, move_form=form, status=done.status)


@login_required
@require_GET
def application_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript the applicant attached, for the employer's members: the same rows
    as the share link shows, while the link is active (revoked or expired: 404). Licence
    numbers and completions are on it because the applicant chose to share them."""
    application = ApplicationPolicy().get(request.user, "move", pk=pk)
    link = selectors.application_share_link(application=application)
    response = render_page(
        request,
        "credits/shared.html",
        {"data": credit_selectors.shared_transcript(link=link), "link": link, "token": ""},
    )
    response["Cache-Control"] = "no-store"
    return response

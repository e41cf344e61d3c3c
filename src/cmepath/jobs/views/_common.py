"""What the jobs pages share: the policies they ask, the role checks (a signed-in user of
another role gets the 403 page saying who the page is for), loading a vacancy or an
application the user may act on (404 when they may not see it, 403 when they may not act),
and the small button post (run the service, flash its outcome, go back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from cmepath.core.errors import DomainError, PermissionDeniedError
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.jobs import selectors
from cmepath.jobs.choices import VacancyStatus
from cmepath.jobs.models import Application, Vacancy
from cmepath.jobs.policies import (
    ApplicationPolicy,
    EmployerPolicy,
    SavedSearchPolicy,
    VacancyPolicy,
    VacancyReportPolicy,
)

_VACANCIES = VacancyPolicy()
_EMPLOYERS = EmployerPolicy()
_APPLICATIONS = ApplicationPolicy()
_SAVED = SavedSearchPolicy()
_REPORTS = VacancyReportPolicy()
_CLOSED = (VacancyStatus.CLOSED, VacancyStatus.EXPIRED)


def _require_role(request: HttpRequest, role: str, what: str) -> None:
    """Signed-in users of another role get the 403 page saying who the page is for."""
    if role_of(request.user) != role:
        raise PermissionDeniedError(f"{what} The account you are signed in with cannot use it.")


def _require_clinician(request: HttpRequest) -> None:
    _require_role(request, Role.CLINICIAN, "This page is for clinicians.")


def _vacancy_for(request: HttpRequest, pk: int, *actions: str) -> Vacancy:
    """A vacancy the user may see (404 otherwise) and take one of ``actions`` on (403)."""
    vacancy = selectors.vacancy_detail(actor=request.user, pk=pk)
    if not any(_VACANCIES.allows(request.user, action, vacancy) for action in actions):
        raise PermissionDeniedError("You are not allowed to do that to this vacancy.")
    return vacancy


def _application_for(request: HttpRequest, pk: int, action: str) -> Application:
    application = selectors.application_detail(actor=request.user, pk=pk)
    if not _APPLICATIONS.allows(request.user, action, application):
        raise PermissionDeniedError("You are not allowed to do that to this application.")
    return application


def _next_or(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the button was on (``next``, same site only), else ``fallback``."""
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect(fallback)


def _button(
    request: HttpRequest, action: Callable[[], Any], *, success: str, fallback: str
) -> HttpResponse:
    """A small button post: run the service, flash its outcome, go back."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _next_or(request, fallback)

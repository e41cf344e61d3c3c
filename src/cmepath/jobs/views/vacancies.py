"""The vacancy page (JobPosting JSON-LD while it is public, the clinician's fit, apply,
report) and the employer's side of a vacancy: the create and edit forms, submitting for
review, closing, and the applicants with their fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.accounts import taxonomy
from cmepath.core.errors import DomainError, PermissionDeniedError
from cmepath.core.forms import form_add_domain_error, form_submit
from cmepath.core.htmx import render_page
from cmepath.core.vocabulary import STATES
from cmepath.credits.selectors import share_links_for
from cmepath.jobs import jsonld, reference, selectors, services
from cmepath.jobs.choices import (
    CME_EXPENSES,
    COMPACT_OF,
    CREDENTIALS,
    TRANSITIONS,
    VACANCY_PROFESSIONS,
    VISAS,
    VacancyStatus,
)
from cmepath.jobs.forms import ApplyForm, ReportForm, ReturnForm, VacancyForm
from cmepath.jobs.models import Application, Employer, Vacancy
from cmepath.jobs.validation import VACANCY_FIELDS, pay_law_problem
from cmepath.jobs.views._common import (
    _CLOSED,
    _EMPLOYERS,
    _VACANCIES,
    _button,
    _next_or,
    _vacancy_for,
)

# ------------------------------------------------------------------ the vacancy page


def _vacancy_values(vacancy: Vacancy) -> dict[str, Any]:
    values = {name: getattr(vacancy, name) for name in VACANCY_FIELDS}
    values["id"] = vacancy.pk
    return values


def _json_ld(request: HttpRequest, vacancy: Vacancy) -> SafeString:
    """The JobPosting JSON-LD of the page (the same as the JSON-LD export), safe inside
    ``<script>``: ``<``, ``>`` and ``&`` are written as JSON escapes, so no text of the
    listing can close the element."""
    data = selectors.posting_for(vacancy, base_url=request.build_absolute_uri("/"))
    # Reviewed: script_text writes < > & as JSON escapes, so the text cannot leave the
    # data block (test_pages renders a listing titled "</script><script>..." and reads
    # the markup back with extruct).
    safe = jsonld.script_text(data)
    return mark_safe(safe)  # noqa: S308  # nosec B308 B703  # nosemgrep: cmepath-mark-safe-variable


def _facts(vacancy: Vacancy) -> dict[str, Any]:
    """Labels for every coded field of a vacancy (the page never shows a raw code)."""
    term = taxonomy.get(vacancy.specialty) if vacancy.specialty else None

    def names(codes: list[str], labels: Mapping[str, str]) -> list[str]:
        return [labels.get(c, c) for c in codes]

    state_labels = {code: t.label for code, t in STATES.items()}
    return {
        "profession": VACANCY_PROFESSIONS.get(vacancy.profession, vacancy.profession),
        "specialty": term.display_name if term else "",
        "soc": reference.SOC_CODES.get(vacancy.soc_code, ""),
        "state": state_labels.get(vacancy.state, vacancy.state),
        "licence_states": names(vacancy.licence_states, state_labels),
        "remote_states": names(vacancy.remote_states, state_labels),
        "compact": COMPACT_OF.get(vacancy.profession, ""),
        "credentials": names(vacancy.credentials, CREDENTIALS),
        "visas": names(vacancy.visas, VISAS),
        "cme_expenses": names(vacancy.cme_expenses, CME_EXPENSES),
        "remote_note": jsonld.REMOTE_NOTE,
    }


def _closed_on(vacancy: Vacancy, today: date) -> date | None:
    """When a vacancy stopped taking applications, or None while it is open (a published
    vacancy past its expiry date counts as expired before the expiry task runs)."""
    if vacancy.status == VacancyStatus.PUBLISHED:
        if vacancy.expires_on is not None and vacancy.expires_on < today:
            return vacancy.expires_on
        return None
    if vacancy.status not in _CLOSED:
        return None
    if vacancy.status == VacancyStatus.EXPIRED and vacancy.expires_on is not None:
        return vacancy.expires_on
    last = selectors.vacancy_events(vacancy).filter(status=vacancy.status).order_by("-at").first()
    return last.at.date() if last else vacancy.updated_at.date()


def _active_links(user: Any) -> list[Any]:
    """The clinician's transcript share links that still open (the apply form's choices)."""
    return list(
        share_links_for(actor=user).filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), purpose=""
        )
    )


def _vacancy_page(
    request: HttpRequest,
    vacancy: Vacancy,
    *,
    apply_form: ApplyForm | None = None,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = selectors.today()
    facts = _facts(vacancy)
    closed_on = _closed_on(vacancy, today)
    public = vacancy.status == VacancyStatus.PUBLISHED and closed_on is None
    can_apply = public and _VACANCIES.allows(user, "apply", vacancy)
    can_change = _VACANCIES.allows(user, "change", vacancy)
    can_moderate = _VACANCIES.allows(user, "moderate", vacancy)
    links = _active_links(user) if can_apply else []
    applied = (
        selectors.applications_for(actor=user).filter(vacancy=vacancy).first()
        if can_apply
        else None
    )
    match = selectors.vacancy_match(actor=user, vacancy=vacancy, on=today) if can_apply else None
    context = {
        "vacancy": vacancy,
        "employer": vacancy.employer,
        "facts": facts,
        "closed_on": closed_on,
        "public": public,
        "json_ld": _json_ld(request, vacancy) if public else None,
        "match": match,
        "can_apply": can_apply,
        "applied": applied,
        "apply_form": apply_form or ApplyForm(links=links),
        "report_form": report_form or ReportForm(),
        "can_change": can_change,
        "can_moderate": can_moderate,
        "can_submit": can_change and vacancy.status in TRANSITIONS["submit"],
        "can_close": (can_change or can_moderate) and vacancy.status in TRANSITIONS["close"],
        "can_edit": can_change and vacancy.status not in _CLOSED,
        "can_publish": can_moderate and vacancy.status in TRANSITIONS["publish"],
        "return_form": ReturnForm(auto_id=f"id_v{vacancy.pk}_%s") if can_moderate else None,
        "pay_law": pay_law_problem(_vacancy_values(vacancy), on=today)
        if can_change and vacancy.status in (VacancyStatus.DRAFT, VacancyStatus.REVIEW)
        else None,
        "events": list(selectors.vacancy_events(vacancy)) if can_change or can_moderate else [],
    }
    if closed_on is not None and status == 200:
        status = 410
    return render_page(request, "jobs/vacancy.html", context, status=status)


@require_GET
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = selectors.vacancy_detail(actor=request.user, pk=pk)
    return _vacancy_page(request, vacancy)


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "apply")
    form = ApplyForm(request.POST, links=_active_links(request.user))

    def send(data: Mapping[str, Any]) -> Application:
        match = selectors.vacancy_match(actor=request.user, vacancy=vacancy)
        return services.application_create(
            actor=request.user,
            vacancy=vacancy,
            cover_note=data["cover_note"],
            share_link=form.chosen_link(),
            fit_score=match.score if match else 0,
        )

    done = form_submit(
        request,
        form,
        send,
        success="Application sent. The employer sees your verified profile; you will get an e-mail when they move it on.",
    )
    if done.ok and done.result is not None:
        return redirect("jobs:application", pk=done.result.pk)
    return _vacancy_page(request, vacancy, apply_form=form, status=done.status)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "report")
    form = ReportForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.vacancy_report(
            actor=request.user, vacancy=vacancy, reason=data["reason"], detail=data["detail"]
        ),
        success="Thank you: a moderator will look at this listing.",
    )
    if done.ok:
        return redirect("jobs:vacancy", pk=vacancy.pk)
    return _vacancy_page(request, vacancy, report_form=form, status=done.status)


# ------------------------------------------------------------------ the employer's vacancies


def _vacancy_form_page(
    request: HttpRequest,
    form: VacancyForm,
    *,
    employer: Employer,
    vacancy: Vacancy | None,
    status: int = 200,
) -> HttpResponse:
    today = selectors.today()
    return render_page(
        request,
        "jobs/vacancy_form.html",
        {
            "form": form,
            "employer": employer,
            "vacancy": vacancy,
            "pay_law": pay_law_problem(_vacancy_values(vacancy), on=today)
            if vacancy is not None and vacancy.status != VacancyStatus.PUBLISHED
            else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vacancy_create(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = selectors.employer_detail(actor=request.user, pk=employer_pk)
    if not _EMPLOYERS.allows(request.user, "post", employer):
        raise PermissionDeniedError(
            "Only this employer's administrators and recruiters post for it."
        )
    form = VacancyForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda _: services.vacancy_create(
            actor=request.user, employer=employer, data=form.service_data()
        ),
        success="Draft saved. Submit it for review when it is ready.",
    )
    if done.ok and done.result is not None:
        return redirect("jobs:vacancy", pk=done.result.pk)
    return _vacancy_form_page(request, form, employer=employer, vacancy=None, status=done.status)


@login_required
@require_http_methods(["GET", "POST"])
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "change")
    form = VacancyForm(request.POST or None, initial=VacancyForm.initial_for(vacancy))
    done = form_submit(
        request,
        form,
        lambda _: services.vacancy_update(
            actor=request.user, vacancy=vacancy, data=form.service_data()
        ),
        success="Vacancy saved.",
    )
    if done.ok:
        return redirect("jobs:vacancy", pk=vacancy.pk)
    return _vacancy_form_page(
        request, form, employer=vacancy.employer, vacancy=vacancy, status=done.status
    )


@login_required
@require_POST
def vacancy_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a draft to review. A refusal about a field (no pay range where the law asks for
    one) opens the edit form with the message next to that field."""
    vacancy = _vacancy_for(request, pk, "change")
    try:
        services.vacancy_submit(actor=request.user, vacancy=vacancy)
    except DomainError as exc:
        fields = VacancyForm.base_fields
        if exc.field in fields or any(name in fields for name in exc.errors):
            form = VacancyForm(_as_post(vacancy))
            form.is_valid()
            form_add_domain_error(form, exc)
            return _vacancy_form_page(
                request, form, employer=vacancy.employer, vacancy=vacancy, status=exc.status
            )
        messages.error(request, exc.message)
        return _next_or(request, reverse("jobs:vacancy", args=[vacancy.pk]))
    messages.success(
        request, "Submitted for review: an administrator checks it, then it is published."
    )
    return _next_or(request, reverse("jobs:vacancy", args=[vacancy.pk]))


def _as_post(vacancy: Vacancy) -> dict[str, Any]:
    """A vacancy's values as the form would post them (so the edit form shows them bound,
    with a service error next to its field)."""
    data: dict[str, Any] = {}
    for name in VacancyForm.base_fields:
        value = getattr(vacancy, name)
        if value is None or value is False:
            continue
        data[name] = list(value) if isinstance(value, list) else value
    return data


@login_required
@require_POST
def vacancy_close(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "change", "moderate")
    return _button(
        request,
        lambda: services.vacancy_close(actor=request.user, vacancy=vacancy),
        success=f"“{vacancy.title}” closed: it left search and takes no more applications.",
        fallback=reverse("jobs:vacancy", args=[vacancy.pk]),
    )


@login_required
@require_GET
def vacancy_applicants(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = _vacancy_for(request, pk, "change")
    applicants = selectors.applicants_for(actor=request.user, vacancy=vacancy)
    return render_page(
        request,
        "jobs/applicants.html",
        {
            "vacancy": vacancy,
            "applicants": [
                {
                    "applicant": a,
                    "top_reasons": sorted(a.match.reasons, key=lambda r: -r.points)[:3]
                    if a.match
                    else [],
                }
                for a in applicants
            ],
        },
    )

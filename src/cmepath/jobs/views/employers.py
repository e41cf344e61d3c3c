"""Employer pages: the public page with its open vacancies and CME benefit summary, the
employer's home (their employers and all their vacancies) and adding an employer.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import DomainError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.roles import Role
from cmepath.jobs import selectors, services
from cmepath.jobs.choices import TRANSITIONS, EmployerRole
from cmepath.jobs.forms import EmployerForm
from cmepath.jobs.views._common import _CLOSED, _EMPLOYERS, _require_role

#: Vacancies per page on an employer's public page.
EMPLOYER_PAGE_SIZE = 20


@require_GET
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_detail(actor=request.user, pk=pk)
    paginator = Paginator(selectors.employer_open_vacancies(employer), EMPLOYER_PAGE_SIZE)
    vacancies = paginator.get_page(request.GET.get("page"))
    return render_page(
        request,
        "jobs/employer.html",
        {
            "employer": employer,
            "summary": selectors.cme_benefit_summary(employer),
            "vacancies": vacancies,
            "cards": [{"vacancy": v} for v in vacancies],
            "can_post": _EMPLOYERS.allows(request.user, "post", employer),
            "can_verify": not employer.is_verified
            and _EMPLOYERS.allows(request.user, "verify", employer),
        },
    )


@login_required
@require_GET
def employer_home(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.EMPLOYER, "This page is for employers and recruiters.")
    employers = [
        {
            "employer": employer,
            "vacancies": list(
                selectors.employer_all_vacancies(actor=request.user, employer=employer)
            ),
            "can_post": _EMPLOYERS.allows(request.user, "post", employer),
            "can_manage": (manage := _EMPLOYERS.allows(request.user, "change", employer)),
            "members": selectors.employer_members(employer=employer) if manage else [],
        }
        for employer in selectors.employers_for(actor=request.user)
    ]
    return render_page(
        request,
        "jobs/employer_home.html",
        {
            "employers": employers,
            "transitions": TRANSITIONS,
            "closed": _CLOSED,
            "member_roles": EmployerRole.choices,
        },
    )


@login_required
@require_POST
def employer_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer's administrator adds an employer account as recruiter or administrator."""
    employer = _EMPLOYERS.get(request.user, "change", pk=pk)
    try:
        services.employer_member_add_by_email(
            actor=request.user,
            employer=employer,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Added.")
    return redirect("jobs:employer_home")


@login_required
@require_http_methods(["GET", "POST"])
def employer_create(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.EMPLOYER, "This page is for employers and recruiters.")
    form = EmployerForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.employer_create(actor=request.user, **data),
        success="Employer added. An administrator checks the legal name against the EIN or "
        "NPI before your vacancies can be published; you can write drafts meanwhile.",
    )
    if done.ok:
        return redirect("jobs:employer_home")
    return render_page(request, "jobs/employer_form.html", {"form": form}, status=done.status)

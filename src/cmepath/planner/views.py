"""Planner pages: the planner (form prefilled from the profile, the htmx result in place, saved
plans), one plan's page (items, coverage bars, timeline, greedy comparison, alternative,
re-plan when out of date), its iCalendar export and deletion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import DomainError, PermissionDeniedError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page

from . import selectors, services
from .forms import PlanForm
from .models import Plan
from .policies import may_plan


def _require_clinician(request: HttpRequest) -> None:
    if not may_plan(request.user):
        raise PermissionDeniedError(
            "The career planner is for clinicians: it reads your licences, record and CME "
            "allowance. The account you are signed in with cannot use it."
        )


#: Values a link may prefill in the planner form (a plan's "change the budget" link); they
#: are only shown in the form, which checks them when it is sent.
PREFILL = ("goal", "horizon_months", "budget", "days", "review_date")


def _form(
    request: HttpRequest, data: Any = None, prefill: Any = None
) -> tuple[PlanForm, selectors.PlanDefaults]:
    goals = selectors.goals_for(actor=request.user)
    defaults = selectors.plan_defaults(actor=request.user, goals=goals)
    initial: dict[str, Any] = {
        "goal": defaults.goal,
        "horizon_months": defaults.horizon_months,
        "budget": defaults.budget,
        "days": defaults.days,
        "review_date": defaults.review_date,
    }
    if prefill is not None:
        initial.update({k: str(prefill[k])[:40] for k in PREFILL if prefill.get(k)})
    form = PlanForm(data, initial=initial, goals=[(g.key, g.label) for g in goals])
    return form, defaults


def _planner_page(
    request: HttpRequest, form: PlanForm, defaults: selectors.PlanDefaults, status: int = 200
) -> HttpResponse:
    return render_page(
        request,
        "planner/planner.html",
        {
            "form": form,
            "defaults": defaults,
            "plans": list(selectors.plans_for(actor=request.user)[:20]),
            "goals": selectors.goals_for(actor=request.user),
        },
        partial="planner/partials/form.html",
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def planner(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    if request.method == "POST":
        form, defaults = _form(request, request.POST)
    else:
        form, defaults = _form(request, prefill=request.GET)
    done = form_submit(
        request,
        form,
        lambda data: services.plan_create(
            actor=request.user,
            goal_key=data["goal"],
            horizon_months=data["horizon_months"],
            budget=data["budget"],
            days=data["days"],
            review_date=data["review_date"],
            preferences=data["preferences"],
        ),
    )
    if done.ok and done.result is not None:
        url = reverse("planner:plan", args=[done.result.pk])
        if getattr(request, "htmx", False):
            return _plan_page(request, done.result, partial_only=True)
        return redirect(url)
    return _planner_page(request, form, defaults, done.status)


def _plan_page(request: HttpRequest, plan: Plan, *, partial_only: bool = False) -> HttpResponse:
    context = {"view": selectors.plan_view(plan=plan), "plan": plan}
    if partial_only:
        return render_page(request, "planner/partials/result.html", context)
    return render_page(request, "planner/plan.html", context)


@login_required
@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinician(request)
    return _plan_page(request, selectors.plan_detail(actor=request.user, pk=pk))


@login_required
@require_POST
def plan_replan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan again with the same inputs against today's catalog and record."""
    _require_clinician(request)
    old = selectors.plan_detail(actor=request.user, pk=pk)
    try:
        new = services.plan_replan(actor=request.user, plan=old)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("planner:plan", pk=old.pk)
    messages.success(request, "Planned again with today's catalog and record.")
    return redirect("planner:plan", pk=new.pk)


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinician(request)
    found = selectors.plan_detail(actor=request.user, pk=pk)
    label = str(found)
    services.plan_delete(actor=request.user, plan=found)
    messages.success(request, f"Deleted the {label}.")
    return redirect("planner:planner")


@login_required
@require_GET
def plan_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's items as an iCalendar file (RFC 5545) for any calendar program."""
    _require_clinician(request)
    found = selectors.plan_detail(actor=request.user, pk=pk)
    body = services.plan_calendar(plan=found, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cmepath-plan-{found.pk}.ics"'
    return response

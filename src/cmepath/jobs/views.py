"""Careers pages: vacancy search, the vacancy page (JobPosting JSON-LD, fit, apply, report),
"jobs for you", applications on both sides, saved searches and their unsubscribe link,
employer pages, the employer's area (vacancy forms, lifecycle, applicants) and moderation.

Every page works without JavaScript; htmx only swaps the search results (``render_page``
picks the partial). Each view asks the policies first: a row the user may not see answers
404, a row they see but may not act on 403; a refused service call re-renders the form with
its message and the error's status, or (small button posts) redirects with the message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.accounts import taxonomy
from cmepath.core.errors import DomainError, NotFoundError, PermissionDeniedError
from cmepath.core.forms import form_add_domain_error, form_submit
from cmepath.core.htmx import render_page
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.core.vocabulary import STATES
from cmepath.credits.selectors import share_links_for
from cmepath.search.selectors import FacetPanel, facet_groups

from . import jsonld, matching, reference, selectors, services, zipdata
from .choices import (
    APPLICATION_NEXT,
    APPLICATION_OPEN,
    CME_EXPENSES,
    COMPACT_OF,
    CREDENTIALS,
    TRANSITIONS,
    VACANCY_PROFESSIONS,
    VISAS,
    VacancyStatus,
)
from .forms import (
    ApplyForm,
    DecideForm,
    EmployerForm,
    MoveForm,
    ReportForm,
    ReturnForm,
    SavedSearchForm,
    VacancyForm,
)
from .models import Application, Employer, Vacancy
from .policies import (
    ApplicationPolicy,
    EmployerPolicy,
    SavedSearchPolicy,
    VacancyPolicy,
    VacancyReportPolicy,
)
from .search_docs import VACANCY
from .validation import VACANCY_FIELDS, pay_law_problem

_VACANCIES = VacancyPolicy()
_EMPLOYERS = EmployerPolicy()
_APPLICATIONS = ApplicationPolicy()
_SAVED = SavedSearchPolicy()
_REPORTS = VacancyReportPolicy()
_CLOSED = (VacancyStatus.CLOSED, VacancyStatus.EXPIRED)
#: Vacancies per page on an employer's public page.
EMPLOYER_PAGE_SIZE = 20


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


def _qs(params: QueryDict, **changes: str | None) -> str:
    """The query string of ``params`` with ``page`` dropped and each change applied."""
    out = params.copy()
    out.pop("page", None)
    for name, value in changes.items():
        out.pop(name, None)
        if value is not None:
            out[name] = value
    return out.urlencode()


def _top_reason(match: matching.Match | None) -> matching.Reason | None:
    if match is None or not match.reasons:
        return None
    return max(match.reasons, key=lambda r: r.points)


# ------------------------------------------------------------------ search


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    found = selectors.vacancy_search(
        actor=request.user, params=request.GET, getlist=request.GET.getlist
    )
    query, page = found.query, found.page
    clinician = role_of(request.user) == Role.CLINICIAN
    sorts = {
        key: label
        for key, label in selectors.SORTS.items()
        if (key != "match" or clinician) and (key != "distance" or found.zip_code)
    }
    base = _qs(request.GET)
    cards = [
        {
            "vacancy": v,
            "distance": page.distances.get(v.pk),
            "match": page.matches.get(v.pk),
            "top_reason": _top_reason(page.matches.get(v.pk)),
        }
        for v in page.vacancies
    ]
    # Filters without a facet box (an employer's page links to its listings) ride along.
    hidden = [
        (name, value)
        for name in selectors.FILTER_FIELDS
        if name not in selectors.SEARCH_FACETS
        for value in query.filters.get(name, ())
    ]
    context = {
        "query": query,
        "found": found,
        "values": found.values,
        "page": page,
        "cards": cards,
        "sorts": sorts,
        "clinician": clinician,
        "hidden_filters": hidden,
        "facet_panel": FacetPanel(
            groups=facet_groups(VACANCY, page.facets, query.filters, selectors.SEARCH_FACETS),
            css_class="catalog-facets jobs-facets",
            controls="jobs/partials/search_controls.html",
        ),
        "base_qs": base,
        "prev_qs": f"{base}&page={page.page - 1}" if page.page > 1 else None,
        "next_qs": f"{base}&page={page.page + 1}" if page.page < page.pages else None,
        "save_form": SavedSearchForm(initial={"query": base}) if clinician else None,
        "attribution": zipdata.ATTRIBUTION,
    }
    return render_page(request, "jobs/search.html", context, partial="jobs/partials/results.html")


@login_required
@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    found = selectors.jobs_for_you(actor=request.user)
    return render_page(
        request,
        "jobs/for_you.html",
        {"results": [{"vacancy": v, "match": m} for v, m in found]},
    )


# ------------------------------------------------------------------ the vacancy page


def _vacancy_values(vacancy: Vacancy) -> dict[str, Any]:
    values = {name: getattr(vacancy, name) for name in VACANCY_FIELDS}
    values["id"] = vacancy.pk
    return values


def _json_ld(request: HttpRequest, vacancy: Vacancy, facts: Mapping[str, Any]) -> SafeString:
    """The JobPosting JSON-LD, safe inside ``<script>``: ``<``, ``>`` and ``&`` are written
    as JSON escapes, so no text of the listing can close the element."""
    employer = vacancy.employer
    data = jsonld.build_job_posting(
        _vacancy_values(vacancy),
        employer={"name": employer.name, "website": employer.website},
        url=request.build_absolute_uri(reverse("jobs:vacancy", args=[vacancy.pk])),
        specialty_label=facts["specialty"],
        soc_label=facts["soc"],
    )
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above; JSON inside a data block


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
        share_links_for(actor=user).filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
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
        "json_ld": _json_ld(request, vacancy, facts) if public else None,
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


# ------------------------------------------------------------------ applications


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


# ------------------------------------------------------------------ saved searches


def _saved_page(
    request: HttpRequest, form: SavedSearchForm | None = None, status: int = 200
) -> HttpResponse:
    return render_page(
        request,
        "jobs/saved.html",
        {"searches": list(selectors.saved_searches_for(actor=request.user)), "form": form},
        status=status,
    )


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    return _saved_page(request)


@login_required
@require_POST
def saved_create(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    form = SavedSearchForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.saved_search_create(
            actor=request.user,
            name=data["name"],
            query=data["query"] or "",
            frequency=data["frequency"],
        ),
    )
    if done.ok and done.result is not None:
        messages.success(
            request,
            f"Search “{done.result.name}” saved; new matching vacancies are e-mailed to you "
            f"{done.result.get_frequency_display().lower()}.",
        )
        return redirect("jobs:saved")
    return _saved_page(request, form, done.status)


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved_search = _SAVED.get(request.user, "delete", pk=pk)
    name = saved_search.name
    return _button(
        request,
        lambda: services.saved_search_delete(actor=request.user, saved=saved_search),
        success=f"Saved search “{name}” deleted.",
        fallback=reverse("jobs:saved"),
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every alert e-mail: works without signing in; a GET only asks, the
    button (POST) turns the alerts off. The token is the credential."""
    if request.method == "POST":
        found = services.saved_search_unsubscribe(token=token)
        done = found is not None
    else:
        try:
            found = selectors.saved_search_by_token(token)
        except NotFoundError:
            found = None
        done = False
    if found is None:
        return render_page(request, "jobs/unsubscribe.html", {"saved": None}, status=404)
    response = render_page(request, "jobs/unsubscribe.html", {"saved": found, "done": done})
    response["Referrer-Policy"] = "no-referrer"  # keep the token out of Referer headers
    return response


# ------------------------------------------------------------------ employers


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
        }
        for employer in selectors.employers_for(actor=request.user)
    ]
    return render_page(
        request,
        "jobs/employer_home.html",
        {"employers": employers, "transitions": TRANSITIONS, "closed": _CLOSED},
    )


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


# ------------------------------------------------------------------ moderation


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

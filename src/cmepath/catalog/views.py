"""Catalog pages: search, activity, wishlist, and the provider area (activities, outcomes, import).

Every page works without JavaScript; htmx only swaps the results of the search form and
the wishlist button (``render_page`` picks the partial).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import DomainError
from cmepath.core.forms import form_add_domain_error
from cmepath.core.htmx import render_page
from cmepath.core.vocabulary import COMPETENCIES, CREDIT_TYPES, PROFESSIONS, TOPICS

from . import policies, selectors, services
from .choices import (
    MAX_IMPORT_BYTES,
    MOC_BOARDS,
    SEARCH_FACETS,
    SORT_LABELS,
    Accreditor,
    ActivityFormat,
    Delivery,
)
from .forms import ActivityForm, CohortOutcomeForm, ImportForm
from .importers import ImportFileError, guess_format

FACET_LABELS = {
    "profession": "Profession",
    "credit_type": "Credit type",
    "topics": "Topic",
    "mandated_topic": "Mandated topic",
    "format": "Format",
    "delivery": "Delivery",
    "state": "State",
    "cost_range": "Cost (USD)",
    "accreditor": "Accreditor",
    "moore_level": "Outcomes measured at Moore level",
    "interprofessional": "Interprofessional",
    "no_commercial_support": "No commercial support",
    "moc": "Counts for MOC",
}
_VALUE_LABELS: dict[str, dict[str, str]] = {
    "profession": {k: t.label for k, t in PROFESSIONS.items()},
    "credit_type": {k: t.label for k, t in CREDIT_TYPES.items()},
    "topics": {k: t.label for k, t in TOPICS.items()},
    "mandated_topic": {k: t.label for k, t in TOPICS.items()},
    "format": dict(ActivityFormat.choices),
    "delivery": dict(Delivery.choices),
    "accreditor": {k: str(v).split(" (")[0] for k, v in Accreditor.choices},
    "interprofessional": {"yes": "Yes", "no": "No"},
    "no_commercial_support": {"yes": "Yes", "no": "No (supported)"},
    "moc": {"yes": "Yes", "no": "No"},
}
FACET_SHOWN = 12  # values per facet before "more" (the rest stay in a <details>)


def value_label(facet: str, value: str) -> str:
    return _VALUE_LABELS.get(facet, {}).get(value, value)


def _facet_groups(
    page: selectors.CatalogPage, query: selectors.CatalogQuery
) -> list[dict[str, Any]]:
    groups = []
    for name in SEARCH_FACETS:
        if name == "moore_level":
            continue
        chosen = set(query.filters.get(name, ()))
        counts = dict(page.facets.get(name, []))
        values = [*counts, *sorted(chosen - set(counts))]
        options = [
            {
                "value": v,
                "label": value_label(name, v),
                "count": counts.get(v, 0),
                "checked": v in chosen,
            }
            for v in values
        ]
        if name in ("interprofessional", "no_commercial_support", "moc"):
            options = [o for o in options if o["value"] == "yes"]
        if options:
            groups.append(
                {
                    "name": name,
                    "label": FACET_LABELS[name],
                    "shown": options[:FACET_SHOWN],
                    "more": options[FACET_SHOWN:],
                }
            )
    return groups


def _moore_options(
    page: selectors.CatalogPage, query: selectors.CatalogQuery
) -> list[dict[str, Any]]:
    counts = {int(v): c for v, c in page.facets.get("moore_level", []) if v.isdigit()}
    return [
        {
            "value": level,
            "count": sum(c for lv, c in counts.items() if lv >= level),
            "selected": query.moore_min == level,
        }
        for level in range(1, 8)
    ]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query, notes = selectors.catalog_query(request.GET, request.GET.getlist)
    page = selectors.activity_search(actor=request.user, query=query, notes=notes)
    saved = selectors.wishlist_ids(actor=request.user, activity_ids=[a.pk for a in page.activities])
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    context = {
        "query": query,
        "page": page,
        "facet_groups": _facet_groups(page, query),
        "moore_options": _moore_options(page, query),
        "sorts": SORT_LABELS,
        "saved": saved,
        "base_qs": base,
        "prev_qs": f"{base}&page={page.page - 1}" if page.page > 1 else None,
        "next_qs": f"{base}&page={page.page + 1}" if page.page < page.pages else None,
        "credit_labels": _VALUE_LABELS["credit_type"],
    }
    return render_page(
        request, "catalog/search.html", context, partial="catalog/partials/results.html"
    )


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(actor=request.user, pk=pk)
    context = {
        "activity": activity,
        "saved": pk in selectors.wishlist_ids(actor=request.user, activity_ids=[pk]),
        "can_edit": policies.activities.allows(request.user, "change", activity),
        "credit_labels": _VALUE_LABELS["credit_type"],
        "topic_labels": [
            (t, TOPICS[t].label, TOPICS[t].mandated) for t in activity.topics if t in TOPICS
        ],
        "profession_labels": [
            PROFESSIONS[p].label for p in activity.professions if p in PROFESSIONS
        ],
        "competency_labels": [
            COMPETENCIES[c].label for c in activity.competencies if c in COMPETENCIES
        ],
        "moc_labels": [MOC_BOARDS.get(b, b) for b in activity.moc_boards],
        "accreditor": services.accreditor_name(activity.provider.accreditor),
    }
    return render_page(request, "catalog/activity.html", context)


@login_required
@require_POST
def wishlist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    activity = policies.activities.get(request.user, "view", pk=pk)
    if request.POST.get("action") == "remove":
        services.wishlist_remove(actor=request.user, activity_id=activity.pk)
        saved = False
    else:
        services.wishlist_add(actor=request.user, activity=activity)
        saved = True
    if request.htmx:  # type: ignore[attr-defined]
        return render_page(
            request, "catalog/partials/wishlist_button.html", {"activity": activity, "saved": saved}
        )
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect("catalog:activity", pk=activity.pk)


@login_required
@require_GET
def wishlist(request: HttpRequest) -> HttpResponse:
    items = list(selectors.wishlist_for(actor=request.user))
    return render_page(
        request,
        "catalog/wishlist.html",
        {"items": items, "credit_labels": _VALUE_LABELS["credit_type"]},
    )


# ------------------------------------------------------------------ provider area


@login_required
@require_GET
def provider_home(request: HttpRequest) -> HttpResponse:
    providers = list(selectors.providers_for(actor=request.user))
    provider = None
    wanted = request.GET.get("provider")
    if providers:
        provider = next((p for p in providers if str(p.pk) == wanted), providers[0])
    activities = None
    if provider is not None:
        paginator = Paginator(
            selectors.provider_activities(actor=request.user, provider=provider), 50
        )
        activities = paginator.get_page(request.GET.get("page"))
    return render_page(
        request,
        "catalog/provider_home.html",
        {
            "providers": providers,
            "provider": provider,
            "activities": activities,
            "imports": selectors.provider_imports(actor=request.user, provider=provider)
            if provider
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, provider_pk: int) -> HttpResponse:
    provider = policies.providers.get(request.user, "change", pk=provider_pk)
    form = ActivityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity = services.activity_create(
                    actor=request.user, provider=provider, data=form.service_data()
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "Activity added.")
                return redirect("catalog:activity_edit", pk=activity.pk)
        else:
            status = 422
    return render_page(
        request,
        "catalog/activity_form.html",
        {"form": form, "provider": provider, "activity": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_change(actor=request.user, pk=pk)
    form = ActivityForm(request.POST or None, initial=ActivityForm.initial_for(activity))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_update(
                    actor=request.user, activity=activity, data=form.service_data()
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "Activity saved.")
                return redirect("catalog:activity_edit", pk=activity.pk)
        else:
            status = 422
    return render_page(
        request,
        "catalog/activity_form.html",
        {
            "form": form,
            "provider": activity.provider,
            "activity": activity,
            "outcome_form": CohortOutcomeForm(),
        },
        status=status,
    )


@login_required
@require_POST
def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_change(actor=request.user, pk=pk)
    form = CohortOutcomeForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.cohort_outcome_record(
                actor=request.user, activity=activity, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, "Cohort outcomes recorded; the value score is updated.")
            return redirect("catalog:activity_edit", pk=activity.pk)
    return render_page(
        request,
        "catalog/activity_form.html",
        {
            "form": ActivityForm(initial=ActivityForm.initial_for(activity)),
            "provider": activity.provider,
            "activity": activity,
            "outcome_form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, provider_pk: int) -> HttpResponse:
    provider = policies.providers.get(request.user, "import", pk=provider_pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = form.cleaned_data["file_format"] or guess_format(upload.name or "")
            if upload.size > MAX_IMPORT_BYTES:
                form.add_error(
                    "file",
                    "The file is larger than 10 MB; split it, or ask an admin to use the CLI.",
                )
            elif fmt is None:
                form.add_error(
                    "file_format",
                    "Choose the format: the file name does not end in .csv, .json or .txt.",
                )
            else:
                try:
                    report = services.activity_import(
                        source=upload.read(),
                        file_format=fmt,
                        provider=provider,
                        actor=request.user,
                        filename=upload.name or "",
                    )
                except ImportFileError as exc:
                    form.add_error("file", exc.message)
                else:
                    return redirect(
                        f"{reverse('catalog:import', args=[provider.pk])}?{urlencode({'run': report.run_id})}"
                    )
    run = None
    if request.GET.get("run", "").isdigit():
        run = selectors.import_run(
            actor=request.user, provider=provider, pk=int(request.GET["run"])
        )
    return render_page(
        request,
        "catalog/import.html",
        {
            "form": form,
            "provider": provider,
            "run": run,
            "imports": selectors.provider_imports(actor=request.user, provider=provider),
        },
        status=status,
    )

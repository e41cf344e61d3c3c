"""Catalog pages: search, activity, wishlist, and the provider area (activities, outcomes, import).

Every page works without JavaScript; htmx only swaps the results of the search form and
the wishlist button (``render_page`` picks the partial).

For a signed-in clinician the search, activity and wishlist pages also say what each
activity counts toward: how much of the requirement a "Find CME for this" link was opened
for (``?gap=<regime>:<requirement>``) it would close, and when it counts for none of their
rules, why. Those rules are the credits app's, which sits above the catalog: the pages ask
``credits.selectors`` (pages compose; the catalog's models and selectors never import it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import ValidationError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.uploads import max_upload_bytes, max_upload_text
from cmepath.core.vocabulary import COMPETENCIES, PROFESSIONS, TOPICS
from cmepath.credits import selectors as credit_selectors
from cmepath.search.selectors import FacetPanel, facet_groups

from . import policies, selectors, services
from .choices import ENDED_SHOW, MOC_BOARDS, SEARCH_FACETS, SORT_LABELS, accreditor_name
from .forms import ActivityForm, CohortOutcomeForm, ImportForm
from .importers import ImportFileError, guess_format
from .models import Activity
from .search_docs import ACTIVITY

#: Credit type labels of the result cards and the activity page.
CREDIT_LABELS = ACTIVITY.value_labels["credit_type"]


def _moore_options(page: selectors.CatalogPage, moore_min: int | None) -> list[dict[str, Any]]:
    counts = {int(v): c for v, c in page.facets.get("moore_level", []) if v.isdigit()}
    return [
        {
            "value": level,
            "count": sum(c for lv, c in counts.items() if lv >= level),
            "selected": moore_min == level,
        }
        for level in range(1, 8)
    ]


def _qs(params: QueryDict, **changes: str | None) -> str:
    """The query string of ``params`` with ``page`` dropped and each change applied (a
    value replaces the parameter, ``None`` removes it)."""
    out = params.copy()
    out.pop("page", None)
    for name, value in changes.items():
        out.pop(name, None)
        if value is not None:
            out[name] = value
    return out.urlencode()


def _applied_defaults(
    params: QueryDict, defaults: selectors.SearchDefaults
) -> list[dict[str, str]]:
    """The defaults the page applied, each with the link that lifts it (chips above the
    results)."""
    chips = []
    if defaults.profession:
        chips.append(
            {
                "label": f"{defaults.profession_label}, from your profile",
                "action": "All professions",
                "qs": _qs(params, profession=""),
            }
        )
    if defaults.hide_ended and defaults.ended_by_default:
        chips.append(
            {
                "label": "Current and upcoming dates",
                "action": "Show ended activities",
                "qs": _qs(params, ended=ENDED_SHOW),
            }
        )
    return chips


def _counting(
    actor: Any,
    activities: list[Activity],
    gap: str = "",
    *,
    progress: bool = True,
    amounts: dict[int, dict[str, float]] | None = None,
) -> tuple[credit_selectors.GapFocus | None, dict[int, credit_selectors.CountNote]]:
    """For a signed-in clinician: the requirement ``gap`` names (or why not) and, per
    activity, what it counts toward. A fixed number of queries whatever the number of
    activities; for anyone else nothing, not even a query.

    ``progress``: the clinician's completions are read, for the open requirements an
    activity counts toward and how much; without it and without a ``gap`` only "does not
    count" is worked out, which needs neither the completions nor the amounts (a designated
    amount is positive, so holding a credit type is what counts). Otherwise the
    designations are read in one query, unless ``amounts`` are given."""
    wanted = bool(gap.strip())
    progress = progress or wanted
    accept = credit_selectors.requirements_accept(actor=actor, progress=progress)
    if accept is None:
        return None, {}
    focus = credit_selectors.gap_focus(accept, gap) if wanted else None
    if amounts is None:
        amounts = (
            selectors.credit_amounts(activity_ids=[a.pk for a in activities])
            if progress
            else {a.pk: dict.fromkeys(a.credit_types or (), float(a.credits)) for a in activities}
        )
    credits = [
        credit_selectors.ActivityCredits(a.pk, amounts.get(a.pk, {}), frozenset(a.topics or ()))
        for a in activities
    ]
    notes = credit_selectors.count_notes(accept, credits, focus.target if focus else None)
    return focus, notes


def _date_chip(day: Any) -> str:
    return f"ends by {day:%b} {day.day}, {day.year}"


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    found = selectors.catalog_search(
        actor=request.user, params=request.GET, getlist=request.GET.getlist
    )
    query, page, defaults = found.query, found.page, found.defaults
    saved = selectors.wishlist_ids(actor=request.user, activity_ids=[a.pk for a in page.activities])
    focus, notes = _counting(
        request.user, page.activities, str(request.GET.get("gap") or ""), progress=False
    )
    base = _qs(request.GET)
    ends_by = found.values.get("ends_by")
    context = {
        "query": query,
        "values": found.values,
        "page": page,
        "defaults": defaults,
        "applied_defaults": _applied_defaults(request.GET, defaults),
        "show_ended": not defaults.hide_ended,
        "suggestion": found.suggestion,
        "suggestion_qs": _qs(request.GET, q=found.suggestion) if found.suggestion else "",
        "facet_panel": FacetPanel(
            groups=facet_groups(ACTIVITY, page.facets, query.filters, SEARCH_FACETS),
            css_class="catalog-facets",
            controls="catalog/partials/search_controls.html",
        ),
        "moore_options": _moore_options(page, found.values["moore_min"]),
        "sorts": SORT_LABELS,
        "saved": saved,
        "base_qs": base,
        "prev_qs": f"{base}&page={page.page - 1}" if page.page > 1 else None,
        "next_qs": f"{base}&page={page.page + 1}" if page.page < page.pages else None,
        "credit_labels": CREDIT_LABELS,
        "results": [(a, notes.get(a.pk)) for a in page.activities],
        "gap_focus": focus,
        "ends_by_label": _date_chip(ends_by) if ends_by else "",
        "ends_by_clear_qs": _qs(request.GET, ends_by=None),
    }
    return render_page(
        request, "catalog/search.html", context, partial="catalog/partials/results.html"
    )


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(actor=request.user, pk=pk)
    _, notes = _counting(
        request.user,
        [activity],
        amounts={
            activity.pk: {d.credit_type: float(d.amount) for d in activity.designations.all()}
        },
    )
    context = {
        "activity": activity,
        "count_note": notes.get(activity.pk),
        "score": selectors.activity_score(
            actor=request.user, activity=activity, goal=request.GET.get("goal")
        ),
        "ended": activity.end_date < selectors.today_utc(),
        "saved": pk in selectors.wishlist_ids(actor=request.user, activity_ids=[pk]),
        "can_edit": policies.activities.allows(request.user, "change", activity),
        "credit_labels": CREDIT_LABELS,
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
        "accreditor": accreditor_name(activity.provider.accreditor),
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
    _, notes = _counting(request.user, [item.activity for item in items])
    return render_page(
        request,
        "catalog/wishlist.html",
        {
            "items": [(item, notes.get(item.activity_id)) for item in items],
            "credit_labels": CREDIT_LABELS,
        },
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
    done = form_submit(
        request,
        form,
        lambda _: services.activity_create(
            actor=request.user, provider=provider, data=form.service_data()
        ),
        success="Activity added.",
    )
    if done.ok and done.result is not None:
        return redirect("catalog:activity_edit", pk=done.result.pk)
    return render_page(
        request,
        "catalog/activity_form.html",
        {"form": form, "provider": provider, "activity": None},
        status=done.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_change(actor=request.user, pk=pk)
    form = ActivityForm(request.POST or None, initial=ActivityForm.initial_for(activity))
    done = form_submit(
        request,
        form,
        lambda _: services.activity_update(
            actor=request.user, activity=activity, data=form.service_data()
        ),
        success="Activity saved.",
    )
    if done.ok:
        return redirect("catalog:activity_edit", pk=activity.pk)
    return render_page(
        request,
        "catalog/activity_form.html",
        {
            "form": form,
            "provider": activity.provider,
            "activity": activity,
            "outcome_form": CohortOutcomeForm(),
        },
        status=done.status,
    )


@login_required
@require_POST
def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_for_change(actor=request.user, pk=pk)
    form = CohortOutcomeForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.cohort_outcome_record(actor=request.user, activity=activity, **data),
        success="Cohort outcomes recorded; the value score is updated.",
    )
    if done.ok:
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
        status=done.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, provider_pk: int) -> HttpResponse:
    provider = policies.providers.get(request.user, "import", pk=provider_pk)
    form = ImportForm(request.POST or None, request.FILES or None)

    def load(data: Mapping[str, Any]) -> services.ImportReport:
        upload = data["file"]
        fmt = data["file_format"] or guess_format(upload.name or "")
        if upload.size > max_upload_bytes():
            raise ValidationError(
                f"The file is larger than {max_upload_text()}; split it, or ask an admin to "
                "use the CLI.",
                field="file",
            )
        if fmt is None:
            raise ValidationError(
                "Choose the format: the file name does not end in .csv, .json or .txt.",
                field="file_format",
            )
        try:
            return services.activity_import(
                source=upload.read(),
                file_format=fmt,
                provider=provider,
                actor=request.user,
                filename=upload.name or "",
            )
        except ImportFileError as exc:  # the whole file is unusable: say so next to it
            raise ValidationError(exc.message, field="file") from None

    done = form_submit(request, form, load)
    if done.ok and done.result is not None:
        return redirect(
            f"{reverse('catalog:import', args=[provider.pk])}?{urlencode({'run': done.result.run_id})}"
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
        status=done.status,
    )

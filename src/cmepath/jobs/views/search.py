"""Vacancy search (facets, sorts, each card's fit for a clinician; htmx swaps only the
results) and "jobs for you", the vacancies that fit a clinician best.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.http import require_GET

from cmepath.core import zipdata
from cmepath.core.htmx import render_page
from cmepath.core.policy import role_of
from cmepath.core.roles import Role
from cmepath.jobs import matching, selectors
from cmepath.jobs.forms import SavedSearchForm
from cmepath.jobs.search_docs import VACANCY
from cmepath.jobs.views._common import _require_clinician
from cmepath.search.selectors import FacetPanel, facet_groups


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

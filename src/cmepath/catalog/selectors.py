"""Reads on the catalog, always through the policies.

Search goes to the search layer (``cmepath.search``) for ids, facet counts and the total,
then loads the rows of that page from the database in one query (for permissions and
freshness), keeping the search order. The query comes from the search app's
``query_from_params`` (page) or from the API's typed parameters; both use
:data:`SEARCH_RANGES`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from cmepath.core.errors import NotFoundError
from cmepath.search.backends import search_backend
from cmepath.search.base import SearchQuery
from cmepath.search.selectors import ParsedQuery, RangeParam, query_from_params

from . import policies
from .choices import FILTER_FIELDS, PAGE_SIZE, SEARCH_FACETS
from .models import Activity, ActivityImport, CohortOutcome, Provider, WishlistItem
from .search_docs import ACTIVITY

#: The range parameters of the search page and the API, and the fields they bound.
SEARCH_RANGES = {
    "starts_after": RangeParam("start_date", "min", "date"),
    "moore_min": RangeParam("moore_level", "min", "int"),
    "cost_max": RangeParam("cost", "max", "float"),
    "credits_min": RangeParam("credits", "min", "float"),
}


@dataclass(frozen=True, slots=True)
class CatalogPage:
    total: int
    activities: list[Activity]
    facets: dict[str, list[tuple[str, int]]]
    message: str | None
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size)) if self.page_size else 1


def activity_query(
    params: Mapping[str, Any], getlist: Any = None, *, page_size: int = PAGE_SIZE
) -> ParsedQuery:
    """The search page's query from its request parameters; never raises: bad values are
    dropped and named in the notes. ``getlist(name)`` returns every value of a repeated
    parameter (``QueryDict.getlist``)."""
    return query_from_params(
        ACTIVITY,
        params,
        getlist=getlist,
        filters=FILTER_FIELDS,
        ranges=SEARCH_RANGES,
        facets=SEARCH_FACETS,
        page_size=page_size,
    )


# What a result shows (search page cards and the API's summaries): a page loads these and no
# more (descriptions, disclosures and the score breakdown are the detail page's).
SUMMARY_FIELDS = (
    "id",
    "title",
    "provider__name",
    "format",
    "delivery",
    "start_date",
    "end_date",
    "city",
    "state",
    "cost",
    "credits",
    "credit_types",
    "value_score",
    "url",
    "status",
)


def activity_search(
    *,
    actor: Any,
    query: SearchQuery,
    notes: Sequence[str] = (),
) -> CatalogPage:
    """One page of published activities matching ``query``, with facet counts.

    Two steps, one database query: the index answers ids, total and facets; the rows of
    the page are loaded by id through the policy and put back in the index's order.
    """
    result = search_backend(ACTIVITY).search(query)
    ids = [int(h.id) for h in result.hits if h.id.isdigit()]
    rows: dict[int, Activity] = {}
    if ids:
        # order_by(): no ORDER BY, so the database looks rows up by primary key instead of
        # walking the value_score index of the default ordering
        rows = {
            a.pk: a
            for a in policies.activities.visible(actor, "view")
            .filter(pk__in=ids)
            .select_related("provider")
            .only(*SUMMARY_FIELDS)
            .order_by()
        }
    message = " ".join([*notes, result.message or ""]).strip() or None
    return CatalogPage(
        total=result.total,
        activities=[rows[i] for i in ids if i in rows],
        facets=result.facets,
        message=message,
        page=query.page,
        page_size=query.page_size,
    )


def activity_detail(*, actor: Any, pk: int) -> Activity:
    """One activity the actor may see, with designations, support, outcomes and provider."""
    qs = (
        policies.activities.visible(actor, "view")
        .select_related("provider")
        .prefetch_related(
            "designations",
            "commercial_support",
            Prefetch("cohort_outcomes", queryset=CohortOutcome.objects.order_by("-period_end")),
        )
    )
    try:
        return qs.get(pk=pk)
    except Activity.DoesNotExist:
        raise NotFoundError("This activity does not exist or is not published.") from None


def activity_for_change(*, actor: Any, pk: int) -> Activity:
    """An activity the actor may edit (404 otherwise), with its designations and support."""
    activity = policies.activities.get(actor, "change", pk=pk)
    return (
        Activity.objects.select_related("provider")
        .prefetch_related("designations", "commercial_support", "cohort_outcomes")
        .get(pk=activity.pk)
    )


def providers_for(*, actor: Any) -> QuerySet[Provider]:
    """Providers the actor may manage."""
    return policies.providers.visible(actor, "change").order_by("name")


def provider_activities(*, actor: Any, provider: Provider) -> QuerySet[Activity]:
    return (
        policies.activities.visible(actor, "change")
        .filter(provider=provider)
        .order_by("-start_date", "pk")
    )


def provider_imports(*, actor: Any, provider: Provider, limit: int = 10) -> list[ActivityImport]:
    if not policies.providers.allows(actor, "import", provider):
        return []
    return list(
        ActivityImport.objects.filter(provider=provider).order_by("-created_at", "-pk")[:limit]
    )


def import_run(*, actor: Any, provider: Provider, pk: int) -> ActivityImport:
    if not policies.providers.allows(actor, "import", provider):
        raise NotFoundError("No such import.")
    run = ActivityImport.objects.filter(pk=pk, provider=provider).first()
    if run is None:
        raise NotFoundError("No such import for this provider.")
    return run


def wishlist_for(*, actor: Any) -> QuerySet[WishlistItem]:
    return policies.wishlist.visible(actor).select_related("activity__provider")


def wishlist_ids(*, actor: Any, activity_ids: Iterable[int] | None = None) -> set[int]:
    """Ids of activities on the actor's wishlist (limited to ``activity_ids`` if given)."""
    if not getattr(actor, "is_authenticated", False):
        return set()
    qs = policies.wishlist.visible(actor)
    if activity_ids is not None:
        wanted = list(activity_ids)
        if not wanted:
            return set()
        qs = qs.filter(activity_id__in=wanted)
    return set(qs.values_list("activity_id", flat=True))

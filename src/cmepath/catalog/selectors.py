"""Reads on the catalog, always through the policies.

Search goes to the search layer (``cmepath.search``) for ids, facet counts and the total,
then loads the rows of that page from the database in one query (for permissions and
freshness), keeping the search order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from cmepath.core.errors import NotFoundError
from cmepath.search import ACTIVITY, Range, SearchQuery, TantivyBackend

from . import policies
from .choices import FILTER_FIELDS, PAGE_SIZE, SEARCH_FACETS, SEARCH_SORTS
from .models import Activity, ActivityImport, CohortOutcome, Provider, WishlistItem

_backends: dict[str, TantivyBackend] = {}

#: Incremental writes are small: a modest heap and one thread keep the worker light.
INDEX_WRITER_HEAP = 64_000_000


def search_backend() -> TantivyBackend:
    """The activity index under ``CMEPATH_SEARCH_DIR`` (one reader per process, reused)."""
    root = str(settings.CMEPATH_SEARCH_DIR)
    backend = _backends.get(root)
    if backend is None:
        backend = _backends[root] = TantivyBackend(
            ACTIVITY, root, writer_heap=INDEX_WRITER_HEAP, writer_threads=1
        )
    return backend


@dataclass(frozen=True, slots=True)
class CatalogQuery:
    """What a clinician asked the catalog: the page form and the API build the same thing."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    moore_min: int | None = None
    cost_max: float | None = None
    credits_min: float | None = None
    starts_after: date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE


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


def catalog_query(params: Mapping[str, Any], getlist: Any = None) -> tuple[CatalogQuery, list[str]]:
    """Build a query from request parameters; never raises: bad values are dropped and named.

    ``getlist(name)`` returns every value of a repeated parameter (``QueryDict.getlist``).
    """
    notes: list[str] = []

    def many(name: str) -> list[str]:
        raw = getlist(name) if getlist else params.get(name, [])
        values = raw if isinstance(raw, list | tuple) else [raw]
        return [str(v)[:100] for v in values if v not in (None, "")][:50]

    def number(name: str, kind: type) -> Any:
        raw = params.get(name)
        if raw in (None, ""):
            return None
        try:
            value = kind(str(raw))
        except (TypeError, ValueError):
            notes.append(f"{name}={str(raw)[:30]!r} is not a number and was ignored.")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            notes.append(f"{name} must be a finite number and was ignored.")
            return None
        return value

    filters = {name: many(name) for name in FILTER_FIELDS}
    sort = str(params.get("sort") or "relevance")
    if sort not in SEARCH_SORTS:
        notes.append(f"Unknown sort {sort[:30]!r}; sorted by best match.")
        sort = "relevance"
    starts_after = None
    raw_date = params.get("starts_after")
    if raw_date:
        try:
            starts_after = date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            notes.append("starts_after must be a date (YYYY-MM-DD) and was ignored.")
    page = number("page", int) or 1
    query = CatalogQuery(
        text=str(params.get("q") or ""),
        filters={k: v for k, v in filters.items() if v},
        moore_min=number("moore_min", int),
        cost_max=number("cost_max", float),
        credits_min=number("credits_min", float),
        starts_after=starts_after,
        sort=sort,
        page=max(1, min(page, 10_000)),
    )
    return query, notes


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
    query: CatalogQuery,
    facets: Iterable[str] = SEARCH_FACETS,
    notes: Sequence[str] = (),
) -> CatalogPage:
    """One page of published activities matching ``query``, with facet counts.

    Two steps, one database query: the index answers ids, total and facets; the rows of
    the page are loaded by id through the policy and put back in the index's order.
    """
    ranges: dict[str, Range] = {}
    if query.moore_min is not None:
        ranges["moore_level"] = Range(min=query.moore_min)
    if query.cost_max is not None:
        ranges["cost"] = Range(max=query.cost_max)
    if query.credits_min is not None:
        ranges["credits"] = Range(min=query.credits_min)
    if query.starts_after is not None:
        ranges["start_date"] = Range(min=int(query.starts_after.strftime("%Y%m%d")))
    result = search_backend().search(
        SearchQuery(
            text=query.text,
            filters=query.filters,
            ranges=ranges,
            sort=query.sort,
            page=query.page,
            page_size=query.page_size,
            facets=list(facets),
        )
    )
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

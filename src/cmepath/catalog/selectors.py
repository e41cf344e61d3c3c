"""Reads on the catalog, always through the policies.

Search goes to the search layer (``cmepath.search``) for ids, facet counts and the total,
then loads the rows of that page from the database in one query (for permissions and
freshness), keeping the search order. The query comes from the search app's
``query_from_params`` (page) or from the API's typed parameters; both use
:data:`SEARCH_RANGES`.

The search page (:func:`catalog_search`) also knows who is looking: without an explicit
choice it filters on the signed-in clinician's profession and leaves ended activities out
(:class:`SearchDefaults`), clamps the page and offers "did you mean". The activity page
scores against the clinician's career goal (:func:`activity_score`). ``ends_by`` keeps
activities that end on or before a day (a requirement's deadline, from "Find CME for this");
:func:`credit_amounts` gives a result page's credits by type in one query, for the cards
that say how much of a requirement each activity closes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cmepath.accounts.models import Profile
from cmepath.accounts.selectors import profile_for
from cmepath.core.errors import NotFoundError
from cmepath.core.roles import Role
from cmepath.core.vocabulary import COMPETENCIES, PROFESSIONS
from cmepath.search.backends import search_backend
from cmepath.search.base import Range, SearchQuery
from cmepath.search.selectors import (
    ParsedQuery,
    RangeParam,
    last_page,
    past_end_note,
    query_from_params,
    requested_page,
    suggest_text,
)

from . import policies, rubric
from .choices import (
    ENDED_HIDE,
    ENDED_SHOW,
    FILTER_FIELDS,
    OTHER_PROFESSION,
    PAGE_SIZE,
    SEARCH_FACETS,
    SUGGEST_BELOW,
    ActivityStatus,
    CareerGoal,
    career_goal,
)
from .models import (
    Activity,
    ActivityImport,
    CohortOutcome,
    CreditDesignation,
    Provider,
    WishlistItem,
)
from .search_docs import ACTIVITY, SUGGEST_WORDS
from .services.scoring import activity_facts, record_of

#: The range parameters of the search page and the API, and the fields they bound.
SEARCH_RANGES = {
    "starts_after": RangeParam("start_date", "min", "date"),
    # activities that end on or before a day (a requirement's deadline: "Find CME for this")
    "ends_by": RangeParam("end_date", "max", "date"),
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
    params: Mapping[str, Any],
    getlist: Any = None,
    *,
    page_size: int = PAGE_SIZE,
    page: int | None = None,
) -> ParsedQuery:
    """The search page's query from its request parameters; never raises: bad values are
    dropped and named in the notes. ``getlist(name)`` returns every value of a repeated
    parameter (``QueryDict.getlist``); ``page`` is one already read (``requested_page``)."""
    return query_from_params(
        ACTIVITY,
        params,
        getlist=getlist,
        filters=FILTER_FIELDS,
        ranges=SEARCH_RANGES,
        facets=SEARCH_FACETS,
        page_size=page_size,
        page=page,
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
    "topics",
    "value_score",
    "url",
    "status",
)


def activity_search(
    *,
    actor: Any,
    query: SearchQuery,
    notes: Sequence[str] = (),
    clamp_page: bool = False,
) -> CatalogPage:
    """One page of published activities matching ``query``, with facet counts.

    Two steps, one database query: the index answers ids, total and facets; the rows of
    the page are loaded by id through the policy and put back in the index's order. With
    ``clamp_page`` a page past the end is replaced by the last page (one more index search,
    only then) and a note says so.
    """
    backend = search_backend(ACTIVITY)
    result = backend.search(query)
    if clamp_page:
        last = last_page(result.total, query.page_size)
        if query.page > last:
            notes = [*notes, past_end_note(query.page, last)]
            query = dataclasses.replace(query, page=last)
            result = backend.search(query)
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


def today_utc() -> date:
    """Today's date in UTC: an activity has ended when its end date is before it."""
    return timezone.now().astimezone(UTC).date()


def yyyymmdd(day: date) -> int:
    """A date as the index stores it (``start_date`` and ``end_date`` fields)."""
    return day.year * 10_000 + day.month * 100 + day.day


def _clinician_profile(actor: Any) -> Profile | None:
    """The profile of a signed-in clinician (one query), else None: other roles and
    anonymous visitors get no personal defaults."""
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.CLINICIAN:
        return None
    return profile_for(user=actor)


@dataclass(frozen=True, slots=True)
class SearchDefaults:
    """What the search page assumed because the request did not say, so it can show each
    assumption as a removable choice.

    - ``own_profession``: the signed-in clinician's profession (profile), or None (also for
      "Other", which few activities name);
    - ``profession``: that profession, applied as the filter because the request has no
      ``profession`` parameter at all (``?profession=`` with no value means "all");
    - ``hide_ended``: activities whose end date is before ``today`` (UTC) are left out;
    - ``ended_by_default``: ... because the request has neither ``ended`` nor a date filter
      (``starts_after``); ``?ended=show`` shows them, labelled "ended".
    """

    today: date
    own_profession: str | None = None
    profession: str | None = None
    hide_ended: bool = True
    ended_by_default: bool = True

    @property
    def profession_label(self) -> str:
        term = PROFESSIONS.get(self.profession or "")
        return term.label if term else (self.profession or "")


def search_defaults(*, actor: Any, params: Mapping[str, Any], today: date) -> SearchDefaults:
    """The defaults of the search page for this visitor and these request parameters."""
    profile = _clinician_profile(actor)
    own = profile.profession if profile is not None else None
    if own not in PROFESSIONS or own == OTHER_PROFESSION:
        own = None  # "Other" would hide nearly everything: no default then
    ended = str(params.get("ended") or "")
    explicit_dates = ended in (ENDED_SHOW, ENDED_HIDE) or bool(params.get("starts_after"))
    return SearchDefaults(
        today=today,
        own_profession=own,
        profession=own if "profession" not in params else None,
        hide_ended=ended == ENDED_HIDE or not explicit_dates,
        ended_by_default=not explicit_dates,
    )


def with_defaults(query: SearchQuery, defaults: SearchDefaults) -> SearchQuery:
    """``query`` narrowed by the defaults: the profession filter, ``end_date >= today``
    while ended activities are hidden, and then, for the "soonest" sort, ``start_date >=
    today`` too (soonest starts today, not with what began last month)."""
    filters = dict(query.filters)
    if defaults.profession:
        filters["profession"] = [defaults.profession]
    ranges = dict(query.ranges)
    if defaults.hide_ended:
        today = yyyymmdd(defaults.today)
        ranges["end_date"] = _at_least(ranges.get("end_date"), today)
        if query.sort == "start_date":
            ranges["start_date"] = _at_least(ranges.get("start_date"), today)
    return dataclasses.replace(query, filters=filters, ranges=ranges)


def _at_least(old: Range | None, low: int) -> Range:
    if old is None:
        return Range(min=low)
    return Range(min=low if old.min is None else max(old.min, low), max=old.max)


@dataclass(frozen=True, slots=True)
class CatalogSearch:
    """The search page: the query as run, the range values read back, one page of results,
    the defaults applied and, for a text with few results, a corrected text that finds more."""

    query: SearchQuery
    values: Mapping[str, Any]
    page: CatalogPage
    defaults: SearchDefaults
    suggestion: str | None = None


def catalog_search(
    *,
    actor: Any,
    params: Mapping[str, Any],
    getlist: Callable[[str], list[Any]] | None = None,
    today: date | None = None,
) -> CatalogSearch:
    """The search page for ``actor`` from its request parameters; never raises.

    Bad page numbers (``0``, ``-1``, ``abc``) show page 1 and a page past the end the last
    page, each with one note. At most three index searches (the page, the last page if the
    asked one is past the end, a count for the suggestion) and the queries of
    :func:`activity_search`, plus one for a clinician's profile.
    """
    page_number, page_note = requested_page(params.get("page"))
    parsed = activity_query(params, getlist, page=page_number)
    defaults = search_defaults(actor=actor, params=params, today=today or today_utc())
    query = with_defaults(parsed.query, defaults)
    notes = [*parsed.notes, *([page_note] if page_note else [])]
    page = activity_search(actor=actor, query=query, notes=notes, clamp_page=True)
    return CatalogSearch(
        query=dataclasses.replace(query, page=page.page),
        values=parsed.values,
        page=page,
        defaults=defaults,
        suggestion=_suggestion(query, page.total),
    )


def _suggestion(query: SearchQuery, total: int) -> str | None:
    """A corrected text ("opiod" -> "opioid") when the text finds fewer than
    ``SUGGEST_BELOW`` results and the correction finds more (one count search)."""
    if total >= SUGGEST_BELOW or not query.text.strip():
        return None
    text = suggest_text(query.text, SUGGEST_WORDS)
    if text is None:
        return None
    probe = dataclasses.replace(query, text=text, page=1, page_size=1, facets=[])
    return text if search_backend(ACTIVITY).search(probe).total > total else None


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


@dataclass(frozen=True, slots=True)
class GoalScore:
    """The value score an activity page shows: ``breakdown`` (``total`` and ``factors``, as
    stored) against ``goal`` when there is one, else the stored goal-neutral score.
    ``note`` says why a goal given could not be used."""

    breakdown: Mapping[str, Any]
    goal: CareerGoal | None = None
    note: str | None = None

    @property
    def total(self) -> float:
        return float(self.breakdown.get("total", 0.0))

    @property
    def goal_competencies(self) -> list[str]:
        """The goal's competencies as labels (never codes), for "for your goal"."""
        return [_competency_label(c) for c in self.goal.competencies] if self.goal else []


def _competency_label(code: str) -> str:
    term = COMPETENCIES.get(code)
    return term.label if term else code.replace("_", " ")


def activity_score(*, actor: Any, activity: Activity, goal: str | None = None) -> GoalScore:
    """``activity``'s value score for whoever is looking: against ``goal`` (the request's,
    a :data:`~.choices.CAREER_GOALS` key or free text) if given and understood, else the
    signed-in clinician's profile career goal, else the stored score (career fit neutral).

    ``activity`` needs its designations and commercial support loaded
    (:func:`activity_detail`); the only query is a clinician's profile when the request
    has no goal. The rubric gets competency labels, so its reason names no codes.
    """
    note = None
    chosen = career_goal(goal) if goal else None
    if goal and chosen is None:
        note = f"The goal {goal[:60]!r} names no goal or competency we know; it was ignored."
    if chosen is None:
        profile = _clinician_profile(actor)
        chosen = career_goal(profile.career_goal) if profile is not None else None
    if chosen is None:
        stored = activity.score_breakdown or {"total": activity.value_score, "factors": []}
        return GoalScore(breakdown=stored, note=note)
    facts = activity_facts(record_of(activity), activity.provider)
    facts = dataclasses.replace(
        facts, competencies=frozenset(_competency_label(c) for c in facts.competencies)
    )
    wanted = frozenset(_competency_label(c) for c in chosen.competencies)
    return GoalScore(breakdown=rubric.score(facts, wanted).as_dict(), goal=chosen, note=note)


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


def credit_amounts(*, activity_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """Credit type -> designated amount for each of these activities, in one query (a result
    page's cards say how much of a requirement each would close)."""
    wanted = list(activity_ids)
    out: dict[int, dict[str, float]] = {pk: {} for pk in wanted}
    if wanted:
        for pk, credit_type, amount in (
            CreditDesignation.objects.filter(activity_id__in=wanted)
            .order_by()
            .values_list("activity_id", "credit_type", "amount")
        ):
            out[pk][credit_type] = float(amount)
    return out


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


#: Seconds the median price of a credit is cached (it moves slowly; computing it reads a
#: sample of the catalog).
COST_PER_CREDIT_TTL = 3600
#: Activities sampled for the median price of a credit.
COST_SAMPLE = 5000


def median_cost_per_credit() -> float | None:
    """The median price of one credit across published paid-or-free activities with
    credits (US dollars), from the newest :data:`COST_SAMPLE`; ``None`` with no catalog.
    Careers compares a vacancy's CME allowance with what a clinician's requirements cost."""
    from django.core.cache import cache

    key = "catalog:median_cost_per_credit"
    cached = cache.get(key)
    if cached is not None:
        return None if cached < 0 else float(cached)
    rows = list(
        Activity.objects.filter(status=ActivityStatus.PUBLISHED, credits__gt=0)
        .order_by("-pk")
        .values_list("cost", "credits")[:COST_SAMPLE]
    )
    prices = sorted(float(cost) / float(credits) for cost, credits in rows)
    value = prices[len(prices) // 2] if prices else None
    cache.set(key, -1.0 if value is None else round(value, 2), COST_PER_CREDIT_TTL)
    return value

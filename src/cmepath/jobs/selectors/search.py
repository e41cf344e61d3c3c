"""Vacancy search and fit: the index query from request parameters (filters, ranges,
distance from a place or the clinician's home ZIP, sorts), the page's rows loaded through
the policy in the index's order, ranking by fit, one vacancy's match and "jobs for you".
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from cmepath.core import zipdata
from cmepath.jobs import matching, retrieval
from cmepath.jobs.models import Vacancy
from cmepath.jobs.policies import VacancyPolicy
from cmepath.jobs.search_docs import VACANCY
from cmepath.jobs.selectors.facts import clinician_facts, mandated_topics_for, vacancy_facts
from cmepath.search.backends import search_backend
from cmepath.search.base import DISTANCE, Range, SearchQuery
from cmepath.search.geo import haversine_km
from cmepath.search.selectors import (
    RangeParam,
    last_page,
    past_end_note,
    query_from_params,
    requested_page,
)

PAGE_SIZE = 20


#: Kilometres in a statute mile (the page asks in miles; the index measures kilometres).
KM_PER_MILE = 1.609344


#: Facets the search page and the API count.
SEARCH_FACETS = (
    "profession",
    "physician",
    "specialty",
    "state",
    "setting",
    "employment_model",
    "schedule",
    "career_track",
    "remote",
    "visa",
    "loan_repayment",
)


FILTER_FIELDS = (*SEARCH_FACETS, "credentials", "employer", "licence_states")


#: Range parameters of the search page and the API, and the fields they bound.
SEARCH_RANGES = {
    "salary_min": RangeParam("salary_max", "min", "float"),
    "cme_min": RangeParam("cme_allowance", "min", "float"),
    "cme_days_min": RangeParam("cme_days", "min", "float"),
}


#: The sorts offered, with their labels ("distance" needs a place, "match" a clinician).
SORTS = {
    "relevance": "Best match to the words",
    "date": "Newest",
    "salary": "Highest pay",
    "cme": "Largest CME allowance",
    "cme_days": "Most paid CME days",
    "distance": "Nearest",
    "match": "Best fit for me",
}


# ------------------------------------------------------------------ search


@dataclass(frozen=True, slots=True)
class JobPage:
    total: int
    vacancies: list[Vacancy]
    facets: dict[str, list[tuple[str, int]]]
    message: str | None
    page: int
    page_size: int
    distances: dict[int, float] = dataclasses.field(default_factory=dict)  # km
    matches: dict[int, matching.Match] = dataclasses.field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size)) if self.page_size else 1


@dataclass(frozen=True, slots=True)
class JobSearch:
    query: SearchQuery
    values: Mapping[str, Any]
    page: JobPage
    zip_code: str
    miles: float | None
    sort: str


def today() -> date:
    return timezone.localdate()


def _ymd(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


def _place(
    params: Mapping[str, Any], notes: list[str], home_zip: str = ""
) -> tuple[dict[str, Any], str, float | None]:
    """``zip`` + ``miles`` become the index's ``lat``/``lon``/``km``; a bad ZIP or distance
    is named in a note and ignored. ``miles`` without a ZIP starts from ``home_zip`` (the
    clinician's profile)."""
    extra: dict[str, Any] = {}
    zip_code = str(params.get("zip") or "").strip()[:10]
    if not zip_code and home_zip and params.get("miles"):
        zip_code = home_zip
    raw_miles = str(params.get("miles") or "").strip()
    miles: float | None = None
    if raw_miles:
        try:
            miles = float(raw_miles)
            if not (0 < miles <= 500) or not math.isfinite(miles):
                raise ValueError
        except ValueError:
            notes.append("The distance must be between 1 and 500 miles; it was ignored.")
            miles = None
    if zip_code:
        place = zipdata.lookup(zip_code)
        if place is None:
            notes.append(f"ZIP code {zip_code!r} does not exist; the distance filter was ignored.")
            zip_code = ""
        else:
            extra = {
                "lat": place.latitude,
                "lon": place.longitude,
                "km": (miles or 50.0) * KM_PER_MILE,
            }
            miles = miles or 50.0
    return extra, zip_code, miles


def vacancy_query(
    params: Mapping[str, Any],
    getlist: Callable[[str], list[Any]] | None = None,
    *,
    on: date,
    page: int | None = None,
    page_size: int = PAGE_SIZE,
    home_zip: str = "",
) -> tuple[SearchQuery, Mapping[str, Any], list[str], str, float | None]:
    """The search query from request parameters; never raises (bad values become notes).
    Vacancies past their expiry date are left out even before the expiry task runs."""
    notes: list[str] = []
    extra, zip_code, miles = _place(params, notes, home_zip)
    merged: dict[str, Any] = {k: params.get(k) for k in params}
    for key in ("lat", "lon", "km"):
        merged.pop(key, None)
    merged.update(extra)
    sort = str(merged.get("sort") or "")
    if sort == "match":
        merged["sort"] = ""
    parsed = query_from_params(
        VACANCY,
        merged,
        getlist=getlist,
        filters=FILTER_FIELDS,
        ranges=SEARCH_RANGES,
        facets=SEARCH_FACETS,
        page_size=page_size,
        page=page,
    )
    query = parsed.query
    ranges = dict(query.ranges)
    ranges["expires"] = Range(min=_ymd(on))
    query = dataclasses.replace(query, ranges=ranges)
    if query.sort == DISTANCE and query.radius is None:
        notes.append("Sorting by distance needs a ZIP code; sorted by best match.")
        query = dataclasses.replace(query, sort="relevance")
    return query, parsed.values, [*notes, *parsed.notes], zip_code, miles if extra else None


def _home_zip(actor: Any) -> str:
    """The ZIP code on a signed-in clinician's profile, or ""."""
    from cmepath.accounts.models import Profile

    if not getattr(actor, "is_authenticated", False):
        return ""
    return Profile.objects.filter(user=actor).values_list("home_zip", flat=True).first() or ""


def _rows(actor: Any, ids: Sequence[int]) -> dict[int, Vacancy]:
    if not ids:
        return {}
    return {
        v.pk: v
        for v in VacancyPolicy()
        .visible(actor, "view")
        .filter(pk__in=ids)
        .select_related("employer")
        .order_by()
    }


def vacancy_search(
    *,
    actor: Any,
    params: Mapping[str, Any],
    getlist: Callable[[str], list[Any]] | None = None,
    on: date | None = None,
) -> JobSearch:
    """One page of open vacancies for ``actor``; never raises. ``sort=match`` (clinicians)
    ranks the best ``retrieval.CANDIDATES`` by fit with reasons."""
    on = on or today()
    page_number, page_note = requested_page(params.get("page"))
    query, values, notes, zip_code, miles = vacancy_query(
        params,
        getlist,
        on=on,
        page=page_number,
        home_zip=_home_zip(actor) if params.get("miles") and not params.get("zip") else "",
    )
    if page_note:
        notes.append(page_note)
    sort = str(params.get("sort") or "relevance")
    facts = clinician_facts(actor, on=on) if sort == "match" else None
    if sort == "match" and facts is None:
        notes.append("Sorting by fit needs a clinician's profile; sorted by best match.")
        sort = "relevance"
    backend = search_backend(VACANCY)
    if facts is not None:
        page = _match_page(actor, backend, query, facts, on, notes)
        return JobSearch(query, values, page, zip_code, miles, "match")
    result = backend.search(query)
    last = last_page(result.total, query.page_size)
    if query.page > last:
        notes.append(past_end_note(query.page, last))
        query = dataclasses.replace(query, page=last)
        result = backend.search(query)
    ids = [int(h.id) for h in result.hits if h.id.isdigit()]
    rows = _rows(actor, ids)
    distances = {int(h.id): float(h.distance_km) for h in result.hits if h.distance_km is not None}
    vacancies = [rows[i] for i in ids if i in rows]
    matches = {}
    clinician = clinician_facts(actor, on=on)
    if clinician is not None and vacancies:
        mandated = mandated_topics_for(vacancies)
        matches = {
            v.pk: matching.match(clinician, vacancy_facts(v, mandated), today=on) for v in vacancies
        }
    message = " ".join([*notes, result.message or ""]).strip() or None
    page = JobPage(
        result.total,
        vacancies,
        result.facets,
        message,
        query.page,
        query.page_size,
        distances,
        matches,
    )
    return JobSearch(query, values, page, zip_code, miles, query.sort)


def _match_page(
    actor: Any,
    backend: Any,
    query: SearchQuery,
    facts: matching.ClinicianFacts,
    on: date,
    notes: list[str],
) -> JobPage:
    """The search page sorted by fit: the page's own query gives the facet counts; its
    candidates (the clinician's specialty first, then the newest) are ranked by fit."""
    counted = backend.search(dataclasses.replace(query, page=1, page_size=1))
    ids, total = retrieval.candidates(backend, facts, today=on, base=query)
    rows = _rows(actor, ids)
    mandated = mandated_topics_for(rows.values())
    ranked = matching.rank(
        facts,
        (vacancy_facts(rows[i], mandated) for i in ids if i in rows),
        today=on,
        limit=retrieval.CANDIDATES,
    )
    if total > len(ids):
        notes.append(
            f"Ranked by fit: {len(ids)} of {total:,} matching vacancies (your specialty first, "
            "then the newest); narrow the search to rank the rest."
        )
    last = last_page(len(ranked), query.page_size)
    page_no = min(query.page, last)
    chunk = ranked[(page_no - 1) * query.page_size : page_no * query.page_size]
    shown = [rows[m.vacancy_id] for m in chunk]
    distances: dict[int, float] = {}
    if query.radius is not None:
        centre = query.radius
        distances = {
            v.pk: haversine_km(centre.lat, centre.lon, v.latitude, v.longitude)
            for v in shown
            if v.latitude is not None and v.longitude is not None
        }
    return JobPage(
        total=len(ranked),
        vacancies=shown,
        facets=counted.facets,
        message=" ".join([*notes, counted.message or ""]).strip() or None,
        page=page_no,
        page_size=query.page_size,
        distances=distances,
        matches={m.vacancy_id: m for m in chunk},
    )


def vacancy_match(*, actor: Any, vacancy: Vacancy, on: date | None = None) -> matching.Match | None:
    """The fit of ``vacancy`` for a clinician, with reasons and gaps (``None`` otherwise)."""
    on = on or today()
    facts = clinician_facts(actor, on=on)
    if facts is None:
        return None
    return matching.match(facts, vacancy_facts(vacancy, mandated_topics_for([vacancy])), today=on)


def jobs_for_you(
    *, actor: Any, on: date | None = None, limit: int = 20
) -> list[tuple[Vacancy, matching.Match]]:
    """The best vacancies for a clinician: candidates retrieved by hard filters in the
    index (``retrieval.py``), then ranked by fit."""
    on = on or today()
    facts = clinician_facts(actor, on=on)
    if facts is None:
        return []
    ids, _ = retrieval.candidates(search_backend(VACANCY), facts, today=on)
    rows = _rows(actor, ids)
    mandated = mandated_topics_for(rows.values())
    ranked = matching.rank(
        facts, (vacancy_facts(rows[i], mandated) for i in ids if i in rows), today=on, limit=limit
    )
    return [(rows[m.vacancy_id], m) for m in ranked]

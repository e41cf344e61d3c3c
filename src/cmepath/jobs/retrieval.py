"""Retrieve, then rank: the first step of "Jobs for you" and of the "best fit" sort.

Scoring every open vacancy for every page view would not scale (a million listings), so
the index first returns candidates by hard filters, as job recommenders do
(``reference/careers.md`` section 10): the clinician's profession (MD and DO together), the
states they may practise in (valid licences, plus the compact's states for a multistate
licence), and, for part of the budget, their specialty or a related one (same provider type
and classification); the rest of the budget takes the newest matches of any specialty.
:func:`matching.rank` then scores the candidates. ``bench/bench_jobs_match.py`` measures this
path against scoring every row with numpy.

Pure apart from the search backend it is handed (no Django).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from datetime import date

from cmepath.accounts import taxonomy
from cmepath.search.base import MAX_PAGE_SIZE, Range, SearchBackend, SearchQuery

from .compacts import practice_states as compact_states
from .matching import ClinicianFacts
from .vocab import PHYSICIANS

#: Candidates ranked per request.
CANDIDATES = 500
#: Share of the candidates taken from the clinician's specialty and related ones first.
SPECIALTY_SHARE = 0.6


def ymd(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


def professions_for(profession: str) -> list[str]:
    """The professions whose listings are open to ``profession`` (MD and DO together)."""
    return sorted(PHYSICIANS) if profession in PHYSICIANS else [profession]


def practice_in(c: ClinicianFacts, *, today: date) -> list[str]:
    """States the clinician may practise in: valid licences, plus the compact's states for
    a valid multistate licence."""
    valid = [lic for lic in c.licences if lic.expiry >= today]
    states = {lic.state for lic in valid}
    if any(lic.multistate for lic in valid):
        states |= compact_states(c.profession)
    return sorted(states)


@functools.cache
def _codes() -> tuple[str, ...]:
    return tuple(taxonomy.load_taxonomy())


def related_specialties(specialties: frozenset[str]) -> list[str]:
    """The clinician's NUCC codes and those sharing their first 4 characters."""
    groups = {s[:4] for s in specialties}
    return sorted(set(specialties) | {code for code in _codes() if code[:4] in groups})


def newest_ids(
    backend: SearchBackend, query: SearchQuery, want: int, seen: set[int], out: list[int]
) -> int:
    """Append up to ``want`` ids matching ``query`` that are not in ``seen``, newest first,
    paging through the search layer; returns how many vacancies match in all."""
    page, total, added = 1, 0, 0
    while added < want:
        result = backend.search(
            dataclasses.replace(query, sort="date", page=page, page_size=MAX_PAGE_SIZE, facets=())
        )
        total = result.total
        for hit in result.hits:
            if not hit.id.isdigit():
                continue
            vid = int(hit.id)
            if vid not in seen and added < want:
                seen.add(vid)
                out.append(vid)
                added += 1
        if len(result.hits) < MAX_PAGE_SIZE:
            break
        page += 1
    return total


def hard_filters(c: ClinicianFacts, *, today: date) -> dict[str, list[str]]:
    """The filters every "Jobs for you" candidate meets."""
    filters = {"profession": professions_for(c.profession)}
    states = practice_in(c, today=today)
    if states:
        filters["licence_states"] = states
    return filters


def candidates(
    backend: SearchBackend,
    c: ClinicianFacts,
    *,
    today: date,
    base: SearchQuery | None = None,
    cap: int = CANDIDATES,
    specialty_share: float = SPECIALTY_SHARE,
) -> tuple[list[int], int]:
    """Up to ``cap`` candidate ids for ``c`` and the number of vacancies that match in all.

    Without ``base`` the candidates meet :func:`hard_filters`; with it (the search page's
    own query) they meet that query. Open vacancies only (expiry today or later).
    """
    query = base or SearchQuery(filters=hard_filters(c, today=today))
    ranges: Mapping[str, Range] = {**query.ranges, "expires": Range(min=ymd(today))}
    query = dataclasses.replace(query, ranges=ranges)
    ids: list[int] = []
    seen: set[int] = set()
    if specialty_share > 0 and c.specialties and "specialty" not in query.filters:
        near = dataclasses.replace(
            query,
            filters={**query.filters, "specialty": related_specialties(c.specialties)},
        )
        newest_ids(backend, near, round(cap * specialty_share), seen, ids)
    total = newest_ids(backend, query, cap - len(ids), seen, ids)
    return ids, total


__all__: Sequence[str] = (
    "CANDIDATES",
    "candidates",
    "hard_filters",
    "newest_ids",
    "practice_in",
    "professions_for",
    "related_specialties",
)

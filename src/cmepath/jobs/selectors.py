"""Reads of the jobs app: vacancy search, detail pages, the facts matching reads, "jobs for
you", employer pages, applications and the moderation queue.

Search runs in the index (``search_docs.VACANCY``); rows of a page are loaded by id through
the policy, in the index's order, in one query. Matching (``matching.py``) is pure: this
module turns rows and the requirement engine's results into its plain inputs.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from cmepath.core import zipdata
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

from . import compacts, matching, retrieval
from .choices import (
    ApplicationStatus,
    CareerTrack,
    ReportStatus,
    VacancyStatus,
)
from .models import Application, Employer, SavedSearch, Vacancy
from .policies import (
    ApplicationPolicy,
    EmployerPolicy,
    SavedSearchPolicy,
    VacancyPolicy,
    VacancyReportPolicy,
)
from .search_docs import VACANCY

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


# ------------------------------------------------------------------ facts for matching


@functools.cache
def _mandated(state: str, profession: str) -> tuple[str, ...]:
    """Topics the requirement rules mandate for every licence of ``profession`` in
    ``state``: one code per requirement (its first topic; any of its topics satisfies it)."""
    from cmepath.credits.batch import rule_index

    index = rule_index()
    found: list[str] = []
    for regime in index.by_licence.get((state, profession), ()):
        for req in regime.requirements:
            cond = req.conditions
            # Topics that only some holders owe (by specialty, patient mix or endorsement)
            # are not a gap for everyone taking the job.
            narrow = (
                cond.patients_65_plus_share_over is not None
                or cond.specialties_any
                or cond.endorsements_any
            )
            if req.topics and not narrow:
                code = sorted(req.topics)[0]
                if code not in found:
                    found.append(code)
    return tuple(found)


@functools.cache
def _topic_groups() -> dict[str, frozenset[str]]:
    """Each mandated topic code and the topics that satisfy the same requirement."""
    from cmepath.credits.batch import rule_index

    groups: dict[str, set[str]] = {}
    for regime in rule_index().rules:
        for req in regime.requirements:
            if req.topics:
                groups.setdefault(sorted(req.topics)[0], set()).update(req.topics)
    return {k: frozenset(v) for k, v in groups.items()}


def _licence_profession(profession: str) -> str:
    return "MD" if profession == "DO" else profession


def mandated_topics_for(vacancies: Iterable[Vacancy]) -> dict[tuple[str, str], tuple[str, ...]]:
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for v in vacancies:
        for state in v.licence_states or ([v.state] if v.state else []):
            key = (state, v.profession)
            if key not in out:
                out[key] = _mandated(state, v.profession) or _mandated(
                    state, _licence_profession(v.profession)
                )
    return out


def vacancy_facts(
    v: Vacancy, mandated: Mapping[tuple[str, str], tuple[str, ...]]
) -> matching.VacancyFacts:
    from .search_docs import yearly

    states = v.licence_states or ([v.state] if v.state else [])
    return matching.VacancyFacts(
        id=v.pk,
        profession=v.profession,
        specialty=v.specialty,
        state=v.state,
        remote=v.remote,
        remote_states=frozenset(v.remote_states),
        licence_states=frozenset(states),
        compact_accepted=v.compact_accepted,
        board_requirement=v.board_requirement,
        credentials=frozenset(v.credentials),
        career_track=v.career_track,
        cme_allowance=float(v.cme_allowance or 0),
        cme_days=float(v.cme_days or 0),
        start_date=v.start_date,
        mandated_topics={s: mandated.get((s, v.profession), ()) for s in states},
        latitude=v.latitude,
        longitude=v.longitude,
        visas=frozenset(v.visas),
        salary_max=yearly(v.salary_max, v.salary_unit),
        compact_states=compacts.practice_states(v.profession)
        if v.compact_accepted
        else frozenset(),
    )


#: Career goals (catalog.choices.CAREER_GOALS keys) and the kinds of role they lead to.
GOAL_TRACKS: dict[str, frozenset[str]] = {
    "cmo": frozenset({CareerTrack.LEADERSHIP, CareerTrack.QUALITY}),
    "department_chief": frozenset({CareerTrack.LEADERSHIP}),
    "nurse_leader": frozenset({CareerTrack.LEADERSHIP}),
    "quality_lead": frozenset({CareerTrack.QUALITY}),
    "informaticist": frozenset({CareerTrack.INFORMATICS}),
    "medical_director": frozenset({CareerTrack.LEADERSHIP, CareerTrack.QUALITY}),
    "pharmacist_specialist": frozenset({CareerTrack.CLINICAL}),
    "educator": frozenset({CareerTrack.EDUCATION}),
    "advancing_scope": frozenset({CareerTrack.CLINICAL}),
    "stay_current": frozenset({CareerTrack.CLINICAL}),
}

_CME_STATUS = {
    "met": "met",
    "not_applicable": "met",
    "at_risk": "due_soon",
    "unmet": "overdue",
    "not_covered": "not_covered",
}


def _annual_cme_cost(evaluation: Any) -> float | None:
    """What a year of the clinician's required CME costs: the hours each regime asks per
    cycle, spread over the cycle, times the catalog's median price of a credit."""
    from cmepath.catalog.selectors import median_cost_per_credit

    per_credit = median_cost_per_credit()
    if per_credit is None:
        return None
    hours_per_year = 0.0
    for regime in evaluation.regimes:
        if regime.cycle_start is None or regime.cycle_end is None:
            continue
        years = max((regime.cycle_end - regime.cycle_start).days / 365.25, 1.0)
        needed = max((r.hours_needed for r in regime.requirements), default=0.0)
        hours_per_year += needed / years
    return round(hours_per_year * per_credit, 2)


def clinician_facts(actor: Any, *, on: date) -> matching.ClinicianFacts | None:
    """What matching knows of a clinician: profile, licences with their CME standing from
    the requirement engine, certifications, credentials, career goal, completed topics and
    the yearly cost of their required CME. ``None`` for anyone who is not a clinician."""
    from cmepath.accounts.models import Profile
    from cmepath.catalog.choices import career_goal
    from cmepath.core.policy import role_of
    from cmepath.core.roles import Role
    from cmepath.credits.selectors import evaluation_and_topics

    if role_of(actor) != Role.CLINICIAN:
        return None
    profile = Profile.objects.filter(user=actor).first()
    if profile is None:
        return None
    cache_key = "_jobs_clinician_facts"
    cached = getattr(actor, cache_key, None)
    if cached is not None and cached[0] == on:
        return cached[1]  # type: ignore[no-any-return]
    evaluation, done = evaluation_and_topics(user=actor, as_of=on)
    standing = {
        (c.code, c.profession): _CME_STATUS.get(c.status, "met")
        for c in evaluation.credentials
        if c.kind == "licence"
    }
    rows = list(actor.licences.all())
    licences = tuple(
        matching.LicenceFact(
            state=lic.state,
            profession=lic.licence_type,
            expiry=lic.expiry_date,
            cme_status=standing.get((lic.state, lic.licence_type), "met"),
        )
        for lic in rows
    )
    groups = _topic_groups()
    completed = set(done)
    for head, members in groups.items():
        if members & done:
            completed.add(head)
    goal = career_goal(profile.career_goal)
    certified = actor.board_certifications.filter(cycle_end__gte=on).exists()
    facts = matching.ClinicianFacts(
        profession=profile.profession,
        specialties=frozenset(s for s in [profile.primary_specialty, *profile.specialties] if s),
        licences=licences,
        board_certified=certified,
        credentials=frozenset({"DEA"} if any(lic.dea_registered for lic in rows) else set()),
        career_tracks=GOAL_TRACKS.get(goal.key, frozenset()) if goal else frozenset(),
        completed_topics=frozenset(completed),
        annual_cme_cost=_annual_cme_cost(evaluation),
        home=_home_point(profile.home_zip),
    )
    setattr(actor, cache_key, (on, facts))
    return facts


def _home_point(home_zip: str) -> tuple[float, float] | None:
    place = zipdata.lookup(home_zip) if home_zip else None
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return (place.latitude, place.longitude)


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


# ------------------------------------------------------------------ pages


def vacancy_detail(*, actor: Any, pk: int) -> Vacancy:
    """A vacancy the actor may see, with its employer (404 otherwise)."""
    return VacancyPolicy().get(actor, "view", pk=pk)


def vacancy_for_change(*, actor: Any, pk: int) -> Vacancy:
    return VacancyPolicy().get(actor, "change", pk=pk)


def vacancy_events(vacancy: Vacancy) -> QuerySet[Any]:
    return vacancy.events.select_related("actor").order_by("at", "pk")


def employer_detail(*, actor: Any, pk: int) -> Employer:
    return EmployerPolicy().get(actor, "view", pk=pk)


def employer_open_vacancies(employer: Employer, *, on: date | None = None) -> QuerySet[Vacancy]:
    on = on or today()
    return employer.vacancies.filter(status=VacancyStatus.PUBLISHED, expires_on__gte=on).order_by(
        "-posted_on", "-pk"
    )


def employer_all_vacancies(*, actor: Any, employer: Employer) -> QuerySet[Vacancy]:
    """Every vacancy of an employer the actor posts for, with its applicant count."""
    return (
        VacancyPolicy()
        .visible(actor, "change")
        .filter(employer=employer)
        .annotate(applicant_count=Count("applications"))
        .order_by("-updated_at", "-pk")
    )


def employer_members(*, employer: Employer) -> list[Any]:
    """The people who act for an employer (its administrators see them)."""
    return list(employer.memberships.select_related("user").order_by("role", "user__email"))


def employers_for(*, actor: Any) -> QuerySet[Employer]:
    """The employers the actor is a member of."""
    return EmployerPolicy().member_rows(actor, "view").order_by("name")


def cme_benefit_summary(employer: Employer, *, on: date | None = None) -> dict[str, Any]:
    """Median CME allowance and paid days across the employer's open vacancies."""
    rows = list(employer_open_vacancies(employer, on=on).values_list("cme_allowance", "cme_days"))
    allowances = sorted(float(a) for a, _ in rows if a is not None)
    days = sorted(float(d) for _, d in rows if d is not None)

    def median(xs: list[float]) -> float | None:
        if not xs:
            return None
        mid = len(xs) // 2
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2

    return {"open": len(rows), "allowance": median(allowances), "days": median(days)}


def applications_for(*, actor: Any) -> QuerySet[Application]:
    """The clinician's own applications, newest first, with their history."""
    return (
        Application.objects.filter(user=actor)
        .select_related("vacancy", "vacancy__employer")
        .prefetch_related(Prefetch("events"))
        .order_by("-created_at", "-pk")
    )


def application_detail(*, actor: Any, pk: int) -> Application:
    return ApplicationPolicy().get(actor, "view", pk=pk)


def application_share_link(*, application: Application) -> Any:
    """The active transcript link attached to an application (404 when none is attached,
    or it was revoked or has expired)."""
    from cmepath.core.errors import NotFoundError

    link = application.share_link
    if link is None or not link.is_active(timezone.now()):
        raise NotFoundError(
            "No active transcript link is attached to this application (the applicant may "
            "have revoked it, or it expired)."
        )
    return link


@dataclass(frozen=True, slots=True)
class Applicant:
    application: Application
    name: str
    verified: bool
    profession: str
    match: matching.Match | None


def applicants_for(*, actor: Any, vacancy: Vacancy, on: date | None = None) -> list[Applicant]:
    """The applicants of a vacancy the actor posts for, ranked by fit with the reasons.
    Shows the verified profile summary only: never licence numbers."""
    on = on or today()
    apps = list(
        ApplicationPolicy()
        .visible(actor, "move")
        .filter(vacancy=vacancy)
        .select_related("user", "user__profile")
        .order_by("-created_at")
    )
    mandated = mandated_topics_for([vacancy])
    facts = vacancy_facts(vacancy, mandated)
    out: list[Applicant] = []
    for app in apps:
        clinician = clinician_facts(app.user, on=on)
        profile = getattr(app.user, "profile", None)
        out.append(
            Applicant(
                application=app,
                name=(profile.full_name if profile else "") or "Name not given",
                verified=bool(profile and profile.is_verified),
                profession=profile.get_profession_display() if profile else "",
                match=matching.match(clinician, facts, today=on) if clinician else None,
            )
        )
    out.sort(key=lambda a: (-(a.match.score if a.match else 0), a.application.pk))
    return out


def saved_searches_for(*, actor: Any) -> QuerySet[SavedSearch]:
    return SavedSearchPolicy().visible(actor).order_by("name", "pk")


def saved_search_by_token(token: str) -> SavedSearch:
    """The saved search an alert's unsubscribe link names (no sign-in: the token is the
    capability); 404 for an unknown token."""
    from cmepath.core.errors import NotFoundError

    found = SavedSearch.objects.filter(unsubscribe_token=token[:64]).first()
    if found is None:
        raise NotFoundError("This unsubscribe link is not valid (the search may be deleted).")
    return found


def moderation_queue(*, actor: Any) -> dict[str, Any]:
    """Vacancies waiting for review and open listing reports (admins)."""
    return {
        "review": VacancyPolicy()
        .visible(actor, "moderate")
        .filter(status=VacancyStatus.REVIEW)
        .select_related("employer")
        .order_by("updated_at"),
        "reports": VacancyReportPolicy()
        .visible(actor, "decide")
        .filter(status=ReportStatus.OPEN)
        .select_related("vacancy", "vacancy__employer")
        .order_by("created_at"),
        "unverified": EmployerPolicy()
        .visible(actor, "verify")
        .filter(verified_at__isnull=True)
        .order_by("created_at")
        if actor is not None
        else Employer.objects.none(),
    }


def posting_for(v: Vacancy, *, base_url: str = "") -> dict[str, Any]:
    """The JobPosting JSON-LD of a vacancy (its page and the JSON-LD export use this)."""
    from django.urls import reverse

    from cmepath.accounts import taxonomy

    from . import jsonld, reference
    from .validation import VACANCY_FIELDS

    term = taxonomy.get(v.specialty) if v.specialty else None
    values = {name: getattr(v, name) for name in VACANCY_FIELDS}
    values["id"] = v.pk
    employer = {
        name: getattr(v.employer, name)
        for name in ("name", "legal_name", "website", "city", "state", "zip_code", "npi", "ein")
    }
    return jsonld.build_job_posting(
        values,
        employer=employer,
        url=base_url.rstrip("/") + reverse("jobs:vacancy", args=[v.pk]),
        specialty_label=term.display_name if term else "",
        soc_label=reference.SOC_CODES.get(v.soc_code, ""),
    )


def export_rows(*, employer_id: int | None, fmt: str) -> bytes:
    """Published vacancies (optionally one employer's) as a CSV, JSON or JSON-LD file."""
    from django.conf import settings

    from . import formats
    from .validation import VACANCY_FIELDS

    qs = Vacancy.objects.filter(status=VacancyStatus.PUBLISHED).select_related("employer")
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    rows = list(qs.order_by("pk"))
    base = getattr(settings, "SITE_URL", "")
    by_id = {v.pk: v for v in rows}
    values = [{**{n: getattr(v, n) for n in VACANCY_FIELDS}, "_id": v.pk} for v in rows]
    return formats.write_records(
        values, fmt, posting=lambda row: posting_for(by_id[row["_id"]], base_url=base)
    )


@dataclass(frozen=True, slots=True)
class EmployerOverview:
    employer: Employer
    open: int
    drafts: int
    in_review: int
    new_applications: int


def employer_overview(*, actor: Any) -> list[EmployerOverview]:
    """Each employer the actor acts for, with its vacancy counts by status and the
    applications still waiting for a first look (two queries)."""
    from django.db.models import Q

    employers = list(
        employers_for(actor=actor).annotate(
            n_open=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.PUBLISHED)),
            n_drafts=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.DRAFT)),
            n_review=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.REVIEW)),
        )
    )
    waiting = dict(
        Application.objects.filter(
            vacancy__employer__in=[e.pk for e in employers],
            status=ApplicationStatus.SUBMITTED,
        )
        .values_list("vacancy__employer_id")
        .annotate(n=Count("pk"))
        .values_list("vacancy__employer_id", "n")
    )
    return [
        EmployerOverview(
            employer=e,
            open=e.n_open,
            drafts=e.n_drafts,
            in_review=e.n_review,
            new_applications=waiting.get(e.pk, 0),
        )
        for e in employers
    ]
